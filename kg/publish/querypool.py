"""SPARQL evaluation in worker processes, so a query past its deadline can be stopped.

pyoxigraph cannot cancel a running query, and a thread cannot be killed: a runaway query in a
thread would keep its CPU until it finished on its own. So each query runs in one of a few
worker processes (each with its own read-only handle on the store); when the deadline passes,
the worker is killed and a fresh one takes its place. Answers are limited in the worker
(``Store.query(limit=...)`` stops reading after the limit) and serialized there, so only
bytes cross the pipe.
"""
from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from kg.publish import results as R
from kg.store import QueryError, Store

_START_TIMEOUT = 60.0      # seconds for a worker to import and open the store


@dataclass(frozen=True)
class QueryJob:
    query: str
    solution_format: str | None          # a results.ResultFormat name; None: none acceptable
    graph_format: str | None
    limit: int
    prefixes: dict[str, str] = field(default_factory=dict)


@dataclass
class QueryOutcome:
    status: str                  # "ok", "syntax" (not a query), "error", "not-acceptable"
    kind: str = ""               # "select", "ask", "graph"
    media_type: str = ""
    body: bytes = b""
    truncated: bool = False
    message: str = ""


class QueryTimeout(Exception):
    """The query ran past its deadline and was stopped."""


class QueryBusy(Exception):
    """Every worker stayed busy for the whole wait; try again later."""


def evaluate(store: Store, job: QueryJob) -> QueryOutcome:
    """Run one query and serialize its answer (what a worker does; also usable in-process)."""
    try:
        result = store.query(job.query, limit=job.limit)
    except QueryError as exc:
        return QueryOutcome("syntax" if isinstance(exc.__cause__, SyntaxError) else "error", message=str(exc))
    if result.kind in ("select", "ask"):
        if job.solution_format is None:
            return QueryOutcome("not-acceptable", result.kind,
                                message="SELECT and ASK answers are available as SPARQL JSON, XML, CSV or TSV")
        fmt = R.by_name(R.SOLUTION_FORMATS, job.solution_format)
        fmt = R.JSON if fmt is R.HTML else fmt          # the server renders HTML from JSON
        body = R.solutions_bytes(result, fmt)
    else:
        if job.graph_format is None:
            return QueryOutcome("not-acceptable", result.kind,
                                message="CONSTRUCT and DESCRIBE answers are available as RDF "
                                        "(Turtle, N-Triples, JSON-LD, RDF/XML, N-Quads)")
        fmt = R.by_name(R.GRAPH_FORMATS, job.graph_format)
        fmt = R.TURTLE if fmt is R.HTML else fmt
        body = R.graph_bytes(result, fmt, job.prefixes)
    return QueryOutcome("ok", result.kind, fmt.media_type, body, result.truncated)


def _worker_main(store_path: str, conn: Connection) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # the parent decides when workers stop
    from kg.store import open_store
    try:
        store = open_store(store_path, read_only=True)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises it
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            outcome = evaluate(store, job)
        except Exception as exc:  # noqa: BLE001 - one bad query must not end the worker
            outcome = QueryOutcome("error", message=f"{type(exc).__name__}: {exc}")
        conn.send(outcome)


@dataclass(eq=False)      # identity: workers go in a set
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection


class QueryPool:
    """A fixed number of worker processes over one store folder; ``run`` is thread-safe."""

    def __init__(self, store_path: str | Path, *, workers: int = 2, timeout: float = 10.0):
        if workers < 1:
            raise ValueError("a query pool needs at least one worker")
        self.store_path = str(store_path)
        self.size = workers
        self.timeout = timeout
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> None:
        for _ in range(self.size):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_worker_main, args=(self.store_path, child),
                                        name="kg-sparql-worker", daemon=True)
        process.start()
        child.close()
        if not parent.poll(_START_TIMEOUT):
            process.kill()
            raise RuntimeError("a SPARQL worker did not start in time")
        status, detail = parent.recv()
        if status != "ready":
            process.join(1)
            raise RuntimeError(f"a SPARQL worker could not open the store: {detail}")
        worker = _Worker(process, parent)
        with self._lock:
            self._all.add(worker)
        return worker

    def run(self, job: QueryJob) -> QueryOutcome:
        """Evaluate ``job``; QueryTimeout past the deadline, QueryBusy when no worker frees up
        within the same time."""
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise QueryBusy("all SPARQL workers are busy") from None
        try:
            worker.conn.send(job)
            if worker.conn.poll(self.timeout):
                outcome = worker.conn.recv()
                self._idle.put(worker)
                return outcome
        except (EOFError, OSError):
            self._replace(worker)
            return QueryOutcome("error", message="the query worker stopped unexpectedly")
        self._replace(worker)
        raise QueryTimeout(f"the query ran longer than {self.timeout:g} s and was stopped")

    def _replace(self, worker: _Worker) -> None:
        worker.process.kill()
        with self._lock:
            self._all.discard(worker)

        def respawn() -> None:
            worker.process.join(5)
            worker.conn.close()
            if self._closed:
                return
            try:
                self._idle.put(self._spawn())
            except RuntimeError:
                time.sleep(1.0)        # a store that cannot be reopened: try once more, later
                if not self._closed:
                    self._idle.put(self._spawn())

        threading.Thread(target=respawn, name="kg-sparql-respawn", daemon=True).start()

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            try:
                worker.conn.send(None)
            except OSError:
                pass
        for worker in workers:
            worker.process.join(2)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(1)
            worker.conn.close()
