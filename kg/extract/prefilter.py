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
        # one search for all of them instead of one `in` per word
        self._search = re.compile("|".join(re.escape(w) for w in words)).search

    def in_folded(self, lowered: str | None) -> bool:
        """False only when the text `lowered` was folded from (see `folded`) holds none of them."""
        return lowered is None or self._search(lowered) is not None

    def may_be_in(self, text: str) -> bool:
        """False only when `text` holds none of them in any case."""
        return self.in_folded(folded(text))
