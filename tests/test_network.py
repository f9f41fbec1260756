"""Actor networks: folding, metrics known by hand, SPARQL extraction, GEXF/GraphML/CSV, pictures, CLI.

The hand-made network (HAND_EVENTS) has five actors and five operations:

    e1 2018-01-10  gov + kurds (agents) against isis, coal supporting   two outlets
    e2 2018-02     isis against kurds (month precision)                 one outlet
    e3 2018-03-05  coal against isis                                    one outlet
    e4 2018-03-20  tribe against isis, gov supporting                   one outlet
    e5 2018-04-02  tribe against kurds                                  one outlet

Ties (weight = operations x independent outlets): co-agent gov-kurds 2; support coal->gov 2,
coal->kurds 2, gov->tribe 1; hostility gov->isis 2, kurds->isis 2, isis->kurds 1, coal->isis 1,
tribe->isis 1, tribe->kurds 1. Every pair is tied except coal-tribe, so the only shortest path
of length two is coal-tribe, through gov, kurds or isis (betweenness 1/3 each, 1/18
normalised). Signed triangles: gov-kurds-coal (+++), gov-kurds-isis, gov-coal-isis,
gov-isis-tribe, kurds-coal-isis (+--) are balanced; gov-kurds-tribe (++-) and
kurds-isis-tribe (---) are not.
"""
from __future__ import annotations

import csv
import json
import math
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import networkx as nx
import numpy as np
import pyoxigraph as ox
import pytest
from lxml import etree

from kg.network import cli as network_cli
from kg.network import export, gexf, metrics, periods
from kg.network.graph import (
    ActorInfo,
    EventInfo,
    NetworkError,
    NetworkFilter,
    actor_graph,
    fold,
    normalise_kinds,
    read_events,
    window_graphs,
)
from kg.store import open_store

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
FIXTURE = HERE / "fixtures" / "small_graph.trig"
SCHEMA_COPY = HERE / "fixtures" / "gexf-1.3" / "gexf.xsd"
SCHEMA_SHARED = REPO / ".." / "shared" / "schemas" / "gexf-1.3" / "gexf.xsd"
JS_DIR = HERE / "js"

A = "https://w3id.org/conflict-kg/id/actor/"
P = "https://w3id.org/conflict-kg/id/place/"

# ------------------------------------------------------------------------ the hand-made network

HAND_ACTORS = {
    "gov": ActorInfo("gov", "Government Army", "StateForce", wikidata="Q1"),
    "kurds": ActorInfo("kurds", "Kurdish Forces", "RegionalForce"),
    "coal": ActorInfo("coal", "Coalition", "Coalition"),
    "isis": ActorInfo("isis", "Islamic State", "NonStateArmedGroup", aliases=("IS", "Daesh")),
    "tribe": ActorInfo("tribe", "Tribal Militia", "ParamilitaryForce"),
}
HAND_EVENTS = [
    EventInfo("e1", agents=frozenset({"gov", "kurds"}), targets=frozenset({"isis"}), supporters=frozenset({"coal"}),
              types=frozenset({"GroundOperation"}), dates=("2018-01-10",), articles=frozenset({"a1", "a2"}),
              outlets=frozenset({"o1", "o2"})),
    EventInfo("e2", agents=frozenset({"isis"}), targets=frozenset({"kurds"}), types=frozenset({"Shelling"}),
              dates=("2018-02",), articles=frozenset({"a1"}), outlets=frozenset({"o1"})),
    EventInfo("e3", agents=frozenset({"coal"}), targets=frozenset({"isis"}), types=frozenset({"Airstrike"}),
              dates=("2018-03-05",), articles=frozenset({"a3"}), outlets=frozenset({"o2"})),
    EventInfo("e4", agents=frozenset({"tribe"}), targets=frozenset({"isis"}), supporters=frozenset({"gov"}),
              types=frozenset({"Raid"}), dates=("2018-03-20",), articles=frozenset({"a1"}),
              outlets=frozenset({"o1"})),
    EventInfo("e5", agents=frozenset({"tribe"}), targets=frozenset({"kurds"}), types=frozenset({"Clash"}),
              dates=("2018-04-02",), articles=frozenset({"a4"}), outlets=frozenset({"o3"})),
]
HAND_TIES = {
    ("gov", "kurds", "co-agent"): 2.0,
    ("coal", "gov", "support"): 2.0,
    ("coal", "kurds", "support"): 2.0,
    ("gov", "tribe", "support"): 1.0,
    ("gov", "isis", "hostility"): 2.0,
    ("kurds", "isis", "hostility"): 2.0,
    ("isis", "kurds", "hostility"): 1.0,
    ("coal", "isis", "hostility"): 1.0,
    ("tribe", "isis", "hostility"): 1.0,
    ("tribe", "kurds", "hostility"): 1.0,
}


@pytest.fixture()
def hand() -> nx.MultiDiGraph:
    return metrics.annotate(fold(HAND_EVENTS, HAND_ACTORS))


def ties(graph) -> dict[tuple[str, str, str], float]:
    return {(u, v, k): d["weight"] for u, v, k, d in graph.edges(keys=True, data=True)}


def test_hand_ties_weights_and_dates(hand):
    assert ties(hand) == HAND_TIES
    coagents = hand.edges["gov", "kurds", "co-agent"]
    assert (coagents["sign"], coagents["directed"], coagents["events"], coagents["sources"],
            coagents["articles"]) == (1, False, 1, 2, 2)
    assert hand.edges["coal", "gov", "support"]["directed"] is True
    back = hand.edges["isis", "kurds", "hostility"]
    assert (back["sign"], back["first"], back["last"], back["start"], back["end"]) == \
        (-1, "2018-02", "2018-02", date(2018, 2, 1), date(2018, 2, 28))
    assert back["operations"] == ["Shelling"] and back["event_iris"] == ["e2"]
    gov = hand.nodes["gov"]
    assert (gov["label"], gov["kind"], gov["wikidata"], gov["events"], gov["as_agent"], gov["as_supporter"]) == \
        ("Government Army", "StateForce", "Q1", 2, 1, 1)
    assert (gov["first"], gov["last"]) == ("2018-01-10", "2018-03-20")
    assert hand.nodes["isis"]["aliases"] == ["IS", "Daesh"]
    assert hand.graph["events"] == 5


def test_hand_degrees(hand):
    n = hand.nodes
    assert {v: n[v]["degree"] for v in hand} == {"gov": 4, "kurds": 4, "coal": 3, "isis": 4, "tribe": 3}
    assert {v: n[v]["weighted_degree"] for v in hand} == {"gov": 7, "kurds": 8, "coal": 5, "isis": 7, "tribe": 3}
    assert {v: (n[v]["allies"], n[v]["enemies"]) for v in hand} == {
        "gov": (3, 1), "kurds": (2, 2), "coal": (2, 1), "isis": (0, 4), "tribe": (1, 2)}


def test_hand_betweenness(hand):
    between = {v: hand.nodes[v]["betweenness"] for v in hand}
    assert between == pytest.approx({"gov": 1 / 18, "kurds": 1 / 18, "isis": 1 / 18, "coal": 0.0, "tribe": 0.0})


def test_hand_pagerank_and_eigenvector(hand):
    pagerank = {v: hand.nodes[v]["pagerank"] for v in hand}
    assert sum(pagerank.values()) == pytest.approx(1.0)
    assert max(pagerank, key=pagerank.get) == "kurds" and min(pagerank, key=pagerank.get) == "tribe"
    # The eigenvector is the leading eigenvector of the weighted pair matrix: A x = lambda x.
    pairs = metrics.pair_view(hand)
    order = sorted(hand)
    adjacency = nx.to_numpy_array(pairs, nodelist=order, weight="weight")
    x = np.array([hand.nodes[v]["eigenvector"] for v in order])
    assert np.linalg.norm(x) == pytest.approx(1.0)
    assert adjacency @ x == pytest.approx(max(np.linalg.eigvalsh(adjacency)) * x, rel=1e-5)
    assert metrics.ranked(hand, "weighted_degree")[:1] == ["kurds"]


def test_symmetric_triangle_centralities_known_exactly():
    events = [EventInfo(f"e{i}", agents=frozenset({a}), targets=frozenset({b}))
              for i, (a, b) in enumerate([("x", "y"), ("y", "z"), ("z", "x")])]
    g = metrics.annotate(fold(events, {}))
    for v in "xyz":
        assert g.nodes[v]["pagerank"] == pytest.approx(1 / 3)
        assert g.nodes[v]["eigenvector"] == pytest.approx(1 / math.sqrt(3))
        assert g.nodes[v]["betweenness"] == 0.0
    assert g.nodes["x"]["label"] == "x" and g.nodes["x"]["kind"] == "Actor"
    assert [len(t) for t in (metrics.structural_balance(g).balanced, metrics.structural_balance(g).unbalanced)] \
        == [0, 1]                                                  # three enemies: unbalanced


def test_hand_structural_balance(hand):
    balance = metrics.structural_balance(hand)
    as_sets = lambda triangles: {frozenset(t) for t in triangles}  # noqa: E731
    assert as_sets(balance.balanced) == {frozenset(t) for t in [
        ("gov", "kurds", "coal"), ("gov", "kurds", "isis"), ("gov", "coal", "isis"), ("gov", "isis", "tribe"),
        ("kurds", "coal", "isis")]}
    assert as_sets(balance.unbalanced) == {frozenset({"gov", "kurds", "tribe"}), frozenset({"kurds", "isis", "tribe"})}
    assert balance.ratio == pytest.approx(5 / 7)
    assert (hand.graph["balanced_triangles"], hand.graph["unbalanced_triangles"]) == (5, 2)


def test_ambivalent_pair_is_left_out_of_balance():
    events = [
        EventInfo("e1", agents=frozenset({"a", "b"}), targets=frozenset({"c"})),
        EventInfo("e2", agents=frozenset({"a"}), targets=frozenset({"b"})),
    ]
    g = fold(events, {})
    pairs = metrics.pair_view(g)
    assert (pairs["a"]["b"]["cooperation"], pairs["a"]["b"]["hostility"], pairs["a"]["b"]["sign"]) == (1.0, 1.0, 0)
    balance = metrics.structural_balance(g)
    assert (balance.balanced, balance.unbalanced, balance.ambivalent_pairs, balance.ratio) == ([], [], 1, None)


def test_hand_communities_are_seeded_camps(hand):
    camps = metrics.communities(hand)
    assert camps == [{"gov", "kurds", "coal", "tribe"}, {"isis"}]
    assert metrics.communities(hand, seed=1) == camps
    assert {v: hand.nodes[v]["community"] for v in hand} == {"gov": 0, "kurds": 0, "coal": 0, "tribe": 0, "isis": 1}


@pytest.mark.parametrize("since, until, events", [
    ("2018-03", None, {"e3", "e4", "e5"}),
    (None, "2018-02", {"e1", "e2"}),
    ("2018-02-15", "2018-03-10", {"e2", "e3"}),     # the month-precision e2 overlaps the window
    ("2018", "2018", {"e1", "e2", "e3", "e4", "e5"}),
    ("2019", None, set()),
])
def test_time_window(since, until, events):
    g = fold(HAND_EVENTS, HAND_ACTORS, since=since, until=until)
    assert {e for *_, d in g.edges(data=True) for e in d["event_iris"]} == events
    assert g.graph["events"] == len(events)


def test_undated_operations_count_only_without_a_time_window():
    events = HAND_EVENTS + [EventInfo("e6", agents=frozenset({"isis"}), targets=frozenset({"gov"}))]
    assert ("isis", "gov", "hostility") in ties(fold(events, HAND_ACTORS))
    g = fold(events, HAND_ACTORS, since="2018")
    assert ("isis", "gov", "hostility") not in ties(g)
    assert g.graph["undated_events_left_out"] == 1


def test_kinds_filter():
    g = fold(HAND_EVENTS, HAND_ACTORS, kinds=("state-force", "NonStateArmedGroup"))
    assert set(g) == {"gov", "isis"} and ties(g) == {("gov", "isis", "hostility"): 2.0}
    assert set(fold(HAND_EVENTS, HAND_ACTORS, kinds=("ArmedForce",))) == set(HAND_ACTORS)
    assert normalise_kinds(["armedforce"]) >= {"StateForce", "Coalition"}
    with pytest.raises(NetworkError, match="unknown actor kind 'tank'"):
        fold(HAND_EVENTS, HAND_ACTORS, kinds=("tank",))


def test_min_weight_drops_weak_ties_and_actors_left_without_ties():
    g = fold(HAND_EVENTS, HAND_ACTORS, min_weight=2)
    assert ties(g) == {k: w for k, w in HAND_TIES.items() if w >= 2}
    assert "tribe" not in g and "isis" in g


def test_window_graphs_month_and_year():
    data_events = HAND_EVENTS + [EventInfo("e7", agents=frozenset({"isis"}), targets=frozenset({"gov"}),
                                           dates=("2018",))]
    from kg.network.graph import EventData

    data = EventData(events=data_events, actors=HAND_ACTORS)
    months = window_graphs(data, "month")
    assert [(k, g.graph["events"]) for k, g in months] == [("2018-01", 1), ("2018-02", 1), ("2018-03", 2),
                                                           ("2018-04", 1)]
    years = window_graphs(data, "year")
    assert [(k, g.graph["events"]) for k, g in years] == [("2018", 6)]     # e7 fits the year, not a month
    summary = metrics.snapshot_summary(*months[0])
    assert (summary["window"], summary["actors"], summary["ties"], summary["balanced_triangles"]) == \
        ("2018-01", 4, {"co-agent": 1, "support": 2, "hostility": 2}, 2)
    assert summary["most_active"][0]["label"] in {"Government Army", "Kurdish Forces"}
    assert [k for k, _ in window_graphs(data, "month", NetworkFilter(since="2018-03"))] == ["2018-03", "2018-04"]


def test_periods():
    assert periods.parse_period("2018-02") == periods.Period(date(2018, 2, 1), date(2018, 2, 28))
    assert periods.parse_period("2016") == periods.Period(date(2016, 1, 1), date(2016, 12, 31))
    assert periods.parse_period("2018-07-16Z").start == date(2018, 7, 16)
    assert periods.window_of(periods.parse_period("2018-07-16"), "month") == "2018-07"
    assert periods.window_of(periods.parse_period("2018"), "month") is None
    for bad in ("July 2018", "2018-13", "2018-02-30", ""):
        with pytest.raises(ValueError):
            periods.parse_period(bad)
    with pytest.raises(ValueError, match="empty"):
        periods.time_range("2019", "2018")
    with pytest.raises(NetworkError):
        fold(HAND_EVENTS, HAND_ACTORS, since="last week")


def test_cli_choices_match_the_library():
    assert network_cli.RANKINGS == metrics.RANKINGS
    assert network_cli.WINDOWS == periods.WINDOWS
    assert network_cli.DEFAULT_SEED == metrics.DEFAULT_SEED
    assert network_cli.DEFAULT_RANKING == metrics.DEFAULT_RANKING


# ------------------------------------------------------------------------ SPARQL on the fixture

@pytest.fixture(scope="module")
def fixture_store():
    store = open_store(None)
    store.add(ox.parse(path=str(FIXTURE), format=ox.RdfFormat.TRIG))
    # A Wikidata link in the registry graph, as the registry of real actors has them.
    store.add([ox.Quad(ox.NamedNode(A + "qaradian-army"), ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs"),
                       ox.NamedNode("http://www.wikidata.org/entity/Q4242"),
                       ox.NamedNode("https://w3id.org/conflict-kg/graph/registry"))])
    return store


FIXTURE_TIES = {
    # (agent/supporter, other, relation): (weight, events, outlets, articles, first, last)
    ("northern-guard", "qaradian-army", "co-agent"): (3.0, 2, 2, 3, "2018-07-16", "2018-07-18"),
    ("allied-coalition", "northern-guard", "support"): (3.0, 2, 2, 3, "2018-07-16", "2018-07-18"),
    ("allied-coalition", "qaradian-army", "support"): (3.0, 2, 2, 3, "2018-07-16", "2018-07-18"),
    ("qaradian-army", "sahil-brigades", "support"): (1.0, 1, 1, 1, "2018-07-28", "2018-07-28"),
    ("northern-guard", "black-banner", "hostility"): (3.0, 2, 2, 3, "2018-07-16", "2018-07-18"),
    ("qaradian-army", "black-banner", "hostility"): (3.0, 2, 2, 3, "2018-07-16", "2018-07-18"),
    # a1-2, a4-1, and the strike reported as a4-4, a5-1 and a6-1 (owl:sameAs): three outlets
    ("allied-coalition", "black-banner", "hostility"): (5.0, 3, 3, 4, "2018-07-15", "2018-08-01"),
    ("black-banner", "northern-guard", "hostility"): (1.0, 1, 1, 1, "2018-07", "2018-07"),
    ("black-banner", "qaradian-army", "hostility"): (1.0, 1, 1, 1, "2018-07-19", "2018-07-19"),
    ("black-banner", "civilians", "hostility"): (1.0, 1, 1, 1, "2018-06-30", "2018-06-30"),
    ("a4-gunmen", "civilians", "hostility"): (1.0, 1, 1, 1, "2018-07-30", "2018-07-30"),
    ("sahil-brigades", "black-banner", "hostility"): (1.0, 1, 1, 1, "2018-07-28", "2018-07-28"),
}


def short(graph):
    return {(u[len(A):], v[len(A):], k): (d["weight"], d["events"], d["sources"], d["articles"], d["first"], d["last"])
            for u, v, k, d in graph.edges(keys=True, data=True)}


def test_sparql_extraction_on_the_fixture(fixture_store):
    g = actor_graph(fixture_store)
    assert short(g) == FIXTURE_TIES
    assert g.graph["events"] == 10          # twelve operation IRIs, three of them one strike
    bbf = g.nodes[A + "black-banner"]
    assert (bbf["label"], bbf["kind"], bbf["events"], bbf["as_agent"], bbf["as_target"]) == \
        ("Black Banner Front", "NonStateArmedGroup", 9, 3, 6)
    assert set(bbf["aliases"]) == {"BBF", "Black Banner militants", "the Front"}
    assert (bbf["first"], bbf["last"]) == ("2018-06-30", "2018-08-01")
    assert g.nodes[A + "qaradian-army"]["wikidata"] == "Q4242"
    assert g.nodes[A + "a4-gunmen"]["kind"] == "UnidentifiedActor"
    assert A + "ministry-of-defence" not in g                     # quoted as a source, never a participant
    g1 = g.edges[A + "northern-guard", A + "black-banner", "hostility"]
    assert g1["operations"] == ["GroundOperation", "Raid"]
    assert g1["event_iris"] == [f"https://w3id.org/conflict-kg/id/event/{e}" for e in ("a2-3", "g1")]
    metrics.annotate(g)
    assert g.nodes[A + "black-banner"]["weighted_degree"] == 15   # 12 before the fused strike: 2 -> 5


@pytest.mark.parametrize("region, events", [
    ("Sahil Governorate", {"a3-1", "a4-2", "a4-3", "a4-4"}),   # the checkpoint lies in Port Sahil
    ("tell abar district", {"g1", "a1-2", "a2-1", "a2-3"}),    # label, any case
    ("Kirhan District", {"a2-2", "a4-1"}),
    (P + "kirhan", {"a2-2"}),                                  # an IRI
    ("Qaradia", {"g1", "a1-2", "a2-1", "a2-2", "a2-3", "a3-1", "a4-1", "a4-2", "a4-3", "a4-4"}),
])
def test_region_filter(fixture_store, region, events):
    g = actor_graph(fixture_store, NetworkFilter(region=region))
    found = {e.rsplit("/", 1)[1] for *_, d in g.edges(data=True) for e in d["event_iris"]}
    assert found == events


def test_region_must_be_a_known_place(fixture_store):
    with pytest.raises(NetworkError, match="no place is called 'Atlantis'"):
        read_events(fixture_store, region="Atlantis")
    with pytest.raises(NetworkError, match="no place"):
        read_events(fixture_store, region="Black Banner Front")     # an actor, not a place
    before = len(list(fixture_store.quads()))
    with pytest.raises(NetworkError, match="no place"):
        read_events(fixture_store, region='" } DROP ALL #')            # a label is only ever a string
    assert len(list(fixture_store.quads())) == before
    with pytest.raises(NetworkError, match="not a valid IRI"):
        read_events(fixture_store, region="https://example.org/a b")


def test_filters_combine_on_the_store(fixture_store):
    g = actor_graph(fixture_store, NetworkFilter(since="2018-07-20", region="Qaradia", kinds=("ArmedForce",)))
    assert set(short(g)) == {("allied-coalition", "black-banner", "hostility"),
                             ("sahil-brigades", "black-banner", "hostility"),
                             ("qaradian-army", "sahil-brigades", "support"),
                             ("black-banner", "northern-guard", "hostility")}   # 2018-07 overlaps the window


FUSED_REPORTS = """
@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix a: <https://w3id.org/conflict-kg/id/actor/> .
@prefix e: <https://w3id.org/conflict-kg/id/event/> .
@prefix g: <https://w3id.org/conflict-kg/graph/article/> .
@prefix o: <https://w3id.org/conflict-kg/id/outlet/> .
g:x1 prov:wasAttributedTo o:one . g:x2 prov:wasAttributedTo o:two . g:x3 prov:wasAttributedTo o:one .
g:x1 { e:x1-e1 a ckg:Airstrike ; ckg:agent a:p ; ckg:target a:q ; ckg:date "2018-07-16"^^xsd:date . }
g:x2 { e:x2-e1 a ckg:Airstrike ; ckg:agent a:p ; ckg:target a:q ; ckg:supporter a:r ;
         ckg:date "2018-07-16"^^xsd:date ; owl:sameAs e:x1-e1 . }
g:x3 { e:x3-e1 a ckg:DroneStrike ; ckg:agent a:p ; ckg:target a:q ; ckg:date "2018-07-17"^^xsd:date ;
         owl:sameAs e:x2-e1 .
       e:x3-e2 a ckg:Shelling ; ckg:agent a:q ; ckg:target a:p ; ckg:date "2018-07-20"^^xsd:date . }
"""


def test_reports_linked_by_same_as_are_one_operation():
    store = open_store(None)
    store.add(ox.parse(FUSED_REPORTS, format=ox.RdfFormat.TRIG))
    data = read_events(store)
    assert [(e.iri.rsplit("/", 1)[1], sorted(s.rsplit("/", 1)[1] for s in e.same_as)) for e in data.events] == \
        [("x1-e1", ["x2-e1", "x3-e1"]), ("x3-e2", [])]
    g = fold(data.events, data.actors)
    assert short(g) == {
        ("p", "q", "hostility"): (2.0, 1, 2, 3, "2018-07-16", "2018-07-17"),   # one strike, two outlets
        ("r", "p", "support"): (2.0, 1, 2, 3, "2018-07-16", "2018-07-17"),
        ("q", "p", "hostility"): (1.0, 1, 1, 1, "2018-07-20", "2018-07-20"),
    }
    assert g.edges[A + "p", A + "q", "hostility"]["operations"] == ["Airstrike", "DroneStrike"]


# ------------------------------------------------------------------------ GEXF

def schemas() -> list[Path]:
    found = [SCHEMA_COPY]
    if SCHEMA_SHARED.exists():
        found.append(SCHEMA_SHARED.resolve())
    return found


@pytest.fixture(scope="module")
def fixture_network(fixture_store):
    from kg.network.draw import layout
    from kg.network.style import apply_viz

    g = metrics.annotate(actor_graph(fixture_store))
    apply_viz(g, {n: (x * 100, y * 100) for n, (x, y) in layout(g).items()})
    return g


def write(graph, path, **kw) -> Path:
    gexf.write_gexf(graph, path, attribute_types={"iri": "anyURI"}, creator="tests", description="fixture", **kw)
    return path


def test_schema_copy_matches_the_shared_schema():
    if not SCHEMA_SHARED.exists():
        pytest.skip("../shared is not next to the repository")
    for name in ("gexf.xsd", "dynamics.xsd", "viz.xsd", "LICENSE.md"):
        assert (SCHEMA_COPY.parent / name).read_bytes() == (SCHEMA_SHARED.parent / name).read_bytes(), name


@pytest.mark.parametrize("dynamic", [False, True], ids=["static", "dynamic"])
def test_gexf_validates_against_the_1_3_schema(fixture_network, tmp_path, dynamic):
    path = write(fixture_network, tmp_path / "net.gexf", dynamic=dynamic)
    document = etree.parse(str(path))
    for schema_path in schemas():
        schema = etree.XMLSchema(etree.parse(str(schema_path)))
        assert schema.validate(document), (schema_path, schema.error_log)
    root = document.getroot()
    assert root.tag == "{http://gexf.net/1.3}gexf" and root.get("version") == "1.3"
    assert root.nsmap["xsi"] == "http://www.w3.org/2001/XMLSchema-instance"
    graph = root.find("{http://gexf.net/1.3}graph")
    assert graph.get("mode") == ("dynamic" if dynamic else "static")
    assert (graph.get("timeformat") == "date") is dynamic


def test_gexf_typed_attributes_and_intervals(fixture_network, tmp_path):
    path = write(fixture_network, tmp_path / "net.gexf", dynamic=True)
    ns = {"g": "http://gexf.net/1.3"}
    root = etree.parse(str(path)).getroot()
    declared = {(a.getparent().get("class"), a.get("id")): a.get("type") for a in root.iterfind(".//g:attribute", ns)}
    assert {k: declared[k] for k in [("node", "iri"), ("node", "aliases"), ("node", "events"), ("node", "pagerank"),
                                      ("node", "community"), ("node", "wikidata"), ("edge", "operations"),
                                      ("edge", "sign"), ("edge", "event_iris"), ("edge", "first")]} == {
        ("node", "iri"): "anyURI", ("node", "aliases"): "liststring", ("node", "events"): "integer",
        ("node", "pagerank"): "double", ("node", "community"): "integer", ("node", "wikidata"): "string",
        ("edge", "operations"): "liststring", ("edge", "sign"): "integer", ("edge", "event_iris"): "liststring",
        ("edge", "first"): "string"}
    assert ("edge", "weight") not in declared and ("edge", "kind") not in declared
    edges = {(e.get("source")[len(A):], e.get("target")[len(A):], e.get("kind")): e
             for e in root.iterfind(".//g:edge", ns)}
    assert len(edges) == 12
    shelling = edges[("black-banner", "northern-guard", "hostility")]
    assert (shelling.get("start"), shelling.get("end"), shelling.get("type"), shelling.get("weight")) == \
        ("2018-07-01", "2018-07-31", "directed", "1.0")
    assert edges[("northern-guard", "qaradian-army", "co-agent")].get("type") == "undirected"
    values = {a.get("for"): a.get("value") for a in edges[("northern-guard", "black-banner", "hostility")]
              .iterfind(".//g:attvalue", ns)}
    assert values["operations"] == '["GroundOperation", "Raid"]' and values["sign"] == "-1"
    colour = shelling.find("g:color", ns)
    assert (colour.get("r"), colour.get("g"), colour.get("b")) == ("214", "39", "40")
    node = root.find(".//g:node[@id='%s']" % (A + "black-banner"), ns)
    assert (node.get("label"), node.get("start"), node.get("end")) == ("Black Banner Front", "2018-06-30", "2018-08-01")
    assert node.find("g:size", ns) is not None and node.find("g:position", ns) is not None
    static = etree.parse(str(write(fixture_network, tmp_path / "static.gexf"))).getroot()
    assert all(e.get("start") is None for e in static.iterfind(".//g:edge", ns))


def test_gexf_escapes_awkward_values(tmp_path):
    g = nx.MultiDiGraph()
    awkward = 'Say "no", \\ back\nslash <&> \x01 bell'
    g.add_node("a", label=awkward, aliases=[awkward, "x, y"], flags=[True, False], counts=[1, 2], big=2 ** 40,
               ratio=0.5, nothing=None, viz={"color": "#112233"})
    g.add_node("b", label="b", aliases=[], counts=[], big=1, ratio=1)
    g.add_edge("a", "b", key="k", kind="hostility", weight=2, start="2018-01-01", end="2018-02-01")
    path = tmp_path / "awkward.gexf"
    gexf.write_gexf(g, path, dynamic=True)
    for schema_path in schemas():
        assert etree.XMLSchema(etree.parse(str(schema_path))).validate(etree.parse(str(path)))
    root = etree.parse(str(path)).getroot()
    types = {a.get("id"): a.get("type") for a in root.iterfind(".//{http://gexf.net/1.3}attribute")}
    assert types == {"aliases": "liststring", "flags": "listboolean", "counts": "listinteger", "big": "long",
                     "ratio": "double"}
    with pytest.raises(gexf.GexfError):
        bad = nx.Graph()
        bad.add_edge(1, 2, start="yesterday")
        gexf.gexf_document(bad, dynamic=True)


# ------------------------------------------------------------------------ graphology read-back

@pytest.fixture(scope="session")
def graphology():
    """`node read-gexf.js FILE` -> parsed JSON; npm ci into tests/js once when needed."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are needed for the graphology-gexf read-back test")
    if not (JS_DIR / "node_modules" / "graphology-gexf").is_dir():
        try:
            done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS_DIR, capture_output=True,
                                  text=True, timeout=180)
        except subprocess.TimeoutExpired:
            pytest.skip("npm ci timed out (offline?)")
        if done.returncode != 0:
            errors = [line for line in done.stderr.splitlines() if line.startswith("npm error")]
            first = errors[0] if errors else (done.stderr.strip().splitlines() or ["no message"])[-1]
            pytest.skip(f"npm ci failed in tests/js (offline?): {first.strip()[:200]}")

    def read(path: Path) -> dict:
        done = subprocess.run([node, str(JS_DIR / "read-gexf.js"), str(path)], capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    return read


@pytest.mark.parametrize("dynamic", [False, True], ids=["static", "dynamic"])
def test_graphology_reads_the_export_back(fixture_network, tmp_path, graphology, dynamic):
    parsed = graphology(write(fixture_network, tmp_path / "net.gexf", dynamic=dynamic))
    assert parsed["type"] == "mixed"
    assert set(parsed["nodes"]) == set(fixture_network)
    for node, attrs in parsed["nodes"].items():
        mine = fixture_network.nodes[node]
        assert attrs["label"] == mine["label"] and attrs["kind"] == mine["kind"] and attrs["iri"] == node
        assert attrs["aliases"] == mine["aliases"]
        assert attrs["events"] == mine["events"] and attrs["community"] == mine["community"]
        assert attrs["pagerank"] == pytest.approx(mine["pagerank"])
        assert attrs["size"] == pytest.approx(mine["viz"]["size"])
        assert attrs["x"] == pytest.approx(mine["viz"]["position"]["x"])
        c = mine["viz"]["color"]
        assert attrs["color"] == f"rgba({c['r']},{c['g']},{c['b']},1.0)"
    got = {(e["source"], e["target"], e["attributes"]["kind"]): e for e in parsed["edges"]}
    assert len(got) == len(parsed["edges"]) == fixture_network.number_of_edges()
    for u, v, key, data in fixture_network.edges(keys=True, data=True):
        edge = got[(u, v, key)]
        assert edge["undirected"] is (not data["directed"])
        assert edge["attributes"]["weight"] == data["weight"]
        assert edge["attributes"]["operations"] == data["operations"]
        assert edge["attributes"]["sign"] == data["sign"]
        assert edge["attributes"]["first"] == data["first"]


def test_graphology_round_trips_awkward_lists(tmp_path, graphology):
    g = nx.DiGraph()
    names = ['Say "no"', "a, b", "back\\slash", "[brackets]", "ünïcödé"]
    g.add_node("a", label="A", aliases=names)
    g.add_node("b", label="B", aliases=[])
    g.add_edge("a", "b")
    gexf.write_gexf(g, tmp_path / "lists.gexf")
    parsed = graphology(tmp_path / "lists.gexf")
    assert parsed["nodes"]["a"]["aliases"] == names
    assert parsed["nodes"]["b"]["aliases"] == []


# ------------------------------------------------------------------------ GraphML, CSV, pictures

def test_graphml_reads_back_with_networkx(fixture_network, tmp_path):
    path = tmp_path / "net.graphml"
    export.write_graphml(fixture_network, path)
    back = nx.read_graphml(path, force_multigraph=True)
    assert back.is_directed()
    assert set(back) == set(fixture_network)
    assert back.number_of_edges() == fixture_network.number_of_edges()
    ids = re.findall(r'<edge [^>]*\bid="([^"]+)"', path.read_text(encoding="utf-8"))
    assert len(ids) == len(set(ids)) == 12
    node = back.nodes[A + "black-banner"]
    assert node["label"] == "Black Banner Front" and node["events"] == 9
    assert set(node["aliases"].split("; ")) == {"BBF", "Black Banner militants", "the Front"}
    edge = next(d for u, v, d in back.edges(data=True)
                if (u, v) == (A + "northern-guard", A + "black-banner") and d["kind"] == "hostility")
    assert (edge["operations"], edge["weight"], edge["start"], edge["directed"]) == \
        ("GroundOperation; Raid", 3.0, "2018-07-16", True)


def test_csv_edge_list(fixture_network, tmp_path):
    path = tmp_path / "edges.csv"
    export.write_edge_csv(fixture_network, path)
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == list(export.CSV_COLUMNS)
    assert len(rows) == 12
    assert [float(r["weight"]) for r in rows] == sorted((float(r["weight"]) for r in rows), reverse=True)
    shelling = next(r for r in rows
                    if r["source_label"] == "Black Banner Front" and r["target_label"] == "Northern Guard")
    assert (shelling["kind"], shelling["sign"], shelling["type"], shelling["first"], shelling["operations"]) == \
        ("hostility", "-1", "directed", "2018-07", "Shelling")
    assert {r["type"] for r in rows if r["kind"] == "co-agent"} == {"undirected"}


def test_pictures(fixture_network, tmp_path):
    from matplotlib.image import imread

    from kg.network.draw import draw_network

    png = draw_network(fixture_network, tmp_path / "net.png", title="Fixture")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 30_000
    pixels = imread(png)
    assert pixels.shape[0] > 600 and pixels.shape[1] > 900
    colours = {tuple(p) for p in (pixels[::7, ::7, :3] * 255).astype(int).reshape(-1, 3)}
    assert len(colours) > 50                              # not a blank page
    red = np.array([214, 39, 40]) / 255
    assert (np.abs(pixels[:, :, :3] - red).sum(axis=2) < 0.05).any()        # hostility is drawn
    svg = draw_network(fixture_network, tmp_path / "net.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "Black Banner Front" in svg and "hostility (agent" in svg
    empty = draw_network(nx.MultiDiGraph(), tmp_path / "empty.png")
    assert empty.stat().st_size > 1000


def test_an_empty_network_still_exports(tmp_path):
    from kg.network.draw import layout

    g = metrics.annotate(fold([], {}))
    assert layout(g) == {} and metrics.communities(g) == [] and metrics.structural_balance(g).ratio is None
    path = tmp_path / "empty.gexf"
    gexf.write_gexf(g, path, dynamic=True)
    assert etree.XMLSchema(etree.parse(str(SCHEMA_COPY))).validate(etree.parse(str(path)))
    export.write_graphml(g, tmp_path / "empty.graphml")
    export.write_edge_csv(g, tmp_path / "empty.csv")
    assert (tmp_path / "empty.csv").read_text(encoding="utf-8").strip() == ",".join(export.CSV_COLUMNS)


# ------------------------------------------------------------------------ the command line

@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("network") / "store"
    with open_store(path) as store:
        store.add(ox.parse(path=str(FIXTURE), format=ox.RdfFormat.TRIG))
    return path


def kg(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, MPLBACKEND="Agg")
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, cwd=REPO, env=env,
                          timeout=120)


def test_cli_end_to_end(store_dir, tmp_path):
    out = tmp_path / "out"
    done = kg("network", "--store", str(store_dir), "--json", "--window", "month", "--gexf", str(out / "n.gexf"),
              "--dynamic", "--graphml", str(out / "n.graphml"), "--csv", str(out / "n.csv"), "--png",
              str(out / "n.png"), "--svg", str(out / "n.svg"))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["actors"][0]["label"] == "Black Banner Front" and report["actors"][0]["rank"] == 1
    assert len(report["actors"]) == 7 and len(report["ties"]) == 12
    assert report["tie_counts"] == {"hostility": 8, "support": 3, "co-agent": 1}
    assert report["balance"]["unbalanced"] == 0 and report["balance"]["balanced"] == 5
    assert ["Allied Air Coalition", "Northern Guard", "Qaradian Army", "Sahil Popular Brigades"] in \
        report["communities"]
    assert [s["window"] for s in report["snapshots"]] == ["2018-06", "2018-07", "2018-08"]
    for name in ("n.gexf", "n.graphml", "n.csv", "n.png", "n.svg"):
        assert (out / name).stat().st_size > 0, name
        assert f"wrote {out / name}" in done.stderr
    assert etree.XMLSchema(etree.parse(str(SCHEMA_COPY))).validate(etree.parse(str(out / "n.gexf")))


def test_cli_table_filters_and_errors(store_dir):
    done = kg("network", "--store", str(store_dir), "--kinds", "ArmedForce", "--region", "Nahr Governorate",
              "--since", "2018-07", "--rank-by", "betweenness", "--top", "2")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:3] == ["#", "actor", "kind"]
    assert "Black Banner Front" in lines[2]
    assert "... 2 more actors" in done.stdout
    assert "ranked by betweenness" in done.stdout
    assert "civilians" not in done.stdout
    bad = kg("network", "--store", str(store_dir), "--region", "Atlantis")
    assert bad.returncode == 2 and "no place is called 'Atlantis'" in bad.stderr
    bad = kg("network", "--store", str(store_dir), "--kinds", "tanks")
    assert bad.returncode == 2 and "unknown actor kind" in bad.stderr


# ------------------------------------------------------------------------ the examples in docs/network.md

DOCS = REPO / "docs" / "network.md"


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    """The store of the example articles, as `make demo` builds it."""
    from kg.cli import main

    path = tmp_path_factory.mktemp("demo") / "demo-store"
    assert main(["build", str(REPO / "examples" / "articles"), "--store", str(path), "--quiet"]) == 0
    return path


def test_docs_command_examples(demo_store, tmp_path, monkeypatch, capsys):
    import shlex

    from kg.cli import main

    commands = [line[2:] for line in DOCS.read_text(encoding="utf-8").splitlines() if line.startswith("$ kg network")]
    assert len(commands) == 5
    monkeypatch.chdir(tmp_path)
    for command in commands:
        argv = [str(demo_store) if a == "demo-store" else a for a in shlex.split(command)[1:]]
        capsys.readouterr()
        assert main(argv) == 0, command
        out = capsys.readouterr().out
        if "--json" in argv:
            report = json.loads(out)
            assert report["filters"]["region"] == "Iraq" and report["actors"], command
        else:
            assert out.startswith(" #  actor") or out.startswith("#  actor"), command
    for name in ("actors.gexf", "actors.png", "actors.svg", "actors.graphml", "ties.csv"):
        assert (tmp_path / name).stat().st_size > 0, name


def test_docs_python_example(demo_store, tmp_path, monkeypatch, capsys):
    text = DOCS.read_text(encoding="utf-8")
    (code,) = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    monkeypatch.chdir(tmp_path)
    exec(compile(code.replace('"demo-store"', repr(str(demo_store))), str(DOCS), "exec"), {})
    assert (tmp_path / "actors.gexf").exists() and (tmp_path / "actors.png").exists()
    assert len(capsys.readouterr().out.splitlines()) == 3
