"""Relative locations: "52 km southwest of Erbil", "the eastern countryside of Deir ez-Zor".

Turns a direction and a distance from a known place into an estimated point, with the
precision such an estimate deserves.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable

BEARINGS = {"north": 0, "northeast": 45, "north-east": 45, "east": 90, "southeast": 135, "south-east": 135,
            "south": 180, "southwest": 225, "south-west": 225, "west": 270, "northwest": 315, "north-west": 315}
_DIR = r"(north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?"
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
                      anchor: tuple[float, float]) -> tuple[float, float, float] | None:
    """(lat, lon, precision_km) when `text` places something relative to the anchor place."""
    names = sorted({anchor_label, *anchor_forms}, key=len, reverse=True)
    alt = "|".join(re.escape(n) for n in names if n)
    if not alt:
        return None
    m = re.search(rf"(\d+(?:\.\d+)?)\s*(?:km|kilomet(?:er|re)s?|miles?)\s+(?:to\s+the\s+)?{_DIR}\s+of\s+(?:the\s+(?:city|town)\s+of\s+)?(?:{alt})",
                  text, re.I)
    if m:
        km = float(m.group(1)) * (1.609 if "mile" in m.group(0).lower() else 1.0)
        bearing = BEARINGS[m.group(2).lower().replace("-", "")] if m.group(2).lower().replace("-", "") in BEARINGS else BEARINGS[m.group(2).lower()]
        return (*offset(anchor, bearing, km), max(2.0, km * 0.15))
    m = re.search(rf"{_DIR}\s+(countryside|outskirts|suburbs|part|side)?\s*(?:of\s+)?(?:the\s+)?(?:{alt})", text, re.I)
    if m:
        key = m.group(1).lower().replace("-", "")
        bearing = BEARINGS.get(key, BEARINGS.get(m.group(1).lower()))
        if bearing is None:
            return None
        km = _AREA_KM[(m.group(2) or "").lower()]
        return (*offset(anchor, bearing, km), km)
    return None
