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


def test_replace_article_of_a_new_graph_stores_its_quads_with_blank_nodes(tmp_path):
    # Nothing stored yet: the quads go in as they are (one transaction), blank nodes kept apart.
    b1, b2 = ox.BlankNode(), ox.BlankNode()
    quads = [ox.Quad(A, P, b1, G), ox.Quad(b1, P, ox.Literal("one"), G), ox.Quad(b2, P, ox.Literal("two"), G),
             ox.Quad(A, H, ox.Literal("h"), ox.DefaultGraph())]
    with open_store(tmp_path / "s") as store:
        store.replace_article(G, A, quads)
        assert store.count() == 4
        rows = store.query("SELECT ?o WHERE { GRAPH ?g { ?a ?p ?b . ?b ?p ?o } }", union_default_graph=False).rows
        assert [r[0].value for r in rows] == ["one"]
        store.replace_article(G, A, _quads("x", "h2"))
        assert store.count() == 2 and store.article_hash(A) == "h2"


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


class _FlushCounter:
    """Stands in for the pyoxigraph store, counting flushes."""

    def __init__(self, real):
        self.real, self.flushes = real, 0

    def flush(self):
        self.flushes += 1
        self.real.flush()

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_memtables_are_flushed_as_descriptions_accumulate(tmp_path, monkeypatch):
    """Article descriptions go through transactions into memtables that Oxigraph would only
    flush at 128 MB each: the store flushes them every FLUSH_EVERY_QUADS quads instead."""
    import kg.store.oxigraph as oxstore
    from kg.store import ArticleQuads

    monkeypatch.setattr(oxstore, "FLUSH_EVERY_QUADS", 10)
    monkeypatch.setattr(oxstore, "BULK_LOAD_QUADS", 0)     # every batch bulk-loaded
    with open_store(tmp_path / "s") as store:
        spy = store._store = _FlushCounter(store._store)
        for batch in range(4):
            items = []
            for i in range(6):
                a = ox.NamedNode(f"https://example.org/id/article/b{batch}-{i}")
                g = ox.NamedNode(f"https://example.org/graph/article/b{batch}-{i}")
                items.append(ArticleQuads(g, a, [ox.Quad(a, P, ox.Literal(f"text {i}"), g),
                                                 ox.Quad(a, H, ox.Literal(f"h{i}"), ox.DefaultGraph())]))
            store.replace_articles(items)                   # 6 description quads a batch
        assert spy.flushes == 2                             # after 12 and after 24 quads
        store._store = spy.real
        store.replace_article(G, A, _quads("x", "h"))
        assert store.count() == 4 * 2 * 6 + 2
        assert store.article_hash(ox.NamedNode("https://example.org/id/article/b3-5")) == "h5"


class _LoadSpy(_FlushCounter):
    """Stands in for the pyoxigraph store, recording how quads were written."""

    def __init__(self, real):
        super().__init__(real)
        self.calls: list[tuple[str, int]] = []

    def bulk_extend(self, quads):
        quads = list(quads)
        self.calls.append(("bulk_extend", len(quads)))
        self.real.bulk_extend(quads)

    def extend(self, quads):
        quads = list(quads)
        self.calls.append(("extend", len(quads)))
        self.real.extend(quads)


def _articles(n: int, prefix: str):
    from kg.store import ArticleQuads

    items = []
    for i in range(n):
        a = ox.NamedNode(f"https://example.org/id/article/{prefix}{i}")
        g = ox.NamedNode(f"https://example.org/graph/article/{prefix}{i}")
        items.append(ArticleQuads(g, a, [ox.Quad(a, P, ox.Literal(f"text {i}"), g),
                                         ox.Quad(a, H, ox.Literal(f"h{i}"), ox.DefaultGraph())]))
    return items


def test_a_small_batch_of_new_articles_is_one_transaction_a_large_one_a_bulk_load(tmp_path, monkeypatch):
    import kg.store.oxigraph as oxstore

    monkeypatch.setattr(oxstore, "BULK_LOAD_QUADS", 20)
    with open_store(tmp_path / "s") as store:
        spy = store._store = _LoadSpy(store._store)
        store.replace_articles(_articles(9, "small"))         # 18 quads: one transaction
        assert spy.calls == [("extend", 18)]
        spy.calls.clear()
        store.replace_articles(_articles(10, "large"))        # 20: graphs in bulk, then descriptions
        assert spy.calls == [("bulk_extend", 10), ("extend", 10)]
        store._store = spy.real
        assert store.count() == 38
        assert store.article_hash(ox.NamedNode("https://example.org/id/article/small8")) == "h8"
        assert store.article_hash(ox.NamedNode("https://example.org/id/article/large9")) == "h9"
