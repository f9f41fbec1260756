"""Fused events as the store holds them: every report of one event points to one IRI.

Fusion (`kg.resolve.fusion`) links each new report, with owl:sameAs in its own article's
graph, to the earlier reports it matches. Matching is not transitive: a report dated "in July"
matches a report of every day in July at its town, and a strike on the 21st matches strikes
on the 20th and the 22nd, which are too far apart to match each other. Reading "a report and
its direct links" as one event then gives a chain two heads, and closing the links
transitively is worse: on real news (FA-KES) a few month- and year-dated reports chained 158
reports of a year's fighting in Aleppo into one "event".

So after every build (and every removal) the reports are grouped by complete linkage: two
groups join only when every report of one is linked to every report of the other, so each
group is one event by every pair's own evidence. Links are taken strongest first (two
reports dated to the day before a vaguer date, then the fewest days apart, then by IRI), so
a report matching two groups joins the better one, and the grouping is the same whatever the
order the articles came in. Each report of a group of two or more gets ``ckg:fusedEvent``, the
group's smallest IRI (as a string), in one derived graph, ``<base>graph/fusion``. A report
alone has no such triple: queries read ``COALESCE(fused, report)``.

The graph is derived data: the article graphs keep who said which reports are one event, and
this graph is recomputed from them whole, so removing an article takes its reports out of
their groups. Links to a report whose article left the store are ignored (it is no longer a
report), and the graph is not rewritten when nothing changed (an unchanged rebuild changes
nothing).
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date

from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad

from kg.rdf import terms as T
from kg.rdf.iris import IriMinter
from kg.store import Store

FUSED_EVENT = T.ckg("fusedEvent")

# operation types (docs/rdf-model.md); the same list as the queries'
OPERATION_TYPES = ("Operation", "Airstrike", "DroneStrike", "Shelling", "GroundOperation", "Raid", "Clash",
                   "Attack", "Ambush", "Bombing", "SuicideBombing", "Kidnapping", "Arrest", "Killing")


def _links_query(article_graphs: str) -> str:
    """Each link between two stored reports, with the earliest date each report is given."""
    types = " ".join(f"<{T.CKG}{t}>" for t in OPERATION_TYPES)
    date = T.ckg("date").value
    return f"""SELECT ?a ?b (MIN(STR(?da)) AS ?dateA) (MIN(STR(?db)) AS ?dateB) WHERE {{
  GRAPH ?g {{ ?a <{T.SAME_AS.value}> ?b }}
  FILTER(STRSTARTS(STR(?g), "{article_graphs}"))
  GRAPH ?ga {{ VALUES ?ta {{ {types} }} ?a a ?ta }}
  GRAPH ?gb {{ VALUES ?tb {{ {types} }} ?b a ?tb }}
  FILTER(?a != ?b)
  OPTIONAL {{ ?a <{date}> ?da }}
  OPTIONAL {{ ?b <{date}> ?db }}
}} GROUP BY ?a ?b"""


def _day(value: str | None) -> int | None:
    """The day ordinal of a date given to the day ("2016-07-17"), None for a vaguer one."""
    if value is None or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10]).toordinal()
    except ValueError:
        return None


def link_strength(date_a: str | None, date_b: str | None) -> tuple[int, int]:
    """Sort key of a link, strongest first: two days before anything vaguer, then the fewest
    days apart."""
    da, db = _day(date_a), _day(date_b)
    if da is None or db is None:
        return (1, 0)
    return (0, abs(da - db))


def cluster_heads(links: Iterable[tuple[str, str, tuple]]) -> dict[str, str]:
    """Report -> its group's smallest IRI, for reports in a group of two or more.

    ``links`` are (report, report, strength key); groups are merged by complete linkage,
    strongest link first: two groups join only when every pair across them is linked."""
    pairs: set[frozenset[str]] = set()
    ordered = []
    for a, b, key in links:
        pair = frozenset((a, b))
        if len(pair) == 2 and pair not in pairs:
            pairs.add(pair)
            ordered.append((key, min(a, b), max(a, b)))
    group: dict[str, frozenset[str]] = {}
    for _key, a, b in sorted(ordered):
        ga, gb = group.get(a, frozenset((a,))), group.get(b, frozenset((b,)))
        if ga is gb or a in gb:
            continue
        if all(frozenset((x, y)) in pairs for x in ga for y in gb):
            merged = ga | gb
            for x in merged:
                group[x] = merged
    return {x: min(g) for x, g in group.items()}


def fusion_quads(heads: dict[str, str], graph: NamedNode) -> list[Quad]:
    return [Quad(NamedNode(report), FUSED_EVENT, NamedNode(head), graph) for report, head in sorted(heads.items())]


def refresh_fused_events(store: Store, minter: IriMinter, run: NamedNode | None = None) -> int:
    """Recompute the fusion graph from the stored owl:sameAs links; the number of reports
    that belong to a fused event. The graph is rewritten only when its content changed."""
    graph = minter.fusion_graph()
    rows = store.query(_links_query(minter.base + "graph/article/")).rows
    heads = cluster_heads((a.value, b.value, link_strength(da and da.value, db and db.value))
                          for a, b, da, db in rows)
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
