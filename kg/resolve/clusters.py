"""Fused events as the store holds them: every report of one event points to one IRI.

Fusion (`kg.resolve.fusion`) links each new report, with owl:sameAs in its own article's
graph, to the earlier reports it matches. Matching is not transitive (a report dated the 21st
matches one of the 20th and one of the 22nd, which do not match each other), so one event's
reports may form a chain rather than a clique, and a report may bridge two groups that were
apart until it came. Counting "the smallest IRI among a report and its direct links" then
gives a chain two heads.

So after every build (and every removal) the connected components of the owl:sameAs links
between stored reports are materialised in one derived graph, ``<base>graph/fusion``: each
report of a component of two or more reports gets ``ckg:fusedEvent`` the component's
smallest IRI (as a string; deterministic, and the same rule the links alone give for a
clique). A report alone has no such triple: queries read ``COALESCE(fused, report)``.

The graph is derived data: the article graphs keep who said which reports are one event, and
this graph is recomputed from them whole, so removing the article that bridged two groups
splits them again. Links to a report whose article left the store are ignored (it is no
longer a report), as is the graph's rewriting when nothing changed (an unchanged rebuild
changes nothing).
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable

from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad

from kg.rdf import terms as T
from kg.rdf.iris import IriMinter
from kg.store import Store

FUSED_EVENT = T.ckg("fusedEvent")

# operation types (docs/rdf-model.md); the same list as the queries'
OPERATION_TYPES = ("Operation", "Airstrike", "DroneStrike", "Shelling", "GroundOperation", "Raid", "Clash",
                   "Attack", "Ambush", "Bombing", "SuicideBombing", "Kidnapping", "Arrest", "Killing")


def _links_query(article_graphs: str) -> str:
    types = " ".join(f"<{T.CKG}{t}>" for t in OPERATION_TYPES)
    return f"""SELECT DISTINCT ?a ?b WHERE {{
  GRAPH ?g {{ ?a <{T.SAME_AS.value}> ?b }}
  FILTER(STRSTARTS(STR(?g), "{article_graphs}"))
  GRAPH ?ga {{ VALUES ?ta {{ {types} }} ?a a ?ta }}
  GRAPH ?gb {{ VALUES ?tb {{ {types} }} ?b a ?tb }}
  FILTER(?a != ?b)
}}"""


def components(links: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Report -> the smallest IRI of its connected component, for reports with a link."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]          # path halving
            x = parent[x]
        return x

    for a, b in links:
        ra, rb = root(a), root(b)
        if ra != rb:
            # the smaller IRI stays the root, so every root is its component's minimum
            if rb < ra:
                ra, rb = rb, ra
            parent[rb] = ra
    return {x: root(x) for x in parent}


def fusion_quads(heads: dict[str, str], graph: NamedNode) -> list[Quad]:
    return [Quad(NamedNode(report), FUSED_EVENT, NamedNode(head), graph) for report, head in sorted(heads.items())]


def refresh_fused_events(store: Store, minter: IriMinter, run: NamedNode | None = None) -> int:
    """Recompute the fusion graph from the stored owl:sameAs links; the number of reports
    that belong to a fused event. The graph is rewritten only when its content changed."""
    graph = minter.fusion_graph()
    rows = store.query(_links_query(minter.base + "graph/article/")).rows
    heads = components((a.value, b.value) for a, b in rows)
    quads = fusion_quads(heads, graph)
    digest = hashlib.sha256("\n".join(f"{q.subject.value} {q.object.value}" for q in quads).encode()).hexdigest()
    if store.article_hash(graph) == digest:
        return len(heads)
    d = DefaultGraph()
    quads += [Quad(graph, T.ckg("contentHash"), Literal(digest), d),
              Quad(graph, T.LABEL, Literal("fused events: each report of an event reported more than once, "
                                                "and the IRI that stands for the event"), d)]
    if run is not None:
        quads.append(Quad(graph, T.PROV_GENERATED_BY, run, d))
    store.replace_article(graph, graph, quads)
    return len(heads)
