"""The linked-data server: dereferenceable IRIs and a read-only SPARQL 1.1 endpoint.

Built on Starlette (routing, requests, responses) and served by uvicorn; Accept headers are
parsed by Werkzeug (see negotiation.py). A request path maps to the IRI with the same path
under the store's base: ``/id/actor/x`` is ``{base}id/actor/x``. Resource IRIs are slash IRIs,
so asking for one answers 303 See Other with the document in the negotiated format
(``/id/actor/x.ttl``), as the W3C note "Cool URIs for the Semantic Web" describes.

The store is opened read-only and does not change while served, so pages are cached.
"""
from __future__ import annotations

import contextlib
import json
import shutil
import sys
import tempfile
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kg.config import Settings
from kg.ontology import ONTOLOGY_FILE
from kg.publish import rdfio
from kg.publish import results as R
from kg.publish.describe import exists
from kg.publish.dumps import DUMP_DIR, Dump, write_dumps
from kg.publish.links import ServerLinker, resource_path, term_href
from kg.publish.negotiation import (
    BY_EXTENSION,
    DOCUMENT_REPRESENTATIONS,
    HTML,
    JSON_LD,
    N_TRIPLES,
    TURTLE,
    Representation,
    best_media_type,
    choose_representation,
)
from kg.publish.pages import PageOptions, Pages
from kg.publish.querypool import QueryBusy, QueryJob, QueryPool, QueryTimeout
from kg.publish.rebase import Rebase, detect_base, normalise_base
from kg.publish.render import CONTENT_SECURITY_POLICY, render, stylesheet
from kg.publish.sparql import QueryRefused, check_query, refusal_for_syntax_error
from kg.publish.views import Link, query_context
from kg.publish.void import VOID_DOCUMENT
from kg.store import open_store

MAX_BODY = 1_000_000          # bytes of a POST body
SPARQL_PATH = "/sparql"
_INDEXES = ("actors", "events", "places", "sources", "articles")
_VOID_REPRESENTATIONS = (TURTLE, JSON_LD, N_TRIPLES)


@dataclass(frozen=True)
class ServerConfig:
    store_path: Path
    base: str | None = None                  # the store's base; read from the store when None
    timeout: float = 10.0                    # seconds a SPARQL query may run
    result_limit: int = 10_000               # solutions (or triples) per answer
    query_workers: int = 2
    page_cache: int = 4096                   # rendered documents kept in memory
    options: PageOptions = field(default_factory=PageOptions)


class SecurityHeaders:
    """Headers on every response: no MIME sniffing, and no script on any HTML page."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                content_type = next((v for k, v in headers if k == b"content-type"), b"")
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"no-referrer"))
                if content_type.startswith(b"text/html"):
                    headers.append((b"content-security-policy", CONTENT_SECURITY_POLICY.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class LinkedDataService:
    """Everything a request needs: the store, the pages, the query workers."""

    def __init__(self, config: ServerConfig):
        self.config = config
        self.store = open_store(config.store_path, read_only=True)
        detected = detect_base(self.store, Settings.from_env().base)
        base = normalise_base(config.base) if config.base else detected
        if base != detected:
            # Allowed (a store of foreign data has no graph names to read), but say it: with the
            # wrong base, every resource path answers 404.
            print(f"kg serve: serving IRIs under {base}, but the store's graphs are named under "
                  f"{detected}", file=sys.stderr)
        self.base = base
        options = config.options
        if options.sparql_endpoint is None:
            options = replace(options, sparql_endpoint=base + SPARQL_PATH.lstrip("/"))
        self.pages = Pages(self.store, Rebase(base, base), options)
        self.linker = ServerLinker(base)
        self.pool = QueryPool(config.store_path, workers=config.query_workers, timeout=config.timeout)
        self._dump_dir: Path | None = None
        self._dumps: list[Dump] = []
        self._dump_lock = threading.Lock()
        self.document = lru_cache(maxsize=config.page_cache)(self._document)
        self.page = lru_cache(maxsize=64)(self._page)

    def start(self) -> None:
        self.pool.start()

    def close(self) -> None:
        self.pool.close()
        self.store.close()
        if self._dump_dir is not None:
            shutil.rmtree(self._dump_dir, ignore_errors=True)

    # ------------------------------------------------------------------ documents
    def iri_for(self, path: str) -> str | None:
        """The resource IRI a request path names, None when it names none."""
        iri = self.base + path
        return iri if resource_path(self.base, iri) == path else None

    def _document(self, iri: str, extension: str) -> bytes | None:
        description = self.pages.describe(iri)
        if description.empty and not exists(self.store, iri):
            return None
        representation = BY_EXTENSION[extension]
        if representation is HTML:
            return self.pages.resource_html(description, self.linker, SPARQL_PATH).encode("utf-8")
        return self.pages.resource_rdf(description, representation)

    def _page(self, name: str) -> bytes:
        if name in _INDEXES:
            return self.pages.index_html(name, self.linker, SPARQL_PATH).encode("utf-8")
        if name == "ontology":
            downloads = [Link(r.name, f"/ontology.{r.extension}", r.media_type) for r in _VOID_REPRESENTATIONS]
            return self.pages.ontology_html(self.linker, SPARQL_PATH, downloads).encode("utf-8")
        if name == "index":
            void = [Link(r.name, f"/{VOID_DOCUMENT}.{r.extension}", r.media_type) for r in _VOID_REPRESENTATIONS]
            dumps = [Link(d.title, "/" + d.path, d.representation.media_type) for d in self.dumps()]
            return self.pages.home_html(self.linker, SPARQL_PATH, dumps=dumps, void=void,
                                        dataset_triples=self.pages.dataset_triples(self.dumps())).encode("utf-8")
        if name.startswith("void."):
            representation = BY_EXTENSION[name.split(".", 1)[1]]
            triples = self.pages.dataset_triples(self.dumps())
            quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
            return rdfio.serialize(quads, representation, self.pages.prefixes)
        if name.startswith("ontology."):
            representation = BY_EXTENSION[name.split(".", 1)[1]]
            if representation is TURTLE:
                return ONTOLOGY_FILE.read_bytes()
            triples = ox.parse(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE)
            quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
            return rdfio.serialize(quads, representation, self.pages.prefixes)
        raise KeyError(name)

    def dumps(self) -> list[Dump]:
        """The dumps, written on first use to a private folder (the store does not change)."""
        with self._dump_lock:
            if self._dump_dir is None:
                folder = Path(tempfile.mkdtemp(prefix="kg-serve-dumps-"))
                self._dumps = write_dumps(self.store, folder, Rebase(self.base, self.base), self.pages.prefixes)
                self._dump_dir = folder
            return self._dumps

    def dump_file(self, name: str) -> tuple[Path, Dump] | None:
        for dump in self.dumps():
            if dump.path == f"{DUMP_DIR}/{name}":
                assert self._dump_dir is not None
                return self._dump_dir / dump.path, dump
        return None

    def examples(self) -> list[tuple[str, str]]:
        examples = [("Operations and who carried them out", _EXAMPLE)]
        try:
            from kg.queries import list_queries
            for named in list_queries():
                if not any(p.required for p in named.parameters):
                    examples.append((named.title, named.text))
        except (ImportError, OSError):
            pass       # the query library is a folder of the source tree, not always installed
        return examples


_EXAMPLE = """PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?event ?date ?agent ?g WHERE {
  GRAPH ?g { ?event ckg:agent ?a ; ckg:date ?date . ?a rdfs:label ?agent . }
} ORDER BY ?date LIMIT 50"""


# ---------------------------------------------------------------------- responses
def _wants_html(request: Request) -> bool:
    return best_media_type(request.headers.get("accept"), ["text/plain", "text/html"]) == "text/html" \
        and "text/html" in request.headers.get("accept", "")


def _error(request: Request, service: LinkedDataService, status: int, message: str,
           headers: dict[str, str] | None = None) -> Response:
    if _wants_html(request):
        body = service.pages.error_html(service.linker, SPARQL_PATH, status, message)
        return HTMLResponse(body, status_code=status, headers=headers)
    return PlainTextResponse(message + "\n", status_code=status, headers=headers)


def _see_other(location: str) -> Response:
    return RedirectResponse(location, status_code=303, headers={"Vary": "Accept"})


def _representation_response(body: bytes, representation: Representation, *, vary: bool = False,
                             alternates: str | None = None) -> Response:
    media_type = representation.media_type
    headers = {"Vary": "Accept"} if vary else {}
    if alternates:
        headers["Link"] = alternates
    charset = "; charset=utf-8" if media_type.startswith("text/") or media_type.endswith("json") else ""
    return Response(body, headers=headers, media_type=media_type + charset)


def _alternates(path: str) -> str:
    return ", ".join(f'</{path}.{r.extension}>; rel="alternate"; type="{r.media_type}"'
                     for r in DOCUMENT_REPRESENTATIONS)


def _service(request: Request) -> LinkedDataService:
    return request.app.state.service


# ---------------------------------------------------------------------- endpoints
def home(request: Request) -> Response:
    service = _service(request)
    chosen = choose_representation(request.headers.get("accept"))
    if chosen is not None and chosen is not HTML:
        return _see_other(f"/{VOID_DOCUMENT}")       # machines asking for / get the dataset
    return HTMLResponse(service.page("index"), headers={"Vary": "Accept"})


def style(request: Request) -> Response:
    return Response(stylesheet(), media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})


def index_page(request: Request) -> Response:
    name = request.url.path.strip("/").removesuffix(".html")
    return HTMLResponse(_service(request).page(name))


def negotiated_document(request: Request) -> Response:
    """``/ontology`` and ``/void``: hash-IRI documents, so the negotiated form comes directly."""
    service = _service(request)
    stem, _, extension = request.url.path.strip("/").partition(".")
    if extension:
        representation = BY_EXTENSION.get(extension)
        if representation is None or (stem == VOID_DOCUMENT and representation not in _VOID_REPRESENTATIONS):
            return _error(request, service, 404, f"no {request.url.path} here")
    else:
        offers = (HTML,) + _VOID_REPRESENTATIONS
        representation = choose_representation(request.headers.get("accept"), offers)
        if representation is None:
            return _error(request, service, 406, "available as " + ", ".join(r.media_type for r in offers))
    if representation is HTML:
        if stem == VOID_DOCUMENT:
            return _see_other("/")
        return HTMLResponse(service.page("ontology"), headers={"Vary": "Accept"})
    body = service.page(f"{stem}.{representation.extension}")
    return _representation_response(body, representation, vary=not extension)


def well_known_void(request: Request) -> Response:
    return _see_other(f"/{VOID_DOCUMENT}")


def dump(request: Request) -> Response:
    service = _service(request)
    found = service.dump_file(request.path_params["name"])
    if found is None:
        return _error(request, service, 404, "no such dump")
    path, info = found
    return FileResponse(path, media_type="application/gzip", filename=path.name)


def resource(request: Request) -> Response:
    service = _service(request)
    path: str = request.path_params["path"]
    stem, dot, extension = path.rpartition(".")
    if dot and "/" not in extension:
        representation = BY_EXTENSION.get(extension)
        iri = service.iri_for(stem)
        if representation is None or iri is None:
            return _error(request, service, 404, f"nothing is published at /{path}")
        body = service.document(iri, extension)
        if body is None:
            return _error(request, service, 404, f"{iri} is not described here")
        return _representation_response(body, representation, alternates=_alternates(stem))
    iri = service.iri_for(path)
    if iri is None or not exists(service.store, iri):
        return _error(request, service, 404, f"{service.base}{path} is not described here")
    representation = choose_representation(request.headers.get("accept"))
    if representation is None:
        return _error(request, service, 406, "available as "
                      + ", ".join(r.media_type for r in DOCUMENT_REPRESENTATIONS))
    return _see_other(f"/{path}.{representation.extension}")


async def sparql(request: Request) -> Response:
    service = _service(request)
    config = service.config
    params = dict(request.query_params)
    if request.method == "POST":
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > MAX_BODY:
            return _error(request, service, 413, f"the request body is larger than {MAX_BODY} bytes")
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "application/x-www-form-urlencoded":
            form = await request.form(max_files=0, max_fields=100, max_part_size=MAX_BODY)
            params.update({k: v for k, v in form.items() if isinstance(v, str)})
        elif content_type == "application/sparql-query":
            body = await request.body()
            if len(body) > MAX_BODY:
                return _error(request, service, 413, f"the request body is larger than {MAX_BODY} bytes")
            try:
                params["query"] = body.decode("utf-8")
            except UnicodeDecodeError:
                return _error(request, service, 400, "the query is not UTF-8 text")
        elif content_type == "application/sparql-update":
            return _error(request, service, 403, "updates are not accepted: this endpoint is read-only")
        else:
            return _error(request, service, 415, "POST a query as application/x-www-form-urlencoded "
                          "(query=...) or as application/sparql-query")
    if "update" in params:
        return _error(request, service, 403, "updates are not accepted: this endpoint is read-only")
    if "default-graph-uri" in params or "named-graph-uri" in params:
        return _error(request, service, 400, "default-graph-uri and named-graph-uri are not supported: "
                      "the default graph is the union of all graphs; use GRAPH in the query")
    query = params.get("query")
    if query is None:
        if request.method == "GET" and _wants_html(request):
            return _query_page(service, "", None, None)
        return _error(request, service, 400, "no query given: pass it as the 'query' parameter")

    solution_format, graph_format = _result_formats(request, params.get("format"))
    if params.get("format") and solution_format is None and graph_format is None:
        return _error(request, service, 400, f"unknown format {params['format']!r}")
    try:
        check_query(query)
    except QueryRefused as refused:
        return _error(request, service, refused.status, refused.message)
    job = QueryJob(query, solution_format.name if solution_format else None,
                   graph_format.name if graph_format else None, config.result_limit, service.pages.prefixes)
    try:
        outcome = await run_in_threadpool(service.pool.run, job)
    except QueryTimeout as exc:
        return _error(request, service, 503, str(exc))
    except QueryBusy as exc:
        return _error(request, service, 503, str(exc), headers={"Retry-After": "2"})
    if outcome.status == "syntax":
        refused = refusal_for_syntax_error(query, outcome.message)
        return _error(request, service, refused.status, refused.message)
    if outcome.status == "not-acceptable":
        return _error(request, service, 406, outcome.message)
    if outcome.status != "ok":
        return _error(request, service, 400, outcome.message)
    wants_html = (solution_format is R.HTML and outcome.kind != "graph") or \
                 (graph_format is R.HTML and outcome.kind == "graph")
    if wants_html:
        return _query_page(service, query, outcome, None)
    headers = {"Vary": "Accept", "X-Result-Limit": str(config.result_limit)}
    if outcome.truncated:
        headers["X-Result-Truncated"] = "true"
    charset = "; charset=utf-8" if not outcome.media_type.endswith("xml") else ""
    return Response(outcome.body, media_type=outcome.media_type + charset, headers=headers)


def _result_formats(request: Request, name: str | None):
    """The format for a SELECT/ASK answer and for a CONSTRUCT/DESCRIBE answer (either None
    when the client accepts none); a ``format`` parameter overrides the Accept header."""
    if name:
        return R.FORMAT_NAMES.get(name.lower(), (None, None))
    accept = request.headers.get("accept")

    def choose(formats, aliases):
        offers = {f.media_type: f for f in formats}
        offers.update(aliases)
        chosen = best_media_type(accept, list(offers))
        return offers.get(chosen) if chosen else None

    return choose(R.SOLUTION_FORMATS, R.SOLUTION_ALIASES), choose(R.GRAPH_FORMATS, R.GRAPH_ALIASES)


def _query_page(service: LinkedDataService, query: str, outcome, error: str | None) -> Response:
    result = None
    if outcome is not None:
        result = {"kind": outcome.kind, "truncated": outcome.truncated}
        if outcome.kind == "graph":
            result["text"] = outcome.body.decode("utf-8")
        else:
            document = json.loads(outcome.body)
            if outcome.kind == "ask":
                result["boolean"] = document["boolean"]
            else:
                variables = document["head"]["vars"]
                result["variables"] = variables
                result["rows"] = [[_cell(service, b.get(v)) for v in variables]
                                  for b in document["results"]["bindings"]]
    config = service.config
    context = query_context(service.pages.site(service.linker, SPARQL_PATH), query=query or _EXAMPLE,
                            examples=service.examples(), endpoint=SPARQL_PATH, result=result, error=error,
                            limit=config.result_limit, timeout=config.timeout)
    return HTMLResponse(render("query.html", **context))


def _cell(service: LinkedDataService, binding: dict | None) -> Link | None:
    if binding is None:
        return None
    if binding["type"] == "uri":
        iri = binding["value"]
        label = service.pages.catalog.labels.get(iri)
        return Link(label or iri, term_href(service.linker, iri), iri)
    if binding["type"] == "literal":
        return Link(binding["value"], None, binding.get("datatype") or binding.get("xml:lang"))
    if binding["type"] == "bnode":
        return Link("_:" + binding["value"])
    return Link(json.dumps(binding["value"]))


# ---------------------------------------------------------------------- the application
def create_app(config: ServerConfig) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        service = LinkedDataService(config)
        try:
            await run_in_threadpool(service.start)
            app.state.service = service
            yield
        finally:
            await run_in_threadpool(service.close)

    routes = [
        Route("/", home),
        Route("/style.css", style),
        *[Route(f"/{name}", index_page) for name in _INDEXES],
        *[Route(f"/{name}.html", index_page) for name in _INDEXES],
        Route("/ontology", negotiated_document),
        Route("/ontology.{extension}", negotiated_document),
        Route(f"/{VOID_DOCUMENT}", negotiated_document),
        Route(f"/{VOID_DOCUMENT}.{{extension}}", negotiated_document),
        Route("/.well-known/void", well_known_void),
        Route(f"/{DUMP_DIR}/{{name}}", dump),
        Route(SPARQL_PATH, sparql, methods=["GET", "POST"]),
        Route("/{path:path}", resource),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "HEAD", "POST"],
                   allow_headers=["Accept", "Content-Type"],
                   expose_headers=["Link", "Location", "X-Result-Limit", "X-Result-Truncated"]),
    ]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)


def serve(config: ServerConfig, *, host: str = "127.0.0.1", port: int = 8000, access_log: bool = True) -> None:
    import uvicorn
    uvicorn.run(create_app(config), host=host, port=port, access_log=access_log,
                log_level="info", proxy_headers=False, server_header=False)

