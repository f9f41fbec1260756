"""SHACL validation of article graphs against ontology/shapes.ttl.

Two engines, one set of shapes:

- ``check_article_quads`` / ``graphs_problems`` (the build): the compiled engine of
  ``kg.validate.compiled``, fast enough to run on every article (see docs/trust.md for the
  measured costs).
- ``validate_units`` / ``validate_store`` (``kg validate``): pySHACL, the reference
  implementation, with no inference and the ontology's class tree as its ontology graph.

The unit of validation is one named graph plus the default-graph description of that graph
and its article: cardinalities hold per article, since two articles may disagree.
This module is also the one place where pyoxigraph terms become rdflib terms.
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.ingest import IngestError
from kg.ontology import ONTOLOGY_DIR, class_hierarchy, class_hierarchy_triples
from kg.rdf import terms as T
from kg.validate.compiled import CompiledShapes, Term, Triple
from kg.validate.results import SH, ShapeResult

if TYPE_CHECKING:
    import rdflib

# rdflib is imported where it is used: a build checks its articles with shapes it compiles
# from the files with pyoxigraph, and needs neither rdflib nor pySHACL.

SHAPES_FILE: Path = ONTOLOGY_DIR / "shapes.ttl"


@functools.cache
def load_shapes() -> rdflib.Graph:
    """ontology/shapes.ttl (parsed once per process; treat it as read-only)."""
    import rdflib

    return rdflib.Graph().parse(SHAPES_FILE, format="turtle")


@functools.cache
def _shapes_for_pyshacl() -> rdflib.Graph:
    # A graph of its own: pySHACL adds a few RDFS axioms to the shapes graph it is given.
    import rdflib

    return rdflib.Graph().parse(SHAPES_FILE, format="turtle")


@functools.cache
def _hierarchy() -> rdflib.Graph:
    return class_hierarchy()


@functools.cache
def compiled_shapes() -> CompiledShapes:
    """The shapes the build checks articles with, compiled once a process (~10 ms) from the
    shapes file and the ontology's class tree, both read with pyoxigraph (no rdflib to import). They
    are not cached on disk: a pickle runs code when read, and KG_CACHE_DIR may be a folder
    others can write to (a team's shared cache), where the gazetteer's marshal file is only data."""
    return CompiledShapes.compile_file(SHAPES_FILE, class_hierarchy_triples())


# ---------------------------------------------------------------------------- the build

def check_article_quads(quads: Iterable[ox.Quad]) -> list[ShapeResult]:
    """Results for one article's quads (its named graph, registry facts, default-graph description)."""
    return compiled_shapes().check_quads(quads)


def article_problems(item: str, quads: Iterable[ox.Quad], *, limit: int = 5) -> list[IngestError]:
    """What the build reports about an article graph: nothing when it conforms.

    Violations make one rejection (``skipped=True``: the article is not stored, the version
    already in the store stays); warnings become notices (``skipped=False``) and the
    article is stored. At most ``limit`` results are spelled out per article.
    """
    return _problems(item, check_article_quads(quads), limit)


def graphs_problems(item: str, default: list[Triple], named: Iterable[list[Triple]], *,
                    limit: int = 5) -> list[IngestError]:
    """`article_problems` of an article given as the triples of its default graph and of each
    of its named graphs (`kg.rdf.mapping.ArticleGraphs`), before they become quads."""
    return _problems(item, compiled_shapes().check_graphs(default, named), limit)


def _problems(item: str, results: Sequence[ShapeResult], limit: int) -> list[IngestError]:
    severe = [r for r in results if r.severe]
    if severe:
        return [IngestError(item, "graph fails its shapes, not stored: " + _listed(severe, limit))]
    minor = [r for r in results if not r.severe]
    if minor:
        return [IngestError(item, "shape warnings: " + _listed(minor, limit), skipped=False)]
    return []


def _listed(results: Sequence[ShapeResult], limit: int) -> str:
    text = "; ".join(r.describe() for r in results[:limit])
    return text + (f"; and {len(results) - limit} more" if len(results) > limit else "")


# ---------------------------------------------------------------------------- pySHACL

@dataclass
class ValidationUnit:
    """A named graph to validate, with the article it comes from (when it is an article graph)."""

    graph: str
    triples: list[tuple[Term, ox.NamedNode, Term]]
    article_url: str | None = None


@dataclass
class StoreValidation:
    units: int = 0
    results: list[ShapeResult] = field(default_factory=list)
    articles: dict[str, str] = field(default_factory=dict)     # graph IRI -> article url

    @property
    def violations(self) -> list[ShapeResult]:
        return [r for r in self.results if r.severe]

    @property
    def conforms(self) -> bool:
        return not self.violations


def validate_triples(triples: Iterable[tuple[Term, ox.NamedNode, Term]], *,
                     engine: str = "pyshacl") -> list[ShapeResult]:
    """Validate one unit with pySHACL (``engine="pyshacl"``) or the compiled engine."""
    triples = list(triples)
    if engine == "compiled":
        return compiled_shapes().check_triples(triples)
    if engine != "pyshacl":
        raise ValueError(f"unknown engine {engine!r}; choose pyshacl or compiled")
    import pyshacl  # deferred: slow to import, and the build never needs it

    data = to_rdflib_graph(triples)
    with _quiet_rdflib():
        _conforms, report, _text = pyshacl.validate(
            data, shacl_graph=_shapes_for_pyshacl(), ont_graph=_hierarchy(), inference="none",
            advanced=False, allow_warnings=True)
    return sorted(set(_results_of(report)))


def store_units(store) -> Iterator[ValidationUnit]:
    """Every named graph of asserted data, each with the default-graph description of the
    graph, its article and the article's outlet, through the store's query interface."""
    # An article in which nothing was found has a description but no named graph.
    described = store.query(f"SELECT DISTINCT ?g WHERE {{ ?g <{T.PROV_DERIVED_FROM.value}> ?a }}",
                            union_default_graph=False).rows
    graphs = set(store.named_graphs()) | {row[0] for row in described if isinstance(row[0], ox.NamedNode)}
    for graph in sorted(graphs, key=lambda g: g.value):
        if graph.value.endswith(("graph/ontology", "graph/inferred", "graph/fusion")):
            continue            # the schema, what `kg reason` derived, fused events: not asserted data
        rows = store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}",
                           union_default_graph=False).rows
        triples = [(s, p, o) for s, p, o in rows]
        about = store.query(f"""
            SELECT ?s ?p ?o ?url WHERE {{
              {{ BIND({graph} AS ?s) }}
              UNION {{ {graph} <{T.PROV_DERIVED_FROM.value}> ?s }}
              UNION {{ {graph} <{T.PROV_DERIVED_FROM.value}>/<{T.SCHEMA_PUBLISHER.value}> ?s }}
              ?s ?p ?o .
              OPTIONAL {{ {graph} <{T.PROV_DERIVED_FROM.value}>/<{T.SCHEMA_URL.value}> ?url }}
            }}""", union_default_graph=False).rows
        url = next((row[3].value for row in about if row[3] is not None), None)
        triples += [(s, p, o) for s, p, o, _url in about]
        yield ValidationUnit(graph.value, triples, url)


def validate_store(store, *, engine: str = "pyshacl") -> StoreValidation:
    """Validate every article graph (and the registry graph) of a store, one by one."""
    outcome = StoreValidation()
    for unit in store_units(store):
        outcome.units += 1
        if unit.article_url:
            outcome.articles[unit.graph] = unit.article_url
        for result in validate_triples(unit.triples, engine=engine):
            outcome.results.append(_with_graph(result, unit.graph))
    return outcome


def _with_graph(result: ShapeResult, graph: str) -> ShapeResult:
    return ShapeResult(result.focus, result.shape, result.component, result.severity, result.path,
                       result.value, result.message, graph)


def _results_of(report: rdflib.Graph) -> Iterator[ShapeResult]:
    import rdflib

    _SH = rdflib.Namespace(SH)
    for r in report.subjects(rdflib.RDF.type, _SH.ValidationResult):
        value = report.value(r, _SH.value)
        path = report.value(r, _SH.resultPath)
        message = report.value(r, _SH.resultMessage)
        yield ShapeResult(
            focus=_nt(report.value(r, _SH.focusNode)),
            shape=_nt(report.value(r, _SH.sourceShape)) if isinstance(
                report.value(r, _SH.sourceShape), rdflib.URIRef) else "_:" + str(report.value(r, _SH.sourceShape)),
            component=str(report.value(r, _SH.sourceConstraintComponent))[len(SH):],
            severity=str(report.value(r, _SH.resultSeverity))[len(SH):],
            path=_path_text(report, path),
            value=_nt(value) if value is not None else None,
            message=str(message) if message is not None else "",
        )


def _path_text(report: rdflib.Graph, path: rdflib.term.Node | None) -> str | None:
    import rdflib
    from rdflib.collection import Collection

    if path is None:
        return None
    if isinstance(path, rdflib.URIRef):
        return f"<{path}>"
    alternatives = report.value(path, rdflib.URIRef(SH + "alternativePath"))
    if alternatives is not None:
        return "|".join(f"<{m}>" for m in Collection(report, alternatives))
    return str(path)


# ---------------------------------------------------------------------------- terms

def to_rdflib(term: Term) -> rdflib.term.Node:
    """A pyoxigraph term as rdflib's; plain literals lose xsd:string, as rdflib writes them."""
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        if term.datatype.value == str(rdflib.XSD.string):
            return rdflib.Literal(term.value)
        # normalize=False: results quote the value as stored ("-INF", not rdflib's "-inf").
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value), normalize=False)
    raise TypeError(f"cannot convert {term!r} to rdflib (RDF-star triples are not supported)")


def to_rdflib_graph(triples: Iterable[tuple[Term, ox.NamedNode, Term]]) -> rdflib.Graph:
    import rdflib

    graph = rdflib.Graph()
    with _quiet_rdflib():
        for s, p, o in triples:
            graph.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
    return graph


def _nt(term: rdflib.term.Node) -> str:
    """An rdflib term in N-Triples syntax, written the way pyoxigraph writes it."""
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return str(ox.NamedNode(str(term)))
    if isinstance(term, rdflib.BNode):
        return f"_:{term}"
    assert isinstance(term, rdflib.Literal)
    if term.language:
        return str(ox.Literal(str(term), language=term.language))
    datatype = str(term.datatype) if term.datatype else str(rdflib.XSD.string)
    return str(ox.Literal(str(term), datatype=ox.NamedNode(datatype)))


class _quiet_rdflib:
    """rdflib logs a traceback for each ill-typed literal; the validation result says it better."""

    def __enter__(self) -> None:
        self._logger = logging.getLogger("rdflib.term")
        self._level = self._logger.level
        self._logger.setLevel(logging.ERROR)

    def __exit__(self, *exc: object) -> None:
        self._logger.setLevel(self._level)
