"""Extraction -> quads. The only module that turns extracted values into RDF.

One named graph per article holds everything the article says; the default graph describes
the article, its graph and the run (PROV-O); the registry graph holds reference facts about
canonical entities (labels, coordinates, identifiers), identical whichever article brings them.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from typing import NamedTuple

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, DefaultGraph

from kg.model import Article, Entity, EventFrame, Extraction, TimeValue
from kg.rdf import terms as T
from kg.rdf.iris import IriMinter, slug

_DATE_TYPES = {"day": T.XSD_DATE, "month": T.XSD_GYEARMONTH, "year": T.XSD_GYEAR}
# Entities whose enclosing chains and registry entries an ArticleMapper keeps. An entry holds
# its quads and its triples as pyoxigraph terms, and a Quad keeps its own copy of each IRI and
# text: 16,384 entries of seven facts each held 107 MB in a test process. FA-KES's 792
# articles make 1,424 entries, 20,000 synthetic articles 2,424: a larger cache only keeps more
# of a long build's minted places (peak RSS of 10^5 synthetic articles: 518 -> 515 MB).
_CACHED_ENTITIES = 4_096
_KIND_LABELS = {
    "GroundOperation": "Ground operation", "DroneStrike": "Drone strike",
}


def content_hash(article: Article) -> str:
    """What decides whether a re-ingested article changed."""
    h = hashlib.sha256()
    for part in (article.url, article.title, article.text,
                 article.published.isoformat() if article.published else "", article.outlet or ""):
        h.update(part.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


def integer(value: int) -> Literal:
    return Literal(str(int(value)), datatype=T.XSD_INTEGER)


def decimal(value: float) -> Literal:
    return Literal(f"{value:.6f}".rstrip("0").rstrip("."), datatype=T.XSD_DECIMAL)


def date_literal(time: TimeValue) -> Literal:
    return Literal(time.iso(), datatype=_DATE_TYPES[time.precision])


PlaceLookup = Callable[[str], "Entity | None"]     # a place key -> its registry entry, if any
Triple = tuple[NamedNode | BlankNode, NamedNode, NamedNode | BlankNode | Literal]


class RegistryEntry(NamedTuple):
    """One entity's registry facts, as the quads the store gets and the triples validation reads."""

    quads: tuple[Quad, ...]
    triples: tuple[Triple, ...]


class ArticleGraphs:
    """One article's RDF, graph by graph: the triples of its default graph and its own named
    graph as they were made, and its registry entries (quads already, made once per entity).

    Validation reads the graphs apart (each named graph with the default graph is one unit,
    see kg.validate), so handing them over as they were made spares it sorting the quads back
    into graphs and reading each quad's terms out of pyoxigraph again. The registry's triples
    come with its quads, made together once per entity: reading a Quad's terms makes new
    objects each time (a quarter of what validating an article cost).
    """

    __slots__ = ("graph", "description", "content", "_registry", "_registry_triples")

    def __init__(self, graph: NamedNode, description: list[Triple], content: list[Triple],
                 registry: list[Quad], registry_triples: list[Triple] | None = None):
        self.graph = graph                  # the article's named graph
        self.description = description     # the default graph: the article, its graph, provenance
        self.content = content              # the article's named graph
        self._registry = registry           # the registry graph: reference facts of its entities
        self._registry_triples = registry_triples   # the same facts as triples (None: not made yet)

    @property
    def registry(self) -> list[Quad]:
        return self._registry

    @registry.setter
    def registry(self, quads: list[Quad]) -> None:
        """Other registry quads (a test taking a fact out): their triples are read from them."""
        self._registry = quads
        self._registry_triples = None

    def registry_triples(self) -> list[Triple]:
        if self._registry_triples is None:
            self._registry_triples = [(q.subject, q.predicate, q.object) for q in self._registry]
        return self._registry_triples

    def named_graphs(self) -> list[list[Triple]]:
        """The triples of each named graph that has any (an empty one is no validation unit)."""
        return [triples for triples in (self.content, self.registry_triples()) if triples]

    def quads(self) -> list[Quad]:
        # Quad(s, p, o) is the default graph: pyoxigraph takes twice as long to make a quad
        # when given DefaultGraph() (it first tries the value as a named and a blank node).
        quads = [Quad(s, p, o) for s, p, o in self.description]
        g = self.graph
        quads += [Quad(s, p, o, g) for s, p, o in self.content]
        quads += self._registry
        return quads


def gazetteer_places() -> PlaceLookup:
    """The places of the package's gazetteer, as entities: what `ArticleMapper` needs to write
    the registry's locatedIn closure."""
    from kg.data.gazetteer import Gazetteer

    gazetteer = Gazetteer.load()

    def lookup(key: str) -> Entity | None:
        rec = gazetteer.get(key)
        if rec is None:
            return None
        return Entity(rec.key, "place", rec.kind, rec.label, wikidata=rec.wikidata, geonames=rec.geonames,
                      lat=rec.lat, lon=rec.lon, precision_km=rec.precision_km, within=rec.within)
    return lookup


class ArticleMapper:
    """Maps one resolved Extraction to its quads.

    With ``places`` (a place key -> its registry entry), the registry graph gets the closure of
    ckg:locatedIn (a transitive property): each place is located in every place enclosing it,
    and those are described too (type, label, coordinates), though no article names them. So
    "everything in this governorate" is one triple pattern, with no property path to evaluate
    (Virtuoso 7.2 mis-answers some paths joined with other patterns).
    """

    def __init__(self, minter: IriMinter, places: PlaceLookup | None = None):
        self.iri = minter
        self.places = places
        self._chains: dict[str, list[Entity]] = {}
        self._registry: dict[tuple, RegistryEntry] = {}

    def enclosing(self, entity: Entity) -> list[Entity]:
        """The places enclosing a place, innermost first (its `within` chain)."""
        chain = self._chains.get(entity.key)
        if chain is not None:
            return chain
        chain, seen, current = [], {entity.key}, entity
        while current.within and current.within not in seen:
            seen.add(current.within)
            parent = self.places(current.within) if self.places else None
            if parent is None:
                # unknown to the lookup: still the direct parent, as the entity says
                parent = Entity(current.within, "place", "", "") if current is entity else None
                if parent is not None:
                    chain.append(parent)
                break
            chain.append(parent)
            current = parent
        if len(self._chains) >= _CACHED_ENTITIES:
            self._chains.clear()               # bounded: minted places keep coming in a long build
            self._registry.clear()             # its entries were written with these chains
        self._chains[entity.key] = chain
        return chain

    # ------------------------------------------------------------------ entities
    def entity_node(self, entity: Entity) -> NamedNode:
        return self.iri.for_entity(entity.category, entity.key)

    def entity_classes(self, entity: Entity, quoted: bool) -> list[str]:
        if entity.quoted_only:
            return [entity.source_kind or "OfficialSource"]
        classes = [entity.kind]
        if entity.category != "source" and quoted:
            classes.append(entity.source_kind or "OfficialSource")
        return classes

    def _entity_triples(self, entity: Entity, node: NamedNode, quoted: bool) -> Iterator[Triple]:
        for cls in self.entity_classes(entity, quoted):
            yield node, T.TYPE, T.ckg(cls)
        yield node, T.LABEL, Literal(entity.label)
        for form in sorted(entity.surface_forms):
            if form != entity.label:
                yield node, T.ALT_LABEL, Literal(form)
        if entity.category == "place":
            if entity.lat is not None and entity.lon is not None:
                yield node, T.LAT, decimal(entity.lat)
                yield node, T.LONG, decimal(entity.lon)
            if entity.within:
                yield node, T.ckg("locatedIn"), self.iri.place(entity.within)

    def registry_quads(self, entity: Entity) -> list[Quad]:
        """Reference facts: the same for every article that mentions the entity (its registry
        entry and, with ``places``, those of the places enclosing it)."""
        return [q for _, entry in self._registry_entries(entity) for q in entry.quads]

    def _registry_entries(self, entity: Entity) -> Iterator[tuple[tuple, RegistryEntry]]:
        """(description, entry) of each registry entry `registry_quads` writes for ``entity``."""
        if entity.article_local:
            return
        yield self._cached_entry(entity)
        if entity.category == "place" and self.places is not None:
            for outer in self.enclosing(entity):
                if outer.kind:
                    yield self._cached_entry(outer)

    def _cached_entry(self, entity: Entity) -> tuple[tuple, RegistryEntry]:
        """`_registry_entry`, made once per entity description: the places of a region come
        up in article after article, each with the same chain of enclosing places."""
        described = (entity.key, entity.category, entity.kind, entity.label, entity.quoted_only,
                     entity.wikidata, entity.geonames, entity.lat, entity.lon, entity.precision_km,
                     entity.within, entity.parent)           # all that _registry_entry reads
        entry = self._registry.get(described)
        if entry is None:
            if len(self._registry) >= _CACHED_ENTITIES:
                self._registry.clear()
            g = self.iri.registry_graph()
            triples = tuple(self._registry_entry(entity))
            entry = self._registry[described] = RegistryEntry(tuple(Quad(s, p, o, g) for s, p, o in triples), triples)
        return described, entry

    def _registry_entry(self, entity: Entity) -> Iterator[Triple]:
        node = self.entity_node(entity)
        if not entity.quoted_only:
            yield node, T.TYPE, T.ckg(entity.kind)
        yield node, T.LABEL, Literal(entity.label)
        if entity.wikidata:
            yield node, T.SAME_AS, NamedNode(T.WIKIDATA + entity.wikidata)
        if entity.geonames:
            yield node, T.SAME_AS, NamedNode(f"{T.GEONAMES}{entity.geonames}/")
        if entity.category == "place":
            if entity.lat is not None and entity.lon is not None:
                yield node, T.LAT, decimal(entity.lat)
                yield node, T.LONG, decimal(entity.lon)
                if entity.precision_km is not None:
                    yield node, T.ckg("coordinatePrecisionKm"), decimal(entity.precision_km)
            if self.places is None:
                if entity.within:
                    yield node, T.ckg("locatedIn"), self.iri.place(entity.within)
            else:
                for outer in self.enclosing(entity):
                    yield node, T.ckg("locatedIn"), self.iri.place(outer.key)
        if entity.parent:
            yield node, T.ckg("parentOrganization"), self.iri.actor(entity.parent)

    # ------------------------------------------------------------------ events
    def event_node(self, article: Article, event: EventFrame) -> NamedNode:
        return self.iri.event(f"{article.id}-{event.id}")

    def event_label(self, event: EventFrame, entities: dict[str, Entity]) -> str:
        parts = [_KIND_LABELS.get(event.type, event.type)]
        if event.places and event.places[0] in entities:
            parts.append(entities[event.places[0]].label)
        if event.time:
            parts.append(event.time.iso())
        return ", ".join(parts)

    def _event_triples(self, ex: Extraction, event: EventFrame, nodes: dict[str, NamedNode],
                       local: dict[str, NamedNode], article: NamedNode) -> Iterator[Triple]:
        node = local[event.id]
        yield node, T.TYPE, T.ckg(event.type)
        yield node, T.LABEL, Literal(self.event_label(event, ex.entities))
        for prop, keys in (("agent", event.agents), ("target", event.targets),
                           ("supporter", event.supporters), ("place", event.places),
                           ("accordingTo", event.sources)):
            for key in keys:
                if key in nodes:
                    yield node, T.ckg(prop), nodes[key]
        if event.time:
            yield node, T.ckg("date"), date_literal(event.time)
            yield node, T.ckg("datePrecision"), Literal(event.time.precision)
        for prop, value in (("killed", event.killed), ("wounded", event.wounded),
                            ("captured", event.captured)):
            if value is not None:
                yield node, T.ckg(prop), integer(value)
        if event.part_of and event.part_of in local:
            yield node, T.ckg("partOf"), local[event.part_of]
        if event.name:
            yield node, T.ckg("name"), Literal(event.name)
        yield node, T.ckg("evidence"), Literal(event.evidence[:1000])
        yield node, T.ckg("reportedIn"), article
        for ref in event.same_as:
            yield node, T.SAME_AS, self.iri.event(ref)
        for n, claim in enumerate(event.claims, 1):
            claim_node = self.iri.claim(ex.article.id, f"{event.id}-c{n}")
            yield claim_node, T.TYPE, T.ckg("CasualtyClaim")
            yield claim_node, T.ckg("about"), node
            if claim.killed is not None:
                yield claim_node, T.ckg("killed"), integer(claim.killed)
            if claim.wounded is not None:
                yield claim_node, T.ckg("wounded"), integer(claim.wounded)
            if claim.source and claim.source in nodes:
                yield claim_node, T.ckg("accordingTo"), nodes[claim.source]

    # ------------------------------------------------------------------ article
    def article_graph_triples(self, ex: Extraction) -> Iterator[Triple]:
        """Everything inside the article's named graph."""
        quoted = {key for event in ex.events for key in event.sources}
        quoted |= {c.source for c in ex.estimates + ex.control if c.source}  # type: ignore[operator]
        quoted |= {c.source for event in ex.events for c in event.claims if c.source}
        nodes = {key: self.entity_node(e) for key, e in ex.entities.items()}
        for key, entity in ex.entities.items():
            yield from self._entity_triples(entity, nodes[key], key in quoted or entity.quoted)
        local = {event.id: self.event_node(ex.article, event) for event in ex.events}
        article = self.iri.article(ex.article.id)
        for event in ex.events:
            yield from self._event_triples(ex, event, nodes, local, article)
        for n, est in enumerate(ex.estimates, 1):
            node = self.iri.claim(ex.article.id, f"strength-{n}")
            yield node, T.TYPE, T.ckg("StrengthEstimate")
            if est.actor in nodes:
                yield node, T.ckg("actor"), nodes[est.actor]
            yield node, T.ckg("count"), integer(est.count)
            if est.place in nodes:
                yield node, T.ckg("place"), nodes[est.place]
            if est.source in nodes:
                yield node, T.ckg("accordingTo"), nodes[est.source]
            yield node, T.ckg("evidence"), Literal(est.evidence[:1000])
        for n, ctl in enumerate(ex.control, 1):
            node = self.iri.claim(ex.article.id, f"control-{n}")
            yield node, T.TYPE, T.ckg("ControlClaim")
            if ctl.actor in nodes:
                yield node, T.ckg("actor"), nodes[ctl.actor]
            if ctl.place in nodes:
                yield node, T.ckg("place"), nodes[ctl.place]
            if ctl.source in nodes:
                yield node, T.ckg("accordingTo"), nodes[ctl.source]
            yield node, T.ckg("evidence"), Literal(ctl.evidence[:1000])

    def article_description_triples(self, article: Article, run: NamedNode | None) -> Iterator[Triple]:
        """The article, its graph and their provenance, in the default graph."""
        a = self.iri.article(article.id)
        g = self.iri.article_graph(article.id)
        yield a, T.TYPE, T.ckg("Article")
        yield a, T.TYPE, T.SCHEMA_NEWS_ARTICLE
        yield a, T.SCHEMA_URL, Literal(article.url)
        if article.title:
            yield a, T.SCHEMA_HEADLINE, Literal(article.title)
        if article.published:
            yield a, T.SCHEMA_DATE_PUBLISHED, Literal(article.published.isoformat(), datatype=T.XSD_DATE)
        if article.language:
            yield a, T.SCHEMA_IN_LANGUAGE, Literal(article.language)
        yield a, T.ckg("contentHash"), Literal(content_hash(article))
        yield g, T.TYPE, T.ckg("ArticleGraph")
        yield g, T.TYPE, T.PROV_ENTITY
        yield g, T.PROV_DERIVED_FROM, a
        if article.outlet:
            outlet = self.iri.outlet(slug(article.outlet))
            yield a, T.SCHEMA_PUBLISHER, outlet
            yield outlet, T.TYPE, T.ckg("NewsOutlet")
            yield outlet, T.LABEL, Literal(article.outlet)
            yield g, T.PROV_ATTRIBUTED_TO, outlet
        if run is not None:
            yield g, T.PROV_GENERATED_BY, run
            yield run, T.PROV_USED, a

    def article_quads(self, ex: Extraction, run: NamedNode | None = None) -> list[Quad]:
        return self.article_graphs(ex, run).quads()

    def article_graphs(self, ex: Extraction, run: NamedNode | None = None) -> ArticleGraphs:
        """The article's triples, graph by graph (`ArticleGraphs.quads` makes them quads)."""
        description = list(self.article_description_triples(ex.article, run))
        content = list(self.article_graph_triples(ex))
        registry: list[Quad] = []
        registry_triples: list[Triple] = []
        # Each registry entry once, though every place in a province brings the province's.
        described: set[tuple] = set()
        for entity in ex.entities.values():
            for entry_of, entry in self._registry_entries(entity):
                if entry_of not in described:
                    described.add(entry_of)
                    registry.extend(entry.quads)
                    registry_triples.extend(entry.triples)
        return ArticleGraphs(self.iri.article_graph(ex.article.id), description, content, registry, registry_triples)

    def same_as_quads(self, article_id: str, links: dict[str, list[str]]) -> Iterator[Quad]:
        """The fusion links of an article mapped before fusion ran (on a Dask worker): the
        same owl:sameAs quads `article_quads` writes for a fused extraction."""
        g = self.iri.article_graph(article_id)
        for ref, others in links.items():
            for other in others:
                yield Quad(self.iri.event(ref), T.SAME_AS, self.iri.event(other), g)


def run_quads(run: NamedNode, version: str, started: datetime, ended: datetime | None,
              inputs: Iterable[str]) -> Iterator[Quad]:
    """A build run as a PROV activity."""
    d = DefaultGraph()
    yield Quad(run, T.TYPE, T.PROV_ACTIVITY, d)
    yield Quad(run, T.TYPE, T.ckg("BuildRun"), d)
    yield Quad(run, T.ckg("softwareVersion"), Literal(version), d)
    yield Quad(run, T.PROV_STARTED, Literal(started.astimezone(timezone.utc).isoformat(), datatype=T.XSD_DATETIME), d)
    if ended:
        yield Quad(run, T.PROV_ENDED, Literal(ended.astimezone(timezone.utc).isoformat(), datatype=T.XSD_DATETIME), d)
    for item in inputs:
        yield Quad(run, T.ckg("input"), Literal(item), d)
