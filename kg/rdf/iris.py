"""Deterministic IRIs: the same key gives the same IRI in every run and on every machine."""
from __future__ import annotations

import functools
import re
import unicodedata

from pyoxigraph import NamedNode

_UNSAFE = re.compile(r"[^a-z0-9_\-]+")


@functools.lru_cache(maxsize=65_536)
def slug(text: str, limit: int = 60) -> str:
    """Lowercase ASCII with underscores: stable across spellings that differ only in accents.

    Cached: the same actor and place keys are minted into IRIs in every article naming them."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    cleaned = _UNSAFE.sub("_", ascii_text).strip("_")
    return (cleaned[:limit].rstrip("_")) or "x"


class IriMinter:
    """Mints resource IRIs under one base (see docs/rdf-model.md)."""

    def __init__(self, base: str):
        self.base = base

    def prefix(self, kind: str) -> str:
        """The IRI prefix of a kind of resource ("event", "place", "actor", ...)."""
        return f"{self.base}id/{kind}/"

    def _node(self, path: str) -> NamedNode:
        return NamedNode(self.base + path)

    def actor(self, key: str) -> NamedNode:
        return self._node(f"id/actor/{slug(key)}")

    def place(self, key: str) -> NamedNode:
        return self._node(f"id/place/{slug(key)}")

    def source(self, key: str) -> NamedNode:
        return self._node(f"id/source/{slug(key)}")

    def outlet(self, key: str) -> NamedNode:
        return self._node(f"id/outlet/{slug(key)}")

    def event(self, event_id: str) -> NamedNode:
        return self._node(f"id/event/{slug(event_id, 120)}")

    def claim(self, article_id: str, local: str) -> NamedNode:
        return self._node(f"id/claim/{article_id}-{slug(local)}")

    def article(self, article_id: str) -> NamedNode:
        return self._node(f"id/article/{article_id}")

    def article_graph(self, article_id: str) -> NamedNode:
        return self._node(f"graph/article/{article_id}")

    def run(self, run_id: str) -> NamedNode:
        return self._node(f"id/run/{run_id}")

    def ontology_graph(self) -> NamedNode:
        return self._node("graph/ontology")

    def registry_graph(self) -> NamedNode:
        return self._node("graph/registry")

    def fusion_graph(self) -> NamedNode:
        return self._node("graph/fusion")

    def for_entity(self, category: str, key: str) -> NamedNode:
        if category == "actor":
            return self.actor(key)
        if category == "place":
            return self.place(key)
        return self.source(key)
