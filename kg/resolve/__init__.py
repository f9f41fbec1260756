"""Resolution: canonical entities and one event IRI per real-world event.

Extraction already links mentions to registry keys; this stage settles what needs more than
one article: cross-article event fusion (see `fusion`).
"""
from __future__ import annotations

from kg.resolve.fusion import EventFuser

__all__ = ["EventFuser"]
