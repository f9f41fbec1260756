"""Extraction elsewhere: on worker processes (`kg build --workers N`) or a Dask cluster
(`kg build --executor dask --scheduler ADDRESS`).

Extraction is where a build spends its time, and it needs nothing but the article, so it is
what runs elsewhere. Fusion needs the index of every stored event and the store takes one
writer, so both stay in the building process, which gets the results back in input order:

- ``SerialExecutor`` extracts in the building process (the default);
- ``ProcessExecutor`` sends chunks of articles to worker processes, each holding its own
  compiled pipeline, and gets their ``Extraction``s back;
- ``DaskExecutor`` sends chunks to a Dask cluster, whose workers extract *and map* them:
  each article comes back as an N-Quads shard plus the fusion view of its events, and the
  builder adds the fusion links and bulk-loads the shards.

At most a few chunks per worker are in flight, so memory does not grow with the corpus.
"""
from __future__ import annotations

import gc
import multiprocessing
import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import cache
from itertools import islice
from typing import Any, Protocol

from kg.model import Article, Extraction
from kg.resolve.fusion import IndexedEvent, indexed

OnError = Callable[[Article, Exception], None]

DEFAULT_CHUNK = 16          # articles per task: large enough to amortise the round trip

# spaCy keeps every word it has ever tokenised in the pipeline's vocabulary (a string and a
# lexeme each) for the life of the process. Real news brings new names, numbers and spellings
# with every article (FA-KES: 9.8k strings after loading, 24k after 792 articles), so over a
# long build the vocabulary grew without end. Once it holds PERMANENT_STRINGS strings, each
# ZONE_ARTICLES articles are extracted in a spaCy memory zone, which drops the words they added
# when they are done. A lexeme's attributes depend only on its word, so extraction is the same
# either way. Below the limit no zone is used: spaCy does not fill its tokenizer cache inside
# one, and the common words of the first articles are worth keeping.
PERMANENT_STRINGS = 50_000
ZONE_ARTICLES = 256


@dataclass
class MappedArticle:
    """An article extracted and mapped where it was extracted: its quads as N-Quads, without
    the owl:sameAs fusion links (those need the global index), and its events' fusion view."""

    article: Article | None                 # the builder's own copy is put back on arrival
    nquads: bytes
    views: list[IndexedEvent] = field(default_factory=list)
    event_types: list[str] = field(default_factory=list)


Result = Extraction | MappedArticle


class Executor(Protocol):
    """Runs extraction over articles and yields the results in input order; an article whose
    extraction failed is handed to ``on_error`` instead."""

    def run(self, articles: Iterable[Article], on_error: OnError, *, base: str, run: str) -> Iterator[Result]: ...

    def close(self) -> None: ...


# ------------------------------------------------------------------------------ in process

class SerialExecutor:
    """Extraction in the building process, batched through ``nlp.pipe``."""

    def __init__(self, extractor: Any | None = None):
        self._extractor = extractor

    @property
    def extractor(self) -> Any:
        if self._extractor is None:
            self._extractor = local_extractor()
        return self._extractor

    def run(self, articles: Iterable[Article], on_error: OnError, *, base: str = "", run: str = "") -> Iterator[Result]:
        return extract_bounded(self.extractor, articles, on_error)

    def close(self) -> None:
        pass


def extract_bounded(extractor: Any, articles: Iterable[Article], on_error: OnError | None = None) -> Iterator[Extraction]:
    """``extractor.extract_many`` with the vocabulary kept to about PERMANENT_STRINGS strings
    plus one chunk's words. The results hold no spaCy objects, so they outlive the zone."""
    nlp = getattr(extractor, "nlp", None)
    for chunk in chunked(articles, ZONE_ARTICLES):
        with _vocabulary_zone(nlp):
            yield from extractor.extract_many(chunk, on_error=on_error)


def _vocabulary_zone(nlp: Any) -> AbstractContextManager:
    if nlp is None or len(nlp.vocab.strings) < PERMANENT_STRINGS:
        return nullcontext()
    return nlp.memory_zone()


# Allocations between two collections of the youngest generation, while a build runs (Python's
# default: 700). See fewer_collections.
BUILD_GC_THRESHOLD = 10_000


@contextmanager
def fewer_collections() -> Iterator[None]:
    """The cyclic collector runs less often during a build (and in a worker, while it extracts a chunk).

    A build allocates millions of short-lived containers (tokens' tuples, entities, triples,
    fusion views) and frees nearly all of them by reference counting, with no cycle: at
    Python's default threshold the collector walked the young ones 480 times, and the
    survivors of a batch (an article's quads wait for the batch's store write) again in the
    older generations (0.2-0.3 s of a 5 s build of 800 articles). Collecting after 10 000
    allocations instead finds the same garbage at a twentieth of the passes, and holds at
    most that many more young objects in the meantime (a few MB)."""
    threshold = gc.get_threshold()
    gc.set_threshold(BUILD_GC_THRESHOLD, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


@cache
def local_extractor() -> Any:
    """The compiled pipeline of this process: built once, reused for every article.

    Compiling creates a few hundred thousand objects that live as long as the process (the
    spaCy pipeline, lexicons, gazetteer). Python's cyclic collector would walk them all at
    each full collection: several while they are being created, and then every full
    collection a build's own allocations trigger (0.1 s each; 6 % of a 300-article build's
    CPU). So the collector waits while they are made, and they are then moved out of its
    way (gc.freeze) for the rest of the process. The price: the few hundred cyclic garbage
    objects compiling leaves (measured: under 400) are never freed.
    """
    from kg.extract import Extractor

    collecting = gc.isenabled()
    gc.disable()
    try:
        extractor = Extractor()
    finally:
        if collecting:
            gc.enable()
    gc.freeze()
    return extractor


# ------------------------------------------------------------------------------ processes

class ProcessExecutor:
    """Extraction on ``workers`` processes.

    On Linux the workers are forked from a process that has already compiled the pipeline, so
    they start at once and share its memory pages; elsewhere each worker compiles its own.
    A worker that dies (out of memory, a crash in a C extension) costs the articles it held,
    which are reported, and the pool is started again.
    """

    def __init__(self, workers: int, chunk_size: int = DEFAULT_CHUNK):
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.workers = workers
        self.chunk_size = chunk_size
        self._pool: ProcessPoolExecutor | None = None

    def _start(self) -> ProcessPoolExecutor:
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        if ctx.get_start_method() == "fork":
            local_extractor()
        return ProcessPoolExecutor(self.workers, mp_context=ctx)

    def run(self, articles: Iterable[Article], on_error: OnError, *, base: str = "", run: str = "") -> Iterator[Result]:
        if self._pool is None:
            self._pool = self._start()
        window: deque[tuple[list[Article], Future, ProcessPoolExecutor]] = deque()
        for chunk in chunked(articles, self.chunk_size):
            window.append(self._submit(chunk))
            if len(window) > 2 * self.workers:
                yield from self._take(window.popleft(), on_error)
        while window:
            yield from self._take(window.popleft(), on_error)

    def _submit(self, chunk: list[Article]) -> tuple[list[Article], Future, ProcessPoolExecutor]:
        assert self._pool is not None
        try:
            return chunk, self._pool.submit(extract_chunk, chunk), self._pool
        except BrokenProcessPool:
            # a worker died since the last chunk was taken: the chunks in flight will report
            # it; this one goes to a new pool
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._start()
            return chunk, self._pool.submit(extract_chunk, chunk), self._pool

    def _take(self, entry: tuple[list[Article], Future, ProcessPoolExecutor], on_error: OnError) -> Iterator[Result]:
        chunk, future, pool = entry
        try:
            results = future.result()
        except BrokenProcessPool as exc:
            # Every chunk in flight on the broken pool fails with it; the pool is replaced
            # once, by the first of them: the others must not shut down its replacement.
            if pool is self._pool:
                pool.shutdown(wait=False, cancel_futures=True)
                self._pool = self._start()
            for article in chunk:
                on_error(article, RuntimeError(f"worker process died ({exc})"))
            return
        yield from _rejoin(chunk, results, on_error)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def extract_chunk(chunk: list[Article]) -> list[Extraction | BaseException]:
    """Worker side: extractions without their articles (the builder has them), or errors."""
    failures: dict[str, BaseException] = {}
    with fewer_collections():
        done = {ex.article.id: ex for ex in extract_bounded(
            local_extractor(), chunk, on_error=lambda a, exc: failures.__setitem__(a.id, exc))}
    out: list[Extraction | BaseException] = []
    for article in chunk:
        ex = done.get(article.id)
        if ex is None:
            out.append(_picklable(failures.get(article.id) or RuntimeError("no result")))
        else:
            ex.article = None  # type: ignore[assignment]  # the text need not travel back
            out.append(ex)
    return out


# ------------------------------------------------------------------------------ Dask

class DaskExecutor:
    """Extraction and mapping on a Dask cluster: ``DaskExecutor("tcp://host:8786")``, or an
    existing ``distributed.Client`` (a ``LocalCluster``'s, in tests).

    The workers need this package installed (same version) and compile the pipeline once
    each, on their first chunk.
    """

    def __init__(self, scheduler: str | Any, chunk_size: int = 4 * DEFAULT_CHUNK):
        self.chunk_size = chunk_size
        self._own = isinstance(scheduler, str)
        self._scheduler = scheduler
        self._client: Any | None = None if self._own else scheduler

    def _connect(self) -> Any:
        if self._client is None:
            try:
                from distributed import Client
            except ImportError as exc:
                raise RuntimeError("the Dask executor needs dask[distributed]: "
                                   "pip install 'conflict-kg[dask]'") from exc
            self._client = Client(self._scheduler)
        return self._client

    def run(self, articles: Iterable[Article], on_error: OnError, *, base: str, run: str) -> Iterator[Result]:
        client = self._connect()
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        window: deque[tuple[list[Article], Any]] = deque()
        for chunk in chunked(articles, self.chunk_size):
            window.append((chunk, client.submit(map_chunk, chunk, base, run, pure=False)))
            if len(window) > 2 * workers:
                yield from self._take(window.popleft(), on_error)
        while window:
            yield from self._take(window.popleft(), on_error)

    @staticmethod
    def _take(entry: tuple[list[Article], Any], on_error: OnError) -> Iterator[Result]:
        chunk, future = entry
        try:
            results = future.result()
        except Exception as exc:  # a lost worker or a task the cluster gave up on
            for article in chunk:
                on_error(article, RuntimeError(f"Dask task failed: {type(exc).__name__}: {exc}"))
            return
        finally:
            future.release()
        yield from _rejoin(chunk, results, on_error)

    def close(self) -> None:
        if self._own and self._client is not None:
            self._client.close()
        self._client = None if self._own else self._client


def map_chunk(chunk: list[Article], base: str, run: str) -> list[MappedArticle | BaseException]:
    """Worker side: each article extracted and mapped to N-Quads (fusion links left out)."""
    import pyoxigraph as ox

    from kg.rdf.iris import IriMinter
    from kg.rdf.mapping import ArticleMapper, gazetteer_places

    mapper = ArticleMapper(IriMinter(base), places=gazetteer_places())
    out: list[MappedArticle | BaseException] = []
    for article, ex in zip(chunk, extract_chunk(chunk)):
        if isinstance(ex, BaseException):
            out.append(ex)
            continue
        ex.article = article
        try:
            data = ox.serialize(mapper.article_quads(ex, ox.NamedNode(run)), format=ox.RdfFormat.N_QUADS)
        except Exception as exc:  # as in extraction: one article must not stop the chunk
            out.append(_picklable(exc))
            continue
        out.append(MappedArticle(None, data, indexed(ex), [e.type for e in ex.events]))
    return out


# ------------------------------------------------------------------------------ helpers

def chunked(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _rejoin(chunk: list[Article], results: list, on_error: OnError) -> Iterator[Result]:
    for article, result in zip(chunk, results):
        if isinstance(result, BaseException):
            on_error(article, result if isinstance(result, Exception) else RuntimeError(str(result)))
            continue
        result.article = article
        yield result


def _picklable(exc: BaseException) -> BaseException:
    """The exception itself when it survives pickling, else its type and message."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
