"""The fusion graph: every report of one event names one IRI, even when the owl:sameAs links
between its reports form a chain (fusion matches are not transitive)."""
from __future__ import annotations

import pyoxigraph as ox

from kg.queries import load_query
from kg.rdf import terms as T
from kg.rdf.iris import IriMinter
from kg.resolve.clusters import FUSED_EVENT, components, refresh_fused_events
from kg.store import open_store

BASE = "https://example.org/kg/"
MINTER = IriMinter(BASE)


def test_components_are_named_by_their_smallest_member():
    heads = components([("c", "b"), ("b", "a"), ("x", "y")])
    assert heads == {"a": "a", "b": "a", "c": "a", "x": "x", "y": "x"}
    # a later link bridging two groups makes one, under the smaller head
    assert set(components([("c", "b"), ("x", "y"), ("y", "c")]).values()) == {"b"}


def _report(article: str, n: int, type_: str, *same_as: str) -> list[ox.Quad]:
    """One article graph with one typed event report and its owl:sameAs links."""
    graph, node = MINTER.article_graph(article), MINTER.event(f"{article}-e{n}")
    quads = [ox.Quad(node, T.TYPE, T.ckg(type_), graph),
             ox.Quad(node, T.LABEL, ox.Literal(f"{type_} reported by {article}"), graph),
             ox.Quad(node, T.ckg("reportedIn"), MINTER.article(article), graph),
             ox.Quad(graph, T.PROV_DERIVED_FROM, MINTER.article(article), ox.DefaultGraph()),
             ox.Quad(MINTER.article(article), T.SCHEMA_PUBLISHER, MINTER.outlet(f"outlet-{article}"), ox.DefaultGraph())]
    quads += [ox.Quad(node, T.SAME_AS, MINTER.event(other), graph) for other in same_as]
    return quads


def _chain_store():
    """Three reports of one strike: b matched a (a day apart), c matched b (a day later), but c
    and a are two days apart, too far for a strike: the links form a chain, not a clique."""
    store = open_store(None)
    store.add(_report("a", 1, "Airstrike") + _report("b", 1, "Airstrike", "a-e1")
              + _report("c", 1, "Airstrike", "b-e1") + _report("d", 1, "Clash"))
    return store


def _fused(store) -> dict[str, str]:
    rows = store.query(f"SELECT ?r ?h WHERE {{ GRAPH <{MINTER.fusion_graph().value}> {{ ?r <{FUSED_EVENT.value}> ?h }} }}").rows
    return {r.value.rsplit("/", 1)[1]: h.value.rsplit("/", 1)[1] for r, h in rows}


def _event_reports(store) -> list[tuple[str, int]]:
    rows = store.query(load_query("event-reports")).rows
    return sorted((row[0].value.rsplit("/", 1)[1], int(row[4].value)) for row in rows)


def test_a_chain_of_links_is_one_event():
    store = _chain_store()
    assert refresh_fused_events(store, MINTER) == 3
    assert _fused(store) == {"a-e1": "a-e1", "b-e1": "a-e1", "c-e1": "a-e1"}
    # with the links alone, c would head an event of its own (its smallest direct link is b)
    assert _event_reports(store) == [("a-e1", 3), ("d-e1", 1)]
    assert {row[0].value: int(row[1].value) for row in store.query(load_query("events-by-type")).rows} == {
        T.CKG + "Airstrike": 1, T.CKG + "Clash": 1}


def test_removing_the_bridging_report_splits_the_event():
    store = _chain_store()
    refresh_fused_events(store, MINTER)
    store.remove_article(MINTER.article_graph("b"), MINTER.article("b"))
    assert refresh_fused_events(store, MINTER) == 0
    assert _fused(store) == {}
    assert _event_reports(store) == [("a-e1", 1), ("c-e1", 1), ("d-e1", 1)]


def test_links_to_a_report_no_longer_stored_do_not_bridge():
    store = open_store(None)
    # x and y each said they were z, whose article has left the store: z is no report now
    store.add(_report("x", 1, "Attack", "z-e1") + _report("y", 1, "Attack", "z-e1"))
    store.add([ox.Quad(MINTER.event("x-e1"), T.SAME_AS, ox.NamedNode("http://www.wikidata.org/entity/Q1"),
                       MINTER.article_graph("x"))])
    assert refresh_fused_events(store, MINTER) == 0
    assert _event_reports(store) == [("x-e1", 1), ("y-e1", 1)]


def test_an_unchanged_store_keeps_its_fusion_graph_as_it_was():
    store = _chain_store()
    first, second = MINTER.run("first"), MINTER.run("second")
    refresh_fused_events(store, MINTER, first)
    refresh_fused_events(store, MINTER, second)
    generated = store.query(f"SELECT ?run WHERE {{ <{MINTER.fusion_graph().value}> <{T.PROV_GENERATED_BY.value}> ?run }}").rows
    assert [r[0] for r in generated] == [first]          # not rewritten: nothing changed
    store.add(_report("e", 1, "Airstrike", "c-e1"))
    refresh_fused_events(store, MINTER, second)
    generated = store.query(f"SELECT ?run WHERE {{ <{MINTER.fusion_graph().value}> <{T.PROV_GENERATED_BY.value}> ?run }}").rows
    assert [r[0] for r in generated] == [second]
    assert _fused(store)["e-e1"] == "a-e1"
