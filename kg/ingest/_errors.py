"""How the readers report an item they could not read."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IngestError:
    """One problem with one input item.

    ``item`` names the item the way a person would look for it: ``"in.jsonl:17"`` (line),
    ``"feed.xml#3"`` (third entry), ``"page.html"``, ``"-"`` (stdin).
    ``skipped`` is False for notices about an article that was kept all the same (a date
    that could not be used, for instance), so a caller can count skipped items exactly.
    """

    item: str
    reason: str
    skipped: bool = True

    def __str__(self) -> str:
        return f"{self.item}: {self.reason}"


class Rejected(Exception):
    """Raised inside the readers for an item that must be skipped; never leaves the package."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
