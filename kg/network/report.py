"""What `kg network` prints: a ranked table of actors, or the same facts as JSON for scripts."""
from __future__ import annotations

from datetime import date
from typing import Any

import networkx as nx

from kg.network.export import edge_rows
from kg.network.metrics import DEFAULT_RANKING, communities, ranked, structural_balance, tie_counts

ACTOR_FIELDS: tuple[str, ...] = (
    "iri", "label", "kind", "wikidata", "events", "as_agent", "as_target", "as_supporter", "first", "last",
    "degree", "weighted_degree", "allies", "enemies", "betweenness", "pagerank", "eigenvector", "community",
)


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value, key=str)
    if isinstance(value, float):
        return round(value, 6)
    return value


def actor_rows(graph: nx.Graph, by: str = DEFAULT_RANKING) -> list[dict[str, Any]]:
    """Actors ranked by `by`, with rank, identity, activity and every metric."""
    rows = []
    for rank, node in enumerate(ranked(graph, by), start=1):
        data = graph.nodes[node]
        row: dict[str, Any] = {"rank": rank}
        row.update({name: _plain(data.get(name)) for name in ACTOR_FIELDS})
        rows.append(row)
    return rows


def network_report(graph: nx.Graph, by: str = DEFAULT_RANKING, snapshots: list[dict[str, Any]] | None = None
                   ) -> dict[str, Any]:
    """The whole analysis as JSON-ready values."""
    label = {n: graph.nodes[n].get("label", n) for n in graph}
    balance = structural_balance(graph)
    report: dict[str, Any] = {
        "filters": {k: _plain(graph.graph.get(k)) for k in ("since", "until", "region", "kinds", "min_weight")},
        "events": graph.graph.get("events", 0),
        "ranked_by": by,
        "betweenness_sample": graph.graph.get("betweenness_sample"),     # None: exact
        "actors": actor_rows(graph, by),
        "ties": [{k: _plain(v) for k, v in row.items()} for row in edge_rows(graph)],
        "tie_counts": tie_counts(graph),
        "balance": {
            "balanced": len(balance.balanced), "unbalanced": len(balance.unbalanced),
            "ratio": None if balance.ratio is None else round(balance.ratio, 6),
            "ambivalent_pairs": balance.ambivalent_pairs,
            "unbalanced_triangles": [[label[n] for n in t] for t in balance.unbalanced],
            "balanced_triangles": [[label[n] for n in t] for t in balance.balanced],
        },
        "communities": [sorted((label[n] for n in c), key=str.lower) for c in communities(graph)],
    }
    if snapshots is not None:
        report["snapshots"] = snapshots
    return report


def format_table(graph: nx.Graph, by: str = DEFAULT_RANKING, top: int | None = 20) -> str:
    """The ranked actor table and a few lines on ties, balance and camps."""
    rows = actor_rows(graph, by)
    shown = rows if top is None or top <= 0 else rows[:top]
    header = ("#", "actor", "kind", "events", "deg", "w.deg", "allies", "enemies", "betweenness", "pagerank",
              "eigenvector", "camp")
    table = [header] + [
        (str(r["rank"]), _cut(str(r["label"]), 34), r["kind"], str(r["events"]), str(r["degree"]),
         f"{r['weighted_degree']:g}", str(r["allies"]), str(r["enemies"]), f"{r['betweenness']:.3f}",
         f"{r['pagerank']:.3f}", f"{r['eigenvector']:.3f}", str(r["community"]))
        for r in shown
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    numeric = {0, 3, 4, 5, 6, 7, 8, 9, 10, 11}
    lines = []
    for j, row in enumerate(table):
        lines.append("  ".join(c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths)))
                     .rstrip())
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    if len(shown) < len(rows):
        lines.append(f"... {len(rows) - len(shown)} more actors (--top 0 shows all)")

    counts = tie_counts(graph)
    lines.append("")
    lines.append(f"{graph.number_of_nodes()} actors, {graph.number_of_edges()} ties ("
                 + ", ".join(f"{counts.get(k, 0)} {k}" for k in ("hostility", "support", "co-agent"))
                 + f") from {graph.graph.get('events', 0)} operations; ranked by {by}")
    label = {n: graph.nodes[n].get("label", n) for n in graph}
    balance = structural_balance(graph)
    total = len(balance.balanced) + len(balance.unbalanced)
    if total:
        lines.append(f"structural balance: {len(balance.balanced)} of {total} signed triangles balanced"
                     f" ({balance.ratio:.0%})")
        for t in balance.unbalanced[:10]:
            lines.append("  unbalanced: " + " / ".join(label[n] for n in t))
        if len(balance.unbalanced) > 10:
            lines.append(f"  ... {len(balance.unbalanced) - 10} more unbalanced triangles (--json lists all)")
    else:
        lines.append("structural balance: no signed triangles")
    camps = [c for c in communities(graph) if len(c) > 1]
    for index, camp in enumerate(camps):
        lines.append(f"camp {index}: " + ", ".join(sorted((label[n] for n in camp), key=str.lower)))
    return "\n".join(lines)


def format_snapshots(snapshots: list[dict[str, Any]]) -> str:
    if not snapshots:
        return "no dated operations for snapshots"
    header = ("window", "operations", "actors", "hostility", "support", "co-agent", "balanced", "unbalanced",
              "most active")
    table = [header] + [
        (s["window"], str(s["events"]), str(s["actors"]), str(s["ties"].get("hostility", 0)),
         str(s["ties"].get("support", 0)), str(s["ties"].get("co-agent", 0)), str(s["balanced_triangles"]),
         str(s["unbalanced_triangles"]), ", ".join(_cut(str(a["label"]), 24) for a in s["most_active"]))
        for s in snapshots
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = []
    for j, row in enumerate(table):
        lines.append("  ".join(c.ljust(w) if i in (0, 8) else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))
                     .rstrip())
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "\u2026"
