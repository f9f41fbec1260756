"""The `kg` command line: build, export, query, stats, remove, queries."""
from __future__ import annotations

import argparse
import csv
import gc
import json
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from kg import __version__


def _progress_printer(enabled: bool):
    state = {"t0": time.monotonic(), "last": 0.0}

    def progress(n: int, article) -> None:
        now = time.monotonic()
        if enabled and now - state["last"] >= 2.0:
            rate = n / max(now - state["t0"], 1e-9)
            print(f"\r  {n} articles read ({rate:.0f}/s)", end="", file=sys.stderr, flush=True)
            state["last"] = now

    return progress


@contextmanager
def _long_lived_objects() -> Iterator[None]:
    """Importing the build's packages (spaCy, pyoxigraph, the pipeline's modules) makes a few
    hundred thousand objects that live as long as the process: the cyclic collector waits
    while they are made (it walked them in several full collections, ~50 ms of every start)
    and they are then moved out of its way (gc.freeze), as the compiled pipeline is."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
        gc.freeze()


def cmd_build(args: argparse.Namespace) -> int:
    with _long_lived_objects():
        from kg.parallel import DaskExecutor, ProcessExecutor, SerialExecutor
        from kg.pipeline import Builder
        from kg.store import open_store

    if args.executor == "dask":
        if not args.scheduler:
            print("kg build: --executor dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)", file=sys.stderr)
            return 2
        executor = DaskExecutor(args.scheduler)
    elif args.workers > 1:
        executor = ProcessExecutor(args.workers)
    else:
        executor = SerialExecutor()
    try:
        with open_store(args.store) as store:
            builder = Builder(store, executor=executor)
            report = builder.build(args.inputs, progress=_progress_printer(not args.quiet and sys.stderr.isatty()),
                                   force=args.force)
    finally:
        executor.close()
    if args.report:
        Path(args.report).write_text(json.dumps(
            {"read": report.read, "stored": report.stored, "unchanged": report.unchanged,
             "rejected": [{"item": e.item, "reason": e.reason} for e in report.rejected],
             "notices": [{"item": e.item, "reason": e.reason} for e in report.notices],
             "events": dict(report.events), "run": report.run_id, "compacted": report.compacted},
            indent=1), encoding="utf-8")
    if not args.quiet:
        print(report.summary())
    # Rejected items are reported, not fatal: the rest of the batch is stored.
    return 0 if report.read or not report.failed else 1


def cmd_export(args: argparse.Namespace) -> int:
    from kg.store import open_store

    with open_store(args.store, read_only=True) as store:
        if args.format == "acled-csv":
            from kg.acled_csv import export_acled_csv
            export_acled_csv(store, Path(args.output))
        else:
            store.export(Path(args.output), args.format)
    return 0


def _term_text(term, compact: bool = False) -> str:
    if term is None:
        return ""
    value = term.value
    if compact and type(term).__name__ == "NamedNode":
        from kg.rdf.terms import PREFIXES
        for prefix, ns in PREFIXES.items():
            if value.startswith(ns):
                return f"{prefix}:{value[len(ns):]}"
    return value


def _print_result(result, fmt: str, out) -> None:
    if result.kind == "ask":
        print("true" if result.boolean else "false", file=out)
        return
    if result.kind == "graph":
        for t in result.triples:
            print(f"{t} .", file=out)
        return
    rows = [[_term_text(v, compact=fmt == "table") for v in row] for row in result.rows]
    if fmt == "json":
        print(json.dumps([dict(zip(result.variables, r)) for r in rows], ensure_ascii=False, indent=1), file=out)
    elif fmt == "csv":
        w = csv.writer(out)
        w.writerow(result.variables)
        w.writerows(rows)
    else:
        widths = [min(max([len(v)] + [len(r[i]) for r in rows]), 60) for i, v in enumerate(result.variables)]
        print("  ".join(v.ljust(w) for v, w in zip(result.variables, widths)), file=out)
        print("  ".join("-" * w for w in widths), file=out)
        for r in rows:
            print("  ".join((c if len(c) <= w else c[:w - 1] + "…").ljust(w) for c, w in zip(r, widths)), file=out)
        print(f"({len(rows)} rows)", file=out)


def cmd_query(args: argparse.Namespace) -> int:
    from kg.queries import QueryNotFound, load_query, with_page
    from kg.store import QueryError, open_store
    from kg.store.base import query_form

    params = {}
    for p in args.param or []:
        k, sep, v = p.partition("=")
        if not sep:
            print(f"kg query: --param takes NAME=VALUE, got {p!r}", file=sys.stderr)
            return 2
        params[k] = v
    try:
        sparql = load_query(args.query, params)
        if args.limit is not None or args.offset:
            if query_form(sparql) == "ASK":
                print(f"kg query: {args.query}: an ASK query has no rows to page", file=sys.stderr)
                return 2
            sparql = with_page(sparql, args.limit, args.offset)
    except QueryNotFound as exc:
        print(f"kg query: {exc}", file=sys.stderr)
        return 2
    except (ValueError, QueryError) as exc:
        print(f"kg query: {exc}", file=sys.stderr)
        return 2
    with open_store(args.store, read_only=True) as store:
        try:
            result = store.query(sparql)
        except QueryError as exc:
            print(f"kg query: {args.query}: {exc}", file=sys.stderr)
            return 2
    _print_result(result, args.output_format, sys.stdout)
    return 0


def cmd_queries(args: argparse.Namespace) -> int:
    from kg.queries import list_queries

    for q in list_queries():
        print(f"{q.name:28s} {q.title}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from kg.stats import store_stats

    with open_store_ro(args.store) as store:
        stats = store_stats(store)
    if args.json:
        print(json.dumps(stats, indent=1))
        return 0
    print(f"articles: {stats['articles']}   triples: {stats['triples']}   "
          f"events: {stats['events']} (from {stats['event_reports']} reports)")
    print("event reports by type: " + (", ".join(f"{k} {v}" for k, v in stats["events_by_type"].items()) or "none"))
    for title, key in (("actors", "actors_by_kind"), ("places", "places_by_kind"), ("sources", "sources_by_kind")):
        total = sum(stats[key].values())
        print(f"{title}: {total}  (" + ", ".join(f"{k} {v}" for k, v in stats[key].items()) + ")")
    return 0


def open_store_ro(path: str):
    from kg.store import open_store
    return open_store(path, read_only=True)


def cmd_remove(args: argparse.Namespace) -> int:
    from kg.ingest import article_id
    from kg.pipeline import Builder
    from kg.store import open_store

    ids = [a if "://" not in a else article_id(a) for a in args.articles]
    with open_store(args.store) as store:
        removed = Builder(store).remove(ids)
    print(f"removed {removed} of {len(ids)} articles")
    return 0 if removed == len(ids) else 1


def cmd_compact(args: argparse.Namespace) -> int:
    from kg.store import OxigraphStore, is_store_url, open_store

    if not is_store_url(args.store) and not Path(args.store).is_dir():
        print(f"kg compact: no store at {args.store}", file=sys.stderr)     # (not a new, empty one)
        return 1
    with open_store(args.store) as store:
        if not isinstance(store, OxigraphStore):
            print(f"{args.store}: a server store merges its own files; nothing to do")
            return 0
        before = store.table_bytes()
        store.compact(when_due=False)
        after = store.table_bytes()
    print(f"compacted {args.store}: table files {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB")
    return 0


_COMMAND_MODULES = ("kg.network.cli", "kg.publish.cli", "kg.validate.cli")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kg", description="Knowledge graphs of armed-conflict reporting.")
    parser.add_argument("--version", action="version", version=f"conflict-kg {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="read articles and store their graphs")
    p.add_argument("inputs", nargs="+", help="files, folders, glob patterns, or - for stdin")
    p.add_argument("--store", required=True,
                   help="store folder (created when missing), or a SPARQL server URL: http(s)://..., "
                        "virtuoso+http://user:password@host:8890, fuseki+..., graphdb+..., neptune+... "
                        "(see docs/scale.md)")
    p.add_argument("--force", action="store_true", help="rebuild articles even when unchanged")
    p.add_argument("--workers", "-j", type=int, default=1, metavar="N",
                   help="extract on N worker processes (default 1: in this process)")
    p.add_argument("--executor", choices=["local", "dask"], default="local",
                   help="where extraction runs: local (this machine) or dask (a Dask cluster)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="the Dask scheduler, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--report", help="write a JSON report (counts, rejected items) to this file")
    p.add_argument("--quiet", "-q", action="store_true")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("export", help="write the store as RDF, or its fused events as ACLED CSV")
    p.add_argument("--store", required=True)
    p.add_argument("--format", default="nquads",
                   choices=["nquads", "trig", "turtle", "ntriples", "jsonld", "rdfxml", "acled-csv"],
                   help="an RDF format, or acled-csv: one row per fused event in ACLED's columns")
    p.add_argument("--output", "-o", required=True)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("query", help="run a named query or a .rq file")
    p.add_argument("query", help="a query name (see `kg queries`) or a path to a .rq file")
    p.add_argument("--store", required=True)
    p.add_argument("--param", "-p", action="append", help="NAME=VALUE for a query parameter")
    p.add_argument("--format", dest="output_format", default="table", choices=["table", "csv", "json"])
    p.add_argument("--limit", type=int, help="print at most N rows (LIMIT), in the query's order")
    p.add_argument("--offset", type=int, default=0, help="skip the first N rows (OFFSET), with --limit to page")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("queries", help="list the named queries")
    p.set_defaults(func=cmd_queries)

    p = sub.add_parser("stats", help="summarise the store")
    p.add_argument("--store", required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("remove", help="remove articles (by URL or article id) and their graphs")
    p.add_argument("articles", nargs="+")
    p.add_argument("--store", required=True)
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("compact", help="merge the store's files so that queries read fewer "
                                       "(a build does it from 64 MB, when the store has grown by a quarter)")
    p.add_argument("--store", required=True)
    p.set_defaults(func=cmd_compact)

    # Stages with commands of their own register them here (one module each, no shared state).
    import importlib
    for module_name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not module_name.startswith(exc.name):
                raise           # a missing dependency inside the module is a real error
            continue
        module.register(sub)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a clear one-line error instead of a traceback for users
        from kg.store import StoreError
        if isinstance(exc, (StoreError, OSError)):
            print(f"kg {args.command}: {exc}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
