"""The ontology as publishing needs it: class tree, labels, and a documentation page's data.

Read from ``ontology/`` (the source of truth) with the crosswalks, so a page can show which
ACLED or CAMEO category a class maps to.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.ontology import ONTOLOGY_IRI, load_ontology_graph
from kg.rdf.terms import CKG

DCT = rdflib.Namespace("http://purl.org/dc/terms/")
_MAPPINGS = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
_KINDS = ((OWL.Class, "class"), (OWL.ObjectProperty, "object property"),
          (OWL.DatatypeProperty, "datatype property"), (OWL.AnnotationProperty, "annotation property"))
_CHARACTERISTICS = (OWL.TransitiveProperty, OWL.FunctionalProperty, OWL.SymmetricProperty,
                    OWL.InverseFunctionalProperty)


@dataclass
class Mapping:
    relation: str         # "broadMatch"
    target: str
    label: str
    scheme: str           # "acled", "cameo"


@dataclass
class Term:
    iri: str
    kind: str
    label: str
    comment: str = ""
    parents: list[str] = field(default_factory=list)       # rdfs:subClassOf / subPropertyOf
    children: list[str] = field(default_factory=list)      # ckg terms only
    domain: list[str] = field(default_factory=list)
    range: list[str] = field(default_factory=list)
    characteristics: list[str] = field(default_factory=list)
    inverse: list[str] = field(default_factory=list)
    disjoint: list[str] = field(default_factory=list)
    mappings: list[Mapping] = field(default_factory=list)

    @property
    def local(self) -> str:
        return self.iri[len(CKG):]


@dataclass
class OntologyIndex:
    title: str
    description: str
    version: str
    license: str | None
    terms: dict[str, Term]
    _ancestors: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    def ancestors(self, iri: str) -> frozenset[str]:
        """The ckg classes above ``iri``, itself included (empty for unknown IRIs)."""
        return self._ancestors.get(iri, frozenset())

    def is_a(self, iri: str, ancestor: str) -> bool:
        return ancestor in self.ancestors(iri)

    def most_specific(self, types: Iterable[str]) -> list[str]:
        """The ckg classes among ``types`` that no other of them specialises."""
        known = {t for t in types if t in self._ancestors}
        return sorted(t for t in known if not any(t != u and t in self.ancestors(u) for u in known))

    def label(self, iri: str) -> str | None:
        term = self.terms.get(iri)
        return term.label if term else None

    def of_kind(self, kind: str) -> list[Term]:
        return sorted((t for t in self.terms.values() if t.kind == kind), key=lambda t: t.local.lower())

    def roots(self) -> list[Term]:
        return [t for t in self.of_kind("class") if not any(p in self.terms for p in t.parents)]


@lru_cache(maxsize=1)
def ontology_index() -> OntologyIndex:
    """The index of ontology/ (parsed once per process: the files do not change under it)."""
    graph = load_ontology_graph(crosswalks=True)
    onto = rdflib.URIRef(ONTOLOGY_IRI)
    terms: dict[str, Term] = {}
    for rdf_type, kind in _KINDS:
        for subject in graph.subjects(RDF.type, rdf_type):
            iri = str(subject)
            if not iri.startswith(CKG) or iri in terms:
                continue
            terms[iri] = Term(iri, kind, _text(graph, subject, RDFS.label) or iri[len(CKG):],
                              _text(graph, subject, RDFS.comment))
    for iri, term in terms.items():
        subject = rdflib.URIRef(iri)
        parent_predicate = RDFS.subClassOf if term.kind == "class" else RDFS.subPropertyOf
        term.parents = sorted(str(o) for o in graph.objects(subject, parent_predicate) if isinstance(o, rdflib.URIRef))
        term.domain = sorted(str(o) for o in graph.objects(subject, RDFS.domain) if isinstance(o, rdflib.URIRef))
        term.range = sorted(str(o) for o in graph.objects(subject, RDFS.range) if isinstance(o, rdflib.URIRef))
        term.characteristics = sorted(str(c)[len(str(OWL)):] for c in _CHARACTERISTICS
                                      if (subject, RDF.type, c) in graph)
        term.inverse = sorted(str(o) for o in graph.objects(subject, OWL.inverseOf))
        term.disjoint = sorted({str(o) for o in graph.objects(subject, OWL.disjointWith)}
                               | {str(s) for s in graph.subjects(OWL.disjointWith, subject)})
        for relation in _MAPPINGS:
            for target in graph.objects(subject, relation):
                target_iri = str(target)
                scheme = target_iri.rsplit("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
                label = _text(graph, target, SKOS.prefLabel) or target_iri.rsplit("#", 1)[-1]
                term.mappings.append(Mapping(str(relation)[len(str(SKOS)):], target_iri, label, scheme))
        term.mappings.sort(key=lambda m: (m.scheme, m.relation, m.label))
    for iri, term in terms.items():
        for parent in term.parents:
            if parent in terms:
                terms[parent].children.append(iri)
    for term in terms.values():
        term.children.sort(key=lambda c: terms[c].local.lower())
    ancestors = {iri: frozenset(_closure(iri, terms)) for iri, t in terms.items() if t.kind == "class"}
    return OntologyIndex(
        title=_text(graph, onto, DCT.title) or "conflict-kg ontology",
        description=_text(graph, onto, DCT.description),
        version=_text(graph, onto, OWL.versionInfo),
        license=next((str(o) for o in graph.objects(onto, DCT.license)), None),
        terms=terms, _ancestors=ancestors,
    )


def _closure(iri: str, terms: dict[str, Term]) -> set[str]:
    seen: set[str] = set()
    todo = [iri]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo.extend(p for p in terms[current].parents if p in terms)
    return seen


def _text(graph: rdflib.Graph, subject, predicate) -> str:
    values = [o for o in graph.objects(subject, predicate) if isinstance(o, rdflib.Literal)]
    english = [v for v in values if v.language in (None, "en")]
    return str(sorted(english or values)[0]) if values else ""
