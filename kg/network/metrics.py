"""Measures of an actor graph: centrality, camps, structural balance.

Everything here reads the `nx.MultiDiGraph` that `kg.network.graph` builds and works on its
*pair view*: one undirected edge per pair of actors holding the weights of their cooperative
and hostile ties and a sign (cooperation minus hostility; 0 when they weigh the same).

- degree: distinct actors tied to an actor; allies / enemies split it by sign.
- weighted degree: the summed weight of its ties (all relations, both directions).
- betweenness: unweighted, normalised, on the pair view (how often an actor lies on the
  shortest paths between two others: a broker between sides); estimated from a seeded sample
  of sources above EXACT_BETWEENNESS_LIMIT actors (the graph says so in `betweenness_sample`).
- PageRank and eigenvector centrality: on the pair view weighted by total tie weight.
- communities: Louvain (seeded, so reruns agree) on the cooperative pairs only, so a
  community is a camp of allies rather than the parties to one fight.
- structural balance: triangles of signed pairs; balanced when the product of the signs is
  positive (the friend of my friend is my friend, the enemy of my enemy is my friend).
"""
from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

NODE_METRICS: tuple[str, ...] = (
    "degree", "weighted_degree", "allies", "enemies", "betweenness", "pagerank", "eigenvector", "community",
)
RANKINGS: tuple[str, ...] = ("weighted_degree", "degree", "pagerank", "eigenvector", "betweenness")
# Weighted degree ranks by default: it is what analysts can check by hand (reported ties), and
# unlike PageRank it does not lift the hub of a small separate theatre above busier actors.
DEFAULT_RANKING = "weighted_degree"
DEFAULT_SEED = 7
EXACT_BETWEENNESS_LIMIT = 1000
BETWEENNESS_SAMPLE = 500


def pair_view(graph: nx.Graph) -> nx.Graph:
    """One undirected edge per tied pair: `cooperation`, `hostility`, `weight`, `sign`."""
    pairs = nx.Graph()
    pairs.add_nodes_from(graph.nodes(data=True))
    for u, v, data in graph.edges(data=True):
        if u == v:
            continue
        if not pairs.has_edge(u, v):
            pairs.add_edge(u, v, cooperation=0.0, hostility=0.0)
        side = "hostility" if data.get("sign", 1) < 0 else "cooperation"
        pairs[u][v][side] += float(data.get("weight", 1.0))
    for _, _, data in pairs.edges(data=True):
        data["weight"] = data["cooperation"] + data["hostility"]
        diff = data["cooperation"] - data["hostility"]
        data["sign"] = (diff > 0) - (diff < 0)
    return pairs


@dataclass
class Balance:
    """Signed triangles of the pair view (pairs with sign 0 take part in none)."""

    balanced: list[tuple[Hashable, Hashable, Hashable]] = field(default_factory=list)
    unbalanced: list[tuple[Hashable, Hashable, Hashable]] = field(default_factory=list)
    ambivalent_pairs: int = 0

    @property
    def ratio(self) -> float | None:
        """Share of balanced triangles; None when there is no triangle."""
        total = len(self.balanced) + len(self.unbalanced)
        return len(self.balanced) / total if total else None


def structural_balance(graph: nx.Graph) -> Balance:
    pairs = pair_view(graph)
    signed = nx.Graph()
    signed.add_nodes_from(pairs)
    result = Balance()
    for u, v, data in pairs.edges(data=True):
        if data["sign"] == 0:
            result.ambivalent_pairs += 1
        else:
            signed.add_edge(u, v, sign=data["sign"])
    order = {n: i for i, n in enumerate(sorted(signed, key=str))}
    for u, v in signed.edges():
        if order[u] > order[v]:
            u, v = v, u
        for w in nx.common_neighbors(signed, u, v):
            if order[w] <= order[v]:
                continue        # each triangle once: u < v < w
            product = signed[u][v]["sign"] * signed[v][w]["sign"] * signed[u][w]["sign"]
            (result.balanced if product > 0 else result.unbalanced).append((u, v, w))
    result.balanced.sort(key=lambda t: tuple(order[n] for n in t))
    result.unbalanced.sort(key=lambda t: tuple(order[n] for n in t))
    return result


def communities(graph: nx.Graph, seed: int = DEFAULT_SEED) -> list[set[Hashable]]:
    """Camps of allies: Louvain on the cooperative pairs, largest first, every actor in one."""
    pairs = pair_view(graph)
    allies = nx.Graph()
    allies.add_nodes_from(sorted(pairs, key=str))
    allies.add_edges_from((u, v, {"weight": d["cooperation"] - d["hostility"]})
                          for u, v, d in pairs.edges(data=True) if d["sign"] > 0)
    found = nx.community.louvain_communities(allies, weight="weight", seed=seed) if allies.number_of_edges() else \
        [{n} for n in allies]
    return sorted((set(c) for c in found), key=lambda c: (-len(c), min(str(n) for n in c)))


def centralities(graph: nx.Graph) -> dict[str, dict[Hashable, float]]:
    """degree, weighted_degree, allies, enemies, betweenness, pagerank, eigenvector per actor."""
    pairs = pair_view(graph)
    nodes = list(pairs)
    result: dict[str, dict[Hashable, float]] = {
        "degree": {n: pairs.degree(n) for n in nodes},
        "weighted_degree": {n: pairs.degree(n, weight="weight") for n in nodes},
        "allies": {n: sum(1 for m in pairs[n] if pairs[n][m]["cooperation"] > 0) for n in nodes},
        "enemies": {n: sum(1 for m in pairs[n] if pairs[n][m]["hostility"] > 0) for n in nodes},
        "betweenness": _betweenness(pairs),
    }
    if pairs.number_of_edges():
        result["pagerank"] = nx.pagerank(pairs, weight="weight")
        result["eigenvector"] = _eigenvector(pairs)
    else:
        even = 1 / len(nodes) if nodes else 0.0
        result["pagerank"] = {n: even for n in nodes}
        result["eigenvector"] = {n: 0.0 for n in nodes}
    return result


def _betweenness(pairs: nx.Graph) -> dict[Hashable, float]:
    """Exact up to EXACT_BETWEENNESS_LIMIT actors; beyond, estimated from a fixed sample of
    BETWEENNESS_SAMPLE sources (seeded, so reruns agree), since the exact one is O(n m)."""
    if pairs.number_of_nodes() <= EXACT_BETWEENNESS_LIMIT:
        return nx.betweenness_centrality(pairs, normalized=True)
    return nx.betweenness_centrality(pairs, k=BETWEENNESS_SAMPLE, normalized=True, seed=DEFAULT_SEED)


def _eigenvector(pairs: nx.Graph) -> dict[Hashable, float]:
    try:
        return nx.eigenvector_centrality(pairs, weight="weight", max_iter=1000, tol=1e-9)
    except nx.PowerIterationFailedConvergence:
        return nx.eigenvector_centrality_numpy(pairs, weight="weight")


def annotate(graph: nx.Graph, seed: int = DEFAULT_SEED) -> nx.Graph:
    """Store every node metric (and the camp index) as node attributes; returns the graph."""
    for name, values in centralities(graph).items():
        nx.set_node_attributes(graph, values, name)
    for index, camp in enumerate(communities(graph, seed=seed)):
        for node in camp:
            graph.nodes[node]["community"] = index
    if graph.number_of_nodes() > EXACT_BETWEENNESS_LIMIT:
        graph.graph["betweenness_sample"] = BETWEENNESS_SAMPLE
    balance = structural_balance(graph)
    graph.graph["balanced_triangles"] = len(balance.balanced)
    graph.graph["unbalanced_triangles"] = len(balance.unbalanced)
    return graph


def ranked(graph: nx.Graph, by: str = DEFAULT_RANKING) -> list[Hashable]:
    """Actors by a metric, highest first (ties: weighted degree, then label)."""
    if by not in RANKINGS:
        raise ValueError(f"cannot rank by {by!r}; choose one of {', '.join(RANKINGS)}")
    if any(by not in data for _, data in graph.nodes(data=True)):
        annotate(graph)
    return sorted(graph, key=lambda n: (-graph.nodes[n][by], -graph.nodes[n]["weighted_degree"],
                                        str(graph.nodes[n].get("label", n)).lower(), str(n)))


def tie_counts(graph: nx.Graph) -> dict[str, int]:
    """Edges per relation (hostility, support, co-agent)."""
    counts: dict[str, int] = {}
    for _, _, data in graph.edges(data=True):
        kind = data.get("kind", "tie")
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def snapshot_summary(window: str, graph: nx.Graph, top: int = 3) -> dict[str, Any]:
    """What one time window's graph holds, for the `--window` table."""
    balance = structural_balance(graph)
    weighted = centralities(graph)["weighted_degree"]
    leaders = sorted(graph, key=lambda n: (-weighted[n], str(graph.nodes[n].get("label", n)).lower()))[:top]
    return {
        "window": window,
        "events": graph.graph.get("events", 0),
        "actors": graph.number_of_nodes(),
        "ties": tie_counts(graph),
        "balanced_triangles": len(balance.balanced),
        "unbalanced_triangles": len(balance.unbalanced),
        "communities": len([c for c in communities(graph) if len(c) > 1]),
        "most_active": [{"iri": n, "label": graph.nodes[n].get("label", n), "weighted_degree": weighted[n]}
                        for n in leaders],
    }
