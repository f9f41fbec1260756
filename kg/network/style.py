"""The visual encoding shared by Gephi exports and pictures: colour by actor kind, colour by
tie sign, size by centrality.

Node colours avoid red and green, which belong to the ties (red: hostility, green:
cooperation), and stay distinguishable for the common colour-vision deficiencies where
the number of kinds allows (Okabe–Ito and Tableau hues).
"""
from __future__ import annotations

import math
from collections.abc import Hashable, Mapping

import networkx as nx

KIND_COLOURS: dict[str, str] = {
    "StateForce": "#0072B2",          # blue
    "RegionalForce": "#56B4E9",       # sky blue
    "ParamilitaryForce": "#CC79A7",   # reddish purple
    "NonStateArmedGroup": "#E69F00",  # orange
    "Coalition": "#332288",           # indigo
    "ArmedForce": "#6A7FDB",
    "Organization": "#A6761D",        # ochre
    "Person": "#F0E442",              # yellow
    "CivilianGroup": "#999999",       # grey
    "UnidentifiedActor": "#D9D9D9",   # light grey
    "Actor": "#BBBBBB",
}
KIND_NAMES: dict[str, str] = {
    "StateForce": "state force", "RegionalForce": "regional force", "ParamilitaryForce": "paramilitary force",
    "NonStateArmedGroup": "non-state armed group", "Coalition": "coalition", "ArmedForce": "armed force",
    "Organization": "organisation", "Person": "person", "CivilianGroup": "civilians",
    "UnidentifiedActor": "unidentified", "Actor": "other actor",
}
RELATION_COLOURS: dict[str, str] = {
    "hostility": "#D62728",   # red
    "support": "#2CA02C",     # green
    "co-agent": "#2CA02C",
}
RELATION_SHAPES: dict[str, str] = {"hostility": "solid", "support": "dashed", "co-agent": "solid"}
RELATION_NAMES: dict[str, str] = {
    "hostility": "hostility (agent \u2192 target)",
    "support": "support (supporter \u2192 agent)",
    "co-agent": "co-agents (act together)",
}

MIN_SIZE, MAX_SIZE = 6.0, 30.0


def kind_colour(kind: str | None) -> str:
    return KIND_COLOURS.get(kind or "Actor", KIND_COLOURS["Actor"])


def rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def node_sizes(graph: nx.Graph, by: str = "weighted_degree") -> dict[Hashable, float]:
    """MIN_SIZE..MAX_SIZE by the square root of a metric (area grows with it), from node data."""
    values = {n: float(d.get(by) or 0.0) for n, d in graph.nodes(data=True)}
    top = max(values.values(), default=0.0)
    if top <= 0:
        return {n: MIN_SIZE for n in values}
    return {n: MIN_SIZE + (MAX_SIZE - MIN_SIZE) * math.sqrt(v / top) for n, v in values.items()}


def edge_thickness(weight: float) -> float:
    """1 for a single report, growing slowly with more."""
    return 1.0 + math.log2(max(weight, 1.0))


def apply_viz(graph: nx.Graph, positions: Mapping[Hashable, tuple[float, float]] | None = None,
              size_by: str = "weighted_degree") -> nx.Graph:
    """Set each node's and edge's `viz` attribute (colour, size, position, thickness, shape)."""
    sizes = node_sizes(graph, size_by)
    for node, data in graph.nodes(data=True):
        r, g, b = rgb(kind_colour(data.get("kind")))
        viz: dict = {"color": {"r": r, "g": g, "b": b, "a": 1.0}, "size": round(sizes[node], 3)}
        if positions is not None and node in positions:
            x, y = positions[node]
            viz["position"] = {"x": round(float(x), 3), "y": round(float(y), 3), "z": 0.0}
        data["viz"] = viz
    for *_, data in graph.edges(data=True):
        relation = data.get("kind", "co-agent")
        r, g, b = rgb(RELATION_COLOURS.get(relation, "#777777"))
        data["viz"] = {"color": {"r": r, "g": g, "b": b, "a": 0.8},
                       "thickness": round(edge_thickness(float(data.get("weight", 1.0))), 3),
                       "shape": RELATION_SHAPES.get(relation, "solid")}
    return graph
