"""The conflict-kg ontology and its crosswalks, loaded from ``ontology/`` and checked with HermiT.

The Turtle files are the source of truth; this module only reads them. owlready2 (which runs
HermiT) cannot read Turtle, so the one conversion it needs, Turtle to RDF/XML through rdflib,
happens here and nowhere else. rdflib is imported by the functions that return or read rdflib
graphs: a build reads the ontology with pyoxigraph only.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.rdf.terms import CKG, OWL, RDFS

if TYPE_CHECKING:
    import rdflib

ONTOLOGY_DIR: Path = Path(__file__).resolve().parent.parent / "ontology"
ONTOLOGY_FILE: Path = ONTOLOGY_DIR / "conflict.ttl"
CROSSWALK_DIR: Path = ONTOLOGY_DIR / "crosswalks"
ACLED_TYPES_FILE: Path = CROSSWALK_DIR / "acled_types.json"
ONTOLOGY_IRI = "https://w3id.org/conflict-kg/ontology"

# What check_consistency reports when the ontology as a whole (usually its individuals) is
# inconsistent: then every class, owl:Thing included, is unsatisfiable.
INCONSISTENT = OWL + "Thing"

# owlready2 reads the Java executable from a module global; the lock keeps concurrent checks
# from swapping it under each other.
_REASONER_LOCK = threading.Lock()


class JavaNotFoundError(RuntimeError):
    """No Java runtime to run HermiT with."""


class ReasonerError(RuntimeError):
    """HermiT failed for a reason other than an inconsistency (bad input, unsupported datatype)."""


def crosswalk_files() -> list[Path]:
    """The SKOS crosswalk files (ACLED, CAMEO), in a stable order."""
    return sorted(CROSSWALK_DIR.glob("*.ttl"))


def load_ontology_graph(*, crosswalks: bool = True) -> rdflib.Graph:
    """conflict.ttl, plus the SKOS crosswalks unless ``crosswalks`` is false, in one graph."""
    import rdflib

    graph = rdflib.Graph()
    for path in [ONTOLOGY_FILE, *(crosswalk_files() if crosswalks else [])]:
        graph.parse(path, format="turtle")
    return graph


def class_hierarchy_triples() -> list[ox.Triple]:
    """The rdfs:subClassOf and rdfs:subPropertyOf triples of the ckg terms, as pyoxigraph triples.

    Only triples between named terms (ckg superclasses and the external vocabularies the
    ontology aligns with): enough for SPARQL ``rdfs:subClassOf*`` over an exported graph,
    without the labels and axioms a data export should not repeat.
    """
    # Read with pyoxigraph: rdflib would take ~40 ms to parse the whole ontology, and ~60 ms
    # to import, at the start of every build (validation needs the class tree) for these few
    # dozen triples.
    wanted = {RDFS + "subClassOf", RDFS + "subPropertyOf"}
    return [ox.Triple(t.subject, t.predicate, t.object)
            for t in ox.parse(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE)
            if (t.predicate.value in wanted and isinstance(t.subject, ox.NamedNode)
                and t.subject.value.startswith(CKG) and isinstance(t.object, ox.NamedNode))]


def class_hierarchy() -> rdflib.Graph:
    """``class_hierarchy_triples()`` as an rdflib graph (pySHACL's ontology graph, exports)."""
    import rdflib

    hierarchy = rdflib.Graph()
    for t in class_hierarchy_triples():
        hierarchy.add((rdflib.URIRef(t.subject.value), rdflib.URIRef(t.predicate.value),
                       rdflib.URIRef(t.object.value)))
    return hierarchy


def class_hierarchy_ntriples() -> str:
    """``class_hierarchy()`` as N-Triples, one triple per line, sorted."""
    return _sorted_ntriples(class_hierarchy())


def ontology_triples_ntriples() -> str:
    """All of conflict.ttl (no crosswalks) as N-Triples, sorted."""
    return _sorted_ntriples(load_ontology_graph(crosswalks=False))


def load_acled_types() -> dict[str, Any]:
    """The ACLED export table: operation type -> event_type/sub_event_type, actor kind -> inter."""
    with ACLED_TYPES_FILE.open(encoding="utf-8") as handle:
        return json.load(handle)


def check_consistency(
    java: str | None = None,
    *,
    extra: rdflib.Graph | None = None,
    crosswalks: bool = False,
    ignore_unsupported_datatypes: bool = False,
) -> list[str]:
    """Run HermiT over the ontology and return the IRIs of its unsatisfiable classes.

    An empty list means consistent. When the whole ontology is inconsistent (typically an
    individual in ``extra`` typed with two disjoint classes) the answer is ``[INCONSISTENT]``,
    owl:Thing, since then no class can have members.

    ``java`` is the Java executable (name or path; default: ``java`` on PATH, then
    ``$JAVA_HOME/bin/java``). ``extra`` adds triples, such as test individuals or instance
    data. HermiT refuses datatypes outside the OWL 2 datatype map, xsd:date and xsd:gYear among
    them; pass ``ignore_unsupported_datatypes=True`` when ``extra`` holds such literals.
    """
    java_exe = _find_java(java)

    import owlready2  # deferred: heavy, and only this function needs it
    import rdflib

    sources: list[tuple[str, rdflib.Graph]] = [(ONTOLOGY_IRI, load_ontology_graph(crosswalks=False))]
    if crosswalks:
        for path in crosswalk_files():
            sources.append((f"{ONTOLOGY_IRI}/crosswalks/{path.stem}",
                            rdflib.Graph().parse(path, format="turtle")))
    if extra is not None:
        sources.append((f"{ONTOLOGY_IRI}/check/extra", extra))

    world = owlready2.World()
    try:
        for iri, graph in sources:
            rdfxml = graph.serialize(format="xml", encoding="utf-8")
            world.get_ontology(iri).load(fileobj=io.BytesIO(rdfxml), format="rdfxml")
        with _REASONER_LOCK:
            previous_java = owlready2.JAVA_EXE
            owlready2.JAVA_EXE = java_exe
            try:
                owlready2.sync_reasoner(
                    world, infer_property_values=False, debug=0,
                    ignore_unsupported_datatypes=ignore_unsupported_datatypes,
                )
            except owlready2.OwlReadyInconsistentOntologyError:
                return [INCONSISTENT]
            except owlready2.OwlReadyJavaError as error:
                raise ReasonerError(str(error)) from error
            finally:
                owlready2.JAVA_EXE = previous_java
        return sorted(cls.iri for cls in world.inconsistent_classes() if cls.iri != OWL + "Nothing")
    finally:
        world.close()


def _find_java(java: str | None) -> str:
    candidates = [java] if java else ["java", os.path.join(os.environ.get("JAVA_HOME", ""), "bin", "java")]
    for candidate in candidates:
        found = shutil.which(candidate) if candidate else None
        if found:
            return found
    wanted = repr(java) if java else "'java' on PATH or in $JAVA_HOME/bin"
    raise JavaNotFoundError(
        f"HermiT needs a Java runtime (8 or later) but found no {wanted}. Install one "
        "(for example: apt-get install default-jre-headless) or pass java='/path/to/java'."
    )


def _sorted_ntriples(graph: rdflib.Graph) -> str:
    lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    return "".join(line + "\n" for line in sorted(filter(None, lines)))


def load_ontology_quads(base: str) -> list[Any]:
    """conflict.ttl and the crosswalks as pyoxigraph quads in the `{base}graph/ontology` graph.

    Stored beside the data so an export carries the class tree (rdfs:subClassOf) that generic
    tools, and the evaluation, need to see that an Airstrike is an Operation. Parsed with
    pyoxigraph: rdflib's Turtle parser would cost a second at every build.
    """
    import pyoxigraph as ox

    graph = ox.NamedNode(base + "graph/ontology")
    quads = []
    for path in [ONTOLOGY_FILE, *crosswalk_files()]:
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            quads.append(ox.Quad(triple.subject, triple.predicate, triple.object, graph))
    return quads


def ontology_digest() -> str:
    """A hash of the ontology files: the store reloads its ontology graph only when it changes."""
    import hashlib

    h = hashlib.sha256()
    for path in [ONTOLOGY_FILE, *crosswalk_files()]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()
