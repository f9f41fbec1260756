"""Materialise what the ontology entails, so plain SPARQL finds it without class paths.

Three OWL 2 RL rules, the ones the ontology's data needs (names from the OWL 2 RL profile):

- cax-sco: an instance of a class is an instance of all its superclasses (every
  ckg:Airstrike is a ckg:AerialStrike, a ckg:Operation, a sem:Event and a schema:Event);
- prp-spo1: a statement with a property holds for all its super-properties (every
  ckg:agent is a ckg:participant and a sem:hasActor);
- prp-inv1/2: a statement holds reversed for the inverse property (ckg:participant and
  ckg:participatedIn, ckg:partOf and ckg:hasPart, ckg:locatedIn and ckg:contains).

The store does the joins (a SPARQL CONSTRUCT per rule against the ontology graph the build
keeps in it); the property rules are closed in Python over the small property hierarchy; the
result replaces the inferred graph in one store transaction (``replace_article``), so a
crash leaves the old inferences or the new, never half of them.
Domain and range typing and transitivity are left out on purpose: typing every ckg:place
object as a place would type places the article never describes, and transitive closures
are one property path away (``ckg:locatedIn+``).

Inferred triples go to one named graph of their own, ``{base}graph/inferred``, never into
the article graphs: queries and tools that expect one asserted type per operation (stats,
fusion read-back, the evaluation) keep seeing the asserted data, queries over the union
default graph see the entailments too, and ``kg reason --drop`` takes them all away. The
graph is recomputed from scratch each time; its description records a digest of the article
graphs it was computed from (dcterms:identifier), so ``kg reason --check`` can tell when a build made it stale.

The engine was chosen by measured speed on the dev corpus; see docs/trust.md.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone

import pyoxigraph as ox

from kg.rdf import terms as T
from kg.rdf.iris import IriMinter
from kg.store.base import store_fingerprint

OWL_INVERSE_OF = T.OWL + "inverseOf"
RDFS_SUBCLASS_OF = T.RDFS + "subClassOf"
RDFS_SUBPROPERTY_OF = T.RDFS + "subPropertyOf"
_GENERATED_AT = T.PROV + "generatedAtTime"
# The digest of the article graphs the inferences were computed from. Not ckg:contentHash:
# its rdfs:domain is ckg:Article, and a reasoner would conclude the graph is an article.
_IDENTIFIER = ox.NamedNode("http://purl.org/dc/terms/identifier")


class ReasonError(RuntimeError):
    """The store cannot be reasoned over (no ontology graph in it)."""


@dataclass
class ReasonReport:
    before: int             # triples in the inferred graph before the run
    inferred: int           # triples in it after
    seconds: float
    graph: str


def inferred_graph(minter: IriMinter) -> ox.NamedNode:
    return ox.NamedNode(minter.base + "graph/inferred")


def _sources(onto: ox.NamedNode, inferred: ox.NamedNode, pattern: str) -> str:
    """``pattern`` matched in the default graph or in any data graph (not the ontology, not
    earlier inferences)."""
    return (f"{{ {pattern} }} UNION {{ GRAPH ?g {{ {pattern} }} "
            f"FILTER(?g != {onto} && ?g != {inferred}) }}")


def _hierarchy(store, onto: ox.NamedNode, predicate: str) -> dict[ox.NamedNode, set[ox.NamedNode]]:
    """term -> all its strict super-terms along ``predicate`` in the ontology graph."""
    rows = store.query(f"""SELECT ?a ?b WHERE {{ GRAPH {onto} {{ ?a <{predicate}>+ ?b }}
                           FILTER(isIRI(?a) && isIRI(?b) && ?a != ?b) }}""",
                       union_default_graph=False).rows
    found: dict[ox.NamedNode, set[ox.NamedNode]] = {}
    for a, b in rows:
        found.setdefault(a, set()).add(b)
    return found


def _inverses(store, onto: ox.NamedNode) -> dict[ox.NamedNode, set[ox.NamedNode]]:
    rows = store.query(f"""SELECT ?a ?b WHERE {{ GRAPH {onto} {{ ?a <{OWL_INVERSE_OF}> ?b }}
                           FILTER(isIRI(?a) && isIRI(?b)) }}""", union_default_graph=False).rows
    found: dict[ox.NamedNode, set[ox.NamedNode]] = {}
    for a, b in rows:
        found.setdefault(a, set()).add(b)
        found.setdefault(b, set()).add(a)
    return found


def inferred_triples(store, onto: ox.NamedNode, inferred: ox.NamedNode) -> set[ox.Triple]:
    """Everything the three rules entail from the store's data that is not asserted as such."""
    supers = _hierarchy(store, onto, RDFS_SUBPROPERTY_OF)
    inverses = _inverses(store, onto)
    out: set[ox.Triple] = set()
    # cax-sco: the store joins instances with the class tree.
    types = store.query(f"""CONSTRUCT {{ ?x a ?super }} WHERE {{
        GRAPH {onto} {{ ?c <{RDFS_SUBCLASS_OF}>+ ?super FILTER(isIRI(?super) && ?super != ?c) }}
        {_sources(onto, inferred, "?x a ?c")} }}""", union_default_graph=False)
    out.update(types.triples)
    # prp-spo1 and prp-inv1/2, closed together: the statements with a property that has a
    # super-property or an inverse, then both rules until nothing new comes.
    wanted = set(supers) | set(inverses)
    if wanted:
        values = " ".join(str(p) for p in sorted(wanted, key=lambda p: p.value))
        rows = store.query(f"""SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }}
                               {_sources(onto, inferred, "?s ?p ?o")} }}""",
                           union_default_graph=False).rows
        todo = [ox.Triple(s, p, o) for s, p, o in rows]
        seen = set(todo)
        while todo:
            t = todo.pop()
            derived = [ox.Triple(t.subject, sp, t.object) for sp in supers.get(t.predicate, ())]
            if not isinstance(t.object, ox.Literal):
                derived += [ox.Triple(t.object, q, t.subject) for q in inverses.get(t.predicate, ())]
            # Everything derived is kept, also when the data states it too: on a server whose
            # default graph is the union of all graphs, the starting statements include the
            # previous inferences, which must not drop out of the new ones.
            out.update(derived)
            for d in derived:
                if d not in seen:
                    seen.add(d)
                    todo.append(d)
    return out


def materialise(store, minter: IriMinter) -> ReasonReport:
    """Recompute the inferred graph of ``store``; it replaces the old one in one transaction."""
    onto = minter.ontology_graph()
    inferred = inferred_graph(minter)
    if not store.query(f"ASK {{ GRAPH {onto} {{ ?s ?p ?o }} }}", union_default_graph=False).boolean:
        raise ReasonError(f"the store has no ontology graph ({onto.value}); build articles into it first")
    started = time.perf_counter()
    before = _size(store, inferred)
    triples = inferred_triples(store, onto, inferred)
    d = ox.DefaultGraph()
    quads = [ox.Quad(t.subject, t.predicate, t.object, inferred) for t in triples]
    quads += [
        ox.Quad(inferred, T.TYPE, T.PROV_ENTITY, d),
        ox.Quad(inferred, T.PROV_DERIVED_FROM, onto, d),
        ox.Quad(inferred, _IDENTIFIER, ox.Literal(store_fingerprint(store)), d),
        ox.Quad(inferred, ox.NamedNode(_GENERATED_AT),
                ox.Literal(datetime.now(timezone.utc).isoformat(), datatype=T.XSD_DATETIME), d),
        ox.Quad(inferred, ox.NamedNode(T.RDFS + "comment"), ox.Literal(
            "Triples the ontology entails from the asserted data (OWL 2 RL rules cax-sco, "
            "prp-spo1, prp-inv1/2), recomputed by `kg reason`."), d),
    ]
    store.replace_article(inferred, inferred, quads)
    store.flush()
    return ReasonReport(before, len(triples), time.perf_counter() - started, inferred.value)


def drop(store, minter: IriMinter) -> int:
    """Remove the inferred graph and its description; the number of inferred triples removed."""
    inferred = inferred_graph(minter)
    size = _size(store, inferred)
    store.remove_article(inferred, inferred)
    return size


def is_stale(store, minter: IriMinter) -> bool | None:
    """True when builds changed the article graphs since the last ``materialise``; None when
    there is no inferred graph."""
    inferred = inferred_graph(minter)
    rows = store.query(f"SELECT ?h WHERE {{ {inferred} {_IDENTIFIER} ?h }}",
                       union_default_graph=False).rows
    if not rows:
        return None
    return rows[0][0].value != store_fingerprint(store)


def _size(store, graph: ox.NamedNode) -> int:
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}",
                       union_default_graph=False).rows
    return int(rows[0][0].value)
