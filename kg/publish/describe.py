"""What the store says about one resource, read through SPARQL (the store interface only).

A resource's description is every statement with the resource as subject, in every graph,
plus the statements that point at it (capped: a country can be the place of thousands of
events). Each statement keeps its graph, so a page can say which article claims it.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.store import Store

_OUTGOING = """
SELECT ?p ?o ?g WHERE {{
  {{ {node} ?p ?o }} UNION {{ GRAPH ?g {{ {node} ?p ?o }} }}
}}"""
_INCOMING = """
SELECT ?s ?p ?g WHERE {{
  {{ ?s ?p {node} }} UNION {{ GRAPH ?g {{ ?s ?p {node} }} }}
}} LIMIT {limit}"""
_EXISTS = """
ASK {{
  {{ {node} ?p ?o }} UNION {{ GRAPH ?g {{ {node} ?p ?o }} }} UNION {{ GRAPH {node} {{ ?s ?p ?o }} }}
  UNION {{ ?s ?p {node} }} UNION {{ GRAPH ?g {{ ?s ?p {node} }} }}
}}"""
_RESOURCES = """
SELECT DISTINCT ?s WHERE {{
  {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} }} UNION {{ GRAPH ?s {{ ?a ?b ?c }} }}
  UNION {{ ?o ?p ?s }} UNION {{ GRAPH ?g {{ ?o ?p ?s }} }}
  FILTER(isIRI(?s) && (STRSTARTS(STR(?s), "{base}id/") || STRSTARTS(STR(?s), "{base}graph/")))
}}"""
_GRAPH_NOTES = """
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <http://schema.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?g ?article (MIN(?h) AS ?headline) (MIN(?d) AS ?date) (MIN(?ol) AS ?outlet) WHERE {{
  VALUES ?g {{ {values} }}
  ?g prov:wasDerivedFrom ?article .
  OPTIONAL {{ ?article schema:headline ?h }}
  OPTIONAL {{ ?article schema:datePublished ?d }}
  OPTIONAL {{ ?article schema:publisher/rdfs:label ?ol }}
}} GROUP BY ?g ?article"""

_CHUNK = 400   # IRIs per VALUES block


@dataclass
class Description:
    iri: str
    outgoing: list[ox.Quad] = field(default_factory=list)
    incoming: list[ox.Quad] = field(default_factory=list)
    incoming_truncated: bool = False

    @property
    def quads(self) -> list[ox.Quad]:
        return self.outgoing + self.incoming

    @property
    def empty(self) -> bool:
        return not self.outgoing and not self.incoming


@dataclass(frozen=True)
class GraphNote:
    """How a page names the graph a statement comes from: the article it was read from."""
    graph: str
    article: str | None = None
    headline: str | None = None
    date: str | None = None
    outlet: str | None = None

    @property
    def text(self) -> str:
        if self.article is None:
            return self.graph.rstrip("/").rsplit("/", 1)[-1]
        parts = [p for p in (self.outlet, self.date) if p]
        return ", ".join(parts) or self.article.rsplit("/", 1)[-1]


def node(iri: str) -> str:
    """An IRI as a SPARQL term; NamedNode rejects anything that is not a valid IRI."""
    return str(ox.NamedNode(iri))


def describe(store: Store, iri: str, *, max_incoming: int = 2000) -> Description:
    term = ox.NamedNode(iri)
    n = node(iri)
    description = Description(iri)
    for p, o, g in store.query(_OUTGOING.format(node=n), union_default_graph=False).rows:
        description.outgoing.append(ox.Quad(term, p, o, g if g is not None else ox.DefaultGraph()))
    rows = store.query(_INCOMING.format(node=n, limit=max_incoming + 1), union_default_graph=False).rows
    description.incoming_truncated = len(rows) > max_incoming
    for s, p, g in rows[:max_incoming]:
        description.incoming.append(ox.Quad(s, p, term, g if g is not None else ox.DefaultGraph()))
    return description


def exists(store: Store, iri: str) -> bool:
    return bool(store.query(_EXISTS.format(node=node(iri)), union_default_graph=False).boolean)


def resource_iris(store: Store, base: str) -> list[str]:
    """Every IRI under ``{base}id/`` or ``{base}graph/`` that is in a statement or names a graph
    (one only pointed at, like a report whose article was removed, still gets its page)."""
    safe_base = base.replace("\\", "\\\\").replace('"', '\\"')
    rows = store.query(_RESOURCES.format(base=safe_base), union_default_graph=False).rows
    return sorted(row[0].value for row in rows)


def graph_notes(store: Store, graphs: Iterable[str]) -> dict[str, GraphNote]:
    notes = {g: GraphNote(g) for g in graphs}
    for chunk in _chunks(sorted(notes)):
        result = store.query(_GRAPH_NOTES.format(values=" ".join(node(g) for g in chunk)),
                             union_default_graph=False)
        for g, article, headline, date, outlet in result.rows:
            notes[g.value] = GraphNote(g.value, article.value,
                                       headline.value if headline else None,
                                       date.value if date else None,
                                       outlet.value if outlet else None)
    return notes


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


_GRAPH_SUBJECTS = "SELECT DISTINCT ?s WHERE {{ GRAPH {node} {{ ?s ?p ?o }} }} ORDER BY ?s LIMIT {limit}"
_GRAPH_SIZE = "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {node} {{ ?s ?p ?o }} }}"


def graph_contents(store: Store, iri: str, *, limit: int = 500) -> tuple[int, list[str]]:
    """How many statements the named graph ``iri`` holds, and (up to ``limit``) what it describes."""
    n = node(iri)
    size = store.query(_GRAPH_SIZE.format(node=n), union_default_graph=False).rows[0][0]
    subjects = store.query(_GRAPH_SUBJECTS.format(node=n, limit=limit), union_default_graph=False).rows
    return int(size.value), [row[0].value for row in subjects if isinstance(row[0], ox.NamedNode)]


class GraphNoteCache:
    """Graph notes looked up once each: the store does not change while it is published."""

    def __init__(self, store: Store):
        self.store = store
        self._known: dict[str, GraphNote] = {}

    def __call__(self, graphs: Iterable[str]) -> dict[str, GraphNote]:
        graphs = set(graphs)
        missing = [g for g in graphs if g not in self._known]
        if missing:
            self._known.update(graph_notes(self.store, missing))
        return {g: self._known[g] for g in graphs}
