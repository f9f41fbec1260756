"""Mention finding on sentences written for these tests: each rule visits only the tokens it can
begin at (titles, commas, speech verbs, nationalities, place nouns, participles), so each
kind of opening token is tried here, with words around it that must not open anything."""
import pytest

from kg.extract import Extractor
from kg.extract.tokens import TokenArrays


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def texts(extractor: Extractor, text: str, found) -> dict[str, tuple[str, str]]:
    """span text -> (category, key) of found mentions."""
    doc = extractor.nlp(text)
    arrays = TokenArrays.of(doc)
    return {arrays.span_text(f.start, f.end): (f.category, f.key) for f in found(doc)}


def people(extractor: Extractor, text: str) -> set[str]:
    return set(texts(extractor, text, lambda doc: extractor.mentions.people(doc, set())))


def mentions(extractor: Extractor, text: str) -> dict[str, tuple[str, str]]:
    return texts(extractor, text, lambda doc: extractor.mentions.find(doc, [])[0])


def test_titles_of_one_two_and_three_tokens_open_names(extractor):
    found = people(extractor, "Prime Minister Karim Haddad met Maj. Gen. Omar Salem and spokesman Tarek Nouri "
                              "in a hall of the old fort.")
    assert found == {"Karim Haddad", "Omar Salem", "Tarek Nouri"}


def test_words_that_only_begin_a_title_open_no_name(extractor):
    # "a", "in", "of", "co" begin titles ("army commander", "co-founder") but are none
    assert people(extractor, "a Haddad Nouri convoy passed in Salem Aziz country of Tarek Jaber.") == set()


def test_names_in_apposition_between_commas_and_after_speech_verbs(extractor):
    assert "Daoud Hamza Karimi" in people(
        extractor, "A provincial official, Daoud Hamza Karimi, told a radio station the road was shut.")
    assert "Farid Mansour Aziz" in people(
        extractor, "Shelling went on overnight, Farid Mansour Aziz, noted in a statement.")
    assert "Nadia Karim" in people(extractor, "The clinic was full, said Nadia Karim, a nurse there.")
    assert "Nadia Karim" in people(extractor, "The clinic was full, according to Nadia Karim, a nurse there.")
    assert "Yusuf Demir" in people(extractor, "Yusuf Demir said the bridge was closed.")
    assert "Yusuf Demir" in people(extractor, "Yusuf Demir, a farmer from the valley, saw the smoke.")


def test_a_surname_alone_after_the_full_name_is_the_same_person(extractor):
    found = mentions(extractor, "Yusuf Demir said the bridge was closed. It reopened later, Demir added.")
    assert found["Yusuf Demir"] == ("person", "")
    assert found["Demir"] == ("person", "Yusuf Demir")


def test_a_place_s_council_is_a_body(extractor):
    found = mentions(extractor, "The Kirkuk Provincial Council met on Sunday, and the Mosul security committee "
                                "closed the bridges.")
    assert found["Kirkuk Provincial Council"][0] == "body"
    assert found["Mosul security committee"][0] == "body"
    doc = extractor.nlp("The Kirkuk Provincial Police met on Sunday in the Mosul security office.")
    assert extractor.mentions.local_bodies(doc) == []


def test_a_nationality_before_a_force_noun_is_that_country_s_force(extractor):
    found = mentions(extractor, "Iraqi troops entered the village after Turkish warplanes struck the hills.")
    assert found["Iraqi troops"][0] == "actor"
    assert found["Turkish warplanes"][0] == "actor"
    assert found["Iraqi troops"][1] != found["Turkish warplanes"][1]


def test_unknown_places_after_a_participle_a_place_noun_or_a_compound_prefix(extractor):
    found = mentions(extractor, "Artillery shelled Zarbuneh in the southern countryside of Idlib. Later "
                                "the village of Dounkaro and Kafr Tumeish were hit.")
    assert found["Zarbuneh"][0] in ("newplace", "place")
    assert found["Dounkaro"][0] in ("newplace", "place")
    assert found["Kafr Tumeish"][0] in ("newplace", "place")


def test_token_arrays_agree_with_spacy_tokens_beyond_ascii(extractor):
    doc = extractor.nlp("İdlib and ÉCOLE Öztürk saw a \u212aelvin-sized ΣΟΦΙΑ ςigma in ﬁeld 3.")
    arrays = TokenArrays.of(doc)
    tokens = list(doc)
    assert arrays.text == [t.text for t in tokens]
    assert arrays.lower == [t.lower_ for t in tokens]
    assert arrays.capitalised == [t.text[:1].isupper() for t in tokens]
    assert arrays.space_after == [bool(t.whitespace_) for t in tokens]
    assert arrays.vocabulary == {t.lower_ for t in tokens}
    assert arrays.doc_text == doc.text


def test_a_place_name_may_begin_with_a_lowercase_article(extractor):
    doc = extractor.nlp("Shells fell near al-Bab and ash-Shaddadi, not at the market - an old one.")
    arrays = TokenArrays.of(doc)
    found = {arrays.span_text(s, e) for s, e, _ in extractor.mentions.place_candidates(doc)}
    assert {"al-Bab", "ash-Shaddadi"} <= found
    assert not any(text.startswith(("at", "an")) for text in found)


def test_token_positions_of_a_text(extractor):
    arrays = TokenArrays.of(extractor.nlp("One, two, three - and four,"))
    assert arrays.positions(",") == [1, 3, 8]
    assert arrays.positions("-") == [5]
    assert arrays.positions(";") == []


def test_a_lowercase_compass_word_begins_the_names_that_hold_it(extractor):
    found = mentions(extractor, "Troops entered eastern Mosul while jets struck northern Syria and western Aleppo.")
    assert found["eastern Mosul"] == ("place", "east_mosul")
    assert found["northern Syria"] == ("place", "northern_syria")
    # no place is called "western Aleppo": the city alone, as before
    assert found["Aleppo"][1] == "aleppo" and "western Aleppo" not in found


def test_registry_phrases_are_matched_from_cached_token_codes(extractor, tmp_path, monkeypatch):
    """The phrase matchers take the phrases' token codes from a cache file: a matcher so built
    finds what one built from tokenized Docs finds, and a phrase list that changes (or a file
    that is not a cache) is tokenized anew."""
    from spacy.attrs import LOWER, ORTH
    from spacy.matcher import PhraseMatcher

    from kg.extract import phrase_codes as pc

    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path))
    nlp = extractor.nlp
    lists = [(LOWER, ["Free Hawran Brigade", "the U.S.-led coalition", "al-Zarqa Front"]), (ORTH, ["FHB", "Z.F."])]
    tokenized = [[[t.lower if attr == LOWER else t.orth for t in nlp.tokenizer(p)] for p in phrases]
                 for attr, phrases in lists]
    assert pc.phrase_codes(nlp, "test", lists) == tokenized          # compiled and written
    assert (tmp_path / "phrases-test.marshal").exists()
    calls = []
    monkeypatch.setattr(pc, "_tokenized", lambda nlp, lists: calls.append(lists) or [])
    assert pc.phrase_codes(nlp, "test", lists) == tokenized          # read back, not tokenized
    assert calls == []
    monkeypatch.undo()
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path))
    changed = [(LOWER, ["Free Hawran Brigades"]), (ORTH, [])]
    assert pc.phrase_codes(nlp, "test", changed) == [[[t.lower for t in nlp.tokenizer("Free Hawran Brigades")]], []]
    (tmp_path / "phrases-test.marshal").write_bytes(b"not a cache")
    assert pc.phrase_codes(nlp, "test", lists) == tokenized

    from_codes, from_docs = PhraseMatcher(nlp.vocab, attr="LOWER"), PhraseMatcher(nlp.vocab, attr="LOWER")
    from_codes.add("X", tokenized[0])
    from_docs.add("X", list(nlp.tokenizer.pipe(lists[0][1])))
    doc = nlp("Fighters of the Free Hawran brigade and THE U.S.-LED COALITION met the al-Zarqa front.")
    assert from_codes(doc) == from_docs(doc) and len(from_codes(doc)) == 3


def test_the_article_country_counts_each_naming_and_ties_go_to_the_first_named(extractor):
    """country_context looks each name up once but counts it as often as it is named; two
    countries named equally often come in the order the article first names them."""
    context = extractor.mentions.country_context
    raqqa, mosul = (0, 1, "raqa"), (2, 3, "mosul")
    assert context([raqqa, mosul], []) == ["SY", "IQ"]
    assert context([mosul, raqqa], []) == ["IQ", "SY"]
    assert context([raqqa, mosul, (4, 5, "mosul")], []) == ["IQ", "SY"]
    assert context([raqqa, raqqa, mosul], []) == ["SY", "IQ"]


def test_a_terrain_word_before_or_after_a_mountain_s_name_is_stripped_to_find_it(extractor):
    # only a span whose first or last word is a terrain word is tried without it: "Qandil
    # Range" is the Qandil mountains; "Sinjar Heights" names no mountain, so the town alone;
    # "Hermon Street" ends in no terrain word
    doc = extractor.nlp("Patrols climbed the Qandil Range while others crossed Hermon Street near Sinjar Heights.")
    arrays = TokenArrays.of(doc)
    found = {arrays.span_text(s, e): name for s, e, name in extractor.mentions.place_candidates(doc)}
    assert found == {"Qandil Range": "terrain:qandil", "Hermon": "hermon", "Sinjar": "sinjar"}


def test_terrain_screen_passes_every_text_a_terrain_pattern_strips():
    from kg.extract.mentions import _TERRAIN_PREFIX, _TERRAIN_SUFFIX, _may_strip_terrain
    for text in ("Mt. Makmal", "jebel\u00a0Makmal", "Makmal  HILLS", "Makmal Mountains\n", "Jbel  ",
                 "Makmal Hillſ"):        # (to re.I "ſ" is an "s": a non-ASCII word goes to the patterns)
        assert _TERRAIN_SUFFIX.sub("", _TERRAIN_PREFIX.sub("", text)) != text, text
        assert _may_strip_terrain(text.split()), text
    for text in ("Makmal Hillside", "Mountainous Makmal", "Mt.Makmal", "Makmal"):
        assert _TERRAIN_SUFFIX.sub("", _TERRAIN_PREFIX.sub("", text)) == text, text
        assert not _may_strip_terrain(text.split()), text


def test_no_token_but_whitespace_holds_whitespace(extractor):
    # place_candidates reads a span's first and last words from its tokens' columns where a
    # space follows them: a token holding whitespace among other characters would break that
    doc = extractor.nlp("Mount\u00a0Makmal\tHills \u2009Jbel\u3000Sinjar\nMountains \u2028Qandil  Range\x0bx\x1fy")
    for token in TokenArrays.of(doc).text:
        assert token.isspace() or not any(c.isspace() for c in token), repr(token)


def test_settling_new_spans_in_is_settling_everything_again():
    # _settle_in keeps disjoint new spans without settling again: the same list, the same tokens
    import random
    from kg.extract.mentions import Found, _settle, _settle_in
    rng = random.Random(3)

    def spans(n: int, empty: bool) -> list[Found]:
        out = []
        for _ in range(n):
            start = rng.randrange(30)
            end = start + rng.randrange(0 if empty else 1, 4)
            out.append(Found(start, end, "place", f"k{len(out)}", "Settlement", rng.randrange(-1, 4)))
        return out

    for round_ in range(3000):
        empty = round_ % 3 == 0
        chosen, taken = _settle(spans(rng.randrange(8), empty))
        new = spans(rng.randrange(4), empty)
        assert _settle_in(chosen, taken, new) == _settle(chosen + new), (chosen, new)


def test_overlapping_candidates_settle_longest_then_highest_priority_then_first():
    from kg.extract.mentions import Found, _settle
    a = Found(0, 2, "place", "a", "Settlement", 1)
    b = Found(1, 3, "actor", "b", "StateForce", 3)       # as long as a, higher priority
    c = Found(2, 3, "place", "c", "Settlement", 9)       # shorter: loses to b whatever its priority
    d = Found(5, 6, "person", "d", "Person", 0)
    e = Found(5, 6, "person", "e", "Person", 0)          # a tie in all three: the first given wins
    f = Found(4, 6, "place", "f", "Settlement", 0)
    kept, taken = _settle([a, c, e, d, b])
    assert kept == [b, e] and taken == {1, 2, 5}
    kept, _ = _settle([d, f, a])
    assert kept == [a, f]


def test_an_organisation_before_a_title_and_a_name_only_describes_the_person(extractor):
    doc = extractor.nlp("The Defence Ministry spokesman Tarek Nouri spoke, and the Defence Ministry said so.")
    finder = extractor.mentions
    arrays = TokenArrays.of(doc)
    ministry_ends = [k for k in range(len(doc)) if arrays.text[k] == "Ministry"]
    assert [finder._titles_a_person(doc, k + 1) for k in ministry_ends] == [True, False]
    assert finder._titles_a_person(doc, len(doc)) is False


def test_the_first_reading_names_only_what_needs_no_context(extractor):
    doc = extractor.nlp("Soldiers and the army met gunmen near a police checkpoint.")
    finder = extractor.mentions
    matches = finder.registry_matches(doc)
    assert {m.tag for m in matches} >= {"C", "U", "F"}
    first = finder.registry_names(doc, matches, [])
    assert first == [m.found for m in matches if m.found is not None]
    assert {f.category for f in first} == {"unidentified"}
    later = finder.registry_names(doc, matches, ["SY"])
    assert len(later) > len(first)


def test_a_capitalised_word_in_no_place_name_begins_no_span(extractor):
    # "Qwzxvbb" is a word of no known name: no span begins at it, the place after it is found
    # alone; glued to the next token it is still looked at with it ("Qwzxvbb-Aleppo" names none)
    doc = extractor.nlp("Qwzxvbb Aleppo and Qwzxvbb-Aleppo fell; Kafr Qwzxvbb did not.")
    arrays = TokenArrays.of(doc)
    assert extractor.mentions.gaz.words_in_no_name("Qwzxvbb") == ["qwzxvbb"]
    found = [(arrays.span_text(s, e), name) for s, e, name in extractor.mentions.place_candidates(doc)]
    assert found == [("Aleppo", "alepo"), ("Aleppo", "alepo")]
    # a compound name's first word still takes the words after it: "Kafr Qwzxvbb" is left whole
    assert mentions(extractor, "Shells fell on Kafr Qwzxvbb.")["Kafr Qwzxvbb"][0] == "newplace"


def test_names_in_apposition_between_commas_and_before_speech_verbs(extractor):
    found = people(extractor, "A local official, Musa Garba Bello, spoke first. Later, Ravand Mala Mahmud, warned "
                              "of more raids, and Tarek Nouri said so. Halima Sadiq")
    assert found == {"Musa Garba Bello", "Ravand Mala Mahmud", "Tarek Nouri"}
    # a title among the last three tokens opens no apposition; two capitalised words at the end
    # are no name followed by a verb
    assert people(extractor, "They met the official, Musa Bello") == set()


def test_nationalities_and_group_names_are_read_from_the_capitalised_words(extractor):
    finder = extractor.mentions
    doc = extractor.nlp("The Hamza Division and Syrian army units fought a small group, not the Qwzx brigade.")
    arrays = TokenArrays.of(doc)
    groups = {arrays.span_text(f.start, f.end) for f in finder.named_groups(doc, set())}
    assert groups == {"Hamza Division"}             # a lowercase group noun ends no name
    forces = {arrays.span_text(f.start, f.end) for f in finder.demonym_forces(doc, set(), ["SY"])}
    assert forces == {"Syrian army units"}
