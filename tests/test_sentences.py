"""Sentence breaks: the "sentences" component gives exactly the breaks of spaCy's sentencizer
followed by a line break ending a sentence (the pipeline it replaced)."""
import random

import pytest
import spacy

from kg.extract import make_nlp
from kg.extract.sentences import sentence_starts

TEXTS = [
    "Gunmen attacked a checkpoint. Two guards were wounded!",
    'The mayor said: "They fled." Then the army arrived... (Reuters) Five men were held?!',
    "KHAN DAMIR (Wire) - Shelling hit the market\n\nResidents fled the town. More later",
    "\nA headline without a full stop\nThe body, first line. Second line\n",
    ". Opening with a stop. 'Quoted.' — dash. 3.5 km away. U.S. forces left.",
    "Nothing ends here",
    "...!?",
    "",
    "One。Two۔ Three؟ Four",
]


def reference_starts(text: str) -> list[bool]:
    """What the old pipeline gave: spaCy's sentencizer, then the token after one holding a line
    break opens a sentence."""
    nlp = _reference_nlp()
    doc = nlp(text)
    starts = [bool(t.is_sent_start) for t in doc]
    for t in doc[:-1]:
        if "\n" in t.text:
            starts[t.i + 1] = True
    return starts


_CACHE: list = []


def _reference_nlp():
    if not _CACHE:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        _CACHE.append(nlp)
    return _CACHE[0]


def _random_texts(n: int) -> list[str]:
    pieces = ["Troops left.", "Then", '"', "'", ")", "(", "!", "?", "...", "\n", "\n\n", " \n ", "a", ".",
              "。", "-", "—", ",", "1.5", "U.S.", "\n-", "Mr.", "Ali"]
    rng = random.Random(7)
    return ["".join(rng.choice(pieces) + rng.choice(["", " "]) for _ in range(rng.randint(0, 14))) for _ in range(n)]


@pytest.mark.parametrize("text", TEXTS + _random_texts(400))
def test_breaks_are_the_sentencizer_and_newline_breaks(text):
    doc = make_nlp()(text)
    expected = reference_starts(text)
    assert [bool(t.is_sent_start) for t in doc] == expected
    assert sentence_starts([t.text for t in doc], [t.is_punct for t in doc]) == expected
    assert [s.start for s in doc.sents] == [i for i, start in enumerate(expected) if start]


def test_a_line_break_and_a_full_stop_end_sentences():
    doc = make_nlp()("Clashes in the north\nTwo soldiers died. The army said (in a statement) nothing more.")
    assert [s.text.strip() for s in doc.sents] == ["Clashes in the north", "Two soldiers died.",
                                                   "The army said (in a statement) nothing more."]


def test_every_sentence_end_is_punctuation():
    # split_sentences looks for the ends among the punctuation tokens alone
    from kg.extract.sentences import SENTENCE_ENDS
    vocab = make_nlp().vocab
    assert all(vocab[c].is_punct for c in SENTENCE_ENDS)
    doc = make_nlp()("Stop. " + " x ".join(sorted(SENTENCE_ENDS)))
    assert all(t.is_punct for t in doc if t.text in SENTENCE_ENDS)
