"""The benchmark's inputs, written to a scratch folder at run time (never into the project):
FA-KES (real Syrian-war news, CC BY 4.0, from ../shared/corpus/fakes) as news-please JSON
Lines, and synthetic articles (bench.synth) in any number."""
from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

from bench import synth
from bench.measure import ROOT

FAKES = Path(os.environ.get("KG_BENCH_FAKES", ROOT.parent / "shared" / "corpus" / "fakes" / "fakes.jsonl"))


def fakes_jsonl(work: Path) -> Path | None:
    """FA-KES records in the news-please fields kg reads; None when the corpus is absent."""
    if not FAKES.is_file():
        return None
    out = work / "fakes.jsonl"
    if out.exists():
        return out
    with FAKES.open(encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for line in src:
            r = json.loads(line)
            dst.write(json.dumps({
                "url": f"https://fakes.example/{r['unit_id']}", "title": r.get("article_title", ""),
                "maintext": r.get("article_content", ""), "date_publish": _iso(r.get("date", "")),
                "publisher": r.get("source") or None}, ensure_ascii=False) + "\n")
    return out


def _iso(value: str) -> str | None:
    # FA-KES dates are US-style month/day/year
    try:
        return datetime.strptime(value.strip(), "%m/%d/%Y").date().isoformat()
    except ValueError:
        return None


def synthetic_jsonl(work: Path, n: int) -> Path:
    out = work / f"synthetic-{n}.jsonl"
    if not out.exists():
        synth.write_jsonl(out, n)
    return out


def one_article(work: Path) -> Path:
    out = work / "one.jsonl"
    if not out.exists():
        synth.write_jsonl(out, 1, seed=11)
    return out


def more_jsonl(work: Path, n: int = 1000) -> Path:
    """``n`` synthetic articles none of the synthetic corpora holds (another seed, other
    addresses): the news of a day added to a store already built."""
    out = work / f"more-{n}.jsonl"
    if not out.exists():
        with out.open("w", encoding="utf-8") as fh:
            for record in synth.articles(n, seed=101):
                record["url"] = record["url"].replace("synthetic.example/", "synthetic.example/more-")
                fh.write(json.dumps(record) + "\n")
    return out
