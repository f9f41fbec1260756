"""Content negotiation: which representation of a resource or query answer a client gets.

The Accept header is parsed by Werkzeug (quality values, wildcards, specificity); this module
only lists what can be offered and names the file extension of each document.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header


@dataclass(frozen=True)
class Representation:
    extension: str          # of the document URL and the published file: "ttl"
    media_type: str         # the Content-Type it is served with
    name: str               # for people: "Turtle"


HTML = Representation("html", "text/html", "HTML")
TURTLE = Representation("ttl", "text/turtle", "Turtle")
JSON_LD = Representation("jsonld", "application/ld+json", "JSON-LD")
N_TRIPLES = Representation("nt", "application/n-triples", "N-Triples")
N_QUADS = Representation("nq", "application/n-quads", "N-Quads")

# The order breaks ties: a client that accepts anything (*/*, curl's default) gets HTML.
DOCUMENT_REPRESENTATIONS: tuple[Representation, ...] = (HTML, TURTLE, JSON_LD, N_TRIPLES, N_QUADS)
RDF_REPRESENTATIONS: tuple[Representation, ...] = (TURTLE, JSON_LD, N_TRIPLES, N_QUADS)
BY_EXTENSION = {r.extension: r for r in DOCUMENT_REPRESENTATIONS}

# Media types clients commonly send for the same formats; answered with the canonical type.
_ALIASES = {
    "application/x-turtle": TURTLE,
    "application/json": JSON_LD,
    "text/plain": N_TRIPLES,       # N-Triples was once served as text/plain
    "application/xhtml+xml": HTML,
}


def best_media_type(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offer the Accept header prefers; the first offer when there is no header, None
    when the client accepts none of them (answer 406)."""
    if not offers:
        return None
    if accept is None or not accept.strip():
        return offers[0]
    return parse_accept_header(accept, MIMEAccept).best_match(offers)


def choose_representation(accept: str | None,
                          available: Sequence[Representation] = DOCUMENT_REPRESENTATIONS,
                          ) -> Representation | None:
    """The representation of a resource to send, or None for 406 Not Acceptable."""
    offers = [r.media_type for r in available]
    by_type = {r.media_type: r for r in available}
    for alias, rep in _ALIASES.items():
        if rep in available:
            offers.append(alias)
            by_type[alias] = rep
    chosen = best_media_type(accept, offers)
    return by_type.get(chosen) if chosen else None
