"""The dataset described for machines: VoID statistics and a DCAT 3 catalogue entry.

Everything is named under the published base, in the document ``{base}void`` (hash IRIs:
``#dataset``, ``#catalog``, ``#sparql``, ``#dump-nq``), and counted through SPARQL.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg import __version__
from kg.publish.dumps import Dump
from kg.publish.rdfio import DESCRIPTION_PREFIXES
from kg.publish.rebase import Rebase
from kg.rdf import terms as T
from kg.store import Store

DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
FOAF = "http://xmlns.com/foaf/0.1/"
SPDX = "http://spdx.org/rdf/terms#"
IANA = "https://www.iana.org/assignments/media-types/"
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
VOCABULARIES = (T.CKG, T.SCHEMA, T.PROV, T.GEO, T.SKOS, T.RDFS, T.OWL)

VOID_DOCUMENT = "void"
PREFIXES = {**T.PREFIXES, **DESCRIPTION_PREFIXES}


@dataclass(frozen=True)
class DatasetInfo:
    base: str                                  # the published base
    title: str = "conflict-kg dataset"
    description: str = ("Armed-conflict events, actors, places and sources read from news "
                        "articles, one named graph per article.")
    license: str | None = "https://creativecommons.org/licenses/by/4.0/"
    publisher: str | None = None               # a name or an IRI
    sparql_endpoint: str | None = None
    dumps: Sequence[Dump] = field(default_factory=tuple)

    @property
    def document(self) -> str:
        return self.base + VOID_DOCUMENT

    def iri(self, fragment: str) -> ox.NamedNode:
        return ox.NamedNode(f"{self.document}#{fragment}")


_COUNT = "SELECT (COUNT(DISTINCT {var}) AS ?n) WHERE {{ {pattern} }}"
_CLASSES = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c"
_PROPERTIES = """SELECT ?p (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }
GROUP BY ?p ORDER BY ?p"""
_DATES = f"SELECT (MIN(STR(?d)) AS ?start) (MAX(STR(?d)) AS ?end) WHERE {{ ?e <{T.CKG}date> ?d }}"
_RUNS = f"""SELECT ?run (MAX(?t) AS ?time) WHERE {{
  ?run a <{T.PROV}Activity> .
  OPTIONAL {{ ?run <{T.PROV}endedAtTime>|<{T.PROV}startedAtTime> ?t }}
}} GROUP BY ?run ORDER BY ?run"""
_COUNTRIES = f"SELECT DISTINCT ?c WHERE {{ ?c a <{T.CKG}Country> }} ORDER BY ?c"


def _n(store: Store, var: str, pattern: str) -> ox.Literal:
    return _int(int(store.query(_COUNT.format(var=var, pattern=pattern)).rows[0][0].value))


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=T.XSD_INTEGER)


def dataset_description(store: Store, store_base: str, info: DatasetInfo, rebase: Rebase) -> list[ox.Triple]:
    triples: list[ox.Triple] = []

    def add(s, p: str, o) -> None:
        triples.append(ox.Triple(s, ox.NamedNode(p), o))

    def iri(value: str) -> ox.NamedNode:
        return ox.NamedNode(value)

    text = ox.Literal
    dataset, catalog, service = info.iri("dataset"), info.iri("catalog"), info.iri("sparql")
    a = T.RDF + "type"

    add(catalog, a, iri(DCAT + "Catalog"))
    add(catalog, DCT + "title", text(info.title + " catalogue", language="en"))
    add(catalog, DCAT + "dataset", dataset)
    add(catalog, FOAF + "homepage", iri(info.base))

    add(dataset, a, iri(DCAT + "Dataset"))
    add(dataset, a, iri(VOID + "Dataset"))
    add(dataset, DCT + "title", text(info.title, language="en"))
    add(dataset, DCT + "description", text(info.description, language="en"))
    add(dataset, DCAT + "landingPage", iri(info.base))
    add(dataset, DCT + "conformsTo", iri(T.CKG.rstrip("#")))
    for keyword in ("armed conflict", "conflict events", "news", "OSINT", "linked data"):
        add(dataset, DCAT + "keyword", text(keyword, language="en"))
    if info.license:
        add(dataset, DCT + "license", iri(info.license))
    if info.publisher:
        publisher = iri(info.publisher) if info.publisher.startswith(("http://", "https://")) else None
        if publisher is None:
            publisher = info.iri("publisher")
            add(publisher, a, iri(FOAF + "Agent"))
            add(publisher, FOAF + "name", text(info.publisher))
        add(dataset, DCT + "publisher", publisher)

    # Provenance: the build runs that made the data, as recorded in the data itself.
    latest = None
    for run, time in store.query(_RUNS).rows:
        add(dataset, T.PROV + "wasGeneratedBy", rebase.term(run))
        if time is not None and (latest is None or time.value > latest.value):
            latest = time
    if latest is not None:
        add(dataset, DCT + "modified", latest)
    statement = info.iri("provenance")
    add(dataset, DCT + "provenance", statement)
    add(statement, a, iri(DCT + "ProvenanceStatement"))
    add(statement, T.RDFS + "label", text(
        f"Built with conflict-kg {__version__} from news articles by rule-based extraction. Each "
        "article's statements are in a named graph described with PROV-O (derived from the "
        "article, attributed to its outlet, generated by a build run); reports that disagree "
        "are kept side by side.", language="en"))

    start, end = store.query(_DATES).rows[0]
    if start is not None and end is not None:
        period = info.iri("period")
        add(dataset, DCT + "temporal", period)
        add(period, a, iri(DCT + "PeriodOfTime"))
        add(period, DCAT + "startDate", _date(start.value))
        add(period, DCAT + "endDate", _date(end.value))
    for (country,) in store.query(_COUNTRIES).rows:
        add(dataset, DCT + "spatial", rebase.term(country))

    # VoID statistics.
    add(dataset, VOID + "triples", _int(store.count()))
    space = (store_base + "id/").replace("\\", "\\\\").replace('"', '\\"')
    add(dataset, VOID + "entities", _n(store, "?s", f'?s ?p ?o FILTER(STRSTARTS(STR(?s), "{space}"))'))
    add(dataset, VOID + "distinctSubjects", _n(store, "?s", "?s ?p ?o"))
    add(dataset, VOID + "distinctObjects", _n(store, "?o", "?s ?p ?o"))
    add(dataset, VOID + "properties", _n(store, "?p", "?s ?p ?o"))
    add(dataset, VOID + "classes", _n(store, "?c", "?s a ?c"))
    add(dataset, VOID + "uriSpace", text(info.base + "id/"))
    add(dataset, VOID + "feature", iri("http://www.w3.org/ns/formats/N-Quads"))
    add(dataset, VOID + "feature", iri("http://www.w3.org/ns/formats/Turtle"))
    for vocabulary in VOCABULARIES:
        add(dataset, VOID + "vocabulary", iri(vocabulary))
    for cls, n in store.query(_CLASSES).rows:
        if isinstance(cls, ox.NamedNode):
            partition = info.iri("class-" + _fragment(cls.value))
            add(dataset, VOID + "classPartition", partition)
            add(partition, VOID + "class", rebase.term(cls))
            add(partition, VOID + "entities", _int(int(n.value)))
    for prop, n in store.query(_PROPERTIES, union_default_graph=False).rows:
        partition = info.iri("property-" + _fragment(prop.value))
        add(dataset, VOID + "propertyPartition", partition)
        add(partition, VOID + "property", prop)
        add(partition, VOID + "triples", _int(int(n.value)))

    if info.sparql_endpoint:
        endpoint = iri(info.sparql_endpoint)
        add(dataset, VOID + "sparqlEndpoint", endpoint)
        add(catalog, DCAT + "service", service)
        add(service, a, iri(DCAT + "DataService"))
        add(service, DCT + "title", text("SPARQL 1.1 endpoint (read-only)", language="en"))
        add(service, DCAT + "endpointURL", endpoint)
        add(service, DCAT + "servesDataset", dataset)
        add(service, DCT + "conformsTo", iri(SPARQL_PROTOCOL))
        if info.license:
            add(service, DCT + "license", iri(info.license))

    for dump in info.dumps:
        extension = dump.path.rsplit(".", 2)[-2]
        distribution = info.iri(f"dump-{extension}")
        url = iri(info.base + dump.path)
        add(dataset, VOID + "dataDump", url)
        add(dataset, DCAT + "distribution", distribution)
        add(distribution, a, iri(DCAT + "Distribution"))
        add(distribution, DCT + "title", text(dump.title, language="en"))
        add(distribution, DCAT + "downloadURL", url)
        add(distribution, DCAT + "accessURL", url)
        add(distribution, DCAT + "mediaType", iri(IANA + dump.representation.media_type))
        add(distribution, DCAT + "compressFormat", iri(IANA + "application/gzip"))
        add(distribution, DCAT + "byteSize", ox.Literal(str(dump.byte_size), datatype=ox.NamedNode(T.XSD + "nonNegativeInteger")))
        if info.license:
            add(distribution, DCT + "license", iri(info.license))
        checksum = info.iri(f"dump-{extension}-checksum")
        add(distribution, SPDX + "checksum", checksum)
        add(checksum, a, iri(SPDX + "Checksum"))
        add(checksum, SPDX + "algorithm", iri(SPDX + "checksumAlgorithm_sha256"))
        add(checksum, SPDX + "checksumValue", ox.Literal(dump.sha256, datatype=ox.NamedNode(T.XSD + "hexBinary")))
    return triples


def _fragment(iri: str) -> str:
    """A stable fragment for a partition: the compact IRI with other characters as '-'."""
    for name, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns):
            iri = f"{name}-{iri[len(ns):]}"
            break
    return re.sub(r"[^A-Za-z0-9_-]+", "-", iri).strip("-")


def _date(lexical: str) -> ox.Literal:
    datatype = {4: T.XSD_GYEAR, 7: T.XSD_GYEARMONTH}.get(len(lexical), T.XSD_DATE)
    return ox.Literal(lexical, datatype=datatype)
