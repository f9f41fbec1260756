"""`kg network`: the actor network of a store, ranked, exported and drawn."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

# Kept here rather than imported, so that `kg` starts without loading networkx for every command
# (tests check they match kg.network.metrics and kg.network.periods).
RANKINGS = ("weighted_degree", "degree", "pagerank", "eigenvector", "betweenness")
DEFAULT_RANKING = "weighted_degree"
WINDOWS = ("month", "year")
DEFAULT_SEED = 7


def register(subparsers: Any) -> None:
    """Add the `network` subcommand to the `kg` command line."""
    p = subparsers.add_parser(
        "network", help="actor network: ranked table, Gephi/GraphML/CSV export, picture",
        description="Who fights whom and who backs whom: the actor network of the store, with "
                    "centralities, camps of allies and structural balance.")
    p.add_argument("--store", required=True, help="store folder")
    f = p.add_argument_group("filters")
    f.add_argument("--since", metavar="DATE", help="operations on or after YYYY, YYYY-MM or YYYY-MM-DD")
    f.add_argument("--until", metavar="DATE", help="operations on or before YYYY, YYYY-MM or YYYY-MM-DD")
    f.add_argument("--region", metavar="PLACE", help="a place (IRI or label) and every place inside it")
    f.add_argument("--kinds", metavar="KINDS",
                   help="comma-separated actor kinds to keep, e.g. StateForce,NonStateArmedGroup (ArmedForce: all "
                        "armed forces)")
    f.add_argument("--min-weight", type=float, default=0.0, metavar="W",
                   help="drop ties weaker than W reports (operation x independent outlet)")
    o = p.add_argument_group("output")
    o.add_argument("--json", action="store_true", help="print the analysis as JSON instead of a table")
    o.add_argument("--top", type=int, default=20, metavar="N", help="rows of the table (0: all; default 20)")
    o.add_argument("--rank-by", choices=RANKINGS, default=DEFAULT_RANKING,
                   help="order of the table and size of the circles (default weighted_degree)")
    o.add_argument("--window", choices=WINDOWS, help="also give one snapshot per month or year")
    o.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the Louvain communities")
    e = p.add_argument_group("files")
    e.add_argument("--gexf", metavar="FILE", help="write GEXF 1.3 for Gephi")
    e.add_argument("--dynamic", action="store_true", help="GEXF with time: ties exist from first to last operation")
    e.add_argument("--graphml", metavar="FILE", help="write GraphML")
    e.add_argument("--csv", metavar="FILE", help="write the edge list as CSV")
    e.add_argument("--png", metavar="FILE", help="draw the network as PNG")
    e.add_argument("--svg", metavar="FILE", help="draw the network as SVG")
    e.add_argument("--title", help="title of the picture")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kg import __version__
    from kg.network import export, gexf
    from kg.network.graph import NetworkError, NetworkFilter, fold, read_events, window_graphs
    from kg.network.metrics import annotate, snapshot_summary
    from kg.network.report import format_snapshots, format_table, network_report
    from kg.store import open_store

    kinds = tuple(k.strip() for k in args.kinds.split(",") if k.strip()) if args.kinds else None
    filters = NetworkFilter(since=args.since, until=args.until, region=args.region, kinds=kinds,
                            min_weight=args.min_weight)
    try:
        with open_store(args.store, read_only=True) as store:
            data = read_events(store, region=filters.region)
        graph = fold(data.events, data.actors, since=filters.since, until=filters.until, kinds=filters.kinds,
                     min_weight=filters.min_weight)
        snapshots = None
        if args.window:
            snapshots = [snapshot_summary(key, g) for key, g in window_graphs(data, args.window, filters)]
    except NetworkError as exc:
        print(f"kg network: {exc}", file=sys.stderr)
        return 2
    graph.graph["region"] = filters.region
    annotate(graph, seed=args.seed)

    written: list[str] = []
    positions = None
    if args.gexf or args.png or args.svg:
        from kg.network.draw import draw_network, layout

        positions = layout(graph)       # one layout for the Gephi file and the pictures
    if args.gexf:
        from kg.network.style import apply_viz

        apply_viz(graph, {n: (x * 100, y * 100) for n, (x, y) in positions.items()}, size_by=args.rank_by)
        gexf.write_gexf(graph, args.gexf, dynamic=args.dynamic, attribute_types={"iri": "anyURI"},
                        creator=f"conflict-kg {__version__}", description=_describe(filters),
                        keywords=("conflict", "actor network"))
        written.append(args.gexf)
    elif args.dynamic:
        print("kg network: --dynamic applies to --gexf only; ignored", file=sys.stderr)
    if args.graphml:
        export.write_graphml(graph, args.graphml)
        written.append(args.graphml)
    if args.csv:
        export.write_edge_csv(graph, args.csv)
        written.append(args.csv)
    for picture in (args.png, args.svg):
        if picture:
            draw_network(graph, picture, title=args.title or _picture_title(filters), size_by=args.rank_by,
                         positions=positions)
            written.append(picture)

    if args.json:
        print(json.dumps(network_report(graph, by=args.rank_by, snapshots=snapshots), ensure_ascii=False, indent=1))
    else:
        print(format_table(graph, by=args.rank_by, top=args.top))
        if snapshots is not None:
            print()
            print(format_snapshots(snapshots))
    for path in written:
        print(f"wrote {Path(path)}", file=sys.stderr)
    return 0


def _describe(filters: Any) -> str:
    parts = ["Actor network from conflict-kg: actors are nodes; ties are hostility (agent -> target), "
             "support (supporter -> agent) and co-agent (agents of one operation). Weight: operations "
             "times independent outlets reporting them."]
    named = (("since", filters.since), ("until", filters.until), ("region", filters.region),
             ("min weight", filters.min_weight or None))
    scope = [f"{name} {value}" for name, value in named if value]
    if filters.kinds:
        scope.append("kinds " + ", ".join(filters.kinds))
    if scope:
        parts.append("Filters: " + "; ".join(scope) + ".")
    return " ".join(parts)


def _picture_title(filters: Any) -> str:
    title = "Actor network"
    if filters.region:
        title += f" \u2014 {filters.region}"
    if filters.since or filters.until:
        open_end = "\u2026"
        title += f" ({filters.since or open_end} to {filters.until or open_end})"
    return title
