"""SPARQL answers as bytes: the four result formats of SPARQL 1.1 for SELECT and ASK, and RDF
for CONSTRUCT and DESCRIBE.

JSON, XML and CSV/TSV are written with the standard library's json, ElementTree and csv
modules (escaping is theirs); terms go out as the specifications say (TSV in N-Triples syntax).
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as ET

import pyoxigraph as ox

from kg.store import QueryResult

SPARQL_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"


@dataclass(frozen=True)
class ResultFormat:
    name: str                 # the value of the endpoint's ``format`` parameter
    media_type: str


JSON = ResultFormat("json", "application/sparql-results+json")
XML = ResultFormat("xml", "application/sparql-results+xml")
CSV = ResultFormat("csv", "text/csv")
TSV = ResultFormat("tsv", "text/tab-separated-values")
HTML = ResultFormat("html", "text/html")          # rendered by the server, not here
SOLUTION_FORMATS = (JSON, XML, CSV, TSV, HTML)

TURTLE = ResultFormat("ttl", "text/turtle")
N_TRIPLES = ResultFormat("nt", "application/n-triples")
N_QUADS = ResultFormat("nq", "application/n-quads")
JSON_LD = ResultFormat("jsonld", "application/ld+json")
RDF_XML = ResultFormat("rdfxml", "application/rdf+xml")
GRAPH_FORMATS = (TURTLE, N_TRIPLES, JSON_LD, RDF_XML, N_QUADS, HTML)

# Other names clients send for the same formats (Accept types, then ``format`` values).
SOLUTION_ALIASES = {"application/json": JSON, "application/xml": XML, "text/xml": XML,
                    "text/plain": TSV, "application/xhtml+xml": HTML}
GRAPH_ALIASES = {"application/x-turtle": TURTLE, "application/json": JSON_LD,
                 "application/xml": RDF_XML, "text/plain": N_TRIPLES, "application/xhtml+xml": HTML}
FORMAT_NAMES = {
    "json": (JSON, JSON_LD), "xml": (XML, RDF_XML), "csv": (CSV, None), "tsv": (TSV, None),
    "html": (HTML, HTML), "ttl": (None, TURTLE), "turtle": (None, TURTLE), "nt": (None, N_TRIPLES),
    "ntriples": (None, N_TRIPLES), "nq": (None, N_QUADS), "jsonld": (None, JSON_LD),
    "rdfxml": (None, RDF_XML),
}
_OX_GRAPH = {TURTLE: ox.RdfFormat.TURTLE, N_TRIPLES: ox.RdfFormat.N_TRIPLES, N_QUADS: ox.RdfFormat.N_QUADS,
             JSON_LD: ox.RdfFormat.JSON_LD, RDF_XML: ox.RdfFormat.RDF_XML}


def by_name(formats: tuple[ResultFormat, ...], name: str) -> ResultFormat:
    return next(f for f in formats if f.name == name)


def json_term(term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": json_term(term.subject),  # type: ignore[dict-item]
                                            "predicate": json_term(term.predicate),
                                            "object": json_term(term.object)}}
    raise TypeError(f"not an RDF term: {term!r}")


def json_document(result: QueryResult) -> dict[str, Any]:
    if result.kind == "ask":
        return {"head": {}, "boolean": bool(result.boolean)}
    return {"head": {"vars": result.variables}, "results": {"bindings": [
        {var: json_term(value) for var, value in zip(result.variables, row) if value is not None}
        for row in result.rows]}}


def solutions_bytes(result: QueryResult, fmt: ResultFormat) -> bytes:
    """A SELECT or ASK answer in one of the SPARQL 1.1 result formats."""
    if fmt is JSON:
        return json.dumps(json_document(result), ensure_ascii=False).encode("utf-8")
    if fmt is XML:
        return _xml(result)
    if fmt in (CSV, TSV):
        return _delimited(result, fmt is TSV)
    raise ValueError(f"{fmt.name} is not a SPARQL results format")


def graph_bytes(result: QueryResult, fmt: ResultFormat, prefixes: dict[str, str] | None = None) -> bytes:
    """A CONSTRUCT or DESCRIBE answer in an RDF format."""
    ox_format = _OX_GRAPH[fmt]
    triples = result.triples
    if fmt is N_QUADS:
        triples = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    if fmt is TURTLE and prefixes:
        return ox.serialize(triples, format=ox_format, prefixes=prefixes)
    return ox.serialize(triples, format=ox_format)


def _xml(result: QueryResult) -> bytes:
    ET.register_namespace("", SPARQL_RESULTS_NS)
    q = "{" + SPARQL_RESULTS_NS + "}"
    root = ET.Element(q + "sparql")
    head = ET.SubElement(root, q + "head")
    if result.kind == "ask":
        ET.SubElement(root, q + "boolean").text = "true" if result.boolean else "false"
    else:
        for var in result.variables:
            ET.SubElement(head, q + "variable", name=var)
        results = ET.SubElement(root, q + "results")
        for row in result.rows:
            solution = ET.SubElement(results, q + "result")
            for var, value in zip(result.variables, row):
                if value is not None:
                    _xml_term(ET.SubElement(solution, q + "binding", name=var), value, q)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _xml_term(parent: ET.Element, term, q: str) -> None:
    if isinstance(term, ox.NamedNode):
        ET.SubElement(parent, q + "uri").text = term.value
    elif isinstance(term, ox.BlankNode):
        ET.SubElement(parent, q + "bnode").text = term.value
    elif isinstance(term, ox.Literal):
        literal = ET.SubElement(parent, q + "literal")
        literal.text = term.value
        if term.language:
            literal.set("{http://www.w3.org/XML/1998/namespace}lang", term.language)
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            literal.set("datatype", term.datatype.value)
    elif isinstance(term, ox.Triple):
        triple = ET.SubElement(parent, q + "triple")
        for part, value in (("subject", term.subject), ("predicate", term.predicate), ("object", term.object)):
            _xml_term(ET.SubElement(triple, q + part), value, q)


def _delimited(result: QueryResult, tsv: bool) -> bytes:
    out = io.StringIO()
    if tsv:
        # TSV carries terms in their Turtle/N-Triples form, so the text needs no quoting layer.
        if result.kind == "ask":
            out.write("?_askResult\n" + ("true" if result.boolean else "false") + "\n")
        else:
            out.write("\t".join("?" + v for v in result.variables) + "\n")
            for row in result.rows:
                out.write("\t".join("" if v is None else str(v) for v in row) + "\n")
        return out.getvalue().encode("utf-8")
    writer = csv.writer(out, lineterminator="\r\n")
    if result.kind == "ask":
        # CSV has no boolean form in the specification; this is the convention of Jena and others.
        writer.writerows([["_askResult"], ["true" if result.boolean else "false"]])
    else:
        writer.writerow(result.variables)
        for row in result.rows:
            writer.writerow(["" if v is None else _csv_value(v) for v in row])
    return out.getvalue().encode("utf-8")


def _csv_value(term) -> str:
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value
