"""The whole spine on the bundled example articles: CLI build, export, query, rebuild, remove."""
import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "articles"
CKG = "https://w3id.org/conflict-kg/ontology#"


def kg(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    res = subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, cwd=ROOT)
    if check and res.returncode != 0:
        raise AssertionError(f"kg {' '.join(args)} failed ({res.returncode}):\n{res.stdout}\n{res.stderr}")
    return res


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    store = tmp_path_factory.mktemp("e2e") / "store"
    out = kg("build", str(EXAMPLES), "--store", str(store))
    return store, out.stdout


def _export(store: Path, tmp_path: Path) -> ox.Store:
    nq = tmp_path / "export.nq"
    kg("export", "--store", str(store), "--format", "nquads", "--output", str(nq))
    s = ox.Store()
    s.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    return s


def test_build_reports_what_it_stored(built):
    _, stdout = built
    n = len(list(EXAMPLES.glob("*.txt")))
    assert f"articles read: {n}, stored: {n}" in stdout


def test_export_follows_the_contract(built, tmp_path):
    store, _ = built
    s = _export(store, tmp_path)
    q = lambda text: list(s.query(f"PREFIX ckg: <{CKG}> PREFIX prov: <http://www.w3.org/ns/prov#> "
                                  f"PREFIX schema: <http://schema.org/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> {text}"))
    graphs = q("SELECT DISTINCT ?g ?url WHERE { ?g prov:wasDerivedFrom ?a . ?a schema:url ?url }")
    assert len(graphs) == len(list(EXAMPLES.glob("*.txt")))
    # every article graph types its operations, and the class tree reaches ckg:Operation
    per_graph = q("""SELECT ?g (COUNT(DISTINCT ?e) AS ?n) WHERE {
                       ?g prov:wasDerivedFrom ?a .
                       GRAPH ?g { ?e a ?t } GRAPH ?o { ?t rdfs:subClassOf* ckg:Operation } } GROUP BY ?g""")
    assert len(per_graph) == len(graphs)
    drone = q("""SELECT ?e ?k WHERE { GRAPH ?g { ?e a ckg:DroneStrike ; ckg:agent ?a ; ckg:target ?t ; ckg:killed ?k .
                                                  ?t rdfs:label "Kurdistan Workers' Party" } }""")
    assert drone, "the Qandil drone strike with its PKK target and count"
    places = q("SELECT ?p WHERE { GRAPH ?g { ?e ckg:place ?p . ?p <http://www.w3.org/2003/01/geo/wgs84_pos#lat> ?lat } }")
    assert places


def test_rebuild_unchanged_changes_nothing(built, tmp_path):
    store, _ = built
    before = (tmp_path / "a.nq")
    kg("export", "--store", str(store), "--format", "nquads", "--output", str(before))
    out = kg("build", str(EXAMPLES), "--store", str(store)).stdout
    assert "stored: 0" in out and "unchanged: 7" in out
    after = tmp_path / "b.nq"
    kg("export", "--store", str(store), "--format", "nquads", "--output", str(after))
    strip_runs = lambda p: sorted(l for l in p.read_text().splitlines() if "/id/run/" not in l)
    assert strip_runs(before) == strip_runs(after)


def test_changed_article_replaces_its_graph_and_removal(tmp_path):
    store = tmp_path / "store"
    art = tmp_path / "a.txt"
    art.write_text("Title: t\nSource: Rudaw\nDate: 2022-05-01\nURL: https://example.invalid/x\n\n"
                   "Turkish warplanes struck PKK positions in Qandil on Saturday.\n", encoding="utf-8")
    kg("build", str(art), "--store", str(store))
    art.write_text(art.read_text().replace("Qandil", "Sinjar"), encoding="utf-8")
    out = kg("build", str(art), "--store", str(store)).stdout
    assert "stored: 1" in out
    s = _export(store, tmp_path)
    labels = {r[0].value for r in s.query(
        f"SELECT ?l WHERE {{ GRAPH ?g {{ ?e <{CKG}place> ?p . ?p <http://www.w3.org/2000/01/rdf-schema#label> ?l }} }}")}
    assert any("Sinjar" in l for l in labels) and not any("Qandil" in l for l in labels)
    assert len(list(s.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?g), '/graph/article/')) }"))) == 1
    kg("remove", "https://example.invalid/x", "--store", str(store))
    s = _export(store, tmp_path)
    assert not list(s.query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?g), '/graph/article/')) }"))


def test_bad_items_are_named_and_the_rest_is_stored(tmp_path):
    good = {"title": "t", "maintext": "Iraqi forces arrested three IS suspects in Kirkuk on Monday.",
            "url": "https://example.invalid/good", "date_publish": "2022-05-02 10:00:00", "publisher": "Rudaw"}
    lines = [json.dumps(good), "{broken json", json.dumps({**good, "url": "https://example.invalid/g2", "maintext": 42})]
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = tmp_path / "report.json"
    res = kg("build", str(f), "--store", str(tmp_path / "s"), "--report", str(report))
    data = json.loads(report.read_text())
    assert data["stored"] == 1
    assert {r["item"] for r in data["rejected"]} >= {f"{f}:2", f"{f}:3"}


def test_query_and_stats(built):
    store, _ = built
    out = kg("query", "operations-by-actor", "--store", str(store), "--format", "json").stdout
    rows = json.loads(out)
    assert any("Peshmerga" in json.dumps(r) for r in rows)
    stats = json.loads(kg("stats", "--store", str(store), "--json").stdout)
    assert stats["articles"] == 7
    assert sum(stats["events_by_type"].values()) == stats["event_reports"] >= 7
    # the two examples reporting the Hamrin operation describe fewer events than reports
    assert stats["events"] < stats["event_reports"]
    page = json.loads(kg("query", "operations-by-actor", "--store", str(store), "--format", "json",
                         "--limit", "2", "--offset", "1").stdout)
    assert page == rows[1:3]
    refused = kg("query", "operations-by-actor", "--store", str(store), "--limit", "0", check=False)
    assert refused.returncode == 2 and "limit" in refused.stderr
    bad = kg("query", "no-such-query", "--store", str(store), check=False)
    assert bad.returncode == 2 and "operations-by-actor" in bad.stderr
    malformed = tmp = ROOT / "tests" / "fixtures" / "malformed.rq"
    res = kg("query", str(malformed), "--store", str(store), check=False)
    assert res.returncode == 2 and "malformed SPARQL" in res.stderr


def test_build_collects_cycles_less_often_and_restores_the_collector(tmp_path):
    """A build raises the young generation's threshold (fewer collector passes over its
    short-lived objects) and puts the caller's setting back, even when the build fails."""
    import gc

    from kg.parallel import BUILD_GC_THRESHOLD
    from kg.pipeline import Builder
    from kg.store import open_store

    art = tmp_path / "a.txt"
    art.write_text("Title: t\nDate: 2022-05-01\nURL: https://example.invalid/gc\n\n"
                   "Iraqi forces arrested three suspects in Kirkuk on Monday.\n", encoding="utf-8")
    before = gc.get_threshold()
    seen = []
    builder = Builder(open_store(tmp_path / "store"))
    try:
        gc.set_threshold(555, *before[1:])
        builder.build([art], progress=lambda n, a: seen.append(gc.get_threshold()[0]))
        assert seen == [BUILD_GC_THRESHOLD]
        assert gc.get_threshold()[0] == 555

        def fail(n, a):
            raise RuntimeError("interrupted")
        with pytest.raises(RuntimeError):
            builder.build([art], progress=fail, force=True)
        assert gc.get_threshold()[0] == 555
    finally:
        gc.set_threshold(*before)
