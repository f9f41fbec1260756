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
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from itertools import islice
from typing import Any

import numpy as np
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


class Reports:
    """Reports as numbers: each report's IRI, less the events prefix all of them share, once,
    as UTF-8 in one sorted numpy array, and a report is its index in it. UTF-8 bytes sort as
    the IRIs do, so comparing two indexes compares the IRIs. At the end of a build ~10^5
    reports are in a link: as Python strings (with the dict that numbered them) they made
    this last step the build's memory peak, so an IRI is made only when it is written or
    digested."""

    def __init__(self, prefix: str, names: np.ndarray):
        self.prefix = prefix
        self.names = names

    def __len__(self) -> int:
        return len(self.names)

    def iri(self, report: int) -> str:
        return self.prefix + self.names[report].decode()

    def position(self, iri: str) -> int | None:
        """The report with this IRI; None when it is in no link."""
        if not iri.startswith(self.prefix):
            return None
        name = iri[len(self.prefix):].encode()
        i = int(np.searchsorted(self.names, name))
        return i if i < len(self.names) and self.names[i] == name else None


class StoredLinks:
    """The links between stored reports, each once, as three arrays: the strength
    (`days_strength`'s), and the two reports, ``a`` < ``b``, indexes into ``reports``; in the
    order complete linkage takes them, strongest first, ties by (a, b), that is by IRI."""

    def __init__(self, reports: Reports, strength: np.ndarray, a: np.ndarray, b: np.ndarray):
        self.reports = reports
        self.strength, self.a, self.b = strength, a, b


def _in_linkage_order(strength: np.ndarray, a: np.ndarray,
                      b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct links (strength, smaller report, larger report) but those of a report to
    itself, in the order `_complete_linkage` takes them: strongest first, ties by the two
    reports."""
    a, b = np.minimum(a, b), np.maximum(a, b)
    other = a != b
    strength, a, b = strength[other], a[other], b[other]
    order = np.lexsort((b, a, strength))
    strength, a, b = strength[order], a[order], b[order]
    distinct = np.ones(len(order), dtype=bool)
    distinct[1:] = (strength[1:] != strength[:-1]) | (a[1:] != a[:-1]) | (b[1:] != b[:-1])
    return strength[distinct], a[distinct], b[distinct]


def _links_of_rows(prefix: str, rows: Iterable[tuple[str, str, int | None, int | None]]) -> StoredLinks:
    """The links of rows (report, report, each one's day ordinal or None), reports named by
    their IRIs less ``prefix``. The names are held as UTF-8 arrays, a chunk of rows at a
    time, numbered once all are read: by their place in the sorted distinct names."""
    # each list starts with an empty chunk, so that no rows at all make empty arrays
    firsts, seconds = [np.array([], dtype=bytes)], [np.array([], dtype=bytes)]
    strengths = [np.array([], dtype=np.int64)]
    remaining = iter(rows)
    while chunk := list(islice(remaining, _ROWS_PER_CHUNK)):
        firsts.append(np.array([a.encode() for a, _b, _day_a, _day_b in chunk], dtype=bytes))
        seconds.append(np.array([b.encode() for _a, b, _day_a, _day_b in chunk], dtype=bytes))
        strengths.append(np.fromiter((days_strength(day_a, day_b) for _a, _b, day_a, day_b in chunk),
                                     dtype=np.int64, count=len(chunk)))
    every = np.concatenate(firsts + seconds)
    every.sort()
    distinct = np.ones(len(every), dtype=bool)
    distinct[1:] = every[1:] != every[:-1]
    names = every[distinct]
    del every, distinct
    a = np.concatenate([np.searchsorted(names, part) for part in firsts])
    del firsts
    b = np.concatenate([np.searchsorted(names, part) for part in seconds])
    del seconds
    return StoredLinks(Reports(prefix, names), *_in_linkage_order(np.concatenate(strengths), a, b))


_ROWS_PER_CHUNK = 5_000


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
    cut = len(events)       # the query keeps links between event IRIs only
    return _links_of_rows(events, ((seen.iris[a][cut:], seen.iris[b][cut:], dates[a], dates[b])
                                   for a, b in seen.pairs if a in dates and b in dates))


def read_index_links(index: EventIndex, minter: IriMinter) -> StoredLinks:
    """The same links as `read_stored_links`, from the fusion index, which holds every stored
    report with the links its article states, named as the event IRIs less their prefix
    (reading them from the store at the end of a build decoded ~10^5 IRIs)."""
    return _links_of_rows(minter.prefix("event"), index.link_rows())   # the rows join stored reports only


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


def cluster_heads(links: Iterable[tuple[Any, Any, Any]]) -> dict:
    """Report -> its group's smallest report, for reports in a group of two or more.

    ``links`` are (report, report, strength key), reports and keys sortable; groups are
    merged by complete linkage, strongest link first (the smallest key), ties by the two
    reports: two groups join only when every pair across them is linked."""
    links = list(links)
    reports = sorted({r for a, b, _key in links for r in (a, b)})
    number = {r: i for i, r in enumerate(reports)}
    rank = {key: i for i, key in enumerate(sorted({key for _a, _b, key in links}))}
    _strength, a, b = _in_linkage_order(np.array([rank[key] for _a, _b, key in links], dtype=np.int64),
                                        np.array([number[a] for a, _b, _key in links], dtype=np.int64),
                                        np.array([number[b] for _a, b, _key in links], dtype=np.int64))
    return {reports[r]: reports[h] for r, h in _grouped(_complete_linkage(len(reports), a, b))}


def _complete_linkage(reports: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Each report's group's smallest report (-1 for a report in no group of two or more),
    grouping ``reports`` reports by complete linkage over the links (a[i], b[i]), a[i] < b[i],
    taken in the order given: two groups join only when every pair across them is linked.

    Everything is held in flat int64 arrays (~30 bytes a report or link, a tenth of tuples,
    sets and frozensets): a link as the number a * reports + b, in one sorted array; each
    group as a ring of its reports, each report pointing to the next."""
    linked = array("q", np.unique(a * reports + b).astype(np.int64, copy=False).tobytes())

    def is_linked(x: int, y: int) -> bool:
        key = x * reports + y if x < y else y * reports + x
        i = bisect_left(linked, key)
        return i < len(linked) and linked[i] == key

    head = array("q", range(reports))       # a report's group, named by its smallest report
    ring = array("q", range(reports))       # the next report of the same group
    size = array("q", [1]) * reports        # a group's size, at its head

    def members(group: int) -> Iterator[int]:
        report = group
        while True:
            yield report
            report = ring[report]
            if report == group:
                return

    for start in range(0, len(a), _BATCH):
        for x, y in zip(a[start:start + _BATCH].tolist(), b[start:start + _BATCH].tolist()):
            gx, gy = head[x], head[y]
            if gx == gy:
                continue
            # two reports alone are linked by this very link
            if ((size[gx] > 1 or size[gy] > 1)
                    and not all(is_linked(u, v) for u in members(gx) for v in members(gy))):
                continue
            kept, gone = min(gx, gy), max(gx, gy)
            for u in members(gone):
                head[u] = kept
            ring[kept], ring[gone] = ring[gone], ring[kept]      # one ring of the two
            size[kept] += size[gone]
    heads = np.frombuffer(head, dtype=np.int64)
    return np.where(np.frombuffer(size, dtype=np.int64)[heads] > 1, heads, -1)


def _grouped(heads: np.ndarray) -> Iterator[tuple[int, int]]:
    """(report, head) of each report in a group of two or more, in report order."""
    for start in range(0, len(heads), _BATCH):
        for report, head in enumerate(heads[start:start + _BATCH].tolist(), start):
            if head >= 0:
                yield report, head


def fusion_quads(pairs: Iterable[tuple[str, str]], graph: NamedNode) -> list[Quad]:
    """The fusion graph's triples of these (report IRI, head IRI) pairs."""
    return [Quad(NamedNode(report), FUSED_EVENT, NamedNode(head), graph) for report, head in pairs]


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


def refresh_fused_events(store: Store, minter: IriMinter, run: NamedNode | None = None,
                         index: EventIndex | None = None) -> int:
    """Recompute the fusion graph from the stored owl:sameAs links; the number of reports
    that belong to a fused event.

    Only the difference from the stored graph is written, in batches (a store of 10^5
    articles holds ~10^5 such triples: one update rewriting them all took as much memory as
    the rest of the build), and the graph's description, with the digest of its content, goes
    last: a build stopped half-way leaves a digest that does not match, and the next build
    writes the difference again. Nothing is written when nothing changed. This is the last
    step of a build, and holding every link and report as Python objects made it the build's
    memory peak: reports are numbers (see `Reports`), the links and groups flat arrays, IRIs
    are made a batch at a time as the digest and the writes need them, and the stored links
    and fusion graph are read a share at a time. A build passes its fusion ``index``, which
    holds the same links as the store, and the store is not read for them; it also holds the
    fusion graph as last written, which stands for the stored one when their digests agree
    (reading the stored graph took a third of adding 1,000 articles to a store of 10^5)."""
    graph = minter.fusion_graph()
    read = read_index_links(index, minter) if index is not None else read_stored_links(store, minter)
    reports = read.reports
    heads = _complete_linkage(len(reports), read.a, read.b)
    del read
    grouped = int(np.count_nonzero(heads >= 0))
    digest = _digest((reports.iri(r), reports.iri(h)) for r, h in _grouped(heads))
    stored_digest = store.article_hash(graph)
    if stored_digest == digest:
        return grouped
    known = index.heads_for(stored_digest) if index is not None else None
    stale: list[tuple[str, str]] = []
    standing = np.zeros(len(reports), dtype=bool)       # the reports whose stored head is right
    for r, h in known if known is not None else _stored_heads(store, graph):
        i, j = reports.position(r), reports.position(h)
        if i is None or j is None or heads[i] != j:
            stale.append((r, h))
        else:
            standing[i] = True
    if index is not None:
        index.forget_heads()
        if known is None:       # its table is made anew: the stored heads that stay, then the new
            index.clear_heads()
            kept = ((reports.iri(r), reports.iri(h)) for r, h in _grouped(heads) if standing[r])
            while batch := list(islice(kept, _BATCH)):
                index.write_heads([], batch)
    for i in range(0, len(stale), _BATCH):
        store.remove(fusion_quads(stale[i:i + _BATCH], graph))
        if index is not None:
            index.write_heads(stale[i:i + _BATCH], [])
    del stale
    new = ((reports.iri(r), reports.iri(h)) for r, h in _grouped(heads) if not standing[r])
    while batch := list(islice(new, _BATCH)):
        store.add(fusion_quads(batch, graph))
        if index is not None:
            index.write_heads([], batch)
    d = DefaultGraph()
    old = store.query(f"SELECT ?p ?o WHERE {{ {graph} ?p ?o }}", union_default_graph=False).rows
    store.remove(Quad(graph, p, o, d) for p, o in old)
    description = [Quad(graph, T.ckg("contentHash"), Literal(digest), d),
                   Quad(graph, T.LABEL, Literal("fused events: each report of an event reported more than once, "
                                                "and the IRI that stands for the event"), d)]
    if run is not None:
        description.append(Quad(graph, T.PROV_GENERATED_BY, run, d))
    store.add(description)
    if index is not None:
        index.heads_written(digest)
    return grouped


_BATCH = 20_000
