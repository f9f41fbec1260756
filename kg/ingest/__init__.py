"""Ingest: articles in news-please JSON/JSON Lines, text with a header, HTML pages and
RSS/Atom feeds, from files, folders, glob patterns or stdin, as ``kg.model.Article``.

    errors: list[IngestError] = []
    for article in read_articles(["examples/articles", "crawl.jsonl"], errors=errors):
        ...

One module per format behind this surface; ``_article`` turns what they find into
articles the same way for all of them.
"""
from __future__ import annotations

from ._errors import IngestError
from ._ids import article_id
from ._limits import MAX_FILE_BYTES, MAX_TEXT_CHARS
from ._reader import read_articles

__all__ = ["MAX_FILE_BYTES", "MAX_TEXT_CHARS", "IngestError", "article_id", "read_articles"]
