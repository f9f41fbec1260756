"""Trust in the graph: SHACL validation (ontology/shapes.ttl) and materialised entailments.

    from kg.validate import check_article_quads, validate_store, materialise

``check_article_quads`` is what the build runs on every article (the compiled engine);
``validate_store`` is `kg validate` (pySHACL); ``materialise`` is `kg reason`.
"""
from __future__ import annotations

from kg.validate.compiled import CompiledShapes, UnsupportedShape
from kg.validate.reason import ReasonError, ReasonReport, drop, is_stale, materialise
from kg.validate.results import ShapeResult
from kg.validate.shacl import (
    SHAPES_FILE, StoreValidation, article_problems, check_article_quads, load_shapes,
    validate_store, validate_triples,
)

__all__ = [
    "SHAPES_FILE", "CompiledShapes", "ReasonError", "ReasonReport", "ShapeResult",
    "StoreValidation", "UnsupportedShape", "article_problems", "check_article_quads", "drop",
    "is_stale", "load_shapes", "materialise", "validate_store", "validate_triples",
]
