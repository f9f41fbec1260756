"""Extraction throughput against its floor (spaCy's tokenizer alone over the same texts), the
end-to-end `kg build` against the same floor, and start-up against importing the packages."""
from __future__ import annotations

import shutil
import statistics
from pathlib import Path

from bench.measure import kg, python, run_child, timed, words


def _articles(jsonl: Path) -> list:
    from kg.ingest import read_articles

    return list(read_articles([jsonl], errors=[]))


def throughput(jsonl: Path, work: Path, workers: int, rounds: int = 3) -> dict:
    """Articles/s and words/s of: the tokenizer alone, Extractor.extract_many, kg build (one
    process), kg build --workers N (reported per core as well).

    A shared host's speed moves by half within minutes (FA-KES builds of 5.0 to 8.5 s in one
    hour, the tokenizer's 0.32 to 0.44 s), so each build is paired with a floor measured just
    before it: ``rounds`` rounds of (floor, builds). The figures returned at the top level are
    the round whose one-process ratio is the median one; ``rounds`` has them all."""
    import spacy

    from kg.extract.extractor import MAX_CHARS, Extractor

    articles = _articles(jsonl)
    texts = [a.full_text[:MAX_CHARS] for a in articles]
    n_words = sum(words(t) for t in texts)

    def tokenize() -> int:
        nlp = spacy.blank("en")          # a fresh tokenizer each pass: its cache starts cold
        return sum(len(doc) for doc in nlp.tokenizer.pipe(texts, batch_size=64))

    def floor() -> float:
        return statistics.median(timed(tokenize)[0] for _ in range(3))

    extractor = Extractor()
    extract_floor = floor()         # (extract_many's own floor, measured beside it)
    extract_s, results = timed(lambda: sum(1 for _ in extractor.extract_many(articles, on_error=lambda a, e: None)))

    builds = [("build_1", [])] + ([(f"build_{workers}", ["--workers", str(workers)])] if workers > 1 else [])
    measured = []
    for _ in range(rounds):
        one = {"tokenizer_s": floor()}
        for label, extra in builds:
            store = work / f"throughput-{label}"
            shutil.rmtree(store, ignore_errors=True)
            run = run_child(kg("build", str(jsonl), "--store", str(store), "-q", *extra))
            if run.returncode != 0:
                raise RuntimeError(f"kg build failed: {run.stderr[-2000:]}")
            one[f"{label}_s"], one[f"{label}_cpu_s"], one[f"{label}_rss_mb"] = run.seconds, run.cpu_seconds, run.peak_rss_mb
            shutil.rmtree(store, ignore_errors=True)
        measured.append(one)
    out = {"articles": len(articles), "words": n_words, "workers": workers, "rounds": measured,
           "extract_s": extract_s, "extract_tokenizer_s": extract_floor, "extracted": results,
           **_median_round(measured)}
    return out


def _median_round(measured: list[dict]) -> dict:
    """The round whose one-process build has the median ratio to its floor: its figures."""
    ranked = sorted(measured, key=lambda r: r["tokenizer_s"] / r["build_1_s"])
    return dict(ranked[(len(ranked) - 1) // 2])


def startup(one: Path, work: Path, runs: int = 3) -> dict:
    """Median wall times: the interpreter, importing the third-party packages, importing kg's
    build path, compiling the extraction pipeline, and `kg build` of one article."""
    def med(cmd: list[str]) -> float:
        return statistics.median(run_child(cmd).seconds for _ in range(runs))

    out = {
        "python_s": med(python("-c", "pass")),
        "import_deps_s": med(python("-c", "import spacy, pyoxigraph, httpx, rdflib")),
        "import_kg_s": med(python("-c", "import kg.cli, kg.pipeline, kg.store")),
        "compile_s": med(python("-c", "from kg.extract import Extractor; Extractor()")),
    }
    times = []
    for i in range(runs):
        store = work / f"startup-{i}"
        shutil.rmtree(store, ignore_errors=True)
        run = run_child(kg("build", str(one), "--store", str(store), "-q"))
        if run.returncode != 0:
            raise RuntimeError(f"kg build failed: {run.stderr[-2000:]}")
        times.append(run.seconds)
        shutil.rmtree(store, ignore_errors=True)
    out["build_one_s"] = statistics.median(times)
    return out
