"""`kg publish`: the static linked-data site, checked file by file with independent parsers
(raptor2 for Turtle, N-Triples and N-Quads; pyoxigraph for rdflib's JSON-LD), and in Chromium."""
from __future__ import annotations

import gzip
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox
import pytest

from kg.cli import main
from kg.ontology import load_ontology_graph
from kg.publish import PublishError, Rebase, detect_base, publish_site
from kg.publish.describe import resource_iris
from kg.publish.links import external_href, resource_path
from kg.rdf.terms import CKG
from kg.store import open_store
from publish_support import (
    BASE, build_store, chromium, needs_chromium, needs_rapper, png_size, rapper_count)

SITE_BASE = "https://data.example.org/kg/"
RDF_EXTENSIONS = ("ttl", "nt", "nq", "jsonld")


@pytest.fixture(scope="module")
def store_path(tmp_path_factory) -> Path:
    return build_store(tmp_path_factory.mktemp("publish") / "store")


@pytest.fixture(scope="module")
def site(store_path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    # The command of docs/publish.md.
    assert main(["publish", str(out), "--store", str(store_path), "--base", SITE_BASE, "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def resources(store_path) -> list[str]:
    with open_store(store_path, read_only=True) as store:
        return resource_iris(store, BASE)


def rdf_files(site: Path) -> list[Path]:
    return sorted(p for ext in ("ttl", "nt", "nq") for p in site.rglob(f"*.{ext}"))


def parse(path: Path, fmt: ox.RdfFormat) -> set[str]:
    return {str(t) for t in ox.parse(path=str(path), format=fmt, base_iri=SITE_BASE)}


class _Scripts(HTMLParser):
    """The <script> elements of a page, their types and texts; and every href."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[str | None, str]] = []
        self.hrefs: list[str] = []
        self.tags: set[str] = set()
        self.handlers: list[str] = []          # on* attributes: event handlers
        self._in_script: str | None | bool = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.add(tag)
        self.handlers += [name for name in attrs if name.lower().startswith("on")]
        if tag == "script":
            self._in_script = attrs.get("type")
            self.scripts.append((attrs.get("type"), ""))
        for name in ("href", "src"):
            if attrs.get(name):
                self.hrefs.append(attrs[name])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script is not False:
            kind, text = self.scripts[-1]
            self.scripts[-1] = (kind, text + data)


def page(path: Path) -> _Scripts:
    parser = _Scripts()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


# ---------------------------------------------------------------------------- layout
def test_every_resource_has_a_page_and_four_rdf_documents(site, resources):
    assert len(resources) > 40
    for iri in resources:
        path = resource_path(BASE, iri)
        assert path, iri
        for ext in ("html",) + RDF_EXTENSIONS:
            assert (site / f"{path}.{ext}").is_file(), f"{path}.{ext}"
    for kind in ("actor", "place", "event", "source", "article", "outlet", "claim", "run"):
        assert list((site / "id" / kind).glob("*.html")), kind
    for name in ("index", "actors", "events", "places", "sources", "articles", "ontology"):
        assert (site / f"{name}.html").is_file()
    for name in ("void.ttl", "void.nt", "void.jsonld", ".well-known/void", "ontology.ttl",
                 "dumps/conflict-kg.nq.gz", "dumps/conflict-kg.ttl.gz", "style.css", ".htaccess"):
        assert (site / name).is_file(), name


def test_resource_documents_describe_the_resource_under_the_published_base(site):
    triples = parse(site / "id/actor/northern-guard.nt", ox.RdfFormat.N_TRIPLES)
    guard = f"<{SITE_BASE}id/actor/northern-guard>"
    assert f'{guard} <http://www.w3.org/2000/01/rdf-schema#label> "Northern Guard"' in triples
    assert f"{guard} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{CKG}RegionalForce>" in triples
    # incoming links: the operations the Guard took part in
    assert f"<{SITE_BASE}id/event/g1> <{CKG}agent> {guard}" in triples
    # N-Quads keep who said it: the altLabel "the Guard" comes from articles a1 and a2
    quads = parse(site / "id/actor/northern-guard.nq", ox.RdfFormat.N_QUADS)
    said = {q for q in quads if '"the Guard"' in q}
    assert {q.rsplit(" ", 1)[-1] for q in said} == {f"<{SITE_BASE}graph/article/a1>", f"<{SITE_BASE}graph/article/a2>"}


# ---------------------------------------------------------------------------- parsers
@needs_rapper
def test_raptor_parses_every_turtle_ntriples_and_nquads_file(site):
    files = rdf_files(site) + [site / ".well-known/void"]
    assert len(files) > 150
    formats = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
               "": ox.RdfFormat.TURTLE}
    for path in files:
        expected = len(list(ox.parse(path=str(path), format=formats[path.suffix], base_iri=SITE_BASE)))
        assert rapper_count(path) == expected, path


def test_jsonld_documents_hold_the_same_triples_as_ntriples(site):
    # The JSON-LD is written by rdflib and read back here by pyoxigraph.
    documents = sorted(site.rglob("*.jsonld"))
    assert len(documents) > 40
    for path in documents:
        nt = path.with_suffix(".nt")
        jsonld = parse(path, ox.RdfFormat.JSON_LD)
        assert jsonld == parse(nt, ox.RdfFormat.N_TRIPLES), path


def test_pages_embed_their_jsonld(site, resources):
    for iri in resources:
        path = resource_path(BASE, iri)
        scripts = page(site / f"{path}.html").scripts
        assert [kind for kind, _ in scripts] == ["application/ld+json"], path
        embedded = json.loads(scripts[0][1])
        assert embedded == json.loads((site / f"{path}.jsonld").read_text(encoding="utf-8")), path


@needs_rapper
def test_dumps_hold_every_statement(site, store_path):
    with open_store(store_path, read_only=True) as store:
        total = store.count()
        distinct = len({(q.subject, q.predicate, q.object) for q in store.quads()})
    nquads = gzip.decompress((site / "dumps/conflict-kg.nq.gz").read_bytes())
    turtle = gzip.decompress((site / "dumps/conflict-kg.ttl.gz").read_bytes())
    assert rapper_count(data=nquads, syntax="nquads") == total
    assert rapper_count(data=turtle, syntax="turtle") == distinct


def test_dumps_are_rebased_but_vocabularies_are_not(site):
    text = gzip.decompress((site / "dumps/conflict-kg.nq.gz").read_bytes()).decode("utf-8")
    assert f"<{BASE}id/" not in text and f"<{BASE}graph/" not in text
    assert f"<{SITE_BASE}id/actor/northern-guard>" in text
    assert f"<{SITE_BASE}graph/article/a1>" in text
    assert f"<{CKG}GroundOperation>" in text                    # ontology terms unchanged
    assert "<https://w3id.org/conflict-kg/acled#" in text       # crosswalk concepts unchanged


def test_rebase_moves_resource_and_graph_iris_only():
    rebase = Rebase(BASE, "https://data.example.org/kg")
    assert rebase.iri(BASE + "id/actor/x") == "https://data.example.org/kg/id/actor/x"
    assert rebase.iri(BASE + "graph/registry") == "https://data.example.org/kg/graph/registry"
    assert rebase.iri(CKG + "Airstrike") == CKG + "Airstrike"
    assert rebase.iri("http://www.wikidata.org/entity/Q1") == "http://www.wikidata.org/entity/Q1"
    quad = ox.Quad(ox.NamedNode(BASE + "id/a"), ox.NamedNode(CKG + "p"), ox.Literal(BASE + "id/a"),
                   ox.NamedNode(BASE + "graph/g"))
    moved = rebase.quad(quad)
    assert moved.subject.value.startswith("https://data.example.org/kg/")
    assert moved.object == quad.object                        # literals are text, never moved
    assert moved.graph_name.value == "https://data.example.org/kg/graph/g"
    with pytest.raises(ValueError):
        Rebase(BASE, "ftp://example.org/")


def test_store_base_is_read_from_graph_names(tmp_path):
    with open_store(tmp_path / "s") as store:
        store.add([ox.Quad(ox.NamedNode("https://example.net/x/id/a"), ox.NamedNode(CKG + "p"),
                           ox.Literal("1"), ox.NamedNode("https://example.net/x/graph/article/a"))])
        assert detect_base(store, BASE) == "https://example.net/x/"
    assert detect_base(open_store(None), "https://fallback.example/") == "https://fallback.example/"


# ---------------------------------------------------------------------------- VoID and DCAT
def test_void_and_dcat_describe_the_dataset(site, store_path):
    void = ox.Store()
    void.load(path=str(site / "void.ttl"), format=ox.RdfFormat.TURTLE)
    prefixes = """PREFIX void: <http://rdfs.org/ns/void#> PREFIX dcat: <http://www.w3.org/ns/dcat#>
                  PREFIX dct: <http://purl.org/dc/terms/> PREFIX prov: <http://www.w3.org/ns/prov#>
                  PREFIX spdx: <http://spdx.org/rdf/terms#> """
    dataset = f"<{SITE_BASE}void#dataset>"
    with open_store(store_path, read_only=True) as store:
        total = store.count()
    rows = list(void.query(prefixes + f"SELECT ?n WHERE {{ {dataset} a void:Dataset, dcat:Dataset ; void:triples ?n }}"))
    assert [int(r["n"].value) for r in rows] == [total]
    assert void.query(prefixes + f"""ASK {{
        {dataset} dct:license <https://creativecommons.org/licenses/by/4.0/> ;
           void:sparqlEndpoint <{SITE_BASE}sparql> ; void:uriSpace "{SITE_BASE}id/" ;
           prov:wasGeneratedBy <{SITE_BASE}id/run/r1> ; dct:provenance/a dct:ProvenanceStatement ;
           dct:temporal [ dcat:startDate ?start ; dcat:endDate ?end ] ;
           void:classPartition [ void:class <{CKG}GroundOperation> ; void:entities 1 ] .
        ?catalog a dcat:Catalog ; dcat:dataset {dataset} ; dcat:service ?service .
        ?service a dcat:DataService ; dcat:endpointURL <{SITE_BASE}sparql> ; dcat:servesDataset {dataset} .
    }}""")
    dumps = list(void.query(prefixes + f"""SELECT ?url ?size ?sum WHERE {{
        {dataset} dcat:distribution ?d ; void:dataDump ?url .
        ?d dcat:downloadURL ?url ; dcat:byteSize ?size ; dcat:mediaType ?type ;
           spdx:checksum [ spdx:checksumValue ?sum ] }}"""))
    assert len(dumps) == 2
    for row in dumps:
        local = site / row["url"].value[len(SITE_BASE):]
        assert local.stat().st_size == int(row["size"].value)
        assert hashlib.sha256(local.read_bytes()).hexdigest() == row["sum"].value
    assert parse(site / "void.jsonld", ox.RdfFormat.JSON_LD) == parse(site / "void.nt", ox.RdfFormat.N_TRIPLES)


# ---------------------------------------------------------------------------- HTML
def test_injected_markup_is_text_not_markup(site):
    for path in ("id/actor/evil.html", "id/event/evil-1.html", "id/article/evil.html",
                 "articles.html", "actors.html", "events.html", "graph/article/evil.html"):
        html = (site / path).read_text(encoding="utf-8")
        parsed = page(site / path)
        assert all(kind == "application/ld+json" for kind, _ in parsed.scripts), path
        for _, text in parsed.scripts:
            assert "</script" not in text.lower() and "<" not in text, path
        assert not parsed.tags & {"img", "svg", "iframe", "b"}, path
        assert not parsed.handlers, path
        assert not any(h.lower().startswith("javascript:") for h in parsed.hrefs), path
    evil = (site / "id/actor/evil.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;document.body.setAttribute(" in evil
    assert external_href("javascript:alert(1)") is None
    assert external_href("https://example.org/a") == "https://example.org/a"


def test_every_local_link_resolves(site):
    pages = sorted(site.rglob("*.html"))
    checked = 0
    for html in pages:
        for href in page(html).hrefs:
            parts = urlsplit(href)
            if parts.scheme or href.startswith("#"):
                continue
            target = (html.parent / unquote(parts.path)).resolve()
            assert target.is_file(), f"{html.relative_to(site)} links to missing {href}"
            checked += 1
    assert checked > 1000


def test_index_pages(site, store_path):
    actors = (site / "actors.html").read_text(encoding="utf-8")
    for label in ("Northern Guard", "Qaradian Army", "Black Banner Front", "Sahil Popular Brigades"):
        assert label in actors
    assert actors.index("Regional force") < actors.index("Northern Guard")
    events = (site / "events.html").read_text(encoding="utf-8")
    dates = re.findall(r'<td class="date">(\d{4}(?:-\d\d){0,2})', events)
    assert dates == sorted(dates) and dates[0] == "2018-06-30" and "2018-07" in dates
    assert "3–7" in events            # g1: 3 killed according to one article, 7 to another
    places = (site / "places.html").read_text(encoding="utf-8")
    assert places.index("Qaradia") < places.index("Nahr Governorate") < places.index("Tell Abar District") \
        < places.index("Umm Jarin")
    articles = (site / "articles.html").read_text(encoding="utf-8")
    with open_store(store_path, read_only=True) as store:
        stored = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?a a <%sArticle> }" % CKG).rows[0][0]
    assert articles.count('href="id/article/') == int(stored.value) > 4
    assert 'href="https://gulfwire.example/news/qaradia-hazar-offensive"' in articles
    sources = (site / "sources.html").read_text(encoding="utf-8")
    assert "Qaradia Monitoring Network" in sources and "Qaradian Ministry of Defence" in sources


def test_resource_page_says_who_claims_what(site):
    html = (site / "id/event/g1.html").read_text(encoding="utf-8")
    assert "Ground operation, Mount Hazar, 2018-07-16" in html
    assert "Northern Daily, 2018-07-17" in html and "Gulf Wire, 2018-07-18" in html
    killed = re.search(r">killed</a></th><td><span>3</span></td>\s*<td[^>]*>(.*?)</td></tr>\s*"
                       r"<tr><td><span>7</span></td>\s*<td[^>]*>(.*?)</td>", html, re.S)
    assert killed, "the two figures for g1, each with its source"
    assert "Northern Daily, 2018-07-17" in killed.group(1) and "Gulf Wire, 2018-07-18" in killed.group(2)


def test_ontology_page_documents_every_term(site):
    html = (site / "ontology.html").read_text(encoding="utf-8")
    graph = load_ontology_graph(crosswalks=False)
    terms = {str(s)[len(CKG):] for s in graph.subjects() if str(s).startswith(CKG) and len(str(s)) > len(CKG)}
    missing = [t for t in terms if f'id="{t}"' not in html]
    assert not missing
    assert "broadMatch" in html          # crosswalks are shown


def test_publish_replaces_an_earlier_site_but_not_a_foreign_folder(store_path, tmp_path):
    out = tmp_path / "site"
    with open_store(store_path, read_only=True) as store:
        publish_site(store, out, base=SITE_BASE)
        (out / "id/actor/stale.html").write_text("old")
        publish_site(store, out, base=SITE_BASE)
        assert not (out / "id/actor/stale.html").exists()
        foreign = tmp_path / "foreign"
        foreign.mkdir()
        (foreign / "thesis.tex").write_text("mine")
        with pytest.raises(PublishError):
            publish_site(store, foreign, base=SITE_BASE)
        assert (foreign / "thesis.tex").read_text() == "mine"
    assert main(["publish", str(foreign), "--store", str(store_path), "--base", SITE_BASE, "-q"]) == 1


# ---------------------------------------------------------------------------- in a browser
@needs_chromium
def test_chromium_renders_a_page_without_running_injected_script(site, tmp_path):
    shot = tmp_path / "actor.png"
    run = chromium((site / "id/actor/northern-guard.html").as_uri(), tmp_path / "profile",
                   f"--screenshot={shot}", "--window-size=1200,900")
    assert shot.is_file(), run.stderr.decode("utf-8", "replace")[-2000:]
    data = shot.read_bytes()
    assert png_size(data) == (1200, 900) and len(data) > 20_000       # a rendered page, not a blank
    dom = chromium((site / "id/actor/evil.html").as_uri(), tmp_path / "profile", "--dump-dom")
    text = dom.stdout.decode("utf-8")
    assert "<h1>" in text and re.search(r"<body[^>]*data-pwned", text) is None
