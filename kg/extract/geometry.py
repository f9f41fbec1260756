"""Relative locations: "40 km north of Mosul", "the western countryside of Raqqa".

Turns a direction and a distance from a known place into an estimated point, with the
precision such an estimate deserves.
"""
from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable

from kg.data.gazetteer import Gazetteer
from kg.extract.prefilter import Words

BEARINGS = {"north": 0, "northeast": 45, "north-east": 45, "east": 90, "southeast": 135, "south-east": 135,
            "south": 180, "southwest": 225, "south-west": 225, "west": 270, "northwest": 315, "north-west": 315}
_DIR = r"(north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?"
_DIRECTION_WORDS = Words("north", "south", "east", "west")     # one of them is in every _DIR match
# Distances an unnumbered relation suggests: a town's countryside spreads wider than its outskirts.
_AREA_KM = {"countryside": 20.0, "outskirts": 4.0, "suburbs": 4.0, "part": 10.0, "side": 10.0, "": 15.0}


def offset(point: tuple[float, float], bearing_deg: float, km: float) -> tuple[float, float]:
    """The point `km` away from `point` in the direction `bearing_deg` (great circle)."""
    r = 6371.0
    lat1, lon1 = math.radians(point[0]), math.radians(point[1])
    b, d = math.radians(bearing_deg), km / r
    lat2 = math.asin(math.sin(lat1) * math.cos(d) + math.cos(lat1) * math.sin(d) * math.cos(b))
    lon2 = lon1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(lat1), math.cos(d) - math.sin(lat1) * math.sin(lat2))
    return round(math.degrees(lat2), 5), round(math.degrees(lon2), 5)


def relative_position(text: str, anchor_label: str, anchor_forms: Iterable[str],
                      anchor: tuple[float, float], spread_km: float = 0.0) -> tuple[float, float, float] | None:
    """(lat, lon, precision_km) when `text` places something relative to the anchor place.

    `spread_km` is how far the anchor itself reaches (a region's radius): "northern Diyala
    province" lies about half that far from the region's centre, further than a town's
    northern countryside lies from the town."""
    if not _DIRECTION_WORDS.may_be_in(text):
        return None       # both patterns need a direction; most sentences give none
    names = [n for n in sorted({anchor_label, *anchor_forms}, key=len, reverse=True) if n]
    if not names:
        return None
    # (the anchor's distance is looked for only where its anchor-free beginning is found)
    m = _search_before_names(_DISTANCE_BEFORE_NAME, _distance_pattern, text, names) \
        if _DISTANCE_BEFORE_ANCHOR.search(text) else None
    if m:
        (number, direction), whole = m
        km = float(number) * (1.609 if "mile" in whole.lower() else 1.0)
        bearing = BEARINGS[direction.lower().replace("-", "")] if direction.lower().replace("-", "") in BEARINGS else BEARINGS[direction.lower()]
        return (*offset(anchor, bearing, km), max(2.0, km * 0.15))
    m = _search_before_names(_SIDE_BEFORE_NAME, _side_pattern, text, names)
    if m:
        (direction, area), _ = m
        key = direction.lower().replace("-", "")
        bearing = BEARINGS.get(key, BEARINGS.get(direction.lower()))
        if bearing is None:
            return None
        km = max(_AREA_KM[(area or "").lower()], spread_km / 2)
        return (*offset(anchor, bearing, km), km)
    return None


def name_positions(text: str, names: list[str]) -> dict[int, list[str]] | None:
    """Where each of `names` (none empty) occurs in `text` whatever the case, as a pattern
    `(?:name1|name2|...)` compiled with re.IGNORECASE matches them: the names found at each
    position, in the order given. None unless text and names are all ASCII, where what
    IGNORECASE takes for one letter is what str.lower makes the same (beyond ASCII it also
    folds letters such as the Kelvin sign or the long s)."""
    if not text.isascii() or not all(n.isascii() for n in names):
        return None
    lowered = text.lower()
    found: dict[int, list[str]] = {}
    for name in names:
        wanted = name.lower()
        at = lowered.find(wanted)
        while at >= 0:
            found.setdefault(at, []).append(name)
            at = lowered.find(wanted, at + 1)
    return found


def _search_before_names(before: re.Pattern, compile_whole, text: str,
                         names: list[str]) -> tuple[tuple[str | None, ...], str] | None:
    """(groups, matched text) of `compile_whole(alternation of names).search(text)`, whose pattern
    is `before` (less its closing \\Z) followed by one of the names, found without compiling it.

    Why: that pattern is a third of a millisecond to compile for each new anchor, and most anchors
    are new to an article. `before` is compiled once; ending in \\Z and searched up to where a name
    begins (endpos), it finds the leftmost start from which it reaches that name, and the groups
    re's backtracking gives there. The whole pattern's match starts at the leftmost of these
    starts; where two name positions share it, which one re takes depends on its backtracking
    order, and the pattern is compiled after all (as it is when name_positions cannot say where
    the names are)."""
    positions = name_positions(text, names)
    if positions is not None:
        best: tuple[re.Match, int] | None = None
        tie = False
        for at, found in positions.items():
            m = before.search(text, 0, at)
            if m is None:
                continue
            if best is None or m.start() < best[0].start():
                # the name is the first of the alternation to match there: the longest
                best, tie = (m, at + len(found[0])), False
            elif m.start() == best[0].start():
                tie = True
        if not tie:
            return None if best is None else (best[0].groups(), text[best[0].start():best[1]])
    m = compile_whole("|".join(re.escape(n) for n in names)).search(text)
    return None if m is None else (m.groups(), m.group(0))


# "40 km north of": what every match of an anchor's distance pattern begins with. Where the text
# has none, no distance is given, whatever the anchor.
_DISTANCE = rf"(\d+(?:\.\d+)?)\s*(?:km|kilomet(?:er|re)s?|miles?)\s+(?:to\s+the\s+)?{_DIR}\s+of\s+"
_DISTANCE_BEFORE_ANCHOR = re.compile(_DISTANCE, re.I)
_DISTANCE_BEFORE_NAME_PATTERN = rf"{_DISTANCE}(?:the\s+(?:city|town)\s+of\s+)?"
_SIDE_BEFORE_NAME_PATTERN = rf"{_DIR}\s+(countryside|outskirts|suburbs|part|side)?\s*(?:of\s+)?(?:the\s+)?"
# what comes before the anchor's name, up to it (see _search_before_names)
_DISTANCE_BEFORE_NAME = re.compile(_DISTANCE_BEFORE_NAME_PATTERN + r"\Z", re.I)
_SIDE_BEFORE_NAME = re.compile(_SIDE_BEFORE_NAME_PATTERN + r"\Z", re.I)


# Where the names cannot be placed without them, the patterns of one anchor's names (an
# alternation) are compiled once per anchor, as re's own cache of 512 patterns, shared with every
# other module, kept losing them.
@functools.lru_cache(maxsize=64)      # a few KB each
def _distance_pattern(alt: str) -> re.Pattern:
    """"40 km north of X"."""
    return re.compile(rf"{_DISTANCE_BEFORE_NAME_PATTERN}(?:{alt})", re.I)


@functools.lru_cache(maxsize=64)
def _side_pattern(alt: str) -> re.Pattern:
    """"the northern countryside of X"."""
    return re.compile(rf"{_SIDE_BEFORE_NAME_PATTERN}(?:{alt})", re.I)


# A region at most this wide (its coordinate precision) has its villages around its centre; a
# wider one has them spread along rivers and roads, closer to its main town than to its centre.
COMPACT_REGION_KM = 50.0
# How far a village placed at a known town may lie from it.
NEAR_TOWN_KM = 30.0


def unlisted_place_anchor(gazetteer: Gazetteer, key: str, point: tuple[float, float],
                          in_town: bool = False) -> tuple[float, float, float, float]:
    """(lat, lon, precision_km, spread_km): where a village the gazetteer lacks most likely
    lies, given the known place `key` (at `point`) the text puts it in; `spread_km` is the
    radius of the region whose centre that is (0 for a town).

    "Ain Dalfa in Idlib": a village is not inside a town, so "in Idlib" means the region named after
    the town. A compact region's villages lie around its centre; a wide region's (Deir ez-Zor,
    Homs) cluster nearer its main town than its empty centre, so the town stays the best guess.
    With `in_town` (a neighbourhood, "in Idlib city") the place is inside the town itself.
    """
    rec = None if in_town else gazetteer.get(key)
    if rec is not None:
        region = gazetteer.namesake_region(key) if rec.kind == "Settlement" else (
            rec if rec.kind == "AdminRegion" else None)
        if region is not None and region.lat is not None and region.precision_km is not None:
            capital = gazetteer.namesake_capital(region.key)
            if region.precision_km <= COMPACT_REGION_KM or capital is None or capital.lat is None:
                return region.lat, region.lon, region.precision_km, region.precision_km
            return capital.lat, capital.lon, NEAR_TOWN_KM, 0.0
    return point[0], point[1], NEAR_TOWN_KM, 0.0


def _compass(bearing_deg: float) -> str:
    names = ("n", "ne", "e", "se", "s", "sw", "w", "nw")
    return names[int(((bearing_deg % 360) + 22.5) // 45) % 8]


def estimate_tag(anchor: tuple[float, float], point: tuple[float, float]) -> str:
    """A short stable name for an estimate relative to its anchor ("s20km"), so that two
    estimates of a name from different directions stay two places."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*anchor, *point))
    dlon = lon2 - lon1
    y = math.sin(dlon) * math.cos(lat2)
    x = math.cos(lat1) * math.sin(lat2) - math.sin(lat1) * math.cos(lat2) * math.cos(dlon)
    bearing = math.degrees(math.atan2(y, x))
    km = math.hypot(*((lat2 - lat1) * 6371.0, dlon * 6371.0 * math.cos(lat1)))
    return f"{_compass(bearing)}{round(km)}km"
