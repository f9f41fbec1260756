"""Cleaning article strings so that later stages see one canonical form of the same text.

Extraction matches names and numbers against the text and records character offsets into
it, so invisible characters ("Pesh\\u00admerga"), odd spaces ("150\\u00a0militants") and
decomposed accents must be gone before it runs, not handled by every matcher.
"""
from __future__ import annotations

import functools
import re
import sys
import unicodedata

_NEWLINES = re.compile(r"\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_JOINERS = "\u200c\u200d"
_JOINER = re.compile(f"[{_JOINERS}]")


@functools.cache
def _invisible_pattern() -> re.Pattern[str]:
    """Control (Cc), format (Cf) and surrogate (Cs) characters, computed from the running
    Python's Unicode tables rather than a hand-kept list; newline and tab are dealt with
    separately and the two joiners are judged by context (see _drop_joiners)."""
    unwanted = []
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if char in "\n\t" or char in _JOINERS:
            continue
        if unicodedata.category(char) in ("Cc", "Cf", "Cs"):
            unwanted.append(char)
    return re.compile("[" + re.escape("".join(unwanted)) + "]")


def _is_script_letter(char: str) -> bool:
    """A letter or combining mark (an Indic virama, say) of a script that uses joiners."""
    if char.isascii() or unicodedata.category(char)[0] not in "LM":
        return False
    return not unicodedata.name(char, "").startswith(("LATIN", "GREEK", "CYRILLIC"))


def _drop_joiners(text: str) -> str:
    # ZWNJ/ZWJ spell words in Persian, Sorani Kurdish and Indic scripts ("می‌گوید"), so
    # they stay between two such letters; anywhere else (inside a Latin name, say) they
    # only hide a word from matching.
    last = len(text) - 1

    def judged(match: re.Match[str]) -> str:
        index = match.start()
        between_letters = (0 < index < last and _is_script_letter(text[index - 1])
                           and _is_script_letter(text[index + 1]))
        return match[0] if between_letters else ""

    return _JOINER.sub(judged, text)


def _normalise(text: str) -> str:
    text = _NEWLINES.sub("\n", text)
    text = text.replace("\t", " ")
    text = _invisible_pattern().sub("", text)
    text = _drop_joiners(text)
    # Composition last: removing a character can bring a letter and its accent together.
    return unicodedata.normalize("NFC", text)


def clean_text(text: str) -> str:
    """Body text: paragraphs kept (one blank line between them), spacing made plain."""
    text = _HORIZONTAL_SPACE.sub(" ", _normalise(text))
    lines = [line.strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def clean_line(text: str) -> str:
    """Titles, names, header values: one line, single spaces."""
    return " ".join(_normalise(text).split())


def shorten(text: str, limit: int) -> str:
    """Cut at a word boundary and mark the cut, for display strings over ``limit``."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"
