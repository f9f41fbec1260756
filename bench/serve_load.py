"""Load run against `kg serve`: concurrent clients mixing pages, content negotiation and SPARQL.

    python -m bench.serve_load --store DIR                      # start a server on DIR
    python -m bench.serve_load --store DIR --load tests/fixtures/small_graph.trig
    python -m bench.serve_load --url http://127.0.0.1:8000      # a server already running

Every request is one HTTP exchange (a 303 is not followed: the document is its own request
in the mix). An error is a transport failure or a status other than the one expected.
Reports requests per second, latency percentiles, and errors, overall and per kind.
"""
from __future__ import annotations

import argparse
import json
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import httpx

CKG = "https://w3id.org/conflict-kg/ontology#"
ACCEPTS = ["text/html", "text/turtle", "application/ld+json", "application/n-triples",
           "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"]
QUERIES = [
    ("sparql-select-json", "application/sparql-results+json",
     f"PREFIX ckg: <{CKG}> SELECT ?type (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e a ?type ; ckg:date ?d }} "
     "GROUP BY ?type ORDER BY DESC(?n)"),
    ("sparql-select-csv", "text/csv",
     f"PREFIX ckg: <{CKG}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
     "SELECT ?e ?date ?agent ?g WHERE { GRAPH ?g { ?e ckg:agent ?a ; ckg:date ?date } ?a rdfs:label ?agent } "
     "ORDER BY ?date LIMIT 100"),
    ("sparql-ask-xml", "application/sparql-results+xml", f"ASK {{ ?e a <{CKG}Airstrike> }}"),
    ("sparql-construct-ttl", "text/turtle",
     f"CONSTRUCT {{ ?p <{CKG}locatedIn> ?q }} WHERE {{ ?p <{CKG}locatedIn> ?q }}"),
]


@dataclass
class Request:
    kind: str
    method: str
    path: str
    accept: str
    expect: int
    data: dict | None = None


@dataclass
class Outcome:
    kind: str
    seconds: float
    ok: bool
    detail: str = ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_store(store: Path, source: Path) -> None:
    """A store from an RDF file, with the ontology graph a build adds."""
    import pyoxigraph as ox

    from kg.ontology import load_ontology_quads
    from kg.store import open_store
    formats = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS, ".ttl": ox.RdfFormat.TURTLE}
    with open_store(store) as s:
        s.add(ox.parse(path=str(source), format=formats[source.suffix]))
        s.add(load_ontology_quads("https://w3id.org/conflict-kg/"))


def start_server(store: Path, workers: int) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--store", str(store), "--port",
                                str(port), "--query-workers", str(workers), "--quiet"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("kg serve exited: " + process.stderr.read().decode(errors="replace"))
        try:
            if httpx.get(url + "/", timeout=2).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("kg serve did not start within 60 s")


def resource_paths(client: httpx.Client) -> list[str]:
    """Paths of resources to ask for, found through the server itself (VoID, then SPARQL)."""
    import pyoxigraph as ox
    void = ox.Store()
    void.load(client.get("/void", headers={"Accept": "text/turtle"}, follow_redirects=True).content,
              format=ox.RdfFormat.TURTLE)
    space = next(iter(void.query("SELECT ?u WHERE { ?d <http://rdfs.org/ns/void#uriSpace> ?u }")))["u"].value
    base = space[: -len("id/")]
    query = (f'SELECT DISTINCT ?s WHERE {{ ?s a ?t FILTER(STRSTARTS(STR(?s), "{space}")) }} '
             "ORDER BY ?s LIMIT 500")
    csv = client.get("/sparql", params={"query": query}, headers={"Accept": "text/csv"}).text
    return ["/" + line.strip()[len(base):] for line in csv.splitlines()[1:] if line.strip()]


def request_mix(paths: list[str], total: int, seed: int) -> list[Request]:
    rng = random.Random(seed)
    indexes = ["/", "/actors", "/events", "/places", "/sources", "/articles"]
    mix: list[Request] = []
    for i in range(total):
        slot = i % 20
        path = rng.choice(paths)
        if slot < 5:
            mix.append(Request("iri-303", "GET", path, rng.choice(ACCEPTS), 303))
        elif slot < 10:
            ext = rng.choice(["html", "ttl", "jsonld", "nt"])
            mix.append(Request(f"document-{ext}", "GET", f"{path}.{ext}", "*/*", 200))
        elif slot < 12:
            mix.append(Request("index-page", "GET", rng.choice(indexes), "text/html", 200))
        else:
            kind, accept, query = QUERIES[slot % len(QUERIES)]
            method = "POST" if slot % 2 else "GET"
            mix.append(Request(kind, method, "/sparql", accept, 200, {"query": query}))
    rng.shuffle(mix)
    return mix


def run(url: str, mix: list[Request], clients: int) -> tuple[list[Outcome], float]:
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    position = iter(range(len(mix)))

    def client_loop() -> None:
        with httpx.Client(base_url=url, timeout=60, follow_redirects=False) as client:
            while True:
                with lock:
                    index = next(position, None)
                if index is None:
                    return
                req = mix[index]
                started = time.perf_counter()
                try:
                    if req.method == "GET":
                        response = client.get(req.path, params=req.data, headers={"Accept": req.accept})
                    else:
                        response = client.post(req.path, data=req.data, headers={"Accept": req.accept})
                    ok = response.status_code == req.expect
                    detail = "" if ok else f"{response.status_code} {req.path}"
                except httpx.HTTPError as exc:
                    ok, detail = False, f"{type(exc).__name__} {req.path}"
                outcome = Outcome(req.kind, time.perf_counter() - started, ok, detail)
                with lock:
                    outcomes.append(outcome)

    threads = [threading.Thread(target=client_loop) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes, time.perf_counter() - started


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def summarise(outcomes: list[Outcome], elapsed: float, clients: int) -> dict:
    ms = [o.seconds * 1000 for o in outcomes]
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_kind[o.kind].append(o)
    return {
        "requests": len(outcomes), "clients": clients, "seconds": round(elapsed, 3),
        "requests_per_second": round(len(outcomes) / elapsed, 1),
        "p50_ms": round(percentile(ms, 50), 2), "p95_ms": round(percentile(ms, 95), 2),
        "p99_ms": round(percentile(ms, 99), 2), "max_ms": round(max(ms), 2),
        "mean_ms": round(statistics.fmean(ms), 2),
        "errors": sum(not o.ok for o in outcomes),
        "error_samples": [o.detail for o in outcomes if not o.ok][:10],
        "by_kind": {kind: {"requests": len(items),
                           "p50_ms": round(percentile([o.seconds * 1000 for o in items], 50), 2),
                           "p95_ms": round(percentile([o.seconds * 1000 for o in items], 95), 2),
                           "errors": sum(not o.ok for o in items)}
                    for kind, items in sorted(by_kind.items())},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.serve_load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="store folder to serve")
    parser.add_argument("--load", type=Path, help="first build --store from this RDF file (TriG, N-Quads, Turtle)")
    parser.add_argument("--url", help="load a server that is already running instead")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--query-workers", type=int, default=2, help="for the server this run starts")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if not args.url and not args.store:
        parser.error("give --store DIR (a server is started) or --url")

    process = None
    if args.url:
        url = args.url.rstrip("/")
    else:
        if args.load:
            if args.store.exists():
                parser.error(f"--load builds a new store, and {args.store} exists")
            load_store(args.store, args.load)
        process, url = start_server(args.store, args.query_workers)
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            paths = resource_paths(client)
        if not paths:
            raise SystemExit("the store has no resources to ask for")
        mix = request_mix(paths, args.requests, args.seed)
        outcomes, elapsed = run(url, mix, args.clients)
    finally:
        if process is not None:
            process.terminate()
            process.wait(20)
    figures = summarise(outcomes, elapsed, args.clients)
    figures["resources"] = len(paths)
    print(f"{figures['requests']} requests, {figures['clients']} clients, {figures['seconds']} s: "
          f"{figures['requests_per_second']} requests/s; latency p50 {figures['p50_ms']} ms, "
          f"p95 {figures['p95_ms']} ms, p99 {figures['p99_ms']} ms, max {figures['max_ms']} ms; "
          f"errors {figures['errors']}")
    for kind, k in figures["by_kind"].items():
        print(f"  {kind:22s} {k['requests']:5d}  p50 {k['p50_ms']:7.2f} ms  p95 {k['p95_ms']:7.2f} ms  errors {k['errors']}")
    for sample in figures["error_samples"]:
        print(f"  error: {sample}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return 1 if figures["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
