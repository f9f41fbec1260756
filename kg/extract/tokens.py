"""A Doc's tokens as plain Python lists, made once per article.

Why: spaCy makes a new Token (or Span) object every time code indexes or slices a Doc, so
`doc[i].lower_` in a loop costs an object creation per look. The finders look at the same
tokens many times over (cue phrases before every participant, factuality windows before
every trigger, ...): with plain lists the same looks are list indexing. These arrays say
exactly what the Token attributes say; `TokenArrays.of(doc)` makes them once and keeps
them in `doc.user_data`.
"""
from __future__ import annotations

import bisect
from operator import itemgetter
from typing import NamedTuple

import numpy

from spacy.attrs import SENT_START
from spacy.tokens import Doc

from kg.extract.sentences import COLUMNS, stored_columns

_KEY = "kg.arrays"
_FIRST_CHARACTER = itemgetter(slice(0, 1))     # text[:1]
_last: tuple = (None, None)                    # the doc asked for last, and its arrays


class SentenceSpan(NamedTuple):
    """One of a doc's sentences, as the rules read it: what they asked of spaCy's Span (its
    doc, token and character bounds), without making a Span, whose start_char and end_char
    are looked up in the doc at every ask."""

    doc: Doc
    start: int          # token offsets in the doc
    end: int
    start_char: int     # character offsets in the doc's text
    end_char: int


class TokenArrays:
    """Per-token lists: `text`, `lower` (Token.lower_), `idx` (char offset), `is_alpha`,
    `is_punct`, `is_space`, `space_after` (Token.whitespace_ is a space), `sent_start`
    (Token.is_sent_start as a bool), `capitalised` (the text begins with an uppercase letter);
    the doc's sentences as `sent_starts` / `sent_ends` (token offsets, as Doc.sents gives
    them); `doc_text`; `vocabulary`, the set of lowercased tokens."""

    __slots__ = ("doc_text", "text", "lower", "idx", "is_alpha", "is_punct", "is_space", "space_after", "sent_start",
                 "capitalised", "sent_starts", "sent_ends", "_sent_texts", "_vocabulary")

    def __init__(self, doc: Doc, text: str | None = None):
        """`text`: the string `doc` was made from, when the caller has it. spaCy's tokenizer
        keeps every character (Doc.text is the input), so the tokens need not be joined again
        (a sixth of making the arrays)."""
        # Columns come from one to_array, the flags as bools straight from numpy; strings are
        # looked up, lowercased and tested once per distinct ORTH id (a token in two repeats
        # one), and spread over the tokens by numpy's indexing: a Python-level loop per token
        # made this a tenth of extraction.
        n = len(doc)
        stored = stored_columns(doc)      # (the sentence splitter's to_array, when it ran on the doc)
        if stored is not None:
            table, opening = stored[0].T.copy(), stored[1]
        else:
            table = doc.to_array(COLUMNS + [SENT_START]).T.copy() if n else numpy.zeros((7, 0), dtype="uint64")
            opening = table[6] == 1
        idx = table[0].tolist()
        spaces, alpha, punct, space = table[2:6].astype(bool).tolist()
        distinct, where = numpy.unique(table[1], return_inverse=True)
        strings = doc.vocab.strings
        texts = [strings[h] for h in distinct.tolist()]
        self.text: list[str] = numpy.array(texts, dtype=object)[where].tolist()
        self.doc_text = text if text is not None else "".join([t + " " if s else t for t, s in zip(self.text, spaces)])
        self.idx: list[int] = idx
        # A lexeme's LOWER is its text's str.lower() (spaCy's lex_attrs.lower): lowering the texts
        # costs a third of looking the LOWER ids up in the string store
        self.lower: list[str] = numpy.array(list(map(str.lower, texts)), dtype=object)[where].tolist()
        self.is_alpha: list[bool] = alpha
        self.is_punct: list[bool] = punct
        self.is_space: list[bool] = space
        self.space_after: list[bool] = spaces
        self.sent_start: list[bool] = opening.tolist()
        self.capitalised: list[bool] = numpy.fromiter(map(str.isupper, map(_FIRST_CHARACTER, texts)), dtype=bool,
                                                      count=len(texts))[where].tolist()
        # Doc.sents: token 0 opens the first sentence whatever its flag says
        opens = [0] + (numpy.flatnonzero(opening[1:]) + 1).tolist() if n else []
        self.sent_starts: list[int] = opens
        self.sent_ends: list[int] = opens[1:] + [n] if n else []
        self._sent_texts: dict[int, str] = {}
        self._vocabulary: frozenset[str] | None = None

    @staticmethod
    def of(doc: Doc, text: str | None = None) -> "TokenArrays":
        """The doc's arrays, made on the first call (`text` as for the constructor)."""
        global _last
        last = _last
        if last[0] is doc:          # the rules of one article ask ~400 times in a row
            return last[1]
        arrays = doc.user_data.get(_KEY)
        if arrays is None:
            arrays = doc.user_data[_KEY] = TokenArrays(doc, text)
        _last = (doc, arrays)       # one assignment: a reader on another thread sees a matching pair
        return arrays

    @property
    def vocabulary(self) -> frozenset[str]:
        """The distinct lowercased tokens, made once: a rule whose words are none of them need
        not look at the tokens one by one."""
        if self._vocabulary is None:
            self._vocabulary = frozenset(self.lower)
        return self._vocabulary

    def positions(self, text: str) -> list[int]:
        """The indices of the tokens whose text is `text`, in order: list.index scans in C, where
        a test per token would be a step of Python each (for words a text holds a few times). A
        word the doc does not hold (most of those asked for: compass words, joiners) is answered
        from the vocabulary, without a scan of every token."""
        if text.lower() not in self.vocabulary:
            return []           # (a token of that text would have its lowercase form there)
        out: list[int] = []
        column = self.text
        k = -1
        try:
            while True:
                k = column.index(text, k + 1)
                out.append(k)
        except ValueError:
            return out

    def span_text(self, start: int, end: int) -> str:
        """`doc[start:end].text`: the characters from the first token to the end of the last."""
        n = len(self.text)
        if 0 <= start < end <= n:
            return self.doc_text[self.idx[start]:self.idx[end - 1] + len(self.text[end - 1])]
        # spacy.util.normalize_slice: Python's slice rules
        if start < 0:
            start += n
        if end < 0:
            end += n
        start = min(n, max(0, start))
        end = min(n, max(start, end))
        if end == start:
            return ""
        return self.doc_text[self.idx[start]:self.idx[end - 1] + len(self.text[end - 1])]

    def sentence_of(self, i: int) -> int:
        """Index of the sentence holding token i."""
        return bisect.bisect_right(self.sent_starts, i) - 1

    def sent_bounds(self, i: int) -> tuple[int, int]:
        """(start, end) of the sentence holding token i: `doc[i].sent.start`, `.end`."""
        k = self.sentence_of(i)
        return self.sent_starts[k], self.sent_ends[k]

    def sent_text(self, i: int) -> str:
        """`doc[i].sent.text`, made once per sentence."""
        k = self.sentence_of(i)
        text = self._sent_texts.get(k)
        if text is None:
            text = self._sent_texts[k] = self.span_text(self.sent_starts[k], self.sent_ends[k])
        return text
