"""Materialise what the ontology entails, so plain SPARQL finds it without class paths.

Three OWL 2 RL rules, the ones the ontology's data needs (names from the OWL 2 RL profile):

- cax-sco: an instance of a class is an instance of all its superclasses (every
  ckg:Airstrike is a ckg:AerialStrike, a ckg:Operation, a sem:Event and a schema:Event);
- prp-spo1: a statement with a property holds for all its super-properties (every
  ckg:agent is a ckg:participant and a sem:hasActor);
- prp-inv1/2: a statement holds reversed for the inverse property (ckg:participant and
  ckg:participatedIn, ckg:partOf and ckg:hasPart, ckg:locatedIn and ckg:contains).

They run as SPARQL UPDATE inside the store, against the ontology graph the build keeps
there, in one request: one transaction, so a crash leaves the old inferences or the new.
Domain and range typing and transitivity are left out on purpose: typing every ckg:place
object as a place would type places the article never describes, and transitive closures
are one property path away (``ckg:locatedIn+``).

Inferred triples go to one named graph of their own, ``{base}graph/inferred``, never into
the article graphs: queries and tools that expect one asserted type per operation (stats,
fusion read-back, the evaluation) keep seeing the asserted data, queries over the union
default graph see the entailments too, and ``kg reason --drop`` takes them all away. The
graph is recomputed from scratch each time; its description records a digest of the article
graphs it was computed from, so ``kg reason --check`` can tell when a build made it stale.

The engine was chosen by measured speed on the dev corpus; see docs/trust.md.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime, timezone

import pyoxigraph as ox

from kg.rdf import terms as T
from kg.rdf.iris import IriMinter

OWL_INVERSE_OF = T.OWL + "inverseOf"
RDFS_SUBCLASS_OF = T.RDFS + "subClassOf"
RDFS_SUBPROPERTY_OF = T.RDFS + "subPropertyOf"
_GENERATED_AT = T.PROV + "generatedAtTime"


@dataclass
class ReasonReport:
    before: int             # triples in the inferred graph before the run
    inferred: int           # triples in it after
    seconds: float
    graph: str


def inferred_graph(minter: IriMinter) -> ox.NamedNode:
    return ox.NamedNode(minter.base + "graph/inferred")


def _sources(onto: ox.NamedNode, inferred: ox.NamedNode, pattern: str) -> str:
    """``pattern`` matched in the default graph or in any data graph (the ontology excluded)."""
    return (f"{{ {pattern} }} UNION {{ GRAPH ?g {{ {pattern} }} "
            f"FILTER(?g != {onto} && ?g != {inferred}) }} UNION {{ GRAPH {inferred} {{ {pattern} }} }}")


def rule_updates(onto: ox.NamedNode, inferred: ox.NamedNode) -> list[str]:
    """The SPARQL UPDATE operations of one full materialisation, in order.

    Super-properties first, then inverses, then the super-properties of those inverses, so
    a ckg:agent statement yields ckg:participant, sem:hasActor and ckg:participatedIn; types
    last (no rule here makes new types from properties).
    """
    spo = (f"INSERT {{ GRAPH {inferred} {{ ?s ?super ?o }} }} WHERE {{ "
           f"GRAPH {onto} {{ ?p <{RDFS_SUBPROPERTY_OF}>+ ?super FILTER(isIRI(?super) && ?super != ?p) }} "
           + _sources(onto, inferred, "?s ?p ?o") + " }")
    inv = (f"INSERT {{ GRAPH {inferred} {{ ?o ?q ?s }} }} WHERE {{ "
           f"GRAPH {onto} {{ {{ ?p <{OWL_INVERSE_OF}> ?q }} UNION {{ ?q <{OWL_INVERSE_OF}> ?p }} "
           f"FILTER(isIRI(?q)) }} "
           + _sources(onto, inferred, "?s ?p ?o") + " FILTER(!isLiteral(?o)) }")
    sco = (f"INSERT {{ GRAPH {inferred} {{ ?x a ?super }} }} WHERE {{ "
           f"GRAPH {onto} {{ ?c <{RDFS_SUBCLASS_OF}>+ ?super FILTER(isIRI(?super) && ?super != ?c) }} "
           + _sources(onto, inferred, "?x a ?c") + " }")
    return [spo, inv, spo, sco]


def store_digest(store) -> str:
    """What the inferences depend on: each article graph with the run that made it and the
    article's content hash. A rebuild (even a forced one, with the same text) changes it."""
    rows = store.query(f"""
        SELECT ?g ?run ?hash WHERE {{
          ?g <{T.PROV_DERIVED_FROM.value}> ?a .
          OPTIONAL {{ ?g <{T.PROV_GENERATED_BY.value}> ?run }}
          OPTIONAL {{ ?a <{T.CKG}contentHash> ?hash }}
        }}""", union_default_graph=False).rows
    h = hashlib.sha256()
    for row in sorted(tuple(str(t) if t is not None else "" for t in r) for r in rows):
        h.update("\t".join(row).encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def materialise(store, minter: IriMinter) -> ReasonReport:
    """Recompute the inferred graph of ``store`` in one transaction."""
    onto = minter.ontology_graph()
    inferred = inferred_graph(minter)
    started = time.perf_counter()
    before = _size(store, inferred)
    digest = store_digest(store)
    now = datetime.now(timezone.utc).isoformat()
    operations = [
        f"DROP SILENT GRAPH {inferred}",
        f"DELETE WHERE {{ {inferred} ?p ?o }}",
        *rule_updates(onto, inferred),
        f"""INSERT DATA {{
              {inferred} a <{T.PROV_ENTITY.value}> ;
                  <{T.PROV_DERIVED_FROM.value}> {onto} ;
                  <{T.CKG}contentHash> {ox.Literal(digest)} ;
                  <{_GENERATED_AT}> {ox.Literal(now, datatype=T.XSD_DATETIME)} ;
                  <{T.RDFS}comment> "Triples entailed by the ontology (OWL 2 RL rules cax-sco, prp-spo1, prp-inv) from the asserted data; recomputed by kg reason." }}""",
    ]
    store.update(" ;\n".join(operations))
    return ReasonReport(before, _size(store, inferred), time.perf_counter() - started, inferred.value)


def drop(store, minter: IriMinter) -> int:
    """Remove the inferred graph and its description; the number of inferred triples removed."""
    inferred = inferred_graph(minter)
    size = _size(store, inferred)
    store.update(f"DROP SILENT GRAPH {inferred} ;\nDELETE WHERE {{ {inferred} ?p ?o }}")
    return size


def is_stale(store, minter: IriMinter) -> bool | None:
    """True when builds changed the article graphs since the last ``materialise``; None when
    there is no inferred graph."""
    inferred = inferred_graph(minter)
    rows = store.query(f"SELECT ?h WHERE {{ {inferred} <{T.CKG}contentHash> ?h }}",
                       union_default_graph=False).rows
    if not rows:
        return None
    return rows[0][0].value != store_digest(store)


def _size(store, graph: ox.NamedNode) -> int:
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}",
                       union_default_graph=False).rows
    return int(rows[0][0].value)
