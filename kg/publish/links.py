"""Where a page links to: relative file paths on the static site, absolute paths on the server.

Both map a resource IRI ``{base}id/actor/x`` to the path ``id/actor/x`` under the site root,
and refuse paths that are not plain segments (no dots, no percent escapes), so nothing read
from the data can name a file outside the site or a second document for the same resource.
"""
from __future__ import annotations

import posixpath
import re
from collections.abc import Collection
from typing import Protocol
from urllib.parse import urlsplit

from kg.rdf.terms import CKG

_RESOURCE_PATH = re.compile(r"^(?:id|graph)(?:/[A-Za-z0-9_~-]+)+$")

# Index pages every site and server has, by name (their file is name + ".html" on the site).
INDEX_PAGES = ("index", "actors", "events", "places", "sources", "articles", "ontology")


def resource_path(base: str, iri: str) -> str | None:
    """``id/actor/x`` for ``{base}id/actor/x``; None when the IRI is not a publishable resource."""
    if not iri.startswith(base):
        return None
    rest = iri[len(base):]
    return rest if _RESOURCE_PATH.match(rest) else None


def external_href(url: str) -> str | None:
    """A link target for an address read from the data: http(s) only, never javascript: etc."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc and not any(c in url for c in "\"'<> \t\r\n"):
        return url
    return None


class Linker(Protocol):
    base: str

    def resource(self, iri: str) -> str | None:
        """The page of a resource IRI of the store, None when it has none."""

    def document(self, iri: str, extension: str) -> str | None:
        """The document of a resource in one format ("ttl", "jsonld", ...)."""

    def page(self, name: str) -> str:
        """An index page by name (see INDEX_PAGES), or a file of the site ("style.css")."""


def term_href(linker: Linker, iri: str) -> str | None:
    """Any IRI on a page: resource page, ontology documentation anchor, or external link."""
    if resource_path(linker.base, iri) is not None:
        return linker.resource(iri)        # ours: its page, or no link (never the raw IRI)
    if iri.startswith(CKG):
        return linker.page("ontology") + "#" + iri[len(CKG):]
    return external_href(iri)


class SiteLinker:
    """Relative links between the files of a static site, from the page at ``current``."""

    def __init__(self, base: str, published: Collection[str], current: str = "index.html"):
        self.base = base
        self.published = published
        self.current = current

    def at(self, current: str) -> "SiteLinker":
        return SiteLinker(self.base, self.published, current)

    def _relative(self, target: str) -> str:
        return posixpath.relpath(target, posixpath.dirname(self.current) or ".")

    def resource(self, iri: str) -> str | None:
        path = resource_path(self.base, iri)
        if path is None or iri not in self.published:
            return None
        return self._relative(path + ".html")

    def document(self, iri: str, extension: str) -> str | None:
        path = resource_path(self.base, iri)
        return None if path is None else self._relative(f"{path}.{extension}")

    def page(self, name: str) -> str:
        return self._relative(name + ".html" if name in INDEX_PAGES else name)


class ServerLinker:
    """Root-relative links on the server: a resource links to its IRI's path (303 to a page)."""

    def __init__(self, base: str):
        self.base = base

    def resource(self, iri: str) -> str | None:
        path = resource_path(self.base, iri)
        return None if path is None else "/" + path

    def document(self, iri: str, extension: str) -> str | None:
        path = resource_path(self.base, iri)
        return None if path is None else f"/{path}.{extension}"

    def page(self, name: str) -> str:
        if name == "index":
            return "/"
        return "/" + name
