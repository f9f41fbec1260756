"""Store summary for `kg stats`: read through SPARQL, like every other reader of the store."""
from __future__ import annotations

from kg.store.base import Store

_PREFIX = ("PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
           "PREFIX owl: <http://www.w3.org/2002/07/owl#>\n")
_BY_KIND = _PREFIX + """
SELECT ?kind (COUNT(DISTINCT ?x) AS ?n) WHERE {{
  GRAPH ?g {{ ?x a ?cls }}
  ?g a ckg:ArticleGraph .
  GRAPH ?o {{ ?cls rdfs:subClassOf* ckg:{base} }}
  BIND(STRAFTER(STR(?cls), "#") AS ?kind)
}} GROUP BY ?kind ORDER BY DESC(?n) ?kind
"""


# Reports, and the events they describe: the reports of one event share the ckg:fusedEvent of
# the fusion graph; a report without one is an event of its own (as in queries/).
_REPORTS = _PREFIX + """
SELECT (COUNT(DISTINCT ?e) AS ?reports) (COUNT(DISTINCT ?head) AS ?events) WHERE {
  GRAPH ?g { ?e ckg:reportedIn ?article }
  OPTIONAL { GRAPH ?f { ?e ckg:fusedEvent ?fused } }
  BIND(COALESCE(?fused, ?e) AS ?head)
}
"""


def _counts(store: Store, base: str) -> dict[str, int]:
    result = store.query(_BY_KIND.format(base=base), union_default_graph=False)
    return {row[0].value: int(row[1].value) for row in result.rows if row[0] is not None}


def store_stats(store: Store) -> dict:
    articles = store.query(_PREFIX + "SELECT (COUNT(?a) AS ?n) WHERE { ?a a ckg:Article }",
                           union_default_graph=False)
    events = _counts(store, "Operation")
    reports = store.query(_REPORTS, union_default_graph=False).rows[0]
    # An actor quoted as a source is counted under both; subclasses are counted under the leaf;
    # events_by_type counts reports (each article's IRI), `events` the fused events.
    return {
        "articles": int(articles.rows[0][0].value),
        "triples": store.count(),
        "event_reports": int(reports[0].value),
        "events": int(reports[1].value),              # reports of one event counted once
        "events_by_type": {k: v for k, v in events.items() if k != "Operation"},
        "actors_by_kind": {k: v for k, v in _counts(store, "Actor").items() if k not in ("Actor", "ArmedForce")},
        "places_by_kind": {k: v for k, v in _counts(store, "Place").items() if k != "Place"},
        "sources_by_kind": {k: v for k, v in _counts(store, "Source").items() if k != "Source"},
    }
