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
from bisect import bisect_left
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad

from kg.rdf import terms as T
from kg.rdf.iris import IriMinter
from kg.resolve.fusion import EventIndex
from kg.store import Store

FUSED_EVENT = T.ckg("fusedEvent")

# operation types (docs/rdf-model.md); the same list as the queries'
OPERATION_TYPES = ("Operation", "Airstrike", "DroneStrike", "Shelling", "GroundOperation", "Raid", "Clash",
                   "Attack", "Ambush", "Bombing", "SuicideBombing", "Kidnapping", "Arrest", "Killing")


def _links_query(article_graphs: str, events: str, part: str = "") -> str:
    """Every owl:sameAs link between two event IRIs stated in an article graph (``part``: a
    filter that keeps one share of them)."""
    return f"""SELECT DISTINCT ?a ?b WHERE {{
  GRAPH ?g {{ ?a <{T.SAME_AS.value}> ?b }}
  FILTER(STRSTARTS(STR(?g), "{article_graphs}") && STRSTARTS(STR(?a), "{events}")
         && STRSTARTS(STR(?b), "{events}") && ?a != ?b){part}
}}"""


def _count_query(article_graphs: str) -> str:
    return f"""SELECT (COUNT(*) AS ?n) WHERE {{
  GRAPH ?g {{ ?a <{T.SAME_AS.value}> ?b }} FILTER(STRSTARTS(STR(?g), "{article_graphs}"))
}}"""


# An answer is held whole as Python objects (~800 bytes a row), so a long read is split into
# shares of about this many rows, by the MD5 of the subject's IRI: a store of 10^5 articles
# holds ~10^5 links, and reading them in one answer made the end of a build its memory peak.
_ROWS_PER_QUERY = 25_000
_HEX = "0123456789abcdef"


def _shares(expected_rows: int, var: str) -> list[str]:
    """FILTERs splitting an answer of about ``expected_rows`` rows into shares of at most
    ~_ROWS_PER_QUERY by the MD5 of ``var`` (one empty filter: a single query)."""
    count = 1
    while count < 256 and expected_rows > count * _ROWS_PER_QUERY:
        count *= 2
    if count == 1:
        return [""]
    digits = 1 if count <= 16 else 2
    prefixes = [a + b for a in _HEX for b in _HEX] if digits == 2 else list(_HEX)
    step = len(prefixes) // count
    return [" FILTER(SUBSTR(MD5(STR(" + var + ")), 1, " + str(digits) + ") IN ("
            + ", ".join(f'"{p}"' for p in prefixes[i:i + step]) + "))"
            for i in range(0, len(prefixes), step)]


def _expected_links(store: Store, article_graphs: str) -> int:
    rows = store.query(_count_query(article_graphs)).rows
    return int(rows[0][0].value) if rows and rows[0][0] is not None else 0


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


class StoredLinks:
    """The links between stored reports, compactly: every report IRI once, in IRI order (so
    comparing two indexes compares their IRIs), and each link as (strength, a, b), a and b
    indexes into ``iris``, the strength `days_strength`'s."""

    def __init__(self, iris: list[str], links: list[tuple[int, int, int]]):
        self.iris = iris
        self.links = links


class _Interned:
    """Report IRIs as numbers, in the order first seen, and the links between them."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.iris: list[str] = []
        self.pairs: set[tuple[int, int]] = set()

    def id(self, iri: str) -> int:
        i = self.ids.get(iri)
        if i is None:
            i = self.ids[iri] = len(self.iris)
            self.iris.append(iri)
        return i

    def link(self, a: str, b: str) -> None:
        self.pairs.add((self.id(a), self.id(b)))

    def in_iri_order(self, day: Callable[[int], int | None], stored: Callable[[int], bool]) -> StoredLinks:
        """The links between stored reports with their strengths, reports renumbered in IRI
        order; ``day`` and ``stored`` are asked with the numbers given so far."""
        self.ids.clear()
        order = sorted(range(len(self.iris)), key=self.iris.__getitem__)
        rank = [0] * len(order)
        for new, old in enumerate(order):
            rank[old] = new
        links = []
        for a, b in self.pairs:
            if stored(a) and stored(b):
                links.append((days_strength(day(a), day(b)), rank[a], rank[b]))
        return StoredLinks([self.iris[old] for old in order], links)


def read_stored_links(store: Store, minter: IriMinter) -> StoredLinks:
    """The links between stored reports as the store's article graphs state them, read a
    share at a time (see _ROWS_PER_QUERY)."""
    article_graphs, events = minter.base + "graph/article/", minter.prefix("event")
    seen = _Interned()
    for part in _shares(_expected_links(store, article_graphs), "?a"):
        for a, b in store.query(_links_query(article_graphs, events, part)).rows:
            seen.link(a.value, b.value)
    # each end's date, and whether it is a stored report at all (its article may have left)
    dates: dict[int, int | None] = {}
    for i in range(0, len(seen.iris), _REPORTS_PER_QUERY):
        for e, d in store.query(_reports_query(seen.iris[i:i + _REPORTS_PER_QUERY])).rows:
            dates[seen.ids[e.value]] = _day(d.value if d is not None else None)
    return seen.in_iri_order(dates.get, dates.__contains__)


def read_index_links(index: EventIndex, minter: IriMinter) -> StoredLinks:
    """The same links as `read_stored_links`, from the fusion index, which holds every stored
    report with the links its article states: reading them from the store at the end of a
    build decoded ~10^5 IRIs, the build's memory peak."""
    events = minter.prefix("event")
    seen = _Interned()
    dates: dict[int, int | None] = {}
    for a, b, day_a, day_b in index.link_rows():
        seen.link(events + a, events + b)
        dates[seen.ids[events + a]] = day_a
        dates[seen.ids[events + b]] = day_b
    return seen.in_iri_order(dates.get, lambda _i: True)        # the rows join stored reports only


_REPORTS_PER_QUERY = 400


def _day(value: str | None) -> int | None:
    """The day ordinal of a date given to the day ("2016-07-17"), None for a vaguer one."""
    if value is None or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10]).toordinal()
    except ValueError:
        return None


def link_strength(date_a: str | None, date_b: str | None) -> int:
    """Sort key of a link between reports of these dates (see days_strength)."""
    return days_strength(_day(date_a), _day(date_b))


_VAGUE = 1 << 32        # beyond any number of days apart


def days_strength(day_a: int | None, day_b: int | None) -> int:
    """Sort key of a link between reports of these day ordinals (None: a vaguer date),
    strongest first: two days before anything vaguer, then the fewest days apart."""
    if day_a is None or day_b is None:
        return _VAGUE
    return abs(day_a - day_b)


def cluster_heads(links: Iterable[tuple[Hashable, Hashable, Any]]) -> dict:
    """Report -> its group's smallest IRI, for reports in a group of two or more.

    ``links`` are (report, report, strength key); groups are merged by complete linkage,
    strongest link first: two groups join only when every pair across them is linked."""
    return _complete_linkage((key, min(a, b), max(a, b)) for a, b, key in links if a != b)


def _complete_linkage(links: Iterable[tuple[Any, Any, Any]]) -> dict:
    """`cluster_heads` of links given as (strength key, smaller report, larger report)."""
    ordered = sorted(set(links))
    pairs = {(a, b) for _key, a, b in ordered}
    group: dict = {}
    for _key, a, b in ordered:
        ga, gb = group.get(a, (a,)), group.get(b, (b,))
        if ga is gb or a in gb:
            continue
        if all(((x, y) if x < y else (y, x)) in pairs for x in ga for y in gb):
            merged = frozenset(ga) | frozenset(gb)
            for x in merged:
                group[x] = merged
    return {x: min(g) for x, g in group.items()}


def fusion_quads(heads: dict[str, str], graph: NamedNode) -> list[Quad]:
    return [Quad(NamedNode(report), FUSED_EVENT, NamedNode(head), graph) for report, head in sorted(heads.items())]


def _stored_heads(store: Store, graph: NamedNode) -> Iterator[tuple[str, str]]:
    """The fusion graph's (report, head) pairs, read a share at a time."""
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?r {FUSED_EVENT} ?h }} }}",
                       union_default_graph=False).rows
    expected = int(rows[0][0].value) if rows and rows[0][0] is not None else 0
    for part in _shares(expected, "?r"):
        for r, h in store.query(f"SELECT ?r ?h WHERE {{ GRAPH {graph} {{ ?r {FUSED_EVENT} ?h }}{part} }}",
                                union_default_graph=False).rows:
            yield r.value, h.value


def _digest(pairs: Iterable[tuple[str, str]]) -> str:
    """The digest of the fusion graph's content, (report, head) pairs in report order."""
    digest = hashlib.sha256()
    for n, (r, h) in enumerate(pairs):
        digest.update(f"{chr(10) if n else ''}{r} {h}".encode())
    return digest.hexdigest()


def _position(iris: list[str], iri: str) -> int | None:
    i = bisect_left(iris, iri)
    return i if i < len(iris) and iris[i] == iri else None


def refresh_fused_events(store: Store, minter: IriMinter, run: NamedNode | None = None,
                         index: EventIndex | None = None) -> int:
    """Recompute the fusion graph from the stored owl:sameAs links; the number of reports
    that belong to a fused event.

    Only the difference from the stored graph is written, in batches (a store of 10^5
    articles holds ~10^5 such triples: one update rewriting them all took as much memory as
    the rest of the build), and the graph's description, with the digest of its content, goes
    last: a build stopped half-way leaves a digest that does not match, and the next build
    writes the difference again. Nothing is written when nothing changed. Reports are
    handled as indexes into one sorted list of their IRIs, and the stored links and fusion
    graph are read a share at a time: this is the last step of a build, and holding every
    link as Python strings made it the build's memory peak. A build passes its fusion
    ``index``, which holds the same links as the store, and the store is not read for them."""
    graph = minter.fusion_graph()
    read = read_index_links(index, minter) if index is not None else read_stored_links(store, minter)
    iris = read.iris
    heads = _complete_linkage((strength, min(a, b), max(a, b)) for strength, a, b in read.links)
    del read
    digest = _digest((iris[r], iris[h]) for r, h in sorted(heads.items()))
    if store.article_hash(graph) == digest:
        return len(heads)
    stale: list[tuple[str, str]] = []
    stored: dict[int, int] = {}
    for r, h in _stored_heads(store, graph):
        i, j = _position(iris, r), _position(iris, h)
        if i is None or j is None or heads.get(i) != j:
            stale.append((r, h))
        else:
            stored[i] = j
    stale.sort()
    new = [(iris[r], iris[h]) for r, h in sorted(heads.items()) if stored.get(r) != h]
    del stored
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
