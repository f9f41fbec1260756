"""The fusion graph: every report of one event names one IRI. Fusion matches are not
transitive, so the reports are grouped by complete linkage over their owl:sameAs links."""
from __future__ import annotations

import random

import pyoxigraph as ox

from kg.queries import load_query
from kg.rdf import terms as T
from kg.rdf.iris import IriMinter
import kg.resolve.clusters as clusters
from kg.resolve.clusters import FUSED_EVENT, cluster_heads, link_strength, refresh_fused_events
from kg.store import open_store

BASE = "https://example.org/kg/"
MINTER = IriMinter(BASE)


def test_groups_are_cliques_named_by_their_smallest_member():
    day = (0, 1)
    # a, b, c all linked pairwise: one event; x, y: another
    assert cluster_heads([("c", "b", day), ("b", "a", day), ("a", "c", day), ("x", "y", day)]) == {
        "a": "a", "b": "a", "c": "a", "x": "x", "y": "x"}
    # a chain: b is linked to a and to c, which are not linked: b joins one of them
    assert cluster_heads([("a", "b", (0, 2)), ("b", "c", (0, 1))]) == {"b": "b", "c": "b"}
    assert cluster_heads([("a", "b", (0, 1)), ("b", "c", (0, 1))]) == {"a": "a", "b": "a"}   # a tie: by IRI


def test_a_vague_date_never_chains_distinct_events():
    """ "In July" matches a report of every day in July at its town; it joins one, at most."""
    month = link_strength("2016-07", "2016-07-05")
    assert month > link_strength("2016-07-04", "2016-07-05") > link_strength("2016-07-05", "2016-07-05")
    links = [("m", f"d{n}", month) for n in range(1, 6)] + [("d1", "d2", link_strength("2016-07-01", "2016-07-02"))]
    heads = cluster_heads(links)
    # m matches all of {d1, d2} and joins them; d3, d4 and d5 stay events of their own
    assert heads == {"d1": "d1", "d2": "d1", "m": "d1"}
    assert cluster_heads([("m", "d3", month), ("m", "d4", month)]) == {"d3": "d3", "m": "d3"}


def _plain_complete_linkage(links):
    """Complete linkage as written down: distinct links strongest first, ties by the two
    reports; a group joins another when every pair across them is linked."""
    ordered = sorted({(key, min(a, b), max(a, b)) for a, b, key in links if a != b})
    pairs = {(a, b) for _key, a, b in ordered}
    group = {}
    for _key, a, b in ordered:
        ga, gb = group.get(a, {a}), group.get(b, {b})
        if ga is not gb and all((min(x, y), max(x, y)) in pairs for x in ga for y in gb):
            merged = ga | gb
            for x in merged:
                group[x] = merged
    return {x: min(g) for x, g in group.items()}


def test_grouping_is_complete_linkage_as_written_down():
    """The array-based grouping against the plain one, on random links with many ties, the
    same pair linked twice with different strengths, and links of a report to itself."""
    rng = random.Random(8)
    for _ in range(300):
        reports = [f"r{n:02}" for n in range(rng.randint(2, 25))]
        links = [(rng.choice(reports), rng.choice(reports), rng.randint(0, 3))
                 for _ in range(rng.randint(0, 80))]
        assert cluster_heads(links) == _plain_complete_linkage(links)


def _report(article: str, n: int, type_: str, *same_as: str, day: str = "2021-03-09") -> list[ox.Quad]:
    """One article graph with one typed, dated event report and its owl:sameAs links."""
    graph, node = MINTER.article_graph(article), MINTER.event(f"{article}-e{n}")
    quads = [ox.Quad(node, T.TYPE, T.ckg(type_), graph),
             ox.Quad(node, T.ckg("date"), ox.Literal(day, datatype=T.XSD_DATE), graph),
             ox.Quad(node, T.LABEL, ox.Literal(f"{type_} reported by {article}"), graph),
             ox.Quad(node, T.ckg("reportedIn"), MINTER.article(article), graph),
             ox.Quad(graph, T.PROV_DERIVED_FROM, MINTER.article(article), ox.DefaultGraph()),
             ox.Quad(MINTER.article(article), T.SCHEMA_PUBLISHER, MINTER.outlet(f"outlet-{article}"), ox.DefaultGraph())]
    quads += [ox.Quad(node, T.SAME_AS, MINTER.event(other), graph) for other in same_as]
    return quads


def _chain_store():
    """Reports of strikes: b (the 10th) matched a (the 9th); c (the 11th) matched b, but a and c
    are two days apart, too far for strikes to match; d (the 10th) matched b and c."""
    store = open_store(None)
    store.add(_report("a", 1, "Airstrike", day="2021-03-09")
              + _report("b", 1, "Airstrike", "a-e1", day="2021-03-10")
              + _report("c", 1, "Airstrike", "b-e1", day="2021-03-11")
              + _report("d", 1, "Airstrike", "b-e1", "c-e1", day="2021-03-10")
              + _report("e", 1, "Clash"))
    return store


def _fused(store) -> dict[str, str]:
    rows = store.query(f"SELECT ?r ?h WHERE {{ GRAPH <{MINTER.fusion_graph().value}> {{ ?r <{FUSED_EVENT.value}> ?h }} }}").rows
    return {r.value.rsplit("/", 1)[1]: h.value.rsplit("/", 1)[1] for r, h in rows}


def _event_reports(store) -> list[tuple[str, int]]:
    rows = store.query(load_query("event-reports")).rows
    return sorted((row[0].value.rsplit("/", 1)[1], int(row[4].value)) for row in rows)


def test_each_report_belongs_to_one_event_whose_reports_all_match():
    store = _chain_store()
    # b-d (the same day) first; then c joins {b, d} (linked to both); a is linked to b only
    assert refresh_fused_events(store, MINTER) == 3
    assert _fused(store) == {"b-e1": "b-e1", "c-e1": "b-e1", "d-e1": "b-e1"}
    assert _event_reports(store) == [("a-e1", 1), ("b-e1", 3), ("e-e1", 1)]
    assert {row[0].value: int(row[1].value) for row in store.query(load_query("events-by-type")).rows} == {
        T.CKG + "Airstrike": 2, T.CKG + "Clash": 1}


def test_removing_an_article_takes_its_report_out_of_its_event():
    store = _chain_store()
    refresh_fused_events(store, MINTER)
    store.remove_article(MINTER.article_graph("d"), MINTER.article("d"))
    # links a-b and b-c remain: one day apart each, a tie broken by IRI
    assert refresh_fused_events(store, MINTER) == 2
    assert _fused(store) == {"a-e1": "a-e1", "b-e1": "a-e1"}
    assert _event_reports(store) == [("a-e1", 2), ("c-e1", 1), ("e-e1", 1)]


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
    store.add(_report("f", 1, "Airstrike", "a-e1", day="2021-03-09"))
    refresh_fused_events(store, MINTER, second)
    generated = store.query(f"SELECT ?run WHERE {{ <{MINTER.fusion_graph().value}> <{T.PROV_GENERATED_BY.value}> ?run }}").rows
    assert [r[0] for r in generated] == [second]
    assert _fused(store)["f-e1"] == "a-e1"


def test_a_long_read_split_into_shares_gives_the_same_events(monkeypatch):
    """Links and the fusion graph are read a share at a time (by the MD5 of an IRI) when there
    are many: the same groups whatever the number of shares."""
    whole = _chain_store()
    refresh_fused_events(whole, MINTER)
    monkeypatch.setattr(clusters, "_ROWS_PER_QUERY", 1)
    assert len(clusters._shares(5, "?a")) == 8 and len(clusters._shares(300, "?a")) == 256
    shared = _chain_store()
    assert refresh_fused_events(shared, MINTER) == 3
    assert _fused(shared) == _fused(whole) == {"b-e1": "b-e1", "c-e1": "b-e1", "d-e1": "b-e1"}
    shared.remove_article(MINTER.article_graph("d"), MINTER.article("d"))     # the stored graph read in shares too
    assert refresh_fused_events(shared, MINTER) == 2
    assert _fused(shared) == {"a-e1": "a-e1", "b-e1": "a-e1"}


def test_the_index_stands_for_the_stored_fusion_graph_only_while_their_digests_agree(monkeypatch):
    """A build's index remembers the fusion graph it wrote; the next refresh diffs against it
    instead of reading the store's, and reads the store whenever the stored graph is not it."""
    from kg.rdf.readback import load_event_index

    store = _chain_store()
    index = load_event_index(store, MINTER.prefix("event"), MINTER.prefix("place"), MINTER.prefix("actor"))
    reads: list[int] = []
    real = clusters._stored_heads

    def counted(*args):
        reads.append(1)
        return real(*args)
    monkeypatch.setattr(clusters, "_stored_heads", counted)
    assert refresh_fused_events(store, MINTER, index=index) == 3
    assert len(reads) == 1                          # nothing remembered yet: the store is read
    store.remove_article(MINTER.article_graph("d"), MINTER.article("d"))
    index.remove_article("d")
    assert refresh_fused_events(store, MINTER, index=index) == 2
    assert len(reads) == 1                          # the remembered graph, not the store's
    assert _fused(store) == {"a-e1": "a-e1", "b-e1": "a-e1"}
    assert sorted(index.heads_for(store.article_hash(MINTER.fusion_graph()))) == sorted(
        (MINTER.event(r).value, MINTER.event(h).value) for r, h in _fused(store).items())
    # the stored graph rewritten without this index: what it remembers no longer stands for it
    store.add(_report("d", 1, "Airstrike", "b-e1", "c-e1", day="2021-03-10"))
    refresh_fused_events(store, MINTER)
    index.replace_article("d", [], {"d-e1": ["b-e1", "c-e1"]})
    store.remove_article(MINTER.article_graph("d"), MINTER.article("d"))
    index.remove_article("d")
    assert refresh_fused_events(store, MINTER, index=index) == 2
    assert len(reads) == 3 and _fused(store) == {"a-e1": "a-e1", "b-e1": "a-e1"}
