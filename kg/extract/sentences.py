"""Sentence boundaries: spaCy's sentencizer rule, plus a line break ending a sentence.

Why not spaCy's `sentencizer` component: it walks the Doc's Token objects one by one in Python,
and this rule needs only two columns of the doc (each token's text and its punctuation flag),
which one `to_array` gives at once. The boundaries are exactly the sentencizer's (see
`sentence_starts`); the pipeline used to run the sentencizer and a second component for the
line breaks, which also walked the tokens.
"""
from __future__ import annotations

import numpy
from spacy.attrs import IDX, IS_ALPHA, IS_PUNCT, IS_SPACE, ORTH, SENT_START, SPACY
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.strings import get_string_id
from spacy.tokens import Doc

# What ends a sentence: the sentencizer's default punctuation ("." "!" "?" and their kin in other scripts)
SENTENCE_ENDS = frozenset(Sentencizer.default_punct_chars)
# their ORTH ids, as the tokenizer gives them to tokens: the ids, not the texts, are compared
_SENTENCE_END_IDS = frozenset(get_string_id(c) for c in SENTENCE_ENDS)


def _holding(orths: numpy.ndarray, ids) -> numpy.ndarray:
    """Which of `orths` are one of `ids` (the few a document holds: numpy.isin with all
    128 sentence ends cost more than the rest of the splitting)."""
    found = numpy.zeros(len(orths), dtype=bool)
    for h in ids:
        found |= orths == h
    return found


def sentence_starts(texts: list[str], is_punct: list[bool]) -> list[bool]:
    """Whether each token opens a sentence, token by token: the rule spaCy's Sentencizer applies,
    then the line-break rule. Kept as the plain statement of what `split_sentences` computes
    with arrays (the tests hold the two, and spaCy's Sentencizer, to the same answers).

    The first token opens a sentence; after a sentence end, the first token that is neither
    punctuation nor an end opens the next ('He left." Then' breaks before "Then", not before the
    quote); the token after one holding a line break opens a sentence too.
    """
    starts = [i == 0 for i in range(len(texts))]
    seen_end = False
    for i, (text, punct) in enumerate(zip(texts, is_punct)):
        ends = text in SENTENCE_ENDS
        if seen_end and not punct and not ends:
            starts[i] = True
            seen_end = False
        elif ends:
            seen_end = True
    for i in range(len(texts) - 1):
        if "\n" in texts[i]:
            starts[i + 1] = True
    return starts


SENTENCES = "sentences"       # the component's name in a pipeline

# The token columns the splitter reads, and TokenArrays after it: one to_array gives both. The
# splitter leaves them, with the sentence starts it found, in the doc's user_data under
# COLUMNS_KEY (a second to_array of the doc cost three times the splitting itself).
COLUMNS = [IDX, ORTH, SPACY, IS_ALPHA, IS_PUNCT, IS_SPACE]
COLUMNS_KEY = "kg.columns"


def stored_columns(doc: Doc) -> tuple[numpy.ndarray, numpy.ndarray] | None:
    """(the COLUMNS table, a token by column array; each token's sentence start as a bool) as
    the splitter left them, taken out of the doc; None if it did not run on this doc as it is."""
    stored = doc.user_data.pop(COLUMNS_KEY, None)
    return stored if stored is not None and len(stored[0]) == len(doc) else None


@Language.component(SENTENCES)
def split_sentences(doc: Doc) -> Doc:
    """Sets every token's sentence start flag (1 opens a sentence, -1 does not), as
    `sentence_starts` says, from whole columns of the doc.

    A token opens a sentence after an end when it is the first "plain" token (neither
    punctuation nor an end) since the previous plain token with an end in between: the
    sentencizer forgets the end it saw once a plain token has taken the start.
    """
    n = len(doc)
    if n == 0:
        return doc
    table = doc.to_array(COLUMNS)
    orths, punct, space = table[:, 1], table[:, 4] != 0, table[:, 5]
    # Every sentence end is punctuation (spaCy's is_punct: all its characters are; the tests hold
    # the vocabulary to it): the ends are looked for among the punctuation tokens' texts alone
    ends = _holding(orths, _SENTENCE_END_IDS.intersection(orths[punct].tolist()))
    plain = numpy.flatnonzero(~(ends | punct))
    ends_so_far = numpy.cumsum(ends)
    # ends before each plain token, and before the plain token ahead of it (none ahead of the first)
    before = numpy.where(plain > 0, ends_so_far[plain - 1], 0)
    before_previous = numpy.concatenate(([0], ends_so_far[plain[:-1]]))
    starts = numpy.zeros(n, dtype=bool)
    starts[0] = True
    starts[plain[before > before_previous]] = True
    # A token holding a line break is all whitespace (the tokenizer cuts the text into runs of
    # whitespace and of other characters): only the whitespace tokens' texts are looked at.
    strings = doc.vocab.strings
    spaces = set(orths[:-1][space[:-1] != 0].tolist())
    starts[1:] |= _holding(orths[:-1], [h for h in spaces if "\n" in strings[h]])
    flags = numpy.where(starts, 1, -1).astype("int64").astype("uint64").reshape(n, 1)
    doc.from_array([SENT_START], flags)
    doc.user_data[COLUMNS_KEY] = (table, starts)
    return doc
