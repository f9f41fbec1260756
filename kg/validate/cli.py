"""`kg validate` (SHACL over the whole store) and `kg reason` (materialised entailments)."""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "validate", help="check every article graph in the store against ontology/shapes.ttl",
        description="Validate each article graph (with its description) and the registry graph "
                    "against the SHACL shapes; print the results by article. Exits 1 when there "
                    "are violations, 0 when there are only warnings or none.")
    p.add_argument("--store", required=True)
    p.add_argument("--engine", choices=["pyshacl", "compiled"], default="pyshacl",
                   help="pyshacl (the reference, default) or compiled (the build's fast checker)")
    p.add_argument("--format", dest="output_format", choices=["text", "json"], default="text")
    p.add_argument("--violations-only", action="store_true", help="leave warnings out")
    p.set_defaults(func=cmd_validate)

    p = subparsers.add_parser(
        "reason", help="materialise inferred types and super-properties into graph/inferred",
        description="Add what the ontology entails (superclass types, super-properties, inverse "
                    "properties) to one named graph, so plain SPARQL over the union graph finds "
                    "it. Run it again after a build; --check says whether it is stale.")
    p.add_argument("--store", required=True)
    group = p.add_mutually_exclusive_group()
    group.add_argument("--drop", action="store_true", help="remove the inferred graph")
    group.add_argument("--check", action="store_true",
                       help="exit 1 when the inferred graph is missing or older than the article graphs")
    p.set_defaults(func=cmd_reason)


def cmd_validate(args: argparse.Namespace) -> int:
    from kg.config import Settings
    from kg.rdf.iris import IriMinter
    from kg.store import open_store
    from kg.validate.reason import is_stale
    from kg.validate.shacl import validate_store

    started = time.perf_counter()
    with open_store(args.store, read_only=True) as store:
        outcome = validate_store(store, engine=args.engine)
        stale = is_stale(store, IriMinter(Settings.from_env().base))
    results = [r for r in outcome.results if r.severe or not args.violations_only]
    if args.output_format == "json":
        print(json.dumps({
            "graphs": outcome.units, "conforms": outcome.conforms,
            "violations": len(outcome.violations),
            "warnings": len(outcome.results) - len(outcome.violations),
            "results": [{"article": outcome.articles.get(r.graph or ""), "graph": r.graph,
                         "severity": r.severity, "focus": r.focus, "path": r.path,
                         "value": r.value, "message": r.message, "shape": r.shape,
                         "component": r.component} for r in results],
        }, ensure_ascii=False, indent=1))
    else:
        by_graph: dict[str, list] = defaultdict(list)
        for r in results:
            by_graph[r.graph or ""].append(r)
        for graph, found in by_graph.items():
            print(f"{outcome.articles.get(graph) or graph}  (graph <{graph}>)")
            for r in found:
                print(f"  {r.describe()}")
        warnings = len(outcome.results) - len(outcome.violations)
        print(f"{outcome.units} graphs validated with {args.engine} in {time.perf_counter() - started:.1f} s: "
              f"{len(outcome.violations)} violations, {warnings} warnings")
        if stale:
            print("note: the inferred graph is older than the article graphs; run `kg reason`")
    return 0 if outcome.conforms else 1


def cmd_reason(args: argparse.Namespace) -> int:
    from kg.config import Settings
    from kg.rdf.iris import IriMinter
    from kg.store import open_store
    from kg.validate.reason import ReasonError, drop, is_stale, materialise

    minter = IriMinter(Settings.from_env().base)
    if args.check:
        with open_store(args.store, read_only=True) as store:
            stale = is_stale(store, minter)
        print({None: "no inferred graph", True: "stale: run kg reason", False: "up to date"}[stale])
        return 0 if stale is False else 1
    with open_store(args.store) as store:
        if args.drop:
            print(f"removed {drop(store, minter)} inferred triples")
            return 0
        try:
            report = materialise(store, minter)
        except ReasonError as exc:
            print(f"kg reason: {exc}", file=sys.stderr)
            return 1
    print(f"{report.inferred} inferred triples in <{report.graph}> "
          f"(before: {report.before}) in {report.seconds:.2f} s")
    return 0
