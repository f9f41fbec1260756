"""A SPARQL 1.1 server as the store: Virtuoso, Fuseki, GraphDB, Neptune, or any other.

Reads use the SPARQL 1.1 Protocol; writes are SPARQL 1.1 Update requests or, where the server
takes them, N-Quads posted in large batches; export reads graphs back with the Graph Store
HTTP Protocol. Every conversion between HTTP payloads and pyoxigraph terms is in this module.

Two things differ from the embedded store, and both are settled here:

- **The default graph.** Virtuoso and Neptune keep every triple in a named graph. The default
  graph of our data (article descriptions, runs) is therefore stored in a named graph of its
  own, ``urn:x-conflict-kg:default`` unless configured, and read back as the default graph on
  export. Queries run against the server's default dataset, which must be the union of all
  graphs (it is in Virtuoso, GraphDB and Neptune; Fuseki needs ``tdb2:unionDefaultGraph``).
- **Batches.** New articles are loaded together, never one request per triple or per
  article; a request never splits an article, so each article arrives whole or not at all.

``open_store("virtuoso+http://dba:dba@127.0.0.1:8890")`` and the other URL forms are parsed by
:func:`endpoints_from_url` (see docs/scale.md).
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from kg.config import cache_root
from kg.rdf import terms as T
from kg.store.base import EXPORT_FORMATS, ArticleQuads, QueryError, QueryResult, StoreError, query_form

DEFAULT_GRAPH = "urn:x-conflict-kg:default"
DIALECTS = ("generic", "virtuoso", "fuseki", "graphdb", "neptune")
# A server's cache folder (its fusion index) that no store has held for this long is deleted
# when a store takes a cache folder: servers come and go (a test's server on a random port, a
# renamed endpoint), and a server that comes back has its index read from it again.
CACHE_UNUSED_DAYS = 30

_CONTENT_HASH = T.ckg("contentHash")
_SELECT_JSON = "application/sparql-results+json"
_GRAPH_TYPES = "application/n-triples, text/plain;q=0.9, text/turtle;q=0.8"
_RDF_TYPES = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/plain": ox.RdfFormat.N_TRIPLES,
              "text/turtle": ox.RdfFormat.TURTLE, "application/n-quads": ox.RdfFormat.N_QUADS,
              "application/rdf+xml": ox.RdfFormat.RDF_XML}


@dataclass(frozen=True)
class Endpoints:
    """Where a server answers, and how it behaves."""

    query: str                          # SPARQL 1.1 Protocol query endpoint
    update: str | None = None           # SPARQL 1.1 Update endpoint; None: read only
    gsp: str | None = None              # Graph Store HTTP Protocol endpoint (export)
    quads: str | None = None            # takes POSTed N-Quads (Fuseki's dataset, RDF4J's statements)
    dialect: str = "generic"
    default_graph: str = DEFAULT_GRAPH  # where the default graph of our data is kept
    union_graph: str | None = None      # sent as default-graph-uri with union queries
    user: str | None = None
    password: str | None = None
    auth: str = "basic"                 # or "digest" (Virtuoso's /sparql-auth)
    batch_quads: int = 20_000           # quads per load request
    timeout: float = 300.0


def endpoints_from_url(url: str) -> Endpoints:
    """``[dialect+]http(s)://[user:password@]host[:port][/path][?option=value&...]``.

    The dialect names where a server keeps its endpoints, from the server's root URL:

    ====================== ================================================================
    ``virtuoso+http://h``  /sparql; updates at /sparql-auth (digest) when credentials are
                           given; Graph Store at /sparql-graph-crud(-auth)
    ``fuseki+http://h/ds`` /ds/query, /ds/update, /ds/data; N-Quads POSTed to /ds
    ``graphdb+http://h/repositories/r``  the repository; /statements for updates and N-Quads;
                           /rdf-graphs/service for the Graph Store
    ``neptune+https://h``  /sparql for queries and updates; /sparql/gsp/ for the Graph Store
    ``http(s)://h/path``   any SPARQL 1.1 server: queries and updates at the URL itself
    ====================== ================================================================

    Options override: ``update``, ``gsp``, ``quads`` (URLs), ``default_graph``,
    ``union_graph`` (IRIs), ``auth`` (basic or digest), ``batch`` (quads per request),
    ``timeout`` (seconds). Credentials come from the URL or from ``KG_STORE_USER`` and
    ``KG_STORE_PASSWORD``.
    """
    scheme, _, _ = url.partition("://")
    dialect, plus, transport = scheme.rpartition("+")
    if not plus:
        dialect, transport = "generic", scheme
    dialect = {"sparql": "generic"}.get(dialect.lower(), dialect.lower())
    if dialect not in DIALECTS or transport.lower() not in ("http", "https"):
        raise StoreError(f"unknown store URL {url!r}: use http(s)://... or "
                         f"{'|'.join(d for d in DIALECTS if d != 'generic')}+http(s)://...")
    parts = urlsplit(transport + url[len(scheme):])
    user = unquote(parts.username) if parts.username else os.environ.get("KG_STORE_USER")
    password = unquote(parts.password) if parts.password else os.environ.get("KG_STORE_PASSWORD")
    netloc = parts.hostname or ""
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if parts.port:
        netloc += f":{parts.port}"
    root = urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))
    options = dict(parse_qsl(parts.query))
    known = {"update", "gsp", "quads", "default_graph", "union_graph", "auth", "batch", "timeout"}
    if set(options) - known:
        raise StoreError(f"unknown store URL options {sorted(set(options) - known)}; known: {sorted(known)}")

    if dialect == "virtuoso":
        ep = Endpoints(query=root + "/sparql",
                       update=root + ("/sparql-auth" if user else "/sparql"),
                       gsp=root + ("/sparql-graph-crud-auth" if user else "/sparql-graph-crud"),
                       auth="digest")
    elif dialect == "fuseki":
        ep = Endpoints(query=root + "/query", update=root + "/update", gsp=root + "/data", quads=root)
    elif dialect == "graphdb":
        ep = Endpoints(query=root, update=root + "/statements", gsp=root + "/rdf-graphs/service",
                       quads=root + "/statements")
    elif dialect == "neptune":
        ep = Endpoints(query=root + "/sparql", update=root + "/sparql", gsp=root + "/sparql/gsp/")
    else:
        ep = Endpoints(query=root, update=root)
    try:
        return replace(
            ep, dialect=dialect, user=user, password=password,
            update=options.get("update", ep.update), gsp=options.get("gsp", ep.gsp),
            quads=options.get("quads", ep.quads),
            default_graph=options.get("default_graph", ep.default_graph),
            union_graph=options.get("union_graph", ep.union_graph),
            auth=options.get("auth", ep.auth), batch_quads=int(options.get("batch", ep.batch_quads)),
            timeout=float(options.get("timeout", ep.timeout)))
    except ValueError as exc:
        raise StoreError(f"bad store URL option: {exc}") from None


class SparqlStore:
    """The store interface over a SPARQL 1.1 server (see the module documentation).

    ``graph_prefix`` scopes what `count`, `export` and `clear` see: the graphs whose IRI
    starts with it (the build's base), plus the default-graph stand-in. Other data on the
    same server is left alone.
    """

    def __init__(self, endpoints: Endpoints, *, graph_prefix: str, read_only: bool = False,
                 transport: httpx.BaseTransport | None = None):
        self.ep = endpoints
        self.graph_prefix = graph_prefix
        self.read_only = read_only or endpoints.update is None
        auth: httpx.Auth | None = None
        if endpoints.user is not None:
            password = endpoints.password or ""
            auth = (httpx.DigestAuth(endpoints.user, password) if endpoints.auth == "digest"
                    else httpx.BasicAuth(endpoints.user, password))
        self._http = httpx.Client(auth=auth, timeout=endpoints.timeout, transport=transport,
                                  headers={"User-Agent": "conflict-kg"})
        self._default = ox.NamedNode(endpoints.default_graph)
        self._derived: Path | bool | None = None     # derived_folder: not looked for yet
        self._cache_lock: int | None = None

    @classmethod
    def from_url(cls, url: str, *, graph_prefix: str, read_only: bool = False,
                 transport: httpx.BaseTransport | None = None) -> "SparqlStore":
        return cls(endpoints_from_url(url), graph_prefix=graph_prefix, read_only=read_only, transport=transport)

    # ---------------------------------------------------------------- HTTP
    def _post(self, url: str, *, form: list[tuple[str, str]] | None = None, content: bytes | None = None,
              headers: dict[str, str] | None = None, what: str) -> httpx.Response:
        headers = dict(headers or {})
        if form is not None:
            content = urlencode(form).encode("ascii")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return self._request("POST", url, what, content=content, headers=headers)

    def _get(self, url: str, *, params: dict, headers: dict[str, str], what: str) -> httpx.Response:
        return self._request("GET", url, what, params=params, headers=headers)

    def _request(self, method: str, url: str, what: str, **kwargs) -> httpx.Response:
        try:
            resp = self._http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise StoreError(f"cannot reach the SPARQL server at {url}: {exc}") from exc
        self._check(resp, what)
        return resp

    @staticmethod
    def _check(resp: httpx.Response, what: str) -> None:
        if resp.status_code < 400:
            return
        detail = " ".join(resp.text.split())[:600]
        if resp.status_code in (401, 403):
            raise StoreError(f"{what}: the server refused ({resp.status_code}); check the store "
                             f"credentials (KG_STORE_USER / KG_STORE_PASSWORD): {detail}")
        if what == "query":
            raise QueryError(f"the server rejected the query ({resp.status_code}): {detail}")
        raise StoreError(f"{what} failed ({resp.status_code}): {detail}")

    def _update(self, operations: Sequence[str]) -> None:
        """One update request: the server applies it as one transaction."""
        if self.read_only:
            raise StoreError("the store was opened read-only (or has no update endpoint)")
        text = " ;\n".join(operations)
        if self.ep.dialect == "virtuoso":
            # Without this Virtuoso compiles constants into SQL and refuses requests of more
            # than a few hundred triples ("generated SQL text has exceeded 10000 lines").
            text = "DEFINE sql:big-data-const 1\n" + text
        assert self.ep.update is not None
        self._post(self.ep.update, form=[("update", text)], what="update")

    # ---------------------------------------------------------------- writing
    def _graph_of(self, q: ox.Quad) -> str:
        g = q.graph_name
        return str(self._default if isinstance(g, ox.DefaultGraph) else g)

    def _insert(self, quads: Sequence[ox.Quad]) -> list[str]:
        """Update operations adding the quads: INSERT DATA, and for quads with blank nodes
        (which Virtuoso refuses in INSERT DATA) INSERT ... WHERE {} templates, each holding
        whole groups of quads linked by blank nodes, so a node stays one node."""
        plain = [q for q in quads if not _has_blank(q)]
        ops = [self._template("INSERT DATA { ", " }", plain)] if plain else []
        groups = _blank_groups([q for q in quads if _has_blank(q)])
        batch: list[ox.Quad] = []
        for group in groups:
            if batch and len(batch) + len(group) > 500:
                ops.append(self._template("INSERT { ", " } WHERE {}", batch))
                batch = []
            batch.extend(group)
        if batch:
            ops.append(self._template("INSERT { ", " } WHERE {}", batch))
        return ops

    def _template(self, head: str, tail: str, quads: Sequence[ox.Quad]) -> str:
        by_graph: dict[str, list[str]] = {}
        for q in quads:
            by_graph.setdefault(self._graph_of(q), []).append(f"{q.subject} {q.predicate} {q.object} .")
        # Virtuoso's parser runs out of stack on one block of several thousand triples.
        blocks = [f"GRAPH {g} {{ {' '.join(triples[i:i + 1000])} }}"
                  for g, triples in by_graph.items() for i in range(0, len(triples), 1000)]
        return head + "\n".join(blocks) + tail

    def _forget(self, graph: ox.NamedNode, article: ox.NamedNode) -> list[str]:
        """The operations that remove an article's graph and description (as the embedded
        store does: its own triples, its graph's, and the run's prov:used link to it)."""
        d = str(self._default)
        return [f"DROP SILENT GRAPH {graph}",
                f"DELETE WHERE {{ GRAPH {d} {{ {article} ?p ?o }} }}",
                f"DELETE WHERE {{ GRAPH {d} {{ {graph} ?p ?o }} }}",
                f"DELETE WHERE {{ GRAPH {d} {{ ?run <{T.PROV_USED.value}> {article} }} }}"]

    def replace_article(self, graph: ox.NamedNode, article: ox.NamedNode, quads: Sequence[ox.Quad]) -> None:
        self._update(self._forget(graph, article) + self._insert(quads))

    def replace_articles(self, items: Sequence[ArticleQuads]) -> None:
        stored = self.article_hashes([item.article for item in items])
        fresh = []
        for item in items:
            if item.article in stored:
                self.replace_article(item.graph, item.article, item.quads)
            else:
                fresh.append(item.quads)
        self._load(fresh)

    def _load(self, groups: Iterable[Sequence[ox.Quad]]) -> None:
        """Quads in requests of about ``batch_quads``, a group (an article) never split."""
        batch: list[ox.Quad] = []
        for group in groups:
            if batch and len(batch) + len(group) > self.ep.batch_quads:
                self._send(batch)
                batch = []
            batch.extend(group)
        if batch:
            self._send(batch)

    def _send(self, quads: Sequence[ox.Quad]) -> None:
        if self.ep.quads and not self.read_only:
            data = ox.serialize((ox.Quad(q.subject, q.predicate, q.object, self._default)
                                 if isinstance(q.graph_name, ox.DefaultGraph) else q for q in quads),
                                format=ox.RdfFormat.N_QUADS)
            self._post(self.ep.quads, content=data, headers={"Content-Type": "application/n-quads"}, what="load")
        else:
            self._update(self._insert(quads))

    def remove_article(self, graph: ox.NamedNode, article: ox.NamedNode) -> bool:
        d = str(self._default)
        present = self.query(f"ASK {{ {{ GRAPH {d} {{ {article} ?p ?o }} }} UNION {{ GRAPH {graph} {{ ?s ?p ?o }} }} }}")
        if not present.boolean:
            return False
        self._update(self._forget(graph, article))
        return True

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Reference facts and run descriptions, in batches (no article to keep whole)."""
        it = iter(quads)
        self._load(iter(lambda: list(islice(it, self.ep.batch_quads)), []))

    def remove(self, quads: Iterable[ox.Quad]) -> None:
        """DELETE DATA in batches (quads with blank nodes cannot be named, and are not removed)."""
        it = (q for q in quads if not _has_blank(q))
        while batch := list(islice(it, self.ep.batch_quads)):
            self._update([self._template("DELETE DATA { ", " }", batch)])

    def clear(self) -> int:
        """Drop every graph this store owns (see `graph_prefix`); the number dropped."""
        graphs = self.named_graphs(include_default=True)
        for i in range(0, len(graphs), 200):
            self._update([f"DROP SILENT GRAPH {g}" for g in graphs[i:i + 200]])
        return len(graphs)

    # ---------------------------------------------------------------- lookups
    def article_hash(self, article: ox.NamedNode) -> str | None:
        return self.article_hashes([article]).get(article)

    def article_hashes(self, articles: Sequence[ox.NamedNode]) -> dict[ox.NamedNode, str]:
        hashes: dict[ox.NamedNode, str] = {}
        for i in range(0, len(articles), 200):
            values = " ".join(str(a) for a in articles[i:i + 200])
            result = self.query(f"SELECT ?a ?h WHERE {{ GRAPH {self._default} {{ ?a <{_CONTENT_HASH.value}> ?h }} "
                                f"VALUES ?a {{ {values} }} }}")
            for a, h in result.rows:
                if isinstance(a, ox.NamedNode) and h is not None:
                    hashes[a] = h.value  # type: ignore[attr-defined]
        return hashes

    def _ours(self, var: str = "?g") -> str:
        return f'FILTER(STRSTARTS(STR({var}), "{_escape(self.graph_prefix)}") || {var} = {self._default})'

    def named_graphs(self, include_default: bool = False) -> list[ox.NamedNode]:
        rows = self.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._ours()} }}").rows
        graphs = sorted((g for (g,) in rows if isinstance(g, ox.NamedNode)), key=lambda g: g.value)
        return [g for g in graphs if include_default or g != self._default]

    def derived_folder(self) -> Path | None:
        """A cache folder of this machine's for this server and graph prefix (under
        `kg.config.cache_root`), held by this store until it is closed: None when another
        store holds it (two builds at once each read the server), or read-only.

        What is kept there is checked against the server before it is used (kg.rdf.readback:
        others may write to a server)."""
        if self.read_only:
            return None
        if self._derived is None:
            self._derived = self._hold_cache_folder()
        return self._derived or None

    def _hold_cache_folder(self) -> Path | bool:
        where = "\n".join((self.ep.query, self.ep.update or "", self.ep.default_graph, self.graph_prefix))
        folder = cache_root() / "servers" / hashlib.sha256(where.encode("utf-8")).hexdigest()[:24]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "server.txt").write_text(where + "\n", encoding="utf-8")     # what the folder is for
            fd = os.open(folder / "lock", os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return False             # no cache to be had: the index is read from the server
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._cache_lock = fd
        prune_unused_caches(folder.parent, keep=folder)
        return folder

    def count(self) -> int:
        rows = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._ours()} }}").rows
        return int(rows[0][0].value) if rows and rows[0][0] is not None else 0  # type: ignore[attr-defined]

    # ---------------------------------------------------------------- reading
    def query(self, sparql: str, *, union_default_graph: bool = True,
              limit: int | None = None) -> QueryResult:
        form = query_form(sparql)
        data = [("query", sparql)]
        if union_default_graph and self.ep.union_graph:
            data.append(("default-graph-uri", self.ep.union_graph))
        elif not union_default_graph and self.ep.dialect == "virtuoso":
            # Virtuoso keeps GRAPH ?g ranging over every graph when the default graph is given.
            data.append(("default-graph-uri", self.ep.default_graph))
        accept = _GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else _SELECT_JSON
        resp = self._post(self.ep.query, form=data, headers={"Accept": accept}, what="query")
        if form in ("CONSTRUCT", "DESCRIBE"):
            triples = list(self._parse_rdf(resp))
            return QueryResult(kind="graph", triples=triples[:limit] if limit is not None else triples,
                               truncated=limit is not None and len(triples) > limit)
        try:
            doc = json.loads(resp.content)
        except ValueError as exc:
            raise QueryError(f"the server's answer is not SPARQL JSON results: {exc}") from exc
        if "boolean" in doc:
            return QueryResult(kind="ask", boolean=bool(doc["boolean"]))
        variables = list(doc.get("head", {}).get("vars", []))
        bindings = doc.get("results", {}).get("bindings", [])
        blanks: dict[str, ox.BlankNode] = {}
        rows = [[_term(b.get(v), blanks) for v in variables] for b in islice(bindings, _stop(limit))]
        truncated = limit is not None and len(rows) > limit
        return QueryResult(kind="select", variables=variables, rows=rows[:limit], truncated=truncated)

    def _parse_rdf(self, resp: httpx.Response) -> Iterator[ox.Triple]:
        ctype = resp.headers.get("content-type", "application/n-triples").split(";")[0].strip().lower()
        fmt = _RDF_TYPES.get(ctype)
        if fmt is None:
            raise QueryError(f"the server answered with {ctype!r}, not an RDF format this store reads")
        try:
            for q in ox.parse(resp.content, format=fmt):
                yield ox.Triple(q.subject, q.predicate, q.object)
        except SyntaxError as exc:
            raise QueryError(f"the server's RDF does not parse: {exc}") from exc

    def graph_triples(self, graph: ox.NamedNode) -> list[ox.Triple]:
        """A graph's triples: a Graph Store GET where there is one, else a CONSTRUCT."""
        if self.ep.gsp:
            resp = self._get(self.ep.gsp, params={"graph": graph.value}, headers={"Accept": _GRAPH_TYPES},
                             what="graph read")
            return list(self._parse_rdf(resp))
        return self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}").triples  # type: ignore[return-value]

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of this store, graph by graph; the stand-in as the default graph."""
        for graph in self.named_graphs(include_default=True):
            g: ox.NamedNode | ox.DefaultGraph = ox.DefaultGraph() if graph == self._default else graph
            for t in self.graph_triples(graph):
                yield ox.Quad(t.subject, t.predicate, t.object, g)

    def export(self, output: Path, fmt: str) -> None:
        if fmt not in EXPORT_FORMATS:
            raise StoreError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
        output = Path(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "nquads":
            # streamed graph by graph: memory stays flat whatever the store's size
            with output.open("wb") as out:
                for graph in self.named_graphs(include_default=True):
                    g: ox.NamedNode | ox.DefaultGraph = ox.DefaultGraph() if graph == self._default else graph
                    out.write(ox.serialize((ox.Quad(t.subject, t.predicate, t.object, g)
                                            for t in self.graph_triples(graph)), format=ox.RdfFormat.N_QUADS))
            return
        from kg.store.oxigraph import OxigraphStore

        with tempfile.TemporaryDirectory(prefix="kg-export-") as tmp:
            with OxigraphStore(Path(tmp) / "store") as local:
                local.add(self.quads())
                local.export(output, fmt)

    def compact(self, *, when_due: bool = True) -> bool:
        return False        # (the server merges its own files)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self._http.close()
        if self._cache_lock is not None:
            os.close(self._cache_lock)          # (releases the cache folder)
            self._cache_lock, self._derived = None, None

    def __enter__(self) -> "SparqlStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ------------------------------------------------------------------------------ helpers
def prune_unused_caches(servers: Path, keep: Path, now: float | None = None) -> list[Path]:
    """Delete the cache folders under ``servers`` (one per server) that no store has held for
    CACHE_UNUSED_DAYS (their server.txt is rewritten at every hold), except ``keep``; a folder
    whose lock another store holds is left alone. The folders deleted."""
    cutoff = (time.time() if now is None else now) - CACHE_UNUSED_DAYS * 86400

    def unused(folder: Path) -> bool:
        try:
            return (folder / "server.txt").stat().st_mtime < cutoff
        except OSError:
            return False          # (not one of ours, or just being made)

    removed = []
    try:
        folders = [f for f in servers.iterdir() if f.is_dir() and f != keep and unused(f)]
    except OSError:
        return removed
    for folder in folders:
        try:
            fd = os.open(folder / "lock", os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if unused(folder):       # (still: not taken between the look and the lock)
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
        except OSError:
            pass                     # held by a store at work
        finally:
            os.close(fd)
    return removed


def _term(binding: dict | None, blanks: dict[str, ox.BlankNode]) -> object | None:
    """A SPARQL JSON results term as a pyoxigraph term (Virtuoso's "typed-literal" too)."""
    if binding is None:
        return None
    kind, value = binding.get("type"), binding.get("value", "")
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        if value not in blanks:
            blanks[value] = ox.BlankNode()
        return blanks[value]
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in binding:
            return ox.Literal(value, language=binding["xml:lang"])
        if "datatype" in binding:
            return ox.Literal(value, datatype=ox.NamedNode(binding["datatype"]))
        return ox.Literal(value)
    if kind == "triple":
        raise QueryError("RDF-star triples in answers are not supported")
    raise QueryError(f"unknown term type {kind!r} in the server's answer")


def _has_blank(q: ox.Quad) -> bool:
    return isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)


def _blank_groups(quads: Sequence[ox.Quad]) -> list[list[ox.Quad]]:
    """Quads grouped so that quads sharing a blank node are in one group (union-find)."""
    parent: dict[ox.BlankNode, ox.BlankNode] = {}

    def root(b: ox.BlankNode) -> ox.BlankNode:
        while parent.setdefault(b, b) != b:
            parent[b] = parent[parent[b]]
            b = parent[b]
        return b

    for q in quads:
        blanks = [t for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)]
        for other in blanks[1:]:
            parent[root(other)] = root(blanks[0])
    groups: dict[ox.BlankNode, list[ox.Quad]] = {}
    for q in quads:
        first = q.subject if isinstance(q.subject, ox.BlankNode) else q.object
        groups.setdefault(root(first), []).append(q)  # type: ignore[arg-type]
    return list(groups.values())


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _stop(limit: int | None) -> int | None:
    return None if limit is None else limit + 1
