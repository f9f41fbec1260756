"""Dates of mixed precision as periods of days.

The store holds `xsd:date` ("2018-07-16"), `xsd:gYearMonth` ("2018-07") and `xsd:gYear` ("2018").
A month-precision date is not the first of the month: it is the whole month. Network edges
and time filters therefore work on periods (first day, last day), and a date is compared
with another at the coarser of the two precisions.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

Window = Literal["month", "year"]
WINDOWS: tuple[str, ...] = ("month", "year")

# An optional time zone ("Z", "+03:00") may follow any of the three forms in XSD lexical space.
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:Z|[+-]\d{2}:\d{2})?$")


@dataclass(frozen=True, order=True)
class Period:
    """The days a date of some precision covers, both ends included."""

    start: date
    end: date

    def overlaps(self, other: "Period") -> bool:
        return self.start <= other.end and other.start <= self.end

    def within(self, other: "Period") -> bool:
        return other.start <= self.start and self.end <= other.end

    def span(self, other: "Period") -> "Period":
        return Period(min(self.start, other.start), max(self.end, other.end))


def parse_period(text: str) -> Period:
    """The period of "YYYY", "YYYY-MM" or "YYYY-MM-DD"; ValueError for anything else."""
    m = _DATE_RE.match(text.strip())
    if not m:
        raise ValueError(f"not a date of the form YYYY, YYYY-MM or YYYY-MM-DD: {text!r}")
    year = int(m.group(1))
    if m.group(2) is None:
        return Period(date(year, 1, 1), date(year, 12, 31))
    month = int(m.group(2))
    if not 1 <= month <= 12:
        raise ValueError(f"no month {month} in {text!r}")
    if m.group(3) is None:
        return Period(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))
    day = date(year, month, int(m.group(3)))      # ValueError for 2018-02-30
    return Period(day, day)


def try_period(text: str | None) -> Period | None:
    """parse_period, or None for a missing or malformed date (data from a store may be odd)."""
    if not text:
        return None
    try:
        return parse_period(text)
    except ValueError:
        return None


def window_of(period: Period, window: Window) -> str | None:
    """The month ("2018-07") or year ("2018") holding the whole period; None when it is coarser."""
    if window == "year":
        key = f"{period.start.year:04d}"
        return key if period.end.year == period.start.year else None
    if window == "month":
        key = f"{period.start.year:04d}-{period.start.month:02d}"
        same = (period.end.year, period.end.month) == (period.start.year, period.start.month)
        return key if same else None
    raise ValueError(f"unknown window {window!r}; choose one of {', '.join(WINDOWS)}")


def time_range(since: str | None, until: str | None) -> Period | None:
    """The period from the start of `since` to the end of `until` (None: no bound at all)."""
    if since is None and until is None:
        return None
    start = parse_period(since).start if since else date.min
    end = parse_period(until).end if until else date.max
    if start > end:
        raise ValueError(f"the time window is empty: {since} comes after {until}")
    return Period(start, end)
