"""The fusion index kept in a store's folder between builds: used again only when its mark names
the store as it is and the code that filed it, read again from the store otherwise, and a build
on a kept index stores what a build on a freshly read one does."""
from __future__ import annotations

from pathlib import Path

import pytest

import kg.rdf.readback as readback
from kg.pipeline import Builder
from kg.rdf.readback import INDEX_FILE, StoreChanges, changed_only_by, load_event_index
from kg.store import OxigraphStore

# Invented reports; the first two and the last two tell one event each, so fusion links them.
_REPORTS = [
    ("2021-03-04", "Turkish warplanes struck PKK positions near Sinjar on Wednesday, killing 6 militants, "
                   "the Turkish defence ministry said."),
    ("2021-03-04", "Six PKK fighters were killed when Turkish jets bombed their hideouts near Sinjar on Wednesday, "
                   "a local official told reporters."),
    ("2021-05-11", "Islamic State militants abducted 4 shepherds near Hawija on Monday, police said."),
    ("2021-06-20", "A roadside bomb killed 3 Iraqi soldiers in Tuz Khurmatu on Saturday, according to local officials."),
    ("2021-08-02", "Peshmerga forces clashed with Islamic State militants near Makhmour on Sunday, "
                   "a security source said."),
    ("2021-08-02", "Fighting broke out between the Peshmerga and Islamic State militants near Makhmour on Sunday, "
                   "officials said."),
]


def _write(folder: Path, numbers: range) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in numbers:
        day, text = _REPORTS[n]
        (folder / f"{n}.txt").write_text(f"Title: Report {n}\nSource: Kept Index Wire\nDate: {day}\n"
                                         f"URL: https://example.invalid/kept/{n}\n\n{text}\n", encoding="utf-8")
    return folder


def _fresh(store: OxigraphStore, builder: Builder):
    m = builder.minter
    return load_event_index(store, m.prefix("event"), m.prefix("place"), m.prefix("actor"))


def _content(index) -> tuple[dict, list]:
    return {v.ref: v for v in index.events()}, sorted(index.link_rows())


def _graph(store: OxigraphStore) -> list[str]:
    """The store's quads without what differs between runs (run IRIs, times, inputs)."""
    out = []
    for q in store.quads():
        text = str(q)
        if "/id/run/" in text or "/graph/ontology>" in text:
            continue
        out.append(text)
    return sorted(out)


@pytest.fixture
def read_backs(monkeypatch) -> list[int]:
    """Counts the times the index is read from the store."""
    calls: list[int] = []
    real = readback.load_event_index

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)
    monkeypatch.setattr(readback, "load_event_index", counted)
    return calls


def test_the_next_build_uses_the_kept_index_and_stores_the_same_graph(tmp_path, read_backs):
    first, second = _write(tmp_path / "first", range(0, 5, 2)), _write(tmp_path / "second", range(1, 6, 2))
    kept_store = OxigraphStore(tmp_path / "kept")
    builder = Builder(kept_store)
    builder.build([first])
    assert (tmp_path / "kept" / INDEX_FILE).is_file()
    reads = len(read_backs)

    again = Builder(kept_store)             # a later `kg build` on the same store
    assert len(read_backs) == reads         # not read from the store
    # what the build filed is what reading the store gives
    assert _content(again.fuser.index) == _content(_fresh(kept_store, again))
    again.build([second])
    views, links = _content(again.fuser.index)
    assert links, "the second build's reports fuse with the first's"
    assert (views, links) == _content(_fresh(kept_store, again))

    # the same two builds, the index read from the store for the second
    read_store = OxigraphStore(tmp_path / "read")
    Builder(read_store).build([first])
    (tmp_path / "read" / INDEX_FILE).unlink()
    Builder(read_store).build([second])
    assert _graph(kept_store) == _graph(read_store)


def test_an_index_not_known_to_match_its_store_is_read_again(tmp_path, read_backs, monkeypatch):
    corpus = _write(tmp_path / "corpus", range(len(_REPORTS)))
    store = OxigraphStore(tmp_path / "store")
    builder = Builder(store)
    builder.build([corpus])

    def reads_again() -> bool:
        before = len(read_backs)
        b = Builder(store)
        assert _content(b.fuser.index) == _content(_fresh(store, b))
        return len(read_backs) > before

    assert not reads_again()
    # the store changed behind the index's back (not through a Builder)
    gone = min(v.article_id for v in builder.fuser.index.events())
    store.remove_article(builder.minter.article_graph(gone), builder.minter.article(gone))
    assert reads_again()
    assert not reads_again()
    # a build that stopped half-way
    broken = Builder(store)

    def fail(*_args, **_kwargs):
        raise RuntimeError("stopped")
    monkeypatch.setattr(broken, "_write", fail)
    with pytest.raises(RuntimeError):
        broken.build([corpus], force=True)
    assert reads_again()
    # a file that is no index
    (tmp_path / "store" / INDEX_FILE).write_bytes(b"\x00not a database" * 100)
    assert reads_again()
    assert not reads_again()
    # other code (or gazetteer) filed it
    monkeypatch.setattr(readback, "_code_stamp", lambda: "another version")
    assert reads_again()


def test_a_removal_keeps_the_index_in_step(tmp_path, read_backs):
    corpus = _write(tmp_path / "corpus", range(len(_REPORTS)))
    store = OxigraphStore(tmp_path / "store")
    Builder(store).build([corpus])
    builder = Builder(store)
    reads = len(read_backs)
    gone = min(v.article_id for v in builder.fuser.index.events())
    assert builder.remove([gone]) == 1
    later = Builder(store)
    assert len(read_backs) == reads
    views, _ = _content(later.fuser.index)
    assert views and gone not in {v.article_id for v in views.values()}
    assert _content(later.fuser.index) == _content(_fresh(store, later))


def test_stores_without_a_folder_read_the_index_every_time(read_backs):
    store = OxigraphStore()
    Builder(store)
    Builder(store)
    assert len(read_backs) == 2


def test_a_forced_rebuild_keeps_the_index(tmp_path, read_backs):
    corpus = _write(tmp_path / "corpus", range(len(_REPORTS)))
    store = OxigraphStore(tmp_path / "store")
    Builder(store).build([corpus])
    report = Builder(store).build([corpus], force=True)       # every article replaced
    assert report.stored == len(_REPORTS)
    reads = len(read_backs)
    later = Builder(store)
    assert len(read_backs) == reads
    assert _content(later.fuser.index) == _content(_fresh(store, later))


@pytest.mark.parametrize("after, changes, alone", [
    # the build stored 2 new articles and replaced 1 of run a's
    ({"a": 4, "b": 2, "ours": 3}, StoreChanges("ours", added=2, replaced=1), True),
    ({"a": 5, "b": 2, "ours": 2}, StoreChanges("ours", added=2, replaced=1), False),   # a's was not replaced
    ({"a": 4, "b": 2, "ours": 3, "c": 1}, StoreChanges("ours", added=2, replaced=1), False),   # another run stored
    ({"a": 4, "b": 1, "ours": 3}, StoreChanges("ours", added=2, replaced=1), False),   # another removed one
    ({"a": 3, "b": 2, "ours": 4}, StoreChanges("ours", added=2, replaced=1), False),   # ours stored more
    ({"a": 5, "b": 2}, StoreChanges("ours"), True),                                   # nothing stored
    ({"a": 3, "b": 2}, StoreChanges(removed=2), True),                                # a removal
    ({"a": 3, "b": 1}, StoreChanges(removed=2), False),
    ({"a": 4, "b": 2, "": 1}, StoreChanges(removed=1), False),                        # a graph with no run
])
def test_an_index_is_kept_only_when_the_store_changed_by_the_build_alone(after, changes, alone):
    assert changed_only_by({"a": 5, "b": 2}, after, changes) is alone
