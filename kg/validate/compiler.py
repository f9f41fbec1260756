"""SHACL shapes, given as pyoxigraph triples, compiled to the checks of `kg.validate.compiled`.

Apart from the engine, which only runs the checks; written against pyoxigraph terms so that a
build needs no rdflib: it compiles ontology/shapes.ttl once a process
(kg.validate.shacl.compiled_shapes), from the file and the ontology's class tree, both parsed
with pyoxigraph. Shapes given as an rdflib graph (`CompiledShapes.compile`) reach the same
compiler through N-Triples.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.rdf.terms import RDF, RDFS, XSD
from kg.validate.compiled import (
    Term, UnsupportedShape, _Constraint, _NodeCheck, _PropertyCheck, _python_value, any_of_test,
    bound_test, class_test, datatype_test, in_test, min_length_test, node_kind_test,
)
from kg.validate.results import SH

if TYPE_CHECKING:
    import rdflib

_TYPE = ox.NamedNode(RDF + "type")
_FIRST = ox.NamedNode(RDF + "first")
_REST = ox.NamedNode(RDF + "rest")
_RDFS_CLASS = ox.NamedNode(RDFS + "Class")
_SUBCLASS_OF = ox.NamedNode(RDFS + "subClassOf")


def _sh(local: str) -> ox.NamedNode:
    return ox.NamedNode(SH + local)


_NODE_SHAPE = _sh("NodeShape")
_TARGETS = (_sh("targetClass"), _sh("targetSubjectsOf"), _sh("targetObjectsOf"))

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
# rdflib's converters (XSDToPython) for the numbers shapes use as bounds: Python's own.
_NUMBER_READERS = {XSD + "integer": int, XSD + "decimal": Decimal, XSD + "double": float, XSD + "float": float}

# pyoxigraph.parse gives quads (in the default graph) and callers may give triples: both
# have the subject, predicate and object the compiler reads.
Statement = ox.Triple | ox.Quad


def node_checks(shapes: Iterable[Statement], hierarchy: Iterable[Statement] = ()) -> list[_NodeCheck]:
    """The node checks of the ``shapes`` triples; the rdfs:subClassOf triples of ``hierarchy``
    give the subclasses for targets and sh:class (other triples there are ignored)."""
    return _Compiler(_Graph(shapes), _subclass_index(hierarchy)).node_checks()


def rdflib_triples(graph: rdflib.Graph) -> list[ox.Quad]:
    """An rdflib graph's triples as pyoxigraph's, through N-Triples: blank nodes keep their
    ids (and so shapes their names) and literals the lexical form rdflib gave them."""
    return list(ox.parse(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES))


class _Graph:
    """A read-only index of a shapes graph (a few hundred triples), looked up the ways the
    compiler reads it. A triple given twice counts once, as in an RDF graph; values come in
    the order the triples came."""

    def __init__(self, triples: Iterable[Statement]):
        self._out: dict[Term, dict[ox.NamedNode, dict[Term, None]]] = {}
        self._subjects: dict[ox.NamedNode, dict[Term, None]] = {}
        for t in triples:
            self._out.setdefault(t.subject, {}).setdefault(t.predicate, {})[t.object] = None
            self._subjects.setdefault(t.predicate, {})[t.subject] = None

    def subjects(self, predicate: ox.NamedNode) -> list[Term]:
        """The subjects of ``predicate``, whatever its object."""
        return list(self._subjects.get(predicate, ()))

    def objects(self, subject: Term, predicate: ox.NamedNode) -> list[Term]:
        return list(self._out.get(subject, {}).get(predicate, ()))

    def value(self, subject: Term, predicate: ox.NamedNode) -> Term | None:
        """One object of ``subject`` and ``predicate`` (the first), None when there is none."""
        return next(iter(self._out.get(subject, {}).get(predicate, ())), None)

    def predicates(self, subject: Term) -> list[ox.NamedNode]:
        return list(self._out.get(subject, ()))

    def statement_count(self, subject: Term) -> int:
        """How many triples have ``subject``."""
        return sum(len(objects) for objects in self._out.get(subject, {}).values())

    def has(self, subject: Term, predicate: ox.NamedNode, obj: Term) -> bool:
        return obj in self._out.get(subject, {}).get(predicate, ())

    def items(self, head: Term) -> Iterator[Term]:
        """The members of the RDF list that starts at ``head``, as rdflib's Graph.items walks it."""
        seen = {head}
        node: Term | None = head
        while node is not None:
            item = self.value(node, _FIRST)
            if item is not None:
                yield item
            node = self.value(node, _REST)
            if node in seen:
                raise ValueError("List contains a recursive rdf:rest reference")
            seen.add(node)


def _subclass_index(hierarchy: Iterable[Statement]) -> dict[Term, list[Term]]:
    """Class -> its direct subclasses, from the rdfs:subClassOf triples of ``hierarchy``."""
    children: dict[Term, dict[Term, None]] = {}
    for t in hierarchy:
        if t.predicate == _SUBCLASS_OF:
            children.setdefault(t.object, {})[t.subject] = None
    return {cls: list(subs) for cls, subs in children.items()}


class _Compiler:
    def __init__(self, shapes: _Graph, children: dict[Term, list[Term]]):
        self.g = shapes
        self.children = children

    def node_checks(self) -> list[_NodeCheck]:
        shapes = {s for p in _TARGETS for s in self.g.subjects(p)}
        for implicit in self.g.subjects(_TYPE):
            if self.g.has(implicit, _TYPE, _NODE_SHAPE) and self.g.has(implicit, _TYPE, _RDFS_CLASS):
                raise UnsupportedShape(f"implicit class target on {implicit.value}")
        for unsupported in (_sh("targetNode"), _sh("target")):
            for shape in self.g.subjects(unsupported):
                raise UnsupportedShape(f"{_local(unsupported)} on {shape.value}")
        return [self._node_check(s) for s in sorted(shapes, key=_name) if not self._deactivated(s)]

    def _deactivated(self, shape: Term) -> bool:
        value = self.g.value(shape, _sh("deactivated"))
        return value is not None and _truthy(value)

    def _sh_terms(self, node: Term) -> set[str]:
        used = {p.value[len(SH):] for p in self.g.predicates(node) if p.value.startswith(SH)}
        unknown = used - _SHAPE_TERMS
        if unknown:
            raise UnsupportedShape(f"shape {node.value} uses sh:{', sh:'.join(sorted(unknown))}, which "
                                   "kg.validate.compiled does not evaluate")
        return used

    def _node_check(self, shape: Term) -> _NodeCheck:
        used = self._sh_terms(shape)
        if "path" in used:
            raise UnsupportedShape(f"{shape.value} has both targets and sh:path; give the property shape "
                                   "a node shape that targets the nodes")
        properties = tuple(self._property_check(p) for p in self.g.objects(shape, _sh("property"))
                           if not self._deactivated(p))
        return _NodeCheck(
            shape=_name(shape),
            severity=self._severity(shape),
            message=self._message(shape),
            target_classes=frozenset(c for cls in self.g.objects(shape, _sh("targetClass"))
                                     for c in self._subclasses(cls)),
            subjects_of=tuple(_iri(p) for p in self.g.objects(shape, _sh("targetSubjectsOf"))),
            objects_of=tuple(_iri(p) for p in self.g.objects(shape, _sh("targetObjectsOf"))),
            constraints=self._constraints(shape, used),
            properties=properties,
        )

    def _property_check(self, shape: Term) -> _PropertyCheck:
        used = self._sh_terms(shape)
        if used & {"targetClass", "targetSubjectsOf", "targetObjectsOf", "property"}:
            raise UnsupportedShape(f"property shape {shape.value} has targets or nested sh:property")
        path, path_text = self._path(shape)
        return _PropertyCheck(
            shape=_name(shape), path=path, path_text=path_text,
            severity=self._severity(shape), message=self._message(shape),
            min_count=self._int(shape, _sh("minCount")), max_count=self._int(shape, _sh("maxCount")),
            constraints=self._constraints(shape, used),
        )

    def _path(self, shape: Term) -> tuple[tuple[ox.NamedNode, ...], str]:
        path = self.g.value(shape, _sh("path"))
        if isinstance(path, ox.NamedNode):
            return (path,), str(path)
        alternatives = self.g.value(path, _sh("alternativePath")) if path is not None else None
        if alternatives is not None and self.g.statement_count(path) == 1:
            members = list(self.g.items(alternatives))
            if members and all(isinstance(m, ox.NamedNode) for m in members):
                return tuple(members), "|".join(str(m) for m in members)
        raise UnsupportedShape(f"property shape {shape.value}: only predicate paths and sh:alternativePath "
                               "of predicates are supported")

    def _constraints(self, shape: Term, used: set[str]) -> tuple[_Constraint, ...]:
        out: list[_Constraint] = []
        for datatype in self.g.objects(shape, _sh("datatype")):
            out.append(_Constraint("DatatypeConstraintComponent", datatype_test(_iri(datatype))))
        for kind in self.g.objects(shape, _sh("nodeKind")):
            classes = _NODE_KINDS[kind.value[len(SH):]]
            out.append(_Constraint("NodeKindConstraintComponent", node_kind_test(classes)))
        for cls in self.g.objects(shape, _sh("class")):
            members = frozenset(self._subclasses(cls))
            out.append(_Constraint("ClassConstraintComponent", class_test(members), reads_graph=True))
        for listed in self.g.objects(shape, _sh("in")):
            allowed = frozenset(_listed_value(m) for m in self.g.items(listed))
            out.append(_Constraint("InConstraintComponent", in_test(allowed)))
        for bound in self.g.objects(shape, _sh("minInclusive")):
            out.append(_Constraint("MinInclusiveConstraintComponent", bound_test(_bound(bound), True)))
        for bound in self.g.objects(shape, _sh("maxInclusive")):
            out.append(_Constraint("MaxInclusiveConstraintComponent", bound_test(_bound(bound), False)))
        for length in self.g.objects(shape, _sh("minLength")):
            n = int(length.value)
            out.append(_Constraint("MinLengthConstraintComponent", min_length_test(n)))
        for members in self.g.objects(shape, _sh("or")):
            alternatives = []
            for member in self.g.items(members):
                member_used = self._sh_terms(member)
                if member_used - {"datatype", "nodeKind", "class", "in", "minInclusive",
                                  "maxInclusive", "minLength"}:
                    raise UnsupportedShape(f"sh:or member {member.value} of {shape.value} may only hold "
                                           "value constraints")
                alternatives.append(self._constraints(member, member_used))
            out.append(_Constraint("OrConstraintComponent", any_of_test(tuple(alternatives)),
                                   reads_graph=any(c.reads_graph for member in alternatives for c in member)))
        return tuple(out)

    def _subclasses(self, cls: Term) -> set[ox.NamedNode]:
        """``cls`` and its subclasses, transitively, that are IRIs."""
        found, todo = {cls}, [cls]
        while todo:
            for sub in self.children.get(todo.pop(), ()):
                if sub not in found:
                    found.add(sub)
                    todo.append(sub)
        return {c for c in found if isinstance(c, ox.NamedNode)}

    def _severity(self, shape: Term) -> str:
        severity = self.g.value(shape, _sh("severity"))
        return severity.value[len(SH):] if severity is not None else "Violation"

    def _message(self, shape: Term) -> str:
        message = self.g.value(shape, _sh("message"))
        return message.value if message is not None else ""

    def _int(self, shape: Term, predicate: ox.NamedNode) -> int | None:
        value = self.g.value(shape, predicate)
        return int(value.value) if value is not None else None


def _value(literal: ox.Literal) -> object:
    """The Python value rdflib gives ``literal`` (its ``Literal.value``; None when it has
    none): read here for strings, booleans and the common numbers, whose converters are
    Python's own, and for any other datatype as `kg.validate.compiled` reads the data's
    literals (through rdflib, imported then, for the forms it does not read itself)."""
    datatype = literal.datatype.value
    if literal.language is not None or datatype == XSD + "string":
        return literal.value
    if datatype == XSD + "boolean":
        return literal.value.lower() in ("true", "1")
    read = _NUMBER_READERS.get(datatype)
    if read is None:
        return _python_value(literal.value, datatype)[1]
    try:
        return read(literal.value)
    except (ValueError, ArithmeticError):
        return None


def _truthy(term: Term) -> bool:
    """rdflib's ``bool(term.toPython())``: the truth of a literal's value, or of its text when
    it has none; any IRI or blank node is true."""
    if not isinstance(term, ox.Literal):
        return True
    value = _value(term)
    return bool(value) if value is not None else bool(term.value)


def _bound(term: Term) -> object:
    value = _value(term) if isinstance(term, ox.Literal) else None
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise UnsupportedShape(f"only numeric bounds are supported, got {term!r}")
    return value


def _listed_value(term: Term) -> Term:
    if isinstance(term, ox.BlankNode):
        raise UnsupportedShape(f"sh:in may list IRIs and literals only, got {term!r}")
    return term


def _iri(term: Term) -> ox.NamedNode:
    """A term the shapes use as an IRI (sh:datatype, sh:targetSubjectsOf...); a literal's text
    is read as one, as rdflib's str() of it was, and a blank node is no IRI (ValueError)."""
    return term if isinstance(term, ox.NamedNode) else ox.NamedNode(term.value)


def _name(node: Term) -> str:
    return str(node) if isinstance(node, ox.NamedNode) else f"_:{node.value}"


def _local(iri: ox.NamedNode) -> str:
    return "sh:" + iri.value[len(SH):]
