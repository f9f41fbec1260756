"""The named query library: every query on the hand-written fixture, and the parameter rules.

The expected rows were worked out by hand from tests/fixtures/small_graph.trig (see the comment
at its top). IRIs are compared in compact form (actor:black-banner, ckg:Airstrike), literals as
Python values; columns built with GROUP_CONCAT are compared as sets, since SPARQL leaves the
order of their parts open.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import queries as kq
from kg.rdf.iris import IriMinter
from kg.resolve.clusters import refresh_fused_events
from kg.store.oxigraph import OxigraphStore
from kg.queries import (
    QUERY_DIR,
    QueryNotFound,
    QueryParameterError,
    list_queries,
    load_query,
    with_page,
)

FIXTURE = Path(__file__).parent / "fixtures" / "small_graph.trig"
BASE = "https://w3id.org/conflict-kg/"
# the prefixes of the TriG snippets the tests add to the fixture
TRIG_PREFIXES = """
@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .
@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <http://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
COMPACT = [
    ("https://w3id.org/conflict-kg/ontology#", "ckg:"),
    (BASE + "id/actor/", "actor:"),
    (BASE + "id/place/", "place:"),
    (BASE + "id/source/", "src:"),
    (BASE + "id/outlet/", "outlet:"),
    (BASE + "id/event/", "event:"),
    (BASE + "id/claim/", "claim:"),
    (BASE + "id/article/", "article:"),
    (BASE + "graph/article/", "graph:"),
]
XSD = "http://www.w3.org/2001/XMLSchema#"


def expand(curie: str) -> str:
    for iri, prefix in COMPACT:
        if curie.startswith(prefix):
            return iri + curie[len(prefix):]
    raise ValueError(curie)


def py(term):
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        for iri, prefix in COMPACT:
            if term.value.startswith(iri):
                return prefix + term.value[len(iri):]
        return term.value
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        if dt in (XSD + "integer", XSD + "int", XSD + "long"):
            return int(term.value)
        if dt in (XSD + "decimal", XSD + "double", XSD + "float"):
            return float(term.value)
        if dt == XSD + "boolean":
            return term.value == "true"
        return term.value
    return str(term)


@pytest.fixture(scope="module")
def store() -> ox.Store:
    s = ox.Store()
    s.load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    return s


def fuse(store: ox.Store) -> ox.Store:
    """Derive the fusion graph from the graphs' owl:sameAs links, as every build does."""
    refresh_fused_events(OxigraphStore.over(store), IriMinter(BASE))
    return store


def run(store, name, params=None, sets=None):
    """(column names, rows) of a library query, on the store with its fusion graph derived;
    `sets` maps a column to its separator."""
    sets = sets or {}
    fuse(store)
    result = store.query(load_query(name, params or {}), use_default_graph_as_union=True)
    columns = [v.value for v in result.variables]
    rows = []
    for solution in result:
        row = []
        for c in columns:
            value = py(solution[c])
            if c in sets and value is not None:
                value = frozenset(value.split(sets[c]))
            row.append(value)
        rows.append(tuple(row))
    return columns, rows


def fs(*items):
    return frozenset(items)


# ------------------------------------------------------------------------- every query

def test_events_by_type(store):
    cols, rows = run(store, "events-by-type")
    assert cols == ["type", "events"]
    assert rows == [
        # a4-1, a1-2, and the strike reported by a4, a5 and a6 under IRIs linked by owl:sameAs,
        # counted once (two of its reports say airstrike)
        ("ckg:Airstrike", 3),
        ("ckg:Ambush", 1),
        ("ckg:Clash", 1),
        ("ckg:DroneStrike", 1),       # the same strike: a5 calls it a drone strike
        ("ckg:GroundOperation", 1),   # g1: three article graphs, one event
        ("ckg:Kidnapping", 1),
        ("ckg:Raid", 1),
        ("ckg:Shelling", 1),
        ("ckg:SuicideBombing", 1),
    ]


OPERATIONS_BY_ACTOR = [
    # a1-2, a4-1 and the strike on Port Sahil reported three times (a4-4, a5-1, a6-1, linked by
    # owl:sameAs), counted once; a5 calls it a drone strike, so it also counts there
    ("actor:allied-coalition", "Allied Air Coalition", "agent", "ckg:Airstrike", 3),
    ("actor:allied-coalition", "Allied Air Coalition", "agent", "ckg:DroneStrike", 1),
    ("actor:allied-coalition", "Allied Air Coalition", "supporter", "ckg:GroundOperation", 1),
    ("actor:allied-coalition", "Allied Air Coalition", "supporter", "ckg:Raid", 1),
    ("actor:black-banner", "Black Banner Front", "agent", "ckg:Ambush", 1),
    ("actor:black-banner", "Black Banner Front", "agent", "ckg:Shelling", 1),
    ("actor:black-banner", "Black Banner Front", "agent", "ckg:SuicideBombing", 1),
    ("actor:black-banner", "Black Banner Front", "target", "ckg:Airstrike", 3),
    ("actor:black-banner", "Black Banner Front", "target", "ckg:Clash", 1),
    ("actor:black-banner", "Black Banner Front", "target", "ckg:DroneStrike", 1),
    ("actor:black-banner", "Black Banner Front", "target", "ckg:GroundOperation", 1),
    ("actor:black-banner", "Black Banner Front", "target", "ckg:Raid", 1),
    ("actor:civilians", "civilians", "target", "ckg:Kidnapping", 1),
    ("actor:civilians", "civilians", "target", "ckg:SuicideBombing", 1),
    ("actor:northern-guard", "Northern Guard", "agent", "ckg:GroundOperation", 1),
    ("actor:northern-guard", "Northern Guard", "agent", "ckg:Raid", 1),
    ("actor:northern-guard", "Northern Guard", "target", "ckg:Shelling", 1),
    ("actor:qaradian-army", "Qaradian Army", "agent", "ckg:GroundOperation", 1),
    ("actor:qaradian-army", "Qaradian Army", "agent", "ckg:Raid", 1),
    ("actor:qaradian-army", "Qaradian Army", "supporter", "ckg:Clash", 1),
    ("actor:qaradian-army", "Qaradian Army", "target", "ckg:Ambush", 1),
    ("actor:sahil-brigades", "Sahil Popular Brigades", "agent", "ckg:Clash", 1),
    ("actor:a4-gunmen", "unidentified gunmen", "agent", "ckg:Kidnapping", 1),
]


def test_operations_by_actor(store):
    cols, rows = run(store, "operations-by-actor")
    assert cols == ["actor", "actorLabel", "role", "type", "events"]
    assert rows == OPERATIONS_BY_ACTOR


@pytest.mark.parametrize("actor", [
    "BBF",                                      # an alternative label
    "black banner front",                       # the label, other case
    f"{BASE}id/actor/black-banner",             # an IRI
    f"<{BASE}id/actor/black-banner>",           # an IRI in <>
])
def test_operations_by_actor_one(store, actor):
    _, rows = run(store, "operations-by-actor", {"actor": actor})
    assert rows == [r for r in OPERATIONS_BY_ACTOR if r[0] == "actor:black-banner"]


def test_operations_by_actor_unknown_actor(store):
    assert run(store, "operations-by-actor", {"actor": "Nobody Brigade"})[1] == []
    assert run(store, "operations-by-actor", {"actor": f"{BASE}id/actor/nobody"})[1] == []


def test_actor_operations(store):
    sets = {"places": "; ", "types": ", "}
    cols, rows = run(store, "actor-operations", {"actor": "bbf"}, sets)
    assert cols == ["actor", "event", "role", "date", "types", "places"]
    bbf = "actor:black-banner"
    assert rows == [
        (bbf, "event:a3-1", "agent", "2018-06-30", fs("SuicideBombing"), fs("Port Sahil")),
        (bbf, "event:a2-1", "agent", "2018-07", fs("Shelling"), fs("Umm Jarin")),
        (bbf, "event:a1-2", "target", "2018-07-15", fs("Airstrike"), fs("Mount Hazar")),
        (bbf, "event:g1", "target", "2018-07-16", fs("GroundOperation"), fs("Mount Hazar", "Tell Abar")),
        (bbf, "event:a2-3", "target", "2018-07-18", fs("Raid"), fs("Tell Abar")),
        (bbf, "event:a2-2", "agent", "2018-07-19", fs("Ambush"), fs("Kirhan")),
        (bbf, "event:a4-3", "target", "2018-07-28", fs("Clash"), fs("Port Sahil")),
        # the strike reported as a4-4, a5-1 and a6-1 (owl:sameAs): one row under its cluster
        # head, dated by its earliest report (a6-1), with every type its reports give
        (bbf, "event:a4-4", "target", "2018-07-31", fs("Airstrike", "DroneStrike"), fs("Port Sahil")),
        (bbf, "event:a4-1", "target", "2018-08-01", fs("Airstrike"), fs("Kirhan District")),
    ]
    _, rows = run(store, "actor-operations", {"actor": f"{BASE}id/actor/allied-coalition"}, sets)
    coalition = "actor:allied-coalition"
    assert rows == [
        (coalition, "event:a1-2", "agent", "2018-07-15", fs("Airstrike"), fs("Mount Hazar")),
        (coalition, "event:g1", "supporter", "2018-07-16", fs("GroundOperation"), fs("Mount Hazar", "Tell Abar")),
        (coalition, "event:a2-3", "supporter", "2018-07-18", fs("Raid"), fs("Tell Abar")),
        (coalition, "event:a4-4", "agent", "2018-07-31", fs("Airstrike", "DroneStrike"), fs("Port Sahil")),
        (coalition, "event:a4-1", "agent", "2018-08-01", fs("Airstrike"), fs("Kirhan District")),
    ]


def test_actor_operations_needs_the_actor():
    with pytest.raises(QueryParameterError, match="actor"):
        load_query("actor-operations")


TIMELINE_SETS = {"types": ", ", "places": "; ", "agents": "; ", "targets": "; ", "supporters": "; "}
NAHR_TIMELINE = [
    ("event:a2-1", "2018-07", fs("Shelling"), fs("Umm Jarin"), fs("Black Banner Front"),
     fs("Northern Guard"), None, "event:a2-1"),
    ("event:a1-2", "2018-07-15", fs("Airstrike"), fs("Mount Hazar"), fs("Allied Air Coalition"),
     fs("Black Banner Front"), None, "event:a1-2"),
    ("event:g1", "2018-07-16", fs("GroundOperation"), fs("Mount Hazar", "Tell Abar"),
     fs("Northern Guard", "Qaradian Army"), fs("Black Banner Front"), fs("Allied Air Coalition"), "event:g1"),
    ("event:a2-3", "2018-07-18", fs("Raid"), fs("Tell Abar"), fs("Northern Guard", "Qaradian Army"),
     fs("Black Banner Front"), fs("Allied Air Coalition"), "event:a2-3"),
    ("event:a2-2", "2018-07-19", fs("Ambush"), fs("Kirhan"), fs("Black Banner Front"),
     fs("Qaradian Army"), None, "event:a2-2"),
    ("event:a4-1", "2018-08-01", fs("Airstrike"), fs("Kirhan District"), fs("Allied Air Coalition"),
     fs("Black Banner Front"), None, "event:a4-1"),
]


def test_timeline_region(store):
    cols, rows = run(store, "timeline-region", {"region": "Nahr Governorate"}, TIMELINE_SETS)
    assert cols == ["event", "date", "types", "places", "agents", "targets", "supporters", "fusedEvent"]
    assert rows == NAHR_TIMELINE
    # a district, by IRI: the events at its villages and at the mountain
    _, rows = run(store, "timeline-region", {"region": f"{BASE}id/place/tell-abar-district"}, TIMELINE_SETS)
    assert [r[0] for r in rows] == ["event:a2-1", "event:a1-2", "event:g1", "event:a2-3"]
    # a town: itself and the checkpoint located in it
    _, rows = run(store, "timeline-region", {"region": "port sahil"}, TIMELINE_SETS)
    # the strike on Port Sahil reported three times: one row per report, fusedEvent names the
    # event (the cluster head a4-4)
    assert rows == [
        ("event:a3-1", "2018-06-30", fs("SuicideBombing"), fs("Port Sahil"), fs("Black Banner Front"),
         fs("civilians"), None, "event:a3-1"),
        ("event:a4-3", "2018-07-28", fs("Clash"), fs("Port Sahil"), fs("Sahil Popular Brigades"),
         fs("Black Banner Front"), fs("Qaradian Army"), "event:a4-3"),
        ("event:a4-2", "2018-07-30", fs("Kidnapping"), fs("Al-Mina checkpoint"), fs("unidentified gunmen"),
         fs("civilians"), None, "event:a4-2"),
        ("event:a6-1", "2018-07-31", fs("Airstrike"), fs("Port Sahil"), fs("Allied Air Coalition"),
         fs("Black Banner Front"), None, "event:a4-4"),
        ("event:a4-4", "2018-08-01", fs("Airstrike"), fs("Port Sahil"), fs("Allied Air Coalition"),
         fs("Black Banner Front"), None, "event:a4-4"),
        ("event:a5-1", "2018-08-01", fs("DroneStrike"), fs("Port Sahil"), fs("Allied Air Coalition"),
         fs("Black Banner Front"), None, "event:a4-4"),
    ]
    # the strength estimate and control claim have a ckg:place but are not operations
    _, rows = run(store, "timeline-region", {"region": "Qaradia"})
    assert [r[0] for r in rows] == [
        "event:a3-1", "event:a2-1", "event:a1-2", "event:g1", "event:a2-3", "event:a2-2",
        "event:a4-3", "event:a4-2", "event:a6-1", "event:a4-1", "event:a4-4", "event:a5-1",
    ]


@pytest.mark.parametrize("dates, expected", [
    # the month-precision shelling overlaps any range that touches July 2018
    ({"from": "2018-07-16", "to": "2018-07-28"},
     ["event:a2-1", "event:g1", "event:a2-3", "event:a2-2", "event:a4-3"]),
    ({"from": "2018-08"}, ["event:a4-1", "event:a4-4", "event:a5-1"]),
    ({"to": "2018-06"}, ["event:a3-1"]),
    ({"from": "2018", "to": "2018"}, [
        "event:a3-1", "event:a2-1", "event:a1-2", "event:g1", "event:a2-3", "event:a2-2",
        "event:a4-3", "event:a4-2", "event:a6-1", "event:a4-1", "event:a4-4", "event:a5-1"]),
    ({"from": "2018-07-20", "to": "2018-07-20"}, ["event:a2-1"]),
    ({"from": "2019"}, []),
])
def test_timeline_region_date_range(store, dates, expected):
    _, rows = run(store, "timeline-region", {"region": "Qaradia", **dates})
    assert [r[0] for r in rows] == expected


def test_timeline_region_unknown_region(store):
    assert run(store, "timeline-region", {"region": "Atlantis"})[1] == []
    with pytest.raises(QueryParameterError):
        load_query("timeline-region")


def test_who_fought_whom(store):
    cols, rows = run(store, "who-fought-whom")
    assert cols == ["agent", "agentLabel", "target", "targetLabel", "events", "first", "last"]
    assert rows == [
        ("actor:allied-coalition", "Allied Air Coalition", "actor:black-banner", "Black Banner Front",
         3, "2018-07-15", "2018-08-01"),   # a1-2, a4-1, and the strike reported as a4-4, a5-1, a6-1
        ("actor:northern-guard", "Northern Guard", "actor:black-banner", "Black Banner Front",
         2, "2018-07-16", "2018-07-18"),
        ("actor:qaradian-army", "Qaradian Army", "actor:black-banner", "Black Banner Front",
         2, "2018-07-16", "2018-07-18"),
        ("actor:black-banner", "Black Banner Front", "actor:civilians", "civilians",
         1, "2018-06-30", "2018-06-30"),
        ("actor:black-banner", "Black Banner Front", "actor:northern-guard", "Northern Guard",
         1, "2018-07", "2018-07"),
        ("actor:black-banner", "Black Banner Front", "actor:qaradian-army", "Qaradian Army",
         1, "2018-07-19", "2018-07-19"),
        ("actor:sahil-brigades", "Sahil Popular Brigades", "actor:black-banner", "Black Banner Front",
         1, "2018-07-28", "2018-07-28"),
        ("actor:a4-gunmen", "unidentified gunmen", "actor:civilians", "civilians",
         1, "2018-07-30", "2018-07-30"),
    ]


CLAIMS = [
    # event, kind, claim, killed, wounded, source, sourceLabel, article, published, outlet,
    # outletLabel, conflict, graph
    ("event:a1-2", "report", "event:a1-2", 12, None, "src:coalition-spokesperson", "coalition spokesperson",
     "article:a1", "2018-07-17", "outlet:northern-daily", "Northern Daily", False, "graph:a1"),
    ("event:a2-1", "report", "event:a2-1", 2, 7, "src:monitoring-network", "Qaradia Monitoring Network",
     "article:a2", "2018-07-20", "outlet:northern-daily", "Northern Daily", False, "graph:a2"),
    ("event:a2-2", "report", "event:a2-2", 4, 2, "actor:ministry-of-defence", "Qaradian Ministry of Defence",
     "article:a2", "2018-07-20", "outlet:northern-daily", "Northern Daily", False, "graph:a2"),
    ("event:a3-1", "claim", "claim:a3-c1", 11, 30, "src:monitoring-network", "Qaradia Monitoring Network",
     "article:a3", "2018-07-18", "outlet:gulf-wire", "Gulf Wire", True, "graph:a3"),
    ("event:a3-1", "report", "event:a3-1", 9, 21, "src:a3-resident", "a resident of Port Sahil",
     "article:a3", "2018-07-18", "outlet:gulf-wire", "Gulf Wire", True, "graph:a3"),
    ("event:a4-1", "report", "event:a4-1", 5, None, "src:coalition-spokesperson", "coalition spokesperson",
     "article:a4", "2018-08-02", "outlet:capital-times", "Capital Times", False, "graph:a4"),
    ("event:a4-3", "report", "event:a4-3", 6, 3, "actor:ministry-of-defence", "Qaradian Ministry of Defence",
     "article:a4", "2018-08-02", "outlet:capital-times", "Capital Times", False, "graph:a4"),
    # the strike reported under three IRIs linked by owl:sameAs, listed under its cluster head
    # a4-4; `claim` names the report a figure is stated on
    ("event:a4-4", "report", "event:a4-4", 6, None, "src:coalition-spokesperson", "coalition spokesperson",
     "article:a4", "2018-08-02", "outlet:capital-times", "Capital Times", True, "graph:a4"),
    ("event:a4-4", "report", "event:a5-1", 4, None, "src:a5-residents", "residents of Port Sahil",
     "article:a5", "2018-08-03", "outlet:gulf-wire", "Gulf Wire", True, "graph:a5"),
    ("event:a4-4", "claim", "claim:a6-c1", 11, None, "src:monitoring-network", "Qaradia Monitoring Network",
     "article:a6", "2018-08-04", "outlet:northern-daily", "Northern Daily", True, "graph:a6"),
    ("event:a4-4", "report", "event:a6-1", 5, None, "actor:ministry-of-defence", "Qaradian Ministry of Defence",
     "article:a6", "2018-08-04", "outlet:northern-daily", "Northern Daily", True, "graph:a6"),
    ("event:g1", "claim", "claim:a1-c1", 26, None, "actor:ministry-of-defence", "Qaradian Ministry of Defence",
     "article:a1", "2018-07-17", "outlet:northern-daily", "Northern Daily", True, "graph:a1"),
    ("event:g1", "report", "event:g1", 3, 5, "src:a1-military-source", "a military source",
     "article:a1", "2018-07-17", "outlet:northern-daily", "Northern Daily", True, "graph:a1"),
    # a2 describes g1 too, without figures: no row
    ("event:g1", "report", "event:g1", 7, 5, "actor:ministry-of-defence", "Qaradian Ministry of Defence",
     "article:a3", "2018-07-18", "outlet:gulf-wire", "Gulf Wire", True, "graph:a3"),
]


def test_claims_about_event(store):
    cols, rows = run(store, "claims-about-event")
    assert cols == ["event", "kind", "claim", "killed", "wounded", "source", "sourceLabel", "article",
                    "published", "outlet", "outletLabel", "conflict", "graph"]
    assert rows == CLAIMS


def test_claims_about_one_event(store):
    _, rows = run(store, "claims-about-event", {"event": f"{BASE}id/event/g1"})
    assert rows == [r for r in CLAIMS if r[0] == "event:g1"]
    _, rows = run(store, "claims-about-event", {"event": f"<{BASE}id/event/a2-2>"})
    assert rows == [r for r in CLAIMS if r[0] == "event:a2-2"]
    with pytest.raises(QueryParameterError, match="IRI"):
        load_query("claims-about-event", {"event": "g1"})


@pytest.mark.parametrize("report", ["a4-4", "a5-1", "a6-1"])
def test_claims_about_any_report_of_a_same_as_cluster(store, report):
    """Asked about any of the three reports, the figures of all three, under the IRI asked for."""
    _, rows = run(store, "claims-about-event", {"event": f"{BASE}id/event/{report}"})
    cluster = [r for r in CLAIMS if r[0] == "event:a4-4"]
    assert len(cluster) == 4
    assert rows == [(f"event:{report}",) + r[1:] for r in cluster]


def test_claims_about_a_non_operation(store):
    # a6-1 is owl:sameAs event:a0-3, which no graph types (its article left the store), and the
    # coalition is owl:sameAs a Wikidata item: neither is an event
    assert run(store, "claims-about-event", {"event": f"{BASE}id/event/a0-3"})[1] == []
    assert run(store, "claims-about-event", {"event": "http://www.wikidata.org/entity/Q4100001"})[1] == []
    assert run(store, "claims-about-event", {"event": f"{BASE}id/actor/allied-coalition"})[1] == []


def test_claims_conflict_on_wounded_only():
    s = ox.Store()
    s.load(FIXTURE.read_bytes(), format=ox.RdfFormat.TRIG)
    # a second article agrees on the killed figure of a2-2 but not on the wounded one
    s.load(f"""{TRIG_PREFIXES}
        <{BASE}graph/article/a5> prov:wasDerivedFrom <{BASE}id/article/a5> .
        <{BASE}id/article/a5> schema:publisher <{BASE}id/outlet/gulf-wire> .
        GRAPH <{BASE}graph/article/a5> {{
          <{BASE}id/event/a2-2> a ckg:Ambush ; ckg:killed 4 ; ckg:wounded 6 .
          <{BASE}id/claim/a5-c1> a ckg:CasualtyClaim ; ckg:about <{BASE}id/event/a2-2> ; ckg:killed 4 .
        }}""".encode(), format=ox.RdfFormat.TRIG)
    _, rows = run(s, "claims-about-event", {"event": f"{BASE}id/event/a2-2"})
    flags = {(r[1], r[3], r[4], r[12]): r[11] for r in rows}
    assert flags == {
        ("report", 4, 2, "graph:a2"): True,
        ("report", 4, 6, "graph:a5"): True,
        ("claim", 4, None, "graph:a5"): False,   # its only figure agrees with every other
    }


EVENT_REPORTS = [
    # event (cluster head), label (the head's), earliest date, types, reports, outlets, outlet
    # names, killedMin, killedMax, preferredKilled (ACLED: the lowest any report states)
    #
    # a4-4, a5-1 (sameAs a4-4) and a6-1 (sameAs a4-4, a5-1 and the untyped a0-3): one strike,
    # headed by the smallest IRI, dated by a6-1, its lowest figure a5-1's
    ("event:a4-4", "Airstrike, Port Sahil, 2018-08-01", "2018-07-31", fs("Airstrike", "DroneStrike"), 3, 3,
     fs("Capital Times", "Gulf Wire", "Northern Daily"), 4, 6, 4),
    # one IRI in three graphs (a1: 3, a2: none, a3: 7; the claim of 26 in a1 is not a report)
    ("event:g1", "Ground operation, Mount Hazar, 2018-07-16", "2018-07-16", fs("GroundOperation"), 3, 2,
     fs("Gulf Wire", "Northern Daily"), 3, 7, 3),
    ("event:a3-1", "Suicide bombing, Port Sahil, 2018-06-30", "2018-06-30", fs("SuicideBombing"), 1, 1,
     fs("Gulf Wire"), 9, 9, 9),
    ("event:a2-1", "Shelling, Umm Jarin, 2018-07", "2018-07", fs("Shelling"), 1, 1,
     fs("Northern Daily"), 2, 2, 2),
    ("event:a1-2", "Airstrike, Mount Hazar, 2018-07-15", "2018-07-15", fs("Airstrike"), 1, 1,
     fs("Northern Daily"), 12, 12, 12),
    ("event:a2-3", "Raid, Tell Abar, 2018-07-18", "2018-07-18", fs("Raid"), 1, 1,
     fs("Northern Daily"), None, None, None),
    ("event:a2-2", "Ambush, Kirhan, 2018-07-19", "2018-07-19", fs("Ambush"), 1, 1,
     fs("Northern Daily"), 4, 4, 4),
    ("event:a4-3", "Clash, Port Sahil, 2018-07-28", "2018-07-28", fs("Clash"), 1, 1,
     fs("Capital Times"), 6, 6, 6),
    ("event:a4-2", "Kidnapping, Al-Mina checkpoint, 2018-07-30", "2018-07-30", fs("Kidnapping"), 1, 1,
     fs("Capital Times"), None, None, None),
    ("event:a4-1", "Airstrike, Kirhan District, 2018-08-01", "2018-08-01", fs("Airstrike"), 1, 1,
     fs("Capital Times"), 5, 5, 5),
]


def test_event_reports(store):
    sets = {"types": ", ", "outletNames": "; "}
    cols, rows = run(store, "event-reports", sets=sets)
    assert cols == ["event", "label", "date", "types", "reports", "outlets", "outletNames",
                    "killedMin", "killedMax", "preferredKilled"]
    assert rows == EVENT_REPORTS
    # one row per cluster: the later reports, the untyped a0-3 and the coalition's Wikidata
    # item (its owl:sameAs is an entity link, not an event link) head nothing
    heads = [r[0] for r in rows]
    assert len(heads) == len(set(heads)) == 10
    assert not {"event:a5-1", "event:a6-1", "event:a0-3", "http://www.wikidata.org/entity/Q4100001"} & set(heads)
    assert all(r[9] == r[7] for r in rows)          # preferredKilled is the lowest report
    assert run(store, "event-reports", {"min_reports": "2"}, sets)[1] == EVENT_REPORTS[:2]
    assert run(store, "event-reports", {"min_reports": 3}, sets)[1] == EVENT_REPORTS[:2]
    assert run(store, "event-reports", {"min_reports": 4}, sets)[1] == []
    with pytest.raises(QueryParameterError):
        load_query("event-reports", {"min_reports": "two"})


def test_event_reports_shared_iri_and_same_as_together():
    """A later article links its own report to the shared IRI g1: one cluster of both forms."""
    s = ox.Store()
    s.load(FIXTURE.read_bytes(), format=ox.RdfFormat.TRIG)
    s.load(f"""{TRIG_PREFIXES}
        <{BASE}graph/article/a7> prov:wasDerivedFrom <{BASE}id/article/a7> .
        <{BASE}id/article/a7> schema:publisher <{BASE}id/outlet/capital-times> ;
            schema:datePublished "2018-07-21"^^xsd:date .
        GRAPH <{BASE}graph/article/a7> {{
          <{BASE}id/event/a7-1> a ckg:Clash ; rdfs:label "Clash, Mount Hazar, 2018-07-16" ;
              ckg:date "2018-07-16"^^xsd:date ; ckg:killed 2 ; owl:sameAs <{BASE}id/event/g1> .
        }}""".encode(), format=ox.RdfFormat.TRIG)
    sets = {"types": ", ", "outletNames": "; "}
    rows = run(s, "event-reports", {"min_reports": 2}, sets)[1]
    assert rows == [
        # "a7-1" sorts before "g1": the new report heads the cluster
        ("event:a7-1", "Clash, Mount Hazar, 2018-07-16", "2018-07-16", fs("Clash", "GroundOperation"), 4, 3,
         fs("Capital Times", "Gulf Wire", "Northern Daily"), 2, 7, 2),
        EVENT_REPORTS[0],
    ]
    _, rows = run(s, "claims-about-event", {"event": f"{BASE}id/event/g1"})
    assert [(r[2], r[3], r[11]) for r in rows] == [
        ("claim:a1-c1", 26, True), ("event:g1", 3, True), ("event:g1", 7, True), ("event:a7-1", 2, True)]
    assert {r[0] for r in rows} == {"event:g1"}


def haversine(lat1, lon1, lat2, lon2, r=6371.0088):
    p1, p2, dp, dl = map(math.radians, (lat1, lat2, lat2 - lat1, lon2 - lon1))
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))


def assert_near_rows(rows, expected):
    assert [r[:3] + r[4:] for r in rows] == [e[:3] + e[4:] for e in expected]
    for row, exp in zip(rows, expected):
        assert row[3] == pytest.approx(exp[3], rel=5e-4, abs=0.011), row


def test_events_near_point(store):
    sets = {"types": ", ", "places": "; "}
    centre = {"lat": "35.70", "long": "43.40"}
    tell_abar = haversine(35.70, 43.40, 35.74, 43.41)      # 4.54 km
    umm_jarin = haversine(35.70, 43.40, 35.65, 43.52)      # 12.18 km
    mount_hazar = haversine(35.70, 43.40, 35.81, 43.29)    # 15.75 km
    cols, rows = run(store, "events-near-point", {**centre, "radius_km": "15"}, sets)
    assert cols == ["event", "date", "types", "distanceKm", "places", "precisionKm", "fusedEvent"]
    assert_near_rows(rows, [
        ("event:g1", "2018-07-16", fs("GroundOperation"), tell_abar, fs("Tell Abar"), 2.0, "event:g1"),
        ("event:a2-3", "2018-07-18", fs("Raid"), tell_abar, fs("Tell Abar"), 2.0, "event:a2-3"),
        ("event:a2-1", "2018-07", fs("Shelling"), umm_jarin, fs("Umm Jarin"), 2.0, "event:a2-1"),
    ])
    _, rows = run(store, "events-near-point", {**centre, "radius_km": 16}, sets)
    assert_near_rows(rows, [
        ("event:g1", "2018-07-16", fs("GroundOperation"), tell_abar, fs("Tell Abar", "Mount Hazar"), 5.0, "event:g1"),
        ("event:a2-3", "2018-07-18", fs("Raid"), tell_abar, fs("Tell Abar"), 2.0, "event:a2-3"),
        ("event:a2-1", "2018-07", fs("Shelling"), umm_jarin, fs("Umm Jarin"), 2.0, "event:a2-1"),
        ("event:a1-2", "2018-07-15", fs("Airstrike"), mount_hazar, fs("Mount Hazar"), 5.0, "event:a1-2"),
    ])
    # default radius 25 km: nothing happened at the governorate's centroid point
    assert run(store, "events-near-point", {"lat": 36.0, "long": 43.7})[1] == []
    _, rows = run(store, "events-near-point", {"lat": "36.0", "long": "43.7", "radius_km": "35"}, sets)
    assert_near_rows(rows, [
        ("event:a4-1", "2018-08-01", fs("Airstrike"), haversine(36.0, 43.7, 36.2, 43.9),
         fs("Kirhan District"), 20.0, "event:a4-1"),
        ("event:a2-2", "2018-07-19", fs("Ambush"), haversine(36.0, 43.7, 36.23, 43.95),
         fs("Kirhan"), 2.0, "event:a2-2"),
    ])


def test_events_near_point_names_the_fused_event(store):
    """The strike on Port Sahil, reported three times: a row per report, one fusedEvent."""
    _, rows = run(store, "events-near-point", {"lat": 33.25, "long": 44.95, "radius_km": 1})
    assert sorted((r[0], r[6]) for r in rows) == [
        ("event:a3-1", "event:a3-1"), ("event:a4-3", "event:a4-3"), ("event:a4-4", "event:a4-4"),
        ("event:a5-1", "event:a4-4"), ("event:a6-1", "event:a4-4")]


def test_events_near_point_accuracy_and_antimeridian():
    """Distances against the haversine formula, across the antimeridian and at 60 degrees."""
    s = ox.Store()
    points = {"p1": (0.0, 179.9), "p2": (60.0, 10.0), "p3": (-33.9, 151.2)}
    for key, (lat, lon) in points.items():
        s.load(f"""{TRIG_PREFIXES}
            GRAPH <{BASE}graph/article/t> {{
              <{BASE}id/event/{key}> a ckg:Airstrike ; ckg:place <{BASE}id/place/{key}> .
              <{BASE}id/place/{key}> geo:lat {lat} ; geo:long {lon} .
            }}""".encode(), format=ox.RdfFormat.TRIG)
    for centre, key in [((0.0, -179.8), "p1"), ((60.5, 11.0), "p2"), ((-34.3, 150.6), "p3")]:
        expected = haversine(*centre, *points[key])
        _, rows = run(s, "events-near-point", {"lat": centre[0], "long": centre[1], "radius_km": 100})
        assert [r[0] for r in rows] == [f"event:{key}"]
        assert rows[0][3] == pytest.approx(expected, rel=5e-4), (centre, key)
    _, rows = run(s, "events-near-point", {"lat": 0.0, "long": -179.8, "radius_km": 10})
    assert rows == []   # p1 is 33 km away, across the antimeridian


def test_events_near_point_needs_the_point():
    with pytest.raises(QueryParameterError, match="lat"):
        load_query("events-near-point", {"long": "43.4"})
    with pytest.raises(QueryParameterError):
        load_query("events-near-point", {"lat": "35.7) } DROP ALL #", "long": "43.4"})


PARTNERS = [
    ("actor:allied-coalition", "Allied Air Coalition", "actor:northern-guard", "Northern Guard",
     "supports", 2, "2018-07-16", "2018-07-18"),
    ("actor:allied-coalition", "Allied Air Coalition", "actor:qaradian-army", "Qaradian Army",
     "supports", 2, "2018-07-16", "2018-07-18"),
    ("actor:northern-guard", "Northern Guard", "actor:qaradian-army", "Qaradian Army",
     "co-agent", 2, "2018-07-16", "2018-07-18"),
    ("actor:northern-guard", "Northern Guard", "actor:allied-coalition", "Allied Air Coalition",
     "supported-by", 2, "2018-07-16", "2018-07-18"),
    ("actor:qaradian-army", "Qaradian Army", "actor:northern-guard", "Northern Guard",
     "co-agent", 2, "2018-07-16", "2018-07-18"),
    ("actor:qaradian-army", "Qaradian Army", "actor:allied-coalition", "Allied Air Coalition",
     "supported-by", 2, "2018-07-16", "2018-07-18"),
    ("actor:qaradian-army", "Qaradian Army", "actor:sahil-brigades", "Sahil Popular Brigades",
     "supports", 1, "2018-07-28", "2018-07-28"),
    ("actor:sahil-brigades", "Sahil Popular Brigades", "actor:qaradian-army", "Qaradian Army",
     "supported-by", 1, "2018-07-28", "2018-07-28"),
]


def test_actor_partners(store):
    cols, rows = run(store, "actor-partners")
    assert cols == ["actor", "actorLabel", "partner", "partnerLabel", "relation", "events", "first", "last"]
    assert rows == PARTNERS
    army = [r for r in PARTNERS if r[0] == "actor:qaradian-army"]
    assert run(store, "actor-partners", {"actor": "the army"})[1] == army
    assert run(store, "actor-partners", {"actor": "QARADIAN ARMY"})[1] == army
    assert run(store, "actor-partners", {"actor": f"{BASE}id/actor/qaradian-army"})[1] == army
    assert run(store, "actor-partners", {"actor": "civilians"})[1] == []


def test_outlet_coverage(store):
    cols, rows = run(store, "outlet-coverage", sets={"eventsByType": "; "})
    assert cols == ["outlet", "outletLabel", "articles", "firstPublished", "lastPublished", "events",
                    "firstEvent", "lastEvent", "eventsByType"]
    assert rows == [
        ("outlet:northern-daily", "Northern Daily", 3, "2018-07-17", "2018-08-04", 6, "2018-07", "2018-07-31",
         fs("Airstrike=2", "Ambush=1", "GroundOperation=1", "Raid=1", "Shelling=1")),
        ("outlet:gulf-wire", "Gulf Wire", 2, "2018-07-18", "2018-08-03", 3, "2018-06-30", "2018-08-01",
         fs("DroneStrike=1", "GroundOperation=1", "SuicideBombing=1")),
        ("outlet:capital-times", "Capital Times", 1, "2018-08-02", "2018-08-02", 4, "2018-07-28", "2018-08-01",
         fs("Airstrike=2", "Clash=1", "Kidnapping=1")),
    ]


def test_places_most_violence(store):
    cols, rows = run(store, "places-most-violence")
    assert cols == ["area", "areaLabel", "events", "killedMin", "killedMax"]
    assert rows == [
        # a3-1 (9) + a4-3 (6) + the strike reported three times, once: a4-4 (6), a5-1 (4), a6-1 (5)
        ("place:port-sahil", "Port Sahil", 3, 19, 21),
        ("place:mount-hazar", "Mount Hazar", 2, 15, 19),   # g1 (3 or 7) + a1-2 (12)
        ("place:tell-abar", "Tell Abar", 2, 3, 7),         # g1 + a2-3 (no figure)
        ("place:kirhan-district", "Kirhan District", 1, 5, 5),
        ("place:kirhan", "Kirhan", 1, 4, 4),
        ("place:umm-jarin", "Umm Jarin", 1, 2, 2),
        ("place:mina-checkpoint", "Al-Mina checkpoint", 1, 0, 0),
    ]
    assert run(store, "places-most-violence", {"rollup": "place"})[1] == rows
    assert run(store, "places-most-violence", {"rollup": "region"})[1] == [
        ("place:nahr", "Nahr Governorate", 6, 26, 30),     # g1 counted once despite two places
        ("place:sahil", "Sahil Governorate", 4, 19, 21),   # the three above and a4-2
    ]
    assert run(store, "places-most-violence", {"rollup": "country"})[1] == [
        ("place:qaradia", "Qaradia", 10, 45, 51),
    ]
    with pytest.raises(QueryParameterError, match="place, region, country"):
        load_query("places-most-violence", {"rollup": "district"})


def test_sources_by_kind(store):
    cols, rows = run(store, "sources-by-kind")
    assert cols == ["kind", "sources", "events", "claims", "articles"]
    assert rows == [
        ("ckg:AnonymousSource", 3, 3, 1, 3),   # military source, local official, police source
        # coalition spokesperson, the ministry (an actor): a1-2, a4-1, g1, a2-2, a4-3 and the
        # strike cited by both in its reports a4-4 and a6-1, once
        ("ckg:OfficialSource", 2, 6, 2, 5),
        ("ckg:Witness", 2, 2, 0, 2),           # a resident of Port Sahil (a3), residents (a5)
        ("ckg:Monitor", 1, 1, 2, 3),
    ]


def test_casualties_by_month(store):
    cols, rows = run(store, "casualties-by-month")
    assert cols == ["month", "events", "killedMin", "killedMax", "woundedMin", "woundedMax"]
    assert rows == [
        ("2018-06", 1, 9, 9, 21, 21),
        # g1 3|7 w5, a1-2 12, a2-1 2 w7, a2-2 4 w2, a2-3 -, a4-2 -, a4-3 6 w3, and the strike
        # reported as a4-4 (6), a5-1 (4) and a6-1 (5): once, in July (a6-1's date is the
        # earliest), with 4|6
        ("2018-07", 8, 31, 37, 17, 17),
        ("2018-08", 1, 5, 5, 0, 0),      # a4-1
    ]


SECOND_REPORT = f"""{TRIG_PREFIXES}
    <{BASE}graph/article/a7> prov:wasDerivedFrom <{BASE}id/article/a7> .
    <{BASE}id/article/a7> schema:publisher <{BASE}id/outlet/northern-daily> ;
        schema:datePublished "2018-07-21"^^xsd:date .
    GRAPH <{BASE}graph/article/a7> {{
      <{BASE}id/actor/black-banner> rdfs:label "Black Banner Front" .
      <{BASE}id/actor/qaradian-army> rdfs:label "Qaradian Army" .
      <{BASE}id/place/kirhan> rdfs:label "Kirhan" .
      <{BASE}id/actor/ministry-of-defence> a ckg:Organization, ckg:OfficialSource ;
          rdfs:label "Qaradian Ministry of Defence" .
      <{BASE}id/event/a7-1> a ckg:Ambush ; rdfs:label "Ambush, Kirhan, 2018-07-18" ;
          ckg:agent <{BASE}id/actor/black-banner> ; ckg:target <{BASE}id/actor/qaradian-army> ;
          ckg:place <{BASE}id/place/kirhan> ; ckg:date "2018-07-18"^^xsd:date ;
          ckg:killed 6 ; ckg:wounded 2 ; ckg:accordingTo <{BASE}id/actor/ministry-of-defence> ;
          owl:sameAs <{BASE}id/event/a2-2> .
    }}"""


@pytest.fixture(scope="module")
def second_report() -> ox.Store:
    """The fixture plus a second report of the Kirhan ambush a2-2, in a later Northern Daily
    article: its own IRI a7-1, owl:sameAs a2-2, a day earlier and with 6 killed (a2 says 4)."""
    s = ox.Store()
    s.load(FIXTURE.read_bytes(), format=ox.RdfFormat.TRIG)
    s.load(SECOND_REPORT.encode(), format=ox.RdfFormat.TRIG)
    return s


def test_events_by_type_second_report_counts_once(store, second_report):
    assert run(second_report, "events-by-type")[1] == run(store, "events-by-type")[1]


def test_operations_by_actor_second_report_counts_once(store, second_report):
    assert run(second_report, "operations-by-actor")[1] == OPERATIONS_BY_ACTOR


def test_actor_partners_second_report_counts_once(store, second_report):
    assert run(second_report, "actor-partners")[1] == PARTNERS


def test_who_fought_whom_second_report_counts_once(store, second_report):
    rows = run(second_report, "who-fought-whom")[1]
    # still one ambush; the dates are those its two reports give
    assert ("actor:black-banner", "Black Banner Front", "actor:qaradian-army", "Qaradian Army",
            1, "2018-07-18", "2018-07-19") in rows
    assert len(rows) == len(run(store, "who-fought-whom")[1])


def test_casualties_by_month_second_report_counts_once(second_report):
    rows = run(second_report, "casualties-by-month")[1]
    # July: still 8 events; the ambush adds its lowest figure (4) to killedMin and its
    # highest (6) to killedMax; both reports say 2 wounded
    assert rows[1] == ("2018-07", 8, 31, 39, 17, 17)


def test_places_most_violence_second_report_counts_once(second_report):
    rows = run(second_report, "places-most-violence")[1]
    assert ("place:kirhan", "Kirhan", 1, 4, 6) in rows
    assert run(second_report, "places-most-violence", {"rollup": "country"})[1] == [
        ("place:qaradia", "Qaradia", 10, 45, 53)]


def test_outlet_coverage_second_report_counts_once(second_report):
    rows = run(second_report, "outlet-coverage", sets={"eventsByType": "; "})[1]
    # Northern Daily reported the ambush twice (a2, a7): one event for it
    assert rows[0] == ("outlet:northern-daily", "Northern Daily", 4, "2018-07-17", "2018-08-04", 6,
                       "2018-07", "2018-07-31",
                       fs("Airstrike=2", "Ambush=1", "GroundOperation=1", "Raid=1", "Shelling=1"))


def test_sources_by_kind_second_report_counts_once(second_report):
    rows = run(second_report, "sources-by-kind")[1]
    assert ("ckg:OfficialSource", 2, 6, 2, 6) in rows   # one article more, no event more


def test_actor_operations_second_report_counts_once(second_report):
    sets = {"places": "; ", "types": ", "}
    rows = run(second_report, "actor-operations", {"actor": "Qaradian Army"}, sets)[1]
    # the ambush a2-2 and its later report a7-1: one row, dated by a7-1 (the earlier date)
    assert [r[1:4] for r in rows if r[2] == "target"] == [("event:a2-2", "target", "2018-07-18")]



UNDATED_REPORTS = f"""{TRIG_PREFIXES}
    <{BASE}graph/article/a8> prov:wasDerivedFrom <{BASE}id/article/a8> .
    <{BASE}id/article/a8> schema:publisher <{BASE}id/outlet/northern-daily> .
    GRAPH <{BASE}graph/article/a8> {{
      <{BASE}id/actor/qaradian-army> rdfs:label "Qaradian Army" .
      <{BASE}id/event/a8-1> a ckg:Ambush ; rdfs:label "Ambush" ;
          ckg:target <{BASE}id/actor/qaradian-army> ; owl:sameAs <{BASE}id/event/a2-2> .
      <{BASE}id/event/a8-2> a ckg:Raid ; rdfs:label "Raid" ;
          ckg:agent <{BASE}id/actor/qaradian-army> .
    }}"""


def test_actor_operations_dates_skip_undated_reports():
    """The earliest date over the reports that give one; none when no report of the event does
    (the query counts a missing date as "~", after every date, and gives no date for "~")."""
    s = ox.Store()
    s.load(FIXTURE.read_bytes(), format=ox.RdfFormat.TRIG)
    s.load(UNDATED_REPORTS.encode(), format=ox.RdfFormat.TRIG)
    rows = run(s, "actor-operations", {"actor": f"{BASE}id/actor/qaradian-army"})[1]
    dates = {(r[1], r[2]): r[3] for r in rows}
    # a8-1 (no date) is a report of the ambush a2-2: the ambush keeps a2-2's date
    assert dates[("event:a2-2", "target")] == "2018-07-19"
    # a8-2 is alone and undated: listed, with no date (first: SPARQL orders no value first)
    assert dates[("event:a8-2", "agent")] is None
    assert rows[0][1] == "event:a8-2"

def test_event_reports_second_report(second_report):
    rows = run(second_report, "event-reports", {"min_reports": 2}, {"types": ", ", "outletNames": "; "})[1]
    assert ("event:a2-2", "Ambush, Kirhan, 2018-07-19", "2018-07-18", fs("Ambush"), 2, 1,
            fs("Northern Daily"), 4, 6, 4) in rows


def test_every_query_is_tested():
    """Each library query has a test_<name> above that checks its exact answer."""
    missing = [q.name for q in list_queries() if "test_" + q.name.replace("-", "_") not in globals()]
    assert missing == []


# ----------------------------------------------------------------------- the library

def test_list_queries_headers():
    found = list_queries()
    names = [q.name for q in found]
    assert names == sorted(p.stem for p in QUERY_DIR.glob("*.rq"))
    assert {"operations-by-actor", "timeline-region", "who-fought-whom", "claims-about-event",
            "events-near-point", "actor-partners", "outlet-coverage", "places-most-violence",
            "events-by-type", "sources-by-kind"} <= set(names)
    for q in found:
        assert q.title.strip(), q.name
        assert len(q.description) > 40, q.name
        text = q.text
        assert re.search(r"(?m)^# title: \S", text), q.name
        assert re.search(r"(?m)^# description: \S", text), q.name
        assert re.search(r"(?m)^# parameters: \S", text), q.name
        for p in q.parameters:
            assert p.description, (q.name, p.name)
        # every $variable of the query is a declared parameter (or its label companion)
        body = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("#"))
        declared = {v for p in q.parameters for v in p.variables}
        assert set(re.findall(r"\$([A-Za-z_]\w*)", body)) == declared, q.name


def test_parameter_metadata():
    q = kq.get_query("events-near-point")
    assert [(p.name, p.type, p.required, p.default) for p in q.parameters] == [
        ("lat", "number", True, None), ("long", "number", True, None), ("radius_km", "number", False, "25"),
    ]
    q = kq.get_query("places-most-violence")
    (rollup,) = q.parameters
    assert (rollup.type, rollup.choices, rollup.default) == ("choice", ("place", "region", "country"), '"place"')
    assert kq.get_query("operations-by-actor").parameter("actor").variables == ("actor", "actor_label")
    assert kq.get_query("events-by-type").parameters == ()


def test_operation_type_lists_agree():
    from kg.model import EVENT_TYPES

    lists = {}
    for q in list_queries():
        body = "\n".join(l for l in q.text.splitlines() if not l.lstrip().startswith("#"))
        for m in re.finditer(r"VALUES \?type\d* \{([^}]*)\}", body):
            lists.setdefault(q.name, []).append(frozenset(m.group(1).split()))
    assert lists, "no operation type lists found"
    all_lists = {l for ls in lists.values() for l in ls}
    assert len(all_lists) == 1, lists
    (types,) = all_lists
    assert {f"ckg:{t}" for t in EVENT_TYPES} | {"ckg:Operation", "ckg:SuicideBombing"} == types


def test_unknown_query_lists_names():
    with pytest.raises(QueryNotFound) as info:
        load_query("no-such-query")
    names = [q.name for q in list_queries()]
    assert info.value.available == names
    for name in names:
        assert name in str(info.value)
    for bad in ["../kg/queries", "/etc/passwd", "missing.rq", "who-fought-whom; DROP"]:
        with pytest.raises(QueryNotFound):
            load_query(bad)
    assert isinstance(info.value, LookupError)


def test_load_by_name_path_and_file(tmp_path):
    by_name = load_query("who-fought-whom")
    assert by_name == (QUERY_DIR / "who-fought-whom.rq").read_text(encoding="utf-8")
    assert load_query("who-fought-whom.rq") == by_name
    assert load_query(str(QUERY_DIR / "who-fought-whom.rq")) == by_name
    assert load_query(QUERY_DIR / "who-fought-whom.rq") == by_name
    own = tmp_path / "mine.rq"
    own.write_text(
        "# title: Mine\n# description: A query of my own, outside the library, with a parameter.\n"
        "# parameters: who\n# param who: string -- a name\n"
        "SELECT ?x WHERE {\n  VALUES ($who) { (\"nobody\") }\n  BIND($who AS ?x)\n}\n"
    )
    assert kq.get_query(str(own)).parameters[0].default == '"nobody"'
    s = ox.Store()
    assert [py(r["x"]) for r in s.query(load_query(str(own)))] == ["nobody"]
    assert [py(r["x"]) for r in s.query(load_query(str(own), {"who": "Ann"}))] == ["Ann"]
    assert [py(r["x"]) for r in s.query(load_query(str(own), {"$who": 'a "b" \\ c\nd'}))] == ['a "b" \\ c\nd']


def test_unknown_and_duplicate_parameters():
    with pytest.raises(QueryParameterError, match="no parameter 'colour'"):
        load_query("operations-by-actor", {"colour": "red"})
    with pytest.raises(QueryParameterError, match="parameters: none"):
        load_query("events-by-type", {"actor": "x"})
    with pytest.raises(QueryParameterError, match="twice"):
        load_query("operations-by-actor", {"actor": "a", "$actor": "b"})


INJECTIONS = [
    '" } DROP ALL #',
    '"} } ; DROP ALL ; SELECT * { #',
    "\\\" } DROP ALL #",
    "\\u0022 } DROP ALL #",
    "x' } DROP ALL #",
    "line\nbreak\" } #",
]


@pytest.mark.parametrize("label", INJECTIONS)
def test_injection_in_a_label_stays_a_string(store, label):
    text = load_query("operations-by-actor", {"actor": label})
    before = len(store)
    result = store.query(text, use_default_graph_as_union=True)
    assert list(result) == []
    assert len(store) == before
    # the label reaches the query as exactly that string: an actor with that label is found
    s = ox.Store()
    ckg = "https://w3id.org/conflict-kg/ontology#"
    g = ox.NamedNode(f"{BASE}graph/article/x")
    e, a = ox.NamedNode(f"{BASE}id/event/x-1"), ox.NamedNode(f"{BASE}id/actor/odd")
    s.extend([
        ox.Quad(e, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(ckg + "Raid"), g),
        ox.Quad(e, ox.NamedNode(ckg + "agent"), a, g),
        ox.Quad(a, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal(label), g),
    ])
    rows = [(py(r["actor"]), py(r["events"])) for r in s.query(text, use_default_graph_as_union=True)]
    assert rows == [("actor:odd", 1)]


@pytest.mark.parametrize("value", [
    f"<{BASE}id/actor/x> }} DROP ALL {{ <a:b>",
    f"{BASE}id/actor/x> }} DROP ALL #",
    "http://example.org/a b",
    'urn:x"y',
    "<not an iri>",
    "<relative/path>",
])
def test_injection_in_an_iri_is_rejected(value):
    with pytest.raises(QueryParameterError):
        load_query("claims-about-event", {"event": value})
    if _looks_like_iri(value):
        with pytest.raises(QueryParameterError):
            load_query("operations-by-actor", {"actor": value})


def _looks_like_iri(value: str) -> bool:
    return value.startswith("<") or "://" in value.split()[0] or value.startswith("urn:")


@pytest.mark.parametrize("name, params", [
    ("events-near-point", {"lat": "36", "long": "43; DROP ALL"}),
    ("events-near-point", {"lat": "36", "long": "43", "radius_km": "1e"}),
    ("event-reports", {"min_reports": "1.5"}),
    ("timeline-region", {"region": "Qaradia", "from": "2018-13"}),
    ("timeline-region", {"region": "Qaradia", "to": '2018" } #'}),
    ("places-most-violence", {"rollup": 'place" } #'}),
    ("operations-by-actor", {"actor": "bad\x00char"}),
])
def test_malformed_values_are_rejected(name, params):
    with pytest.raises(QueryParameterError):
        load_query(name, params)


def test_substitution_rewrites_only_the_values_row():
    text = load_query("events-near-point", {"lat": "35.7", "long": "-43.4"})
    assert "VALUES ($lat $long $radius_km) { ( 35.7 -43.4 25 ) }" in text
    # the header still documents the parameters, untouched
    assert text.splitlines()[0] == "# title: Events near a point"
    text = load_query("operations-by-actor", {"actor": "the Guard"})
    assert 'VALUES ($actor $actor_label) { ( UNDEF "the Guard" ) }' in text
    text = load_query("operations-by-actor", {"actor": f"{BASE}id/actor/northern-guard"})
    assert f"VALUES ($actor $actor_label) {{ ( <{BASE}id/actor/northern-guard> UNDEF ) }}" in text


def test_a_page_of_an_answer(store):
    """`with_page` appends LIMIT / OFFSET: the pages of an ordered answer are its slices."""
    whole = run(store, "who-fought-whom")[1]
    assert len(whole) > 3
    sparql = load_query("who-fought-whom")

    def rows(text):
        fuse(store)
        return [tuple(py(t) for t in row) for row in store.query(text, use_default_graph_as_union=True)]

    assert rows(with_page(sparql, 2)) == whole[:2]
    assert rows(with_page(sparql, 2, 2)) == whole[2:4]
    assert rows(with_page(sparql, None, 3)) == whole[3:]
    assert with_page(sparql) is sparql
    # a trailing comment does not swallow the page
    assert rows(with_page(sparql + "# the end", 1)) == whole[:1]


@pytest.mark.parametrize("limit, offset", [(0, 0), (-1, 0), (5, -1)])
def test_a_page_needs_sensible_bounds(limit, offset):
    with pytest.raises(QueryParameterError):
        with_page(load_query("events-by-type"), limit, offset)


def test_a_query_paged_in_its_own_text_is_refused():
    with pytest.raises(kq.QueryFormatError, match="already ends with LIMIT"):
        with_page("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 10 OFFSET 5", 3)
    with pytest.raises(kq.QueryFormatError):
        with_page("SELECT * WHERE { ?s ?p ?o } offset 5  # skip\n", 3)
