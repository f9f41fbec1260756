"""Resolution: canonical entities and one event IRI per real-world event.

Extraction already links mentions to registry keys; this stage settles what needs more than
one article: cross-article event fusion (see `fusion`), and the fusion graph that names one
IRI for every report of a fused event (see `clusters`).
"""
from __future__ import annotations

from kg.resolve.fusion import EventFuser

__all__ = ["EventFuser"]
