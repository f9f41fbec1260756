from datetime import date

import pytest

from kg.extract.timex import find_times

PUB = date(2018, 7, 16)   # a Monday


@pytest.mark.parametrize("text,iso,precision", [
    ("launched an operation on Monday early morning", "2018-07-16", "day"),
    ("on Sunday", "2018-07-15", "day"),
    ("last Monday", "2018-07-09", "day"),
    ("On June 30, forces advanced", "2018-06-30", "day"),
    ("on 28 April 2020", "2020-04-28", "day"),
    ("on April 28, 2020", "2020-04-28", "day"),
    ("December of last year", "2017-12", "month"),
    ("in December last year", "2017-12", "month"),
    ("last December", "2017-12", "month"),
    ("late June", "2018-06", "month"),
    ("in March 2017", "2017-03", "month"),
    ("yesterday", "2018-07-15", "day"),
    ("overnight", "2018-07-16", "day"),
    ("two days ago", "2018-07-14", "day"),
    ("since 2014", "2014", "year"),
    ("last month", "2018-06", "month"),
    ("2018-07-01", "2018-07-01", "day"),
])
def test_expressions_resolve_against_publication(text, iso, precision):
    found = [t for t in find_times(text, PUB) if t.time]
    assert found, text
    assert found[0].time.iso() == iso
    assert found[0].time.precision == precision


def test_date_without_year_after_publication_is_last_year():
    (t,) = find_times("on December 20", PUB)
    assert t.time.iso() == "2017-12-20"


def test_modal_may_is_not_a_month():
    assert find_times("this may be the end", PUB) == []


def test_vague_week_has_no_date():
    (t,) = find_times("last week", PUB)
    assert t.time is None


def test_relative_forms_need_a_publication_date():
    (t,) = find_times("on Monday", None)
    assert t.time is None
    (t,) = find_times("on 5 May 2019", None)
    assert t.time.iso() == "2019-05-05"


def test_impossible_dates_are_dropped():
    assert all(t.time is None for t in find_times("on 31 February 2019", PUB))


@pytest.mark.parametrize("text,iso", [
    ("THE RAID CAME YESTERDAY", "2018-07-15"),        # case-insensitive forms in capitals
    ("Guards were attacked three days ago", "2018-07-13"),
    ("the post fell the previous day", "2018-07-15"),
    ("the convoy was hit this morning", "2018-07-16"),
    ("a raid on 3/7/2018 at dawn", "2018-07-03"),
])
def test_forms_the_sentence_screen_must_let_through(text, iso):
    found = [t for t in find_times(text, PUB) if t.time]
    assert [t.time.iso() for t in found] == [iso]


def test_sentence_without_any_date_word_finds_nothing():
    assert find_times("Fighters moved towards the ridge at 40 km an hour", PUB) == []


def test_document_features_bound_what_a_sentence_is_searched_for():
    from kg.extract.timex import document_features
    doc = "Gunmen attacked a checkpoint yesterday. On 3 May 2020 the army said it had arrested two men."
    features = document_features(doc)
    assert {"day word", "month", "digit", "century"} <= features and "period word" not in features
    for sentence in doc.split(". "):
        assert find_times(sentence, PUB, features) == find_times(sentence, PUB)
    assert [t.text for t in find_times("Gunmen attacked a checkpoint yesterday", PUB, features)] == ["yesterday"]
    # a feature the document lacks is not looked for: the sentence must come from that document
    assert find_times("Gunmen attacked a checkpoint yesterday", PUB, frozenset()) == []


@pytest.mark.parametrize("text", [
    "", "Calm.", "Clashes on Tuesday, 12/03/2019.", "Shelling last week and this year in the north-east.",
    "Raids in Mayadin in 1999 and overnight.", "MAY 20 raids", "A KİLLED herder", "Days ago, in Septembre, ...",
    "Strikes resumed Sunday morning, the day before talks; toll rose to 20."])
def test_document_features_are_what_a_sentence_would_have(text):
    """document_features searches word by word, _features with one pattern per kind: same answer."""
    from kg.extract.timex import _features, document_features
    assert document_features(text) == frozenset(_features(text))
