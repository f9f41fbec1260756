"""Every query of the library once on a built store (`python -m bench.querytime STORE`): prints
{query: seconds} as JSON. Run by bench.scaling in a process of its own after each build, so the
queries' latency is measured at each corpus size.

The queries without required parameters run first; the others get values from their answers
(each query runs once): the first agent of who-fought-whom, and the place with the most
events (places-most-violence) as the region and, by its coordinates, the point."""
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


def main(path: str) -> None:
    store = open_store(path, read_only=True)
    seconds: dict[str, float] = {}
    answers: dict[str, QueryResult] = {}

    def run(name: str, params: dict[str, str]) -> None:
        sparql = load_query(name, params)
        start = time.perf_counter()
        answers[name] = store.query(sparql)
        seconds[name] = time.perf_counter() - start

    queries = list_queries()
    needing = [q for q in queries if any(p.required for p in q.parameters)]
    for query in queries:
        if query not in needing:
            run(query.name, {})
    params = parameters(store, answers)
    for query in needing:
        if query.name in params:
            run(query.name, params[query.name])
    print(json.dumps(seconds))


if __name__ == "__main__":
    main(sys.argv[1])
