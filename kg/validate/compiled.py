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
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence, Set
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.validate.results import ShapeResult

if TYPE_CHECKING:
    import rdflib

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
_TYPE = ox.NamedNode(RDF + "type")
# pyoxigraph has no common base class for its terms.
Term = ox.NamedNode | ox.BlankNode | ox.Literal
Triple = tuple[Term, ox.NamedNode, Term]
_XSD_STRING = ox.NamedNode(XSD + "string")
_RDF_LANGSTRING = ox.NamedNode(RDF + "langString")


class UnsupportedShape(ValueError):
    """The shapes use a SHACL feature this engine does not evaluate; use pySHACL for them."""


# What a predicate a check reads is to the index besides a property (bits of a role, 0: none).
_IS_TYPE, _TARGETS_SUBJECTS, _TARGETS_OBJECTS = 1, 2, 4


class _Index:
    """One validation unit's triples, looked up the ways the constraints need.

    Only what some check reads is kept: the predicates of property paths and rdf:type
    (targets, sh:class), and the subjects or objects of target predicates. An article's
    evidence, alternative labels and provenance links cost one dictionary look-up each:
    ``roles`` has every predicate a check reads, with what else it is (_IS_TYPE...).
    """

    __slots__ = ("out", "types", "subjects_of", "objects_of")

    def __init__(self, triples: Iterable[tuple[Term, ox.NamedNode, Term]], roles: dict[ox.NamedNode, int]):
        out: dict[Term, dict[ox.NamedNode, set[Term]]] = {}
        types: dict[Term, set[Term]] = {}
        self.subjects_of: dict[ox.NamedNode, set[Term]] = {}
        self.objects_of: dict[ox.NamedNode, set[Term]] = {}
        role_of = roles.get
        for s, p, o in triples:
            role = role_of(p)
            if role is None:
                continue
            by_predicate = out.get(s)
            if by_predicate is None:
                out[s] = {p: {o}}
            elif p in by_predicate:
                by_predicate[p].add(o)
            else:
                by_predicate[p] = {o}
            if role:
                if role & _IS_TYPE:
                    if s in types:
                        types[s].add(o)
                    else:
                        types[s] = {o}
                if role & _TARGETS_SUBJECTS:
                    self.subjects_of.setdefault(p, set()).add(s)
                if role & _TARGETS_OBJECTS:
                    self.objects_of.setdefault(p, set()).add(o)
        self.out = out
        self.types = types


_NO_VALUES: frozenset[Term] = frozenset()
_NO_PROPERTIES: dict[ox.NamedNode, set[Term]] = {}

ValueTest = Callable[[Term, _Index], bool]


@dataclass(frozen=True)
class _Constraint:
    component: str
    test: ValueTest
    reads_graph: bool = False       # sh:class: the verdict depends on the value's rdf:types


# Verdicts a property check remembers before it starts afresh (a few MB at most).
_REMEMBERED_VALUES = 65_536


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
    _verdicts: dict[Term, tuple[_Constraint, ...]] = field(default_factory=dict, compare=False, repr=False)

    @functools.cached_property
    def graph_constraints(self) -> tuple[_Constraint, ...]:
        return tuple(c for c in self.constraints if c.reads_graph)

    @functools.cached_property
    def value_constraints(self) -> tuple[_Constraint, ...]:
        return tuple(c for c in self.constraints if not c.reads_graph)

    @functools.cached_property
    def least(self) -> int:
        """sh:minCount, 0 when none: fewer values never fail it."""
        return self.min_count or 0

    @functools.cached_property
    def most(self) -> float:
        """sh:maxCount, infinite when none."""
        return math.inf if self.max_count is None else self.max_count

    @functools.cached_property
    def predicate(self) -> ox.NamedNode | None:
        """The path's one predicate, or None for an alternative path."""
        return self.path[0] if len(self.path) == 1 else None

    def failed_by(self, value: Term, index: _Index) -> tuple[_Constraint, ...]:
        """The constraints on the value alone (datatype, range, length...) that ``value``
        fails, remembered per value: the same coordinates, labels, dates and counts come up
        in article after article, and most values pass every constraint."""
        verdict = self._verdicts.get(value)
        if verdict is None:
            if len(self._verdicts) >= _REMEMBERED_VALUES:
                self._verdicts.clear()
            verdict = self._verdicts[value] = tuple(
                c for c in self.value_constraints if not c.test(value, index))
        return verdict

    def values(self, properties: dict[ox.NamedNode, set[Term]]) -> Set[Term]:
        """The focus node's values along the path, from its predicate -> objects index entry."""
        if len(self.path) == 1:
            return properties.get(self.path[0], _NO_VALUES)
        return set().union(*(properties.get(p, ()) for p in self.path))


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

    @functools.cached_property
    def plan(self) -> tuple[tuple[_PropertyCheck, ox.NamedNode | None, int, float, bool,
                                  tuple[_Constraint, ...]], ...]:
        """What checking a node reads of each property check, unpacked once."""
        return tuple((prop, prop.predicate, prop.least, prop.most, bool(prop.value_constraints),
                      prop.graph_constraints) for prop in self.properties)


class CompiledShapes:
    """Shapes ready to check graphs given as pyoxigraph quads or triples.

    The node checks are filed by what selects their focus nodes (a class, the subjects or
    the objects of a predicate), so a graph costs one pass to index it and one look-up per
    typed node, whatever the number of shapes.
    """

    def __init__(self, checks: Sequence[_NodeCheck]):
        self._checks = tuple(checks)
        self._by_class: dict[ox.NamedNode, list[int]] = defaultdict(list)
        self._by_subject_of: dict[ox.NamedNode, list[int]] = defaultdict(list)
        self._by_object_of: dict[ox.NamedNode, list[int]] = defaultdict(list)
        for number, check in enumerate(self._checks):
            for cls in check.target_classes:
                self._by_class[cls].append(number)
            for p in check.subjects_of:
                self._by_subject_of[p].append(number)
            for p in check.objects_of:
                self._by_object_of[p].append(number)
        self._subject_targets = frozenset(self._by_subject_of)
        self._object_targets = frozenset(self._by_object_of)
        self._read = frozenset({_TYPE, *self._subject_targets, *self._object_targets,
                                *(p for check in self._checks for prop in check.properties for p in prop.path)})
        self._roles = {p: ((p == _TYPE) * _IS_TYPE | (p in self._subject_targets) * _TARGETS_SUBJECTS
                           | (p in self._object_targets) * _TARGETS_OBJECTS) for p in self._read}

    @classmethod
    def compile(cls, shapes: rdflib.Graph, hierarchy: rdflib.Graph | None = None) -> CompiledShapes:
        """Compile ``shapes`` given as an rdflib graph; ``hierarchy`` gives the rdfs:subClassOf
        triples for targets and sh:class. `compile_file` is the same without rdflib."""
        from kg.validate.compiler import node_checks, rdflib_triples   # the compiler imports this module

        return cls(node_checks(rdflib_triples(shapes), rdflib_triples(hierarchy) if hierarchy is not None else ()))

    @classmethod
    def compile_file(cls, path: Path, hierarchy: Iterable[ox.Triple | ox.Quad] = ()) -> CompiledShapes:
        """Compile the shapes of a Turtle file, read with pyoxigraph, as a build does: no rdflib.
        The rdfs:subClassOf triples of ``hierarchy`` give the subclasses for targets and sh:class."""
        from kg.validate.compiler import node_checks

        return cls(node_checks(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE), hierarchy))

    def check_quads(self, quads: Iterable[ox.Quad]) -> list[ShapeResult]:
        """Each named graph together with the default graph, as one article is validated."""
        read = self._read
        default: list[Triple] = []
        named: dict[Term, list[Triple]] = {}
        for q in quads:
            graph = q.graph_name
            if type(graph) is ox.DefaultGraph:
                triples = default
            else:
                triples = named.get(graph)
                if triples is None:             # a unit even when no check reads its triples
                    triples = named[graph] = []
            p = q.predicate
            if p in read:                       # the others no check reads (see _Index)
                triples.append((q.subject, p, q.object))
        return self.check_graphs(default, named.values())

    def check_graphs(self, default: list[Triple], named: Iterable[list[Triple]]) -> list[ShapeResult]:
        """Each named graph's triples together with the default graph's, as `check_quads` does
        with quads: for a caller that has the triples of each graph apart (the build's mapping)."""
        units = [default + triples for triples in named]
        if not units:
            return self.check_triples(default)
        results: set[ShapeResult] = set()
        for unit in units:
            results.update(self.check_triples(unit))
        return sorted(results)

    def check_triples(self, triples: Iterable[tuple[Term, ox.NamedNode, Term]]) -> list[ShapeResult]:
        index = _Index(triples, self._roles)
        results: list[ShapeResult] = []
        for number, nodes in self._focus_nodes(index).items():
            _check_nodes(self._checks[number], nodes, index, results)
        return sorted(set(results))

    def _focus_nodes(self, index: _Index) -> dict[int, set[Term]]:
        """Focus nodes by node check (its number in self._checks)."""
        found: dict[int, set[Term]] = defaultdict(set)
        by_class = self._by_class
        for node, types in index.types.items():
            for cls in types:
                for number in by_class.get(cls, ()):
                    found[number].add(node)
        for p, nodes in index.subjects_of.items():
            for number in self._by_subject_of[p]:
                found[number].update(nodes)
        for p, nodes in index.objects_of.items():
            for number in self._by_object_of[p]:
                found[number].update(nodes)
        return found


def _check_nodes(check: _NodeCheck, nodes: Iterable[Term], index: _Index, results: list[ShapeResult]) -> None:
    """Append to ``results`` what each of ``nodes`` fails of ``check``: nothing is built for a
    pass. One call per check, not per node (a unit has ~40 focus nodes, most with one or two
    properties to check), with what the check reads looked up once."""
    constraints = check.constraints
    plan = check.plan
    out = index.out
    for focus in nodes:
        for constraint in constraints:
            if not constraint.test(focus, index):
                results.append(ShapeResult(str(focus), check.shape, constraint.component, check.severity,
                                           None, str(focus), check.message))
        properties = out.get(focus, _NO_PROPERTIES)
        for prop, predicate, least, most, value_checked, graph_constraints in plan:
            values = properties.get(predicate, _NO_VALUES) if predicate is not None else prop.values(properties)
            count = len(values)
            if count < least:
                results.append(ShapeResult(str(focus), prop.shape, "MinCountConstraintComponent",
                                           prop.severity, prop.path_text, None, prop.message))
            if count > most:
                results.append(ShapeResult(str(focus), prop.shape, "MaxCountConstraintComponent",
                                           prop.severity, prop.path_text, None, prop.message))
            if not count:               # most properties of most nodes: nothing more to check
                continue
            if value_checked:
                for value in values:
                    for constraint in prop.failed_by(value, index):
                        results.append(ShapeResult(str(focus), prop.shape, constraint.component,
                                                   prop.severity, prop.path_text, str(value), prop.message))
            for constraint in graph_constraints:
                test = constraint.test
                for value in values:
                    if not test(value, index):
                        results.append(ShapeResult(str(focus), prop.shape, constraint.component,
                                                   prop.severity, prop.path_text, str(value), prop.message))


# ---------------------------------------------------------------------------- literals

def _calendar_date(lexical: str) -> date:
    return date(int(lexical[:4]), int(lexical[5:7]), int(lexical[8:]))     # ValueError: no such day


def _no_value(lexical: str) -> None:
    return None


# Lexical forms whose value Python reads directly, as rdflib does: int(), Decimal(),
# datetime.date. For xsd:gYear and xsd:gYearMonth only well-formedness is ever read (no
# value class is expected of them, and they are not numbers): rdflib has no converter for
# them, so any form passes -- unless owlrl has installed its own in the process (pySHACL with
# inference, `kg reason`), which rejects year 0 and months outside 1-12: the forms below pass
# either way. Anything else (exponents, spaces, other digits, a stray dot, time zones, a day
# the calendar lacks) goes through rdflib itself. What the build writes is all in these
# forms, so a build need not import rdflib.
_PLAIN_FORMS: dict[str, tuple[re.Pattern[str], Callable[[str], object]]] = {
    XSD + "integer": (re.compile(r"[+-]?[0-9]{1,18}"), int),
    XSD + "decimal": (re.compile(r"[+-]?[0-9]{1,30}(?:\.[0-9]{1,30})?"), Decimal),
    XSD + "date": (re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"), _calendar_date),
    XSD + "gYearMonth": (re.compile(r"(?!0000)[0-9]{4}-(?:0[1-9]|1[0-2])"), _no_value),
    XSD + "gYear": (re.compile(r"(?!0000)[0-9]{4}"), _no_value),
}


def _python_value(lexical: str, datatype: str) -> tuple[bool, object]:
    """(well-formed, value) of a typed literal, as rdflib (and so pySHACL) reads it."""
    plain = _PLAIN_FORMS.get(datatype)
    if plain is not None and plain[0].fullmatch(lexical):
        try:
            return True, plain[1](lexical)
        except ValueError:
            pass
    return _rdflib_value(lexical, datatype)


@functools.lru_cache(maxsize=4096)
def _rdflib_value(lexical: str, datatype: str) -> tuple[bool, object]:
    import rdflib   # deferred: the plain forms above are all a build normally meets

    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.ERROR)      # rdflib logs a traceback for every ill-typed literal
    try:
        literal = rdflib.Literal(lexical, datatype=rdflib.URIRef(datatype))
    finally:
        logger.setLevel(level)
    return literal.ill_typed is not True, literal.value


# The value tests. Each is a module-level function bound to its parameters with
# functools.partial, not a closure: compiled shapes are plain data that can be compared and
# inspected, and a build need not read the shapes with rdflib.

_VALUE_CLASSES: dict[str, type | tuple[type, ...]] = {
    XSD + "integer": int, XSD + "decimal": Decimal, XSD + "float": float,
    XSD + "double": float, XSD + "boolean": bool,
}


def datatype_test(datatype: ox.NamedNode) -> ValueTest:
    # The value-class checks mirror pySHACL's, so both engines agree on edge cases.
    if datatype == _XSD_STRING:
        return _is_string
    if datatype == _RDF_LANGSTRING:
        return _is_language_string
    return partial(_has_datatype, datatype, _VALUE_CLASSES.get(datatype.value))


def _is_string(value: Term, _index: _Index) -> bool:
    return type(value) is ox.Literal and value.language is None and value.datatype == _XSD_STRING


def _is_language_string(value: Term, _index: _Index) -> bool:
    return type(value) is ox.Literal and value.language is not None


def _has_datatype(datatype: ox.NamedNode, wanted: type | tuple[type, ...] | None, value: Term,
                  _index: _Index) -> bool:
    if type(value) is not ox.Literal or value.datatype != datatype:
        return False
    ok, python = _python_value(value.value, datatype.value)
    return ok and (wanted is None or isinstance(python, wanted))


def _numeric(value: Term) -> object | None:
    if type(value) is not ox.Literal or value.language is not None:
        return None
    datatype = value.datatype
    if datatype == _XSD_STRING:
        return None
    ok, python = _python_value(value.value, datatype.value)
    if not ok or isinstance(python, bool) or not isinstance(python, (int, float, Decimal)):
        return None
    return python


def bound_test(bound: object, inclusive_min: bool) -> ValueTest:
    return partial(_within_bound, bound, inclusive_min)


def _within_bound(bound: object, inclusive_min: bool, value: Term, _index: _Index) -> bool:
    number = _numeric(value)
    if number is None:
        return False
    return number >= bound if inclusive_min else number <= bound  # type: ignore[operator]


def node_kind_test(classes: tuple[type, ...]) -> ValueTest:
    return partial(_is_instance, classes)


def _is_instance(classes: tuple[type, ...], value: Term, _index: _Index) -> bool:
    return isinstance(value, classes)


def class_test(members: frozenset[ox.NamedNode]) -> ValueTest:
    return partial(_has_class, members)


def _has_class(members: frozenset[ox.NamedNode], value: Term, index: _Index) -> bool:
    return not isinstance(value, ox.Literal) and not members.isdisjoint(index.types.get(value, ()))


def in_test(allowed: frozenset[Term]) -> ValueTest:
    return partial(_is_in, allowed)


def _is_in(allowed: frozenset[Term], value: Term, _index: _Index) -> bool:
    return value in allowed


def min_length_test(n: int) -> ValueTest:
    return partial(_has_min_length, n)


def _has_min_length(n: int, value: Term, _index: _Index) -> bool:
    return not isinstance(value, ox.BlankNode) and len(value.value) >= n


def any_of_test(alternatives: tuple[tuple[_Constraint, ...], ...]) -> ValueTest:
    return partial(_any_of, alternatives)


def _any_of(alternatives: tuple[tuple[_Constraint, ...], ...], value: Term, index: _Index) -> bool:
    return any(all(c.test(value, index) for c in member) for member in alternatives)
