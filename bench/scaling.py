"""`kg build` of 10^3, 10^4, 10^5 synthetic articles, each in a fresh process and store:
wall time, the process's own peak RSS, and how both grow with the corpus; then, in another
process, 1,000 new articles added to that store (a day's news on a corpus of years), and every
query of the library run once on it (bench.querytime)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from bench.corpus import more_jsonl, synthetic_jsonl
from bench.measure import kg, python, run_child


def build(n: int, work: Path, workers: int = 1, keep: bool = False, queries: bool = True) -> dict:
    jsonl = synthetic_jsonl(work, n)
    store = work / f"scale-{n}"
    report = work / f"scale-{n}.json"
    shutil.rmtree(store, ignore_errors=True)
    extra = ["--workers", str(workers)] if workers > 1 else []
    run = run_child(kg("build", str(jsonl), "--store", str(store), "-q", "--report", str(report), *extra))
    if run.returncode != 0:
        raise RuntimeError(f"kg build of {n} articles failed: {run.stderr[-2000:]}")
    stats = json.loads(report.read_text())
    size = sum(f.stat().st_size for f in store.rglob("*") if f.is_file())
    out = {"articles": n, "stored": stats["stored"], "seconds": run.seconds, "peak_rss_mb": run.peak_rss_mb,
           "store_mb": size / 2**20, "events": sum(stats["events"].values()),
           "compacted": stats["compacted"]}
    more = more_jsonl(work)
    run = run_child(kg("build", str(more), "--store", str(store), "-q", "--report", str(report)))
    if run.returncode != 0:
        raise RuntimeError(f"kg build of {more.name} into the store of {n} failed: {run.stderr[-2000:]}")
    added = json.loads(report.read_text())
    out.update(added=added["stored"], add_seconds=run.seconds, add_peak_rss_mb=run.peak_rss_mb,
               add_compacted=added["compacted"])
    if queries:
        run = run_child(python("-m", "bench.querytime", str(store)))
        if run.returncode != 0:
            raise RuntimeError(f"the library's queries on the store of {n} failed: {run.stderr[-2000:]}")
        out["query_seconds"] = json.loads(run.stdout)
    if keep:
        out["store"] = str(store)
    else:
        shutil.rmtree(store, ignore_errors=True)
    return out
