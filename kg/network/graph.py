"""The actor graph: operations read from the store through SPARQL, folded into networkx.

Nodes are actors (IRI as node id; label, kind, Wikidata id, activity counts). Edges are ties
of one of three relations, keyed by relation in an `nx.MultiDiGraph`:

========== ======================= ====== ==================================================
relation   from -> to              sign   from one operation
========== ======================= ====== ==================================================
hostility  agent -> target          -1    every agent against every target
support    supporter -> agent       +1    every supporter behind every agent
co-agent   agent -- agent           +1    every pair of agents (undirected: `directed` is
                                          False, stored once, lower IRI first)
========== ======================= ====== ==================================================

Every edge carries `events` (distinct operations), `sources` (distinct news outlets reporting
them: articles of one outlet are not independent of each other), `articles`, and `weight`,
the number of (operation, independent outlet) pairs, so an operation confirmed by three
outlets weighs three and one nobody attributes weighs one. `first` / `last` are the dates of
the earliest and latest operation in their own precision, `start` / `end` the days they cover.

An operation is counted once however many articles report it: under one IRI described by
several article graphs, or under per-article IRIs linked by owl:sameAs (cross-article fusion).

Reading (`read_events`, SPARQL only) and folding (`fold`, plain Python) are separate so the
folding can be tested with plain values and so per-window snapshots reuse one read.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pyoxigraph as ox

from kg.model import ACTOR_KINDS
from kg.network.periods import Period, Window, time_range, try_period, window_of
from kg.rdf import terms as T

RELATIONS: tuple[str, ...] = ("hostility", "support", "co-agent")
SIGN: dict[str, int] = {"hostility": -1, "support": 1, "co-agent": 1}

# Actor classes from most to least specific: an actor typed with several takes the first.
KIND_ORDER: tuple[str, ...] = ACTOR_KINDS + ("ArmedForce", "Actor")
# Superclasses a --kinds filter may name, with the kinds they stand for.
KIND_GROUPS: dict[str, tuple[str, ...]] = {
    "ArmedForce": ("StateForce", "RegionalForce", "ParamilitaryForce", "NonStateArmedGroup", "Coalition",
                   "ArmedForce"),
    "Actor": KIND_ORDER,
}
_WIKIDATA_RE = re.compile(r"^https?://www\.wikidata\.org/(?:entity|wiki)/(Q\d+)$")

# ------------------------------------------------------------------------------------ SPARQL
# Queries run with the default graph as the union of all graphs; one event IRI may be
# described by several article graphs, hence DISTINCT everywhere (queries/README.md).

_PREFIXES = f"""PREFIX ckg:    <{T.CKG}>
PREFIX rdf:    <{T.RDF}>
PREFIX rdfs:   <{T.RDFS}>
PREFIX skos:   <{T.SKOS}>
PREFIX owl:    <{T.OWL}>
PREFIX prov:   <{T.PROV}>
PREFIX schema: <{T.SCHEMA}>
"""

# Who took part in which operation, and in what role. {events} narrows to a region.
PARTICIPATION_QUERY = _PREFIXES + """
SELECT DISTINCT ?event ?role ?actor WHERE {{
  {events}
  VALUES (?property ?role) {{ (ckg:agent "agent") (ckg:target "target") (ckg:supporter "supporter") }}
  ?event ?property ?actor .
  FILTER(isIRI(?actor))
}}
"""

# Types and dates of those operations (dates as their lexical form: precisions differ).
EVENT_FACTS_QUERY = _PREFIXES + """
SELECT DISTINCT ?event ?type ?date WHERE {{
  {{ SELECT DISTINCT ?event WHERE {{ {events} ?event ckg:agent|ckg:target|ckg:supporter ?someone . }} }}
  {{ ?event rdf:type ?type . FILTER(STRSTARTS(STR(?type), STR(ckg:))) }}
  UNION
  {{ ?event ckg:date ?d . BIND(STR(?d) AS ?date) }}
}}
"""

# Which article graphs describe an operation, and the outlet behind each (the graph's
# attribution, else the article's publisher, else the article itself as its own source).
EVENT_REPORTS_QUERY = _PREFIXES + """
SELECT DISTINCT ?event ?article ?outlet WHERE {{
  {{ SELECT DISTINCT ?event ?g WHERE {{
      {events}
      GRAPH ?g {{ ?event ckg:agent|ckg:target|ckg:supporter ?someone . }}
  }} }}
  OPTIONAL {{ ?g prov:wasDerivedFrom ?derivedFrom . }}
  BIND(COALESCE(?derivedFrom, ?g) AS ?article)
  OPTIONAL {{ ?g prov:wasAttributedTo ?attributedTo . }}
  OPTIONAL {{ ?article schema:publisher ?publisher . }}
  BIND(COALESCE(?attributedTo, ?publisher, ?article) AS ?outlet)
}}
"""

# Reports of one operation in other articles, linked by cross-article fusion (either direction).
SAME_EVENT_QUERY = _PREFIXES + """
SELECT DISTINCT ?event ?other WHERE {{
  {{ SELECT DISTINCT ?event WHERE {{ {events} ?event ckg:agent|ckg:target|ckg:supporter ?someone . }} }}
  {{ ?event owl:sameAs ?other . }} UNION {{ ?other owl:sameAs ?event . }}
  FILTER(isIRI(?other) && ?other != ?event)
}}
"""

# Labels, classes and identifiers of every participant.
ACTOR_FACTS_QUERY = _PREFIXES + """
SELECT DISTINCT ?actor ?property ?value WHERE {{
  {{ SELECT DISTINCT ?actor WHERE {{ {events} ?event ckg:agent|ckg:target|ckg:supporter ?actor . }} }}
  VALUES ?property {{ rdf:type rdfs:label skos:altLabel owl:sameAs }}
  ?actor ?property ?value .
}}
"""

# Places called `label` (label or alternative label, any case). The names matched first, each
# place once, then its types: in the union default graph a place named in n articles has n
# labels and n types, and joined there they would give n x n rows.
PLACES_NAMED_QUERY = _PREFIXES + """
SELECT DISTINCT ?place WHERE {{
  {{
    SELECT DISTINCT ?place WHERE {{
      ?place rdfs:label|skos:altLabel ?name .
      FILTER(LCASE(STR(?name)) = LCASE({label}))
    }}
  }}
  VALUES ?kind {{ ckg:Place ckg:Country ckg:AdminRegion ckg:Settlement ckg:TerrainFeature ckg:Facility }}
  ?place rdf:type ?kind .
}}
"""

# The operations at a place or anywhere inside it. The property path starts from bound nodes
# in a sub-select of its own (engines such as Virtuoso 7.2 mis-answer some path+join shapes).
_REGION_EVENTS = """{{ SELECT DISTINCT ?event WHERE {{
      VALUES ?region {{ {regions} }}
      ?inside ckg:locatedIn* ?region .
      ?event ckg:place ?inside .
  }} }}"""


class NetworkError(ValueError):
    """A network request that cannot be answered: unknown region or kind, bad dates."""


@dataclass(frozen=True)
class ActorInfo:
    iri: str
    label: str
    kind: str = "Actor"
    wikidata: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class EventInfo:
    """One operation as the store describes it (all article graphs together)."""

    iri: str
    agents: frozenset[str] = frozenset()
    targets: frozenset[str] = frozenset()
    supporters: frozenset[str] = frozenset()
    types: frozenset[str] = frozenset()
    dates: tuple[str, ...] = ()
    articles: frozenset[str] = frozenset()
    outlets: frozenset[str] = frozenset()
    same_as: frozenset[str] = frozenset()      # IRIs of other reports of this operation

    @property
    def period(self) -> Period | None:
        """The days between the earliest and the latest date the articles give, if any."""
        periods = [p for p in map(try_period, self.dates) if p is not None]
        if not periods:
            return None
        span = periods[0]
        for p in periods[1:]:
            span = span.span(p)
        return span

    @property
    def reports(self) -> int:
        """Independent outlets reporting the operation (at least one: someone did)."""
        return max(1, len(self.outlets))

    @property
    def participants(self) -> frozenset[str]:
        return self.agents | self.targets | self.supporters


@dataclass
class EventData:
    """What the store says: the operations with participants, and those participants."""

    events: list[EventInfo] = field(default_factory=list)
    actors: dict[str, ActorInfo] = field(default_factory=dict)
    region: str | None = None
    region_places: tuple[str, ...] = ()


@dataclass(frozen=True)
class NetworkFilter:
    """Which part of the store a network shows (every field optional)."""

    since: str | None = None          # YYYY, YYYY-MM or YYYY-MM-DD; operations whose dates overlap
    until: str | None = None          # the window from the start of `since` to the end of `until`
    region: str | None = None         # a place IRI or label; the place and all places inside it
    kinds: tuple[str, ...] | None = None   # actor kinds (or ArmedForce / Actor) to keep
    min_weight: float = 0.0           # drop weaker ties (and actors left with none)


# ------------------------------------------------------------------------------- reading

def read_events(store: Any, region: str | None = None) -> EventData:
    """Operations with their participants, types, dates and reports, and the actors in them."""
    region_places: tuple[str, ...] = ()
    events_block = ""
    if region:
        region_places = resolve_region(store, region)
        events_block = _REGION_EVENTS.format(regions=" ".join(f"<{p}>" for p in region_places))

    def rows(template: str) -> list[list[Any]]:
        return store.query(template.format(events=events_block)).rows

    roles: dict[str, dict[str, set[str]]] = defaultdict(lambda: {"agent": set(), "target": set(), "supporter": set()})
    for event, role, actor in rows(PARTICIPATION_QUERY):
        roles[event.value][role.value].add(actor.value)
    types: dict[str, set[str]] = defaultdict(set)
    dates: dict[str, set[str]] = defaultdict(set)
    for event, rdf_type, date_text in rows(EVENT_FACTS_QUERY):
        if rdf_type is not None:
            types[event.value].add(rdf_type.value[len(T.CKG):])
        if date_text is not None:
            dates[event.value].add(date_text.value)
    articles: dict[str, set[str]] = defaultdict(set)
    outlets: dict[str, set[str]] = defaultdict(set)
    for event, article, outlet in rows(EVENT_REPORTS_QUERY):
        articles[event.value].add(article.value)
        outlets[event.value].add(outlet.value)

    reports = [
        EventInfo(
            iri=iri, agents=frozenset(r["agent"]), targets=frozenset(r["target"]),
            supporters=frozenset(r["supporter"]), types=frozenset(types.get(iri, ())),
            dates=tuple(sorted(dates.get(iri, ()))), articles=frozenset(articles.get(iri, ())),
            outlets=frozenset(outlets.get(iri, ())),
        )
        for iri, r in sorted(roles.items())
    ]
    links = [(a.value, b.value) for a, b in rows(SAME_EVENT_QUERY)]
    return EventData(events=merge_reports(reports, links), actors=_actors(rows(ACTOR_FACTS_QUERY)), region=region,
                     region_places=region_places)


def merge_reports(reports: Iterable[EventInfo], same_as: Iterable[tuple[str, str]]) -> list[EventInfo]:
    """One EventInfo per operation: reports linked by owl:sameAs (transitively) become one.

    Cross-article fusion gives each article its own event IRI and links the reports of one
    operation; counting each report would weigh a tie by its press coverage twice over. The
    merged operation takes the lowest IRI, the union of participants, types, dates, articles
    and outlets, and lists the other IRIs in `same_as`.
    """
    by_iri = {r.iri: r for r in reports}
    parent = {iri: iri for iri in by_iri}

    def root(iri: str) -> str:
        while parent[iri] != iri:
            parent[iri] = parent[parent[iri]]
            iri = parent[iri]
        return iri

    for a, b in same_as:
        if a in parent and b in parent:
            ra, rb = root(a), root(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[EventInfo]] = defaultdict(list)
    for iri in sorted(by_iri):
        groups[root(iri)].append(by_iri[iri])
    merged = []
    for iri, members in sorted(groups.items()):
        if len(members) == 1:
            merged.append(members[0])
            continue
        merged.append(EventInfo(
            iri=iri,
            agents=frozenset().union(*(m.agents for m in members)),
            targets=frozenset().union(*(m.targets for m in members)),
            supporters=frozenset().union(*(m.supporters for m in members)),
            types=frozenset().union(*(m.types for m in members)),
            dates=tuple(sorted({d for m in members for d in m.dates})),
            articles=frozenset().union(*(m.articles for m in members)),
            outlets=frozenset().union(*(m.outlets for m in members)),
            same_as=frozenset(m.iri for m in members if m.iri != iri),
        ))
    return merged


def resolve_region(store: Any, region: str) -> tuple[str, ...]:
    """The place IRIs a --region value names (an IRI as given, or every place with that label)."""
    region = region.strip()
    if region.startswith("<") and region.endswith(">"):
        region = region[1:-1]
    if "://" in region or region.startswith("urn:"):
        try:
            return (ox.NamedNode(region).value,)
        except ValueError as exc:
            raise NetworkError(f"region {region!r} is not a valid IRI: {exc}") from exc
    if not region:
        raise NetworkError("empty region")
    # pyoxigraph writes the literal with the escapes SPARQL needs.
    query = PLACES_NAMED_QUERY.format(label=str(ox.Literal(region)))
    places = tuple(sorted(row[0].value for row in store.query(query).rows if isinstance(row[0], ox.NamedNode)))
    if not places:
        raise NetworkError(f"no place is called {region!r} in the store")
    return places


def _actors(rows: Iterable[Sequence[Any]]) -> dict[str, ActorInfo]:
    facts: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for actor, prop, value in rows:
        facts[actor.value][prop.value].add(value.value)
    actors = {}
    for iri, f in facts.items():
        classes = {t[len(T.CKG):] for t in f.get(T.RDF + "type", ()) if t.startswith(T.CKG)}
        kind = next((k for k in KIND_ORDER if k in classes), "Actor")
        labels = sorted(f.get(T.RDFS + "label", ()))
        label = labels[0] if labels else _local_name(iri)
        wikidata = sorted(m.group(1) for v in f.get(T.OWL + "sameAs", ()) if (m := _WIKIDATA_RE.match(v)))
        aliases = sorted((f.get(T.SKOS + "altLabel", set()) | set(labels[1:])) - {label})
        actors[iri] = ActorInfo(iri=iri, label=label, kind=kind, wikidata=wikidata[0] if wikidata else None,
                                aliases=tuple(aliases))
    return actors


def _local_name(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri


# ------------------------------------------------------------------------------- folding

def normalise_kinds(kinds: Iterable[str] | None) -> frozenset[str] | None:
    """Actor kinds named by a user ("StateForce", "state-force", "armedforce") as class names."""
    if kinds is None:
        return None
    known = {_squash(k): k for k in KIND_ORDER}
    chosen: set[str] = set()
    for name in kinds:
        if not name.strip():
            continue
        kind = known.get(_squash(name))
        if kind is None:
            raise NetworkError(f"unknown actor kind {name!r}; choose from {', '.join(KIND_ORDER)}")
        chosen.update(KIND_GROUPS.get(kind, (kind,)))
    return frozenset(chosen)


def _squash(name: str) -> str:
    return re.sub(r"[\s_-]", "", name).lower()


def fold(events: Iterable[EventInfo], actors: Mapping[str, ActorInfo], *, since: str | None = None,
         until: str | None = None, kinds: Iterable[str] | None = None, min_weight: float = 0.0) -> nx.MultiDiGraph:
    """The actor graph of some operations; filters as in `NetworkFilter` (region excepted)."""
    try:
        window = time_range(since, until)
    except ValueError as exc:
        raise NetworkError(str(exc)) from exc
    keep_kinds = normalise_kinds(kinds)

    graph = nx.MultiDiGraph(since=since, until=until, kinds=sorted(keep_kinds) if keep_kinds else None,
                            min_weight=min_weight)
    chosen: list[EventInfo] = []
    undated = 0
    for event in events:
        period = event.period
        if window is not None and (period is None or not period.overlaps(window)):
            undated += period is None
            continue
        chosen.append(event)
    graph.graph["events"] = len(chosen)
    graph.graph["undated_events_left_out"] = undated

    def kind_of(iri: str) -> str:
        return actors[iri].kind if iri in actors else "Actor"

    def kept(iri: str) -> bool:
        return keep_kinds is None or kind_of(iri) in keep_kinds

    node_acc: dict[str, _Accumulator] = defaultdict(_Accumulator)
    edge_acc: dict[tuple[str, str, str], _Accumulator] = defaultdict(_Accumulator)
    for event in chosen:
        for role, members in (("agent", event.agents), ("target", event.targets), ("supporter", event.supporters)):
            for iri in members:
                if kept(iri):
                    node_acc[iri].add(event, role)
        for u, v, relation in _ties(event):
            if kept(u) and kept(v):
                edge_acc[(u, v, relation)].add(event)

    for iri in sorted(node_acc):
        info = actors.get(iri) or ActorInfo(iri=iri, label=_local_name(iri))
        acc = node_acc[iri]
        graph.add_node(iri, label=info.label, iri=iri, kind=info.kind, wikidata=info.wikidata,
                       aliases=list(info.aliases), events=len(acc.events), as_agent=acc.roles["agent"],
                       as_target=acc.roles["target"], as_supporter=acc.roles["supporter"], **acc.dates())
    for (u, v, relation), acc in sorted(edge_acc.items()):
        weight = sum(e.reports for e in acc.events.values())
        if weight < min_weight:
            continue
        graph.add_edge(u, v, key=relation, kind=relation, sign=SIGN[relation], directed=relation != "co-agent",
                       weight=float(weight), events=len(acc.events), sources=len(acc.outlets),
                       articles=len(acc.articles), operations=sorted(acc.types), **acc.dates(),
                       event_iris=sorted(acc.events))
    if min_weight > 0:
        # Actors that had ties, all of them weaker than asked for, go with their ties.
        had_ties = {n for (u, v, _) in edge_acc for n in (u, v)}
        graph.remove_nodes_from([n for n in list(graph) if n in had_ties and graph.degree(n) == 0])
    return graph


def _ties(event: EventInfo) -> list[tuple[str, str, str]]:
    ties = []
    agents = sorted(event.agents)
    for i, a in enumerate(agents):
        for b in agents[i + 1:]:
            ties.append((a, b, "co-agent"))
    for s in sorted(event.supporters):
        ties += [(s, a, "support") for a in agents if a != s]
    for a in agents:
        ties += [(a, t, "hostility") for t in sorted(event.targets) if t != a]
    return ties


class _Accumulator:
    """Operations behind a node or an edge, and what they add up to."""

    def __init__(self) -> None:
        self.events: dict[str, EventInfo] = {}
        self.roles: dict[str, int] = {"agent": 0, "target": 0, "supporter": 0}
        self.types: set[str] = set()
        self.articles: set[str] = set()
        self.outlets: set[str] = set()
        self.first: tuple[Period, str] | None = None
        self.last: tuple[Period, str] | None = None

    def add(self, event: EventInfo, role: str | None = None) -> None:
        if role is not None:
            self.roles[role] += 1
        if event.iri in self.events:
            return
        self.events[event.iri] = event
        self.types |= event.types
        self.articles |= event.articles
        self.outlets |= event.outlets
        for text in event.dates:
            p = try_period(text)
            if p is None:
                continue
            if self.first is None or (p.start, p.end) < (self.first[0].start, self.first[0].end):
                self.first = (p, text)
            if self.last is None or (p.end, p.start) > (self.last[0].end, self.last[0].start):
                self.last = (p, text)

    def dates(self) -> dict[str, Any]:
        if self.first is None or self.last is None:
            return {"first": None, "last": None, "start": None, "end": None}
        return {"first": self.first[1], "last": self.last[1], "start": self.first[0].start, "end": self.last[0].end}


# ------------------------------------------------------------------------------- entry points

def actor_graph(store: Any, filters: NetworkFilter = NetworkFilter()) -> nx.MultiDiGraph:
    """The actor network of a store, filtered."""
    data = read_events(store, region=filters.region)
    graph = fold(data.events, data.actors, since=filters.since, until=filters.until, kinds=filters.kinds,
                 min_weight=filters.min_weight)
    graph.graph["region"] = filters.region
    graph.graph["region_places"] = list(data.region_places)
    return graph


def window_graphs(data: EventData, window: Window, filters: NetworkFilter = NetworkFilter()
                  ) -> list[tuple[str, nx.MultiDiGraph]]:
    """One graph per month or year holding operations, in time order.

    An operation goes to the window holding all of its dates; one known only more coarsely
    than the window (a year-precision date in monthly snapshots) is left out of the
    snapshots rather than put in a month it may not belong to.
    """
    try:
        bounds = time_range(filters.since, filters.until)
    except ValueError as exc:
        raise NetworkError(str(exc)) from exc
    by_window: dict[str, list[EventInfo]] = defaultdict(list)
    for event in data.events:
        period = event.period
        if period is None or (bounds is not None and not period.overlaps(bounds)):
            continue
        key = window_of(period, window)
        if key is not None:
            by_window[key].append(event)
    graphs = []
    for key in sorted(by_window):
        g = fold(by_window[key], data.actors, kinds=filters.kinds, min_weight=filters.min_weight)
        g.graph["window"] = key
        graphs.append((key, g))
    return graphs
