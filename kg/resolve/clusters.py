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
from collections.abc import Iterable, Sequence
from datetime import date

from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad

from kg.rdf import terms as T
from kg.rdf.iris import IriMinter
from kg.store import Store

FUSED_EVENT = T.ckg("fusedEvent")

# operation types (docs/rdf-model.md); the same list as the queries'
OPERATION_TYPES = ("Operation", "Airstrike", "DroneStrike", "Shelling", "GroundOperation", "Raid", "Clash",
                   "Attack", "Ambush", "Bombing", "SuicideBombing", "Kidnapping", "Arrest", "Killing")


def _links_query(article_graphs: str, events: str) -> str:
    """Every owl:sameAs link between two event IRIs stated in an article graph."""
    return f"""SELECT DISTINCT ?a ?b WHERE {{
  GRAPH ?g {{ ?a <{T.SAME_AS.value}> ?b }}
  FILTER(STRSTARTS(STR(?g), "{article_graphs}") && STRSTARTS(STR(?a), "{events}")
         && STRSTARTS(STR(?b), "{events}") && ?a != ?b)
}}"""


def _reports_query(iris: Sequence[str]) -> str:
    """Which of these IRIs are stored reports (typed as operations in some graph), each with
    the earliest date it is given. Asked for a few hundred IRIs at a time: joining every link
    with every typed event in one query made Oxigraph hold all the events at once (~5 KB an
    article)."""
    types = ", ".join(f"<{T.CKG}{t}>" for t in OPERATION_TYPES)
    values = " ".join(f"<{iri}>" for iri in iris)
    # the type tested with IN, not joined with a VALUES list of types: the join made Oxigraph
    # scan every typed event for each batch
    return f"""SELECT ?e (MIN(STR(?d)) AS ?date) WHERE {{
  VALUES ?e {{ {values} }}
  ?e a ?t .
  FILTER(?t IN ({types}))
  OPTIONAL {{ ?e <{T.ckg("date").value}> ?d }}
}} GROUP BY ?e"""


def stored_links(store: Store, minter: IriMinter) -> list[tuple[str, str, tuple[int, int]]]:
    """The links between stored reports, each with its strength (see link_strength)."""
    rows = store.query(_links_query(minter.base + "graph/article/", minter.prefix("event"))).rows
    links = [(a.value, b.value) for a, b in rows]
    del rows
    dates: dict[str, str | None] = {}
    ends = sorted({x for link in links for x in link})
    for i in range(0, len(ends), _REPORTS_PER_QUERY):
        for e, d in store.query(_reports_query(ends[i:i + _REPORTS_PER_QUERY])).rows:
            dates[e.value] = d.value if d is not None else None
    return [(a, b, link_strength(dates[a], dates[b])) for a, b in links if a in dates and b in dates]


_REPORTS_PER_QUERY = 400


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


def _stored_heads(store: Store, graph: NamedNode) -> dict[str, str]:
    rows = store.query(f"SELECT ?r ?h WHERE {{ GRAPH {graph} {{ ?r {FUSED_EVENT} ?h }} }}",
                       union_default_graph=False).rows
    return {r.value: h.value for r, h in rows}


def _digest(heads: dict[str, str]) -> str:
    return hashlib.sha256("\n".join(f"{r} {h}" for r, h in sorted(heads.items())).encode()).hexdigest()


def refresh_fused_events(store: Store, minter: IriMinter, run: NamedNode | None = None) -> int:
    """Recompute the fusion graph from the stored owl:sameAs links; the number of reports
    that belong to a fused event.

    Only the difference from the stored graph is written, in batches (a store of 10^5
    articles holds ~10^5 such triples: one update rewriting them all took as much memory as
    the rest of the build), and the graph's description, with the digest of its content, goes
    last: a build stopped half-way leaves a digest that does not match, and the next build
    writes the difference again. Nothing is written when nothing changed."""
    graph = minter.fusion_graph()
    heads = cluster_heads(stored_links(store, minter))
    digest = _digest(heads)
    if store.article_hash(graph) == digest:
        return len(heads)
    stored = _stored_heads(store, graph)
    stale = sorted((r, h) for r, h in stored.items() if heads.get(r) != h)
    new = sorted((r, h) for r, h in heads.items() if stored.get(r) != h)
    for i in range(0, len(stale), _BATCH):
        store.remove(fusion_quads(dict(stale[i:i + _BATCH]), graph))
    for i in range(0, len(new), _BATCH):
        store.add(fusion_quads(dict(new[i:i + _BATCH]), graph))
    d = DefaultGraph()
    old = store.query(f"SELECT ?p ?o WHERE {{ {graph} ?p ?o }}", union_default_graph=False).rows
    store.remove(Quad(graph, p, o, d) for p, o in old)
    description = [Quad(graph, T.ckg("contentHash"), Literal(digest), d),
                   Quad(graph, T.LABEL, Literal("fused events: each report of an event reported more than once, "
                                                "and the IRI that stands for the event"), d)]
    if run is not None:
        description.append(Quad(graph, T.PROV_GENERATED_BY, run, d))
    store.add(description)
    return len(heads)


_BATCH = 20_000
