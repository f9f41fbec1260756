"""conflict-kg: knowledge graphs of armed-conflict reporting.

    from kg import Builder, open_store
    with open_store("store") as store:
        report = Builder(store).build(["examples/articles"])
        print(report.summary())
"""
from __future__ import annotations

__version__ = "0.1.0"

from kg.model import Article, Entity, EventFrame, Extraction, TimeValue  # noqa: E402


def __getattr__(name: str):
    # Heavy stages (spaCy, Oxigraph) load on first use, so `import kg` stays cheap.
    if name == "Builder":
        from kg.pipeline import Builder
        return Builder
    if name == "open_store":
        from kg.store import open_store
        return open_store
    if name == "Extractor":
        from kg.extract import Extractor
        return Extractor
    raise AttributeError(name)


__all__ = ["Article", "Builder", "Entity", "EventFrame", "Extraction", "Extractor", "TimeValue",
           "__version__", "open_store"]
