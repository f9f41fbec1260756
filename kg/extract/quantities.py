"""Counts of killed, wounded and captured people, and strength estimates, by ACLED's conventions.

Ranges give their lower bound ("between 5 and 7" -> 5, "at least 20" -> 20); vague words get
ACLED's numbers (several/tens/a few -> 10 ... see VAGUE); "no casualties" gives 0; "killed or
injured" tells no number of dead.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from collections.abc import Iterator
from typing import Literal

from kg.extract.prefilter import folded

CountKind = Literal["killed", "wounded", "captured"]

UNITS = {
    "zero": 0, "one": 1, "a": 1, "an": 1, "single": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100,
    "a dozen": 12, "dozen": 12, "a couple of": 2, "a pair of": 2, "both": 2,
}
# ACLED codes vague reports with fixed figures.
VAGUE = {
    "several": 10, "a few": 10, "few": 10, "some": 10, "many": 10, "multiple": 10, "tens": 10,
    "a number of": 10, "numerous": 10, "dozens": 12, "dozens of": 12, "scores": 20, "scores of": 20,
    "hundreds": 100, "hundreds of": 100, "thousands": 1000, "thousands of": 1000,
}


def _by_first_letter(alternatives: list[str]) -> str:
    """The regex alternation `a1|a2|...` (each opening on a plain letter) written as one group per
    first letter, `a(?:...)|b(?:...)`, each group's words in the given order.

    Why: re tries an alternation's branches one after the other, and under IGNORECASE it cannot
    skip a branch by its first letter; tried at every word of every sentence, the ~80 number words
    were most of the count patterns' cost. Branches with different first letters cannot match at
    the same place, and each group keeps its branches' order, so every text matches exactly as it
    did with the flat alternation."""
    groups: dict[str, list[str]] = {}
    for alt in alternatives:
        groups.setdefault(alt[0].lower(), []).append(alt[1:])
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())


_WORD_NUM = _by_first_letter(sorted((re.escape(w) for w in list(UNITS) + list(VAGUE)), key=len, reverse=True))
_NUM = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+|(?:{_WORD_NUM})(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?)"
_QUALIFIERS = ("no fewer than", "no less than", "not less than", "at least", "more than", "over", "nearly", "almost",
               "about", "around", "roughly", "some", "up to", "approximately", "an estimated", "as many as", "a total of",
               "another", "other", "fewer than", "less than", "between")
_QUAL = "(?:" + _by_first_letter([q.replace(" ", r"\s+") for q in _QUALIFIERS]) + r")\s+"
_PERSON_NOUNS = r"(?:soldier|civilian|child|woman|man|fighter|militant|officer|member|policeman|shepherd|farmer|person|boy|girl|teacher|journalist|guard|commander|leader|driver|worker|resident|villager|doctor|activist|elder|official|employee|student|gunman|insurgent|jihadist|individual|colonel|captain|lieutenant|sergeant|brigadier|mayor|judge|imam|cleric|mukhtar|police\s+officer)"
NUMBER = rf"(?P<qual>{_QUAL})?(?P<num>{_NUM})(?:\s*(?:-|–|to|and|or)\s*(?P<num2>{_NUM}))?"
# What a NUMBER match begins with (in any case): a digit, or the first letter of a number word or
# a qualifier. A pattern opening on a NUMBER looks ahead for one first: at most word boundaries it
# is not there, and trying the whole number vocabulary at each of them was most of _AFTER's cost.
_NUMBER_START = "(?=[\\d" + "".join(sorted({w[0] for w in (*UNITS, *VAGUE, *_QUALIFIERS)})) + "])"

class _Scanned:
    """A count pattern (case-insensitive), as Screen.scan runs it: `lowercase`, compiled without
    IGNORECASE, on the lowercased text, and `ignorecase`, compiled when first asked, on a text that
    cannot be lowercased for it (see prefilter.folded; almost none). Compiling both forms of the
    number patterns at import was a third of importing this module.

    The pattern must name no uppercase letter (checked): lowercased, the text has none to match."""

    __slots__ = ("source", "lowercase", "_ignorecase")

    def __init__(self, source: str):
        plain = re.sub(r"\\.|\(\?P<\w+>", "", source)       # escapes (\S, \b) and group names
        assert not re.search("[A-Z]", plain), source
        self.source = source
        self.lowercase = re.compile(source)
        self._ignorecase: re.Pattern[str] | None = None

    @property
    def ignorecase(self) -> re.Pattern[str]:
        if self._ignorecase is None:
            self._ignorecase = re.compile(self.source, re.IGNORECASE)
        return self._ignorecase


_KILLED = r"killed|dead|died|slain|perished|lost\s+their\s+lives|martyred|executed|shot\s+dead|beheaded|deaths|fatalities|bodies"
_WOUNDED = r"wounded|injured|hurt|injuries|wounds"
_CAPTURED = r"captured|arrested|detained|abducted|kidnapped|seized|taken\s+hostage|taken\s+prisoner|apprehended|rounded\s+up"
_VERB = {"killed": _KILLED, "wounded": _WOUNDED, "captured": _CAPTURED}
# "<n> <up to 6 words> (were|was) killed" / "<n> dead"
_NOUN_GAP = r"(?:(?!(?:and|or|were|was|killed|wounded|injured|dead|died|captured|arrested|while|but)\b)[\w'’\-]+\s+){0,8}?"
_AUX = r"(?:(?:were|was|have\s+been|had\s+been|has\s+been|are|is|being|got)\s+)?(?:reportedly\s+|also\s+|all\s+)?(?:found\s+)?(?:shot\s+and\s+|wounded\s+and\s+|injured\s+and\s+)?"
_AFTER = {k: _Scanned(rf"\b{_NUMBER_START}{NUMBER}\s+{_NOUN_GAP}{_AUX}(?:{v})\b") for k, v in _VERB.items()}
# What a toll follows ("killing 12", "the deaths of 5"), in the order they are tried. Each opens
# on a plain letter for _by_first_letter: "the killing of", "killing of", "deaths of" stand for
# the one branch `(?:the\s+)?(?:killing|deaths?)\s+of`, in the order it tried them.
_TOLL_AFTER = [
    "killing", "killed", "kill", "kills", r"killing\s+and\s+(?:wounding|injuring)", r"killed\s+and\s+(?:wounded|injured)",
    "assassinated", "assassinating", "executed", "executing", "beheaded", "murdered", r"shot\s+dead",
    r"shot\s+and\s+killed", r"stabbed\s+to\s+death", r"claimed\s+the\s+lives\s+of",
    r"the\s+(?:killing|deaths?)\s+of", r"killing\s+of", r"deaths?\s+of",
    r"fatalities\s+(?:were\s+)?(?:coded|estimated|put|reported)\s+(?:as|at|to)",
    r"deaths\s+(?:were\s+)?(?:coded|estimated|put|reported)\s+(?:as|at|to)",
    r"death\s+toll\s+(?:rose|climbed|reached|rising|stands|stood|increased)(?:\s+(?:to|at))?", r"killed\s+at\s+least"]
_ACTIVE = {
    "killed": _Scanned(rf"\b(?:{_by_first_letter(_TOLL_AFTER)})\s+{NUMBER}\b(?!\s*(?:km|kilomet|miles?|hours?|days?|years?|percent|%))"),
    "wounded": _Scanned(rf"\b(?:wounding|wounded|injuring|injured|wounds?|injure)\s+{NUMBER}\b(?!\s*(?:km|kilomet|miles?|hours?|days?|years?))"),
    "captured": _Scanned(rf"\b(?:capturing|captured|arresting|arrested|detaining|detained|abducting|abducted|kidnapping|kidnapped|seizing)\s+{NUMBER}\b(?!\s*(?:km|kilomet|miles?|hours?|days?|years?|vehicles?|weapons?|rifles?|tons?|kg))"),
}
_LEFT_DEAD = _Scanned(rf"\b(?:leaving|left|leave)\s+{NUMBER}\s+(?:[\w'’-]+\s+){{0,4}}?(?:dead|killed)\b")
_SINGLE_VICTIM = _Scanned(rf"\b(?:killing|killed|assassinated|assassinating|executed|executing|shot\s+dead|murdered|beheaded|stabbed\s+to\s+death)\s+(?:the|a|an|one)\s+(?:[\w'’-]+\s+){{0,3}}?{_PERSON_NOUNS}\b(?!s)")
# "leaving him dead", "leaving the driver dead" (but "leaving the commander wounded" is no death)
_LEFT_ONE_DEAD = _Scanned(rf"\b(?:leaving|left)\s+(?:him|her|(?:the|a|an|one)\s+(?:[\w'’-]+\s+){{0,3}}?{_PERSON_NOUNS})\s+(?:dead|killed)\b")
# "a man's body was found", "the body of a shepherd was found": one death
_BODY_FOUND = _Scanned(rf"\b(?:(?:an?|the)\s+(?:[\w'’-]+\s+){{0,2}}?{_PERSON_NOUNS}(?:'s|’s)\s+body|the\s+body\s+of\s+(?:an?|one)\s+(?:[\w'’-]+\s+){{0,2}}?{_PERSON_NOUNS})\s+(?:was\s+|had\s+been\s+)?(?:found|discovered|recovered)\b")
# "killed, injured or captured", "killed or wounded": how many died is not told
_EITHER_OR = re.compile(r"^\s*(?:,\s*(?:injured|wounded|captured|arrested)\s*,?\s*)?or\s+(?:injured|wounded|captured|arrested|missing)\b", re.I)
# ACLED's convention for a toll shared by events: "split between the events with N coded to each"
_SPLIT_TOLL = _Scanned(r"\bsplit\s+between\s+(?:the\s+)?(?:\w+\s+)?events?\s+with\s+(?P<num>\d+)\s+(?:fatalities\s+)?coded\s+to\s+each\b")
_ONE_AND_OTHERS = _Scanned(rf"\b(?:killed|killing|kills)\s+(?:a|an|one)\s+(?:[\w'’-]+\s+){{0,4}}?and\s+{NUMBER}\s+(?:others?|more|of\s+(?:his|her|their|its))\b")
_NONE = {
    "killed": _Scanned(r"\bneither\s+(?:fatalities|injuries|casualties|deaths)\s+nor\s+(?:fatalities|injuries|casualties|deaths)\b|\bno\s+(?:one\s+was\s+(?:killed|hurt)|(?:reported\s+)?(?:casualties|fatalities|deaths|loss\s+of\s+life))\b|\bwithout\s+(?:casualties|fatalities)\b|\bno\s+(?:one|people)\s+(?:were|was)\s+killed\b"),
    "wounded": _Scanned(r"\bneither\s+(?:fatalities|injuries|casualties)\s+nor\s+(?:fatalities|injuries|casualties)\b|\bno\s+(?:injuries|casualties)\b|\bno\s+one\s+was\s+(?:hurt|injured)\b"),
}
_STRENGTH = _Scanned(
    rf"\b(?P<qual>roughly|about|around|some|nearly|an\s+estimated|approximately|up\s+to|more\s+than|over|at\s+least)\s+(?P<num>{_NUM})\s+(?:[\w\-]+\s+){{0,2}}?(?P<noun>militants|fighters|members|insurgents|jihadists|gunmen|terrorists|troops|soldiers|elements)\b(?!\s+(?:were|was|have\s+been|had\s+been)\s+(?:killed|wounded|injured|captured|arrested))")
_NOT_PEOPLE = re.compile(r"^(?:km|kilomet\w*|miles?|meters?|metres?|hours?|days?|weeks?|months?|years?|percent|villages?|vehicles?|houses?|homes?|buildings?|rockets?|shells?|mortars?|missiles?|drones?|targets?|positions?|sites?|tunnels?|weapons?|rifles?|times?|kg|tons?|dollars?)\b|^\$", re.I)

# Words (lowercase) each pattern cannot match without, one of each group: a sentence lacking
# them is not scanned by it. Most sentences tell no casualties, and scanning them all, the number
# vocabulary tried at every word, was a fifth of extraction time.
_NEEDS: dict[_Scanned, tuple[frozenset[str], ...]] = {pattern: tuple(map(frozenset, groups)) for pattern, groups in {
    **{_AFTER[k]: (tuple(alt.split("\\s+")[0] for alt in v.split("|")),) for k, v in _VERB.items()},
    _ACTIVE["killed"]: (("kill", "assassinat", "execut", "behead", "murder", "shot", "stabbed", "claimed", "death",
                         "fatalities"),),
    _ACTIVE["wounded"]: (("wound", "injur"),),
    _ACTIVE["captured"]: (("captur", "arrest", "detain", "abduct", "kidnap", "seiz"),),
    _ONE_AND_OTHERS: (("kill",),),
    _LEFT_DEAD: (("leav", "left"), ("dead", "killed")),
    _SINGLE_VICTIM: (("kill", "assassinat", "execut", "shot", "murder", "behead", "stabbed"),),
    _LEFT_ONE_DEAD: (("leaving", "left"), ("dead", "killed")),
    _BODY_FOUND: (("body",), ("found", "discovered", "recovered")),
    _SPLIT_TOLL: (("split",), ("coded",)),
    _NONE["killed"]: (("neither", "no", "without"), ("fatalities", "injuries", "casualties", "deaths", "loss", "one", "people")),
    _NONE["wounded"]: (("neither", "no"), ("fatalities", "injuries", "casualties", "one")),
    _STRENGTH: (("militants", "fighters", "members", "insurgents", "jihadists", "gunmen", "terrorists", "troops",
                 "soldiers", "elements"),),
}.items()}
_NEEDED_WORDS = frozenset().union(*(group for groups in _NEEDS.values() for group in groups))
# Each needed word that no other begins, with the needed words that begin with it ("kill": "killed"):
# a longer word can only stand where its shortest needed prefix does, so only these are searched for.
_WORD_STEMS: dict[str, tuple[str, ...]] = {
    stem: tuple(w for w in _NEEDED_WORDS if w != stem and w.startswith(stem)
                and min((p for p in _NEEDED_WORDS if w.startswith(p)), key=len) == stem)
    for stem in _NEEDED_WORDS if not any(p != stem and stem.startswith(p) for p in _NEEDED_WORDS)}


@functools.lru_cache(maxsize=4096)
def _runnable(present: frozenset[str]) -> frozenset[_Scanned]:
    """The patterns all of whose word groups `present` meets; cached, as the same few sets of
    words come back sentence after sentence."""
    return frozenset(pattern for pattern, groups in _NEEDS.items() if all(not present.isdisjoint(g) for g in groups))


class Screen:
    """Which of the count patterns a text can match at all, from the words each one needs; and
    the text lowercased, that they run on. (A _Scanned pattern hashes by identity: a compiled
    Pattern hashes its whole compiled code, which cost more than some of the scans spared.)"""

    __slots__ = ("_ids", "_lowered")

    def __init__(self, present: set[str] | None, lowered: str | None = None):
        """`present`: the needed words the text holds (lowercased); None: scan with every pattern.
        `lowered`: `folded(text)` when it is as long as the text, else None."""
        self._ids: frozenset[_Scanned] | None = None if present is None else _runnable(frozenset(present))
        self._lowered = lowered if self._ids is None or self._ids else None     # (no scan reads it)

    @staticmethod
    def of(text: str) -> "Screen":
        lowered = folded(text)
        if lowered is None:
            return Screen(None)
        return Screen({w for w in _NEEDED_WORDS if w in lowered}, lowered if len(lowered) == len(text) else None)

    @staticmethod
    def of_spans(text: str, spans: list[tuple[int, int]]) -> list["Screen"]:
        """`Screen.of(text[start:end])` for each of a document's sentences (sorted, disjoint char
        spans), from one search of the whole text per needed word instead of one per sentence."""
        lowered = folded(text)
        if lowered is None or len(lowered) != len(text):
            return [Screen.of(text[start:end]) for start, end in spans]
        starts = [start for start, _ in spans]
        present: list[set[str]] = [set() for _ in spans]
        for stem, longer in _WORD_STEMS.items():
            at = lowered.find(stem)
            while at >= 0:
                k = bisect.bisect_right(starts, at) - 1
                if k >= 0:
                    end = spans[k][1]
                    for word in (stem, *longer):
                        if at + len(word) <= end and lowered.startswith(word, at):
                            present[k].add(word)
                at = lowered.find(stem, at + 1)
        # (a slice of the lowercased text may differ from the lowercased slice only in a Greek
        # sigma's final form, which no pattern names and both forms of which are letters)
        # Most sentences hold none of the words: they share one screen that lets no pattern scan.
        return [Screen(words, lowered[start:end]) if words else _NO_SCAN for words, (start, end) in zip(present, spans)]

    def nothing(self) -> bool:
        """True when no pattern can match."""
        return self._ids is not None and not self._ids

    def scan(self, pattern: _Scanned, text: str) -> Iterator[re.Match[str]]:
        """The matches of pattern.finditer(text) (the same spans and groups, the groups'
        text lowercased), or nothing when the text lacks the words the pattern needs.

        Run without IGNORECASE on the lowercased text when there is one: re then can skip ahead
        on literal letters, and the scans cost half. The matches are the same: `folded` text
        (see prefilter) lowercases every letter the pattern matches case-insensitively, to the
        letter it names, one for one, and \\w, \\s, \\d and \\b say the same of a letter in
        either case."""
        if self._ids is not None and pattern not in self._ids:
            return iter(())
        if self._lowered is None:
            return pattern.ignorecase.finditer(text)
        return pattern.lowercase.finditer(self._lowered)


_NO_SCAN = Screen(set())        # the screen of a text holding none of the needed words


# Small checks made on candidate matches, compiled once.
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
_TENS_AND_UNITS = re.compile(r"(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[\s-](one|two|three|four|five|six|seven|eight|nine)")
_ARTICLE = re.compile(r"(?i)an?\b")
_A_OR_AN = re.compile(r"(?i)an?")
_ARTICLE_OR_ONE = re.compile(r"(?i)an?|one|the")
_ONE_PERSON = re.compile(r"(?i)(?:an?|one)\s")
_CLAUSE_WORD = re.compile(r"(?i)\b(?:were|was|killed|wounded|said)\b")
_AND_BEFORE = re.compile(r"(?:,\s*)?\band\s*$")
_AND_END = re.compile(r"\band\s*$")
_CLAUSE_BREAK = re.compile(r"[.;:!?]|\b(?:said|says|that|after|when|while|as|of the \w+)\b")
_COMMA = re.compile(r"\s*,\s*")
_OTHERS = re.compile(r"\s*(?:others?|more)\b")
_HARMED_AND = re.compile(r"(?:killed|wounded|injured|dead|died|hurt)\s*,?\s*and\s*$", re.I)
_HARMED_AFTER = re.compile(r"\s*(?:were|was|have been|had been|are)?\s*(?:killed|dead|wounded|injured|captured|arrested)")


# One member of a list of victims: "two soldiers", "a shepherd", "the local commander", "Ali Hassan".
_NUMBERED_CONJUNCT = re.compile(rf"(?:{_QUAL})?(?P<num>{_NUM})\s+(?:[\w'’\-]+\s+){{0,3}}?[\w'’\-]+$", re.I)
_SINGLE_CONJUNCT = re.compile(rf"(?:an?|one|the|another)\s+(?:[\w'’\-]+\s+){{0,3}}?{_PERSON_NOUNS}$", re.I)
_NAME_CONJUNCT = re.compile(r"(?:[A-Z][\w'’\-]+\s+){0,3}[A-Z][\w'’\-]+$")
_CONJUNCT_STOP = re.compile(r"^(?:and|or|were|was|in|of|on|at|by|with|from|after|as|when|while|the|a|an|killed|wounded|injured)$", re.I)


def _conjunct_value(phrase: str) -> int | None:
    """How many people one list member stands for; None when it is not a victim noun phrase."""
    phrase = phrase.strip()
    if not phrase or _CONJUNCT_STOP.match(phrase):
        return None
    m = _NUMBERED_CONJUNCT.fullmatch(phrase)
    if m and not _ARTICLE_OR_ONE.fullmatch(m.group("num")):
        value = parse_number(m.group("num"))
        tail = phrase[m.end("num"):].strip()
        if value is not None and not _NOT_PEOPLE.match(tail) and not _CLAUSE_WORD.search(tail):
            return value[0]
    if _SINGLE_CONJUNCT.fullmatch(phrase):
        return 1
    if _NAME_CONJUNCT.fullmatch(phrase) and not any(_CONJUNCT_STOP.match(w) for w in phrase.split()):
        return 1
    return None


def _conjuncts_before(text: str, start: int) -> int:
    """People listed before "and" ahead of the counted phrase ("a soldier, a farmer and <two
    militants> were killed" -> 2); 0 when the words before are no list of victims."""
    m = _AND_BEFORE.search(text[:start])
    if not m:
        return 0
    # the list runs back to the clause's start: a comma-separated run of noun phrases
    head = text[:m.start()]
    clause = _CLAUSE_BREAK.split(head)[-1]
    parts = list(reversed(_COMMA.split(clause)))
    total = 0
    for i, part in enumerate(parts):
        value = _conjunct_value(part)
        if value is None:
            break
        before = parts[i + 1].strip() if i + 1 < len(parts) else ""
        # "Ali Hassan, a Kurdish farmer, and ...": the farmer is Ali Hassan
        if _ARTICLE.match(part.strip()) and before and _NAME_CONJUNCT.fullmatch(before):
            continue
        total += value
    return total


_AFTER_CONJUNCT = re.compile(rf"^(?:\s+(?:[\w'’\-]+\s+){{0,3}}?)?\s*,?\s*and\s+(?P<phrase>(?:(?:{_QUAL})?{_NUM}|an?|one)\s+(?:[\w'’\-]+\s+){{0,3}}?(?:{_PERSON_NOUNS}s?|people|persons|others))\b", re.I)


def _conjuncts_after(text: str, end: int) -> int:
    """"killed two policemen and a civilian": the people listed after the counted phrase."""
    tail = text[end:end + 80]
    m = _AFTER_CONJUNCT.match(tail)
    if not m:
        return 0
    phrase = m.group("phrase")
    if _ONE_PERSON.match(phrase):
        return 1
    n = _LEADING_NUMBER.match(phrase)
    value = parse_number(n.group("num")) if n else None
    return value[0] if value else 0


@dataclass(frozen=True)
class Count:
    kind: CountKind
    value: int
    start: int
    end: int
    text: str
    vague: bool = False


def parse_number(text: str) -> tuple[int, bool] | None:
    """(value, vague) for a number written in digits or words; None when it is not one."""
    t = _SPACES.sub(" ", text.strip().lower())
    if _DIGITS.fullmatch(t):
        return int(t.replace(",", "")), False
    if t in VAGUE:
        return VAGUE[t], True
    if t in UNITS:
        return UNITS[t], False
    m = _TENS_AND_UNITS.fullmatch(t)
    if m:
        return UNITS[m.group(1)] + UNITS[m.group(2)], False
    return None


def _value(m: re.Match[str]) -> tuple[int, bool] | None:
    first = parse_number(m.group("num"))
    if first is None:
        return None
    # A range counts its lower bound.
    if m.groupdict().get("num2"):
        second = parse_number(m.group("num2"))
        if second is not None and not first[1]:
            return min(first[0], second[0]), False
    return first


# Checks made on each candidate match, compiled once: their patterns are built from the number
# and person vocabularies, too long to look up in re's cache at every match.
_A_PERSON = re.compile(rf"(?i)an?\s+(?:\w+\s+){{0,2}}?{_PERSON_NOUNS}\b")
_PERSON_AHEAD = re.compile(rf"(?i)\s*(?:\w+\s+){{0,2}}?{_PERSON_NOUNS}\b")
_LEADING_NUMBER = re.compile(rf"(?i)(?:{_QUAL})?(?P<num>{_NUM})")


# A month's name right before a number makes the number a day (or a day and year run together)
_MONTH_BEFORE = re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+$")


def find_counts(text: str, screen: Screen | None = None) -> list[Count]:
    """Casualty and capture counts in one sentence, left to right, one per span. `screen`:
    the sentence's Screen when the caller made it already (see Screen.of_spans)."""
    out: list[Count] = []
    taken: list[tuple[int, int]] = []

    def add(kind: CountKind, m: re.Match[str], value: int, vague: bool) -> None:
        if any(m.start() < e and s < m.end() for s, e in taken):
            return
        at = m.start("num") if "num" in m.re.groupindex and m.group("num") is not None else m.start()
        if _MONTH_BEFORE.search(text, max(0, at - 12), at):
            return        # "updated Jan 202015": a date run together, not a count
        taken.append((m.start(), m.end()))
        out.append(Count(kind, value, m.start(), m.end(), text[m.start():m.end()], vague))

    screen = screen or Screen.of(text)
    if screen.nothing():
        return out
    for kind in ("killed", "wounded", "captured"):
        for m in screen.scan(_AFTER[kind], text):
            gap = text[m.end("num") if m.group("num2") is None else m.end("num2"):m.end()].strip()
            if _NOT_PEOPLE.match(gap):
                continue
            if kind == "killed" and _EITHER_OR.match(text[m.end():]):
                continue
            if _ARTICLE.match(m.group("num")) and not m.group("qual"):
                # "a soldier was killed" counts one; "a car bomb killed" does not
                if not _A_PERSON.match(m.group(0)):
                    continue
            v = _value(m)
            if v is not None:
                # "a soldier, a farmer and two militants were killed": the whole list died
                earlier = _conjuncts_before(text, m.start())
                if earlier:
                    v = (v[0] + earlier, v[1])
                # "the governor and five others were killed": six
                elif _AND_END.search(text[max(0, m.start() - 5):m.start()]) and \
                        _OTHERS.match(text[m.end("num"):]) and \
                        not _HARMED_AND.search(text[max(0, m.start() - 30):m.start()]):
                    v = (v[0] + 1, v[1])
                add(kind, m, *v)  # type: ignore[arg-type]
        if kind == "killed":
            for m in screen.scan(_ONE_AND_OTHERS, text):
                v = _value(m)
                if v is not None:
                    add(kind, m, v[0] + 1, v[1])  # type: ignore[arg-type]
        for m in screen.scan(_ACTIVE[kind], text):
            v = _value(m)
            if v is None:
                continue
            if v[0] == 1 and _A_OR_AN.fullmatch(m.group("num")) and not _PERSON_AHEAD.match(
                    text[m.end():m.end() + 40]):
                continue
            # "killed two policemen and a civilian": three
            v = (v[0] + _conjuncts_after(text, m.end()), v[1])
            add(kind, m, *v)  # type: ignore[arg-type]
        if kind == "killed":
            for m in screen.scan(_LEFT_DEAD, text):
                v = _value(m)
                if v is not None:
                    add(kind, m, *v)  # type: ignore[arg-type]
            for m in screen.scan(_SINGLE_VICTIM, text):
                add(kind, m, 1, False)  # type: ignore[arg-type]
            for pattern in (_LEFT_ONE_DEAD, _BODY_FOUND):
                for m in screen.scan(pattern, text):
                    add(kind, m, 1, False)  # type: ignore[arg-type]
            split = next(screen.scan(_SPLIT_TOLL, text), None)
            if split:
                # the toll coded for the whole fighting is shared out: this event's part counts
                out[:] = [c for c in out if c.kind != "killed"]
                taken[:] = [(c.start, c.end) for c in out]
                add(kind, split, int(split.group("num")), False)  # type: ignore[arg-type]
        if kind in _NONE:
            for m in screen.scan(_NONE[kind], text):
                # one "neither fatalities nor injuries" answers both kinds: no overlap check
                if not any(c.kind == kind for c in out):
                    out.append(Count(kind, 0, m.start(), m.end(), text[m.start():m.end()]))  # type: ignore[arg-type]
    out.sort(key=lambda c: c.start)
    return out


@dataclass(frozen=True)
class Strength:
    value: int
    noun: str
    start: int
    end: int
    text: str


def find_strength(text: str, screen: Screen | None = None) -> list[Strength]:
    """"Roughly 200 militants remain": estimates of a force's size, not casualties. `screen`:
    as for find_counts."""
    out = []
    for m in (screen or Screen.of(text)).scan(_STRENGTH, text):
        v = parse_number(m.group("num"))
        if v is None or v[0] < 2:
            continue
        tail = text[m.end():m.end() + 40].lower()
        if _HARMED_AFTER.match(tail):
            continue
        out.append(Strength(v[0], m.group("noun").lower(), m.start(), m.end(), text[m.start():m.end()]))
    return out
