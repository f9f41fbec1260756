"""The one place where what a reader found becomes an ``Article``.

Readers only collect strings as they stand in their format (``RawArticle``); cleaning,
limits, dates, addresses, ids and the outlet fallback are decided here once, so every
format behaves the same.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..model import Article
from ._dates import DateProblem, parse_published
from ._errors import Rejected
from ._ids import article_id, domain_of, is_web_url, placeholder_url
from ._limits import MAX_TEXT_CHARS, MAX_TITLE_CHARS, MAX_URL_CHARS
from ._text import clean_line, clean_text, shorten


@dataclass(frozen=True)
class RawArticle:
    """An article's fields as a reader found them, before any checking."""

    origin: str                      # "in.jsonl:12", "feed.xml#3", "page.html", "-"
    text: str | None
    title: str | None = None
    url: str | None = None
    date: object = None              # str, date, datetime or time.struct_time
    outlet: str | None = None        # the publisher's own display name
    site_name: str | None = None     # feed title or HTML site name: the next best outlet
    source_domain: str | None = None
    language: str | None = None
    record_id: str | None = None     # the record's own id, for a placeholder address


def to_article(raw: RawArticle) -> tuple[Article, list[str]]:
    """The article, and notices about fields that were dropped while keeping it.

    Raises Rejected when the item cannot be an article at all.
    """
    notices: list[str] = []
    if raw.text is None:
        raise Rejected("no text")
    if len(raw.text) > MAX_TEXT_CHARS:
        # Checked before cleaning too, so a huge item costs no cleaning time.
        raise Rejected(f"text has {len(raw.text):,} characters; the limit is {MAX_TEXT_CHARS:,}")
    text = clean_text(raw.text)
    if not text:
        raise Rejected("empty text")
    if len(text) > MAX_TEXT_CHARS:
        raise Rejected(f"text has {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}")
    title = shorten(clean_line(raw.title or ""), MAX_TITLE_CHARS)

    url = (raw.url or "").strip()
    if url:
        if len(url) > MAX_URL_CHARS:
            raise Rejected(f"url has {len(url):,} characters; the limit is {MAX_URL_CHARS:,}")
        if not is_web_url(url):
            raise Rejected(f"url {shorten(url, 80)!r} is not an absolute http(s) address")
        domain = _domain(raw.source_domain) or domain_of(url)
    else:
        url = placeholder_url(raw.record_id, title, text)
        # The placeholder host names no publisher, so only a given domain counts.
        domain = _domain(raw.source_domain)

    try:
        published = parse_published(raw.date)
    except DateProblem as problem:
        published = None
        notices.append(f"{problem}; kept without a publication date")

    outlet = clean_line(raw.outlet or "") or clean_line(raw.site_name or "") or domain
    language = clean_line(raw.language or "") or None
    article = Article(id=article_id(url), url=url, title=title, text=text, published=published,
                      outlet=outlet or None, source_domain=domain, language=language,
                      origin=raw.origin)
    return article, notices


def _domain(value: str | None) -> str | None:
    """A source_domain as given ("www.Rudaw.net", even "https://www.rudaw.net/english"),
    reduced to its bare lower-case host."""
    value = clean_line(value or "").lower()
    if not value:
        return None
    if "://" not in value:
        value = "http://" + value
    return domain_of(value)
