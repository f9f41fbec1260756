"""One SHACL validation result, the same whichever engine found it."""
from __future__ import annotations

from dataclasses import dataclass

SH = "http://www.w3.org/ns/shacl#"

# sh:Violation, sh:Warning, sh:Info by their local names, most severe first.
SEVERITIES: tuple[str, ...] = ("Violation", "Warning", "Info")


@dataclass(frozen=True, order=True)
class ShapeResult:
    """A node that fails a constraint of a shape.

    Terms are written in N-Triples syntax (``<iri>``, ``_:b0``, ``"5"^^<...#integer>``), so
    results from pySHACL (rdflib terms) and from the compiled engine (pyoxigraph terms)
    compare equal when they say the same thing.
    """

    focus: str
    shape: str                  # IRI (or blank node id) of the shape that holds the constraint
    component: str              # constraint component, local name: "MinCountConstraintComponent"
    severity: str               # "Violation", "Warning" or "Info"
    path: str | None = None     # the property path as written in the shape, None for node shapes
    value: str | None = None    # the offending value node, None for count constraints
    message: str = ""
    graph: str | None = None    # the named graph validated (set by whole-store validation)

    @property
    def severe(self) -> bool:
        """A violation: the build rejects an article graph that has one (see ontology/shapes.ttl)."""
        return self.severity == "Violation"

    def describe(self) -> str:
        """One line for people: what is wrong, where, and with which value."""
        where = self.focus + (f" {self.path}" if self.path else "")
        shown = self.value if self.value is None or len(self.value) <= 80 else self.value[:79] + "…"
        return (f"{self.severity}: {self.message or self.component} ({where}"
                + (f", value {shown}" if shown is not None else "") + ")")
