"""Embedded Oxigraph store on disk (or in memory)."""
from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from kg.rdf import terms as T
from kg.store.base import EXPORT_FORMATS, ArticleQuads, QueryError, QueryResult, StoreError

_FORMATS = {
    "nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG, "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML,
}
_DATASET_FORMATS = {"nquads", "trig", "jsonld"}
_CONTENT_HASH = T.ckg("contentHash")
# Quads written through transactions (not bulk loads) between two flushes of the memtables.
# Oxigraph gives each of its RocksDB column families a 128 MB write buffer, flushed only when
# full: the default-graph indexes, which get only the articles' descriptions (~15 quads an
# article; the graphs themselves are bulk-loaded), fill theirs after about half a million
# articles, so until then a build's memory grew with every article (~4 KB each: +0.4 GB over
# 10^5 articles) and every write-ahead log since the first stayed on disk. Flushing after
# this many quads keeps the memtables to a few MB; one flush takes milliseconds.
FLUSH_EVERY_QUADS = 20_000
# Below this many quads, new articles go in as one transaction rather than a bulk load. A bulk
# load has a fixed cost (it writes and ingests a new file for each index: ~11 ms for 200
# quads) and then ~2.5 us a quad; a transaction ~6 us a quad: they break even near 3 500
# (measured). A one-article build and the last, small batch of a build pay less this way, and
# the graph and description of each article go in together.
BULK_LOAD_QUADS = 3_000
# Compaction. Every bulk load ingests new table files and every flush writes small ones;
# RocksDB merges them in background threads that a build's exit cuts short, so a store built
# a batch at a time keeps dozens of overlapping files, and every look-up a query makes seeks
# in each of them: after `optimize` (a full compaction, 1 s at 10^4 articles, 17 s at 10^5)
# the library's queries ran 1.6 x faster at 10^4 (measured, session 13). A build compacts the
# store at its end when its table files have grown by this fraction since the last compaction
# (or were never compacted): each compaction rewrites the whole store, so this keeps its cost
# proportional to what the builds since added (adding 1,000 articles to 10^5 does not pay
# it; the 25,000th does).
COMPACT_AFTER_GROWTH = 0.25
# ...and only once they take this much: below it a compaction is a visible part of a small
# build and saves little (FA-KES 792 articles, 31 MB of tables: 0.23 s of a 6.6 s build, and
# the thirteen library queries 4.98 -> 4.21 s in all, ~60 ms each). `kg compact` still does it.
COMPACT_FROM_BYTES = 64 * 2**20
COMPACTION_RECORD = "kg-compaction.json"    # in the store's folder: the table bytes it left


class OxigraphStore:
    """The default store: Oxigraph's RocksDB files in a folder, transactions per article."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False):
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        try:
            if self.path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(self.path))
        except OSError as exc:
            raise StoreError(f"cannot open store at {self.path}: {exc}") from exc
        self._unflushed = 0         # quads in the memtables since the last flush (about)

    def _written(self, quads: int) -> None:
        """Count quads that went into the memtables; flush them when there are enough."""
        self._unflushed += quads
        if self._unflushed >= FLUSH_EVERY_QUADS:
            self.flush()

    @classmethod
    def over(cls, store: ox.Store) -> "OxigraphStore":
        """This interface over a pyoxigraph Store already open (tests, tools)."""
        wrapper = cls.__new__(cls)
        wrapper.path, wrapper.read_only, wrapper._store, wrapper._unflushed = None, False, store, 0
        return wrapper

    # ---------------------------------------------------------------- writing
    def _description(self, graph: ox.NamedNode, article: ox.NamedNode) -> list[ox.Quad]:
        d = ox.DefaultGraph()
        quads = list(self._store.quads_for_pattern(article, None, None, d))
        quads += self._store.quads_for_pattern(graph, None, None, d)
        # The run's "used" link to the article belongs to the article's lifetime as well.
        quads += self._store.quads_for_pattern(None, T.PROV_USED, article, d)
        return quads

    def replace_article(self, graph: ox.NamedNode, article: ox.NamedNode, quads: Sequence[ox.Quad]) -> None:
        old = self._description(graph, article)
        if not old and not self._store.contains_named_graph(graph):
            # Nothing to replace (a new article, the ontology of a new store): `extend` is one
            # transaction as well, and spares writing every term out as SPARQL and parsing it
            # back (half the cost).
            self._extend(quads, f"graph {graph.value}")
        else:
            self._replace(graph, quads, old)

    def _extend(self, quads: Sequence[ox.Quad], what: str) -> None:
        """Quads added in one transaction."""
        try:
            self._store.extend(quads)
        except (OSError, ValueError) as exc:
            raise StoreError(f"could not store {what}: {exc}") from exc
        self._written(len(quads))

    def _replace(self, graph: ox.NamedNode, quads: Sequence[ox.Quad], old: list[ox.Quad]) -> None:
        """A stored graph and its description (`old`) replaced. Oxigraph's SPARQL UPDATE runs as
        one transaction: the old graph and description go and the new ones come in together, so
        a crash leaves either the old or the new version."""
        update = [f"DROP SILENT GRAPH {graph}"]
        if old:
            update.append("DELETE DATA { " + " ".join(_triple(q) for q in old) + " }")
        update.append("INSERT DATA { " + " ".join(_quad(q) for q in quads) + " }")
        try:
            self._store.update(" ;\n".join(update))
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"could not store graph {graph.value}: {exc}") from exc
        self._written(len(old) + len(quads))

    def replace_articles(self, items: Sequence[ArticleQuads]) -> None:
        """Many articles at once: stored ones are replaced one transaction each; new ones are
        bulk-loaded together, several times faster than transactions (when there are enough of
        them: see BULK_LOAD_QUADS).

        A bulk load is not a transaction, so the new articles' descriptions -- which carry the
        content hash a rebuild trusts -- go in afterwards, in one transaction. A crash between
        the two leaves graphs without a description: the next build sees those articles as
        new, finds their graphs and replaces them whole.
        """
        fresh: list[ArticleQuads] = []
        for item in items:
            old = self._description(item.graph, item.article)
            if old or self._store.contains_named_graph(item.graph):
                self._replace(item.graph, item.quads, old)
            else:
                fresh.append(item)
        if not fresh:
            return
        if sum(len(item.quads) for item in fresh) < BULK_LOAD_QUADS:
            self._extend([q for item in fresh for q in item.quads], f"{len(fresh)} articles")
            return
        # A dict as an ordered set: the articles of a batch share most of their registry
        # entries (a province, a well-known force), and a bulk load pays for every copy.
        content: dict[ox.Quad, None] = {}
        descriptions: list[ox.Quad] = []
        for item in fresh:
            for q in item.quads:
                if type(q.graph_name) is ox.DefaultGraph:
                    descriptions.append(q)
                else:
                    content[q] = None
        try:
            self._store.bulk_extend(content)
            self._store.extend(descriptions)
        except (OSError, ValueError) as exc:
            raise StoreError(f"could not store {len(fresh)} articles: {exc}") from exc
        self._written(len(descriptions))

    def remove_article(self, graph: ox.NamedNode, article: ox.NamedNode) -> bool:
        old = self._description(graph, article)
        present = bool(old) or self._store.contains_named_graph(graph)
        if not present:
            return False
        update = [f"DROP SILENT GRAPH {graph}"]
        if old:
            update.append("DELETE DATA { " + " ".join(_triple(q) for q in old) + " }")
        self._store.update(" ;\n".join(update))
        self._written(len(old) + 1)
        return True

    def add(self, quads: Iterable[ox.Quad]) -> None:
        quads = list(quads)
        self._store.extend(quads)
        self._written(len(quads))

    def remove(self, quads: Iterable[ox.Quad]) -> None:
        n = 0
        for q in quads:
            self._store.remove(q)
            n += 1
        self._written(n)

    def bulk_load(self, path: Path, fmt: str = "nquads") -> None:
        """Fast non-transactional load of a large file (used by benchmarks and restores)."""
        self._store.bulk_load(path=str(path), format=_FORMATS[fmt])

    def article_hash(self, article: ox.NamedNode) -> str | None:
        for q in self._store.quads_for_pattern(article, _CONTENT_HASH, None, ox.DefaultGraph()):
            return q.object.value
        return None

    def article_hashes(self, articles: Sequence[ox.NamedNode]) -> dict[ox.NamedNode, str]:
        hashes = {}
        for article in articles:
            h = self.article_hash(article)
            if h is not None:
                hashes[article] = h
        return hashes

    def derived_folder(self) -> Path | None:
        return self.path if self.path is not None and not self.read_only else None

    # ---------------------------------------------------------------- upkeep
    def compact(self, *, when_due: bool = True) -> bool:
        """Merge the store's table files into one sorted run per index (RocksDB's full
        compaction): when due (`compaction_due`) or, with ``when_due=False``, now. True when it
        compacted; a store in memory or read only never does. The data do not change."""
        if self.read_only or self.path is None:
            return False
        if when_due and not compaction_due(self.table_bytes(), self._compacted_bytes()):
            return False
        self.flush()
        try:
            self._store.optimize()
        except OSError as exc:
            raise StoreError(f"cannot compact the store at {self.path}: {exc}") from exc
        self.flush()
        record = {"table_bytes": self.table_bytes(),
                  "compacted": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        path = self.path / COMPACTION_RECORD
        partial = path.with_name(path.name + ".partial")
        partial.write_text(json.dumps(record), encoding="utf-8")
        os.replace(partial, path)
        return True

    def table_bytes(self) -> int:
        """The size of the store's table files (RocksDB's .sst), 0 for a store in memory."""
        if self.path is None:
            return 0
        total = 0
        for entry in os.scandir(self.path):
            if entry.name.endswith(".sst"):
                try:
                    total += entry.stat().st_size
                except FileNotFoundError:        # merged away by a background compaction
                    pass
        return total

    def _compacted_bytes(self) -> int | None:
        """The table bytes the last compaction left, None when none is recorded (or the
        record cannot be read: the store is then compacted again, which is always safe)."""
        assert self.path is not None
        try:
            record = json.loads((self.path / COMPACTION_RECORD).read_text(encoding="utf-8"))
            value = record["table_bytes"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return value if isinstance(value, int) and value >= 0 else None

    # ---------------------------------------------------------------- reading
    def query(self, sparql: str, *, union_default_graph: bool = True,
              limit: int | None = None) -> QueryResult:
        try:
            result = self._store.query(sparql, use_default_graph_as_union=union_default_graph)
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL: {exc}") from exc
        except OSError as exc:
            raise QueryError(f"query failed: {exc}") from exc
        if isinstance(result, bool) or isinstance(result, ox.QueryBoolean):
            return QueryResult(kind="ask", boolean=bool(result))
        # Solutions are computed lazily, so evaluation errors surface while reading them; with
        # a limit, reading stops after limit answers and the rest is never computed.
        try:
            if isinstance(result, ox.QuerySolutions):
                variables = [v.value for v in result.variables]
                rows = [[solution[v] for v in variables] for solution in islice(result, _stop(limit))]
                truncated = limit is not None and len(rows) > limit
                return QueryResult(kind="select", variables=variables, rows=rows[:limit],
                                   truncated=truncated)
            triples = list(islice(result, _stop(limit)))
        except (OSError, ValueError, TypeError) as exc:
            raise QueryError(f"query failed: {exc}") from exc
        truncated = limit is not None and len(triples) > limit
        return QueryResult(kind="graph", triples=triples[:limit], truncated=truncated)

    def export(self, output: Path, fmt: str) -> None:
        if fmt not in EXPORT_FORMATS:
            raise StoreError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
        output = Path(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        if fmt in _DATASET_FORMATS:
            self._store.dump(str(output), format=_FORMATS[fmt])
        else:
            # Triple formats cannot hold named graphs: write the union of all graphs.
            triples = {ox.Triple(q.subject, q.predicate, q.object)
                       for q in self._store.quads_for_pattern(None, None, None, None)}
            ox.serialize(triples, str(output), format=_FORMATS[fmt], prefixes=T.PREFIXES)

    def quads(self) -> Iterable[ox.Quad]:
        return self._store.quads_for_pattern(None, None, None, None)

    def named_graphs(self) -> list[ox.NamedNode]:
        return list(self._store.named_graphs())

    def count(self) -> int:
        return len(self._store)

    def flush(self) -> None:
        if not self.read_only and self.path is not None:
            self._store.flush()
        self._unflushed = 0

    def close(self) -> None:
        self.flush()
        del self._store

    def __enter__(self) -> "OxigraphStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def compaction_due(table_bytes: int, compacted_bytes: int | None) -> bool:
    """Whether a store whose table files take ``table_bytes`` should be compacted, the last
    compaction having left ``compacted_bytes`` (None: never compacted)."""
    if table_bytes < COMPACT_FROM_BYTES:
        return False
    if compacted_bytes is None:
        return table_bytes > 0
    return table_bytes > compacted_bytes * (1 + COMPACT_AFTER_GROWTH)


def _stop(limit: int | None) -> int | None:
    """How many answers to read: one past the limit, to tell whether anything was cut."""
    return None if limit is None else limit + 1


def _triple(q: ox.Quad) -> str:
    return f"{q.subject} {q.predicate} {q.object} ."


def _quad(q: ox.Quad) -> str:
    if isinstance(q.graph_name, ox.DefaultGraph):
        return _triple(q)
    return f"GRAPH {q.graph_name} {{ {q.subject} {q.predicate} {q.object} }}"
