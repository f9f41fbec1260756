"""Publication dates as the readers find them, turned into ``datetime.date``.

The date that matters is the one the publisher printed: extraction resolves "on Tuesday"
against it. So a timestamp with an offset keeps its own calendar day and is never moved
to UTC (a 01:30+03:00 article belongs to that day, not the day before).
"""
from __future__ import annotations

import re
import time
from datetime import date, datetime
from email.utils import parsedate_tz

# Outside these years a date is a placeholder or an error (0000-00-00, 9999-12-31), not a
# publication date.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100

_MONTHS = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
    ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
    ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
    ("december", "dec")), start=1) for name in names}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"

# Year first: ISO 8601 and news-please ("2018-07-17 10:00:00", "2018-07-17T10:00:00+03:00"),
# also with slashes or dots, and the compact ISO form ("20180717", "20180717T1000").
_YEAR_FIRST = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\d])")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T[\d:.+Z-]*)?$")
# Day first: "17 July 2018", "Tuesday, 17 Jul. 2018", "17.07.2018".
_DAY_MONTH_NAME = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+(\d{4})",
                             re.IGNORECASE)
_MONTH_NAME_DAY = re.compile(_MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", re.IGNORECASE)
_NUMERIC_DAY_FIRST = re.compile(r"(\d{1,2})([.-])(\d{1,2})\2(\d{4})")
_NUMERIC_SLASH = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


class DateProblem(ValueError):
    """A date was given but cannot be used; the article is kept without one."""


def parse_published(value: object) -> date | None:
    """The calendar date of ``value``; None when there is none.

    Raises DateProblem for a value that was meant as a date but is unusable (unreadable,
    impossible, or outside EARLIEST_YEAR..LATEST_YEAR), so the caller can say so.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return _checked(value.year, value.month, value.day, value)
    if isinstance(value, date):
        return _checked(value.year, value.month, value.day, value)
    if isinstance(value, time.struct_time):
        return _checked(value.tm_year, value.tm_mon, value.tm_mday, value)
    if not isinstance(value, str):
        # Epoch numbers and the like: no reader of this stage produces them on purpose.
        raise DateProblem(f"date {value!r} is a {type(value).__name__}, not a date string")
    return _parse_string(value.strip())


def _parse_string(text: str) -> date:
    shown = text if len(text) <= 40 else text[:40] + "…"
    # The order matters: the forms earlier in it are unambiguous.
    if match := _YEAR_FIRST.match(text):
        return _checked(int(match[1]), int(match[3]), int(match[4]), shown)
    if match := _COMPACT.match(text):
        return _checked(int(match[1]), int(match[2]), int(match[3]), shown)
    if match := _DAY_MONTH_NAME.search(text):
        return _checked(int(match[3]), _MONTHS[match[2].lower()], int(match[1]), shown)
    if match := _MONTH_NAME_DAY.search(text):
        return _checked(int(match[3]), _MONTHS[match[1].lower()], int(match[2]), shown)
    if parts := parsedate_tz(text):
        # RFC 2822 ("Tue, 17 Jul 2018 10:00:00 +0300"), the feed format; usually caught
        # by the day-month-name form above, kept for its variants.
        return _checked(parts[0], parts[1], parts[2], shown)
    if match := _NUMERIC_DAY_FIRST.fullmatch(text):
        # Dots and dashes: the day-first convention of most of the world's press.
        return _checked(int(match[4]), int(match[3]), int(match[1]), shown)
    if match := _NUMERIC_SLASH.fullmatch(text):
        first, second = int(match[1]), int(match[2])
        if first > 12 >= second:
            return _checked(int(match[3]), second, first, shown)
        if second > 12 >= first:
            return _checked(int(match[3]), first, second, shown)
        raise DateProblem(f"date {shown!r} is ambiguous (day/month or month/day)")
    raise DateProblem(f"date {shown!r} is not in a known format")


def _checked(year: int, month: int, day: int, shown: object) -> date:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise DateProblem(f"date {shown!r} is outside {EARLIEST_YEAR}..{LATEST_YEAR}")
    try:
        return date(year, month, day)
    except ValueError as error:
        raise DateProblem(f"date {shown!r} is impossible ({error})") from None
