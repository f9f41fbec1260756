"""The embedded store against rdflib's in-memory Graph (a Dataset, for named graphs) on the
same N-Quads: loading, and the median latency of every query of the library.

rdflib runs each query in a child process with a time limit, since some take minutes there;
a query cut off counts with its limit, so its ratio is a lower bound (shown as ">").
"""
from __future__ import annotations

import json
import shutil
import statistics
import sys
from pathlib import Path

from bench.measure import median_time, python, run_child, timed

# Parameters for the library's queries that need them, chosen to match the benchmark data.
PARAMS: dict[str, dict[str, str]] = {
    "actor-operations": {"actor": "Islamic State"},
    "timeline-region": {"region": "Aleppo Governorate"},
    "events-near-point": {"lat": "36.2", "long": "37.15", "radius_km": "50"},
    "places-most-violence": {"rollup": "region"},
}


def library() -> list[tuple[str, str]]:
    """(name, SPARQL) of every query in queries/, parameters filled in."""
    from kg.queries import list_queries, load_query

    return [(q.name, load_query(q.name, {k: v for k, v in PARAMS.get(q.name, {}).items()
                                         if k in {p.name for p in q.parameters}}))
            for q in list_queries()]


def load(nquads: Path, work: Path) -> dict:
    """Seconds to load the file: Oxigraph on disk (bulk, and one transaction), rdflib."""
    import pyoxigraph as ox
    import rdflib

    out: dict = {}
    target = work / "load-bulk"
    shutil.rmtree(target, ignore_errors=True)
    store = ox.Store(str(target))
    out["oxigraph_bulk_s"], _ = timed(lambda: (store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS),
                                               store.flush()))
    out["quads"] = len(store)
    del store
    shutil.rmtree(target, ignore_errors=True)
    target = work / "load-tx"
    store = ox.Store(str(target))
    out["oxigraph_tx_s"], _ = timed(lambda: (store.load(path=str(nquads), format=ox.RdfFormat.N_QUADS),
                                             store.flush()))
    del store
    shutil.rmtree(target, ignore_errors=True)
    ds = rdflib.Dataset()
    out["rdflib_s"], _ = timed(lambda: ds.parse(str(nquads), format="nquads"))
    del ds
    return out


def queries(nquads: Path, work: Path, rdflib_timeout: float) -> list[dict]:
    """Per query: median seconds and rows on the embedded store and on rdflib."""
    from kg.store import OxigraphStore

    target = work / "queries-store"
    shutil.rmtree(target, ignore_errors=True)
    store = OxigraphStore(target)
    store.bulk_load(nquads)
    rows = []
    for name, sparql in library():
        seconds, result = median_time(lambda: store.query(sparql), runs=5, budget=3.0)
        rows.append({"query": name, "oxigraph_s": seconds, "oxigraph_rows": len(result.rows)})  # type: ignore[union-attr]
    store.close()
    shutil.rmtree(target, ignore_errors=True)
    parse = run_child(python("-m", "bench.store", "--parse-only", str(nquads)))
    parse_s = float(parse.stdout.strip() or 0)
    for row in rows:
        run = run_child(python("-m", "bench.store", str(nquads), row["query"]), timeout=parse_s + rdflib_timeout + 30)
        try:
            answer = json.loads(run.stdout.strip().splitlines()[-1])
            row["rdflib_s"], row["rdflib_rows"], row["rdflib_cut"] = answer["seconds"], answer["rows"], False
        except (IndexError, ValueError, KeyError):
            row["rdflib_s"], row["rdflib_rows"], row["rdflib_cut"] = rdflib_timeout, None, True
        if row["rdflib_s"] > rdflib_timeout:
            row["rdflib_s"], row["rdflib_cut"] = rdflib_timeout, True
    return rows


def median_ratio(rows: list[dict]) -> tuple[float, bool]:
    """The median of rdflib/oxigraph over the queries; True when it is a lower bound."""
    ratios = sorted((r["rdflib_s"] / max(r["oxigraph_s"], 1e-6), r["rdflib_cut"]) for r in rows)
    mid = len(ratios) // 2
    if len(ratios) % 2:
        return ratios[mid]
    (a, cut_a), (b, cut_b) = ratios[mid - 1], ratios[mid]
    return (a + b) / 2, cut_a or cut_b


def _child(argv: list[str]) -> int:
    """`python -m bench.store FILE QUERY`: run one library query on rdflib, print JSON."""
    import time

    import rdflib

    if argv[0] == "--parse-only":
        ds = rdflib.Dataset()
        start = time.perf_counter()
        ds.parse(argv[1], format="nquads")
        print(time.perf_counter() - start)
        return 0
    nquads, name = argv
    sparql = dict(library())[name]
    ds = rdflib.Dataset(default_union=True)
    ds.parse(nquads, format="nquads")
    times = []
    n = 0
    for _ in range(3):
        start = time.perf_counter()
        n = len(list(ds.query(sparql)))
        times.append(time.perf_counter() - start)
        if sum(times) > 2.0:
            break
    print(json.dumps({"seconds": statistics.median(times), "rows": n}))
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
