"""RSS and Atom feeds: each entry is one article, the feed's title its outlet.

feedparser is given the bytes (never a name or address, which it would open or fetch),
resolves no external entities, and sanitises entry HTML; the text is then taken from
the HTML with a tag stripper that drops script content in any case.
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from ._article import RawArticle
from ._dates import DateProblem, parse_published
from ._errors import IngestError, Rejected
from ._ids import is_web_url
from ._markup import html_to_text

Produced = RawArticle | IngestError


def read_feed(data: bytes, name: str) -> Iterator[Produced]:
    # Imported here, as trafilatura in _html: only builds that read feeds pay for it.
    import feedparser  # type: ignore[import-untyped]  # ships no type information

    parsed = feedparser.parse(io.BytesIO(data))
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo"):
            raise Rejected(f"not a readable feed ({parsed.get('bozo_exception')})")
        raise Rejected("feed has no entries")
    feed = parsed.get("feed") or {}
    feed_title = html_to_text(feed.get("title") or "")
    feed_language = feed.get("language")
    for index, entry in enumerate(entries, start=1):
        yield _entry_to_raw(entry, f"{name}#{index}", feed_title, feed_language)


def _entry_to_raw(entry: Any, origin: str, feed_title: str,
                  feed_language: str | None) -> RawArticle:
    guid = entry.get("id")
    # feedparser fills "link" from an Atom id or RSS guid when there is no link; those
    # may be tag: or urn: names, which are ids, not addresses.
    link = entry.get("link") if is_web_url(entry.get("link") or "") else None
    return RawArticle(
        origin=origin,
        text=_entry_text(entry),
        title=html_to_text(entry.get("title") or ""),
        url=link,
        date=_entry_date(entry),
        site_name=feed_title,
        language=entry.get("language") or feed_language,
        record_id=guid if guid and not is_web_url(guid) else None,
    )


def _entry_text(entry: Any) -> str | None:
    # Full content (content:encoded, Atom content) beats the summary, which feeds often
    # cut to a teaser; the longest of several content parts is the article.
    contents = [part.get("value") or "" for part in entry.get("content") or []]
    best = max(contents, key=len, default="")
    if not best.strip():
        best = entry.get("summary") or entry.get("description") or ""
    return html_to_text(best) if best.strip() else None


def _entry_date(entry: Any) -> object:
    # The date string as the feed wrote it keeps the publisher's calendar day; the
    # *_parsed forms are converted to UTC by feedparser and may fall on the day before,
    # so they only serve when the string is in a form this package does not read.
    written = next((entry[key] for key in ("published", "updated", "created") if entry.get(key)),
                   None)
    if written is None:
        return None
    try:
        return parse_published(written)
    except DateProblem:
        fallback = entry.get("published_parsed") or entry.get("updated_parsed")
        # A struct_time is checked for its range by the article builder.
        return fallback if fallback else written
