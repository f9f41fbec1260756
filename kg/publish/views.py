"""Template contexts for every page, shared by the static site and the server.

A view gets what it shows (a description, the catalogue) and a linker that knows where pages
are; it returns plain values for a template. IRIs shown to people pass through the rebase, so
a page displays the IRI it is published under.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg import __version__
from kg.publish import rdfio
from kg.publish.catalog import Catalog
from kg.publish.describe import Description, GraphNote
from kg.publish.links import INDEX_PAGES, Linker, external_href, term_href
from kg.publish.negotiation import RDF_REPRESENTATIONS
from kg.publish.ontology_doc import OntologyIndex
from kg.publish.rebase import Rebase
from kg.rdf import terms as T

# Properties in the order a reader expects them; the rest follow alphabetically.
_ORDER = [T.RDF + "type", T.RDFS + "label", T.SKOS + "altLabel"] + [T.CKG + p for p in (
    "name", "date", "datePrecision", "agent", "target", "supporter", "participant", "place",
    "killed", "wounded", "captured", "count", "actor", "about", "accordingTo", "partOf",
    "locatedIn", "parentOrganization", "evidence", "reportedIn")] + [
    T.GEO + "lat", T.GEO + "long", T.SAME_AS.value]
_RANK = {iri: i for i, iri in enumerate(_ORDER)}
_XSD_STRING = T.XSD + "string"
_LANG_STRING = T.RDF + "langString"
_URL_PROPERTIES = {T.SCHEMA_URL.value}


@dataclass
class Link:
    text: str
    href: str | None = None
    title: str | None = None


@dataclass
class Value:
    text: str
    href: str | None = None
    title: str | None = None
    note: str | None = None                          # datatype or language
    sources: list[Link] = field(default_factory=list)


@dataclass
class Statement:
    predicate: Link
    values: list[Value]


@dataclass
class Site:
    """What every page shows around its content."""
    title: str
    linker: Linker
    sparql: str | None
    license: str | None

    def chrome(self) -> dict[str, Any]:
        page = self.linker.page
        return {
            "site_title": self.title,
            "nav": [Link("Home", page("index")), Link("Actors", page("actors")),
                    Link("Timeline", page("events")), Link("Places", page("places")),
                    Link("Sources", page("sources")), Link("Articles", page("articles")),
                    Link("Ontology", page("ontology"))]
                   + ([Link("SPARQL", self.sparql)] if self.sparql else []),
            "pages": {name: page(name) for name in INDEX_PAGES},
            "stylesheet": page("style.css"),
            "license": Link(self.license, external_href(self.license)) if self.license else None,
            "version": __version__,
        }


def curie(iri: str, prefixes: dict[str, str]) -> str:
    for name, ns in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{name}:{iri[len(ns):]}"
    return iri


class Labeller:
    """Names for IRIs on a page: data labels, ontology labels, else a compact IRI."""

    def __init__(self, labels: dict[str, str], ontology: OntologyIndex, prefixes: dict[str, str],
                 rebase: Rebase):
        self.labels = labels
        self.ontology = ontology
        self.prefixes = prefixes
        self.rebase = rebase

    def __call__(self, iri: str) -> str:
        return self.labels.get(iri) or self.ontology.label(iri) or curie(self.rebase.iri(iri), self.prefixes)

    def link(self, linker: Linker, iri: str) -> Link:
        return Link(self(iri), term_href(linker, iri), self.rebase.iri(iri))


def _value(term, predicate: str, linker: Linker, name: Labeller) -> Value:
    if isinstance(term, ox.NamedNode):
        link = name.link(linker, term.value)
        return Value(link.text, link.href, link.title)
    if isinstance(term, ox.Literal):
        note = None
        if term.language:
            note = term.language
        elif term.datatype.value not in (_XSD_STRING, _LANG_STRING):
            note = curie(term.datatype.value, name.prefixes)
        href = external_href(term.value) if predicate in _URL_PROPERTIES else None
        return Value(term.value, href, None, note)
    return Value(str(term))


def _source(graph, notes: dict[str, GraphNote], linker: Linker) -> Link:
    if isinstance(graph, ox.DefaultGraph):
        return Link("dataset", None, "the default graph: statements about articles and runs")
    note = notes.get(graph.value, GraphNote(graph.value))
    href = linker.resource(note.article) if note.article else linker.resource(graph.value)
    return Link(note.text, href, note.headline or graph.value)


def _statements(quads: Iterable[ox.Quad], key: Callable[[ox.Quad], Any], linker: Linker,
                name: Labeller, notes: dict[str, GraphNote]) -> list[Statement]:
    grouped: dict[str, dict[Any, list]] = defaultdict(dict)
    for quad in quads:
        term = key(quad)
        grouped[quad.predicate.value].setdefault(term, []).append(quad.graph_name)
    statements = []
    for predicate in sorted(grouped, key=lambda p: (_RANK.get(p, len(_RANK)), curie(p, name.prefixes))):
        values = []
        for term, graphs in grouped[predicate].items():
            value = _value(term, predicate, linker, name)
            value.sources = [_source(g, notes, linker) for g in sorted(set(graphs), key=str)]
            values.append(value)
        values.sort(key=lambda v: (v.text.lower(), v.note or ""))
        predicate_link = name.link(linker, predicate)
        predicate_link.title = curie(predicate, name.prefixes)
        statements.append(Statement(predicate_link, values))
    return statements


def resource_context(site: Site, description: Description, *, labels: dict[str, str],
                     notes: dict[str, GraphNote], ontology: OntologyIndex, rebase: Rebase,
                     prefixes: dict[str, str], contents: tuple[int, list[str]] | None = None,
                     ) -> dict[str, Any]:
    linker = site.linker
    name = Labeller(labels, ontology, prefixes, rebase)
    iri = description.iri
    types = sorted({q.object.value for q in description.outgoing
                    if q.predicate == T.TYPE and isinstance(q.object, ox.NamedNode)})
    outgoing = [q for q in description.outgoing if q.predicate != T.TYPE]
    published = [rebase.quad(q) for q in description.quads]
    context = site.chrome()
    context.update({
        "title": labels.get(iri) or iri.rstrip("/").rsplit("/", 1)[-1],
        "iri": rebase.iri(iri),
        "types": [name.link(linker, t) for t in types],
        "statements": _statements(outgoing, lambda q: q.object, linker, name, notes),
        "inverse": _statements(description.incoming, lambda q: q.subject, linker, name, notes),
        "incoming_truncated": description.incoming_truncated,
        "formats": [Link(r.name, linker.document(iri, r.extension), r.media_type)
                    for r in RDF_REPRESENTATIONS],
        "map": _map_link(description),
        "contents": None,
        "jsonld": rdfio.jsonld_document(rdfio.unique_triples(published), prefixes),
    })
    if contents is not None:
        size, subjects = contents
        context["contents"] = {"size": size, "subjects": [name.link(linker, s) for s in subjects]}
    return context


def _map_link(description: Description) -> Link | None:
    lat = lon = None
    for q in description.outgoing:
        try:
            if q.predicate == T.LAT:
                lat = float(q.object.value)
            elif q.predicate == T.LONG:
                lon = float(q.object.value)
        except ValueError:
            return None
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    href = f"https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map=10/{lat:.5f}/{lon:.5f}"
    return Link(f"{lat:.4f}, {lon:.4f}", href)


def _entry_links(linker: Linker, catalog: Catalog, iris: Iterable[str]) -> list[Link]:
    return [Link(catalog.label(i), linker.resource(i) or external_href(i), i) for i in iris]


def actors_context(site: Site, catalog: Catalog) -> dict[str, Any]:
    return _groups_context(site, catalog, "Actors", catalog.actors(), "events",
                           "Forces, groups, organisations and people, by kind, with the number of "
                           "operations each takes part in (as agent, target or supporter).")


def sources_context(site: Site, catalog: Catalog) -> dict[str, Any]:
    return _groups_context(site, catalog, "Sources", catalog.sources(), "statements",
                           "Who the articles attribute their reports to, by kind, with the number "
                           "of events and claims each is cited for.")


def _groups_context(site: Site, catalog: Catalog, title: str, groups, count_name: str,
                    intro: str) -> dict[str, Any]:
    linker = site.linker
    context = site.chrome()
    context.update({
        "title": title, "intro": intro, "count_name": count_name,
        "groups": [{"kind": Link(g.label, term_href(linker, g.kind), g.kind), "id": g.kind.rsplit("#", 1)[-1],
                    "entries": [{"link": Link(e.label, linker.resource(e.iri), e.iri), "count": e.count}
                                for e in g.entries]} for g in groups],
    })
    return context


def _figures(values: list[int]) -> str:
    if not values:
        return ""
    return str(values[0]) if len(values) == 1 else f"{values[0]}–{values[-1]}"


def timeline_context(site: Site, catalog: Catalog) -> dict[str, Any]:
    linker = site.linker
    months: dict[str, list[dict[str, Any]]] = {}
    for event in catalog.timeline():
        months.setdefault(event.month, []).append({
            "link": Link(event.label, linker.resource(event.iri), event.iri),
            "date": event.dates[0] if event.dates else "",
            "other_dates": event.dates[1:],
            "kinds": [Link(catalog.ontology.label(k) or k, term_href(linker, k), k) for k in event.kinds],
            "agents": _entry_links(linker, catalog, event.agents),
            "targets": _entry_links(linker, catalog, event.targets),
            "supporters": _entry_links(linker, catalog, event.supporters),
            "places": _entry_links(linker, catalog, event.places),
            "killed": _figures(event.killed), "wounded": _figures(event.wounded),
            "captured": _figures(event.captured), "reports": event.reports,
        })
    context = site.chrome()
    context.update({"title": "Timeline of events", "months": list(months.items())})
    return context


def places_context(site: Site, catalog: Catalog) -> dict[str, Any]:
    linker = site.linker

    def node(n) -> dict[str, Any]:
        return {"link": Link(n.label, linker.resource(n.iri), n.iri),
                "kinds": [catalog.ontology.label(k) or k for k in n.kinds],
                "coordinates": f"{n.lat}, {n.long}" if n.lat and n.long else "",
                "events": n.events, "children": [node(c) for c in n.children]}

    context = site.chrome()
    context.update({"title": "Places", "tree": [node(n) for n in catalog.place_tree()]})
    return context


def articles_context(site: Site, catalog: Catalog) -> dict[str, Any]:
    linker = site.linker
    context = site.chrome()
    context.update({"title": "Articles", "articles": [
        {"link": Link(a.headline, linker.resource(a.iri), a.iri), "date": a.date or "",
         "outlet": Link(catalog.label(a.outlet), linker.resource(a.outlet)) if a.outlet else None,
         "url": Link(a.url, external_href(a.url)) if a.url else None, "events": a.events}
        for a in catalog.articles()]})
    return context


def home_context(site: Site, catalog: Catalog, *, description: str, dataset_jsonld: dict,
                 dumps: list[Link], void: list[Link]) -> dict[str, Any]:
    context = site.chrome()
    context.update({"title": site.title, "description": description, "counts": catalog.counts(),
                    "dumps": dumps, "void": void, "sparql": site.sparql, "jsonld": dataset_jsonld})
    return context


def ontology_context(site: Site, ontology: OntologyIndex, *, downloads: list[Link]) -> dict[str, Any]:
    linker = site.linker

    def link(iri: str) -> Link:
        return Link(ontology.label(iri) or curie(iri, rdfio.prefixes_for("")), term_href(linker, iri), iri)

    def tree(term) -> dict[str, Any]:
        return {"link": link(term.iri), "id": term.local,
                "children": [tree(ontology.terms[c]) for c in term.children]}

    def entry(term) -> dict[str, Any]:
        return {"id": term.local, "iri": term.iri, "label": term.label, "comment": term.comment,
                "kind": term.kind, "parents": [link(p) for p in term.parents],
                "children": [link(c) for c in term.children], "domain": [link(d) for d in term.domain],
                "range": [link(r) for r in term.range], "characteristics": term.characteristics,
                "inverse": [link(i) for i in term.inverse], "disjoint": [link(d) for d in term.disjoint],
                "mappings": term.mappings}

    context = site.chrome()
    context.update({
        "title": ontology.title, "description": ontology.description, "version": ontology.version,
        "ontology_license": Link(ontology.license, external_href(ontology.license)) if ontology.license else None,
        "tree": [tree(t) for t in ontology.roots()],
        "sections": [(title, [entry(t) for t in ontology.of_kind(kind)]) for title, kind in (
            ("Classes", "class"), ("Object properties", "object property"),
            ("Datatype properties", "datatype property"))],
        "downloads": downloads,
    })
    return context


def query_context(site: Site, *, query: str, examples: list[tuple[str, str]], endpoint: str,
                  result: dict[str, Any] | None = None, error: str | None = None,
                  limit: int, timeout: float) -> dict[str, Any]:
    context = site.chrome()
    context.update({"title": "SPARQL query", "query": query, "examples": examples, "endpoint": endpoint,
                    "result": result, "error": error, "limit": limit, "timeout": timeout})
    return context


def error_context(site: Site, status: int, message: str) -> dict[str, Any]:
    context = site.chrome()
    context.update({"title": f"{status}", "message": message})
    return context
