"""Every page and document of a published store, rendered on demand.

The static site writes them all to files; the server renders the one asked for. Both go
through this class, so a page looks the same wherever it is read.
"""
from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg.publish import rdfio, views
from kg.publish.catalog import Catalog
from kg.publish.describe import Description, GraphNoteCache, describe, graph_contents
from kg.publish.dumps import Dump
from kg.publish.links import Linker, resource_path
from kg.publish.negotiation import Representation
from kg.publish.ontology_doc import OntologyIndex, ontology_index
from kg.publish.rebase import Rebase
from kg.publish.render import render
from kg.publish.void import DatasetInfo, dataset_description
from kg.store import Store


@dataclass(frozen=True)
class PageOptions:
    title: str = "conflict-kg"
    description: str = DatasetInfo.description
    license: str | None = DatasetInfo.license
    publisher: str | None = None
    sparql_endpoint: str | None = None        # absolute URL, shown and described in VoID


class Pages:
    def __init__(self, store: Store, rebase: Rebase, options: PageOptions,
                 ontology: OntologyIndex | None = None):
        self.store = store
        self.rebase = rebase
        self.options = options
        self.ontology = ontology or ontology_index()
        self.catalog = Catalog(store, rebase.source, self.ontology)
        self.notes = GraphNoteCache(store)
        self.prefixes = rdfio.prefixes_for(rebase.target)

    @property
    def store_base(self) -> str:
        return self.rebase.source

    def site(self, linker: Linker, sparql_link: str | None) -> views.Site:
        return views.Site(self.options.title, linker, sparql_link, self.options.license)

    # ------------------------------------------------------------------ resources
    def describe(self, iri: str) -> Description:
        return describe(self.store, iri)

    def resource_html(self, description: Description, linker: Linker, sparql_link: str | None) -> str:
        graphs = [q.graph_name.value for q in description.quads if isinstance(q.graph_name, ox.NamedNode)]
        path = resource_path(self.store_base, description.iri) or ""
        contents = graph_contents(self.store, description.iri) if path.startswith("graph/") else None
        context = views.resource_context(
            self.site(linker, sparql_link), description, labels=self.catalog.labels,
            notes=self.notes(graphs), ontology=self.ontology, rebase=self.rebase,
            prefixes=self.prefixes, contents=contents)
        return render("resource.html", **context)

    def resource_rdf(self, description: Description, representation: Representation) -> bytes:
        return rdfio.serialize(self.rebase.quads(description.quads), representation, self.prefixes)

    # ------------------------------------------------------------------ index pages
    def index_html(self, name: str, linker: Linker, sparql_link: str | None) -> str:
        site = self.site(linker, sparql_link)
        if name == "actors":
            return render("groups.html", **views.actors_context(site, self.catalog))
        if name == "sources":
            return render("groups.html", **views.sources_context(site, self.catalog))
        if name == "events":
            return render("events.html", **views.timeline_context(site, self.catalog))
        if name == "places":
            return render("places.html", **views.places_context(site, self.catalog))
        if name == "articles":
            return render("articles.html", **views.articles_context(site, self.catalog))
        raise KeyError(name)

    def ontology_html(self, linker: Linker, sparql_link: str | None,
                      downloads: list[views.Link]) -> str:
        return render("ontology.html", **views.ontology_context(
            self.site(linker, sparql_link), self.ontology, downloads=downloads))

    def home_html(self, linker: Linker, sparql_link: str | None, *, dumps: list[views.Link],
                  void: list[views.Link], dataset_triples: list) -> str:
        dataset = rdfio.jsonld_document(dataset_triples, self.prefixes)
        return render("home.html", **views.home_context(
            self.site(linker, sparql_link), self.catalog, description=self.options.description,
            dataset_jsonld=dataset, dumps=dumps, void=void))

    def error_html(self, linker: Linker, sparql_link: str | None, status: int, message: str) -> str:
        return render("error.html", **views.error_context(self.site(linker, sparql_link), status, message))

    # ------------------------------------------------------------------ dataset
    def dataset_info(self, dumps: list[Dump]) -> DatasetInfo:
        o = self.options
        return DatasetInfo(base=self.rebase.target, title=o.title, description=o.description,
                           license=o.license, publisher=o.publisher,
                           sparql_endpoint=o.sparql_endpoint, dumps=tuple(dumps))

    def dataset_triples(self, dumps: list[Dump]) -> list:
        return dataset_description(self.store, self.store_base, self.dataset_info(dumps), self.rebase)
