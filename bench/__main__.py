"""`python -m bench` (or `make bench`): start-up, extraction throughput, scaling, the store
against rdflib, and the remote store, measured side by side in one run and printed as ratios.

    python -m bench                       everything, scaling at 10^3, 10^4, 10^5 articles
    python -m bench --sizes 1000,10000    smaller scaling runs
    python -m bench --only startup,store  some sections (startup, throughput, scaling, store, remote)
    python -m bench --json results.json   also write every number as JSON

Scratch files (corpora, stores) go to a temporary folder, or --work DIR, and are removed.
"""
from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from bench import corpus, extraction, remote, scaling, store

SECTIONS = ("startup", "throughput", "scaling", "store", "remote")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="1000,10000,100000", help="scaling sizes (articles), comma-separated")
    p.add_argument("--only", default=",".join(SECTIONS), help=f"sections to run: {','.join(SECTIONS)}")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="worker processes for the parallel build")
    p.add_argument("--rdflib-timeout", type=float, default=60.0, help="seconds before an rdflib query is cut off")
    p.add_argument("--data", default="fakes",
                   help="articles for throughput, store and remote: fakes (FA-KES, when present) or a "
                        "number of synthetic articles")
    p.add_argument("--work", help="scratch folder (default: a temporary one, removed afterwards)")
    p.add_argument("--json", help="write the results to this JSON file")
    args = p.parse_args(argv)
    sections = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        p.error(f"unknown sections {sorted(unknown)}")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    # Measured as installed: pip byte-compiles an installed package, while a source checkout run
    # where bytecode is not written (PYTHONDONTWRITEBYTECODE) compiles every module of kg anew
    # in each child process the benchmark starts (~0.1 s of every start-up).
    import kg
    compileall.compile_dir(Path(kg.__file__).parent, quiet=1)

    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict = {"machine": _machine()}
    _print_header(results["machine"])
    try:
        fakes = corpus.fakes_jsonl(work) if args.data == "fakes" else None
        data = fakes or corpus.synthetic_jsonl(work, int(args.data) if args.data.isdigit() else 1000)
        if "startup" in sections:
            results["startup"] = r = extraction.startup(corpus.one_article(work), work)
            _startup(r)
        if "throughput" in sections:
            results["throughput"] = r = extraction.throughput(data, work, args.workers)
            _throughput(r, "FA-KES (real news)" if fakes else "synthetic", results.get("startup"))
        if "scaling" in sections:
            runs = []
            print("\n3. Scaling: kg build of synthetic articles, one process, fresh store each")
            print(f"   {'articles':>9} {'seconds':>9} {'articles/s':>11} {'peak RSS MB':>12} {'store MB':>9} {'events':>8}"
                  f"  {'+1,000: seconds':>15} {'peak RSS MB':>12}")
            for n in sizes:
                runs.append(scaling.build(n, work))
                _scaling_row(runs[-1])
            # A shared host's speed drifts over the minutes the largest build takes: the smaller
            # sizes are built again after it, and each ratio takes the mean of their two times,
            # so that a slow (or fast) start does not decide it.
            for run in runs[:-1]:
                again = scaling.build(run["articles"], work, queries=False)
                _scaling_row(again, "again")
                run["seconds_runs"] = [run["seconds"], again["seconds"]]
                run["seconds"] = statistics.mean(run["seconds_runs"])
                run["peak_rss_mb"] = max(run["peak_rss_mb"], again["peak_rss_mb"])
                run["add_seconds_runs"] = [run["add_seconds"], again["add_seconds"]]
                run["add_seconds"] = statistics.mean(run["add_seconds_runs"])
                run["add_peak_rss_mb"] = max(run["add_peak_rss_mb"], again["add_peak_rss_mb"])
            results["scaling"] = runs
            _scaling(runs)
        if "store" in sections or "remote" in sections:
            nquads = _export(data, work)
        if "store" in sections:
            results["store"] = r = {"load": store.load(nquads, work), "queries": store.queries(nquads, work, args.rdflib_timeout)}
            _store(r, args.rdflib_timeout)
        if "remote" in sections:
            why = remote.available()
            if why:
                print(f"\n5. Remote store: skipped ({why})")
            else:
                results["remote"] = r = remote.compare(nquads, work, timeout=120)
                _remote(r)
    finally:
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=1))
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def _export(jsonl: Path, work: Path) -> Path:
    """The store data for the comparisons: jsonl built and exported as N-Quads."""
    from bench.measure import kg, run_child

    folder, out = work / "data-store", work / "data.nq"
    shutil.rmtree(folder, ignore_errors=True)
    for cmd in (kg("build", str(jsonl), "--store", str(folder), "-q"),
                kg("export", "--store", str(folder), "--format", "nquads", "--output", str(out))):
        run = run_child(cmd)
        if run.returncode:
            raise RuntimeError(run.stderr[-2000:])
    shutil.rmtree(folder, ignore_errors=True)
    return out


# ------------------------------------------------------------------------------ printing

def _machine() -> dict:
    import pyoxigraph
    import rdflib
    import spacy

    return {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
            "spacy": spacy.__version__, "pyoxigraph": pyoxigraph.__version__, "rdflib": rdflib.__version__}


def _print_header(m: dict) -> None:
    print(f"conflict-kg benchmark: {m['cpus']} cores, Python {m['python']}, spaCy {m['spacy']}, "
          f"pyoxigraph {m['pyoxigraph']}, rdflib {m['rdflib']}")
    print("Every figure below is measured in this run; ratios compare runs made side by side.")


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _startup(r: dict) -> None:
    print("\n1. Start-up (median of 3 fresh processes)")
    print(f"   python alone                              {r['python_s']:6.2f} s")
    print(f"   import spacy, pyoxigraph, httpx, rdflib   {r['import_deps_s']:6.2f} s")
    print(f"   import kg's build path                    {r['import_kg_s']:6.2f} s")
    print(f"   import + compile the extraction pipeline  {r['compile_s']:6.2f} s")
    print(f"   kg build of one article (fresh store)     {r['build_one_s']:6.2f} s   "
          f"= {r['build_one_s'] / r['import_kg_s']:.1f} x importing kg, "
          f"{r['build_one_s'] / r['import_deps_s']:.1f} x importing the dependencies")


def _throughput(r: dict, label: str, start: dict | None) -> None:
    n, w = r["articles"], r["words"]
    rounds = r.get("rounds") or [r]
    print(f"\n2. Extraction throughput: {label}, {n:,} articles, {w:,} words; {len(rounds)} rounds of the "
          f"floor and then the builds, the round with the median one-process ratio shown")
    print(f"   {'':38} {'articles/s':>11} {'words/s':>10} {'of the floor':>13}")

    def line(name: str, seconds: float, floor_s: float, per: int = 1) -> float:
        """Print a row; return its share of the floor's rate (per core when ``per`` > 1): the
        floor's time over the row's time (times ``per`` cores)."""
        share = floor_s / (seconds * per)
        print(f"   {name:38} {n / seconds / per:>11.1f} {w / seconds / per:>10,.0f} {share:>12.1%}")
        return share

    floor_s = r["tokenizer_s"]
    line("spaCy tokenizer alone (the floor)", floor_s, floor_s)
    line("Extractor.extract_many", r["extract_s"], r.get("extract_tokenizer_s", floor_s))
    e2e = line("kg build (one process)", r["build_1_s"], floor_s)
    if start:
        line("kg build, start-up subtracted", max(r["build_1_s"] - start["build_one_s"], 1e-6), floor_s)
    per_core = None
    workers = r["workers"]
    parallel = r.get(f"build_{workers}_s")
    if workers > 1 and parallel:
        line(f"kg build --workers {workers}", parallel, floor_s)
        per_core = line(f"kg build --workers {workers}, per core", parallel, floor_s, workers)
        print(f"   speed-up with {workers} workers: {r['build_1_s'] / parallel:.2f} x")
    if "build_1_cpu_s" in r:
        print(f"   CPU time of the one-process build: {r['build_1_cpu_s']:.2f} s for {r['build_1_s']:.2f} s "
              f"(its store's background threads included)")
    if len(rounds) > 1:
        each = ", ".join(f"{x['tokenizer_s'] / x['build_1_s']:.1%} ({x['build_1_s']:.2f} s / floor "
                         f"{x['tokenizer_s']:.3f} s)" for x in rounds)
        print(f"   one process, round by round: {each}")
    print(f"   target: end-to-end >= 10% of the floor per core: one process {e2e:.1%} "
          f"({_verdict(e2e >= 0.10)})" + (f", {r['workers']} workers {per_core:.1%} per core" if per_core else ""))


def _scaling_row(run: dict, note: str = "") -> None:
    n = run["articles"]
    compacted = [what for what, key in (("build", "compacted"), ("add", "add_compacted")) if run.get(key)]
    if compacted:
        note = (note + " " if note else "") + "(store compacted at the end of: " + ", ".join(compacted) + ")"
    print(f"   {n:>9,} {run['seconds']:>9.1f} {n / run['seconds']:>11.1f} {run['peak_rss_mb']:>12.0f} "
          f"{run['store_mb']:>9.1f} {run['events']:>8,}  {run['add_seconds']:>15.1f} {run['add_peak_rss_mb']:>12.0f}"
          f"  {note}".rstrip(), flush=True)


def _scaling(runs: list[dict]) -> None:
    for run in runs:
        if "seconds_runs" in run:
            print(f"   {run['articles']:,} articles: mean of {' and '.join(f'{s:.1f}' for s in run['seconds_runs'])} s")
    by_n = {r["articles"]: r for r in runs}
    for small, big in zip(sorted(by_n), sorted(by_n)[1:]):
        t = by_n[big]["seconds"] / by_n[small]["seconds"]
        m = by_n[big]["peak_rss_mb"] / by_n[small]["peak_rss_mb"]
        k = big / small
        print(f"   time({big:,}) / time({small:,}) = {t:.2f} (articles x{k:g}; target <= {1.1 * k:g}: "
              f"{_verdict(t <= 1.1 * k)});  peak RSS ratio {m:.2f} (target <= 1.5: {_verdict(m <= 1.5)})")
        a = by_n[big]["add_seconds"] / by_n[small]["add_seconds"]
        print(f"   adding 1,000 articles to the store of {big:,} / of {small:,}: {a:.2f} x the time, "
              f"{by_n[big]['add_peak_rss_mb'] / by_n[small]['add_peak_rss_mb']:.2f} x the peak RSS")
    sizes = sorted(n for n in by_n if by_n[n].get("query_seconds"))
    if not sizes:
        return
    print("   the library's queries on each store once the 1,000 are added (seconds, one run each; required")
    print("   parameters from the store, and \", one event / actor\" asks again about one: bench/querytime.py),")
    print("   and the ratio between the last two sizes")
    print("   " + f"{'query':32}" + "".join(f"{n:>10,}" for n in sizes) + (f"{'ratio':>8}" if len(sizes) > 1 else ""))
    ratios = []
    for name in sorted(by_n[sizes[-1]]["query_seconds"]):
        times = [by_n[n]["query_seconds"].get(name) for n in sizes]
        line = f"   {name:32}" + "".join(f"{t:>10.2f}" if t is not None else f"{'-':>10}" for t in times)
        if len(sizes) > 1 and times[-1] is not None and times[-2]:
            ratios.append(times[-1] / times[-2])
            line += f"{ratios[-1]:>8.1f}"
        print(line)
    if ratios:
        print(f"   median ratio {statistics.median(ratios):.1f} for x{sizes[-1] / sizes[-2]:g} articles")


def _store(r: dict, limit: float) -> None:
    load = r["load"]
    q = load["quads"]
    print(f"\n4. Store: embedded Oxigraph (on disk) vs rdflib's in-memory Dataset, {q:,} quads")
    for label, key in (("bulk load", "oxigraph_bulk_s"), ("one transaction", "oxigraph_tx_s")):
        ratio = load["rdflib_s"] / load[key]
        print(f"   load, {label:16} {q / load[key]:>10,.0f} quads/s vs rdflib {q / load['rdflib_s']:>9,.0f}  "
              f"= {ratio:6.1f} x" + (f"  (target >= 4 x: {_verdict(ratio >= 4)})" if key == "oxigraph_bulk_s" else ""))
    print(f"   {'query':24} {'oxigraph ms':>12} {'rdflib ms':>12} {'ratio':>9}  rows")
    for row in r["queries"]:
        ratio = row["rdflib_s"] / max(row["oxigraph_s"], 1e-6)
        rows = "same" if row["oxigraph_rows"] == row["rdflib_rows"] else f"{row['oxigraph_rows']} vs {row['rdflib_rows']}"
        mark = ">" if row["rdflib_cut"] else " "
        print(f"   {row['query']:24} {row['oxigraph_s'] * 1000:>12.1f} {row['rdflib_s'] * 1000:>11.0f}{mark} "
              f"{mark}{ratio:>8.1f}  {rows if not row['rdflib_cut'] else f'rdflib cut off at {limit:g} s'}")
    med, cut = store.median_ratio(r["queries"])
    print(f"   median ratio {'>= ' if cut else ''}{med:.1f} x (target >= 100 x: {_verdict(med >= 100)})")


def _remote(r: dict) -> None:
    print(f"\n5. Remote store: Virtuoso 7.2 on loopback, {r['quads']:,} quads")
    print(f"   load through SPARQL Update batches: {r['quads'] / r['load_s']:,.0f} quads/s")
    print(f"   {'query':24} {'oxigraph ms':>12} {'virtuoso ms':>12} {'ratio':>7}")
    for row in r["queries"]:
        if row.get("virtuoso_s") is None:
            print(f"   {row['query']:24} {row['oxigraph_s'] * 1000:>12.1f}   refused: {row['error']}")
        else:
            print(f"   {row['query']:24} {row['oxigraph_s'] * 1000:>12.1f} {row['virtuoso_s'] * 1000:>12.1f} "
                  f"{row['virtuoso_s'] / max(row['oxigraph_s'], 1e-6):>7.1f}"
                  + ("" if row["same_rows"] else "  (row counts differ)"))


if __name__ == "__main__":
    sys.exit(main())
