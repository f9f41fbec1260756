"""Extraction: Article in, Extraction (mentions, entities, event frames, claims) out."""
from __future__ import annotations

from kg.extract.extractor import Extractor, make_nlp

__all__ = ["Extractor", "make_nlp"]
