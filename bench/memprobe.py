"""Where a long build's memory goes: builds N synthetic articles in this process and prints,
every ``--every`` articles, the resident set (current and peak), glibc's heap (in use / free),
Python's allocated blocks, spaCy's vocabulary, the fusion index and the store folder.

    python -m bench.memprobe 20000 --work /tmp/memprobe [--stage full|extract|nostore|nofusion]

Stages, to bisect growth: ``full`` is `kg build`; ``extract`` runs extraction only (no fusion,
mapping or store); ``nostore`` runs everything but writes nothing (a store that accepts and
drops writes); ``nofusion`` skips fusion (events link to nothing); ``replay`` runs the store
alone: the quads of the first ``--templates`` articles are built once, then stored again and
again under new article ids (and content hashes), as a build of N articles would store them.
``--flush-every Q`` overrides the store's memtable flush interval (0: never). Not part of
`python -m bench`.
"""
from __future__ import annotations

import argparse
import ctypes
import gc
import json
import os
import shutil
import sys
import time
from pathlib import Path

from bench.corpus import synthetic_jsonl


class _MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                               "fsmblks", "uordblks", "fordblks", "keepcost")]


_libc = ctypes.CDLL("libc.so.6")
_libc.mallinfo2.restype = _MallInfo2


def status_mb(field: str) -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def folder_mb(path: Path) -> tuple[float, int]:
    """Size (MB) and write-ahead logs of a store folder whose files RocksDB may delete (a
    compaction) while it is being summed: a file gone meanwhile counts for nothing."""
    sizes, logs = 0, 0
    for f in path.rglob("*") if path.exists() else ():
        try:
            if f.is_file():
                sizes += f.stat().st_size
                logs += f.suffix == ".log"
        except FileNotFoundError:
            continue
    return sizes / 2**20, logs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--work", type=Path, default=Path("/tmp/memprobe"))
    ap.add_argument("--every", type=int, default=1000)
    ap.add_argument("--stage", choices=("full", "extract", "nostore", "nofusion", "replay"), default="full")
    ap.add_argument("--templates", type=int, default=500)
    ap.add_argument("--flush-every", type=int)
    ap.add_argument("--objects", action="store_true", help="count gc objects too (slow)")
    ap.add_argument("--out", type=Path, help="write the samples here as JSON")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    jsonl = synthetic_jsonl(args.work, args.templates if args.stage == "replay" else args.n)
    store_dir = args.work / f"store-{args.stage}"
    shutil.rmtree(store_dir, ignore_errors=True)

    from kg.parallel import local_extractor
    from kg.pipeline import Builder
    from kg.store import OxigraphStore
    import kg.store.oxigraph as oxstore

    if args.flush_every is not None:
        oxstore.FLUSH_EVERY_QUADS = args.flush_every or 10**12

    nlp = local_extractor().nlp
    samples: list[dict] = []
    t0 = time.perf_counter()
    builder: Builder | None = None

    def sample(n: int) -> None:
        mi = _libc.mallinfo2()
        fusion = builder.fuser.index if builder is not None else None
        s = {"n": n, "s": round(time.perf_counter() - t0, 1), "rss": round(status_mb("VmRSS"), 1),
             "hwm": round(status_mb("VmHWM"), 1),
             "heap_used": round(mi.uordblks / 2**20, 1), "heap_free": round(mi.fordblks / 2**20, 1),
             "mmapped": round(mi.hblkhd / 2**20, 1), "py_blocks": sys.getallocatedblocks(),
             "vocab_strings": len(nlp.vocab.strings), "vocab_lexemes": len(nlp.vocab),
             "fusion_events": len(fusion) if fusion is not None else 0}
        if fusion is not None:
            s["fusion_mb"] = round(os.path.getsize(fusion.path) / 2**20, 1)
        s["store_mb"], s["store_logs"] = folder_mb(store_dir)
        s["store_mb"] = round(s["store_mb"], 1)
        if args.objects:
            s["objects"] = len(gc.get_objects())
        samples.append(s)
        print(json.dumps(s), flush=True)

    def progress(n: int, _article) -> None:
        if n % args.every == 0:
            sample(n)

    if args.stage == "replay":
        replay(args.n, jsonl, store_dir, progress)
    elif args.stage == "extract":
        from kg.ingest import read_articles

        def counted():
            for i, a in enumerate(read_articles([str(jsonl)], errors=[]), 1):
                progress(i, a)
                yield a
        for _ in local_extractor().extract_many(counted()):
            pass
    else:
        store = OxigraphStore(store_dir)
        if args.stage == "nostore":
            store.replace_articles = lambda items: None          # type: ignore[method-assign]
        builder = Builder(store)
        if args.stage == "nofusion":
            builder.fuser.fuse = lambda ex: ex                    # type: ignore[method-assign]
        builder.build([jsonl], progress=progress)
        store.flush()
    sample(args.n)
    if args.out:
        args.out.write_text(json.dumps(samples, indent=0))


def replay(n: int, jsonl: Path, store_dir: Path, progress) -> None:
    """Store ``n`` articles made of the quads of the articles in ``jsonl``, under new ids."""
    import hashlib

    import pyoxigraph as ox

    from kg.pipeline import BATCH_ARTICLES, Builder
    from kg.store import ArticleQuads, OxigraphStore

    templates: list[tuple[str, str, str]] = []          # article id, content hash, N-Quads
    scratch = OxigraphStore(None)

    def keep(items) -> None:
        for item in items:
            aid = item.article.value.rsplit("/", 1)[1]
            digest = next(q.object.value for q in item.quads if q.predicate.value.endswith("#contentHash"))
            templates.append((aid, digest, ox.serialize(item.quads, format=ox.RdfFormat.N_QUADS).decode()))
    scratch.replace_articles = keep                     # type: ignore[method-assign]
    Builder(scratch).build([jsonl])
    store = OxigraphStore(store_dir)
    builder = Builder(store)
    batch: list[ArticleQuads] = []
    for i in range(1, n + 1):
        aid, digest, text = templates[i % len(templates)]
        new = hashlib.sha1(str(i).encode()).hexdigest()
        text = text.replace(aid, new[:16]).replace(digest, hashlib.sha256(new.encode()).hexdigest())
        article = builder.minter.article(new[:16])
        batch.append(ArticleQuads(builder.minter.article_graph(new[:16]), article,
                                  list(ox.parse(text, format=ox.RdfFormat.N_QUADS))))
        if len(batch) == BATCH_ARTICLES:
            store.article_hashes([b.article for b in batch])
            store.replace_articles(batch)
            batch = []
        progress(i, None)
    store.replace_articles(batch)
    store.flush()


if __name__ == "__main__":
    main()
