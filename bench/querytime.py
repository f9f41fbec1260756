"""Every query of the library once on a built store (`python -m bench.querytime STORE`): prints
{query: seconds} as JSON. Run by bench.scaling in a process of its own after each build, so the
queries' latency is measured at each corpus size.

Queries with required parameters get values the store itself gives: the actor with the most
events as an agent, the region with the most events, and that region's coordinates."""
from __future__ import annotations

import json
import sys
import time

from kg.queries import list_queries, load_query
from kg.store import open_store

_GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"


def _first(store, name: str, params: dict[str, str], column: str) -> str | None:
    result = store.query(load_query(name, params))
    rows = [dict(zip(result.variables, row)) for row in result.rows]
    values = [r[column].value for r in rows if r.get(column) is not None]
    return values[0] if values else None


def parameters(store) -> dict[str, dict[str, str]]:
    actor = _first(store, "who-fought-whom", {}, "agent")
    region = _first(store, "places-most-violence", {"rollup": "region"}, "area")
    params: dict[str, dict[str, str]] = {}
    if actor:
        params["actor-operations"] = {"actor": actor}
    if region:
        params["timeline-region"] = {"region": region}
        rows = store.query(f"SELECT ?lat ?long WHERE {{ <{region}> <{_GEO}lat> ?lat ; <{_GEO}long> ?long }} LIMIT 1").rows
        if rows:
            params["events-near-point"] = {"lat": rows[0][0].value, "long": rows[0][1].value, "radius_km": "50"}
    return params


def main(path: str) -> None:
    store = open_store(path, read_only=True)
    params = parameters(store)
    seconds: dict[str, float] = {}
    for query in list_queries():
        if any(p.required for p in query.parameters) and query.name not in params:
            continue
        sparql = load_query(query.name, params.get(query.name, {}))
        start = time.perf_counter()
        store.query(sparql)
        seconds[query.name] = time.perf_counter() - start
    print(json.dumps(seconds))


if __name__ == "__main__":
    main(sys.argv[1])
