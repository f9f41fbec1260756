"""Stores behind one interface: `open_store(location)` gives the embedded Oxigraph store for a
folder (or memory), and a SPARQL 1.1 server's for a URL (see `kg.store.sparql`)."""
from __future__ import annotations

import re
from pathlib import Path

from kg.store.base import EXPORT_FORMATS, ArticleQuads, QueryError, QueryResult, Store, StoreError
from kg.store.oxigraph import OxigraphStore

_URL = re.compile(r"^(?:[a-z]+\+)?https?://", re.IGNORECASE)


def is_store_url(location: str | Path | None) -> bool:
    return isinstance(location, str) and bool(_URL.match(location))


def open_store(location: str | Path | None, *, read_only: bool = False, base: str | None = None) -> Store:
    """The store at a folder (created when missing), in memory (None), or on a SPARQL server
    (``http(s)://...``, ``virtuoso+http://...``, ``fuseki+...``, ``graphdb+...``,
    ``neptune+https://...``). ``base`` scopes a server store to our graphs (default: the
    configured IRI base)."""
    if is_store_url(location):
        from kg.config import Settings
        from kg.store.sparql import SparqlStore

        return SparqlStore.from_url(str(location), graph_prefix=base or Settings.from_env().base,
                                    read_only=read_only)
    return OxigraphStore(location, read_only=read_only)


__all__ = ["EXPORT_FORMATS", "ArticleQuads", "OxigraphStore", "QueryError", "QueryResult", "Store",
           "StoreError", "is_store_url", "open_store"]
