"""`kg serve` over real HTTP: content negotiation, 303s, and the SPARQL 1.1 Protocol endpoint,
with every answer read by a parser other than the one that wrote it (rapper, rdflib's SPARQL
result parsers, pyoxigraph for JSON-LD), and pages loaded in headless Chromium."""
from __future__ import annotations

import io
import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib.query import Result

from kg.rdf.terms import CKG
from publish_support import (
    BASE, build_store, chromium, needs_chromium, needs_rapper, png_size, rapper_count)

TIMEOUT = 1.5
LIMIT = 40
GUARD = "/id/actor/northern-guard"
ACTORS = f"""PREFIX ckg: <{CKG}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?actor ?label WHERE {{ ?actor a ckg:StateForce ; rdfs:label ?label }}"""
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = build_store(tmp_path_factory.mktemp("serve") / "store")
    port = _free_port()
    log = (tmp_path_factory.mktemp("serve-log") / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--store", str(store), "--port", str(port),
         "--timeout", str(TIMEOUT), "--result-limit", str(LIMIT), "--query-workers", "2", "--quiet"],
        stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(url + "/", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log.close()
            pytest.fail("kg serve did not start: " + Path(log.name).read_text(errors="replace")[-3000:])
        time.sleep(0.2)
    with httpx.Client(base_url=url, timeout=30) as client:
        yield client
    process.terminate()
    process.wait(20)
    log.close()


def sparql(client: httpx.Client, query: str, accept: str | None = None, *, method: str = "GET",
           **params) -> httpx.Response:
    headers = {"Accept": accept} if accept else {}
    if method == "GET":
        return client.get("/sparql", params={"query": query, **params}, headers=headers)
    return client.post("/sparql", data={"query": query, **params}, headers=headers)


# ---------------------------------------------------------------------------- dereferencing
@pytest.mark.parametrize("accept,extension,media_type", [
    ("text/html", "html", "text/html"),
    ("text/turtle", "ttl", "text/turtle"),
    ("application/ld+json", "jsonld", "application/ld+json"),
    ("application/n-triples", "nt", "application/n-triples"),
    ("application/n-quads", "nq", "application/n-quads"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html", "text/html"),
    ("text/turtle;q=0.5, application/ld+json;q=0.9", "jsonld", "application/ld+json"),
    ("*/*", "html", "text/html"),
])
def test_iri_redirects_to_the_negotiated_document(server, accept, extension, media_type):
    response = server.get(GUARD, headers={"Accept": accept})
    assert response.status_code == 303
    assert response.headers["location"] == f"{GUARD}.{extension}"
    assert "Accept" in response.headers["vary"]
    document = server.get(response.headers["location"])
    assert document.status_code == 200
    assert document.headers["content-type"].split(";")[0] == media_type
    assert 'rel="alternate"' in document.headers["link"]


@needs_rapper
@pytest.mark.parametrize("extension,syntax", [("ttl", "turtle"), ("nt", "ntriples"), ("nq", "nquads")])
def test_served_documents_parse_with_raptor(server, extension, syntax):
    for path in (GUARD, "/id/event/g1", "/graph/article/a1", "/id/place/qaradia"):
        body = server.get(f"{path}.{extension}").content
        assert rapper_count(data=body, syntax=syntax, base=BASE) > 0


def test_served_jsonld_matches_ntriples(server):
    jsonld = {str(t) for t in ox.parse(server.get(GUARD + ".jsonld").content, format=ox.RdfFormat.JSON_LD)}
    nt = {str(t) for t in ox.parse(server.get(GUARD + ".nt").content, format=ox.RdfFormat.N_TRIPLES)}
    assert jsonld == nt and f"<{BASE}id/actor/northern-guard>" in " ".join(nt)


def test_unknown_and_unacceptable(server):
    assert server.get("/id/actor/nobody", headers={"Accept": "text/turtle"}).status_code == 404
    assert server.get("/id/actor/nobody.ttl").status_code == 404
    assert server.get(GUARD + ".exe").status_code == 404
    assert server.get("/id/../kg/cli.py").status_code == 404
    assert server.get(GUARD, headers={"Accept": "image/png"}).status_code == 406


def test_ontology_void_and_dumps(server):
    onto = server.get("/ontology", headers={"Accept": "text/turtle"})
    assert onto.status_code == 200 and onto.headers["content-type"].startswith("text/turtle")
    assert f'id="GroundOperation"' in server.get("/ontology", headers={"Accept": "text/html"}).text
    assert server.get("/.well-known/void").headers["location"] == "/void"
    void = server.get("/void", headers={"Accept": "text/turtle"})
    graph = ox.Store()
    graph.load(void.content, format=ox.RdfFormat.TURTLE)
    assert graph.query(f"""ASK {{ <{BASE}void#dataset> <http://rdfs.org/ns/void#sparqlEndpoint> <{BASE}sparql> ;
                                  <http://rdfs.org/ns/void#dataDump> ?dump }}""")
    dump = server.get("/dumps/conflict-kg.nq.gz")
    assert dump.status_code == 200 and dump.content[:2] == b"\x1f\x8b"
    assert server.get("/", headers={"Accept": "text/turtle"}).headers["location"] == "/void"


def test_html_pages_forbid_scripts_and_escape_data(server):
    for path in ("/", "/actors", "/events", "/places", "/sources", "/articles", "/id/actor/evil.html"):
        response = server.get(path)
        assert response.status_code == 200, path
        assert "script-src" not in response.headers["content-security-policy"]       # default-src 'none'
        assert "default-src 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
    evil = server.get("/id/actor/evil.html").text
    assert "&lt;script&gt;" in evil and "<img" not in evil


# ---------------------------------------------------------------------------- SPARQL
def _parsed(response: httpx.Response, fmt: str):
    return Result.parse(io.BytesIO(response.content), format=fmt)


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("accept,fmt", [
    ("application/sparql-results+json", "json"), ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"), ("text/tab-separated-values", "tsv")])
def test_select_in_every_result_format(server, method, accept, fmt):
    response = sparql(server, ACTORS, accept, method=method)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == accept
    rows = {(str(r["actor"]), str(r["label"])) for r in _parsed(response, fmt)}
    assert rows == {(BASE + "id/actor/qaradian-army", "Qaradian Army")}


def test_query_as_post_body_and_format_parameter(server):
    response = server.post("/sparql", content=ACTORS.encode(), headers={
        "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    assert response.status_code == 200 and len(response.json()["results"]["bindings"]) == 1
    assert sparql(server, ACTORS, format="csv").headers["content-type"].startswith("text/csv")
    assert sparql(server, ACTORS).headers["content-type"].startswith("application/sparql-results+json")


def test_ask(server):
    for accept, fmt in (("application/sparql-results+json", "json"), ("application/sparql-results+xml", "xml")):
        response = sparql(server, f"ASK {{ ?e a <{CKG}GroundOperation> }}", accept)
        assert _parsed(response, fmt).askAnswer is True


@needs_rapper
@pytest.mark.parametrize("accept,syntax", [
    ("text/turtle", "turtle"), ("application/n-triples", "ntriples"), ("application/rdf+xml", "rdfxml")])
def test_construct_and_describe_answer_rdf(server, accept, syntax):
    query = f"CONSTRUCT {{ ?a ?p ?o }} WHERE {{ ?a a <{CKG}StateForce> ; ?p ?o }}"
    response = sparql(server, query, accept, method="POST")
    assert response.status_code == 200 and response.headers["content-type"].startswith(accept)
    assert rapper_count(data=response.content, syntax=syntax, base=BASE) > 3
    describe = sparql(server, f"DESCRIBE <{BASE}id/actor/qaradian-army>", accept)
    assert rapper_count(data=describe.content, syntax=syntax, base=BASE) > 3


def test_construct_as_jsonld(server):
    response = sparql(server, f"CONSTRUCT WHERE {{ ?a a <{CKG}StateForce> }}", "application/ld+json")
    triples = list(ox.parse(response.content, format=ox.RdfFormat.JSON_LD))
    assert len(triples) == 1


def test_updates_are_refused_and_change_nothing(server):
    insert = f"INSERT DATA {{ <{BASE}id/actor/x> <{CKG}p> 1 }}"
    assert server.post("/sparql", data={"update": insert}).status_code == 403
    assert server.post("/sparql", content=insert.encode(),
                       headers={"Content-Type": "application/sparql-update"}).status_code == 403
    refused = sparql(server, insert)
    assert refused.status_code == 403 and "read-only" in refused.text
    assert sparql(server, f"DROP ALL", method="POST").status_code == 403
    check = sparql(server, f"ASK {{ <{BASE}id/actor/x> ?p ?o }}", "application/sparql-results+json")
    assert check.json()["boolean"] is False


def test_service_is_refused(server):
    response = sparql(server, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert response.status_code == 403 and "SERVICE" in response.text
    escaped = sparql(server, "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert escaped.status_code == 403
    # the word in a string is not a clause
    fine = sparql(server, 'SELECT * WHERE { ?s ?p "security service" }', "application/sparql-results+json")
    assert fine.status_code == 200


def test_malformed_query_and_unsupported_parameters(server):
    assert sparql(server, "SELEC ?x WHERE {").status_code == 400
    assert server.get("/sparql", headers={"Accept": "application/sparql-results+json"}).status_code == 400
    assert sparql(server, ACTORS, **{"default-graph-uri": BASE + "graph/registry"}).status_code == 400
    assert server.post("/sparql", content=b"x", headers={"Content-Type": "text/plain"}).status_code == 415


def test_result_limit(server):
    response = sparql(server, "SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json")
    assert len(response.json()["results"]["bindings"]) == LIMIT
    assert response.headers["x-result-truncated"] == "true" and response.headers["x-result-limit"] == str(LIMIT)
    graph = sparql(server, "CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples")
    assert len(graph.text.strip().splitlines()) == LIMIT
    small = sparql(server, ACTORS, "application/sparql-results+json")
    assert "x-result-truncated" not in small.headers


def test_timeout_stops_the_query_and_the_endpoint_recovers(server):
    started = time.monotonic()
    response = sparql(server, SLOW, "application/sparql-results+json")
    elapsed = time.monotonic() - started
    assert response.status_code == 503 and "stopped" in response.text
    assert TIMEOUT <= elapsed < TIMEOUT + 5
    # both workers answer again (the killed one is replaced)
    for _ in range(4):
        assert sparql(server, ACTORS, "application/sparql-results+json").status_code == 200


def test_query_page_and_html_results(server):
    page = server.get("/sparql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "<textarea" in page.text and "<form" in page.text
    browser = "text/html,application/xhtml+xml,*/*;q=0.8"
    table = sparql(server, ACTORS, browser)
    assert table.headers["content-type"].startswith("text/html")
    assert "Qaradian Army" in table.text and "<table" in table.text
    evil = sparql(server, f'SELECT ?l WHERE {{ <{BASE}id/actor/evil> ?p ?l }}', browser)
    assert "<script>document" not in evil.text and "&lt;script&gt;" in evil.text


def test_serve_binds_to_loopback_by_default():
    import argparse

    from kg.publish.cli import register
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    assert parser.parse_args(["serve", "--store", "s"]).host == "127.0.0.1"


# ---------------------------------------------------------------------------- in a browser
@needs_chromium
def test_chromium_loads_served_pages(server, tmp_path):
    url = str(server.base_url).rstrip("/")
    shot = tmp_path / "actor.png"
    # the IRI path: Chromium follows the 303 to the HTML page
    run = chromium(url + GUARD, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,1000")
    assert shot.is_file(), run.stderr.decode("utf-8", "replace")[-2000:]
    assert png_size(shot.read_bytes()) == (1280, 1000) and shot.stat().st_size > 20_000
    dom = chromium(url + "/id/actor/evil", tmp_path / "profile", "--dump-dom").stdout.decode("utf-8")
    assert "<h1>" in dom and re.search(r"<body[^>]*data-pwned", dom) is None
    query = chromium(url + "/sparql", tmp_path / "profile", "--dump-dom").stdout.decode("utf-8")
    assert "<textarea" in query
