"""Moving resource IRIs from the base a store was built with to the base a site is published at.

This is the one place where IRIs change. Only the two IRI spaces the minter writes under the
base are moved, ``{base}id/`` (resources) and ``{base}graph/`` (named graphs); vocabulary
namespaces that happen to share the default base (``.../ontology#``, ``.../acled#``) name
terms, not data, and stay as they are.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from kg.store import QueryError, Store

RESOURCE_SPACES = ("id/", "graph/")


def normalise_base(base: str) -> str:
    """A base ends with '/' (the slash IRIs of docs/rdf-model.md); add one when missing."""
    base = base.strip()
    if not base.startswith(("http://", "https://")):
        raise ValueError(f"a base must be an http(s) IRI, got {base!r}")
    return base if base.endswith("/") else base + "/"


class Rebase:
    """Maps IRIs under ``source`` to the same paths under ``target``; everything else unchanged."""

    def __init__(self, source: str, target: str):
        self.source = normalise_base(source)
        self.target = normalise_base(target)
        self._prefixes = tuple(self.source + space for space in RESOURCE_SPACES)

    @property
    def identity(self) -> bool:
        return self.source == self.target

    def iri(self, iri: str) -> str:
        if not self.identity and iri.startswith(self._prefixes):
            return self.target + iri[len(self.source):]
        return iri

    def term(self, term):
        if isinstance(term, ox.NamedNode):
            moved = self.iri(term.value)
            return term if moved == term.value else ox.NamedNode(moved)
        if isinstance(term, ox.Triple):
            return ox.Triple(self.term(term.subject), self.term(term.predicate), self.term(term.object))
        return term

    def quad(self, quad: ox.Quad) -> ox.Quad:
        if self.identity:
            return quad
        graph = quad.graph_name
        return ox.Quad(self.term(quad.subject), self.term(quad.predicate), self.term(quad.object),
                       graph if isinstance(graph, ox.DefaultGraph) else self.term(graph))

    def quads(self, quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
        return (self.quad(q) for q in quads)

    def triple(self, triple: ox.Triple) -> ox.Triple:
        return triple if self.identity else self.term(triple)


_ARTICLE_GRAPH = """
SELECT ?g WHERE { ?g a <https://w3id.org/conflict-kg/ontology#ArticleGraph> } LIMIT 1
"""
_ANY_GRAPH = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 50"


def detect_base(store: Store, default: str) -> str:
    """The base a store was built with, read from its graph names (``{base}graph/...``).

    The build records no base of its own, but every graph it writes is named under it; a store
    without such graphs (empty, or loaded from elsewhere) gives ``default``.
    """
    try:
        rows = store.query(_ARTICLE_GRAPH, union_default_graph=False).rows
        rows += store.query(_ANY_GRAPH, union_default_graph=False).rows
    except QueryError:
        return normalise_base(default)
    for (graph,) in rows:
        if isinstance(graph, ox.NamedNode) and "/graph/" in graph.value:
            return graph.value[: graph.value.rindex("/graph/") + 1]
    return normalise_base(default)
