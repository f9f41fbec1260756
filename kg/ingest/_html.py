"""HTML pages: the article text and metadata found by trafilatura.

trafilatura separates the article from navigation, comments and boilerplate, and reads
title, date, site name and canonical address from the page's metadata. The page is only
parsed (lxml), never rendered: scripts are not run, and script and style elements are
removed before text is taken.
"""
from __future__ import annotations

from collections.abc import Iterator

from ._article import RawArticle
from ._errors import IngestError, Rejected
from ._ids import is_web_url

Produced = RawArticle | IngestError

# Publication date as the page states it in its metadata: htmldate's "extensive search"
# guesses from any date in the text, which for news about past events is often wrong.
_DATE_PARAMS = {"original_date": True, "extensive_search": False}


def read_html(data: bytes, name: str) -> Iterator[Produced]:
    # Imported here: trafilatura (with its HTTP and date libraries) adds a tenth of a second
    # to every start-up, and most builds read JSON Lines.
    import trafilatura

    # Bytes, not str: trafilatura honours the page's declared charset.
    tree = trafilatura.load_html(data)
    if tree is None:
        raise Rejected("not a readable HTML page")
    # Read before extraction, which prunes the tree in place.
    language = tree.get("lang") or tree.get("xml:lang")
    document = trafilatura.bare_extraction(
        tree, with_metadata=True, include_comments=False, include_tables=False,
        include_images=False, include_links=False, date_extraction_params=_DATE_PARAMS)
    # Never a dict (as_dict is not asked for); the check tells the type checker so.
    if document is None or isinstance(document, dict) or not (document.text or "").strip():
        raise Rejected("no article text found in the page")
    title = document.title or ""
    url = document.url if document.url and is_web_url(document.url) else None
    yield RawArticle(origin=name, text=_without_headline(document.text or "", title), title=title,
                     url=url, date=document.date, outlet=None, site_name=document.sitename,
                     source_domain=document.hostname, language=language)


def _without_headline(text: str, title: str) -> str:
    # trafilatura keeps the page's <h1> as the first line; the other formats keep the
    # title out of the text, and a repeated headline would be read as a second report.
    first, _, rest = text.partition("\n")
    if title and first.strip().casefold() == title.strip().casefold() and rest.strip():
        return rest
    return text
