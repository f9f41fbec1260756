"""The ontology (ontology/conflict.ttl), its SKOS crosswalks and the ACLED export table."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from kg import ontology
from kg.ontology import (
    INCONSISTENT, JavaNotFoundError, check_consistency, class_hierarchy_ntriples,
    crosswalk_files, load_acled_types, load_ontology_graph,
)

CKG = rdflib.Namespace("https://w3id.org/conflict-kg/ontology#")
ACLED = rdflib.Namespace("https://w3id.org/conflict-kg/acled#")
CAMEO = rdflib.Namespace("https://w3id.org/conflict-kg/cameo#")
RDF_MODEL_DOC = Path(__file__).resolve().parent.parent / "docs" / "rdf-model.md"

# Fixed by the evaluation contract (shared/eval/CONTRACT.md).
CONTRACT_EVENT_TYPES = ("Airstrike", "DroneStrike", "Shelling", "GroundOperation", "Raid", "Clash",
                        "Attack", "Ambush", "Bombing", "Kidnapping", "Arrest", "Killing")
KINDS = {
    "Actor": ("ArmedForce", "StateForce", "RegionalForce", "ParamilitaryForce", "NonStateArmedGroup",
              "Coalition", "Organization", "Person", "CivilianGroup", "UnidentifiedActor"),
    "Place": ("Country", "AdminRegion", "Settlement", "TerrainFeature", "Facility"),
    "Source": ("NewsOutlet", "OfficialSource", "AnonymousSource", "Witness", "Monitor", "SocialMediaPost"),
    "Operation": CONTRACT_EVENT_TYPES + ("SuicideBombing",),
    "Claim": ("CasualtyClaim", "StrengthEstimate", "ControlClaim"),
}
MAPPING_PROPERTIES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
TURTLE_FILES = [ontology.ONTOLOGY_FILE, *crosswalk_files()]

needs_java = pytest.mark.skipif(
    shutil.which("java") is None,
    reason="HermiT needs a Java runtime and no `java` is on PATH (apt-get install default-jre-headless)",
)


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    return load_ontology_graph(crosswalks=False)


@pytest.fixture(scope="module")
def full() -> rdflib.Graph:
    return load_ontology_graph(crosswalks=True)


def ckg_terms(graph: rdflib.Graph) -> set[rdflib.URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return {s for kind in kinds for s in graph.subjects(RDF.type, kind)
            if isinstance(s, rdflib.URIRef) and s.startswith(str(CKG))}


def superclasses(graph: rdflib.Graph, cls: rdflib.URIRef) -> set[rdflib.URIRef]:
    return set(graph.transitive_objects(cls, RDFS.subClassOf))


def operation_classes(graph: rdflib.Graph) -> list[rdflib.URIRef]:
    return sorted(c for c in graph.transitive_subjects(RDFS.subClassOf, CKG.Operation)
                  if isinstance(c, rdflib.URIRef))


def turtle(text: str) -> rdflib.Graph:
    prefixes = """
        @prefix ckg: <https://w3id.org/conflict-kg/ontology#> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        @prefix schema: <http://schema.org/> .
        @prefix prov: <http://www.w3.org/ns/prov#> .
        @prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix : <https://w3id.org/conflict-kg/id/> .
    """
    return rdflib.Graph().parse(data=prefixes + text, format="turtle")


# ------------------------------------------------------------------------------ syntax

@pytest.mark.parametrize("path", TURTLE_FILES, ids=lambda p: p.name)
def test_turtle_parses_with_rdflib_and_pyoxigraph_alike(path: Path) -> None:
    rdflib_count = len(rdflib.Graph().parse(path, format="turtle"))
    oxigraph_count = len(list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)))
    assert rdflib_count > 100
    assert oxigraph_count == rdflib_count


@pytest.mark.skipif(shutil.which("rapper") is None, reason="rapper (raptor2-utils) is not on PATH")
@pytest.mark.parametrize("path", TURTLE_FILES, ids=lambda p: p.name)
def test_turtle_parses_with_rapper(path: Path) -> None:
    result = subprocess.run(["rapper", "-i", "turtle", "-c", str(path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


# ------------------------------------------------------------------------------ content

def test_ontology_header(onto: rdflib.Graph) -> None:
    iri = rdflib.URIRef(ontology.ONTOLOGY_IRI)
    assert (iri, RDF.type, OWL.Ontology) in onto
    assert onto.value(iri, OWL.versionInfo) == rdflib.Literal("0.1.0")
    assert onto.value(iri, DCTERMS.license) == rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert str(onto.value(iri, DCTERMS.creator)) == "conflict-kg developers"
    assert onto.value(iri, DCTERMS.title) is not None
    assert onto.value(iri, DCTERMS.description) is not None


def test_every_ckg_term_in_the_rdf_model_doc_is_defined(onto: rdflib.Graph) -> None:
    used = set(re.findall(r"ckg:(\w+)", RDF_MODEL_DOC.read_text(encoding="utf-8")))
    # The doc's class list also names subclasses without the prefix ("`StateForce`").
    section = RDF_MODEL_DOC.read_text(encoding="utf-8").split("## Classes and properties", 1)[1]
    used |= set(re.findall(r"`([A-Za-z]+)`", section))
    defined = {term.removeprefix(str(CKG)) for term in ckg_terms(onto)}
    assert used, "no ckg: terms found in docs/rdf-model.md"
    assert sorted(used - defined) == []


def test_every_ckg_term_has_an_english_label_and_comment(onto: rdflib.Graph) -> None:
    terms = ckg_terms(onto)
    assert len(terms) >= 70
    for term in terms:
        for prop in (RDFS.label, RDFS.comment):
            values = list(onto.objects(term, prop))
            assert any(isinstance(v, rdflib.Literal) and v.language == "en" for v in values), (term, prop)


@pytest.mark.parametrize("event_type", CONTRACT_EVENT_TYPES)
def test_contract_event_types_are_operations(onto: rdflib.Graph, event_type: str) -> None:
    assert CKG.Operation in superclasses(onto, CKG[event_type])


def test_kind_hierarchy(onto: rdflib.Graph) -> None:
    for top, kinds in KINDS.items():
        for kind in kinds:
            assert CKG[top] in superclasses(onto, CKG[kind]), (kind, top)
    assert (CKG.Ambush, RDFS.subClassOf, CKG.Attack) in onto
    assert (CKG.SuicideBombing, RDFS.subClassOf, CKG.Bombing) in onto
    # The grouping class must not hide the direct link the contract reads.
    for strike in (CKG.Airstrike, CKG.DroneStrike):
        assert (strike, RDFS.subClassOf, CKG.Operation) in onto


def test_property_signatures(onto: rdflib.Graph) -> None:
    for role in ("agent", "target", "supporter"):
        assert (CKG[role], RDFS.subPropertyOf, CKG.participant) in onto
    assert (CKG.participant, RDFS.domain, CKG.Operation) in onto
    assert (CKG.participant, RDFS.range, CKG.Actor) in onto
    assert (CKG.locatedIn, RDF.type, OWL.TransitiveProperty) in onto
    assert (CKG.accordingTo, RDFS.range, CKG.Source) in onto
    assert (CKG.accordingTo, RDFS.subPropertyOf, rdflib.URIRef("http://www.w3.org/ns/prov#wasAttributedTo")) in onto
    for count in ("killed", "wounded", "captured", "count"):
        assert (CKG[count], RDFS.range, rdflib.XSD.integer) in onto
    assert (CKG.coordinatePrecisionKm, RDFS.range, rdflib.XSD.decimal) in onto


def test_external_terms_are_declared(onto: rdflib.Graph) -> None:
    """OWL tools must accept the file without imports: every external term has a declared kind."""
    declared = set(onto.subjects(RDF.type, None))
    for prop in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range):
        for obj in onto.objects(None, prop):
            if isinstance(obj, rdflib.URIRef) and obj != RDFS.Literal and not obj.startswith(str(rdflib.XSD)):
                assert obj in declared, obj


def test_class_hierarchy_export() -> None:
    text = class_hierarchy_ntriples()
    assert f"<{CKG.Ambush}> <{RDFS.subClassOf}> <{CKG.Attack}> ." in text.splitlines()
    quads = list(pyoxigraph.parse(text.encode(), format=pyoxigraph.RdfFormat.N_TRIPLES))
    assert {str(q.predicate.value) for q in quads} == {str(RDFS.subClassOf), str(RDFS.subPropertyOf)}


# ------------------------------------------------------------------------------ HermiT

@needs_java
def test_hermit_finds_the_ontology_consistent() -> None:
    assert check_consistency() == []


@needs_java
def test_hermit_finds_ontology_and_crosswalks_consistent() -> None:
    assert check_consistency(crosswalks=True) == []


@needs_java
def test_hermit_detects_an_individual_that_is_both_actor_and_place() -> None:
    assert check_consistency(extra=turtle(":x a ckg:Actor, ckg:Place .")) == [INCONSISTENT]


@needs_java
def test_hermit_detects_an_unsatisfiable_class() -> None:
    extra = turtle(":C a owl:Class ; rdfs:subClassOf ckg:Person, ckg:StateForce .")
    assert check_consistency(extra=extra) == ["https://w3id.org/conflict-kg/id/C"]


@needs_java
@pytest.mark.parametrize("types", [
    "ckg:Settlement, ckg:Facility",
    "ckg:Person, ckg:Organization",
    "ckg:Claim, ckg:Operation",
    "ckg:SocialMediaPost, ckg:StateForce",
    "ckg:Airstrike, ckg:DroneStrike",
])
def test_hermit_enforces_disjointness(types: str) -> None:
    assert check_consistency(extra=turtle(f":x a {types} .")) == [INCONSISTENT]


@needs_java
def test_actors_may_also_be_sources() -> None:
    extra = turtle("""
        :ministry a ckg:Organization, ckg:OfficialSource .
        :spokesman a ckg:Person, ckg:OfficialSource .
        :army a ckg:StateForce, ckg:OfficialSource .
        :sohr a ckg:Organization, ckg:Monitor .
        :outlet a ckg:NewsOutlet, ckg:Organization .
    """)
    assert check_consistency(extra=extra) == []


@needs_java
def test_the_rdf_model_doc_example_is_consistent() -> None:
    """The example of docs/rdf-model.md (graphs flattened) fits every domain and range."""
    extra = turtle("""
        :article-001 a ckg:Article, schema:NewsArticle ;
            schema:url "https://example.invalid/articles/001" ; schema:headline "Headline" ;
            schema:datePublished "2018-07-16"^^xsd:date ;
            schema:publisher :outlet-k24 ; ckg:contentHash "sha256:00ff" .
        :outlet-k24 a ckg:NewsOutlet ; rdfs:label "Kurdistan 24" .
        :graph a ckg:ArticleGraph, prov:Entity ;
            prov:wasDerivedFrom :article-001 ; prov:wasAttributedTo :outlet-k24 ;
            prov:wasGeneratedBy :run-1 .
        :run-1 a prov:Activity, ckg:BuildRun ; prov:startedAtTime "2024-01-01T00:00:00Z"^^xsd:dateTime ;
            prov:endedAtTime "2024-01-01T00:01:00Z"^^xsd:dateTime ; prov:used :article-001 ;
            ckg:softwareVersion "0.1.0" ; ckg:input "examples/articles" .
        :actor-peshmerga a ckg:RegionalForce ; rdfs:label "Peshmerga" ;
            skos:altLabel "Kurdish Peshmerga" ; ckg:parentOrganization :actor-krg .
        :actor-krg a ckg:Organization, ckg:OfficialSource .
        :actor-isf a ckg:StateForce .
        :actor-islamic-state a ckg:NonStateArmedGroup .
        :actor-coalition a ckg:Coalition .
        :place-makhmour a ckg:Settlement ; geo:lat 35.776 ; geo:long 43.58 ;
            ckg:locatedIn :place-iraq ; ckg:coordinatePrecisionKm 5.0 .
        :place-iraq a ckg:Country .
        :place-qarachokh a ckg:TerrainFeature ; ckg:locatedIn :place-iraq .
        :source-001-military-source a ckg:AnonymousSource ; rdfs:label "a military source" .
        :event-001-0 a ckg:GroundOperation .
        :event-001-1 a ckg:GroundOperation ; rdfs:label "Ground operation" ;
            ckg:agent :actor-peshmerga, :actor-isf ; ckg:target :actor-islamic-state ;
            ckg:supporter :actor-coalition ; ckg:place :place-qarachokh, :place-makhmour ;
            ckg:date "2018-07-16"^^xsd:date ; ckg:datePrecision "day" ;
            ckg:killed 3 ; ckg:wounded 5 ; ckg:captured 0 ;
            ckg:accordingTo :source-001-military-source, :actor-krg ; ckg:partOf :event-001-0 ;
            ckg:name "Operation X" ; ckg:evidence "the sentence" ; ckg:reportedIn :article-001 .
        :event-001-2 a ckg:Airstrike ; ckg:date "2018-07"^^xsd:gYearMonth ;
            ckg:datePrecision "month" ; ckg:partOf :event-001-1 .
        :claim a ckg:CasualtyClaim ; ckg:about :event-001-1 ; ckg:killed 26 ;
            ckg:accordingTo :source-001-military-source .
        :est a ckg:StrengthEstimate ; ckg:actor :actor-islamic-state ; ckg:count 200 ;
            ckg:place :place-qarachokh ; ckg:accordingTo :source-001-military-source .
        :ctl a ckg:ControlClaim ; ckg:actor :actor-isf ; ckg:place :place-makhmour ;
            ckg:accordingTo :actor-krg .
    """)
    assert check_consistency(extra=extra, ignore_unsupported_datatypes=True) == []


@needs_java
def test_hermit_rejects_a_date_precision_outside_the_enumeration() -> None:
    extra = turtle(':e a ckg:Clash ; ckg:datePrecision "week" .')
    assert check_consistency(extra=extra) == [INCONSISTENT]


def test_missing_java_raises_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(JavaNotFoundError, match="Java runtime"):
        check_consistency(java=str(tmp_path / "no-such-java"))


# ------------------------------------------------------------------------------ crosswalks

@pytest.mark.parametrize("scheme, namespace", [(ACLED.EventTypes, ACLED), (CAMEO.EventCodes, CAMEO)],
                         ids=["acled", "cameo"])
def test_every_operation_class_maps_to_the_scheme(full: rdflib.Graph, scheme: rdflib.URIRef,
                                                  namespace: rdflib.Namespace) -> None:
    classes = operation_classes(full)
    assert len(classes) >= len(CONTRACT_EVENT_TYPES) + 2
    for cls in classes:
        targets = {o for p in MAPPING_PROPERTIES for o in full.objects(cls, p)
                   if o.startswith(str(namespace))}
        assert any((t, SKOS.inScheme, scheme) in full for t in targets), cls


@pytest.mark.parametrize("path", crosswalk_files(), ids=lambda p: p.name)
def test_crosswalk_concepts_are_well_formed(path: Path) -> None:
    graph = rdflib.Graph().parse(path, format="turtle")
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    assert concepts
    for concept in concepts:
        assert graph.value(concept, SKOS.prefLabel) is not None, concept
        schemes = set(graph.objects(concept, SKOS.inScheme))
        assert len(schemes) == 1, concept
        top = (concept, SKOS.topConceptOf, next(iter(schemes))) in graph
        broader = list(graph.objects(concept, SKOS.broader))
        assert top != bool(broader), f"{concept} must be a top concept or have a broader concept"
        for parent in broader:
            assert parent in concepts
    # Every mapping from a ckg class lands on a concept defined here or in the other crosswalk.
    all_concepts = set(load_ontology_graph().subjects(RDF.type, SKOS.Concept))
    for prop in MAPPING_PROPERTIES:
        for subject, target in graph.subject_objects(prop):
            assert subject.startswith(str(CKG))
            assert target in all_concepts, target


def test_acled_scheme_has_the_2019_taxonomy(full: rdflib.Graph) -> None:
    def subtypes(event_type: str) -> set[str]:
        parent = next(c for c in full.subjects(SKOS.prefLabel, rdflib.Literal(event_type, lang="en"))
                      if (c, SKOS.inScheme, ACLED.EventTypes) in full)
        return {str(full.value(c, SKOS.prefLabel)) for c in full.subjects(SKOS.broader, parent)}

    assert subtypes("Battles") == {"Armed clash", "Government regains territory",
                                   "Non-state actor overtakes territory"}
    assert subtypes("Explosions/Remote violence") == {
        "Chemical weapon", "Air/drone strike", "Suicide bomb", "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED", "Grenade"}
    assert subtypes("Violence against civilians") == {"Sexual violence", "Attack",
                                                      "Abduction/forced disappearance"}
    assert subtypes("Strategic developments") == {
        "Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use",
        "Headquarters or base established", "Looting/property destruction",
        "Non-violent transfer of territory", "Other"}


def test_cameo_notations_match_codes(full: rdflib.Graph) -> None:
    concepts = [c for c in full.subjects(SKOS.inScheme, CAMEO.EventCodes)]
    for concept in concepts:
        code = str(full.value(concept, SKOS.notation))
        assert concept == CAMEO[code]
        parent = full.value(concept, SKOS.broader)
        if parent is not None:
            assert code.startswith(str(full.value(parent, SKOS.notation)))
    roots = {str(full.value(c, SKOS.notation)) for c in full.objects(CAMEO.EventCodes, SKOS.hasTopConcept)}
    assert roots == {f"{n:02d}" for n in range(1, 21)}
    for code in ("173", "181", "183", "1831", "186", "190", "193", "194", "195"):
        assert (CAMEO[code], SKOS.inScheme, CAMEO.EventCodes) in full
    assert (CKG.Arrest, SKOS.closeMatch, CAMEO["173"]) in full
    assert (CKG.Arrest, SKOS.closeMatch, ACLED.Arrests) in full


# ------------------------------------------------------------------------------ ACLED table

def test_acled_table_covers_every_operation_type(full: rdflib.Graph) -> None:
    table = load_acled_types()["operation_types"]
    names = {str(c).removeprefix(str(CKG)) for c in operation_classes(full)}
    assert set(CONTRACT_EVENT_TYPES) <= set(table)
    assert names <= set(table)


def test_acled_table_uses_the_acled_wording(full: rdflib.Graph) -> None:
    table = load_acled_types()
    conditions = set(table["conditions"])

    def check(row: dict) -> None:
        concept = rdflib.URIRef(row["concept"])
        assert str(full.value(concept, SKOS.prefLabel)) == row["sub_event_type"]
        assert str(full.value(full.value(concept, SKOS.broader), SKOS.prefLabel)) == row["event_type"]

    for name, row in table["operation_types"].items():
        check(row)
        assert row["notes"], name
        for alternative in row.get("alternatives", []):
            assert alternative["when"] in conditions
            check(alternative)


def test_acled_table_codes_every_actor_kind(full: rdflib.Graph) -> None:
    table = load_acled_types()
    inter_codes = {int(code) for code in table["inter_codes"]}
    assert inter_codes == set(range(1, 9))
    for code, label in table["inter_codes"].items():
        assert str(full.value(ACLED[f"Inter{code}"], SKOS.prefLabel)) == label
    leaf_kinds = set(KINDS["Actor"]) - {"ArmedForce"}
    assert set(table["actor_kinds"]) == leaf_kinds
    for kind, row in table["actor_kinds"].items():
        assert row["inter"] in inter_codes, kind
        for alternative in row.get("alternatives", []):
            assert alternative["when"] in table["conditions"]
            assert alternative.get("inter") in inter_codes or "inter_of" in alternative
    assert set(table["civilian_kinds"]) <= leaf_kinds
