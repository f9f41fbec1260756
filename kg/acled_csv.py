"""Write the store as an ACLED-style CSV: one row per fused event, ACLED's export columns.

The store is read only through SPARQL (``store.query``), so the export works the same on the
embedded Oxigraph store and on a remote SPARQL endpoint. The queries fetch plain facts (the
reports with their cluster heads, the reports' properties, the actors, the places); the ACLED
coding rules, which live in ``ontology/crosswalks/acled_types.json``, are applied here in Python
where they stay readable.

A fused event is the reports that share a ckg:fusedEvent (the fusion graph: the smallest IRI of
a group of reports each owl:sameAs-linked to every other), or a report alone,
exactly as in ``queries/event-reports.rq``. A report IRI
shared by several article graphs is one report described several times.

Conditions of acled_types.json decided from the graph: ``civilian_targets``,
``non_state_agent``, ``formally_state`` (a ParamilitaryForce whose ckg:parentOrganization is a
StateForce) and ``member_of_actor`` (a Person takes the code of the force it is ckg:memberOf).
Left at the default because the graph does not say: ``state_retakes_territory``,
``non_state_takes_territory``, ``operating_abroad``, ``local_or_political_militia``,
``ethnic_tribal_or_communal_militia``, ``international_organization``. The ``iso`` and
``region`` columns stay empty: the registry records no ISO codes or world regions.
"""
from __future__ import annotations

import csv
import hashlib
import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, TextIO

from kg.ontology import class_hierarchy_triples, load_acled_types
from kg.rdf.terms import CKG, GEO, OWL, PROV, RDF, RDFS, SCHEMA

COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)

# ACLED's disorder_type follows from the event type (codebook 2023).
DISORDER_TYPES: dict[str, str] = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Protests": "Demonstrations",
    "Riots": "Political violence",
    "Strategic developments": "Strategic developments",
}

STATE_KINDS = frozenset({"StateForce", "RegionalForce", "ParamilitaryForce"})
PLACE_KINDS = ("Country", "AdminRegion", "Settlement", "TerrainFeature", "Facility")

_PREFIXES = f"""PREFIX ckg: <{CKG}>
PREFIX rdf: <{RDF}>
PREFIX rdfs: <{RDFS}>
PREFIX owl: <{OWL}>
PREFIX prov: <{PROV}>
PREFIX schema: <{SCHEMA}>
PREFIX geo: <{GEO}>
"""


def _values(classes: Iterable[str]) -> str:
    return " ".join(f"ckg:{name}" for name in classes)


def _members_query(operation_types: Iterable[str]) -> str:
    """Each report, its cluster head, the graphs describing it and their articles' outlets."""
    ops = _values(operation_types)
    return _PREFIXES + f"""
SELECT DISTINCT ?member ?event ?graph ?outletName ?published WHERE {{
  {{
    SELECT DISTINCT ?member ?event WHERE {{
      GRAPH ?memberGraph {{ VALUES ?type1 {{ {ops} }} ?member a ?type1 . }}
      OPTIONAL {{ ?member ckg:fusedEvent ?fused }}
      BIND(COALESCE(?fused, ?member) AS ?event)
    }}
  }}
  GRAPH ?graph {{ VALUES ?type {{ {ops} }} ?member a ?type . }}
  OPTIONAL {{
    ?graph prov:wasDerivedFrom ?article .
    OPTIONAL {{ ?article schema:datePublished ?published }}
    OPTIONAL {{ ?article schema:publisher ?outlet . OPTIONAL {{ ?outlet rdfs:label ?outletLabel }} }}
  }}
  BIND(COALESCE(STR(?outletLabel), STR(?outlet)) AS ?outletName)
}}"""


def _report_facts_query(operation_types: Iterable[str]) -> str:
    """What each article graph says about each report it types."""
    ops = _values(operation_types)
    return _PREFIXES + f"""
SELECT DISTINCT ?graph ?member ?p ?o WHERE {{
  GRAPH ?graph {{
    VALUES ?type {{ {ops} }}
    ?member a ?type .
    VALUES ?p {{ rdf:type ckg:date ckg:datePrecision ckg:killed ckg:evidence
                ckg:agent ckg:target ckg:supporter ckg:place }}
    ?member ?p ?o .
  }}
}}"""


def _description_query(classes: Iterable[str], predicates: str) -> str:
    """The given properties, from any graph, of everything typed with one of ``classes``."""
    return _PREFIXES + f"""
SELECT DISTINCT ?s ?p ?o WHERE {{
  {{ SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ VALUES ?class {{ {_values(classes)} }} ?s a ?class . }} }} }}
  GRAPH ?h {{ VALUES ?p {{ {predicates} }} ?s ?p ?o . }}
}}"""


def _local(iri: str) -> str:
    return iri[len(CKG):] if iri.startswith(CKG) else ""


def _select(store, sparql: str) -> list[list[str | None]]:
    result = store.query(sparql)
    return [[None if term is None else term.value for term in row] for row in result.rows]


def _describe(store, classes: Iterable[str], predicates: str) -> dict[str, dict[str, set[str]]]:
    described: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for s, p, o in _select(store, _description_query(classes, predicates)):
        described[s][p].add(o)
    return described


@lru_cache(maxsize=1)
def _superclasses() -> dict[str, list[str]]:
    """ckg class local name -> its direct ckg superclasses, from the ontology file."""
    parents: dict[str, list[str]] = defaultdict(list)
    for t in class_hierarchy_triples():
        if t.predicate.value == RDFS + "subClassOf" and _local(t.subject.value) and _local(t.object.value):
            parents[_local(t.subject.value)].append(_local(t.object.value))
    return parents


def _ancestors(name: str) -> set[str]:
    seen, todo = set(), [name]
    while todo:
        for parent in _superclasses().get(todo.pop(), []):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def most_specific(classes: Iterable[str]) -> str | None:
    """The class no other of ``classes`` is a subclass of (ties: alphabetical)."""
    classes = sorted(set(classes))
    for name in classes:
        if not any(name in _ancestors(other) for other in classes if other != name):
            return name
    return None


@dataclass
class Report:
    """One report of an event, as one article graph describes it."""

    iri: str
    graph: str
    outlet: str | None = None
    published: str = ""
    facts: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


@dataclass
class Cluster:
    head: str
    reports: list[Report] = field(default_factory=list)

    def values(self, local: str) -> set[str]:
        return {value for report in self.reports for value in report.facts.get(CKG + local, ())}


class AcledExporter:
    """Reads the store once and codes every fused event as one ACLED row."""

    def __init__(self, store, table: dict[str, Any] | None = None, *, timestamp: int | None = None):
        self.table = table or load_acled_types()
        self.timestamp = int(time.time()) if timestamp is None else timestamp
        operation_types = list(self.table["operation_types"])
        self.clusters = self._clusters(store, operation_types)
        self.actors = _describe(store, self.table["actor_kinds"],
                                "rdf:type rdfs:label ckg:memberOf ckg:parentOrganization")
        self.places = _describe(store, PLACE_KINDS,
                                "rdf:type rdfs:label geo:lat geo:long ckg:coordinatePrecisionKm ckg:locatedIn")

    # ----------------------------------------------------------------- reading
    @staticmethod
    def _clusters(store, operation_types: list[str]) -> list[Cluster]:
        reports: dict[tuple[str, str], Report] = {}
        heads: dict[str, str] = {}
        for member, head, graph, outlet, published in _select(store, _members_query(operation_types)):
            heads[member] = head
            report = reports.setdefault((member, graph), Report(member, graph))
            report.outlet = report.outlet or outlet
            report.published = report.published or (published or "")
        for graph, member, p, o in _select(store, _report_facts_query(operation_types)):
            if (member, graph) in reports:
                reports[(member, graph)].facts[p].add(o)
        clusters: dict[str, Cluster] = {}
        for (member, _graph), report in sorted(reports.items()):
            clusters.setdefault(heads[member], Cluster(heads[member])).reports.append(report)
        return [clusters[head] for head in sorted(clusters)]

    # ----------------------------------------------------------------- actors
    def label(self, node: str, described: dict[str, dict[str, set[str]]]) -> str:
        labels = described.get(node, {}).get(RDFS + "label")
        return min(labels) if labels else node.rsplit("/", 1)[-1]

    def actor_kind(self, actor: str) -> str | None:
        kinds = [_local(c) for c in self.actors.get(actor, {}).get(RDF + "type", ())]
        known = [kind for kind in self.table["actor_kinds"] if kind in kinds]
        return known[0] if known else None

    def inter(self, actor: str | None, _seen: frozenset[str] = frozenset()) -> int:
        """The actor's ACLED inter code (0 when there is no actor)."""
        if actor is None:
            return 0
        kind = self.actor_kind(actor)
        if kind is None:
            return 0
        facts = self.actors.get(actor, {})
        if kind == "ParamilitaryForce" and any(
                self.actor_kind(parent) == "StateForce" for parent in facts.get(CKG + "parentOrganization", ())):
            return 1                                     # formally_state
        if kind == "Person" and actor not in _seen:
            for group in sorted(facts.get(CKG + "memberOf", ())):
                code = self.inter(group, _seen | {actor})     # member_of_actor
                if code:
                    return code
        return int(self.table["actor_kinds"][kind]["inter"])

    def is_civilian(self, actor: str) -> bool:
        kind = self.actor_kind(actor)
        if kind not in self.table["civilian_kinds"]:
            return False
        return not (kind == "Person" and self.actors.get(actor, {}).get(CKG + "memberOf"))

    def sides(self, main: set[str], assoc: set[str]) -> tuple[str | None, list[str]]:
        """The main actor (first by label) and the other actors of one side, by label."""
        ordered = sorted(main, key=lambda a: (self.label(a, self.actors), a))
        first = ordered[0] if ordered else None
        others = sorted((main | assoc) - {first}, key=lambda a: (self.label(a, self.actors), a))
        return first, others

    # ----------------------------------------------------------------- places
    def enclosing(self, place: str) -> set[str]:
        seen, todo = set(), [place]
        while todo:
            for parent in self.places.get(todo.pop(), {}).get(CKG + "locatedIn", ()):
                if parent not in seen and parent != place:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    def place_kind(self, place: str) -> str | None:
        kinds = {_local(c) for c in self.places.get(place, {}).get(RDF + "type", ())}
        return next((kind for kind in reversed(PLACE_KINDS) if kind in kinds), None)

    def precision_km(self, place: str) -> float:
        values = self.places.get(place, {}).get(CKG + "coordinatePrecisionKm")
        return min(float(v) for v in values) if values else float("inf")

    def event_place(self, places: set[str]) -> str | None:
        """The most specific place: one enclosing no other, then the finest coordinates."""
        inner = [p for p in places if not any(p in self.enclosing(q) for q in places if q != p)]
        return min(inner, key=lambda p: (self.precision_km(p), self.label(p, self.places), p), default=None)

    def admin_levels(self, place: str) -> dict[str, str]:
        """country, admin1, admin2, admin3 labels from the place's enclosing places."""
        chain = self.enclosing(place) | {place}
        columns: dict[str, str] = {}
        countries = [p for p in chain if self.place_kind(p) == "Country"]
        if countries:
            columns["country"] = self.label(min(countries), self.places)
        for region in chain:
            if self.place_kind(region) != "AdminRegion":
                continue
            level = 1 + sum(1 for p in self.enclosing(region) if self.place_kind(p) == "AdminRegion")
            if level <= 3:
                columns.setdefault(f"admin{level}", self.label(region, self.places))
        return columns

    def coordinates(self, place: str) -> tuple[str, str]:
        """The place's coordinates, else those of its finest enclosing place that has some."""
        for candidate in [place] + sorted(self.enclosing(place), key=lambda p: (self.precision_km(p), p)):
            facts = self.places.get(candidate, {})
            if facts.get(GEO + "lat") and facts.get(GEO + "long"):
                return min(facts[GEO + "lat"]), min(facts[GEO + "long"])
        return "", ""

    def geo_precision(self, place: str) -> str:
        kind = self.place_kind(place)
        code = self.table["geo_precision"].get(kind) if kind else None
        if code is None:
            return ""
        # a district-level region with fine coordinates is "part of a region" (2), not 3
        if kind == "AdminRegion" and self.precision_km(place) <= 25:
            code = 2
        return str(code)

    # ----------------------------------------------------------------- types
    def event_types(self, cluster: Cluster, civilian_targets: bool, non_state_agent: bool) -> tuple[str, str]:
        head_types = {_local(t) for r in cluster.reports if r.iri == cluster.head
                      for t in r.facts.get(RDF + "type", ())}
        types = self.table["operation_types"]
        name = most_specific(t for t in head_types if t in types) or "Operation"
        entry = types[name]
        holds = {"civilian_targets": civilian_targets, "non_state_agent": non_state_agent}
        for alternative in entry.get("alternatives", []):
            if holds.get(alternative["when"]):
                return alternative["event_type"], alternative["sub_event_type"]
        return entry["event_type"], entry["sub_event_type"]

    # ----------------------------------------------------------------- rows
    @staticmethod
    def earliest_date(cluster: Cluster) -> tuple[str, str]:
        """(YYYY-MM-DD, precision) of the earliest date any report gives; finest on ties."""
        rank = {"day": 0, "month": 1, "year": 2}
        dated = []
        for report in cluster.reports:
            precisions = report.facts.get(CKG + "datePrecision", set())
            for value in report.facts.get(CKG + "date", ()):
                parts = value[:10].split("-")
                precision = next(iter(sorted(precisions, key=lambda p: rank.get(p, 3))), None) or \
                    ("day" if len(parts) >= 3 else "month" if len(parts) == 2 else "year")
                full = "-".join((parts + ["01", "01"])[:3])
                dated.append((full, rank.get(precision, 3), precision))
        if not dated:
            return "", ""
        full, _, precision = min(dated)
        return full, precision

    def row(self, cluster: Cluster) -> dict[str, str]:
        agents, targets = cluster.values("agent"), cluster.values("target")
        civilian_targets = bool(targets) and all(self.is_civilian(t) for t in targets)
        non_state_agent = bool(agents) and not any(self.actor_kind(a) in STATE_KINDS for a in agents)
        event_type, sub_event_type = self.event_types(cluster, civilian_targets, non_state_agent)

        actor1, assoc1 = self.sides(agents, cluster.values("supporter"))
        actor2, assoc2 = self.sides(targets, set())
        inter1, inter2 = self.inter(actor1), self.inter(actor2)
        codes = sorted(code for code in (inter1, inter2) if code)
        interaction = "".join(str(c) for c in codes) + ("0" if len(codes) == 1 else "")

        date, precision = self.earliest_date(cluster)
        place = self.event_place(cluster.values("place"))
        columns = self.admin_levels(place) if place else {}
        latitude, longitude = self.coordinates(place) if place else ("", "")

        head_reports = sorted((r for r in cluster.reports if r.iri == cluster.head),
                              key=lambda r: (r.published, r.graph))
        notes = next((min(r.facts[CKG + "evidence"]) for r in head_reports if r.facts.get(CKG + "evidence")), "")
        # ACLED's most conservative rule: the lowest figure any report (in any graph) states
        killed = [int(float(k)) for k in cluster.values("killed")]
        fatalities = min(killed, default=0)

        return {
            "event_id_cnty": "CKG" + hashlib.sha256(cluster.head.encode("utf-8")).hexdigest()[:10].upper(),
            "event_date": date,
            "year": date[:4],
            "time_precision": str(self.table["time_precision"].get(precision, "")) if precision else "",
            "disorder_type": DISORDER_TYPES.get(event_type, ""),
            "event_type": event_type,
            "sub_event_type": sub_event_type,
            "actor1": self.label(actor1, self.actors) if actor1 else "",
            "assoc_actor_1": "; ".join(self.label(a, self.actors) for a in assoc1),
            "inter1": str(inter1),
            "actor2": self.label(actor2, self.actors) if actor2 else "",
            "assoc_actor_2": "; ".join(self.label(a, self.actors) for a in assoc2),
            "inter2": str(inter2),
            "interaction": interaction,
            "civilian_targeting": "Civilian targeting" if civilian_targets else "",
            "iso": "",
            "region": "",
            "country": columns.get("country", ""),
            "admin1": columns.get("admin1", ""),
            "admin2": columns.get("admin2", ""),
            "admin3": columns.get("admin3", ""),
            "location": self.label(place, self.places) if place else "",
            "latitude": latitude,
            "longitude": longitude,
            "geo_precision": self.geo_precision(place) if place else "",
            "source": "; ".join(sorted({r.outlet for r in cluster.reports if r.outlet})),
            "source_scale": "",
            "notes": notes,
            "fatalities": str(fatalities),
            "tags": "",
            "timestamp": str(self.timestamp),
        }

    def rows(self) -> list[dict[str, str]]:
        rows = [self.row(cluster) for cluster in self.clusters]
        return sorted(rows, key=lambda r: (r["event_date"], r["event_id_cnty"]))


def write_acled_csv(store, out: TextIO, *, timestamp: int | None = None) -> int:
    """Write one ACLED row per fused event to ``out``; returns the number of rows."""
    rows = AcledExporter(store, timestamp=timestamp).rows()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return len(rows)


def export_acled_csv(store, output: Path, *, timestamp: int | None = None) -> int:
    """``write_acled_csv`` into the file ``output`` (parents created)."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8", newline="") as handle:
        return write_acled_csv(store, handle, timestamp=timestamp)
