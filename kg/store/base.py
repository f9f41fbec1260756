"""The store interface every backend implements: embedded Oxigraph, or a SPARQL 1.1 server."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from pyoxigraph import NamedNode, Quad

from kg.rdf import terms as T


class StoreError(Exception):
    """A store operation failed; the message names what and why."""


class QueryError(StoreError):
    """A SPARQL query could not be parsed or evaluated."""


@dataclass
class QueryResult:
    """A SELECT/ASK answer as plain strings, or a CONSTRUCT/DESCRIBE answer as quads."""

    kind: str                                   # "select", "ask", "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[list[object | None]] = field(default_factory=list)   # pyoxigraph terms
    boolean: bool | None = None
    triples: list[object] = field(default_factory=list)
    truncated: bool = False                     # more answers than the requested limit


EXPORT_FORMATS = ("nquads", "trig", "turtle", "ntriples", "jsonld", "rdfxml")


@dataclass(frozen=True)
class ArticleQuads:
    """One article's graph name, article node and every quad it contributes."""

    graph: NamedNode
    article: NamedNode
    quads: Sequence[Quad]


@runtime_checkable
class Store(Protocol):
    def replace_article(self, graph: NamedNode, article: NamedNode, quads: Sequence[Quad]) -> None:
        """Atomically swap in an article's graph and description (old ones removed first)."""

    def replace_articles(self, items: Sequence[ArticleQuads]) -> None:
        """`replace_article` for many articles at once, loading new ones in bulk. Each article
        is stored whole or not at all; on a StoreError the caller may retry one by one."""

    def remove_article(self, graph: NamedNode, article: NamedNode) -> bool:
        """Remove an article's graph and description; False when it was not stored."""

    def add(self, quads: Iterable[Quad]) -> None:
        """Add quads (reference facts, run descriptions) atomically."""

    def remove(self, quads: Iterable[Quad]) -> None:
        """Remove these quads (derived data such as the fusion graph), in batches."""

    def article_hash(self, article: NamedNode) -> str | None:
        """The stored content hash of an article, None when it is not stored."""

    def article_hashes(self, articles: Sequence[NamedNode]) -> dict[NamedNode, str]:
        """The stored content hashes of several articles (those not stored are left out)."""

    def query(self, sparql: str, *, union_default_graph: bool = True,
              limit: int | None = None) -> QueryResult:
        """Run a SPARQL query (never an update); with ``limit``, read at most that many answers."""

    def derived_folder(self) -> Path | None:
        """A folder where state derived from the store's data may last between runs (the fusion
        index), used by this store alone while it is open, or None (a store in memory, or read
        only). What is kept there is checked against the store before it is used."""

    def compact(self, *, when_due: bool = True) -> bool:
        """Rewrite the store's files so that queries read fewer of them: when the store's own
        rule says it is due or, with ``when_due=False``, now. True when it compacted; the data
        do not change. A server store compacts its own files and always answers False."""

    def export(self, output: Path, fmt: str) -> None: ...

    def count(self) -> int: ...

    def flush(self) -> None: ...

    def close(self) -> None: ...


# What a store's fingerprint covers: how many article graphs each build run stored (graphs
# with no run counted apart). Storing or removing an article changes a count, and replacing
# one (a forced rebuild of the same text too) moves it to the run that replaced it. Counted by
# the store: reading each graph's row instead took 1.3 s and 170 MB at 10^5 articles, this 0.4 s.
_FINGERPRINT = f"""
SELECT ?run (COUNT(?g) AS ?graphs) WHERE {{
  ?g a <{T.CKG}ArticleGraph> .
  OPTIONAL {{ ?g <{T.PROV_GENERATED_BY.value}> ?run }}
}} GROUP BY ?run"""


def graphs_by_run(store: Store) -> dict[str, int]:
    """How many article graphs each build run stored (run IRI -> count; "" for graphs with no run)."""
    counts: dict[str, int] = {}
    for run, graphs in store.query(_FINGERPRINT, union_default_graph=False).rows:
        key = run.value if run is not None else ""          # type: ignore[attr-defined]
        counts[key] = counts.get(key, 0) + int(graphs.value)  # type: ignore[attr-defined]
    return counts


def fingerprint_of(counts: dict[str, int]) -> str:
    """The digest of `graphs_by_run`'s counts."""
    digest = hashlib.sha256()
    for run in sorted(counts):
        digest.update(f"{run}\t{counts[run]}\n".encode("utf-8"))
    return digest.hexdigest()


def store_fingerprint(store: Store) -> str:
    """A digest of what builds have stored: a build or removal that stores, replaces or removes
    an article changes it."""
    return fingerprint_of(graphs_by_run(store))


# A query's form, read from its text: the command line asks it of a query for any store, so
# it lives here rather than with the server store (whose module loads an HTTP client).
_PROLOGUE = re.compile(r"""\s+|\#[^\n]*|(?i:PREFIX)\s*[^\s:]*:\s*<[^>]*>|(?i:BASE)\s*<[^>]*>""")
_FORM = re.compile(r"(?i)(SELECT|ASK|CONSTRUCT|DESCRIBE)\b")


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE, read after the prologue (comments, PREFIX, BASE)."""
    pos = 0
    while m := _PROLOGUE.match(sparql, pos):
        if m.end() == pos:
            break
        pos = m.end()
    m = _FORM.match(sparql, pos)
    if not m:
        raise QueryError("not a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE); updates are not run here")
    return m.group(1).upper()
