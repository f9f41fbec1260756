"""Stores behind one interface: `open_store(path)` gives the embedded Oxigraph store."""
from __future__ import annotations

from pathlib import Path

from kg.store.base import EXPORT_FORMATS, QueryError, QueryResult, Store, StoreError
from kg.store.oxigraph import OxigraphStore


def open_store(location: str | Path | None, *, read_only: bool = False) -> OxigraphStore:
    """Open the store at a folder (created when missing); None gives an in-memory store."""
    return OxigraphStore(location, read_only=read_only)


__all__ = ["EXPORT_FORMATS", "OxigraphStore", "QueryError", "QueryResult", "Store", "StoreError", "open_store"]
