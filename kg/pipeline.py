"""The build: ingest -> extract -> resolve -> map -> store, streaming one article at a time.

Unchanged articles (same content hash) are skipped; a changed article's graph is replaced in
one transaction; a bad item is reported by name and the rest of the batch goes on.
"""
from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from kg import __version__
from kg.config import Settings
from kg.extract import Extractor
from kg.ingest import IngestError, read_articles
from kg.model import Article, Extraction
from pyoxigraph import DefaultGraph, Literal, Quad

from kg.ontology import load_ontology_quads, ontology_digest
from kg.rdf import terms as T
from kg.rdf.iris import IriMinter
from kg.rdf.readback import load_event_index
from kg.rdf.mapping import ArticleMapper, content_hash, run_quads
from kg.resolve import EventFuser
from kg.store import OxigraphStore, StoreError
from kg.validate.shacl import article_problems


@dataclass
class BuildReport:
    read: int = 0
    stored: int = 0
    unchanged: int = 0
    failed: list[IngestError] = field(default_factory=list)
    events: Counter[str] = field(default_factory=Counter)
    run_id: str = ""

    @property
    def rejected(self) -> list[IngestError]:
        return [e for e in self.failed if e.skipped]

    @property
    def notices(self) -> list[IngestError]:
        return [e for e in self.failed if not e.skipped]

    def summary(self) -> str:
        lines = [f"articles read: {self.read}, stored: {self.stored}, unchanged: {self.unchanged}, "
                 f"rejected: {len(self.rejected)}, notices: {len(self.notices)}"]
        if self.events:
            lines.append("events: " + ", ".join(f"{t} {n}" for t, n in self.events.most_common()))
        for err in self.failed[:50]:
            lines.append(f"  {'rejected' if err.skipped else 'notice'} {err.item}: {err.reason}")
        if len(self.failed) > 50:
            lines.append(f"  ... and {len(self.failed) - 50} more")
        return "\n".join(lines)


Progress = Callable[[int, Article], None]


class Builder:
    """Builds articles into a store. Holds the compiled extractor so repeated builds are cheap."""

    def __init__(self, store: OxigraphStore, settings: Settings | None = None, extractor: Extractor | None = None):
        self.store = store
        self.settings = settings or Settings.from_env()
        self.extractor = extractor or Extractor()
        self.minter = IriMinter(self.settings.base)
        self.mapper = ArticleMapper(self.minter)
        self.fuser = EventFuser(load_event_index(
            store, self.minter.prefix("event"), self.minter.prefix("place"), self.minter.prefix("actor")))

    def build(self, inputs: Sequence[str | Path], *, progress: Progress | None = None,
              force: bool = False) -> BuildReport:
        report = BuildReport()
        started = datetime.now(timezone.utc)
        run_id = started.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
        report.run_id = run_id
        run = self.minter.run(run_id)
        self._refresh_ontology()
        errors: list[IngestError] = []
        articles = read_articles(list(inputs), errors=errors)
        def failed(article: Article, exc: Exception) -> None:
            errors.append(IngestError(article.origin or article.url, f"extraction failed: {type(exc).__name__}: {exc}"))

        for ex in self.extractor.extract_many(self._changed(articles, report, force, progress), on_error=failed):
            ex = self.fuser.fuse(ex)
            quads = self.mapper.article_quads(ex, run)
            # SHACL (ontology/shapes.ttl): a violation rejects the article, keeping the stored
            # version; a warning is a notice and the article is stored.
            problems = article_problems(ex.article.origin or ex.article.url, quads)
            errors.extend(problems)
            if any(p.skipped for p in problems):
                continue
            try:
                self.store.replace_article(self.minter.article_graph(ex.article.id),
                                           self.minter.article(ex.article.id), quads)
            except StoreError as exc:
                errors.append(IngestError(ex.article.origin or ex.article.url, str(exc)))
                continue
            report.stored += 1
            report.events.update(e.type for e in ex.events)
        report.failed = errors
        self.store.add(run_quads(run, __version__, started, datetime.now(timezone.utc), [str(i) for i in inputs]))
        self.store.flush()
        return report

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
                 progress: Progress | None) -> Iterator[Article]:
        seen: set[str] = set()
        for article in articles:
            report.read += 1
            if progress:
                progress(report.read, article)
            if article.id in seen:
                report.unchanged += 1          # the same article twice in one batch
                continue
            seen.add(article.id)
            if not force and self.store.article_hash(self.minter.article(article.id)) == content_hash(article):
                report.unchanged += 1
                continue
            yield article

    def extract(self, article: Article) -> Extraction:
        return self.fuser.fuse(self.extractor.extract(article))

    def remove(self, article_ids: Iterable[str]) -> int:
        removed = 0
        for aid in article_ids:
            removed += self.store.remove_article(self.minter.article_graph(aid), self.minter.article(aid))
            self.fuser.index.remove_article(aid)
        return removed
