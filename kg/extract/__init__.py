"""Extraction: Article in, Extraction (mentions, entities, event frames, claims) out."""
from __future__ import annotations

from kg.extract.spacy_import import import_spacy

import_spacy()          # before any module here imports spaCy: without its command line (0.2 s)

from kg.extract.extractor import Extractor, make_nlp  # noqa: E402

__all__ = ["Extractor", "make_nlp"]
