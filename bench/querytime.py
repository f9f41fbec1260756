"""Every query of the library once on a built store (`python -m bench.querytime STORE`): prints
{query: seconds} as JSON. Run by bench.scaling in a process of its own after each build, so the
queries' latency is measured at each corpus size.

The queries without required parameters run first; the others get values from their answers
(each query runs once): the first agent of who-fought-whom, and the place with the most
events (places-most-violence) as the region and, by its coordinates, the point. The queries
whose parameter is optional then run again with one value, as an analyst drills down (named
"QUERY, one VALUE"): claims-about-event for the first event it listed, operations-by-actor and
actor-partners for that agent. Those answers should cost what the one event or actor has, not
what the store holds (docs/scale.md, "Queries that look up")."""
from __future__ import annotations

import json
import sys
import time

from kg.queries import list_queries, load_query
from kg.store import QueryResult, open_store

_GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"


def _first(result: QueryResult | None, column: str) -> str | None:
    if result is None or column not in result.variables:
        return None
    at = result.variables.index(column)
    return next((row[at].value for row in result.rows if row[at] is not None), None)  # type: ignore[attr-defined]


def parameters(store, answers: dict[str, QueryResult]) -> dict[str, dict[str, str]]:
    """Values for the queries with required parameters, from the other queries' answers."""
    params: dict[str, dict[str, str]] = {}
    if actor := _first(answers.get("who-fought-whom"), "agent"):
        params["actor-operations"] = {"actor": actor}
    if place := _first(answers.get("places-most-violence"), "area"):
        params["timeline-region"] = {"region": place}
        rows = store.query(f"SELECT ?lat ?long WHERE {{ <{place}> <{_GEO}lat> ?lat ; <{_GEO}long> ?long }} LIMIT 1").rows
        if rows:
            params["events-near-point"] = {"lat": rows[0][0].value, "long": rows[0][1].value, "radius_km": "50"}
    return params


def drill_downs(answers: dict[str, QueryResult]) -> dict[str, tuple[str, dict[str, str]]]:
    """The optional-parameter queries again, each with one value from the other answers."""
    runs: dict[str, tuple[str, dict[str, str]]] = {}
    if event := _first(answers.get("claims-about-event"), "event"):
        runs["claims-about-event, one event"] = ("claims-about-event", {"event": event})
    if actor := _first(answers.get("who-fought-whom"), "agent"):
        runs["operations-by-actor, one actor"] = ("operations-by-actor", {"actor": actor})
        runs["actor-partners, one actor"] = ("actor-partners", {"actor": actor})
    return runs


def main(path: str) -> None:
    store = open_store(path, read_only=True)
    seconds: dict[str, float] = {}
    answers: dict[str, QueryResult] = {}

    def run(name: str, params: dict[str, str], label: str | None = None) -> None:
        sparql = load_query(name, params)
        start = time.perf_counter()
        answer = store.query(sparql)
        seconds[label or name] = time.perf_counter() - start
        if label is None:
            answers[name] = answer

    queries = list_queries()
    needing = [q for q in queries if any(p.required for p in q.parameters)]
    for query in queries:
        if query not in needing:
            run(query.name, {})
    params = parameters(store, answers)
    for query in needing:
        if query.name in params:
            run(query.name, params[query.name])
    for label, (name, values) in drill_downs(answers).items():
        run(name, values, label)
    print(json.dumps(seconds))


if __name__ == "__main__":
    main(sys.argv[1])
