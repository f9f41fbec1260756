"""Finding who and where: actor, outlet, place and person mentions in a tokenised article.

Registry names are found with spaCy PhraseMatchers (lowercase for names, exact case for
acronyms); places with an n-gram lookup of capitalised spans in the gazetteer; people, unknown
named groups and unnamed gunmen with a few token rules. Overlaps are settled longest first.
"""
from __future__ import annotations

import functools

import re
import unicodedata
from collections import Counter
from itertools import compress
from operator import and_, eq, itemgetter, not_
from typing import NamedTuple

from spacy.attrs import LOWER, ORTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from kg.data.gazetteer import Gazetteer, PlaceRecord, normalize_name
from kg.extract.lexicon import Lexicon
from kg.extract.phrase_codes import phrase_codes
from kg.extract.tokens import TokenArrays

# Place names may start with these lowercase particles ("al-Bab", "ash-Shaddadi").
_PARTICLES = {"al", "el", "ad", "ar", "as", "ash", "at", "az", "ad", "ed", "es", "ez", "an", "en", "ul", "il"}
# Words a terrain name may begin or end with ("Mount Qandil", "Sinjar Mountains"), as the
# patterns below strip them (case-insensitively).
_TERRAIN_PREFIX_WORDS = frozenset({"mount", "mt", "mt.", "mountain", "mountains", "jabal", "jebel", "jabel",
                                   "djebel", "jbel", "wadi"})
_TERRAIN_SUFFIX_WORDS = frozenset({"mountain", "mountains", "mount", "range", "hill", "hills", "heights"})
_TERRAIN_PREFIX = re.compile(r"^(?:%s)\s+" % "|".join(map(re.escape, sorted(_TERRAIN_PREFIX_WORDS))), re.I)
_TERRAIN_SUFFIX = re.compile(r"\s+(?:%s)$" % "|".join(map(re.escape, sorted(_TERRAIN_SUFFIX_WORDS))), re.I)
# Every word the two patterns strip (lowercased, without the dot): what remains of "Mount X"
# may be a known place even where the gazetteer has no name holding the word.
_TERRAIN_WORDS = frozenset(w.rstrip(".") for w in _TERRAIN_PREFIX_WORDS | _TERRAIN_SUFFIX_WORDS)


def _may_strip_terrain(words: list[str]) -> bool:
    """False when neither terrain pattern can match a text whose whitespace-parted words are
    `words`: the prefix takes the text's first word when it is one of its words, the suffix
    the last word (each parted from the rest by whitespace, which \\s and str.split agree on).
    An ASCII word matches a pattern word case-insensitively when its lowercase is that word;
    other words (to re.I "ſ" is an "s") are left to the patterns."""
    if not words:
        return False
    first, last = words[0], words[-1]
    return first.lower() in _TERRAIN_PREFIX_WORDS or last.lower() in _TERRAIN_SUFFIX_WORDS \
        or not first.isascii() or not last.isascii()


# What joins an article to the name after it: "al-Bab", "ad'Dana".
_NAME_JOINERS = ("-", "'", "’")
# First words of Arabic, Kurdish and Hebrew compound place names ("Kafr Beirut", "Tell Hamdun",
# "Khirbet Ghazaleh"): the words after them are part of the name, never a place alone.
_NAME_PREFIXES = frozenset({
    "kafr", "kfar", "kefr", "kufr", "tell", "tel", "tal", "tall", "ain", "ayn", "ein", "deir", "dayr", "der",
    "khirbet", "khirbat", "kherbet", "khirbit", "beit", "bayt", "bet", "bir", "jabal", "jebel", "jabel", "wadi",
    "qaryat", "qariyat", "umm", "um", "abu", "ras", "hazm", "mazraat", "mazraa", "qasr", "hisn", "jisr",
    "maarat", "marat", "maarrat", "arab", "nahr", "tall", "sheikh", "shaykh", "sahl", "marj", "tabqat",
})
# Of those, the ones that begin place names only (not "Abu", "Umm", "Sheikh" of people's names):
# "Kafr Tulul" is a place even where nothing else in the sentence says so.
_PLACE_ONLY_PREFIXES = frozenset({
    "kafr", "kfar", "kefr", "kufr", "tell", "tall", "khirbet", "khirbat", "kherbet", "khirbit", "deir", "dayr",
    "qaryat", "qariyat", "mazraat", "maarat", "maarrat", "jisr", "hisn", "beit", "bayt",
})
_GROUP_NOUNS = {"brigade", "brigades", "division", "battalion", "battalions", "front", "movement", "corps",
                "regiment", "militia", "militias", "legion", "army", "forces", "group", "units", "guards",
                "battalions", "squadron", "force"}
_UNIDENTIFIED = {"gunmen", "unidentified gunmen", "unknown gunmen", "armed men", "unidentified armed men",
                 "assailants", "unknown assailants", "unidentified assailants", "attackers",
                 "unknown attackers", "unidentified attackers", "masked gunmen", "armed assailants",
                 "suspected militants", "unidentified militants", "unknown militants", "a gunman",
                 "gunman", "an unidentified gunman", "kidnappers", "unknown kidnappers", "armed group",
                 "an armed group", "unidentified armed group", "an unidentified armed group", "bandits",
                 "armed bandits", "suspected bandits"}
# Nouns that, in a report naming one armed group, refer back to it ("the militants", "the group").
_GROUP_ANAPHORA = {"militants", "the militants", "insurgents", "the insurgents", "extremists", "jihadists",
                   "the jihadists", "terrorists", "the terrorists", "the group", "the jihadist group",
                   "the militant group", "the terror group", "the terrorist group", "the extremist group",
                   "the insurgent group", "the rebels", "rebels", "fighters", "the fighters", "the organisation",
                   "the organization", "jihadist fighters", "islamist militants", "islamist fighters",
                   "suspected militants", "suspected jihadists"}
# Nouns that announce a place name the gazetteer may not know, and the kind of place it is.
_SETTLEMENT_NOUNS = {"village": "Settlement", "town": "Settlement", "hamlet": "Settlement", "city": "Settlement",
                     "neighbourhood": "Settlement", "neighborhood": "Settlement", "camp": "Settlement",
                     "area": "Settlement", "desert": "TerrainFeature", "plain": "TerrainFeature", "plains": "TerrainFeature", "district": "AdminRegion", "sub-district": "AdminRegion",
                     "subdistrict": "AdminRegion", "province": "AdminRegion", "region": "AdminRegion"}
# Nouns that make the name before them a region's ("X province").
_REGION_NOUNS = frozenset({"province", "governorate", "district", "sub-district", "subdistrict", "region"})
# Nouns for the edge of a settlement: "the outskirts of X" names a town or village.
_OUTSKIRT_NOUNS = frozenset({"outskirts", "outskirt", "vicinity", "edge", "edges", "entrance", "suburbs"})
_FACILITY_NOUNS = {"base", "airbase", "prison", "airport", "dam", "hospital", "checkpoint", "refinery",
                   "oilfield", "crossing", "bridge", "mosque", "market", "school", "barracks", "garrison",
                   "outpost", "stadium", "port", "airfield"}
# Prepositions before an unknown name that a known place after it locates: "in Zarzuna in Idleb".
_LOCATING_PREPOSITIONS = frozenset({"in", "near", "at", "around", "outside"})
# Before a capital, these make it the place where something is, never the government speaking.
_PLACE_PREPOSITIONS = _LOCATING_PREPOSITIONS | {"inside", "from", "to", "into", "across", "toward", "towards",
                                                "within", "throughout", "of"}
# The words unknown_places' rules begin at (besides participles): the prepositions, the first
# words of place-only compound names, and the nouns of settlements, outskirts and facilities.
_UNKNOWN_PLACE_OPENERS = _LOCATING_PREPOSITIONS | _PLACE_ONLY_PREFIXES | set(_SETTLEMENT_NOUNS) \
    | _OUTSKIRT_NOUNS | _FACILITY_NOUNS

# Context forms that name "the national forces" without saying whose.
_GENERIC_FORCE_ALIASES = {"security forces", "government forces", "troops", "the army", "army", "soldiers",
                          "the military", "military", "the troops", "forces"}

# Arms and equipment of a force ("warplanes", "ground forces"): the branch they belong to is
# left implicit; in an article naming the whole armed forces they are those forces.
_ARM_NOUNS = {"warplanes", "warplane", "fighter jets", "jets", "ground forces", "ground troops", "commandos",
              "commando units", "helicopter gunships", "army helicopters"}

# Nouns naming a country's soldiers or police without saying whose: resolved by the article's country.
_NATIONAL_FORCE_NOUNS = {"soldier", "soldiers", "military patrol", "army patrol", "military checkpoint",
                         "army checkpoint", "military convoy", "army convoy", "military vehicle",
                         "army vehicle", "military post", "army post", "military outpost", "army outpost",
                         "military base", "army base", "military personnel", "servicemen", "conscripts",
                         "army officer", "army officers", "military positions", "army positions"}
_POLICE_NOUNS = {"policeman", "policemen", "police officer", "police officers", "police patrol",
                 "police checkpoint", "police station", "police post", "police vehicle", "police forces"}
_NOT_NAMES = {"The", "A", "An", "In", "On", "At", "But", "And", "He", "She", "It", "They", "We", "This",
              "That", "These", "Those", "His", "Her", "Their", "Its", "Our", "As", "After", "Before",
              "Since", "While", "When", "According", "However", "Meanwhile", "Also", "Some", "Many",
              "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January",
              "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December", "Mr", "Mr.", "Mrs", "Ms", "Dr", "WATCH", "UPDATE", "BREAKING",
              "Photo", "Video", "File", "Read", "More", "Related", "Editing", "Reporting", "Writing",
              "Islamic", "State", "Kurdish", "Iraqi", "Syrian", "Turkish", "Russian", "American",
              "God", "Allah", "Eid", "Ramadan", "Christmas", "Twitter", "Facebook", "Telegram"}


# "a Turkey backed faction", "Iran sponsored militias": the country qualifies a party, no place.
_COUNTRY_PARTICIPLES = frozenset({"backed", "led", "based", "sponsored", "supported", "funded", "allied",
                                  "aligned", "affiliated", "trained", "armed", "controlled", "brokered"})

# Lowercase words that may end a place name the gazetteer knows ("Saladin province").
_PLACE_TAILS = {"province", "governorate", "district", "region", "state", "oblast", "mountains", "mountain",
                "valley", "desert", "river", "lake", "camp", "prison", "dam", "airport", "base", "airbase",
                "subdistrict", "sub-district", "countryside", "range", "island", "field", "oilfield", "crossing"}
_GEONAMES_KEY = re.compile(r"_\d+$")
# Credit lines ("Editing by ...") name staff, not parties or places.
_CREDIT = re.compile(r"^\W*(?:\(?\s*(?:Editing|Reporting|Writing|Additional reporting|Compiled|Translated|Edited)\s+by)\b", re.I)


# Words between an unlisted name and the known place that locates it: "Ain Dalfa in the southern
# countryside of Idleb", "Zarzuna and surrounding areas in northern Aleppo".
_LOCATING_WORDS = frozenset({
    "the", "eastern", "western", "northern", "southern", "northeastern", "northwestern", "southeastern",
    "southwestern", "north", "south", "east", "west", "countryside", "outskirts", "rural", "of", "in",
    "surrounding", "nearby", "neighbouring", "neighboring", "areas", "area", "villages", "towns", "and",
})


# Lowercase compass words that begin some place names ("eastern Mosul", "northern Syria").
_COMPASS_WORDS = ("east", "west", "north", "south", "eastern", "western", "northern", "southern",
                  "northeast", "northwest", "southeast", "southwest", "northeastern", "northwestern",
                  "southeastern", "southwestern")


# Words that make a town's name stand for the region named after it: "Idlib countryside",
# "the countryside of Aleppo", "rural Damascus", "Hama province".
_REGION_AFTER = frozenset({"countryside", "province", "governorate", "region"})
_REGION_BEFORE = frozenset({"rural", "countryside", "province", "governorate"})


def _names_the_region(arrays: TokenArrays, start: int, end: int) -> bool:
    """True when the words around a town's name make it the region named after the town."""
    if end < len(arrays.lower) and arrays.lower[end] in _REGION_AFTER:
        return True
    if start >= 1 and arrays.lower[start - 1] == "rural":
        return True
    return start >= 2 and arrays.lower[start - 1] == "of" and arrays.lower[start - 2] in _REGION_BEFORE


def _placed_by_known_place(arrays: TokenArrays, end: int, place_starts: set[int]) -> bool:
    """True when a known place follows the name after a few locating words only."""
    if arrays.lower[end] == "and" and not (end + 1 < len(arrays.lower) and arrays.lower[end + 1] in ("surrounding", "nearby", "neighbouring", "neighboring")):
        return False      # "Zarzuna and Idleb": a list of names, each its own place
    if arrays.lower[end] != "and" and end + 2 in place_starts:
        return True       # "in Zarzuna in Idleb", "in Ain Dalfa, rural Idleb"
    for k in range(end + 1, min(end + 10, len(arrays.lower))):
        if k in place_starts:
            return True
        if arrays.lower[k] not in _LOCATING_WORDS:
            return False
    return False


class Found(NamedTuple):
    """A candidate mention before overlaps are settled. (A named tuple, not a frozen dataclass:
    an article makes some fifty of them, and a frozen dataclass takes four times as long to make.)"""

    start: int          # token offsets
    end: int
    category: str       # actor, outlet, place, person, group, unidentified
    key: str
    kind: str
    priority: int       # higher wins among spans of equal length
    generic: bool = False   # "the military", "police": a party only if it takes part
    named_from: int = -1    # start of a longer form naming it ("Diyala police"), kept as a surface form


class RegistryMatch(NamedTuple):
    """A phrase-matcher hit: `tag` says which table the phrase is from (A actor, O outlet,
    C context alias, U unidentified, R anaphor, F national force noun), `value` its key or
    alias; `found` the mention when it does not depend on the article's context."""

    tag: str
    value: str
    start: int
    end: int
    found: Found | None


_FOUND = itemgetter(4)      # RegistryMatch.found, read in C


def build_matchers(nlp: Language, lex: Lexicon) -> tuple[PhraseMatcher, PhraseMatcher]:
    """Phrase matchers for names (case-insensitive and exact-case). Built once per process,
    from the phrases' token codes (see phrase_codes: no tokenizing at start-up)."""
    by_key: dict[str, list[str]] = {}
    for alias, key in lex.actor_aliases.items():
        by_key.setdefault("A|" + key, []).append(alias)
    for alias, key in lex.outlet_aliases.items():
        by_key.setdefault("O|" + key, []).append(alias)
    for alias in lex.context_aliases:
        by_key.setdefault("C|" + alias, []).append(alias)
    for alias in _UNIDENTIFIED:
        by_key.setdefault("U|" + alias, []).append(alias)
    for alias in _GROUP_ANAPHORA:
        by_key.setdefault("R|" + alias, []).append(alias)
    for alias in _NATIONAL_FORCE_NOUNS:
        by_key.setdefault("F|army", []).append(alias)
    for alias in _POLICE_NOUNS:
        by_key.setdefault("F|police", []).append(alias)
    by_key_cs: dict[str, list[str]] = {}
    for alias, key in lex.actor_aliases_cs.items():
        by_key_cs.setdefault("A|" + key, []).append(alias)
    for alias, key in lex.outlet_aliases_cs.items():
        by_key_cs.setdefault("O|" + key, []).append(alias)
    tables = ((PhraseMatcher(nlp.vocab, attr="LOWER"), LOWER, by_key),
              (PhraseMatcher(nlp.vocab, attr="ORTH"), ORTH, by_key_cs))
    codes = phrase_codes(nlp, "registry", [(attr, [p for phrases in labels.values() for p in phrases])
                                           for _, attr, labels in tables])
    for (matcher, _, labels), table_codes in zip(tables, codes):
        next_code = iter(table_codes)
        for label, phrases in labels.items():
            if phrases:
                matcher.add(label, [next(next_code) for _ in phrases])
    return tables[0][0], tables[1][0]


# Speech verbs after ", Name Surname," and before "Name Surname" ("said Nur Ahmed").
_SPEECH_AFTER_NAME = frozenset({"said", "says", "told", "warned", "added", "stated", "confirmed", "announced",
                                "explained", "noted"})
_SPEECH_BEFORE_NAME = frozenset({"said", "says", "told", "added", "according"})
# What follows "Name Surname," when the words describe the person: "..., the spokesman".
_DESCRIBED_PERSON = re.compile(r"(?:the |a |an )?(?:[\w'’-]+ ){0,4}(?:spokes|command|governor|mayor|official|minister|head|chief|leader|director|general|colonel|member|deputy|analyst|researcher|officer|police|soldier|resident|witness|elder|activist|journalist|emir|founder|expert|doctor|farmer|shepherd|villager|survivor|manager|owner|chairman|president|secretary|representative|adviser|advisor|coordinator|ambassador|envoy|lawmaker|mp|governor|mukhtar|qaimaqam|sheikh|imam|teacher|student|father|brother|mother|relative)")


class MentionFinder:
    """Finds entity mentions in one Doc; settles overlaps; keeps no state between articles."""

    def __init__(self, nlp: Language, lex: Lexicon):
        self.nlp = nlp
        self.lex = lex
        self.ci, self.cs = build_matchers(nlp, lex)
        self.gaz = lex.gazetteer
        assert self.gaz is not None
        self.max_place_tokens = min(getattr(self.gaz, "max_name_tokens", 5), 6)
        self._no_name_tokens: dict[str, bool] = {}
        # match id -> (tag, value) of its label "tag|value": no more entries than matcher labels
        self._labels: dict[int, tuple[str, str]] = {}

    # ------------------------------------------------------------------ registry names
    def registry_matches(self, doc: Doc) -> list[RegistryMatch]:
        """Every phrase-matcher hit (case-insensitive names first, then exact-case ones, each in
        the matcher's order), with its mention already made when the article's context does not
        change it. Run once per article: `registry_names` reads the hits twice, before and after
        the article's countries are known."""
        arrays = TokenArrays.of(doc)
        out = []
        labels = self._labels
        for matcher in (self.ci, self.cs):
            for match_id, start, end in matcher(doc):
                label = labels.get(match_id)
                if label is None:
                    tag, _, value = self.nlp.vocab.strings[match_id].partition("|")
                    label = labels[match_id] = (tag, value)
                tag, value = label
                found = None
                if tag == "A":
                    entry = self.lex.actors[value]
                    if entry.kind == "CivilianGroup" and (_inside_a_name(arrays, start, end, self.gaz) or _addressed(arrays, start)):
                        continue
                    # "the foreign ministry spokesman Tom Reed": the body only says who the
                    # person is; it is a party only if it is named as one elsewhere
                    # "the U.N. Security Council's decisions": part of a longer name, another body
                    referenced = entry.kind == "Organization" and (
                        self._titles_a_person(doc, end) or _name_continues(arrays, end))
                    elite = self._elite_unit(arrays, start, entry)
                    if elite:
                        # "elite Iraqi forces": the country's special forces, not all its forces
                        found = Found(start - 1, end, "actor", elite, self.lex.actors[elite].kind, 3)
                    else:
                        found = Found(start, end, "actor", value, entry.kind, 3, generic=referenced)
                elif tag == "O":
                    found = Found(start, end, "outlet", value, "NewsOutlet", 2)
                elif tag == "U":
                    found = Found(start, end, "unidentified", "unidentified", "UnidentifiedActor", 1)
                elif tag == "R":
                    found = Found(start, end, "anaphor", "anaphor", "NonStateArmedGroup", 0)
                out.append(RegistryMatch(tag, value, start, end, found))
        return out

    def registry_names(self, doc: Doc, matches: list[RegistryMatch], countries: list[str],
                       named_force: str | None = None, named: frozenset[str] = frozenset()) -> list[Found]:
        """Registry names, plus generic forms resolved in context. `named_force` is the state
        force the article names most: "the military" in a story about Turkish troops in Syria
        is the Turkish military, not Syria's. `named`: keys the article names outright; "the
        government" is the one of them it can mean ("the Turkish state ... the government"),
        whichever country the places point to."""
        if not (countries or named or named_force):
            # the first reading: context forms and national force nouns name no party yet, so
            # the mentions are those made with the matches
            return [found for found in map(_FOUND, matches) if found is not None]
        arrays = TokenArrays.of(doc)
        out = []

        def heads_a_source(end: int) -> bool:
            # "a police source", "security officials": a source's description, not a party
            return end < len(doc) and arrays.lower[end] in self.lex.source_heads

        # a context form names a party of the article's countries, of the parties it names, or
        # the state force it names most
        for tag, value, start, end, found in matches:
            if found is not None:
                out.append(found)
            elif tag == "C":
                options = self.lex.context_aliases[value]
                key = next((options[c] for c in countries if c in options and options[c] in named), None) \
                    or next((k for k in options.values() if k in named), None) \
                    or next((options[c] for c in countries if c in options), None)
                # "interior ministry officials": the ministry is named as the source's
                # body; "security officials", "police sources" name no body
                if heads_a_source(end) and not (key and self.lex.actors[key].kind == "Organization"):
                    continue
                if value in _ARM_NOUNS and named_force and key and self.lex.actors[key].parent == named_force:
                    # "Turkish Armed Forces ... warplanes": the named force's own aircraft;
                    # the branch is a party of its own only where the article names it
                    key = named_force
                if value in _GENERIC_FORCE_ALIASES and named_force:
                    key = named_force
                    if value in ("the military", "military"):
                        # the armed forces of the country whose forces the article names
                        key = self.lex.military_of(self.lex.actors[named_force].country) or named_force
                if key:
                    generic = value in _GENERIC_FORCE_ALIASES or value in ("police", "the police")
                    named_from = -1
                    if value == "police" and self._place_before(arrays, start):
                        # "Diyala police": the province's police, a named body of the country's police
                        generic, named_from = False, start - 1
                    elif value in ("police", "the police") and end < len(doc) \
                            and arrays.lower[end] in ("said", "say", "says", "told", "announced", "reported"):
                        # "police said": the force speaks as a body, and annotators list it
                        generic = False
                    out.append(Found(start, end, "actor", key, self.lex.actors[key].kind, 2,
                                     generic=generic, named_from=named_from))
            elif tag == "F":
                if heads_a_source(end):
                    continue
                # "a military checkpoint", "policemen": the national army or police of the story
                key = (named_force or self.lex.default_force(countries[0])) if value == "army" and countries else None
                if value == "police" and countries:
                    key = self.lex.context_aliases.get("police", {}).get(countries[0])
                if key:
                    out.append(Found(start, end, "actor", key, self.lex.actors[key].kind, 0, generic=True))
        return out

    def _elite_unit(self, arrays: TokenArrays, start: int, entry) -> str | None:
        """The special forces of the country, for "elite"/"special" before a nationality's forces."""
        if start == 0 or arrays.lower[start - 1] not in ("elite", "special") or arrays.text[start] not in self.lex.demonyms \
                or not entry.country or entry.kind != "StateForce":
            return None
        for alias in (f"{arrays.lower[start - 1]} forces", "special forces", "elite forces"):
            key = self.lex.context_aliases.get(alias, {}).get(entry.country)
            if key:
                return key
        return None

    def _place_before(self, arrays: TokenArrays, start: int) -> bool:
        """A known place name (one capitalised word) right before the token."""
        if start == 0:
            return False
        prev = arrays.text[start - 1]
        if not (arrays.is_alpha[start - 1] and arrays.capitalised[start - 1]) or prev in _NOT_NAMES \
                or prev in self.lex.demonyms or prev in self.lex.stateless_demonyms:
            return False
        name = normalize_name(prev)
        return bool(name) and self.gaz.has_name(name)

    def _titles_a_person(self, doc: Doc, end: int) -> bool:
        """A person's title and name follow: "... spokesman Tom Reed", "... minister Ali Hassan"."""
        arrays = TokenArrays.of(doc)
        if end >= len(doc) or arrays.lower[end] not in self._title_prefixes:
            return False        # no title begins with the next word (most names: no span is made)
        for k in (3, 2, 1):
            if end + k < len(doc) and arrays.span_text(end, end + k).lower() in self.lex.person_titles:
                name = end + k
                return arrays.is_alpha[name] and arrays.capitalised[name] and arrays.text[name] not in _NOT_NAMES
        return False

    # ------------------------------------------------------------------ places
    def place_candidates(self, doc: Doc) -> list[tuple[int, int, str]]:
        """(start, end, normalised name) of capitalised spans the gazetteer knows."""
        out = []
        arrays = TokenArrays.of(doc)
        texts, lower, doc_text, idx = arrays.text, arrays.lower, arrays.doc_text, arrays.idx
        capitalised, is_punct, space_after = arrays.capitalised, arrays.is_punct, arrays.space_after
        n_tok = len(texts)
        # (inlined look-ups: this loop runs over every capitalised word of every article)
        no_name = self._no_name_tokens
        in_no_name = self._in_no_name
        has_name = self.gaz.has_name
        window = self.max_place_tokens + 1
        i = 0       # where the next name may begin: a name found is not looked into again
        # Only a capitalised word, or an Arabic article joined to one ("al-Bab", "ash-Shaddadi"),
        # may begin a name: the loop visits those alone, picked from the token columns without a
        # Python step per token
        starts = list(compress(range(n_tok), capitalised))
        # (the joiners and compass words are looked for only where the doc's lowercased words
        # hold them: a token whose text is one of these lowercase words is lowercased to it)
        vocabulary = arrays.vocabulary
        articles = [k - 1 for joiner in vocabulary.intersection(_NAME_JOINERS) for k in arrays.positions(joiner)
                    if 1 <= k < n_tok - 1 and lower[k - 1] in _PARTICLES and capitalised[k + 1]]
        # ... or a compass word before one, for the names that hold it ("eastern Mosul", "northern
        # Syria", "south Lebanon"; when no such name is known the capitalised word is looked up alone)
        compass = [k for word in vocabulary.intersection(_COMPASS_WORDS) for k in arrays.positions(word)
                   if k < n_tok - 1 and capitalised[k + 1]]
        if articles or compass:
            starts = sorted(set(starts).union(articles, compass))
        for start in starts:
            if start < i:
                continue
            i = start
            if is_punct[i]:
                continue
            found = None
            longest = window if i + window <= n_tok else n_tok - i
            # No known name holds a token whose words are in no name, where spaces part it
            # from the tokens around it in the span: spans that go past it are not looked up
            text = texts[i]
            blocked = no_name.get(text)
            if blocked is None:
                blocked = in_no_name(text)
            if blocked and space_after[i]:
                # the first word is such a token (a quarter of the starts): no span from here
                # names a place, and unless it is a name prefix none of the rules below applies
                if lower[i] not in _NAME_PREFIXES:
                    continue
                longest = 0
            else:
                for k in range(i + 1, i + longest - 1):
                    text = texts[k]
                    blocked = no_name.get(text)
                    if blocked is None:
                        blocked = in_no_name(text)
                    if blocked and space_after[k] and space_after[k - 1]:
                        longest = k - i + 1
                        break
            for n in range(longest, 0, -1):
                k = i + n - 1
                last = texts[k]
                if not (capitalised[k] or last.isdigit() or (n > 1 and lower[k] in _PLACE_TAILS)):
                    continue
                blocked = no_name.get(last)
                if blocked is None:
                    blocked = in_no_name(last)
                if blocked and (n == 1 or space_after[k - 1]):
                    continue
                span_text = doc_text[idx[i]:idx[k]] + last if n > 1 else last       # arrays.span_text(i, i + n)
                name = normalize_name(span_text)
                if not name:
                    continue
                if has_name(name):
                    found = (i, i + n, name)
                    break
                if n == 1:
                    continue
                # Where spaces part the first and last tokens from the rest of the span, they are
                # its text's first and last words (no token but whitespace holds whitespace), the
                # only ones the terrain test reads: the text need not be split
                words = [texts[i], last] if space_after[i] and space_after[k - 1] else span_text.split()
                if not _may_strip_terrain(words):
                    continue
                stripped = _TERRAIN_SUFFIX.sub("", _TERRAIN_PREFIX.sub("", span_text))
                if stripped != span_text:
                    sname = normalize_name(stripped)
                    if sname and has_name(sname) and any(
                            r.kind == "TerrainFeature" for r in self.gaz.lookup(sname)):
                        found = (i, i + n, "terrain:" + sname)
                        break
            if lower[i] in _NAME_PREFIXES and (found is None or found[1] == i + 1):
                # "Kafr Beirut" unknown as a whole: not "Beirut", nor "Tell" (Al-Tall) alone;
                # the whole name is left to the unknown-place finder
                k = i + 1
                while k < n_tok and (capitalised[k] and arrays.is_alpha[k]
                                     or (texts[k] in _NAME_JOINERS and k + 1 < n_tok)
                                     or (lower[k] in _PARTICLES and k + 1 < n_tok and texts[k + 1] == "-")):
                    k += 1
                if k > i + 1:
                    i = k
                    continue
            if found:
                out.append(found)
                i = found[1]
            else:
                i += 1
        return out

    def _in_no_name(self, token_text: str) -> bool:
        """A word of the token is in no place name nor stripped by the terrain rules: no span
        holding the token, cut from its neighbours by whitespace, names a known place."""
        blocked = self._no_name_tokens.get(token_text)
        if blocked is None:
            blocked = any(w not in _TERRAIN_WORDS for w in self.gaz.words_in_no_name(token_text))
            if len(self._no_name_tokens) >= 1 << 16:
                self._no_name_tokens.clear()       # bounded: a long build meets every word
            self._no_name_tokens[token_text] = blocked
        return blocked

    def plausible(self, arrays: TokenArrays, start: int, end: int, rec: PlaceRecord, countries: list[str]) -> bool:
        """Small GeoNames towns far from the story are usually words that look like names.
        (`arrays`: the doc's, which `find` holds: it asks once per place named.)"""
        n_tok = len(arrays.text)
        if end - start == 1 and arrays.text[start] in _NOT_NAMES:
            return False
        if _CREDIT.match(arrays.sent_text(start)):
            return False
        if start > 0 and arrays.text[start - 1] == "Operation":
            return False            # "Operation Olive Branch" names an operation, not a place
        if rec.kind == "Country" and end < n_tok:
            # "U.S. State Department", "U.S.-led", "Turkish army": the country as an adjective
            if arrays.text[end] in ("-", "'s", "’s") or (arrays.is_alpha[end] and arrays.capitalised[end]) \
                    or arrays.lower[end] in self.lex.force_nouns or arrays.lower[end] in _COUNTRY_PARTICIPLES:
                return False
        in_context = rec.country in countries[:2] if rec.country else True
        if rec.curated:
            # a curated place abroad inside a longer local name: "Kafr Beirut" is not Beirut
            if not in_context and end - start == 1 and rec.kind != "Country":
                for k in (start - 1, end):
                    if 0 <= k < n_tok and arrays.is_alpha[k] and arrays.capitalised[k] \
                            and not (k == start - 1 and arrays.sent_start[k]) and arrays.text[k] not in _NOT_NAMES:
                        return False
            return True
        if end - start == 1:
            text = arrays.text[start]
            # part of a longer name: "Nur Ahmed", "Tom Reed", "Shahid Khalid hospital"
            for k in (start - 1, end):
                if 0 <= k < n_tok and arrays.is_alpha[k] and arrays.capitalised[k] \
                        and not (k == start - 1 and arrays.sent_start[k]) and arrays.text[k] not in _NOT_NAMES:
                    return False
            if text.isupper() and len(text) <= 4:
                return False        # acronyms: NINA, SANA
            # an everyday English word is a town only when the town is big: "Minister", "West"
            if self.gaz.is_common_word(arrays.lower[start], 4.0) and rec.population < 1_000_000:
                return False
            # a small town reached only through spelling folds ("Commando" -> Comandău)
            if _plain(text) != _plain(rec.label) and rec.population < 50_000:
                return False
        if not in_context and (rec.population < 1_000_000 or _plain(arrays.span_text(start, end)) != _plain(rec.label)):
            return False        # a small town abroad, or one reached only by an alternate name
        if end - start == 1 and arrays.sent_start[start] and rec.population < 20_000:
            return False
        return True

    def resolve_place(self, name: str, countries: list[str]) -> PlaceRecord | None:
        if name.startswith("terrain:"):
            return self.gaz.resolve(name[8:], countries=countries, kinds=["TerrainFeature"])
        return self.gaz.resolve(name, countries=countries)

    # ------------------------------------------------------------------ people and groups
    @functools.cached_property
    def _title_prefixes(self) -> frozenset[str]:
        """Every prefix of every person title: a token that is none of them starts no title."""
        return frozenset(t[:n] for t in self.lex.person_titles for n in range(1, len(t) + 1))

    @functools.cached_property
    def _title_openers(self) -> tuple[frozenset[str], frozenset[str]]:
        """The lowercased tokens a title can begin with: (whole titles and the words before a
        space in one, "prime" of "prime minister"; the other beginnings of titles, "lt" of
        "lt.-gen.", "in" of "interior minister", which begin one only where no whitespace
        follows the token). "in", "of", "a" begin titles so, and are a tenth of all tokens."""
        titles = self.lex.person_titles
        spaced = frozenset(t[:n] for t in titles for n in range(1, len(t)) if t[n] == " ")
        return frozenset(titles) | spaced, frozenset(t[:n] for t in titles for n in range(1, len(t)))

    def _title_at(self, arrays: TokenArrays, i: int) -> int:
        """The number of tokens (3, 2 or 1; 0 for none) of the person title beginning at token i:
        the longest span whose lowercased text is a title."""
        titles, n_tok = self.lex.person_titles, len(arrays.text)
        lower = arrays.lower
        if i + 1 < n_tok:
            # A title of two or three tokens begins with the first two as lowercased ("prime
            # minister", "lt." "-gen."): where they begin none, the longer spans are not made
            gap = " " if arrays.idx[i] + len(arrays.text[i]) < arrays.idx[i + 1] else ""
            if lower[i] + gap + lower[i + 1] in self._title_prefixes:
                for k in (3, 2):
                    if i + k <= n_tok and arrays.span_text(i, i + k).lower() in titles:
                        return k
        return 1 if lower[i] in titles else 0

    def people(self, doc: Doc, taken: set[int]) -> list[Found]:
        """Named people: capitalised names after a title, or before ", spokesman" / "said".

        Each rule begins at a token of one kind (a title's first word, a comma, a speech verb,
        a capitalised word): its loop visits those tokens alone, picked from the token columns
        by `compress` without a Python step per token."""
        out = []
        arrays = TokenArrays.of(doc)
        texts, lower, capitalised, is_alpha = arrays.text, arrays.lower, arrays.capitalised, arrays.is_alpha
        n_tok = len(texts)
        titles = self.lex.person_titles
        # a title of one or two words, then 1-4 capitalised name tokens
        whole, glued = self._title_openers
        openers = list(compress(range(n_tok), map(whole.__contains__, lower)))
        # (every title is a whole opener: the tokens that are titles are among these few)
        title_positions = [k for k in openers if lower[k] in titles]
        glued_openers = [k for k in compress(range(n_tok), map(not_, arrays.space_after)) if lower[k] in glued]
        if glued_openers:
            openers = sorted(set(openers).union(glued_openers))
        i = 0       # where the next title may begin: a name found is not read again
        for start in openers:
            if start < i:
                continue
            i = start
            title_len = self._title_at(arrays, i)
            if not title_len:
                continue
            j = i + title_len
            names = []
            while j < n_tok and j - (i + title_len) < 4 and j not in taken and is_alpha[j] \
                    and capitalised[j] and texts[j] not in _NOT_NAMES:
                names.append(j)
                j += 1
            # "Abu Bakr al-Baghdadi": particles with a hyphen continue a name
            while j + 2 < n_tok and lower[j] in _PARTICLES and texts[j + 1] == "-" \
                    and capitalised[j + 2] and names:
                names.extend([j, j + 1, j + 2])
                j += 3
            if len(names) >= 2:
                out.append(Found(names[0], names[-1] + 1, "person", "", "Person", 1))
            i = j if names else i + title_len
        # "a district official, Musa Garba Bello, told": the name in apposition
        for i in title_positions:
            if i >= n_tok - 3 or texts[i + 1] != ",":
                continue
            j = i + 2
            k = j
            while k < n_tok and k - j < 4 and k not in taken and is_alpha[k] and capitalised[k] \
                    and texts[k] not in _NOT_NAMES:
                k += 1
            if k - j >= 2 and k < n_tok and texts[k] == ",":
                if not any(f.start <= j < f.end for f in out):
                    out.append(Found(j, k, "person", "", "Person", 1))
        # The rules below read names of two words or more: they begin at a capitalised word
        # followed by another (found among the capitalised words, a few in a hundred tokens)
        # "..., Ravand Mala Mahmud, warned": a name between commas before a speech verb
        for i in [k + 1 for k in arrays.positions(",")]:
            if not 1 <= i < n_tok - 3 or not (capitalised[i] and capitalised[i + 1]):
                continue
            k = i
            while k < n_tok and k - i < 4 and k not in taken and is_alpha[k] and capitalised[k] \
                    and texts[k] not in _NOT_NAMES and lower[k] not in titles:
                k += 1
            if k - i >= 2 and k + 1 < n_tok and texts[k] == "," and lower[k + 1] in _SPEECH_AFTER_NAME:
                if not any(f.start <= i < f.end for f in out):
                    out.append(Found(i, k, "person", "", "Person", 1))
        # "..., said Nur Ahmed, a police officer": the name after the verb
        for i in compress(range(n_tok - 2), map(_SPEECH_BEFORE_NAME.__contains__, lower)):
            if i + 1 in taken:
                continue
            j = i + 1 + (1 if lower[i] == "according" else 0)
            if lower[i] == "according" and (j - 1 >= n_tok or lower[j - 1] != "to"):
                continue
            k = j
            while k < n_tok and k - j < 4 and k not in taken and is_alpha[k] and capitalised[k] \
                    and texts[k] not in _NOT_NAMES and lower[k] not in titles:
                k += 1
            if k - j >= 2 and (k >= n_tok or texts[k] in (",", ".", "'s", "’s", "\n") or arrays.is_space[k]):
                if not any(f.start <= j < f.end for f in out):
                    out.append(Found(j, k, "person", "", "Person", 1))
        # "Name Surname said/told" and "Name Surname, the spokesman"
        for i in [k for k in compress(range(n_tok - 2), capitalised) if capitalised[k + 1]]:
            if i in taken or not is_alpha[i] or texts[i] in _NOT_NAMES or lower[i] in titles:
                continue
            if i > 0 and is_alpha[i - 1] and capitalised[i - 1] and not arrays.sent_start[i - 1]:
                continue
            j = i
            while j < n_tok and j - i < 4 and j not in taken and is_alpha[j] \
                    and capitalised[j] and texts[j] not in _NOT_NAMES:
                j += 1
            if j - i < 2 or j >= n_tok:
                continue
            nxt = lower[j]
            if nxt in ("said", "told", "says", "added", "stated", "tweeted", "wrote") or (
                    nxt == "," and _DESCRIBED_PERSON.match(arrays.span_text(j + 1, j + 8).lower() if j + 1 < n_tok else "")):
                if not any(f.start <= i < f.end for f in out):
                    out.append(Found(i, j, "person", "", "Person", 1))
        return out

    def named_groups(self, doc: Doc, taken: set[int]) -> list[Found]:
        """"The Hamza Division": capitalised names ending in a group noun, not in the registry."""
        out = []
        arrays = TokenArrays.of(doc)
        # (the group noun is capitalised: it is looked for among the capitalised words alone)
        for j in [k for k in compress(range(len(arrays.lower)), arrays.capitalised) if arrays.lower[k] in _GROUP_NOUNS]:
            if j in taken:
                continue
            i = j
            while i - 1 >= 0 and (i - 1) not in taken and (
                    (arrays.capitalised[i - 1] and arrays.is_alpha[i - 1] and not arrays.sent_start[i - 1])
                    or (arrays.lower[i - 1] in ("al", "of", "-") and i - 2 >= 0 and arrays.capitalised[i - 2])):
                i -= 1
            while i < j and arrays.lower[i] in ("of", "al", "-"):
                i += 1
            if j - i >= 1 and arrays.text[i] not in _NOT_NAMES:
                out.append(Found(i, j + 1, "group", "", "NonStateArmedGroup", 0))
        return out

    def capitals_for_governments(self, doc: Doc, place_spans: list[tuple[int, int, str]]) -> list[Found]:
        """"Baghdad's objections", "Ankara said": the capital stands for the government there
        when it speaks, objects or decides; elsewhere it is the city."""
        arrays = TokenArrays.of(doc)
        out = []
        for start, end, _ in place_spans:
            if end >= len(doc):
                continue
            if start > 0 and arrays.lower[start - 1] in _PLACE_PREPOSITIONS:
                continue                       # "witnesses in Baghdad said": the speakers are in the city
            nxt = arrays.lower[end]
            stance = end + 1 < len(doc) and nxt in ("'s", "’s") and arrays.lower[end + 1] in _STANCE_NOUNS
            if not (stance or nxt in _STANCE_VERBS or (nxt == "would" and end + 1 < len(doc) and arrays.lower[end + 1] == "not")):
                continue
            key = self.lex.government_of(self.lex.capitals.get(arrays.span_text(start, end)))
            if key:
                out.append(Found(start, end, "actor", key, self.lex.actors[key].kind, 5))
        return out

    def local_bodies(self, doc: Doc) -> list[Found]:
        """"The Kirkuk province security committee", "Nineveh Provincial Council": a place's own
        council or committee, a body of its own that the registry cannot list one by one."""
        arrays = TokenArrays.of(doc)
        if arrays.vocabulary.isdisjoint(_BODY_NOUNS):
            return []
        lower = arrays.lower
        out = []
        n_tok = len(lower)
        # Only a capitalised word before a body's first word or a place noun can name one: the
        # loop visits those alone (a capitalised word and the word after it, paired by `map`)
        for i in compress(range(n_tok), map(and_, arrays.capitalised, map(_BODY_OPENERS.__contains__, lower[1:]))):
            text = arrays.text[i]
            if not arrays.is_alpha[i] or text in _NOT_NAMES:
                continue
            j = i + 1
            if lower[j] in _BODY_PLACE_NOUNS:
                j += 1
            body = next((body for body in _LOCAL_BODIES
                         if j + len(body) <= n_tok and tuple(lower[j:j + len(body)]) == body), None)
            if body is None:
                continue
            name = normalize_name(text)
            if name and self.gaz.has_name(name):
                out.append(Found(i, j + len(body), "body", "", "Organization", 2))
        return out

    # ------------------------------------------------------------------ places nobody listed
    def unknown_places(self, doc: Doc, taken: set[int], known: list[Found]) -> list[Found]:
        """"the village of Dounkoun", "El Salini base", "Toeni area": places the gazetteer lacks.

        The key is the name itself; the extractor gives such a place the position of a known
        place next to it, with a wide precision, or none.
        """
        out = []
        arrays = TokenArrays.of(doc)
        n_tok = len(arrays.text)

        def name_after(j: int) -> int:
            k = j
            while k < n_tok and k - j < 4 and k not in taken and (
                    (arrays.is_alpha[k] and arrays.capitalised[k] and arrays.text[k] not in _NOT_NAMES)
                    or (arrays.text[k] == "-" and k > j) or (arrays.lower[k] in _PARTICLES and k + 1 < n_tok
                                                             and arrays.text[k + 1] == "-")):
                k += 1
            while k > j and arrays.text[k - 1] == "-":
                k -= 1
            return k

        def name_before(j: int) -> int:
            k = j
            while k - 1 >= 0 and j - k < 4 and (k - 1) not in taken and (
                    (arrays.is_alpha[k - 1] and arrays.capitalised[k - 1] and not arrays.sent_start[k - 1]
                     and arrays.text[k - 1] not in _NOT_NAMES) or arrays.text[k - 1] == "-"):
                k -= 1
            while k < j and arrays.text[k] == "-":
                k += 1
            return k

        place_starts = {f.start for f in known if f.category == "place"}
        # Each rule begins at a word of its own list or at a participle ("-ed"): the loop visits
        # those alone, picked from the token column without a Python step per token
        openers = _UNKNOWN_PLACE_OPENERS.union([w for w in arrays.vocabulary if w.endswith("ed")])
        for i in compress(range(n_tok), map(openers.__contains__, arrays.lower)):
            low = arrays.lower[i]
            # "shelled Zarzuna in Idleb countryside", "in Ain Dalfa, Idlib": an unknown name placed
            # by the known place after it
            if (low in _LOCATING_PREPOSITIONS or (arrays.is_alpha[i] and low.endswith("ed")
                                                                       and not arrays.capitalised[i])) \
                    and i + 1 < n_tok and (i + 1) not in taken \
                    and (arrays.capitalised[i + 1] or arrays.lower[i + 1] in _PARTICLES):    # (a name may follow)
                end = name_after(i + 1)
                if end > i + 1 and end + 1 < n_tok and arrays.lower[end] in ("in", ",", "near", "and") \
                        and _placed_by_known_place(arrays, end, place_starts):
                    out.append(Found(i + 1, end, "newplace", "Settlement", "Settlement", 0))
                    continue
            # "Kafr Tulul", "Tell Hamdun": a compound name the gazetteer lacks is still a place
            if low in _PLACE_ONLY_PREFIXES and arrays.capitalised[i] and i not in taken and i + 1 < n_tok \
                    and (i + 1) not in taken and (i == 0 or arrays.text[i - 1] != "-"):
                end = name_after(i)
                # not in a list ("Kafr Tulul and Idlib"): the extractor would place it at its neighbour
                if end > i + 1 and not (end < n_tok and arrays.text[end] in ("and", ",", "or")):
                    out.append(Found(i, end, "newplace", "Settlement", "Settlement", 0))
                    continue
            # "the village of X", "the town of X", "the outskirts of X"
            if (low in _SETTLEMENT_NOUNS or low in _OUTSKIRT_NOUNS) and i + 2 < n_tok and arrays.lower[i + 1] == "of":
                end = name_after(i + 2)
                if end > i + 2 and low in _OUTSKIRT_NOUNS:
                    out.append(Found(i + 2, end, "newplace", "Settlement", "Settlement", 0))
                    continue
                end = name_after(i + 2)
                if end > i + 2:
                    kind = _SETTLEMENT_NOUNS[low]
                    if end < n_tok and arrays.lower[end] in _REGION_NOUNS:
                        kind = "AdminRegion"      # "a village of X province": the village is in X
                    out.append(Found(i + 2, end, "newplace", kind, kind, 0))
                continue
            # "X village", "El Salini base"
            if (low in _SETTLEMENT_NOUNS or low in _FACILITY_NOUNS) and i not in taken:
                start = name_before(i)
                if start < i:
                    kind = _SETTLEMENT_NOUNS.get(low) or "Facility"
                    end = i + 1 if kind == "Facility" else i
                    out.append(Found(start, end, "newplace", kind, kind, 0))
        return out

    # ------------------------------------------------------------------ demonym forces
    @functools.cached_property
    def _nationality_words(self) -> frozenset[str]:
        """Demonyms of states and of peoples without one: the words a demonym force begins with."""
        return frozenset(self.lex.demonyms) | frozenset(self.lex.stateless_demonyms)

    def demonym_forces(self, doc: Doc, taken: set[int], countries: list[str]) -> list[Found]:
        """"Turkish warplanes", "Iraqi troops": a nationality before a force noun."""
        out = []
        arrays = TokenArrays.of(doc)
        n_tok = len(arrays.text)
        words = self._nationality_words
        # Every nationality is written capitalised ("Turkish", "Kurdish"; tests/test_lexicon.py
        # holds the lexicon to it): its tokens are among the capitalised words, a few in a hundred
        for i in [k for k in compress(range(n_tok), arrays.capitalised) if arrays.text[k] in words]:
            if i in taken:
                continue
            text = arrays.text[i]
            country = self.lex.demonyms.get(text)
            stateless = text in self.lex.stateless_demonyms
            if not country and not stateless:
                continue
            # skip adjectives between: "Turkish military drones"; the hyphenated "Iraqi-Kurdish"
            j = i + 1
            while j < n_tok and j - i <= 3 and (arrays.text[j] in ("-", "and", ",") or
                                                arrays.text[j] in self.lex.demonyms or
                                                arrays.text[j] in self.lex.stateless_demonyms or
                                                arrays.lower[j] in ("military", "army", "armed", "government", "regime", "security", "state", "federal", "national", "special", "elite")):
                if arrays.lower[j] in self.lex.force_nouns and arrays.lower[j] not in ("military", "army"):
                    break
                j += 1
            if j >= n_tok:
                continue
            head = arrays.lower[j]
            two = arrays.span_text(j, j + 2).lower() if j + 1 < n_tok else ""
            is_force = head in self.lex.force_nouns or two in self.lex.force_nouns
            # "Turkish airstrikes", "Iraqi-Kurdish operation": the nationality is the agent
            is_event = head in self.lex.triggers or two in self.lex.triggers or head in self.lex.generic_triggers
            if arrays.lower[j - 1] in ("military", "army") and not is_force:
                is_force = True
            if not (is_force or is_event):
                continue
            key = None
            start = i
            if country:
                military = head == "military" or arrays.lower[j - 1] == "military" and head in ("forces", "personnel")
                key = self.lex.military_of(country) if military else self.lex.default_force(country)
            else:
                # "Iraqi Kurdish positions": the Kurds of Iraq, one party, named from the first word
                state = self.lex.demonyms.get(arrays.text[i - 1]) if i > 0 and (i - 1) not in taken else None
                if state:
                    start = i - 1
                options = self.lex.context_aliases.get(f"{text.lower()} forces", {})
                key = next((options[c] for c in ([state] if state else []) + countries if c in options), None)
            if key:
                end = j + (2 if two in self.lex.force_nouns and head not in self.lex.force_nouns else 1) if is_force else i + 1
                # "Kurdish and Iraqi forces", "Iraqi-Kurdish operation": one mention per nationality;
                # "Iraqi Kurdish positions": the Kurds of Iraq, one party
                later = [k for k in range(i + 1, j) if arrays.text[k] in self.lex.demonyms
                         or arrays.text[k] in self.lex.stateless_demonyms]
                if later and later[0] == i + 1:
                    continue
                if later:
                    end = i + 1
                out.append(Found(start, end, "actor", key, self.lex.actors[key].kind, 1))
        return out

    # ------------------------------------------------------------------ all together
    def find(self, doc: Doc, hint_countries: list[str]) -> tuple[list[Found], dict[tuple[int, int], PlaceRecord], list[str]]:
        """All mentions, overlaps settled, with the resolved place of every place mention."""
        arrays = TokenArrays.of(doc)
        place_spans = self.place_candidates(doc)
        # Names first (without country-dependent forms), then people: a person's name is not a
        # town ("Nur Ahmed" is not Nur, Iran), so neither may vote for the article's country.
        matches = self.registry_matches(doc)
        plain_names = self.registry_names(doc, matches, [])
        taken = {t for f in plain_names for t in range(f.start, f.end)}
        people = [f for f in self.people(doc, taken) if not _CREDIT.match(arrays.sent_text(f.start))]
        taken |= {t for f in people for t in range(f.start, f.end)}
        voters = [sp for sp in place_spans if taken.isdisjoint(range(sp[0], sp[1]))]
        countries = self.country_context(voters, hint_countries)
        context = countries[:2]
        state = Counter(f.key for f in plain_names if f.kind == "StateForce" and f.category == "actor")
        named_force = state.most_common(1)[0][0] if state else None
        named = frozenset(f.key for f in plain_names if f.category == "actor" and not f.generic)
        found: list[Found] = self.registry_names(doc, matches, context, named_force, named) + people
        place_of: dict[tuple[int, int], PlaceRecord] = {}
        # a place an article names once it names again and again: each name is resolved once
        resolved = {name: self.resolve_place(name, countries) for name in dict.fromkeys(name for _, _, name in place_spans)}
        for start, end, name in place_spans:
            rec = resolved[name]
            if rec is not None and rec.kind == "Settlement" and _names_the_region(arrays, start, end):
                rec = self.gaz.namesake_region(rec.key) or rec
            if rec is not None and self.plausible(arrays, start, end, rec, countries):
                place_of[(start, end)] = rec
                curated = rec.curated
                found.append(Found(start, end, "place", rec.key, rec.kind,
                                   (2 if rec.kind != "Country" else 1) + (1 if curated else -1)))
        chosen, taken = _settle(found + self.local_bodies(doc))
        chosen, taken = _settle_in(chosen, taken, self.demonym_forces(doc, taken, context))
        chosen, taken = _settle_in(chosen, taken, self.named_groups(doc, taken))
        chosen, taken = _settle_in(chosen, taken, self.unknown_places(doc, taken, chosen))
        chosen = self.spelling_variants(doc, chosen, place_of, context)      # (same spans)
        chosen, _ = _settle_in(chosen, taken, self.surnames(doc, taken, chosen))
        chosen = _generic_heads_to_named(doc, chosen)
        # "Ankara said": the capital is both the place named and the government that speaks;
        # the government comes last, so it is the one a role or a claim resolves to
        places = {(f.start, f.end) for f in chosen if f.category == "place"}
        chosen += [f for f in self.capitals_for_governments(doc, place_spans) if (f.start, f.end) in places]
        return chosen, place_of, countries

    def spelling_variants(self, doc: Doc, chosen: list[Found], place_of: dict[tuple[int, int], PlaceRecord],
                          context: list[str]) -> list[Found]:
        """"in Quameshli city": a town the text clearly names as a place but spells in a way the
        gazetteer does not know is the article's town of a variant spelling (Qamishli); "in
        Salahedin province": a province, matched among the country's regions by its consonants."""
        arrays = TokenArrays.of(doc)
        out = []
        for f in chosen:
            if f.category == "newplace" and f.kind in ("Settlement", "AdminRegion") and context:
                name = arrays.span_text(f.start, f.end)
                if f.kind == "AdminRegion":
                    # "X province" names a province, not the town X of a variant spelling
                    rec = self.gaz.resolve_region_variant(name, context) or self.gaz.resolve_variant(name, context)
                    if rec is not None and rec.kind == "Settlement":
                        rec = self.gaz.namesake_region(rec.key) or rec
                else:
                    rec = self.gaz.resolve_variant(name, context)
                if rec is not None:
                    place_of[(f.start, f.end)] = rec
                    f = Found(f.start, f.end, "place", rec.key, rec.kind, f.priority)
            out.append(f)
        return out

    def surnames(self, doc: Doc, taken: set[int], chosen: list[Found]) -> list[Found]:
        """"Ousseni Tamboura ... Tamboura said": a person's surname alone, after the full name.
        The mention carries the full name as key, so both are one person. A surname two people
        share is nobody's."""
        arrays = TokenArrays.of(doc)
        first_seen: dict[str, tuple[int, str]] = {}
        shared: set[str] = set()
        for f in chosen:
            if f.category != "person" or f.end - f.start < 2:
                continue
            full = arrays.span_text(f.start, f.end)
            last = arrays.text[f.end - 1]
            if last in first_seen and first_seen[last][1] != full:
                shared.add(last)
            first_seen.setdefault(last, (f.end, full))
        out = []
        for i in compress(range(len(arrays.text)), map(first_seen.__contains__, arrays.text)):
            text = arrays.text[i]
            seen = first_seen[text]
            if text in shared or i in taken or i < seen[0] or text in _NOT_NAMES:
                continue
            # not inside a longer name: "Tamboura Street", "Ali Tamboura"
            if (i + 1 < len(doc) and arrays.capitalised[i + 1] and arrays.is_alpha[i + 1]) or (
                    i > 0 and arrays.capitalised[i - 1] and arrays.is_alpha[i - 1] and not arrays.sent_start[i]):
                continue
            out.append(Found(i, i + 1, "person", seen[1], "Person", 0))
        return out

    def country_context(self, place_spans: list[tuple[int, int, str]], hints: list[str]) -> list[str]:
        """The article's countries, most mentioned first, from places whose name is unambiguous."""
        votes: Counter[str] = Counter()  # type: ignore[assignment]
        weak: Counter[str] = Counter()   # towns known only from GeoNames: a four-letter village name is a town abroad too
        # Each name is looked up once and votes as often as it is named. (The names in the order
        # they are first named: a country enters the tallies where it did span by span, and
        # most_common breaks ties by that order.)
        for name, times in Counter(name for _, _, name in place_spans).items():
            cands = self.gaz.lookup(name[8:] if name.startswith("terrain:") else name, limit=3)
            countries = {c.country for c in cands if c.country}
            best = cands[0] if cands else None
            if best is not None and best.country:
                weight = 3 if best.kind == "Country" else (2 if len(countries) == 1 else 1)
                (votes if best.curated else weak)[best.country] += weight * times
        if not votes:
            votes = weak
        # The publisher's country only breaks ties: Reuters (GB) writes about Iraq.
        for hint in hints:
            votes[hint] += 0.5
        return [c for c, _ in votes.most_common()]


_START = itemgetter(0)      # Found.start, read in C
_END = itemgetter(1)        # Found.end


def _settle(found: list[Found]) -> tuple[list[Found], set[int]]:
    """Longest spans first, then priority; drop anything overlapping a kept span. The kept
    spans in text order, and the tokens they take."""
    kept: list[Found] = []
    occupied: set[int] = set()
    for f in sorted(found, key=lambda f: (-(f.end - f.start), -f.priority, f.start)):
        tokens = range(f.start, f.end)
        if occupied.isdisjoint(tokens):
            kept.append(f)
            occupied.update(tokens)
    kept.sort(key=_START)
    return kept, occupied


def _settle_in(chosen: list[Found], taken: set[int], new: list[Found]) -> tuple[list[Found], set[int]]:
    """`chosen` (a list `_settle` made) with `new` settled in, and the tokens the result takes
    (`taken`: those of `chosen`). A settled list settles to itself, in the same order, so with
    nothing new (most articles, for most finders) neither is made again.

    Nor is it sorted again when the new spans overlap neither the chosen ones nor each other
    (nine times in ten: the finders skip the tokens taken): settling a set of disjoint spans
    keeps them all, in the order of their starts, which no two share when none is empty (an
    empty span may share its start with another span: settling puts the longer first)."""
    if not new:
        return chosen, taken
    occupied = set(taken)
    for f in new:
        tokens = range(f.start, f.end)
        if not tokens or not occupied.isdisjoint(tokens):
            return _settle(chosen + new)
        occupied.update(tokens)
    if any(map(eq, map(_START, chosen), map(_END, chosen))):
        return _settle(chosen + new)          # (an empty span among the chosen: see above)
    return sorted(chosen + new, key=_START), occupied


# What a capital does when it stands for its government.
_STANCE_NOUNS = frozenset({"objections", "objection", "decision", "position", "request", "demands", "demand",
                           "approval", "opposition", "policy", "refusal", "response", "accusations", "rejection",
                           "warning", "concerns", "insistence", "consent", "stance", "claims"})
_STANCE_VERBS = frozenset({"said", "says", "accused", "accuses", "denied", "denies", "warned", "warns", "rejected",
                           "rejects", "refused", "refuses", "condemned", "condemns", "demanded", "demands", "urged",
                           "urges", "insisted", "insists", "objected", "objects", "vowed", "vows", "threatened",
                           "threatens", "announced", "protested", "blamed", "blames"})

# What a province or city has as its own deciding bodies ("Kirkuk Security Committee").
_LOCAL_BODIES = (("security", "committee"), ("provincial", "council"), ("province", "council"),
                 ("security", "council"), ("council",), ("crisis", "cell"), ("local", "council"))
# Words between the place's name and its body: "Kirkuk province security committee".
_BODY_PLACE_NOUNS = frozenset({"province", "provincial", "governorate", "district", "city"})
# The words that may follow the place's name in such a name, and the words the names end in.
_BODY_OPENERS = _BODY_PLACE_NOUNS | {body[0] for body in _LOCAL_BODIES}
_BODY_NOUNS = frozenset(body[-1] for body in _LOCAL_BODIES)

_ARMED_KINDS = frozenset({"StateForce", "RegionalForce", "ParamilitaryForce", "NonStateArmedGroup", "Coalition"})


def _generic_heads_to_named(doc: Doc, found: list[Found]) -> list[Found]:
    """"The Kurdish internal security forces ... the security forces": a generic phrase of two
    words or more refers back to the force last named with a name ending in it, whichever
    country's forces the phrase would otherwise stand for."""
    arrays = TokenArrays.of(doc)
    out: list[Found] = []
    named: list[tuple[str, str, str]] = []      # (lowercased name, key, kind), in text order
    for f in sorted(found, key=_START):
        if f.category == "actor" and f.generic:
            phrase = arrays.span_text(f.start, f.end).lower().removeprefix("the ")
            ref = None
            if " " in phrase:
                ref = next(((key, kind) for name, key, kind in reversed(named)
                            if name != phrase and name.endswith(" " + phrase)), None)
            if ref is not None and ref[0] != f.key:
                f = f._replace(key=ref[0], kind=ref[1])
        elif f.category == "actor" and f.kind in _ARMED_KINDS and not f.generic:
            named.append((arrays.span_text(f.start, f.end).lower(), f.key, f.kind))
        out.append(f)
    return out


_ADDRESSING = frozenset({"told", "tell", "tells", "telling", "briefed", "briefing", "informed", "addressed"})


def _addressed(arrays: TokenArrays, start: int) -> bool:
    """"told reporters", "said to local journalists": the people spoken to, no party."""
    before = arrays.lower[max(0, start - 3):start]
    for n, word in enumerate(reversed(before)):
        if word in _ADDRESSING or (word == "to" and n + 1 < len(before)
                                   and before[-(n + 2)] in ("said", "says", "spoke", "speaking", "talking")):
            return True
        if word not in ("a", "the", "local", "foreign", "visiting", "group", "of"):
            return False
    return False


def _name_continues(arrays: TokenArrays, end: int) -> bool:
    """A capitalised word (not sentence-initial) follows: the match is the start of a longer name;
    or a document noun follows: the body's text is cited, the body does nothing."""
    if end >= len(arrays.text):
        return False
    if arrays.lower[end] in _DOCUMENT_NOUNS:
        return True         # "the U.N. charter", "UN resolutions": a text of the body, not the body acting
    return arrays.is_alpha[end] and arrays.capitalised[end] and not arrays.sent_start[end] \
        and arrays.text[end] not in _NOT_NAMES


_DOCUMENT_NOUNS = frozenset({"charter", "resolution", "resolutions", "convention", "conventions", "report",
                             "reports", "sanctions", "guidelines", "standards", "treaty", "law", "laws"})


def _inside_a_name(arrays: TokenArrays, start: int, end: int, gaz: Gazetteer) -> bool:
    """A common noun capitalised in mid-sentence between other capitalised words is part of a
    proper name: "Workers" in "the Democratic Workers Front" is no civilian group."""
    if arrays.sent_start[start] or not arrays.capitalised[start] or not gaz.is_common_word(arrays.lower[start], 3.5):
        return False
    return any(0 <= k < len(arrays.text) and arrays.is_alpha[k] and arrays.capitalised[k] and not arrays.sent_start[k]
               and arrays.text[k] not in _NOT_NAMES for k in (start - 1, end))


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
