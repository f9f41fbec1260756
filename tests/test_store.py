import pyoxigraph as ox
import pytest

from kg.store import QueryError, StoreError, open_store

G = ox.NamedNode("https://example.org/graph/article/a1")
A = ox.NamedNode("https://example.org/id/article/a1")
P = ox.NamedNode("https://example.org/p")
H = ox.NamedNode("https://w3id.org/conflict-kg/ontology#contentHash")


def _quads(text: str, h: str):
    return [ox.Quad(A, P, ox.Literal(text), G), ox.Quad(A, H, ox.Literal(h), ox.DefaultGraph())]


def test_replace_article_swaps_graph_and_description(tmp_path):
    with open_store(tmp_path / "s") as store:
        store.replace_article(G, A, _quads("first", "h1"))
        store.replace_article(G, A, _quads("second \"quoted\"\nline", "h2"))
        assert store.count() == 2
        assert store.article_hash(A) == "h2"
        rows = store.query("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }", union_default_graph=False).rows
        assert [r[0].value for r in rows] == ["second \"quoted\"\nline"]


def test_store_persists_and_reopens_read_only(tmp_path):
    with open_store(tmp_path / "s") as store:
        store.replace_article(G, A, _quads("x", "h"))
    with open_store(tmp_path / "s", read_only=True) as store:
        assert store.article_hash(A) == "h"


def test_remove_article(tmp_path):
    with open_store(tmp_path / "s") as store:
        store.replace_article(G, A, _quads("x", "h"))
        assert store.remove_article(G, A)
        assert store.count() == 0
        assert not store.remove_article(G, A)


def test_malformed_sparql_is_a_clear_error():
    store = open_store(None)
    with pytest.raises(QueryError, match="malformed SPARQL"):
        store.query("SELEC ?x WHERE {")


@pytest.mark.parametrize("fmt", ["nquads", "trig", "turtle", "ntriples", "jsonld", "rdfxml"])
def test_export_formats_parse_back(tmp_path, fmt):
    store = open_store(None)
    store.replace_article(G, A, _quads("x", "h"))
    out = tmp_path / f"out.{fmt}"
    store.export(out, fmt)
    fmts = {"nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG, "turtle": ox.RdfFormat.TURTLE,
            "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML}
    assert len(list(ox.parse(path=str(out), format=fmts[fmt]))) == 2


def test_unknown_export_format(tmp_path):
    with pytest.raises(StoreError, match="unknown export format"):
        open_store(None).export(tmp_path / "x", "csv")
