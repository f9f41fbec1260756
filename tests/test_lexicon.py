"""Guarantees the extraction code relies on about the lexicon data (kg/data/*.json), checked
once here rather than at run time."""
from kg.extract.lexicon import get_lexicon


def test_every_nationality_is_written_capitalised():
    # MentionFinder.demonym_forces looks for nationalities among the capitalised tokens alone
    # (those whose first character is uppercase, TokenArrays.capitalised): a nationality
    # written otherwise would never be found there
    lex = get_lexicon()
    words = set(lex.demonyms) | set(lex.stateless_demonyms)
    assert words, "the lexicon lists no nationality"
    lowercase = sorted(word for word in words if not word[:1].isupper())
    assert not lowercase, (f"nationalities not capitalised: {lowercase}; demonym_forces looks for "
                           "nationalities among the capitalised tokens only, so these would never be found")
