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
# The same classes within ASCII (see _normalise_ascii); _INVISIBLE_RANGES starts with these.
_ASCII_BREAKS = re.compile(r"[\x0b\x0c\x1c-\x1e]")
_ASCII_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACES = re.compile(r" {2,}")


# The code points _invisible_pattern removes, as inclusive ranges, for the Unicode version of
# Python 3.11's unicodedata. Scanning all 1.1 million code points costs a tenth of a second at
# every start-up, so the scan runs only under another Unicode version (tests/test_ingest.py
# checks the table against the scan).
_INVISIBLE_UNICODE_VERSION = "14.0.0"
_INVISIBLE_RANGES: tuple[tuple[int, int], ...] = (
    (0x0000, 0x0008), (0x000B, 0x001F), (0x007F, 0x009F), (0x00AD, 0x00AD), (0x0600, 0x0605),
    (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F), (0x0890, 0x0891), (0x08E2, 0x08E2),
    (0x180E, 0x180E), (0x200B, 0x200B), (0x200E, 0x200F), (0x202A, 0x202E), (0x2060, 0x2064),
    (0x2066, 0x206F), (0xD800, 0xDFFF), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD),
    (0x110CD, 0x110CD), (0x13430, 0x13438), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)


def _scan_invisible_ranges() -> tuple[tuple[int, int], ...]:
    """Control (Cc), format (Cf) and surrogate (Cs) characters, from the running Python's
    Unicode tables rather than a hand-kept list; newline and tab are dealt with separately
    and the two joiners are judged by context (see _drop_joiners)."""
    categories = map(unicodedata.category, map(chr, range(sys.maxunicode + 1)))
    ranges: list[tuple[int, int]] = []
    for code, category in enumerate(categories):
        if category not in ("Cc", "Cf", "Cs") or chr(code) in "\n\t" or chr(code) in _JOINERS:
            continue
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return tuple(ranges)


@functools.cache
def _invisible_pattern() -> re.Pattern[str]:
    """One character class of the code points of _scan_invisible_ranges."""
    if unicodedata.unidata_version == _INVISIBLE_UNICODE_VERSION:
        ranges = _INVISIBLE_RANGES
    else:
        ranges = _scan_invisible_ranges()
    return re.compile("[" + "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in ranges) + "]")


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
    return _normalise_ascii(text) if text.isascii() else _normalise_unicode(text)


def _normalise_unicode(text: str) -> str:
    text = _NEWLINES.sub("\n", text)
    text = text.replace("\t", " ")
    text = _invisible_pattern().sub("", text)
    text = _drop_joiners(text)
    # Composition last: removing a character can bring a letter and its accent together.
    return unicodedata.normalize("NFC", text)


def _normalise_ascii(text: str) -> str:
    """`_normalise` of ASCII text (nearly every article), with str methods and the regexes run
    only when a screen finds something for them: the same steps for the code points they can
    touch. No joiner is ASCII and ASCII has nothing to compose."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")     # as _NEWLINES' "\r\n?"
    text = text.replace("\t", " ")
    if _ASCII_INVISIBLE.search(text):      # rare: form feeds, vertical tabs, other controls
        text = _ASCII_INVISIBLE.sub("", _ASCII_BREAKS.sub("\n", text))
    return text


def clean_text(text: str) -> str:
    """Body text: paragraphs kept (one blank line between them), spacing made plain."""
    text = _normalise(text)
    if not text.isascii():
        text = _HORIZONTAL_SPACE.sub(" ", text)
    elif "  " in text:          # normalised ASCII has no horizontal space but " " left
        text = _SPACES.sub(" ", text)
    text = "\n".join([line.strip() for line in text.split("\n")])
    return (_BLANK_LINES.sub("\n\n", text) if "\n\n\n" in text else text).strip()


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
