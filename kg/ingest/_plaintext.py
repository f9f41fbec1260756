"""Plain-text articles with an optional header block.

    Title: Peshmerga and Iraqi army push into the Hamrin mountains
    Source: Kurdistan 24
    Date: 2018-07-17
    URL: https://www.kurdistan24.net/en/news/...

    Body text, as many paragraphs as needed.

The header is the run of ``Key: value`` lines at the top whose keys are known (any order,
any case, each optional); it ends at the first blank line or the first other line. Keys:
Title; Source (also Publisher, Outlet); Date (also Published); URL (also Link); Language
(also Lang); ID. A file without a header is all body; its first line is the title when it
stands alone as a short paragraph (a headline), otherwise the title is a shortened first
line and the text is the whole file.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from ._article import RawArticle
from ._errors import IngestError
from ._text import shorten

_HEADER_KEYS = {
    "title": "title", "headline": "title",
    "source": "outlet", "publisher": "outlet", "outlet": "outlet",
    "date": "date", "published": "date",
    "url": "url", "link": "url",
    "language": "language", "lang": "language",
    "id": "record_id",
}
_HEADER_LINE = re.compile(r"^\s*([A-Za-z]+)\s*:\s*(.*?)\s*$")
# A first line longer than this is a sentence, not a headline.
_HEADLINE_CHARS = 200
_TITLE_FROM_BODY_CHARS = 120

Produced = RawArticle | IngestError


def read_plain_text(text: str, name: str) -> Iterator[Produced]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    fields, header_length = _read_header(lines)
    if header_length:
        title = fields.get("title")
        body = "\n".join(lines[header_length:])
    else:
        title, body = _title_and_body(lines)
    yield RawArticle(origin=name, text=body, title=title, url=fields.get("url"),
                     date=fields.get("date"), outlet=fields.get("outlet"),
                     language=fields.get("language"), record_id=fields.get("record_id"))


def _read_header(lines: list[str]) -> tuple[dict[str, str], int]:
    """The header fields and how many lines they take (0: no header)."""
    fields: dict[str, str] = {}
    count = 0
    for line in lines:
        match = _HEADER_LINE.match(line)
        if not match or match[1].lower() not in _HEADER_KEYS:
            break
        # The first occurrence wins; a repeated key is more likely body text.
        fields.setdefault(_HEADER_KEYS[match[1].lower()], match[2])
        count += 1
    return fields, count


def _title_and_body(lines: list[str]) -> tuple[str, str]:
    if not lines:
        return "", ""
    first = lines[0].strip()
    rest = "\n".join(lines[1:])
    standalone = len(lines) > 1 and not lines[1].strip()
    if standalone and len(first) <= _HEADLINE_CHARS and rest.strip():
        return first, rest
    return shorten(first, _TITLE_FROM_BODY_CHARS), "\n".join(lines)
