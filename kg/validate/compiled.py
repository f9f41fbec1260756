"""The SHACL Core subset that ontology/shapes.ttl uses, compiled to plain checks over quads.

Why a second engine: pySHACL needs 12-16 ms per article graph (it rebuilds its shapes graph
at every call and works through rdflib), as long as extracting the article takes, and the
build validates every article. The shapes are read once into the small structures below and
an article graph is then checked from a dictionary index of its quads, in well under a
millisecond. pySHACL stays the reference: `kg validate` uses it, and the tests check that
both engines give the same results on good, broken and random graphs.

Supported: targets by class (with rdfs:subClassOf from the ontology), subjects-of and
objects-of; predicate paths and sh:alternativePath of predicates; sh:minCount, sh:maxCount,
sh:datatype, sh:nodeKind, sh:class, sh:in, sh:minInclusive, sh:maxInclusive, sh:minLength,
and sh:or of node shapes made of such value constraints; sh:severity, sh:message,
sh:deactivated. Any other SHACL term in the shapes raises UnsupportedShape when they are
compiled: a shape that is silently not checked would be worse than none.
"""
from __future__ import annotations

import functools
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD

from kg.validate.results import SH, ShapeResult

_SH = rdflib.Namespace(SH)
_TYPE = ox.NamedNode(str(RDF.type))
# pyoxigraph has no common base class for its terms.
Term = ox.NamedNode | ox.BlankNode | ox.Literal
_XSD_STRING = ox.NamedNode(str(XSD.string))
_RDF_LANGSTRING = ox.NamedNode(str(RDF.langString))

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


class UnsupportedShape(ValueError):
    """The shapes use a SHACL feature this engine does not evaluate; use pySHACL for them."""


class _Index:
    """One graph's triples, looked up the ways the constraints need."""

    __slots__ = ("out", "types", "subjects_of", "objects_of")

    def __init__(self, triples: Iterable[tuple[Term, ox.NamedNode, Term]]):
        self.out: dict[Term, dict[ox.NamedNode, set[Term]]] = defaultdict(lambda: defaultdict(set))
        self.types: dict[Term, set[Term]] = defaultdict(set)
        self.subjects_of: dict[ox.NamedNode, set[Term]] = defaultdict(set)
        self.objects_of: dict[ox.NamedNode, set[Term]] = defaultdict(set)
        for s, p, o in triples:
            self.out[s][p].add(o)
            self.subjects_of[p].add(s)
            self.objects_of[p].add(o)
            if p == _TYPE:
                self.types[s].add(o)

    def values(self, focus: Term, path: Sequence[ox.NamedNode]) -> set[Term]:
        found = self.out.get(focus)
        if not found:
            return set()
        if len(path) == 1:
            return set(found.get(path[0], ()))
        return set().union(*(found.get(p, ()) for p in path))


ValueTest = Callable[[Term, _Index], bool]


@dataclass(frozen=True)
class _Constraint:
    component: str
    test: ValueTest


@dataclass(frozen=True)
class _PropertyCheck:
    shape: str
    path: tuple[ox.NamedNode, ...]
    path_text: str
    severity: str
    message: str
    min_count: int | None
    max_count: int | None
    constraints: tuple[_Constraint, ...]


@dataclass(frozen=True)
class _NodeCheck:
    shape: str
    severity: str
    message: str
    target_classes: frozenset[ox.NamedNode]
    subjects_of: tuple[ox.NamedNode, ...]
    objects_of: tuple[ox.NamedNode, ...]
    constraints: tuple[_Constraint, ...]
    properties: tuple[_PropertyCheck, ...]


class CompiledShapes:
    """Shapes ready to check graphs given as pyoxigraph quads or triples."""

    def __init__(self, checks: Sequence[_NodeCheck]):
        self._checks = tuple(checks)

    @classmethod
    def compile(cls, shapes: rdflib.Graph, hierarchy: rdflib.Graph | None = None) -> "CompiledShapes":
        """Compile ``shapes``; ``hierarchy`` gives the rdfs:subClassOf triples for targets and sh:class."""
        return cls(_Compiler(shapes, hierarchy or rdflib.Graph()).node_checks())

    def check_quads(self, quads: Iterable[ox.Quad]) -> list[ShapeResult]:
        """Each named graph together with the default graph, as one article is validated."""
        default: list[tuple[Term, ox.NamedNode, Term]] = []
        named: dict[Term, list[tuple[Term, ox.NamedNode, Term]]] = defaultdict(list)
        for q in quads:
            triple = (q.subject, q.predicate, q.object)
            if isinstance(q.graph_name, ox.DefaultGraph):
                default.append(triple)
            else:
                named[q.graph_name].append(triple)
        if not named:
            return self.check_triples(default)
        results: set[ShapeResult] = set()
        for triples in named.values():
            results.update(self.check_triples(default + triples))
        return sorted(results)

    def check_triples(self, triples: Iterable[tuple[Term, ox.NamedNode, Term]]) -> list[ShapeResult]:
        index = _Index(triples)
        results: list[ShapeResult] = []
        for check in self._checks:
            for focus in _focus_nodes(check, index):
                results.extend(_check_node(check, focus, index))
        return sorted(set(results))


def _focus_nodes(check: _NodeCheck, index: _Index) -> set[Term]:
    found: set[Term] = set()
    if check.target_classes:
        found.update(node for node, types in index.types.items() if types & check.target_classes)
    for p in check.subjects_of:
        found.update(index.subjects_of.get(p, ()))
    for p in check.objects_of:
        found.update(index.objects_of.get(p, ()))
    return found


def _check_node(check: _NodeCheck, focus: Term, index: _Index) -> Iterable[ShapeResult]:
    focus_text = str(focus)
    for constraint in check.constraints:
        if not constraint.test(focus, index):
            yield ShapeResult(focus_text, check.shape, constraint.component, check.severity,
                              None, focus_text, check.message)
    for prop in check.properties:
        values = index.values(focus, prop.path)
        if prop.min_count is not None and len(values) < prop.min_count:
            yield ShapeResult(focus_text, prop.shape, "MinCountConstraintComponent", prop.severity,
                              prop.path_text, None, prop.message)
        if prop.max_count is not None and len(values) > prop.max_count:
            yield ShapeResult(focus_text, prop.shape, "MaxCountConstraintComponent", prop.severity,
                              prop.path_text, None, prop.message)
        for constraint in prop.constraints:
            for value in values:
                if not constraint.test(value, index):
                    yield ShapeResult(focus_text, prop.shape, constraint.component, prop.severity,
                                      prop.path_text, str(value), prop.message)


# ---------------------------------------------------------------------------- literals

@functools.lru_cache(maxsize=4096)
def _python_value(lexical: str, datatype: str) -> tuple[bool, object]:
    """(well-formed, value) of a typed literal, as rdflib (and so pySHACL) reads it."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.ERROR)      # rdflib logs a traceback for every ill-typed literal
    try:
        literal = rdflib.Literal(lexical, datatype=rdflib.URIRef(datatype))
    finally:
        logger.setLevel(level)
    return literal.ill_typed is not True, literal.value


def _datatype_test(datatype: ox.NamedNode) -> ValueTest:
    # The value-class checks mirror pySHACL's, so both engines agree on edge cases.
    expected: dict[str, type | tuple[type, ...]] = {
        str(XSD.integer): int, str(XSD.decimal): Decimal, str(XSD.float): float,
        str(XSD.double): float, str(XSD.boolean): bool,
    }

    def test(value: Term, _index: _Index) -> bool:
        if not isinstance(value, ox.Literal):
            return False
        if datatype == _XSD_STRING:
            return value.language is None and value.datatype == _XSD_STRING
        if datatype == _RDF_LANGSTRING:
            return value.language is not None
        if value.datatype != datatype:
            return False
        ok, python = _python_value(value.value, datatype.value)
        if not ok:
            return False
        wanted = expected.get(datatype.value)
        return wanted is None or isinstance(python, wanted)

    return test


def _numeric(value: Term) -> object | None:
    if not isinstance(value, ox.Literal) or value.language is not None or value.datatype == _XSD_STRING:
        return None
    ok, python = _python_value(value.value, value.datatype.value)
    if not ok or isinstance(python, bool) or not isinstance(python, (int, float, Decimal)):
        return None
    return python


def _bound_test(bound: object, inclusive_min: bool) -> ValueTest:
    def test(value: Term, _index: _Index) -> bool:
        number = _numeric(value)
        if number is None:
            return False
        return number >= bound if inclusive_min else number <= bound  # type: ignore[operator]
    return test


# ---------------------------------------------------------------------------- compiling

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
            out.append(_Constraint("DatatypeConstraintComponent", _datatype_test(ox.NamedNode(str(datatype)))))
        for kind in self.g.objects(shape, _SH.nodeKind):
            classes = _NODE_KINDS[str(kind)[len(SH):]]
            out.append(_Constraint("NodeKindConstraintComponent",
                                   lambda v, _i, classes=classes: isinstance(v, classes)))
        for cls in self.g.objects(shape, _SH["class"]):
            members = frozenset(self._subclasses(cls))
            out.append(_Constraint("ClassConstraintComponent",
                                   lambda v, i, members=members: not isinstance(v, ox.Literal)
                                   and bool(i.types.get(v, set()) & members)))
        for listed in self.g.objects(shape, _SH["in"]):
            allowed = frozenset(_to_ox(m) for m in Collection(self.g, listed))
            out.append(_Constraint("InConstraintComponent", lambda v, _i, allowed=allowed: v in allowed))
        for bound in self.g.objects(shape, _SH.minInclusive):
            out.append(_Constraint("MinInclusiveConstraintComponent", _bound_test(_bound(bound), True)))
        for bound in self.g.objects(shape, _SH.maxInclusive):
            out.append(_Constraint("MaxInclusiveConstraintComponent", _bound_test(_bound(bound), False)))
        for length in self.g.objects(shape, _SH.minLength):
            n = int(length)
            out.append(_Constraint("MinLengthConstraintComponent",
                                   lambda v, _i, n=n: not isinstance(v, ox.BlankNode) and len(v.value) >= n))
        for members in self.g.objects(shape, _SH["or"]):
            alternatives = []
            for member in Collection(self.g, members):
                member_used = self._sh_terms(member)
                if member_used - {"datatype", "nodeKind", "class", "in", "minInclusive",
                                  "maxInclusive", "minLength"}:
                    raise UnsupportedShape(f"sh:or member {member} of {shape} may only hold value constraints")
                alternatives.append(self._constraints(member, member_used))
            out.append(_Constraint("OrConstraintComponent", _any_of(tuple(alternatives))))
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


def _any_of(alternatives: tuple[tuple[_Constraint, ...], ...]) -> ValueTest:
    def test(value: Term, index: _Index) -> bool:
        return any(all(c.test(value, index) for c in member) for member in alternatives)
    return test


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
