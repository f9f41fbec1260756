"""Extraction elsewhere (kg.parallel): worker processes and a Dask cluster build the same store
as one process, report what fails, survive a dying worker, and read their input lazily."""
from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import kg.parallel as parallel
from kg.model import Article
from kg.parallel import DaskExecutor, ProcessExecutor, SerialExecutor
from kg.pipeline import Builder
from kg.store import open_store

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "articles"
FORK = "fork" in multiprocessing.get_all_start_methods()


def lines(store) -> list[str]:
    """The store's quads, without what differs between any two builds (run IRIs and times,
    the ontology's blank-node labels)."""
    return sorted(str(q) for q in store.quads()
                  if "/id/run/" not in str(q) and "/graph/ontology>" not in str(q))


@pytest.fixture(scope="module")
def serial_build() -> tuple[list[str], object]:
    store = open_store(None)
    report = Builder(store, executor=SerialExecutor(parallel.local_extractor())).build([EXAMPLES])
    return lines(store), report


def test_workers_build_what_one_process_builds(serial_build):
    expected, serial = serial_build
    store = open_store(None)
    executor = ProcessExecutor(2, chunk_size=2)
    try:
        report = Builder(store, executor=executor).build([EXAMPLES])
    finally:
        executor.close()
    assert (report.stored, report.events) == (serial.stored, serial.events)
    assert lines(store) == expected


def _articles(n: int) -> list[Article]:
    return [Article(id=f"t{i:03d}", url=f"https://example.invalid/t{i}", title=f"Report {i}",
                    text=f"Turkish warplanes struck PKK positions in Qandil on Monday, killing {i} militants.")
            for i in range(n)]


class _Faulty:
    """An extractor that fails on one article and kills its process on another."""

    def __init__(self, real):
        self.real = real

    def extract_many(self, articles, on_error=None, **kw):
        for a in articles:
            if a.id == "t003":
                on_error(a, ValueError("cannot read this one"))
            elif a.id == "t007":
                os._exit(3)
            else:
                yield from self.real.extract_many([a], on_error=on_error)


@pytest.mark.skipif(not FORK, reason="workers inherit the patched extractor only when forked")
def test_failures_are_reported_and_a_dead_worker_is_replaced(monkeypatch):
    real = parallel.local_extractor()
    monkeypatch.setattr(parallel, "local_extractor", lambda: _Faulty(real))
    failed: dict[str, str] = {}
    executor = ProcessExecutor(2, chunk_size=2)
    try:
        done = [ex.article.id for ex in executor.run(_articles(12), lambda a, e: failed.__setitem__(a.id, f"{type(e).__name__}: {e}"))]
        # the replaced pool takes the next run whole
        healthy = [a for a in _articles(12) if a.id not in ("t003", "t007")]
        again = [ex.article.id for ex in executor.run(healthy, lambda a, e: pytest.fail(f"{a.id}: {e}"))]
    finally:
        executor.close()
    assert again == [a.id for a in healthy]
    # t003's own error, unless its chunk was still in flight when t007 killed the pool
    assert failed["t003"] in ("ValueError: cannot read this one",) or "worker process died" in failed["t003"]
    assert "worker process died" in failed["t007"]
    # the chunks in flight on the dead pool are lost (at least t006, t007: how many others
    # depends on timing); every article is accounted for and the rest come back in order
    assert set(done) | set(failed) == {a.id for a in _articles(12)} and not set(done) & set(failed)
    assert done == sorted(done)
    assert all("worker process died" in why for a, why in failed.items() if a != "t003")


def test_input_is_read_as_results_are_taken():
    pulled = 0

    def source():
        nonlocal pulled
        for a in _articles(200):
            pulled += 1
            yield a

    executor = ProcessExecutor(2, chunk_size=4)
    try:
        it = executor.run(source(), lambda a, e: None)
        next(it)
        # at most 2 x workers + 1 chunks in flight: memory does not grow with the input
        assert pulled <= 4 * (2 * 2 + 2)
    finally:
        executor.close()


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as c, distributed.Client(c) as client:
        yield c, client


def test_dask_builds_what_one_process_builds(serial_build, cluster):
    expected, serial = serial_build
    _, client = cluster
    store = open_store(None)
    report = Builder(store, executor=DaskExecutor(client, chunk_size=3)).build([EXAMPLES])
    assert (report.stored, report.events) == (serial.stored, serial.events)
    assert lines(store) == expected


def test_dask_shards_are_n_quads_with_fusion_views(cluster):
    _, client = cluster
    arts = _articles(2)
    out = client.submit(parallel.map_chunk, arts, "https://w3id.org/conflict-kg/", "https://w3id.org/conflict-kg/id/run/r").result()
    assert all(isinstance(m, parallel.MappedArticle) for m in out)
    assert b"<https://w3id.org/conflict-kg/graph/article/t000>" in out[0].nquads
    assert out[0].views and out[0].views[0].ref.startswith("t000-") and "Airstrike" in out[0].event_types


def test_cli_dask_executor(cluster, tmp_path):
    c, _ = cluster
    run = subprocess.run([sys.executable, "-m", "kg", "build", str(EXAMPLES), "--store", str(tmp_path / "s"),
                          "--executor", "dask", "--scheduler", c.scheduler_address],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    n = len(list(EXAMPLES.glob("*.txt")))
    assert f"articles read: {n}, stored: {n}" in run.stdout
    missing = subprocess.run([sys.executable, "-m", "kg", "build", str(EXAMPLES), "--store", str(tmp_path / "t"),
                              "--executor", "dask"], capture_output=True, text=True, cwd=ROOT)
    assert missing.returncode == 2 and "--scheduler" in missing.stderr


def test_cli_workers(serial_build, tmp_path):
    expected, _ = serial_build
    run = subprocess.run([sys.executable, "-m", "kg", "build", str(EXAMPLES), "--store", str(tmp_path / "s"),
                          "--workers", "2"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    with open_store(tmp_path / "s", read_only=True) as store:
        assert lines(store) == expected


def _unusual_articles() -> list[Article]:
    """Invented reports full of words no lexicon holds (names, spellings), as real news has."""
    texts = ["Gunmen of the Velmorak Brigade attacked an army checkpoint near Kirkuk on Monday, killing 4 soldiers, "
             "said Tarsilo Quenbrak, a police spokesman.",
             "Turkish warplanes struck Ostravenny positions in Qandil on Tuesday, killing 7 militants, "
             "according to Merudal Fask, a local official.",
             "Clashes between Somali forces and Drelkaban fighters near Kismayo left 3 dead on Friday.",
             "Police arrested 5 suspected members of the Uvintari cell in Mosul, said Zebrano Kult."]
    return [Article(id=f"v{i}", url=f"https://example.invalid/v{i}", title=f"Report {i}", text=t,
                    published=date(2021, 3, 9)) for i, t in enumerate(texts)]


def test_vocabulary_stays_bounded_and_extraction_is_unchanged(monkeypatch):
    extractor = parallel.local_extractor()
    strings = extractor.nlp.vocab.strings
    fresh = ["Velmorak", "Quenbrak", "Ostravenny", "Drelkaban", "Uvintari", "Zebrano"]
    assert not any(w in strings for w in fresh)
    monkeypatch.setattr(parallel, "PERMANENT_STRINGS", 0)      # every chunk in a memory zone
    monkeypatch.setattr(parallel, "ZONE_ARTICLES", 2)
    before = len(strings)
    zoned = list(SerialExecutor(extractor).run(_unusual_articles(), lambda a, e: pytest.fail(str(e))))
    assert len(strings) == before and not any(w in strings for w in fresh)

    monkeypatch.setattr(parallel, "PERMANENT_STRINGS", 10**9)  # no zone: the words are kept
    plain = list(SerialExecutor(extractor).run(_unusual_articles(), lambda a, e: pytest.fail(str(e))))
    assert all(w in strings for w in fresh)
    assert sum(len(ex.events) for ex in plain) >= 4
    assert zoned == plain
