"""Hostile input, end to end: the corpus in tests/hostile/, 50 MB inputs made here, property
tests over the readers and the whole pipeline, and hostile queries against the read-only
SPARQL surface.

What must hold: every rejected item is named with a reason (in the build's report file); the
rest of the batch is stored; nothing already stored is lost or duplicated; what is stored
conforms to the shapes.
"""
from __future__ import annotations

import json
import shutil
import tempfile
import unicodedata
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.ingest import MAX_TEXT_CHARS, IngestError, read_articles
from kg.pipeline import Builder
from kg.store import QueryError, open_store
from kg.validate import validate_store
from cli_support import run_cli

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = Path(__file__).resolve().parent / "hostile"
CORPUS = HOSTILE / "corpus"
EXAMPLES = ROOT / "examples" / "articles"
EXPECTED: dict[str, dict[str, str]] = json.loads((HOSTILE / "expected.json").read_text(encoding="utf-8"))
BIG = 50 * 1024 * 1024
BIG_EXPECTED = {"big.txt": "characters; the limit is", "big.jsonl:1": "line longer than"}
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def non_run_quads(store) -> list[str]:
    """The store's quads, less the descriptions of build runs (new with every build) and the
    fusion graph (derived from every stored article's links: new articles may join or bridge
    events; `fused_groups` checks that none already fused come apart)."""
    return sorted(str(q) for q in store.quads() if "/id/run/" not in str(q) and "/graph/fusion>" not in str(q))


def fused_groups(store) -> list[frozenset[str]]:
    """The reports of each fused event."""
    groups: dict[str, set[str]] = {}
    for report, head in store.query("SELECT ?r ?h WHERE { ?r <https://w3id.org/conflict-kg/ontology#fusedEvent> ?h }").rows:
        groups.setdefault(head.value, set()).add(report.value)
    return [frozenset(g) for g in groups.values()]


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory) -> dict:
    """Examples built first; then the hostile corpus with two 50 MB inputs; then it all again."""
    tmp = tmp_path_factory.mktemp("hostile")
    big_text = tmp / "big.txt"
    with big_text.open("w", encoding="utf-8") as handle:
        handle.write("Title: Fifty megabytes\nURL: https://example.invalid/hostile/big\n\n")
        line = "Turkish warplanes struck PKK positions in Qandil. " * 20 + "\n"
        for _ in range(BIG // len(line) + 1):
            handle.write(line)
    big_jsonl = tmp / "big.jsonl"
    with big_jsonl.open("w", encoding="utf-8") as handle:
        handle.write('{"url": "https://example.invalid/hostile/big-line", "maintext": "')
        chunk = "Peshmerga forces clashed with militants near Makhmour. " * 100
        for _ in range(BIG // len(chunk) + 1):
            handle.write(chunk)
        handle.write('"}\n')
    assert big_text.stat().st_size > BIG and big_jsonl.stat().st_size > BIG

    store = tmp / "store"
    code, _ = run_cli("build", str(EXAMPLES), "--store", str(store), "-q")
    assert code == 0
    with open_store(store, read_only=True) as opened:
        examples = non_run_quads(opened)
        examples_fused = fused_groups(opened)

    report_file = tmp / "report.json"
    code, summary = run_cli("build", str(CORPUS), str(big_text), str(big_jsonl), "--store", str(store),
                            "--report", str(report_file))
    report = json.loads(report_file.read_text(encoding="utf-8"))
    with open_store(store, read_only=True) as opened:
        after = non_run_quads(opened)
        after_fused = fused_groups(opened)
        validation = validate_store(opened, engine="pyshacl")

    again_file = tmp / "again.json"
    code_again, _ = run_cli("build", str(CORPUS), str(big_text), str(big_jsonl), "--store", str(store),
                            "--report", str(again_file), "-q")
    with open_store(store, read_only=True) as opened:
        after_again = non_run_quads(opened)
    return {"code": code, "summary": summary, "report": report, "examples": examples, "after": after,
            "examples_fused": examples_fused, "after_fused": after_fused,
            "validation": validation, "again": json.loads(again_file.read_text(encoding="utf-8")),
            "code_again": code_again, "after_again": after_again, "store": store, "tmp": tmp}


def _relative(item: str, tmp: Path) -> str:
    return item.replace(str(CORPUS) + "/", "").replace(str(tmp) + "/", "")


def test_the_corpus_is_what_its_generator_writes(tmp_path: Path) -> None:
    import importlib.util
    spec = importlib.util.spec_from_file_location("make_fixtures", HOSTILE / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    fixtures = module.fixtures()
    assert sorted(fixtures) == sorted(p.name for p in CORPUS.iterdir())
    for name, (data, _items) in fixtures.items():
        assert (CORPUS / name).read_bytes() == data, f"{name}: run python tests/hostile/make_fixtures.py"
    assert sum(len(items) for _, items in fixtures.values()) == len(EXPECTED)


def test_every_item_gets_the_outcome_it_should(hostile_build) -> None:
    report, tmp = hostile_build["report"], hostile_build["tmp"]
    rejected = {_relative(r["item"], tmp): r["reason"] for r in report["rejected"]}
    notices: dict[str, list[str]] = {}
    for n in report["notices"]:
        notices.setdefault(_relative(n["item"], tmp), []).append(n["reason"])
    for item, expected in EXPECTED.items():
        if expected["outcome"] == "rejected":
            assert item in rejected, f"{item} should have been rejected ({expected['reason']})"
            assert expected["reason"] in rejected[item], (item, rejected[item])
        else:
            assert item not in rejected, f"{item} was rejected: {rejected.get(item)}"
            if "notice" in expected:
                assert any(expected["notice"] in n for n in notices.get(item, [])), (item, notices.get(item))
    for item, reason in BIG_EXPECTED.items():
        assert reason in rejected[item], (item, rejected.get(item))
    # nothing was rejected that the manifest does not list
    assert set(rejected) == {k for k, v in EXPECTED.items() if v["outcome"] == "rejected"} | set(BIG_EXPECTED)
    stored = sum(1 for v in EXPECTED.values() if v["outcome"] == "stored")
    assert report["stored"] == stored
    assert hostile_build["code"] == 0


def test_every_rejection_has_a_name_and_a_reason_in_the_report(hostile_build) -> None:
    report = hostile_build["report"]
    for entry in report["rejected"] + report["notices"]:
        assert entry["item"].strip() and len(entry["reason"].strip()) > 5, entry
    assert f"rejected: {len(report['rejected'])}" in hostile_build["summary"]


def test_nothing_already_stored_is_lost_and_nothing_is_duplicated(hostile_build) -> None:
    assert set(hostile_build["examples"]) <= set(hostile_build["after"])
    assert hostile_build["examples_fused"], "the examples have events reported by several articles"
    for group in hostile_build["examples_fused"]:
        assert any(group <= later for later in hostile_build["after_fused"]), group
    again = hostile_build["again"]
    assert hostile_build["code_again"] == 0 and again["stored"] == 0
    assert again["unchanged"] == again["read"] == hostile_build["report"]["read"]
    assert [r["item"] for r in again["rejected"]] == [r["item"] for r in hostile_build["report"]["rejected"]]
    assert hostile_build["after_again"] == hostile_build["after"]
    with open_store(hostile_build["store"], read_only=True) as store:
        rows = store.query("""SELECT ?a (COUNT(?h) AS ?n) WHERE {
            ?a <https://w3id.org/conflict-kg/ontology#contentHash> ?h } GROUP BY ?a HAVING (COUNT(?h) > 1)""",
                           union_default_graph=False).rows
        assert rows == []


def test_the_stored_graphs_conform(hostile_build) -> None:
    validation = hostile_build["validation"]
    assert validation.conforms, [r.describe() for r in validation.violations][:5]


def test_hostile_text_never_reaches_the_store_as_code_or_garbage(hostile_build) -> None:
    with open_store(hostile_build["store"], read_only=True) as store:
        literals = [q.object.value for q in store.quads() if isinstance(q.object, ox.Literal)]
        # the injection attempt is a headline, not an update
        assert not list(store.quads()) or not store.query("ASK { <urn:x> ?p ?o }").boolean
        headlines = {r[0].value for r in store.query(
            "SELECT ?h WHERE { ?a <http://schema.org/headline> ?h }").rows}
    assert any(h.startswith('Quote" } ; DROP ALL ; INSERT DATA') for h in headlines)
    text = "\n".join(literals)
    for bad in ("pwned", "alert(", "root:x:0", "lollollol", "\x1b", "\x07", "\x00", "\u202e", "\u200b", "\ufeff"):
        assert bad not in text, repr(bad)
    for literal in literals:
        assert not any(0xD800 <= ord(c) <= 0xDFFF for c in literal)
        assert not any(unicodedata.category(c) == "Cc" and c not in "\n" for c in literal), repr(literal[:80])
    assert max(len(h) for h in headlines) <= 1000


def test_right_to_left_and_other_scripts_are_kept(hostile_build) -> None:
    with open_store(hostile_build["store"], read_only=True) as store:
        headlines = {r[0].value for r in store.query("SELECT ?h WHERE { ?a <http://schema.org/headline> ?h }").rows}
    for title in ("غارات جوية تركية على قنديل", "Удары по Кандилю", "土耳其空袭坎迪尔", "هێرشی ئاسمانی بۆ سەر قەندیل",
                  "Kandil'e hava harekâtı", "Zerowidth characters"):
        assert title in headlines, title


# ------------------------------------------------------------------------------ property tests: readers

_EXTENSIONS = [".txt", ".json", ".jsonl", ".html", ".xml", ".rss"]
_FOLDER = Path(tempfile.mkdtemp(prefix="kg-hostile-"))


@pytest.fixture(scope="module", autouse=True)
def _remove_folder():
    yield
    shutil.rmtree(_FOLDER, ignore_errors=True)


def _read(path: Path) -> tuple[list, list[IngestError]]:
    errors: list[IngestError] = []
    articles = list(read_articles([path], errors=errors))
    return articles, errors


def _check_read(articles: list, errors: list[IngestError]) -> None:
    assert articles or errors, "an item must give articles or a named problem"
    for error in errors:
        assert error.item and error.reason.strip()
    for article in articles:
        assert article.text.strip() and len(article.text) <= MAX_TEXT_CHARS
        assert article.url.startswith(("http://", "https://"))
        # everything an article carries can be written as RDF
        for value in (article.text, article.title, article.url, article.outlet or ""):
            assert not any(0xD800 <= ord(c) <= 0xDFFF for c in value)
            ox.Literal(value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=3000), extension=st.sampled_from(_EXTENSIONS))
def test_readers_survive_any_bytes(data: bytes, extension: str) -> None:
    path = _FOLDER / f"bytes{extension}"
    path.write_bytes(data)
    _check_read(*_read(path))


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["title", "maintext", "text", "url", "date_publish", "publisher", "id", "x"]) | st.text(max_size=5),
        children, max_size=5),
    max_leaves=25)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(_JSON, min_size=1, max_size=5), as_lines=st.booleans())
def test_readers_survive_json_of_any_shape(records: list, as_lines: bool) -> None:
    path = _FOLDER / ("records.jsonl" if as_lines else "records.json")
    text = "\n".join(json.dumps(r) for r in records) if as_lines else json.dumps(records)
    path.write_text(text, encoding="utf-8")
    articles, errors = _read(path)
    _check_read(articles, errors)
    if as_lines:
        # each line is an article or a named problem (blank lines excepted)
        named = {a.origin for a in articles} | {e.item for e in errors}
        assert all(f"{path}:{n}" in named for n, line in enumerate(text.split("\n"), 1) if line.strip())


_SCRIPTS = st.sampled_from([
    "Peshmerga", "قصفت طائرات", "Удары", "坎迪尔", "\u202e", "\u200b", "\u200d", "\ufeff", "\u0301", "\x1b[31m",
    "&amp;", "<script>", '"', "\\", "}", ">", "\n\n", "\t", "💥", "\U0001d57c",
])
_TEXT = st.lists(st.one_of(_SCRIPTS, st.text(max_size=20)), min_size=1, max_size=30).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_TEXT, body=_TEXT, date=st.text(max_size=25))
def test_text_articles_come_out_clean(title: str, body: str, date: str) -> None:
    path = _FOLDER / "article.txt"
    path.write_text(f"Title: {title}\nDate: {date}\n\n{body}".replace("\r", ""), encoding="utf-8", errors="replace")
    articles, errors = _read(path)
    _check_read(articles, errors)
    for article in articles:
        for char in article.text + article.title:
            category = unicodedata.category(char)
            assert category not in ("Cc", "Cs") or char == "\n", repr(char)
            assert category != "Cf" or char in "\u200c\u200d", repr(char)


# ------------------------------------------------------------------------------ property tests: the pipeline

@pytest.fixture(scope="module")
def extractor():
    from kg.extract import Extractor
    return Extractor()


_SENTENCES = [
    "Turkish warplanes struck PKK positions in {place} on {day}, killing {n} militants, the ministry said.",
    "Peshmerga forces clashed with Islamic State militants near {place} on {day}; {n} fighters were wounded.",
    "A roadside bomb killed {n} soldiers in {place} on {day}, a security source told reporters.",
    "Gunmen abducted {n} shepherds near {place} in {month}, according to local officials.",
    "The coalition said its drones hit {n} targets around {place} between {day} and {day}.",
]
_PLACES = ["Qandil", "Makhmour", "Kirkuk", "Sinjar", "Mosul", "Qandil\u200b", "قنديل", "Erbil's north", "X" * 300]
_DAYS = ["Monday", "31 February", "February 30, 2022", "32 March 2019", "the year 3000", "1 January 1066",
         "yesterday", "9999-12-31"]
_NUMBERS = ["3", "2,000", "-5", "10" * 30, "dozens of", "0", "one million", "1e9", "٣"]


@st.composite
def conflict_text(draw) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            parts.append(draw(st.sampled_from(_SENTENCES)).format(
                place=draw(st.sampled_from(_PLACES)), day=draw(st.sampled_from(_DAYS)),
                month=draw(st.sampled_from(["June", "December of last year", "Smarch"])),
                n=draw(st.sampled_from(_NUMBERS))))
        else:
            parts.append(draw(_TEXT))
    return " ".join(parts)


@st.composite
def batch(draw) -> list[dict]:
    records = []
    for n in range(draw(st.integers(1, 4))):
        record = {"maintext": draw(conflict_text()), "title": draw(st.one_of(st.none(), _TEXT))}
        if draw(st.booleans()):
            record["url"] = f"https://example.invalid/hostile/prop-{draw(st.integers(0, 3))}"
        if draw(st.booleans()):
            record["date_publish"] = draw(st.one_of(st.sampled_from(_DAYS + ["2022-05-01"]), st.text(max_size=12)))
        records.append(record)
    return records


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(records=batch())
def test_the_pipeline_survives_hostile_batches(records: list[dict], extractor) -> None:
    path = _FOLDER / "batch.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    store = open_store(None)
    builder = Builder(store, extractor=extractor)
    report = builder.build([path])
    # every line was stored or rejected with a reason, and nothing twice
    items = [e.item for e in report.rejected]
    assert len(items) == len(set(items))
    assert report.stored + len(report.rejected) == len(records)
    assert all(e.reason.strip() for e in report.failed)
    # what was stored conforms, at least at the level the build enforces
    assert validate_store(store, engine="compiled").conforms
    before = non_run_quads(store)
    again = builder.build([path])
    assert again.stored == 0 and non_run_quads(store) == before


# ------------------------------------------------------------------------------ hostile queries

_UPDATES = [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "DELETE WHERE { ?s ?p ?o }", "DROP ALL", "CLEAR DEFAULT",
    "LOAD <http://127.0.0.1:9/x.ttl>", "CREATE GRAPH <urn:g>", "COPY DEFAULT TO <urn:g>",
    "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
]


@pytest.mark.parametrize("update", _UPDATES)
def test_the_query_interface_never_runs_an_update(update: str) -> None:
    from kg.publish.sparql import refusal_for_syntax_error

    store = open_store(None)
    store.add([ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("1", datatype=XSD_INTEGER))])
    with pytest.raises(QueryError):
        store.query(update)
    assert store.count() == 1
    assert refusal_for_syntax_error(update, "syntax error").status in (400, 403)


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { service <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * WHERE { { SELECT ?s WHERE { SERVICE ?endpoint { ?s ?p ?o } } } }",
    "PREFIX e: <http://127.0.0.1:9/> SELECT * WHERE { OPTIONAL { SERVICE e:x { ?s ?p ?o } } }",
    "ASK { FILTER EXISTS { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } }",
    "SELECT * WHERE { \\u0073ervice <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * WHERE { \\U00000053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
])
def test_service_is_refused_however_it_is_written(query: str) -> None:
    from kg.publish.sparql import QueryRefused, check_query

    with pytest.raises(QueryRefused) as refused:
        check_query(query)
    assert refused.value.status == 403
