"""Cheap checks that spare a regex scan: a pattern that cannot match without one of a few words
is not run on a text that holds none of them.

Why: most sentences tell no casualty, date or relative position, and the patterns that find
those (built from number vocabularies, or made anew for each place name) cost far more than
looking for a word. A check must never say "absent" when the pattern could match:
case-insensitive patterns are checked on the lowercased text, which is sound for every letter
but the few in UNFOLDED.
"""
from __future__ import annotations

import re

# Letters that re.IGNORECASE matches with an ASCII letter but str.lower() does not turn into it
# (all of them, for Python's re; the Kelvin sign lowercases to "k").
UNFOLDED = ("İ", "ı", "ſ")
_UNFOLDED = re.compile("[" + "".join(UNFOLDED) + "]")


def folded(text: str) -> str | None:
    """`text.lower()`, in which any ASCII word a case-insensitive pattern matches in `text` is a
    plain substring; None when `text` holds a letter of UNFOLDED (then every pattern must run)."""
    if not text.isascii() and _UNFOLDED.search(text):      # (isascii reads a flag of the string)
        return None
    return text.lower()


class Words:
    """Words (lowercase ASCII, spaces literal) one of which a case-insensitive pattern needs."""

    def __init__(self, *words: str):
        self.words = words
        # one search for all of them instead of one `in` per word
        self._search = re.compile("|".join(re.escape(w) for w in words)).search

    def in_folded(self, lowered: str | None, *, long_text: bool = False) -> bool:
        """False only when the text `lowered` was folded from (see `folded`) holds none of them.
        `long_text` (a whole document): see `holds_any`."""
        return lowered is None or holds_any(lowered, self.words, self._search, long_text)

    def may_be_in(self, text: str) -> bool:
        """False only when `text` holds none of them in any case."""
        return self.in_folded(folded(text))


def holds_any(text: str, words: tuple[str, ...], search, long_text: bool) -> bool:
    """Whether `text` holds one of `words`, `search` being the search of their alternation. In a
    sentence one search is cheaper; through a whole document (`long_text`) one `in` per word takes
    half the time, as the alternation's search tries every alternative at each position."""
    if long_text:
        return any(word in text for word in words)
    return search(text) is not None
