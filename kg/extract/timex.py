"""Time expressions resolved against the publication date, with their precision.

dateparser misses most relative forms news uses ("December of last year", "late June") and
finds wrong spans in whole sentences, so the rules are written here, on plain strings.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from kg.extract.prefilter import Words, folded, holds_any
from kg.model import TimeValue

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
            "saturday": 5, "sunday": 6}

_MONTH = r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WEEKDAY = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

# Ordered: the first pattern that matches a span wins that span.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b")),
    ("day_month_year", re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b")),
    ("month_day_year", re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b")),
    ("numeric", re.compile(r"\b(?P<day>[0-3]?\d)/(?P<month>[01]?\d)/(?P<year>(?:19|20)\d\d)\b")),
    ("day_month", re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\b(?!\s*,?\s*(?:19|20)\d\d)")),
    ("month_day", re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?!\s*,?\s*(?:19|20)\d\d)(?!\s*(?:km|kilomet|mile|people|soldiers|militants))")),
    ("month_rel", re.compile(rf"\b{_MONTH}\s+(?:of\s+)?(?P<rel2>last|this|next)\s+year\b")),
    ("rel_month", re.compile(rf"\b(?P<rel>[Ll]ast|[Tt]his|[Nn]ext)\s+{_MONTH}\b")),
    ("month_year", re.compile(rf"\b(?:(?:early|mid|late|in|since|during|until|by)[\s-]+)?{_MONTH},?\s+(?:of\s+)?{_YEAR}\b")),
    ("part_month", re.compile(rf"\b(?P<part>[Ee]arly|[Mm]id|[Ll]ate|[Ii]n|[Ss]ince|[Dd]uring|[Uu]ntil|[Bb]y)[\s-]+{_MONTH}\b")),
    ("weekday", re.compile(rf"\b(?:(?P<wrel>last|this|on|early|late)\s+)?{_WEEKDAY}(?:\s+(?P<daypart>morning|afternoon|evening|night))?\b")),
    ("relative_day", re.compile(r"\b(?P<word>yesterday|today|tonight|overnight|last night|this morning|this evening|earlier today|the day before|the previous day|a day earlier|two days ago|three days ago|(?P<n>\d+|two|three|four|five|six) days ago)\b", re.I)),
    ("rel_period", re.compile(r"\b(?P<word>last week|this week|earlier this week|last month|this month|earlier this month|last year|this year|earlier this year)\b", re.I)),
    ("year", re.compile(rf"\b(?:in|since|during|of|by)\s+{_YEAR}\b")),
]
# What each pattern cannot match without: a sentence lacking it skips the pattern (most
# sentences name no date; scanning for all fourteen was a twentieth of extraction time).
_DIGIT = re.compile(r"\d")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_NAME = re.compile("|".join(_MONTH_NAMES))
_WEEKDAY_NAME = re.compile("|".join(_WEEKDAY_NAMES))
# The two case-insensitive patterns need one of these (their spaces are literal spaces), looked for
# in the lowercased sentence: a search with re.IGNORECASE cannot skip ahead on a literal, and
# "day" alone is in every weekday and "days".
_DAY_WORDS = Words("yesterday", "today", "tonight", "overnight", "last night", "this morning", "this evening",
                   "the day before", "the previous day", "a day earlier", "days ago")
_PERIOD_WORDS = Words("last week", "this week", "last month", "this month", "last year", "this year")


def _features(text: str, possible: frozenset[str] | None = None, *, whole_document: bool = False) -> set[str]:
    """The things the patterns need (see _NEEDS) that `text` holds. `possible`: those a text
    holding `text` holds (see document_features): the others are not looked for.
    `whole_document`: the words are looked for in the way cheaper through a long text (holds_any)."""
    possible = _ALL_FEATURES if possible is None else possible
    found = set()
    if "digit" in possible and _DIGIT.search(text) is not None:
        found.add("digit")
    if "month" in possible and holds_any(text, _MONTH_NAMES, _MONTH_NAME.search, whole_document):
        found.add("month")
    if "weekday" in possible and holds_any(text, _WEEKDAY_NAMES, _WEEKDAY_NAME.search, whole_document):
        found.add("weekday")
    if "slash" in possible and "/" in text:
        found.add("slash")
    if "hyphen" in possible and "-" in text:
        found.add("hyphen")
    if "century" in possible and ("19" in text or "20" in text):      # a year's first digits, as _YEAR has them
        found.add("century")
    if "day word" in possible or "period word" in possible:
        lowered = folded(text)
        if "day word" in possible and _DAY_WORDS.in_folded(lowered, long_text=whole_document):
            found.add("day word")
        if "period word" in possible and _PERIOD_WORDS.in_folded(lowered, long_text=whole_document):
            found.add("period word")
    return found


_ALL_FEATURES = frozenset({"digit", "month", "weekday", "slash", "hyphen", "century", "day word", "period word"})


def document_features(text: str) -> frozenset[str]:
    """What the patterns need that a whole document holds: each of its sentences holds no more
    (every check is a search a part of the text can only fail more often), so find_times of a
    sentence looks for these only. Most documents have no "yesterday" or "last week" at all."""
    return frozenset(_features(text, whole_document=True))


_NEEDS: dict[str, frozenset[str]] = {kind: frozenset(needs) for kind, needs in {
    "iso": ("century", "hyphen"), "day_month_year": ("century", "month"), "month_day_year": ("century", "month"),
    "numeric": ("century", "slash"), "day_month": ("digit", "month"), "month_day": ("digit", "month"),
    "month_rel": ("month",), "rel_month": ("month",), "month_year": ("month", "century"), "part_month": ("month",),
    "weekday": ("weekday",), "relative_day": ("day word",), "rel_period": ("period word",), "year": ("century",),
}.items()}
_WORD_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


_RUNNABLE: dict[frozenset[str], list[tuple[str, re.Pattern[str]]]] = {}


def _runnable(present: frozenset[str]) -> list[tuple[str, re.Pattern[str]]]:
    """The patterns (in _PATTERNS' order) whose needs `present` meets: looked up once for each
    of the few combinations of features sentences have (at most 2^8), not pattern by pattern."""
    patterns = _RUNNABLE.get(present)
    if patterns is None:
        patterns = _RUNNABLE[present] = [(kind, pattern) for kind, pattern in _PATTERNS if _NEEDS[kind] <= present]
    return patterns


@dataclass(frozen=True)
class TimeMention:
    text: str
    start: int
    end: int
    time: TimeValue | None       # None: a period too vague to date ("last week")
    relative: bool                # resolved against the publication date


def _year_for(month: int, day: int | None, published: date | None) -> int | None:
    """The year of a date written without one: the latest such date not after publication."""
    if published is None:
        return None
    year = published.year
    try:
        candidate = date(year, month, day or 1)
    except ValueError:
        return year
    # A few days of slack: articles are sometimes dated a day before the event they announce.
    if candidate > published + timedelta(days=3):
        return year - 1
    return year


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _resolve(kind: str, m: re.Match[str], published: date | None) -> tuple[TimeValue | None, bool]:
    g = m.groupdict()
    month = MONTHS.get((g.get("month") or "").lower().rstrip(".")) if g.get("month") else None
    if kind == "iso":
        d = _safe_date(int(g["year"]), int(g["month"]), int(g["day"]))
        return (TimeValue(d, "day") if d else None), False
    if kind in ("day_month_year", "month_day_year"):
        d = _safe_date(int(g["year"]), month or 1, int(g["day"]))
        return (TimeValue(d, "day") if d else None), False
    if kind == "numeric":
        d = _safe_date(int(g["year"]), int(g["month"]), int(g["day"]))
        return (TimeValue(d, "day") if d else None), False
    if kind in ("day_month", "month_day"):
        year = _year_for(month or 1, int(g["day"]), published)
        d = _safe_date(year, month or 1, int(g["day"])) if year else None
        return (TimeValue(d, "day") if d else None), True
    if kind in ("rel_month", "month_rel"):
        if published is None:
            return None, True
        rel = (g.get("rel") or g.get("rel2") or "").lower()
        year = published.year
        if g.get("rel2"):        # "December of last year": the year is what "last" moves
            year += {"last": -1, "next": 1}.get(rel, 0)
        elif rel == "last":      # "last December": the most recent December before now
            year = year if (month or 1) < published.month else year - 1
        elif rel == "next":
            year = year if (month or 1) > published.month else year + 1
        return TimeValue(date(year, month or 1, 1), "month"), True
    if kind == "month_year":
        return TimeValue(date(int(g["year"]), month or 1, 1), "month"), False
    if kind == "part_month":
        year = _year_for(month or 1, None, published)
        if g.get("part", "").lower() == "last" and published and (month or 1) >= published.month:
            year = published.year - 1
        return (TimeValue(date(year, month or 1, 1), "month") if year else None), True
    if kind == "weekday":
        if published is None:
            return None, True
        target = WEEKDAYS[g["weekday"].lower()]
        back = (published.weekday() - target) % 7
        if (g.get("wrel") or "").lower() == "last" and back == 0:
            back = 7
        return TimeValue(published - timedelta(days=back), "day"), True
    if kind == "relative_day":
        if published is None:
            return None, True
        word = g["word"].lower()
        if word in ("yesterday", "last night", "the day before", "the previous day", "a day earlier"):
            return TimeValue(published - timedelta(days=1), "day"), True
        if word.endswith("days ago"):
            n = g.get("n") or word.split()[0]
            days = int(n) if n.isdigit() else _WORD_NUMBERS.get(n, 1)
            return TimeValue(published - timedelta(days=days), "day"), True
        return TimeValue(published, "day"), True
    if kind == "rel_period":
        if published is None:
            return None, True
        word = g["word"].lower()
        if word.endswith("month"):
            if word.startswith("last"):
                first = published.replace(day=1) - timedelta(days=1)
                return TimeValue(first.replace(day=1), "month"), True
            return TimeValue(published.replace(day=1), "month"), True
        if word.endswith("year"):
            year = published.year - 1 if word.startswith("last") else published.year
            return TimeValue(date(year, 1, 1), "year"), True
        return None, True      # "last week": no single day, month or year to give
    if kind == "year":
        return TimeValue(date(int(g["year"]), 1, 1), "year"), False
    return None, False


def find_times(text: str, published: date | None, possible: frozenset[str] | None = None) -> list[TimeMention]:
    """Every time expression in `text`, left to right, non-overlapping. `possible`: the
    document_features of a text holding `text`, when the caller has them."""
    taken: list[tuple[int, int]] = []
    found: list[TimeMention] = []
    for kind, pattern in _runnable(frozenset(_features(text, possible))):
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            time, relative = _resolve(kind, m, published)
            taken.append((m.start(), m.end()))
            found.append(TimeMention(m.group(0), m.start(), m.end(), time, relative))
    if len(found) > 1:
        found.sort(key=lambda t: t.start)
    return found


def clock_time(text: str) -> str | None:
    """A time of day ("0300hrs", "3 a.m.") if the text gives one; kept as evidence only."""
    m = re.search(r"\b([01]\d|2[0-3])([0-5]\d)\s?hrs\b|\b(\d{1,2})(?::(\d\d))?\s?(a\.?m\.?|p\.?m\.?)", text, re.I)
    return m.group(0) if m else None
