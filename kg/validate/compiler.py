"""ontology/shapes.ttl, read with rdflib, compiled to the checks of `kg.validate.compiled`.

Apart from the engine so that running the checks needs no rdflib: a build loads the compiled
shapes from its cache (kg.validate.shacl.compiled_shapes) and never parses the shapes.
"""
from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD

from kg.validate.compiled import (
    Term, UnsupportedShape, _Constraint, _NodeCheck, _PropertyCheck, any_of_test, bound_test,
    class_test, datatype_test, in_test, min_length_test, node_kind_test,
)
from kg.validate.results import SH

_SH = rdflib.Namespace(SH)

# Terms of the sh: namespace a shape may use, by where they may appear.
_SHAPE_TERMS = {
    "targetClass", "targetSubjectsOf", "targetObjectsOf", "property", "path", "severity",
    "message", "deactivated", "name", "description", "order", "group",
    "minCount", "maxCount", "datatype", "nodeKind", "class", "in", "minInclusive",
    "maxInclusive", "minLength", "or",
}
_NODE_KINDS = {
    "IRI": (ox.NamedNode,), "BlankNode": (ox.BlankNode,), "Literal": (ox.Literal,),
    "BlankNodeOrIRI": (ox.BlankNode, ox.NamedNode), "BlankNodeOrLiteral": (ox.BlankNode, ox.Literal),
    "IRIOrLiteral": (ox.NamedNode, ox.Literal),
}


def node_checks(shapes: rdflib.Graph, hierarchy: rdflib.Graph | None = None) -> list[_NodeCheck]:
    """The node checks of ``shapes``; ``hierarchy`` gives the rdfs:subClassOf triples for
    targets and sh:class."""
    return _Compiler(shapes, hierarchy if hierarchy is not None else rdflib.Graph()).node_checks()


class _Compiler:
    def __init__(self, shapes: rdflib.Graph, hierarchy: rdflib.Graph):
        self.g = shapes
        self.hierarchy = hierarchy

    def node_checks(self) -> list[_NodeCheck]:
        targets = (_SH.targetClass, _SH.targetSubjectsOf, _SH.targetObjectsOf)
        shapes = {s for p in targets for s in self.g.subjects(p, None)}
        for implicit in self.g.subjects(RDF.type, _SH.NodeShape):
            if (implicit, RDF.type, RDFS.Class) in self.g:
                raise UnsupportedShape(f"implicit class target on {implicit}")
        for unsupported in (_SH.targetNode, _SH.target):
            for shape in self.g.subjects(unsupported, None):
                raise UnsupportedShape(f"{_local(unsupported)} on {shape}")
        return [self._node_check(s) for s in sorted(shapes) if not self._deactivated(s)]

    def _deactivated(self, shape: rdflib.term.Node) -> bool:
        return bool(self.g.value(shape, _SH.deactivated, default=rdflib.Literal(False)).toPython())

    def _sh_terms(self, node: rdflib.term.Node) -> set[str]:
        used = {str(p)[len(SH):] for p in self.g.predicates(node, None) if str(p).startswith(SH)}
        unknown = used - _SHAPE_TERMS
        if unknown:
            raise UnsupportedShape(f"shape {node} uses sh:{', sh:'.join(sorted(unknown))}, which "
                                   "kg.validate.compiled does not evaluate")
        return used

    def _node_check(self, shape: rdflib.term.Node) -> _NodeCheck:
        used = self._sh_terms(shape)
        if "path" in used:
            raise UnsupportedShape(f"{shape} has both targets and sh:path; give the property shape "
                                   "a node shape that targets the nodes")
        properties = tuple(self._property_check(p) for p in self.g.objects(shape, _SH.property)
                           if not self._deactivated(p))
        return _NodeCheck(
            shape=_name(shape),
            severity=self._severity(shape),
            message=self._message(shape),
            target_classes=frozenset(c for cls in self.g.objects(shape, _SH.targetClass)
                                     for c in self._subclasses(cls)),
            subjects_of=tuple(ox.NamedNode(str(p)) for p in self.g.objects(shape, _SH.targetSubjectsOf)),
            objects_of=tuple(ox.NamedNode(str(p)) for p in self.g.objects(shape, _SH.targetObjectsOf)),
            constraints=self._constraints(shape, used),
            properties=properties,
        )

    def _property_check(self, shape: rdflib.term.Node) -> _PropertyCheck:
        used = self._sh_terms(shape)
        if used & {"targetClass", "targetSubjectsOf", "targetObjectsOf", "property"}:
            raise UnsupportedShape(f"property shape {shape} has targets or nested sh:property")
        path, path_text = self._path(shape)
        return _PropertyCheck(
            shape=_name(shape), path=path, path_text=path_text,
            severity=self._severity(shape), message=self._message(shape),
            min_count=self._int(shape, _SH.minCount), max_count=self._int(shape, _SH.maxCount),
            constraints=self._constraints(shape, used),
        )

    def _path(self, shape: rdflib.term.Node) -> tuple[tuple[ox.NamedNode, ...], str]:
        path = self.g.value(shape, _SH.path)
        if isinstance(path, rdflib.URIRef):
            return (ox.NamedNode(str(path)),), f"<{path}>"
        alternatives = self.g.value(path, _SH.alternativePath) if path is not None else None
        if alternatives is not None and len(list(self.g.predicate_objects(path))) == 1:
            members = list(Collection(self.g, alternatives))
            if members and all(isinstance(m, rdflib.URIRef) for m in members):
                return (tuple(ox.NamedNode(str(m)) for m in members),
                        "|".join(f"<{m}>" for m in members))
        raise UnsupportedShape(f"property shape {shape}: only predicate paths and sh:alternativePath "
                               "of predicates are supported")

    def _constraints(self, shape: rdflib.term.Node, used: set[str]) -> tuple[_Constraint, ...]:
        out: list[_Constraint] = []
        for datatype in self.g.objects(shape, _SH.datatype):
            out.append(_Constraint("DatatypeConstraintComponent", datatype_test(ox.NamedNode(str(datatype)))))
        for kind in self.g.objects(shape, _SH.nodeKind):
            classes = _NODE_KINDS[str(kind)[len(SH):]]
            out.append(_Constraint("NodeKindConstraintComponent", node_kind_test(classes)))
        for cls in self.g.objects(shape, _SH["class"]):
            members = frozenset(self._subclasses(cls))
            out.append(_Constraint("ClassConstraintComponent", class_test(members), reads_graph=True))
        for listed in self.g.objects(shape, _SH["in"]):
            allowed = frozenset(_to_ox(m) for m in Collection(self.g, listed))
            out.append(_Constraint("InConstraintComponent", in_test(allowed)))
        for bound in self.g.objects(shape, _SH.minInclusive):
            out.append(_Constraint("MinInclusiveConstraintComponent", bound_test(_bound(bound), True)))
        for bound in self.g.objects(shape, _SH.maxInclusive):
            out.append(_Constraint("MaxInclusiveConstraintComponent", bound_test(_bound(bound), False)))
        for length in self.g.objects(shape, _SH.minLength):
            n = int(length)
            out.append(_Constraint("MinLengthConstraintComponent", min_length_test(n)))
        for members in self.g.objects(shape, _SH["or"]):
            alternatives = []
            for member in Collection(self.g, members):
                member_used = self._sh_terms(member)
                if member_used - {"datatype", "nodeKind", "class", "in", "minInclusive",
                                  "maxInclusive", "minLength"}:
                    raise UnsupportedShape(f"sh:or member {member} of {shape} may only hold value constraints")
                alternatives.append(self._constraints(member, member_used))
            out.append(_Constraint("OrConstraintComponent", any_of_test(tuple(alternatives)),
                                   reads_graph=any(c.reads_graph for member in alternatives for c in member)))
        return tuple(out)

    def _subclasses(self, cls: rdflib.term.Node) -> set[ox.NamedNode]:
        found = {cls} | set(self.hierarchy.transitive_subjects(RDFS.subClassOf, cls))
        return {ox.NamedNode(str(c)) for c in found if isinstance(c, rdflib.URIRef)}

    def _severity(self, shape: rdflib.term.Node) -> str:
        severity = self.g.value(shape, _SH.severity)
        return str(severity)[len(SH):] if severity is not None else "Violation"

    def _message(self, shape: rdflib.term.Node) -> str:
        message = self.g.value(shape, _SH.message)
        return str(message) if message is not None else ""

    def _int(self, shape: rdflib.term.Node, predicate: rdflib.URIRef) -> int | None:
        value = self.g.value(shape, predicate)
        return int(value) if value is not None else None


def _bound(literal: rdflib.term.Node) -> object:
    value = literal.toPython() if isinstance(literal, rdflib.Literal) else None
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise UnsupportedShape(f"only numeric bounds are supported, got {literal!r}")
    return value


def _to_ox(term: rdflib.term.Node) -> Term:
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))
    raise UnsupportedShape(f"sh:in may list IRIs and literals only, got {term!r}")


def _name(node: rdflib.term.Node) -> str:
    return f"<{node}>" if isinstance(node, rdflib.URIRef) else f"_:{node}"


def _local(iri: rdflib.term.Node) -> str:
    return "sh:" + str(iri)[len(SH):]
