from kg.extract.prefilter import Words, folded


def test_words_are_found_in_any_case():
    words = Words("last week", "days ago")
    assert words.may_be_in("They struck LAST WEEK.")
    assert words.may_be_in("four Days Ago")
    assert not words.may_be_in("They struck last month.")
    assert not words.may_be_in("last  week")          # the space is a literal one


def test_letters_that_do_not_fold_make_every_check_pass():
    """"ı" matches "i" in a case-insensitive pattern but stays "ı" in lower(): no word is ruled out."""
    assert folded("Dıyala") is None
    assert Words("north").may_be_in("Dıyala")
    assert folded("Diyala") == "diyala"


def test_only_the_letters_that_do_not_fold_stop_folding_a_non_ascii_text():
    # each of them, alone or among other non-ASCII letters; other non-ASCII text folds
    for letter in ("İ", "ı", "ſ"):
        assert folded(f"Ḩalab {letter}") is None
    assert folded("Ḩalab, Dēr ez-Zōr") == "ḩalab, dēr ez-zōr"
    assert folded("KIRKUK") == "kirkuk"
