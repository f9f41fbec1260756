"""Vocabulary terms as pyoxigraph nodes: the one place namespace strings live."""
from __future__ import annotations

import functools

from pyoxigraph import NamedNode

CKG = "https://w3id.org/conflict-kg/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "http://schema.org/"
PROV = "http://www.w3.org/ns/prov#"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
WIKIDATA = "http://www.wikidata.org/entity/"
GEONAMES = "https://sws.geonames.org/"

PREFIXES: dict[str, str] = {
    "ckg": CKG, "rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "skos": SKOS,
    "schema": SCHEMA, "prov": PROV, "geo": GEO, "wd": WIKIDATA, "gn": GEONAMES,
}


@functools.lru_cache(maxsize=1024)
def ckg(local: str) -> NamedNode:
    """A term of the ontology (cached: mapping asks for the same few classes and properties
    hundreds of times an article, and pyoxigraph checks each IRI it is given)."""
    return NamedNode(CKG + local)


TYPE = NamedNode(RDF + "type")
LABEL = NamedNode(RDFS + "label")
ALT_LABEL = NamedNode(SKOS + "altLabel")
SAME_AS = NamedNode(OWL + "sameAs")
LAT = NamedNode(GEO + "lat")
LONG = NamedNode(GEO + "long")

XSD_DATE = NamedNode(XSD + "date")
XSD_GYEARMONTH = NamedNode(XSD + "gYearMonth")
XSD_GYEAR = NamedNode(XSD + "gYear")
XSD_INTEGER = NamedNode(XSD + "integer")
XSD_DECIMAL = NamedNode(XSD + "decimal")
XSD_DATETIME = NamedNode(XSD + "dateTime")

SCHEMA_URL = NamedNode(SCHEMA + "url")
SCHEMA_HEADLINE = NamedNode(SCHEMA + "headline")
SCHEMA_DATE_PUBLISHED = NamedNode(SCHEMA + "datePublished")
SCHEMA_PUBLISHER = NamedNode(SCHEMA + "publisher")
SCHEMA_IN_LANGUAGE = NamedNode(SCHEMA + "inLanguage")
SCHEMA_NEWS_ARTICLE = NamedNode(SCHEMA + "NewsArticle")

PROV_ENTITY = NamedNode(PROV + "Entity")
PROV_ACTIVITY = NamedNode(PROV + "Activity")
PROV_DERIVED_FROM = NamedNode(PROV + "wasDerivedFrom")
PROV_ATTRIBUTED_TO = NamedNode(PROV + "wasAttributedTo")
PROV_GENERATED_BY = NamedNode(PROV + "wasGeneratedBy")
PROV_USED = NamedNode(PROV + "used")
PROV_STARTED = NamedNode(PROV + "startedAtTime")
PROV_ENDED = NamedNode(PROV + "endedAtTime")
