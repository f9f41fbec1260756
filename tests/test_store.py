import json

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


# ------------------------------------------------------------------------------ compaction
@pytest.mark.parametrize("table_bytes, compacted_bytes, due", [
    (0, None, False),              # nothing on disk yet
    (1, None, True),               # never compacted
    (1000, 1000, False),           # unchanged since
    (1250, 1000, False),           # grown by exactly a quarter: not yet
    (1251, 1000, True),            # by more
    (900, 1000, False),            # shrunk (merged by RocksDB itself)
    (1, 0, True),                  # compacted when empty, now holds something
])
def test_compaction_is_due_when_the_tables_grew_by_a_quarter(table_bytes, compacted_bytes, due, monkeypatch):
    import kg.store.oxigraph as oxstore

    monkeypatch.setattr(oxstore, "COMPACT_FROM_BYTES", 1)
    assert oxstore.compaction_due(table_bytes, compacted_bytes) is due


def test_a_small_store_is_not_compacted_by_a_build():
    from kg.store.oxigraph import COMPACT_FROM_BYTES, compaction_due

    assert not compaction_due(COMPACT_FROM_BYTES - 1, None)
    assert not compaction_due(COMPACT_FROM_BYTES - 1, 1000)
    assert compaction_due(COMPACT_FROM_BYTES, None)
    assert not compaction_due(COMPACT_FROM_BYTES, COMPACT_FROM_BYTES)


@pytest.fixture
def small_stores_compact(monkeypatch):
    """Compaction due from the first byte (the stores of these tests are a few hundred KB)."""
    import kg.store.oxigraph as oxstore

    monkeypatch.setattr(oxstore, "COMPACT_FROM_BYTES", 0)


def _sst_files(folder):
    return sorted(p.name for p in folder.iterdir() if p.suffix == ".sst")


def test_compaction_merges_the_table_files_and_keeps_the_data(tmp_path, monkeypatch, small_stores_compact):
    """Each bulk load ingests table files of its own; compacting merges them, the store
    answers the same, and the next compaction waits until the tables grow by a quarter."""
    import kg.store.oxigraph as oxstore

    monkeypatch.setattr(oxstore, "BULK_LOAD_QUADS", 0)     # every batch bulk-loaded
    folder = tmp_path / "s"
    with open_store(folder) as store:
        for batch in range(6):
            store.replace_articles(_articles(50, f"b{batch}-"))
        store.flush()
        before_files = _sst_files(folder)
        before = sorted(str(q) for q in store.quads())
        assert store.compact() is True                     # never compacted: due
        assert sorted(str(q) for q in store.quads()) == before
        assert len(_sst_files(folder)) < len(before_files)
        record = json.loads((folder / oxstore.COMPACTION_RECORD).read_text())
        # (what RocksDB's background threads still merge can move it a little)
        assert 0 < record["table_bytes"] == pytest.approx(store.table_bytes(), rel=0.1)
        assert store.compact() is False                    # nothing grew
        store.replace_articles(_articles(2, "one-more-"))
        store.flush()
        assert store.compact() is False                    # grew a little
        for batch in range(6):
            store.replace_articles(_articles(50, f"c{batch}-"))
        store.flush()
        assert store.table_bytes() > record["table_bytes"] * 1.25
        assert store.compact() is True
        assert store.compact(when_due=False) is True       # asked for: always
        assert store.count() == 2 * (6 * 50 * 2) + 2 * 2
    with open_store(folder, read_only=True) as store:
        assert store.article_hash(ox.NamedNode("https://example.org/id/article/c5-49")) == "h49"
        assert store.compact(when_due=False) is False      # a read-only store never writes


def test_an_unreadable_compaction_record_compacts_again(tmp_path, small_stores_compact):
    import kg.store.oxigraph as oxstore

    folder = tmp_path / "s"
    with open_store(folder) as store:
        store.replace_articles(_articles(20, "a"))
        store.flush()
        assert store.compact() is True
        for text in ("{not json", '{"table_bytes": "many"}', '["table_bytes"]', "\x00\x01"):
            (folder / oxstore.COMPACTION_RECORD).write_text(text)
            assert store.compact() is True, text
            assert json.loads((folder / oxstore.COMPACTION_RECORD).read_text())["table_bytes"] > 0
    assert open_store(None).compact(when_due=False) is False     # a store in memory has no files


def test_a_build_compacts_its_store_when_due_and_kg_compact_does_it_now(tmp_path, small_stores_compact):
    from cli_support import run_cli

    from kg.pipeline import Builder

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    reports = ["Turkish warplanes struck PKK positions near Sinjar on Wednesday, the ministry said.",
               "Islamic State militants abducted 4 shepherds near Hawija on Monday, police said.",
               "A roadside bomb killed 3 Iraqi soldiers in Tuz Khurmatu on Saturday, officials said."]
    for n, text in enumerate(reports):
        (corpus / f"{n}.txt").write_text(f"Title: Report {n}\nSource: Compaction Wire\nDate: 2021-03-0{n + 1}\n"
                                         f"URL: https://example.invalid/compact/{n}\n\n{text}\n", encoding="utf-8")
    folder = tmp_path / "store"
    with open_store(folder) as store:
        first = Builder(store).build([corpus / "0.txt", corpus / "1.txt"])
        assert first.compacted and "store compacted" in first.summary()
        compacted = json.loads((folder / "kg-compaction.json").read_text())["table_bytes"]
        # the next day's article: far less than a quarter of the store
        second = Builder(store).build([corpus / "2.txt"])
        assert second.stored == 1 and not second.compacted
        assert "store compacted" not in second.summary()
        assert store.table_bytes() <= compacted * 1.25
    code, out = run_cli("compact", "--store", str(folder))
    assert code == 0 and out.startswith(f"compacted {folder}: table files ")
    code, out = run_cli("compact", "--store", str(tmp_path / "typo"))
    assert code == 1 and not (tmp_path / "typo").exists()
    code, out = run_cli("query", "events-by-type", "--store", str(folder))
    assert code == 0 and "Kidnapping" in out and "Airstrike" in out     # the data as they were
