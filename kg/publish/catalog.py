"""The data behind the index pages: actors by kind, the timeline, the place tree, sources,
articles and the counts of the home page. Read through SPARQL; computed once per catalogue,
since a published store does not change while it is being published or served.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from kg.publish.ontology_doc import OntologyIndex
from kg.rdf.terms import CKG, GEO, RDF, RDFS, SCHEMA
from kg.store import Store

_PREFIXES = f"""PREFIX ckg: <{CKG}>
PREFIX rdf: <{RDF}>
PREFIX rdfs: <{RDFS}>
PREFIX schema: <{SCHEMA}>
PREFIX geo: <{GEO}>
"""
_TYPES = _PREFIXES + """
SELECT DISTINCT ?s ?t WHERE {{ ?s a ?t FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{base}id/")) }}"""
_LABELS = _PREFIXES + """
SELECT ?s (MIN(?l) AS ?label) WHERE {{
  {{ ?s rdfs:label ?l }} UNION {{ ?s schema:headline ?l }}
  FILTER(STRSTARTS(STR(?s), "{base}"))
}} GROUP BY ?s"""
_PARTICIPATION = _PREFIXES + """
SELECT ?a (COUNT(DISTINCT ?e) AS ?n) WHERE {
  ?e ckg:agent|ckg:target|ckg:supporter|ckg:participant ?a
} GROUP BY ?a"""
_ATTRIBUTION = _PREFIXES + """
SELECT ?src (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x ckg:accordingTo ?src } GROUP BY ?src"""
_EVENT_FACTS = _PREFIXES + """
SELECT DISTINCT ?e ?p ?o WHERE {
  VALUES ?p { ckg:date ckg:agent ckg:target ckg:supporter ckg:place ckg:killed ckg:wounded
              ckg:captured ckg:reportedIn }
  ?e ?p ?o .
}"""
_LOCATED_IN = _PREFIXES + """
SELECT ?p ?q ?g WHERE { { ?p ckg:locatedIn ?q } UNION { GRAPH ?g { ?p ckg:locatedIn ?q } } }"""
_COORDINATES = _PREFIXES + """
SELECT ?p (MIN(?lat) AS ?la) (MIN(?long) AS ?lo) WHERE { ?p geo:lat ?lat ; geo:long ?long } GROUP BY ?p"""
_PLACE_EVENTS = _PREFIXES + """
SELECT ?p (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e ckg:place ?p } GROUP BY ?p"""
_ARTICLES = _PREFIXES + """
SELECT ?a (MIN(?d) AS ?date) (MIN(?h) AS ?headline) (MIN(?u) AS ?url) (MIN(?o) AS ?outlet)
       (COUNT(DISTINCT ?e) AS ?events) WHERE {
  ?a a ckg:Article .
  OPTIONAL { ?a schema:datePublished ?d }
  OPTIONAL { ?a schema:headline ?h }
  OPTIONAL { ?a schema:url ?u }
  OPTIONAL { ?a schema:publisher ?o }
  OPTIONAL { ?e ckg:reportedIn ?a }
} GROUP BY ?a"""
_GRAPHS = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"

ACTOR, PLACE, SOURCE, OPERATION, ARTICLE = (CKG + n for n in ("Actor", "Place", "Source", "Operation", "Article"))


@dataclass
class Entry:
    iri: str
    label: str
    count: int = 0


@dataclass
class Group:
    kind: str             # class IRI
    label: str
    entries: list[Entry]


@dataclass
class PlaceNode:
    iri: str
    label: str
    kinds: list[str]
    lat: str | None
    long: str | None
    events: int
    children: list["PlaceNode"] = field(default_factory=list)


@dataclass
class TimelineEvent:
    iri: str
    label: str
    kinds: list[str]
    dates: list[str]
    agents: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    supporters: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    killed: list[int] = field(default_factory=list)
    wounded: list[int] = field(default_factory=list)
    captured: list[int] = field(default_factory=list)
    reports: int = 0

    @property
    def sort_key(self) -> tuple[str, str]:
        # Lexical dates of mixed precision sort correctly ("2018-07" < "2018-07-16"); undated last.
        return (self.dates[0] if self.dates else "9999", self.label)

    @property
    def month(self) -> str:
        return self.dates[0][:7] if self.dates else "undated"


@dataclass
class ArticleEntry:
    iri: str
    headline: str
    date: str | None
    url: str | None
    outlet: str | None
    events: int


class Catalog:
    def __init__(self, store: Store, base: str, ontology: OntologyIndex):
        self.store = store
        self.base = base
        self.ontology = ontology

    def _rows(self, query: str, *, union: bool = True) -> list[list]:
        return self.store.query(query, union_default_graph=union).rows

    @cached_property
    def types(self) -> dict[str, set[str]]:
        types: dict[str, set[str]] = defaultdict(set)
        for s, t in self._rows(_TYPES.format(base=_literal(self.base))):
            types[s.value].add(t.value)
        return dict(types)

    @cached_property
    def labels(self) -> dict[str, str]:
        return {s.value: label.value for s, label in self._rows(_LABELS.format(base=_literal(self.base)))
                if label is not None}

    def label(self, iri: str) -> str:
        return self.labels.get(iri) or iri.rstrip("/").rsplit("/", 1)[-1]

    def members(self, root: str) -> dict[str, list[str]]:
        """Resources typed with a subclass of ``root``, with their most specific such classes."""
        found = {}
        for iri, types in self.types.items():
            kinds = [t for t in self.ontology.most_specific(types) if self.ontology.is_a(t, root)]
            if kinds:
                found[iri] = kinds
        return found

    def _grouped(self, root: str, counts: dict[str, int]) -> list[Group]:
        groups: dict[str, list[Entry]] = defaultdict(list)
        for iri, kinds in self.members(root).items():
            for kind in kinds:
                groups[kind].append(Entry(iri, self.label(iri), counts.get(iri, 0)))
        return [Group(kind, self.ontology.label(kind) or kind, sorted(entries, key=lambda e: e.label.lower()))
                for kind, entries in sorted(groups.items(), key=lambda kv: (self.ontology.label(kv[0]) or kv[0]).lower())]

    def actors(self) -> list[Group]:
        counts = {a.value: int(n.value) for a, n in self._rows(_PARTICIPATION)}
        return self._grouped(ACTOR, counts)

    def sources(self) -> list[Group]:
        counts = {s.value: int(n.value) for s, n in self._rows(_ATTRIBUTION)}
        return self._grouped(SOURCE, counts)

    def timeline(self) -> list[TimelineEvent]:
        events = {iri: TimelineEvent(iri, self.label(iri), kinds, [])
                  for iri, kinds in self.members(OPERATION).items()}
        lists = {"agent": "agents", "target": "targets", "supporter": "supporters", "place": "places"}
        reports: dict[str, set[str]] = defaultdict(set)
        for e, p, o in self._rows(_EVENT_FACTS):
            event = events.get(e.value)
            if event is None:
                continue
            name = p.value[len(CKG):]
            if name == "date":
                event.dates.append(o.value)
            elif name in lists:
                getattr(event, lists[name]).append(o.value)
            elif name in ("killed", "wounded", "captured"):
                try:
                    getattr(event, name).append(int(o.value))
                except ValueError:
                    pass
            elif name == "reportedIn":
                reports[e.value].add(o.value)
        for event in events.values():
            event.dates = sorted(set(event.dates))
            for attr in ("agents", "targets", "supporters", "places"):
                setattr(event, attr, sorted(set(getattr(event, attr)), key=lambda i: self.label(i).lower()))
            for attr in ("killed", "wounded", "captured"):
                setattr(event, attr, sorted(set(getattr(event, attr))))
            event.reports = len(reports[event.iri])
        return sorted(events.values(), key=lambda e: e.sort_key)

    def place_tree(self) -> list[PlaceNode]:
        places = self.members(PLACE)
        coordinates = {p.value: (la.value if la else None, lo.value if lo else None)
                       for p, la, lo in self._rows(_COORDINATES)}
        counts = {p.value: int(n.value) for p, n in self._rows(_PLACE_EVENTS)}
        nodes = {iri: PlaceNode(iri, self.label(iri), kinds, *coordinates.get(iri, (None, None)),
                                counts.get(iri, 0)) for iri, kinds in places.items()}
        # One parent per place for the tree: the registry's when it gives one (articles may
        # skip a level), else the first in IRI order; the page of a place lists them all.
        candidates: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for p, q, g in self._rows(_LOCATED_IN, union=False):
            if p.value in nodes and q.value in nodes and p.value != q.value:
                rank = 0 if g is not None and g.value.endswith("graph/registry") else 1
                candidates[p.value].append((rank, q.value))
        parent = {p: min(c)[1] for p, c in candidates.items()}
        roots = []
        for iri, node in nodes.items():
            up = parent.get(iri)
            if up is None or self._cycles(iri, parent):
                roots.append(node)
            else:
                nodes[up].children.append(node)
        for node in nodes.values():
            node.children.sort(key=lambda n: n.label.lower())
        return sorted(roots, key=lambda n: n.label.lower())

    @staticmethod
    def _cycles(iri: str, parent: dict[str, str]) -> bool:
        seen, current = {iri}, parent.get(iri)
        while current is not None:
            if current in seen:
                return True
            seen.add(current)
            current = parent.get(current)
        return False

    def articles(self) -> list[ArticleEntry]:
        entries = []
        for a, date, headline, url, outlet, events in self._rows(_ARTICLES):
            entries.append(ArticleEntry(a.value, headline.value if headline else self.label(a.value),
                                        date.value if date else None, url.value if url else None,
                                        outlet.value if outlet else None, int(events.value)))
        return sorted(entries, key=lambda e: (e.date or "", e.headline), reverse=True)

    def counts(self) -> dict[str, int]:
        return {
            "articles": len(self.members(ARTICLE)),
            "events": len(self.members(OPERATION)),
            "actors": len(self.members(ACTOR)),
            "places": len(self.members(PLACE)),
            "sources": len(self.members(SOURCE)),
            "graphs": int(self._rows(_GRAPHS, union=False)[0][0].value),
            "statements": self.store.count(),
        }


def _literal(text: str) -> str:
    """Text for the inside of a SPARQL string literal."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")

