"""Writing RDF for publication: one boundary, pyoxigraph terms in and bytes out.

Turtle, N-Triples and N-Quads come from pyoxigraph. JSON-LD is written here, in compact form
with a context (``"@id": "actor:northern-guard"``), where pyoxigraph writes expanded form; it
is simple to write because every published document is a flat set of triples.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

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

RDF_TYPE = T.RDF + "type"
XSD_STRING = T.XSD + "string"
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
    """Compact JSON-LD as a dict: a ``@context`` of the prefixes in use and a ``@graph`` of one
    node object per subject. Literals keep their exact lexical form (``"@value"`` strings with
    ``"@type"``), never JSON numbers, so reading the document back gives the same triples."""
    triples = list(triples)
    ntriples = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    context = _used_prefixes(ntriples, prefixes)
    ordered = sorted(context.items(), key=lambda kv: -len(kv[1]))

    def compact(iri: str) -> str:
        for name, ns in ordered:
            if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns):].startswith("/"):
                return f"{name}:{iri[len(ns):]}"
        return iri

    def reference(term) -> str:
        return "_:" + term.value if isinstance(term, ox.BlankNode) else compact(term.value)

    def value(term) -> Any:
        if isinstance(term, ox.Literal):
            if term.language:
                return {"@value": term.value, "@language": term.language}
            if term.datatype.value == XSD_STRING:
                return term.value
            return {"@value": term.value, "@type": compact(term.datatype.value)}
        if isinstance(term, ox.Triple):
            raise ValueError("RDF-star triples have no JSON-LD 1.1 form")
        return {"@id": reference(term)}

    nodes: dict[str, dict[str, Any]] = {}
    for t in triples:
        node = nodes.setdefault(reference(t.subject), {"@id": reference(t.subject)})
        if t.predicate.value == RDF_TYPE and not isinstance(t.object, ox.Literal):
            node.setdefault("@type", []).append(reference(t.object))
        else:
            node.setdefault(compact(t.predicate.value), []).append(value(t.object))
    graph = []
    for key in sorted(nodes):
        node = nodes[key]
        graph.append({k: (v[0] if isinstance(v, list) and len(v) == 1 else v) for k, v in node.items()})
    return {"@context": context, "@graph": graph}


def _used_prefixes(ntriples: str, prefixes: dict[str, str]) -> dict[str, str]:
    # Longest namespaces first, so "graph:" (graph/article/) is not shadowed by a shorter one.
    return {name: ns for name, ns in sorted(prefixes.items(), key=lambda kv: -len(kv[1]))
            if "<" + ns in ntriples}
