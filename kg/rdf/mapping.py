"""Extraction -> quads. The only module that turns extracted values into RDF.

One named graph per article holds everything the article says; the default graph describes
the article, its graph and the run (PROV-O); the registry graph holds reference facts about
canonical entities (labels, coordinates, identifiers), identical whichever article brings them.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone

from pyoxigraph import Literal, NamedNode, Quad, DefaultGraph

from kg.model import Article, Entity, EventFrame, Extraction, TimeValue
from kg.rdf import terms as T
from kg.rdf.iris import IriMinter, slug

_DATE_TYPES = {"day": T.XSD_DATE, "month": T.XSD_GYEARMONTH, "year": T.XSD_GYEAR}
# Entities whose enclosing chains and registry quads an ArticleMapper keeps (a few MB).
_CACHED_ENTITIES = 16_384
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
        self._registry: dict[tuple, tuple[Quad, ...]] = {}

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

    def _entity_quads(self, entity: Entity, quoted: bool, g: NamedNode) -> Iterator[Quad]:
        node = self.entity_node(entity)
        for cls in self.entity_classes(entity, quoted):
            yield Quad(node, T.TYPE, T.ckg(cls), g)
        yield Quad(node, T.LABEL, Literal(entity.label), g)
        for form in sorted(entity.surface_forms):
            if form != entity.label:
                yield Quad(node, T.ALT_LABEL, Literal(form), g)
        if entity.category == "place":
            if entity.lat is not None and entity.lon is not None:
                yield Quad(node, T.LAT, decimal(entity.lat), g)
                yield Quad(node, T.LONG, decimal(entity.lon), g)
            if entity.within:
                yield Quad(node, T.ckg("locatedIn"), self.iri.place(entity.within), g)

    def registry_quads(self, entity: Entity) -> list[Quad]:
        """Reference facts: the same for every article that mentions the entity (its registry
        entry and, with ``places``, those of the places enclosing it)."""
        return [q for _, entry in self._registry_entries(entity) for q in entry]

    def _registry_entries(self, entity: Entity) -> Iterator[tuple[tuple, tuple[Quad, ...]]]:
        """(description, quads) of each registry entry `registry_quads` writes for ``entity``."""
        if entity.article_local:
            return
        yield self._cached_entry(entity)
        if entity.category == "place" and self.places is not None:
            for outer in self.enclosing(entity):
                if outer.kind:
                    yield self._cached_entry(outer)

    def _cached_entry(self, entity: Entity) -> tuple[tuple, tuple[Quad, ...]]:
        """`_registry_entry`, made once per entity description: the places of a region come
        up in article after article, each with the same chain of enclosing places."""
        described = (entity.key, entity.category, entity.kind, entity.label, entity.quoted_only,
                     entity.wikidata, entity.geonames, entity.lat, entity.lon, entity.precision_km,
                     entity.within, entity.parent)           # all that _registry_entry reads
        quads = self._registry.get(described)
        if quads is None:
            if len(self._registry) >= _CACHED_ENTITIES:
                self._registry.clear()
            quads = self._registry[described] = tuple(self._registry_entry(entity))
        return described, quads

    def _registry_entry(self, entity: Entity) -> Iterator[Quad]:
        g = self.iri.registry_graph()
        node = self.entity_node(entity)
        if not entity.quoted_only:
            yield Quad(node, T.TYPE, T.ckg(entity.kind), g)
        yield Quad(node, T.LABEL, Literal(entity.label), g)
        if entity.wikidata:
            yield Quad(node, T.SAME_AS, NamedNode(T.WIKIDATA + entity.wikidata), g)
        if entity.geonames:
            yield Quad(node, T.SAME_AS, NamedNode(f"{T.GEONAMES}{entity.geonames}/"), g)
        if entity.category == "place":
            if entity.lat is not None and entity.lon is not None:
                yield Quad(node, T.LAT, decimal(entity.lat), g)
                yield Quad(node, T.LONG, decimal(entity.lon), g)
                if entity.precision_km is not None:
                    yield Quad(node, T.ckg("coordinatePrecisionKm"), decimal(entity.precision_km), g)
            if self.places is None:
                if entity.within:
                    yield Quad(node, T.ckg("locatedIn"), self.iri.place(entity.within), g)
            else:
                for outer in self.enclosing(entity):
                    yield Quad(node, T.ckg("locatedIn"), self.iri.place(outer.key), g)
        if entity.parent:
            yield Quad(node, T.ckg("parentOrganization"), self.iri.actor(entity.parent), g)

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

    def _event_quads(self, ex: Extraction, event: EventFrame, g: NamedNode,
                     nodes: dict[str, NamedNode], local: dict[str, NamedNode]) -> Iterator[Quad]:
        node = local[event.id]
        yield Quad(node, T.TYPE, T.ckg(event.type), g)
        yield Quad(node, T.LABEL, Literal(self.event_label(event, ex.entities)), g)
        for prop, keys in (("agent", event.agents), ("target", event.targets),
                           ("supporter", event.supporters), ("place", event.places),
                           ("accordingTo", event.sources)):
            for key in keys:
                if key in nodes:
                    yield Quad(node, T.ckg(prop), nodes[key], g)
        if event.time:
            yield Quad(node, T.ckg("date"), date_literal(event.time), g)
            yield Quad(node, T.ckg("datePrecision"), Literal(event.time.precision), g)
        for prop, value in (("killed", event.killed), ("wounded", event.wounded),
                            ("captured", event.captured)):
            if value is not None:
                yield Quad(node, T.ckg(prop), integer(value), g)
        if event.part_of and event.part_of in local:
            yield Quad(node, T.ckg("partOf"), local[event.part_of], g)
        if event.name:
            yield Quad(node, T.ckg("name"), Literal(event.name), g)
        yield Quad(node, T.ckg("evidence"), Literal(event.evidence[:1000]), g)
        yield Quad(node, T.ckg("reportedIn"), self.iri.article(ex.article.id), g)
        for ref in event.same_as:
            yield Quad(node, T.SAME_AS, self.iri.event(ref), g)
        for n, claim in enumerate(event.claims, 1):
            claim_node = self.iri.claim(ex.article.id, f"{event.id}-c{n}")
            yield Quad(claim_node, T.TYPE, T.ckg("CasualtyClaim"), g)
            yield Quad(claim_node, T.ckg("about"), node, g)
            if claim.killed is not None:
                yield Quad(claim_node, T.ckg("killed"), integer(claim.killed), g)
            if claim.wounded is not None:
                yield Quad(claim_node, T.ckg("wounded"), integer(claim.wounded), g)
            if claim.source and claim.source in nodes:
                yield Quad(claim_node, T.ckg("accordingTo"), nodes[claim.source], g)

    # ------------------------------------------------------------------ article
    def article_graph_quads(self, ex: Extraction) -> Iterator[Quad]:
        """Everything inside the article's named graph."""
        g = self.iri.article_graph(ex.article.id)
        quoted = {key for event in ex.events for key in event.sources}
        quoted |= {c.source for c in ex.estimates + ex.control if c.source}  # type: ignore[operator]
        quoted |= {c.source for event in ex.events for c in event.claims if c.source}
        nodes = {key: self.entity_node(e) for key, e in ex.entities.items()}
        for key, entity in ex.entities.items():
            yield from self._entity_quads(entity, key in quoted or entity.quoted, g)
        local = {event.id: self.event_node(ex.article, event) for event in ex.events}
        for event in ex.events:
            yield from self._event_quads(ex, event, g, nodes, local)
        for n, est in enumerate(ex.estimates, 1):
            node = self.iri.claim(ex.article.id, f"strength-{n}")
            yield Quad(node, T.TYPE, T.ckg("StrengthEstimate"), g)
            if est.actor in nodes:
                yield Quad(node, T.ckg("actor"), nodes[est.actor], g)
            yield Quad(node, T.ckg("count"), integer(est.count), g)
            if est.place in nodes:
                yield Quad(node, T.ckg("place"), nodes[est.place], g)
            if est.source in nodes:
                yield Quad(node, T.ckg("accordingTo"), nodes[est.source], g)
            yield Quad(node, T.ckg("evidence"), Literal(est.evidence[:1000]), g)
        for n, ctl in enumerate(ex.control, 1):
            node = self.iri.claim(ex.article.id, f"control-{n}")
            yield Quad(node, T.TYPE, T.ckg("ControlClaim"), g)
            if ctl.actor in nodes:
                yield Quad(node, T.ckg("actor"), nodes[ctl.actor], g)
            if ctl.place in nodes:
                yield Quad(node, T.ckg("place"), nodes[ctl.place], g)
            if ctl.source in nodes:
                yield Quad(node, T.ckg("accordingTo"), nodes[ctl.source], g)
            yield Quad(node, T.ckg("evidence"), Literal(ctl.evidence[:1000]), g)

    def article_description_quads(self, article: Article, run: NamedNode | None) -> Iterator[Quad]:
        """The article, its graph and their provenance, in the default graph."""
        d = DefaultGraph()
        a = self.iri.article(article.id)
        g = self.iri.article_graph(article.id)
        yield Quad(a, T.TYPE, T.ckg("Article"), d)
        yield Quad(a, T.TYPE, T.SCHEMA_NEWS_ARTICLE, d)
        yield Quad(a, T.SCHEMA_URL, Literal(article.url), d)
        if article.title:
            yield Quad(a, T.SCHEMA_HEADLINE, Literal(article.title), d)
        if article.published:
            yield Quad(a, T.SCHEMA_DATE_PUBLISHED, Literal(article.published.isoformat(), datatype=T.XSD_DATE), d)
        if article.language:
            yield Quad(a, T.SCHEMA_IN_LANGUAGE, Literal(article.language), d)
        yield Quad(a, T.ckg("contentHash"), Literal(content_hash(article)), d)
        yield Quad(g, T.TYPE, T.ckg("ArticleGraph"), d)
        yield Quad(g, T.TYPE, T.PROV_ENTITY, d)
        yield Quad(g, T.PROV_DERIVED_FROM, a, d)
        if article.outlet:
            outlet = self.iri.outlet(slug(article.outlet))
            yield Quad(a, T.SCHEMA_PUBLISHER, outlet, d)
            yield Quad(outlet, T.TYPE, T.ckg("NewsOutlet"), d)
            yield Quad(outlet, T.LABEL, Literal(article.outlet), d)
            yield Quad(g, T.PROV_ATTRIBUTED_TO, outlet, d)
        if run is not None:
            yield Quad(g, T.PROV_GENERATED_BY, run, d)
            yield Quad(run, T.PROV_USED, a, d)

    def article_quads(self, ex: Extraction, run: NamedNode | None = None) -> list[Quad]:
        quads = list(self.article_description_quads(ex.article, run))
        quads.extend(self.article_graph_quads(ex))
        # Each registry entry once, though every place in a province brings the province's.
        described: set[tuple] = set()
        for entity in ex.entities.values():
            for description, entry in self._registry_entries(entity):
                if description not in described:
                    described.add(description)
                    quads.extend(entry)
        return quads

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
