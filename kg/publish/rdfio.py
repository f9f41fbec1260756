"""Writing RDF for publication: one boundary, pyoxigraph terms in and bytes out.

Turtle, N-Triples and N-Quads come from pyoxigraph. JSON-LD comes from rdflib, because it
compacts with a context (``"@id": "actor:northern-guard"``) where pyoxigraph writes expanded
form; rdflib receives N-Triples text, so no term conversion code is needed.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
import rdflib

from kg.publish.negotiation import JSON_LD, N_QUADS, N_TRIPLES, TURTLE, Representation
from kg.rdf import terms as T

# Vocabularies of the dataset description (VoID, DCAT) besides the model's own.
DESCRIPTION_PREFIXES = {
    "dct": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "spdx": "http://spdx.org/rdf/terms#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
}

# Prefixes for the resource IRI spaces of docs/rdf-model.md, under a given base.
_RESOURCE_PREFIXES = {
    "actor": "id/actor/", "place": "id/place/", "source": "id/source/", "outlet": "id/outlet/",
    "event": "id/event/", "claim": "id/claim/", "article": "id/article/", "run": "id/run/",
    "graph": "graph/article/",
}

_OX_FORMATS = {TURTLE: ox.RdfFormat.TURTLE, N_TRIPLES: ox.RdfFormat.N_TRIPLES}


def prefixes_for(base: str) -> dict[str, str]:
    """Every prefix a published document may use, with the resource spaces under ``base``."""
    prefixes = dict(T.PREFIXES)
    prefixes.update(DESCRIPTION_PREFIXES)
    prefixes.update({name: base + path for name, path in _RESOURCE_PREFIXES.items()})
    return prefixes


def unique_triples(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    """The triples of some quads with graph names dropped, each once, in a stable order."""
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
    return sorted(triples, key=str)


def serialize(quads: Iterable[ox.Quad], representation: Representation,
              prefixes: dict[str, str]) -> bytes:
    """Quads in one of the RDF representations. Triple formats merge the graphs; N-Quads keeps
    the graph of every statement, so who said what survives."""
    quads = list(quads)
    if representation is N_QUADS:
        return ox.serialize(sorted(set(quads), key=str), format=ox.RdfFormat.N_QUADS)
    triples = unique_triples(quads)
    if representation is JSON_LD:
        return json.dumps(jsonld_document(triples, prefixes), ensure_ascii=False, indent=1).encode("utf-8")
    fmt = _OX_FORMATS.get(representation)
    if fmt is None:
        raise ValueError(f"{representation.name} is not an RDF serialization")
    used = _used_prefixes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8"), prefixes) \
        if fmt is ox.RdfFormat.TURTLE else None
    return ox.serialize(triples, format=fmt, prefixes=used) if used else ox.serialize(triples, format=fmt)


def jsonld_document(triples: Iterable[ox.Triple], prefixes: dict[str, str]) -> dict[str, Any]:
    """Compact JSON-LD (a ``@context`` of the prefixes in use and a ``@graph``) as a dict."""
    ntriples = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    graph = rdflib.Graph()
    graph.parse(data=ntriples, format="nt")
    context = _used_prefixes(ntriples, prefixes)
    document = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    if not isinstance(document, dict):           # an empty graph serializes as []
        document = {"@context": context, "@graph": document}
    return document


def _used_prefixes(ntriples: str, prefixes: dict[str, str]) -> dict[str, str]:
    # Longest namespaces first, so "graph:" (graph/article/) is not shadowed by a shorter one.
    return {name: ns for name, ns in sorted(prefixes.items(), key=lambda kv: -len(kv[1]))
            if "<" + ns in ntriples}
