"""Flat exports of an actor graph: GraphML (yEd, Cytoscape, igraph) and a CSV edge list.

GraphML has no list or date types: lists are joined with "; " and dates written in ISO
form. Every edge gets a unique id (networkx would reuse the multigraph key, here the
relation, as the id of many edges).
"""
from __future__ import annotations

import csv
from collections.abc import Hashable
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx

LIST_SEPARATOR = "; "
CSV_COLUMNS: tuple[str, ...] = (
    "source", "target", "source_label", "target_label", "kind", "sign", "type", "weight", "events",
    "sources", "articles", "first", "last", "operations", "source_kind", "target_kind",
)


def _flat(value: Any) -> Any:
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return LIST_SEPARATOR.join(str(x) for x in items)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _flat_attributes(data: dict[str, Any]) -> dict[str, Any]:
    return {k: _flat(v) for k, v in data.items() if v is not None and k != "viz"}


def graphml_graph(graph: nx.Graph) -> nx.MultiDiGraph:
    """A copy of `graph` that networkx's GraphML writer accepts."""
    flat = nx.MultiDiGraph() if graph.is_directed() else nx.MultiGraph()
    flat.graph.update({k: _flat(v) for k, v in graph.graph.items()
                       if v is not None and isinstance(_flat(v), (str, int, float, bool))})
    for node, data in graph.nodes(data=True):
        flat.add_node(node, **_flat_attributes(data))
    edges = graph.edges(keys=True, data=True) if graph.is_multigraph() else \
        ((u, v, None, d) for u, v, d in graph.edges(data=True))
    for index, (u, v, _, data) in enumerate(edges):
        flat.add_edge(u, v, key=f"e{index}", **_flat_attributes(data))
    return flat


def write_graphml(graph: nx.Graph, path: str | Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(graphml_graph(graph), path, encoding="utf-8", prettyprint=True)


def edge_rows(graph: nx.Graph) -> list[dict[str, Any]]:
    """One row per edge, the columns of CSV_COLUMNS, strongest ties first."""
    def label(n: Hashable) -> str:
        return str(graph.nodes[n].get("label", n))

    rows = []
    edges = graph.edges(data=True)
    for u, v, data in edges:
        rows.append({
            "source": u, "target": v, "source_label": label(u), "target_label": label(v),
            "kind": data.get("kind", ""), "sign": data.get("sign", ""),
            "type": "directed" if data.get("directed", graph.is_directed()) else "undirected",
            "weight": data.get("weight", 1.0), "events": data.get("events", ""), "sources": data.get("sources", ""),
            "articles": data.get("articles", ""), "first": data.get("first") or "", "last": data.get("last") or "",
            "operations": _flat(data.get("operations", [])),
            "source_kind": graph.nodes[u].get("kind", ""), "target_kind": graph.nodes[v].get("kind", ""),
        })
    rows.sort(key=lambda r: (-float(r["weight"]), r["kind"], r["source_label"].lower(), r["target_label"].lower()))
    return rows


def write_edge_csv(graph: nx.Graph, path: str | Path) -> None:
    """The edge list as CSV; `source`, `target`, `type`, `weight`, `kind` as Gephi's importer names them."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(edge_rows(graph))
