"""Text of an HTML fragment (a feed entry's content or summary).

Whole pages go through trafilatura, which finds the article among navigation; a feed
entry is already just the article, so a plain tag stripper is the right tool. It never
keeps what is inside script-like elements, whatever sanitising happened before.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

_WHITESPACE = re.compile(r"\s+")

# Elements whose content is code or embedded objects, never article text.
_DROPPED = frozenset({"script", "style", "noscript", "template", "iframe", "object", "svg",
                      "math", "head", "title"})
# Elements that end a line of text; without them paragraphs would run into each other.
_BREAKING = frozenset({"p", "br", "div", "li", "ul", "ol", "tr", "table", "blockquote", "h1",
                       "h2", "h3", "h4", "h5", "h6", "section", "article", "figure",
                       "figcaption", "hr", "pre", "dd", "dt"})


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._dropping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            self._dropping.append(tag)
        elif tag in _BREAKING:
            self.parts.append("\n\n" if tag == "p" else "\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAKING:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            if tag in self._dropping:
                # Close up to the matching start tag, forgiving unclosed inner ones.
                while self._dropping and self._dropping.pop() != tag:
                    pass
        elif tag in _BREAKING:
            self.parts.append("\n\n" if tag == "p" else "\n")

    def handle_data(self, data: str) -> None:
        if not self._dropping:
            # Line breaks in HTML source are spaces to a reader; only tags break lines.
            self.parts.append(_WHITESPACE.sub(" ", data))


def html_to_text(fragment: str) -> str:
    """Visible text of ``fragment`` with paragraph breaks; whitespace is left for cleaning."""
    if "<" not in fragment and "&" not in fragment:
        return fragment
    collector = _TextCollector()
    collector.feed(fragment)
    collector.close()
    return "".join(collector.parts)
