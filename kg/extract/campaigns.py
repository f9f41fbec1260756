"""Campaigns: a ground offensive whose objective is a city.

"troops began a push to recapture Mosul", "the battle for Raqqa", "the
five-week-old offensive on the city": a months-long offensive is told in
passing by nearly every report of its battles, each outlet wording it and dating it its own way
(the day it began, the month, or the day of the report). Such a mention gets the campaign's
conventional name, "<City> offensive", and fusion treats the reports that carry it like the
reports of a named operation, as long as they are within a year of each other and share a party
(`kg/resolve/fusion.py`): the Mosul offensive of 2016 is one event, the fall of Mosul in 2014
another.

Only a city makes a campaign (a populated place of at least CITY_POPULATION people): operations
to clear a village or a mountain recur every few weeks, and are told apart by date and place like
any other event.

The objective is read in the trigger's own clause:
- right before the trigger: "the Mosul offensive", "the Raqqa campaign";
- after a campaign noun (offensive, campaign, battle), the first city of the clause: "the battle
  for Raqqa", "the offensive on Mosul", "the offensive against the group in Mosul" (not a city
  the objective is only near: "an offensive on the suburbs of X", "south of X");
- after an operation word (operation, assault, push), only with a capture purpose: "an operation
  to retake Mosul" (an "operation in Mosul" may be one raid);
- "the city", "the besieged northern city" in place of the name: the city the article is about.

A campaign's age ("the two-month-old assault", "the 10-day-old battle") dates its start from
the publication date, to the precision of the unit: a month-old offensive began in the month
before, not on a given day.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from kg.extract.quantities import UNITS, parse_number
from kg.model import CAMPAIGN_SUFFIX, TimeValue

CITY_POPULATION = 50_000
CLAUSE_WORDS = 14                 # how far after the trigger its objective may be named

_CAMPAIGN_NOUNS = frozenset({"offensive", "offensives", "campaign", "battle"})
_OPERATION_NOUNS = frozenset({"operation", "operations", "assault", "push"})
_WORD = re.compile(r"\S+")
# the clause ends at these (a parenthesis, "Islamic State (IS)", does not end it)
_CLAUSE_END = re.compile(r"[,;:.!?]|\s[-–—]\s")
# "to retake", "aimed at driving ... out of", "for the recapture of" (verb stems: every form)
_PURPOSE = re.compile(
    r"(?i)\b(?:(?:to|aimed at|aiming to|aims to|in a bid to|seeking to|meant to)\s+(?:re-?tak|re-?captur|"
    r"liberat|free|captur|seiz|tak|regain|recover|driv|oust|expel|push|clear|flush|rid|dislodg|evict|storm|"
    r"encircl|besieg)\w*|for (?:the )?(?:(?:re)?capture|liberation|control) of)\b")
# words that place the objective around a city rather than at it ("near", "the outskirts of",
# "south of", "the countryside of", "the eastern bank of")
_AROUND_THE_CITY = re.compile(
    r"(?i)\b(?:near|nearby|around|outside|outskirts|suburbs?|countryside|vicinity|edges?|periphery|fringes|"
    r"environs|banks?|(?:north|south|east|west)(?:east|west)?(?:ern)?\s+(?:of|side of)|"
    r"(?:north|south|east|west)(?:east|west)?\s+(?:bank|part)\s+of)\b")
_CITY_DESCRIPTION = re.compile(r"(?i)\bthe\s+(?:[\w-]+\s+){0,3}?city\b")
_BETWEEN_NAME_AND_NOUN = re.compile(r"[\s-]*(?:(?:ground|military|army|main|major|final|long-awaited)\s+)*$", re.I)


def campaign_city(text: str, trigger_start: int, trigger_end: int, trigger: str,
                  places: Sequence[tuple[int, int, str]], is_city: Callable[[str], bool],
                  focal_city: Callable[[], str | None]) -> str | None:
    """The city (its key) whose campaign a ground-operation trigger names, or None when it
    names none. The campaign is named after it (`campaign_name`) and takes place there.

    `text` is the sentence, `trigger_start`/`trigger_end` the trigger's characters in it,
    `trigger` its words; `places` the (start, end, key) of the sentence's place mentions;
    `focal_city()` the city the article is about (asked only for "the city")."""
    words = trigger.lower().split()
    if not words:
        return None
    noun = words[-1]
    if noun not in _CAMPAIGN_NOUNS and noun not in _OPERATION_NOUNS:
        return None
    # "the Mosul offensive": the city named right before the trigger
    for start, end, key in places:
        if end <= trigger_start and _BETWEEN_NAME_AND_NOUN.fullmatch(text[end:trigger_start]) and is_city(key):
            return key
    window_end = trigger_end
    for n, m in enumerate(_WORD.finditer(text, trigger_end)):
        if n == CLAUSE_WORDS:
            break
        window_end = m.end()
    clause_end = _CLAUSE_END.search(text, trigger_end, window_end)
    if clause_end is not None:
        window_end = clause_end.start()
    objective_from = trigger_end
    if noun in _OPERATION_NOUNS:
        purpose = _PURPOSE.search(text, trigger_end, window_end)
        if purpose is None:
            return None
        objective_from = purpose.end()
    for start, end, key in places:
        if objective_from <= start and end <= window_end:
            if _AROUND_THE_CITY.search(text, objective_from, start):
                return None       # "an offensive in the suburbs of X", "south of X": not X itself
            if is_city(key):
                return key
    description = _CITY_DESCRIPTION.search(text, objective_from, window_end)
    if description and not _AROUND_THE_CITY.search(text, objective_from, description.end()):
        return focal_city()
    return None


# the number words of the counts ("three", "a"), one word each
_AGE = re.compile(r"(?i)\b(?P<n>\d{1,2}|" + "|".join(w for w in UNITS if " " not in w) + r")[\s-]+(?P<unit>day|week|month|year)s?[\s-]+old"
                  r"(?:\s+[a-z-]+){0,2}\s*$")


def campaign_start(before_trigger: str, published: date | None) -> TimeValue | None:
    """When a campaign began, from its age just before the trigger ("the six-week-old
    battle") and the publication date."""
    m = _AGE.search(before_trigger[-60:])
    if m is None or published is None:
        return None
    n = parse_number(m.group("n"))[0]
    unit = m.group("unit").lower()
    if unit in ("day", "week"):
        return TimeValue(published - timedelta(days=n * (7 if unit == "week" else 1)), "day")
    if unit == "month":
        months = published.year * 12 + published.month - 1 - n
        return TimeValue(date(months // 12, months % 12 + 1, 1), "month")
    return TimeValue(date(published.year - n, 1, 1), "year")


def campaign_name(city_label: str) -> str:
    """"Mosul offensive": the conventional name of the campaign for a city."""
    return city_label + CAMPAIGN_SUFFIX
