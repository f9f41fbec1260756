"""`kg reason`: entailments materialised in graph/inferred, checked against HermiT and OWL-RL."""
from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
import rdflib

from kg.config import Settings
from kg.ontology import INCONSISTENT, check_consistency, load_ontology_graph
from kg.pipeline import Builder
from kg.rdf.iris import IriMinter
from kg.store import open_store
from kg.validate import ReasonError, drop, is_stale, materialise, validate_store
from kg.validate.reason import inferred_graph
from kg.validate.shacl import to_rdflib
from cli_support import run_cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "articles"
CKG = "https://w3id.org/conflict-kg/ontology#"
PREFIXES = (f"PREFIX ckg: <{CKG}> PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/> "
            "PREFIX schema: <http://schema.org/> PREFIX prov: <http://www.w3.org/ns/prov#> ")
MINTER = IriMinter(Settings().base)
INFERRED = inferred_graph(MINTER)

needs_java = pytest.mark.skipif(
    shutil.which("java") is None,
    reason="HermiT needs a Java runtime and no `java` is on PATH (apt-get install default-jre-headless)",
)


@pytest.fixture(scope="module")
def extractor():
    from kg.extract import Extractor
    return Extractor()


@pytest.fixture(scope="module")
def built(tmp_path_factory, extractor) -> Path:
    """The example articles built into a store folder, not reasoned over."""
    path = tmp_path_factory.mktemp("reason") / "store"
    with open_store(path) as store:
        Builder(store, extractor=extractor).build([EXAMPLES])
    return path


@pytest.fixture
def store(built: Path, tmp_path: Path):
    copy = tmp_path / "store"
    shutil.copytree(built, copy)
    with open_store(copy) as opened:
        yield opened


def count(store, where: str) -> int:
    return int(store.query(PREFIXES + f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}").rows[0][0].value)


def asserted(store) -> set[str]:
    return {str(q) for q in store.quads() if q.graph_name != INFERRED and q.subject != INFERRED}


def test_plain_sparql_finds_inferred_types_and_super_properties(store) -> None:
    events = count(store, "SELECT DISTINCT ?e WHERE { ?e ckg:reportedIn ?a }")
    roles = count(store, "SELECT DISTINCT ?e ?x WHERE { ?e ckg:agent|ckg:target|ckg:supporter ?x }")
    ambushes = count(store, "?e a ckg:Ambush")
    assert events > 5 and roles > 5 and ambushes >= 1
    assert count(store, "?e a ckg:Operation") == 0
    assert count(store, "?e ckg:participant ?x") == 0

    report = materialise(store, MINTER)
    assert report.before == 0 and report.inferred > 0

    assert count(store, "SELECT DISTINCT ?e WHERE { ?e a ckg:Operation }") == events
    assert count(store, "SELECT DISTINCT ?e WHERE { ?e a sem:Event, schema:Event }") == events
    assert count(store, "SELECT DISTINCT ?e ?x WHERE { ?e ckg:participant ?x }") == roles
    assert count(store, "SELECT DISTINCT ?e ?x WHERE { ?e sem:hasActor ?x }") == roles
    assert count(store, "SELECT DISTINCT ?x ?e WHERE { ?x ckg:participatedIn ?e }") == roles
    assert count(store, "SELECT DISTINCT ?e WHERE { ?e a ckg:Ambush, ckg:Attack }") == ambushes
    assert count(store, "?e a ckg:DroneStrike") == count(store, "?e a ckg:DroneStrike, ckg:AerialStrike")
    # every place some place is located in contains it
    assert count(store, "?a ckg:locatedIn ?b") > 0
    assert count(store, "?a ckg:locatedIn ?b FILTER NOT EXISTS { ?b ckg:contains ?a }") == 0


def test_the_asserted_graphs_are_left_as_they_were(store) -> None:
    before = asserted(store)
    materialise(store, MINTER)
    assert asserted(store) == before
    # the inferences sit in their own graph, nowhere else
    inferred = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {INFERRED} {{ ?s ?p ?o }} }}",
                           union_default_graph=False).rows[0][0].value
    assert int(inferred) == materialise(store, MINTER).inferred


def test_reasoning_again_changes_nothing(store) -> None:
    first = materialise(store, MINTER)
    graph_before = {str(q) for q in store.quads() if q.graph_name == INFERRED}
    second = materialise(store, MINTER)
    assert second.before == first.inferred == second.inferred
    assert {str(q) for q in store.quads() if q.graph_name == INFERRED} == graph_before


def test_staleness_follows_builds_and_removals(store, extractor) -> None:
    assert is_stale(store, MINTER) is None
    materialise(store, MINTER)
    assert is_stale(store, MINTER) is False
    builder = Builder(store, extractor=extractor)
    builder.build([EXAMPLES])                       # nothing changed: still up to date
    assert is_stale(store, MINTER) is False
    builder.build([EXAMPLES], force=True)           # same text, new run: may differ
    assert is_stale(store, MINTER) is True
    materialise(store, MINTER)
    graph = next(g for g in store.named_graphs() if "/graph/article/" in g.value)
    builder.remove([graph.value.rsplit("/", 1)[1]])
    assert is_stale(store, MINTER) is True


def test_drop_takes_every_inference_away(store) -> None:
    before = asserted(store)
    materialise(store, MINTER)
    assert drop(store, MINTER) > 0
    assert {str(q) for q in store.quads()} == before
    assert is_stale(store, MINTER) is None


def test_a_store_without_the_ontology_is_refused() -> None:
    with pytest.raises(ReasonError, match="no ontology graph"):
        materialise(open_store(None), MINTER)


def test_validation_leaves_the_inferred_graph_out(store) -> None:
    units = validate_store(store, engine="compiled").units
    materialise(store, MINTER)
    outcome = validate_store(store, engine="compiled")
    assert outcome.units == units and outcome.results == []


def test_kg_reason_command(built: Path, tmp_path: Path) -> None:
    path = tmp_path / "store"
    shutil.copytree(built, path)
    assert run_cli("reason", "--store", str(path), "--check") == (1, "no inferred graph\n")
    code, out = run_cli("reason", "--store", str(path))
    assert code == 0 and "inferred triples in <https://w3id.org/conflict-kg/graph/inferred>" in out
    assert run_cli("reason", "--store", str(path), "--check") == (0, "up to date\n")
    code, out = run_cli("reason", "--store", str(path), "--drop")
    assert code == 0 and out.startswith("removed ")
    code, out = run_cli("validate", "--store", str(path))
    assert code == 0 and "note:" not in out


# ------------------------------------------------------------------------------ reference reasoners

@pytest.fixture(scope="module")
def reasoned(built: Path, tmp_path_factory) -> tuple[rdflib.Graph, rdflib.Graph]:
    """(asserted data without the ontology graph, inferred triples), as rdflib graphs."""
    path = tmp_path_factory.mktemp("reasoned") / "store"
    shutil.copytree(built, path)
    data, inferred = rdflib.Graph(), rdflib.Graph()
    with open_store(path) as store:
        materialise(store, MINTER)
        for q in store.quads():
            if q.graph_name == MINTER.ontology_graph() or q.subject == INFERRED:
                continue
            triple = (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
            (inferred if q.graph_name == INFERRED else data).add(triple)
    return data, inferred


def test_owl_rl_reference_entails_every_inferred_triple(reasoned) -> None:
    import owlrl

    data, inferred = reasoned
    closure = rdflib.Graph()
    for triple in data:
        closure.add(triple)
    for triple in load_ontology_graph(crosswalks=False):
        closure.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    missing = [t for t in inferred if t not in closure]
    assert not missing, missing[:5]


@pytest.fixture(scope="module")
def hermit_world(reasoned):
    """HermiT's classification of the data, through owlready2 (types only: with property
    values it takes minutes on larger data, and owlready2 reports them incompletely)."""
    import owlready2
    from kg.ontology import _find_java

    data, _ = reasoned
    world = owlready2.World()
    world.get_ontology("https://w3id.org/conflict-kg/ontology").load(
        fileobj=io.BytesIO(load_ontology_graph(crosswalks=False).serialize(format="xml", encoding="utf-8")),
        format="rdfxml")
    world.get_ontology("https://w3id.org/conflict-kg/check/data").load(
        fileobj=io.BytesIO(data.serialize(format="xml", encoding="utf-8")), format="rdfxml")
    previous = owlready2.JAVA_EXE
    owlready2.JAVA_EXE = _find_java(None)
    try:
        owlready2.sync_reasoner(world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True)
    finally:
        owlready2.JAVA_EXE = previous
    yield world
    world.close()


def _hermit_types(world, node: rdflib.term.Node) -> set[str] | None:
    individual = world[str(node)]
    if individual is None or not hasattr(individual, "INDIRECT_is_a"):
        return None
    return {c.iri for c in individual.INDIRECT_is_a if hasattr(c, "iri")} - {str(rdflib.OWL.Thing)}


@needs_java
def test_hermit_entails_every_inferred_type(reasoned, hermit_world) -> None:
    _, inferred = reasoned
    types = list(inferred.triples((None, rdflib.RDF.type, None)))
    assert len(types) > 50
    for node, _, cls in types:
        assert str(cls) in (_hermit_types(hermit_world, node) or set()), (node, cls)


@needs_java
def test_hermit_finds_no_type_of_a_typed_node_that_the_rules_miss(reasoned, hermit_world) -> None:
    data, inferred = reasoned
    for node in set(data.subjects(rdflib.RDF.type, None)):
        hermit = _hermit_types(hermit_world, node)
        if hermit is None:
            continue
        ours = {str(c) for c in data.objects(node, rdflib.RDF.type)} | {str(c) for c in inferred.objects(node, rdflib.RDF.type)}
        assert hermit <= ours, (node, hermit - ours)


@needs_java
def test_the_data_with_its_inferences_is_consistent(reasoned) -> None:
    data, inferred = reasoned
    both = rdflib.Graph()
    for triple in data:
        both.add(triple)
    for triple in inferred:
        both.add(triple)
    assert check_consistency(extra=both, ignore_unsupported_datatypes=True) == []
    # and HermiT would notice if the rules typed something against the ontology
    clash = rdflib.Graph()
    clash.add((rdflib.URIRef(MINTER.base + "id/actor/x"), rdflib.RDF.type, rdflib.URIRef(CKG + "StateForce")))
    clash.add((rdflib.URIRef(MINTER.base + "id/actor/x"), rdflib.RDF.type, rdflib.URIRef(CKG + "Settlement")))
    assert check_consistency(extra=clash) == [INCONSISTENT]
