"""The build: ingest -> extract -> resolve -> map -> store, streaming in batches.

Unchanged articles (same content hash) are skipped; a changed article's graph is replaced in
one transaction; a bad item is reported by name and the rest of the batch goes on.

Articles flow through in bounded batches, so memory does not grow with the corpus:
extraction runs in this process, on worker processes or on a Dask cluster (`kg.parallel`);
fusion, mapping and the store stay here, since fusion needs the index of every stored event.
New articles of a batch are bulk-loaded together; stored ones are replaced one by one.
"""
from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import islice
from pathlib import Path

from kg import __version__
from kg.config import Settings
from kg.extract import Extractor
from kg.ingest import IngestError, read_articles
from kg.model import Article, Extraction
from pyoxigraph import DefaultGraph, Literal, Quad, RdfFormat, parse

from kg.ontology import load_ontology_quads, ontology_digest
from kg.parallel import Executor, MappedArticle, SerialExecutor, fewer_collections
from kg.rdf import terms as T
from kg.rdf.iris import IriMinter
from kg.rdf.readback import KeptIndex, StoreChanges, reload_article
from kg.rdf.mapping import ArticleMapper, content_hash, gazetteer_places, run_quads
from kg.resolve import EventFuser
from kg.resolve.clusters import refresh_fused_events
from kg.store import ArticleQuads, QueryError, Store, StoreError
from kg.validate.shacl import article_problems, graphs_problems

BATCH_ARTICLES = 256        # articles per store write (bulk-loaded together when new)
BATCH_QUADS = 100_000       # ... or fewer, when they carry this many quads


@dataclass
class BuildReport:
    read: int = 0
    stored: int = 0
    unchanged: int = 0
    failed: list[IngestError] = field(default_factory=list)
    events: Counter[str] = field(default_factory=Counter)
    run_id: str = ""
    compacted: bool = False       # the store's files were merged at the end (kg.store: when due)

    @property
    def rejected(self) -> list[IngestError]:
        return [e for e in self.failed if e.skipped]

    @property
    def notices(self) -> list[IngestError]:
        return [e for e in self.failed if not e.skipped]

    def summary(self) -> str:
        lines = [f"articles read: {self.read}, stored: {self.stored}, unchanged: {self.unchanged}, "
                 f"rejected: {len(self.rejected)}, notices: {len(self.notices)}"]
        if self.compacted:
            lines.append("store compacted (its files had grown since the last compaction)")
        if self.events:
            lines.append("events: " + ", ".join(f"{t} {n}" for t, n in self.events.most_common()))
        for err in self.failed[:50]:
            lines.append(f"  {'rejected' if err.skipped else 'notice'} {err.item}: {err.reason}")
        if len(self.failed) > 50:
            lines.append(f"  ... and {len(self.failed) - 50} more")
        return "\n".join(lines)


Progress = Callable[[int, Article], None]


class Builder:
    """Builds articles into a store. Holds the compiled extractor so repeated builds are cheap.

    ``executor`` runs extraction (`kg.parallel`: in process by default, worker processes,
    or a Dask cluster).
    """

    def __init__(self, store: Store, settings: Settings | None = None, extractor: Extractor | None = None,
                 *, executor: Executor | None = None):
        self.store = store
        self.settings = settings or Settings.from_env()
        self.executor: Executor = executor or SerialExecutor(extractor)
        self._extractor = extractor
        self.minter = IriMinter(self.settings.base)
        self.mapper = ArticleMapper(self.minter, places=gazetteer_places())
        self.kept = KeptIndex(store, self.minter.prefix("event"), self.minter.prefix("place"),
                              self.minter.prefix("actor"), before_read_back=self._drop_unfinished_graphs)
        self.fuser = EventFuser(self.kept.index)

    @property
    def extractor(self) -> Extractor:
        """The in-process extractor (compiled on first use: a build on workers needs none)."""
        if self._extractor is None:
            self._extractor = self.executor.extractor if isinstance(self.executor, SerialExecutor) else Extractor()
        return self._extractor

    def build(self, inputs: Sequence[str | Path], *, progress: Progress | None = None,
              force: bool = False) -> BuildReport:
        with fewer_collections():
            return self._build(inputs, progress, force)

    def _build(self, inputs: Sequence[str | Path], progress: Progress | None, force: bool) -> BuildReport:
        report = BuildReport()
        started = datetime.now(timezone.utc)
        run_id = started.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
        report.run_id = run_id
        run = self.minter.run(run_id)
        changes = StoreChanges(run=run.value)
        self.kept.distrust()
        self._refresh_ontology()
        # Described before it generates anything, so a build killed half-way leaves no graph
        # whose prov:wasGeneratedBy names an undescribed run; the end time is added last.
        self.store.add(run_quads(run, __version__, started, None, [str(i) for i in inputs]))
        errors: list[IngestError] = []
        articles = read_articles(list(inputs), errors=errors)
        def failed(article: Article, exc: Exception) -> None:
            errors.append(IngestError(article.origin or article.url, f"extraction failed: {type(exc).__name__}: {exc}"))

        earlier: set[str] = set()       # the articles this build replaces a stored version of
        changed = self._changed(articles, report, force, progress, earlier)
        pending: list[tuple[Article, ArticleQuads, list[str]]] = []
        size = 0
        for result in self.executor.run(changed, failed, base=self.settings.base, run=run.value):
            # SHACL (ontology/shapes.ttl): a violation rejects the article, keeping the stored
            # version (and taking its events out of fusion for this build); a warning is a
            # notice and the article is stored.
            if isinstance(result, MappedArticle):
                article, item, types = result.article, self._mapped_quads(result), result.event_types
                assert article is not None
                problems = article_problems(article.origin or article.url, item.quads)
            else:
                ex = self.fuser.fuse(result)
                graphs = self.mapper.article_graphs(ex, run)
                article, types = ex.article, [e.type for e in ex.events]
                item = ArticleQuads(graphs.graph, self.minter.article(article.id), graphs.quads())
                problems = graphs_problems(article.origin or article.url, graphs.description, graphs.named_graphs())
            errors.extend(problems)
            if any(p.skipped for p in problems):
                self._restore_index(article.id)
                continue
            pending.append((article, item, types))
            size += len(item.quads)
            if len(pending) >= BATCH_ARTICLES or size >= BATCH_QUADS:
                self._write(pending, report, errors, changes, earlier)
                size = 0
        self._write(pending, report, errors, changes, earlier)
        refresh_fused_events(self.store, self.minter, run, index=self.fuser.index)
        report.failed = errors
        self.store.add(run_quads(run, __version__, started, datetime.now(timezone.utc), [str(i) for i in inputs]))
        self.store.flush()
        self.kept.keep(self.store, changes)
        report.compacted = self.store.compact()
        return report

    def _restore_index(self, article_id: str) -> None:
        """A rejected article keeps its stored version: the fusion index goes back to it (read
        from the store, which takes two scans of its reference facts: only when there is one)."""
        if self.store.article_hash(self.minter.article(article_id)) is None:
            self.fuser.index.remove_article(article_id)
            return
        reload_article(self.fuser.index, self.store, self.minter.article_graph(article_id).value,
                       self.minter.prefix("event"), self.minter.prefix("place"), self.minter.prefix("actor"))

    def _mapped_quads(self, result: MappedArticle) -> ArticleQuads:
        """An article mapped on a Dask worker, with the fusion links only this process can find."""
        assert result.article is not None
        aid = result.article.id
        quads = list(parse(result.nquads, format=RdfFormat.N_QUADS))
        quads.extend(self.mapper.same_as_quads(aid, self.fuser.link(aid, result.views)))
        return ArticleQuads(self.minter.article_graph(aid), self.minter.article(aid), quads)

    def _write(self, pending: list[tuple[Article, ArticleQuads, list[str]]], report: BuildReport,
               errors: list[IngestError], changes: StoreChanges, earlier: set[str]) -> None:
        """Store a batch; when the batch fails, article by article, to name the bad one."""
        if not pending:
            return
        try:
            self.store.replace_articles([item for _, item, _ in pending])
            stored = pending
        except StoreError:
            stored = []
            for article, item, types in pending:
                try:
                    self.store.replace_article(item.graph, item.article, item.quads)
                except StoreError as exc:
                    errors.append(IngestError(article.origin or article.url, str(exc)))
                    continue
                stored.append((article, item, types))
        for article, _, types in stored:
            report.stored += 1
            report.events.update(types)
            if article.id in earlier:
                changes.replaced += 1
            else:
                changes.added += 1
        pending.clear()

    def _drop_unfinished_graphs(self) -> None:
        """Drop article graphs that have no description: what a build killed between a bulk
        load and its descriptions leaves. Read into the event index they would draw fusion
        links that an uninterrupted build never makes; their articles are built again."""
        prefix = self.minter.base + "graph/article/"
        try:
            rows = self.store.query(f"""SELECT ?g WHERE {{ GRAPH ?g {{ }}
                FILTER(STRSTARTS(STR(?g), "{prefix}"))
                FILTER NOT EXISTS {{ ?g <{T.PROV_DERIVED_FROM.value}> ?a }} }}""", union_default_graph=False).rows
        except QueryError:
            return              # a server that cannot list graphs this way: nothing bulk-loaded half
        for (graph,) in rows:
            self.store.remove_article(graph, self.minter.article(graph.value[len(prefix):]))

    def _refresh_ontology(self) -> None:
        """Keep the ontology graph in the store, replacing it only when the files changed.

        The class tree travels with every export (rdfs:subClassOf), and an unchanged rebuild
        must not add a second copy of its blank nodes.
        """
        graph = self.minter.ontology_graph()
        digest = ontology_digest()
        if self.store.article_hash(graph) == digest:
            return
        quads = load_ontology_quads(self.minter.base)
        quads.append(Quad(graph, T.ckg("contentHash"), Literal(digest), DefaultGraph()))
        self.store.replace_article(graph, graph, quads)

    def _changed(self, articles: Iterable[Article], report: BuildReport, force: bool,
                 progress: Progress | None, earlier: set[str]) -> Iterator[Article]:
        """The articles to build: those not stored with the same content (all with `force`).
        Those stored with other content are added to `earlier`."""
        seen: set[str] = set()
        it = iter(articles)
        while True:
            batch: list[Article] = []
            for article in islice(it, BATCH_ARTICLES):
                report.read += 1
                if progress:
                    progress(report.read, article)
                if article.id in seen:
                    report.unchanged += 1          # the same article twice in one batch
                    continue
                seen.add(article.id)
                batch.append(article)
            if not batch:
                return
            # one look-up per batch: a round trip each would dominate with a remote store
            stored = self.store.article_hashes([self.minter.article(a.id) for a in batch])
            for article in batch:
                known = stored.get(self.minter.article(article.id))
                if known == content_hash(article) and not force:
                    report.unchanged += 1
                    continue
                if known is not None:
                    earlier.add(article.id)
                yield article

    def extract(self, article: Article) -> Extraction:
        return self.fuser.fuse(self.extractor.extract(article))

    def remove(self, article_ids: Iterable[str]) -> int:
        removed = 0
        self.kept.distrust()
        for aid in article_ids:
            removed += self.store.remove_article(self.minter.article_graph(aid), self.minter.article(aid))
            self.fuser.index.remove_article(aid)
        if removed:
            refresh_fused_events(self.store, self.minter, index=self.fuser.index)   # an event it bridged splits again
        self.store.flush()
        self.kept.keep(self.store, StoreChanges(removed=removed))
        self.store.compact()
        return removed
