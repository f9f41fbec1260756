"""Cross-article event fusion: reports of one real-world event are linked as the same event.

Every article keeps its own event IRI (deterministic: article id + event number), and each
report found to describe an event already reported elsewhere is linked to every earlier
report of it with owl:sameAs, written into the new article's graph. The links therefore do
not depend on the order articles arrive in, and they leave with the article that made them.

Two reports are one event when their types are compatible, their dates agree, their places
agree and they share a party (or its parent organisation):

- places agree at one of three strengths: the *same* scene (a shared place, or one report's
  place lies inside the other's: a village "near Kirkuk" and Kirkuk), *near* (coordinates
  closer than a base distance widened by how imprecise each place's coordinates are), or the
  same *region* (one report only knows the province or district the other's place lies in);
- dates agree when their spans (a day, a month, a year, by precision) overlap, or for two
  dates to the day are a day or two apart, the slack shrinking as the place agreement weakens;
- a report with no date (its article undated, so "on Thursday" could not be resolved) only
  joins a report of the same type at the same scene, and only when the weekday its sentence
  names is the other report's (or neither names one and both are undated). Otherwise place,
  type and party alone would decide, and those recur: strikes on one mountain range every
  season, shepherds kidnapped near one town every few months;
- a named operation is one event however many weeks its reports are apart; so is a campaign for
  a city ("the offensive to retake Mosul", named "Mosul offensive" by extraction), within two
  months and with an agent in common (a siege has phases: the offensive on a city's south in July
  and the one on its east in September are two).

Distinct events that merely look alike (two strikes on the same mountain a week apart) stay
apart. Everything here is symmetric in the two reports, so the links between two articles
do not depend on which of them was stored first.
"""
from __future__ import annotations

import json
import math
import marshal
import os
import re
import sqlite3
import tempfile
from calendar import monthrange
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Literal

from kg.data.gazetteer import Gazetteer, haversine_km
from kg.model import Entity, EventFrame, Extraction, TimeValue, is_campaign_name

# Types that may describe one event from different angles (an "attack" one outlet calls an
# "ambush", a "raid" another calls "clashes", a "drone attack" a "drone strike", "strikes"
# that one outlet says came from jets and another from drones or guns).
# The ontology's own subclasses (AerialStrike: "a strike from the air", SuicideBombing) go with
# their relatives.
TYPE_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"Airstrike", "DroneStrike", "AerialStrike", "Shelling"}),
    frozenset({"GroundOperation", "Raid", "Clash"}),
    frozenset({"Attack", "Ambush", "Killing", "Bombing", "SuicideBombing", "Clash", "Raid"}),
    frozenset({"Shelling", "Attack"}),
    frozenset({"DroneStrike", "Attack"}),
    frozenset({"Kidnapping", "Arrest"}),
)
NEAR_KM = 15.0              # two exactly located places this close are one scene ...
DEFAULT_PRECISION_KM = 5.0  # ... widened by each place's own precision (unknown: a town's)
# Coarser coordinates (a river, a mountain system, a village placed at the town it lies by)
# locate no scene: such places agree by name or containment only.
MAX_SCENE_PRECISION_KM = 25.0
# Days two reports' dates to the day may be apart, by how well their places agree: one event
# is often dated to the day it was reported, and fighting (a prison siege, an offensive) goes
# on for days at its one place. A strike or a blast is over within hours, and the same
# village shelled two days running is two events.
SLACK_DAYS = {"same": 2, "near": 1, "region": 1}
STRIKE_SLACK_DAYS = 1
STRIKES = frozenset({"Airstrike", "DroneStrike", "AerialStrike", "Shelling", "Bombing", "SuicideBombing"})
MAX_SLACK_DAYS = max(SLACK_DAYS.values())
CAMPAIGN_DAYS = 60          # a city's campaign: reports of it at most this far apart
_SPECIFIC = ("Facility", "TerrainFeature", "Settlement")

PlaceAgreement = Literal["same", "near", "region"]


# Every (a, b) of two types in one group: one set look-up a comparison.
_COMPATIBLE_PAIRS = frozenset((a, b) for group in TYPE_GROUPS for a in group for b in group)
# each grouped type with every type it may be (itself included): what a look-up asks SQLite for
_COMPATIBLE_WITH: dict[str, frozenset[str]] = {
    a: frozenset().union(*(group for group in TYPE_GROUPS if a in group)) for group in TYPE_GROUPS for a in group}


def compatible_types(a: str, b: str) -> bool:
    return a == b or (a, b) in _COMPATIBLE_PAIRS


@dataclass(slots=True)
class IndexedEvent:
    """What fusion needs to know about an event already stored."""

    ref: str                                  # "<article-id>-<local id>"
    article_id: str
    type: str
    time: TimeValue | None
    places: set[str] = field(default_factory=set)               # specific place keys
    points: list[tuple[float, float, float]] = field(default_factory=list)  # lat, lon, precision km
    parties: set[str] = field(default_factory=set)
    name: str | None = None                   # "Operation Olive Branch" (the operation itself)
    regions: set[str] = field(default_factory=set)     # provinces, districts named as its place
    enclosing: set[str] = field(default_factory=set)   # every place its places lie within
    allies: set[str] = field(default_factory=set)      # parent organisations of its parties
    weekday: int | None = None                # undated: the weekday its sentence names (Monday 0)
    side: set[str] = field(default_factory=set)        # its agents and their parent organisations


@dataclass(frozen=True, slots=True)
class PlaceFacts:
    """One place of an event as fusion sees it, from an extraction or from the store."""

    key: str
    kind: str
    lat: float | None = None
    lon: float | None = None
    precision_km: float | None = None
    within: str | None = None


@lru_cache(maxsize=1)
def _gazetteer() -> Gazetteer:
    return Gazetteer.load()


@lru_cache(maxsize=65536)
def _is_region(key: str) -> bool:
    rec = _gazetteer().get(key)
    return rec is not None and rec.kind in ("AdminRegion", "Country")


def _is_country(key: str) -> bool:
    rec = _gazetteer().get(key)
    return rec is not None and rec.kind == "Country"


@lru_cache(maxsize=65536)    # a place's chain is the same in every report that names it
def enclosing_places(key: str, within: str | None) -> tuple[str, ...]:
    """The places ``key`` lies within, innermost first and countries left out ("both in Iraq"
    says nothing): its own stated container, then the gazetteer's chain above that."""
    gaz = _gazetteer()
    chain: list[str] = []
    parent = within
    if parent is None:
        rec = gaz.get(key)
        parent = rec.within if rec else None
    while parent and parent != key and parent not in chain:
        chain.append(parent)
        rec = gaz.get(parent)
        parent = rec.within if rec else None
    return tuple(k for k in chain if not _is_country(k))


UNLISTED = "unlisted_"


def unlisted_scene(key: str, enclosing: Iterable[str]) -> str:
    """A village the gazetteer lacks, as a scene: its name and the first-level region it lies
    in. Its key also names the place it was placed by ("unlisted_iq_tamur_in_daquq_district"),
    which two reports may choose differently (the district, the governorate); two villages of
    one name in different provinces stay apart. Without a known province, the key itself."""
    name = key.split("_in_", 1)[0]
    gaz = _gazetteer()
    for outer in enclosing:
        rec = gaz.get(outer)
        if rec is not None and rec.kind == "AdminRegion" and rec.within and _is_country(rec.within):
            return f"{name}@{outer}"
    return key


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")\b", re.IGNORECASE)
EVIDENCE_CHARS = 1000       # as much of the sentence as the store keeps (ckg:evidence)


def named_weekday(evidence: str) -> int | None:
    """The one weekday a sentence names ("abducted on Thursday morning"), if it names one."""
    days = {_WEEKDAYS.index(m.group(1).lower()) for m in _WEEKDAY.finditer(evidence[:EVIDENCE_CHARS])}
    return days.pop() if len(days) == 1 else None


def make_view(ref: str, article_id: str, type_: str, time: TimeValue | None, name: str | None,
              places: Iterable[PlaceFacts], parties: Iterable[tuple[str, str | None]],
              evidence: str = "", agents: Iterable[str] = ()) -> IndexedEvent:
    """The fusion view of one event, from its places and its (party, parent) pairs. One
    function for both the extraction and the store, so an event read back at the start of a
    build fuses exactly as it did when it was extracted."""
    view = IndexedEvent(ref=ref, article_id=article_id, type=type_, time=time, name=name,
                        weekday=named_weekday(evidence) if time is None else None)
    located = [p for p in places if p.kind in _SPECIFIC or p.kind == "AdminRegion"]   # not countries
    chains = {p.key: enclosing_places(p.key, p.within) for p in located}
    for chain in chains.values():
        view.enclosing.update(chain)
    points: set[tuple[float, float, float]] = set()
    for p in located:
        # "Ain Dalfa in Idlib": the event is at the village; Idlib only says where it is
        if p.key in view.enclosing:
            continue
        if p.kind == "AdminRegion":
            view.regions.add(p.key)
            continue
        view.places.add(unlisted_scene(p.key, chains[p.key]) if p.key.startswith(UNLISTED) else p.key)
        if p.lat is not None and p.lon is not None:
            points.add((p.lat, p.lon, p.precision_km if p.precision_km is not None else DEFAULT_PRECISION_KM))
    view.points = sorted(points)
    agents = set(agents)
    for key, parent in parties:
        view.parties.add(key)
        if parent:
            view.allies.add(parent)
        if key in agents:
            view.side.add(key)
            if parent:
                view.side.add(parent)
    return view


def mark_operations(views: Sequence[IndexedEvent]) -> None:
    """Keep an operation's name only on the report of the operation itself.

    An article may give the name to an episode too ("villages captured as part of Operation
    X", dated weeks into it); the operation is the earliest-dated event of that name in the
    article, and its episodes fuse by date, place and party like any other event."""
    first: dict[str, IndexedEvent] = {}
    for v in sorted(views, key=_story_order):
        if v.name is None:
            continue
        key = v.name.lower()
        if key in first:
            v.name = None
        else:
            first[key] = v


def _story_order(v: IndexedEvent) -> tuple:
    local = v.ref[len(v.article_id) + 1:]
    number = int(local[1:]) if local[1:].isdigit() else 0
    return (v.time is None, v.time.value if v.time else date.min, number, local)


# ---------------------------------------------------------------- comparing two reports

def _span(t: TimeValue) -> tuple[int, int]:
    """First and last day (ordinals) a date of this precision covers."""
    d = t.value
    if t.precision == "day":
        return d.toordinal(), d.toordinal()
    if t.precision == "month":
        return date(d.year, d.month, 1).toordinal(), date(d.year, d.month, monthrange(d.year, d.month)[1]).toordinal()
    return date(d.year, 1, 1).toordinal(), date(d.year, 12, 31).toordinal()


def days_apart(a: TimeValue, b: TimeValue) -> int:
    """Days between the spans of two dates (0 when they overlap: 9 March and "March")."""
    (a0, a1), (b0, b1) = _span(a), _span(b)
    return max(0, b0 - a1, a0 - b1)


def _near(a: IndexedEvent, b: IndexedEvent) -> bool:
    for lat1, lon1, p1 in a.points:
        if p1 > MAX_SCENE_PRECISION_KM:
            continue
        for lat2, lon2, p2 in b.points:
            if p2 <= MAX_SCENE_PRECISION_KM and haversine_km((lat1, lon1), (lat2, lon2)) <= NEAR_KM + p1 + p2:
                return True
    return False


def place_agreement(a: IndexedEvent, b: IndexedEvent) -> PlaceAgreement | None:
    if a.places & b.places or a.places & b.enclosing or b.places & a.enclosing:
        return "same"
    if _near(a, b):
        return "near"
    # only the province or district of one report is known: the other's place is inside it
    if (not a.places and a.regions & (b.regions | b.enclosing)) or \
            (not b.places and b.regions & (a.regions | a.enclosing)):
        return "region"
    return None


def share_party(a: IndexedEvent, b: IndexedEvent) -> bool:
    """A party in common, counting parent organisations (the army and the security forces it
    belongs to)."""
    return bool((a.parties | a.allies) & (b.parties | b.allies))


def _same_operation(a: IndexedEvent, b: IndexedEvent) -> bool:
    """Reports of one named operation, or of one campaign for a city (kg/extract/campaigns.py):
    a campaign's reports are within CAMPAIGN_DAYS of each other (a new offensive on that city
    a year later is another) and name an agent in common (or of one organisation)."""
    if not (a.name and b.name and a.name.lower() == b.name.lower()):
        return False
    if not is_campaign_name(a.name):
        return True
    if a.time is not None and b.time is not None and days_apart(a.time, b.time) > CAMPAIGN_DAYS:
        return False
    # the same side attacks: the rebels' offensive on a city is not the army's
    return bool(a.side & b.side)


def same_event(a: IndexedEvent, b: IndexedEvent) -> bool:
    if a.article_id == b.article_id or not compatible_types(a.type, b.type):
        return False
    # A named operation is one event however many weeks its reports are apart.
    if _same_operation(a, b):
        return True
    agreement = place_agreement(a, b)
    if agreement is None or not share_party(a, b):
        return False
    if a.time is None or b.time is None:
        return a.type == b.type and agreement == "same" and _weekdays_agree(a, b)
    # the slack is for one event reported on different days; a month or a year already spans
    # its own uncertainty, and "in March" is not "in February"
    slack = SLACK_DAYS[agreement] if a.time.precision == b.time.precision == "day" else 0
    if a.type in STRIKES or b.type in STRIKES:
        slack = min(slack, STRIKE_SLACK_DAYS)
    return days_apart(a.time, b.time) <= slack


def _weekday_of(e: IndexedEvent) -> int | None:
    if e.time is None:
        return e.weekday
    return e.time.value.weekday() if e.time.precision == "day" else None


def _weekdays_agree(a: IndexedEvent, b: IndexedEvent) -> bool:
    """One report undated (or both): the weekdays must be known and equal, except that two
    undated reports naming no weekday may still be one event."""
    wa, wb = _weekday_of(a), _weekday_of(b)
    if a.time is None and b.time is None and wa is None and wb is None:
        return True
    return wa is not None and wa == wb


def match_score(a: IndexedEvent, b: IndexedEvent) -> float:
    """How alike two reports of one event are; used to pair events one to one."""
    score = 2.0 if a.type == b.type else 0.0
    if _same_operation(a, b):
        score += 5            # weeks apart is no sign against an operation's own reports
    elif a.time and b.time:
        score -= days_apart(a.time, b.time)
    score += len(a.places & b.places) + len(a.parties & b.parties)
    return score


def indexed(ex: Extraction) -> list[IndexedEvent]:
    """The fusion view of an article's events."""
    views = [_indexed_event(ex.article.id, ev, ex.entities) for ev in ex.events]
    mark_operations(views)
    return views


def _indexed_event(article_id: str, ev: EventFrame, entities: dict[str, Entity]) -> IndexedEvent:
    places = []
    for k in ev.places:
        p = entities.get(k)
        if p is not None:
            places.append(PlaceFacts(k, p.kind, p.lat, p.lon, None if p.article_local else p.precision_km, p.within))
    parties = []
    for k in ev.agents + ev.targets + ev.supporters:
        e = entities.get(k)
        if e is not None and e.category == "actor" and not e.article_local and e.kind != "CivilianGroup":
            parties.append((k, e.parent))
    return make_view(f"{article_id}-{ev.id}", article_id, ev.type, ev.time, ev.name, places, parties, ev.evidence,
                     ev.agents)


_VIEW_FIELDS = tuple(f.name for f in fields(IndexedEvent))
_TIME_FIELD = _VIEW_FIELDS.index("time")


def _encode_view(e: IndexedEvent) -> bytes:
    """An event's fusion view as the scratch index stores it: its fields with marshal, the
    date as (ordinal, precision). A fifth of pickle's time to write, half to read, as the
    fields are plain values (marshal refuses anything else, so a new field of another type
    fails loudly here)."""
    values: list = [getattr(e, name) for name in _VIEW_FIELDS]
    t = e.time
    values[_TIME_FIELD] = None if t is None else (t.value.toordinal(), t.precision)
    return marshal.dumps(values)


def _day_of(e: IndexedEvent) -> int | None:
    """The day ordinal of an event dated to the day (None for a vaguer date or none)."""
    return e.time.value.toordinal() if e.time is not None and e.time.precision == "day" else None


def _decode_view(blob: bytes) -> IndexedEvent:
    values = marshal.loads(blob)
    t = values[_TIME_FIELD]
    if t is not None:
        values[_TIME_FIELD] = TimeValue(date.fromordinal(t[0]), t[1])
    return IndexedEvent(*values)


def _connect(path: Path) -> sqlite3.Connection:
    """The index's database: no journal and no syncs (a kept file is trusted only through its
    mark, see EventIndex.mark), an 8 MB page cache."""
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -8192;")
    return db


class EventIndex:
    """Events already stored, by article, by date and by place, for fusion of the articles
    that follow.

    Reports of one event are at most a few days apart (or share an operation's name, or one
    is undated and they share a place), so candidates are looked up by scene and date range
    (and in buckets: an operation's name, an undated report's place, a weekday and place)
    instead of scanning every stored event: fusing an article costs about the same however
    large the corpus grows.

    The events and their keys live in a SQLite database on disk, not in Python objects: a
    build's memory stays flat however many events the store holds (in memory they cost about
    2 KB each: 200 000 events, 0.4 GB). SQLite keeps a bounded page cache; an event is
    serialised once when filed (`_encode_view`) and read back when it is a candidate. The
    database is a scratch file, deleted with the index, or one kept beside a store between
    builds (kg.rdf.readback), which says in its `stamp` which store and code it was made for:
    one that does not match is read again from the store, so the layout is free to change
    between versions.
    """

    def __init__(self, events: Iterable[IndexedEvent] = (), *, path: Path | None = None):
        """A new index of `events`: in a scratch file (in the system's temporary folder) deleted
        when the index is closed, or at `path`, a file that outlives it (any file there is
        replaced; see `kept_at` and `mark`)."""
        self._scratch = tempfile.NamedTemporaryFile(prefix="kg-fusion-", suffix=".sqlite") if path is None else None
        if path is not None:
            path.unlink(missing_ok=True)
        self.path = Path(self._scratch.name) if self._scratch is not None else path
        self._db = _connect(self.path)
        # scene: a dated event under each of its scenes (_scene_keys), with the first and last
        # day its date covers and how precise it is (0 day, 1 month, 2 year): a look-up asks
        # a scene for a range of days, one index probe, not one key per day and scene.
        # bucket: the look-ups that are not by date (an operation's name, an undated report's
        # place, a weekday and place).
        # kept: one row, what a kept index was made for (`mark`)
        # head: the fusion graph as last written to the store (report IRI -> head IRI), and
        # heads_digest its digest (`heads_for`)
        self._db.executescript("""
            CREATE TABLE event (ref TEXT PRIMARY KEY, article TEXT NOT NULL, day INTEGER, type TEXT NOT NULL,
                view BLOB NOT NULL) WITHOUT ROWID;
            CREATE INDEX event_article ON event (article);
            CREATE TABLE link (article TEXT NOT NULL, ref TEXT NOT NULL, other TEXT NOT NULL);
            CREATE INDEX link_article ON link (article);
            CREATE TABLE scene (key TEXT NOT NULL, span INTEGER NOT NULL, first INTEGER NOT NULL,
                last INTEGER NOT NULL, ref TEXT NOT NULL, PRIMARY KEY (key, span, first, ref)) WITHOUT ROWID;
            CREATE TABLE bucket (key TEXT NOT NULL, ref TEXT NOT NULL, PRIMARY KEY (key, ref)) WITHOUT ROWID;
            CREATE TABLE kept (stamp TEXT);
            INSERT INTO kept VALUES (NULL);
            CREATE TABLE head (report TEXT PRIMARY KEY, head TEXT NOT NULL) WITHOUT ROWID;
            CREATE TABLE heads_digest (digest TEXT);
            INSERT INTO heads_digest VALUES (NULL);
        """)
        self._size = 0
        self._db.execute("BEGIN")
        remaining = iter(events)
        while chunk := list(islice(remaining, 1000)):
            self._file(chunk)
        self._db.execute("COMMIT")

    @classmethod
    def kept_at(cls, path: Path, stamp: str) -> "EventIndex | None":
        """The index kept at `path` if its last `mark` was `stamp`; None when there is none, it
        was marked otherwise, or the file is not a readable index."""
        if not path.is_file():
            return None
        try:
            db = _connect(path)
        except sqlite3.Error:
            return None
        try:
            if db.execute("SELECT stamp FROM kept").fetchall() == [(stamp,)]:
                index = cls.__new__(cls)
                index._scratch, index.path, index._db = None, path, db
                index._size = db.execute("SELECT COUNT(*) FROM event").fetchone()[0]
                return index
        except sqlite3.Error:       # (a file that is no index, or one torn by a crash)
            pass
        db.close()
        return None

    def mark(self, stamp: str | None) -> None:
        """Record that the index is, from now on, that of what `stamp` names (a store's state
        and the code that filed it), or with None that it may not be: done before a build
        changes the index or the store, so that a build stopped half-way leaves an index the
        next one will not trust. Written through to the disk: the rows first, then the mark."""
        if stamp is not None:
            self._sync()
        self._db.execute("UPDATE kept SET stamp = ?", (stamp,))
        self._sync()

    def heads_for(self, digest: str | None) -> Iterator[tuple[str, str]] | None:
        """The fusion graph's (report, head) pairs as last written (`write_heads`), when the
        store's graph has this digest; None when the index does not know that graph (then the
        store must be read)."""
        if digest is None or self._db.execute("SELECT digest FROM heads_digest").fetchall() != [(digest,)]:
            return None
        return self._db.execute("SELECT report, head FROM head")

    def forget_heads(self) -> None:
        """Before the fusion graph is written: a write stopped half-way leaves it unknown."""
        self._db.execute("UPDATE heads_digest SET digest = NULL")

    def clear_heads(self) -> None:
        self._db.execute("DELETE FROM head")

    def write_heads(self, removed: Sequence[tuple[str, str]], added: Sequence[tuple[str, str]]) -> None:
        self._db.execute("BEGIN")
        try:
            self._db.executemany("DELETE FROM head WHERE report = ? AND head = ?", removed)
            self._db.executemany("INSERT OR REPLACE INTO head VALUES (?, ?)", added)
        finally:
            self._db.execute("COMMIT")

    def heads_written(self, digest: str) -> None:
        """The fusion graph with this digest is in the store and in the head table."""
        self._db.execute("UPDATE heads_digest SET digest = ?", (digest,))

    @property
    def kept(self) -> bool:
        """Whether the index lives in a file kept after it is closed."""
        return self._scratch is None

    def _sync(self) -> None:
        fd = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def close(self) -> None:
        self._db.close()
        if self._scratch is not None:
            self._scratch.close()

    def __len__(self) -> int:
        return self._size

    def events(self) -> Iterator[IndexedEvent]:
        """Every indexed event (in no particular order)."""
        for (blob,) in self._db.execute("SELECT view FROM event"):
            yield _decode_view(blob)

    @staticmethod
    def _scene_rows(e: IndexedEvent) -> list[tuple[str, int, int, int, str]]:
        """Where a dated event is filed: by date *and* scene (a date alone gathers every event
        of that day, or month, or year, in the corpus, so each look-up would grow with it)."""
        if e.time is None:
            return []
        first, last = _span(e.time)
        span = _SPANS[e.time.precision]
        return [(key, span, first, last, e.ref) for key in _scene_keys(e, neighbours=False)]

    @staticmethod
    def _bucket_keys(e: IndexedEvent) -> set[str]:
        """Where an event is filed for the look-ups that are not by date."""
        keys = set()
        if e.name:
            keys.update(_name_keys(e, lookup=False))
        if e.time is None:
            keys.update("u" + key for key in _place_keys(e))
        elif e.time.precision == "day":
            keys.update(f"w{e.time.value.weekday()}:{key}" for key in _place_keys(e))
        return keys

    def _file(self, events: Iterable[IndexedEvent]) -> None:
        """File events (an article's: three statements for them all, not three an event)."""
        events = list(events)
        self._db.executemany("INSERT OR REPLACE INTO event VALUES (?, ?, ?, ?, ?)",
                             [(e.ref, e.article_id, _day_of(e), e.type, _encode_view(e)) for e in events])
        self._db.executemany("INSERT OR IGNORE INTO scene VALUES (?, ?, ?, ?, ?)",
                             [row for e in events for row in self._scene_rows(e)])
        self._db.executemany("INSERT OR IGNORE INTO bucket VALUES (?, ?)",
                             [(k, e.ref) for e in events for k in self._bucket_keys(e)])
        self._size += len(events)

    def replace_article(self, article_id: str, events: Iterable[IndexedEvent],
                        links: dict[str, list[str]] | None = None) -> None:
        """File an article's events, and the same-event links its graph states (its event's
        ref -> the refs of other articles' reports)."""
        self._db.execute("BEGIN")
        try:
            self._remove(article_id)
            self._file(events)
            if links:
                self._db.executemany("INSERT INTO link VALUES (?, ?, ?)",
                                     ((article_id, ref, other) for ref, others in links.items() for other in others))
        finally:
            self._db.execute("COMMIT")

    def link_rows(self) -> Iterator[tuple[str, str, int | None, int | None]]:
        """Every same-event link between two indexed reports, once, each end with its day
        ordinal (None for a vaguer date): what the store's article graphs state, read from
        disk instead of the store (see kg.resolve.clusters)."""
        return self._db.execute("""
            SELECT DISTINCT link.ref, link.other, a.day, b.day FROM link
            JOIN event AS a ON a.ref = link.ref JOIN event AS b ON b.ref = link.other
            WHERE link.ref != link.other""")

    def remove_article(self, article_id: str) -> None:
        self._db.execute("BEGIN")
        try:
            self._remove(article_id)
        finally:
            self._db.execute("COMMIT")

    def _remove(self, article_id: str) -> None:
        # An event's scene and bucket rows are found again from its stored view, as it was
        # filed (the keys are a function of the view alone): cheaper than an index by ref on
        # both tables, which every filing paid for and only the rare removal used.
        filed = [_decode_view(blob) for (blob,) in
                 self._db.execute("SELECT view FROM event WHERE article = ?", (article_id,))]
        if filed:    # most articles of a build are new to the index: nothing of theirs to delete
            self._db.executemany("DELETE FROM scene WHERE key = ? AND span = ? AND first = ? AND ref = ?",
                                 [(key, span, first, ref) for e in filed
                                  for key, span, first, _, ref in self._scene_rows(e)])
            self._db.executemany("DELETE FROM bucket WHERE key = ? AND ref = ?",
                                 [(key, e.ref) for e in filed for key in self._bucket_keys(e)])
            self._db.execute("DELETE FROM event WHERE article = ?", (article_id,))
        self._db.execute("DELETE FROM link WHERE article = ?", (article_id,))
        self._size -= len(filed)

    def candidates(self, event: IndexedEvent) -> list[IndexedEvent]:
        """The stored reports of the same event as ``event`` (see same_event)."""
        return self.candidates_each([event])[0]

    def candidates_each(self, events: Sequence[IndexedEvent]) -> list[list[IndexedEvent]]:
        """`candidates` of each of ``events``, looked up together (see `nearby_each`)."""
        return [[e for e in near if same_event(event, e)]
                for event, near in zip(events, self.nearby_each(events))]

    def nearby(self, event: IndexedEvent) -> list[IndexedEvent]:
        """The stored events of other articles, of a type compatible with ``event``'s, that
        share a scene and a date range, or a bucket, with it: a superset of its candidates, as
        small as the date and scene make it, however large the corpus."""
        return self.nearby_each([event])[0]

    def nearby_each(self, events: Sequence[IndexedEvent]) -> list[list[IndexedEvent]]:
        """`nearby` of each of ``events``, sorted by ref.

        The events of one article share most of their scenes and dates and their neighbours:
        looked up together, a stored event is read and decoded once for the article, not once
        for each of its events that it is near, and SQLite is asked one query an article
        (events of one scene and date, one range look-up) instead of one an event."""
        # events of one article that want the same scenes and days are one look-up ("leg")
        legs: dict[tuple[frozenset[str], int, int], int] = {}
        legs_of: list[int | None] = []
        for event in events:
            scenes = _scene_keys(event, neighbours=True) if event.time is not None else None
            if not scenes:
                legs_of.append(None)
                continue
            first, last = _span(event.time)
            legs_of.append(legs.setdefault((frozenset(scenes), first - MAX_SLACK_DAYS, last + MAX_SLACK_DAYS),
                                           len(legs)))
        wanted = [self._lookup_keys(event) for event in events]
        # (only the reports of other articles, of a type one of these events may be: SQLite
        # joins each hit to its event, where Python would step through every row)
        types = set().union(*(_COMPATIBLE_WITH.get(e.type, {e.type}) for e in events))
        hits = self._hits(list(legs), set().union(*wanted), types, {e.article_id for e in events})
        # the hits grouped by the look-up that found them, so that each event goes through its
        # own groups only; a stored event at two of an event's scenes comes twice: cheaper to
        # drop here than to have SQLite sort the hits to drop them
        by_leg: dict[int, dict[str, tuple[str, bytes]]] = {}
        by_key: dict[str, dict[str, tuple[str, bytes]]] = {}
        for leg, key, ref, type_, blob in hits:
            (by_leg.setdefault(leg, {}) if key is None else by_key.setdefault(key, {}))[ref] = (type_, blob)
        near_rows: list[dict[str, bytes]] = []
        for mine, keys, event in zip(legs_of, wanted, events):
            groups = [by_key[k] for k in keys if k in by_key]
            if mine is not None and mine in by_leg:
                groups.append(by_leg[mine])
            # (most events near one are of another kind: a strike and the clashes that day;
            # they are not even decoded)
            near_rows.append({ref: blob for group in groups for ref, (type_, blob) in group.items()
                              if compatible_types(event.type, type_)})
        views: dict[str, IndexedEvent] = {}
        found: list[list[IndexedEvent]] = []
        for near in near_rows:
            found.append([views[ref] if ref in views else views.setdefault(ref, _decode_view(near[ref]))
                          for ref in sorted(near)])
        return found

    def _hits(self, legs: list[tuple[frozenset[str], int, int]], keys: set[str], types: set[str],
              articles: set[str]) -> list[tuple[int, str | None, str, str, bytes]]:
        """The stored events a look-up finds, as (leg, None, ref, type, view) for a leg's scenes
        and days (leg: its place in ``legs``), (-1, key, ref, type, view) for a bucket.

        The look-up is one statement of fixed text (SQLite prepares it once a build) whose
        parameters are JSON arrays that SQLite unpacks itself (json_each). Statements spelled
        out from each article's keys were each parsed and planned anew (~10 % of fusion's time
        on real news); temporary tables filled with the keys cost eight calls into SQLite an
        article and a row bound from Python for each scene and precision."""
        firsts = [first for _, first, _ in legs]
        lasts = [last for _, _, last in legs]
        scenes = [list(scenes) for scenes, _, _ in legs]
        return self._db.execute(_HITS, (json.dumps(firsts), json.dumps(lasts), json.dumps(scenes),
                                        json.dumps(list(keys)), json.dumps(list(types)),
                                        json.dumps(list(articles)))).fetchall()

    def _lookup_keys(self, event: IndexedEvent) -> set[str]:
        """The buckets (besides its scenes and days) where the stored events that may be
        ``event``'s candidates are filed."""
        places = _place_keys(event)
        keys = {"u" + key for key in places}
        if event.time is None and event.weekday is not None:
            keys.update(f"w{event.weekday}:{key}" for key in places)
        if event.name:
            keys.update(_name_keys(event, lookup=True))
        return keys


# how precise a date is, as the scene table files it
_SPANS = {"day": 0, "month": 1, "year": 2}


# A look-up in one statement. Leg i has its first and last day at ?1[i] and ?2[i] and its
# scenes at ?3[i]; each scene is probed at each precision a stored date may have (the VALUES
# list: the days before the leg's first day where a stored date of that precision may begin
# and still reach it, a month at most 30 days before it, a year 365), each probe one range of
# the scene index. Each bucket key of ?4 is one look-up of the bucket index. CROSS JOIN: the
# probes drive. Each hit is joined to its stored event, of a type the look-up asks for (?5) and
# from another article (?6). (The days are arrays of plain numbers so that a probe reads them
# as they are: taken out of an array of [first, last] pairs with json_extract, they were
# parsed again for each probe, which cost fusion ~8 % of its instructions.)
_HITS = """
    WITH reach (span, days) AS (VALUES (0, 0), (1, 30), (2, 365))
    SELECT f.key, NULL, e.ref, e.type, e.view
        FROM json_each(?1) AS f CROSS JOIN json_each(?2) AS t CROSS JOIN json_each(?3, '$[' || f.key || ']') AS k
            CROSS JOIN reach AS r CROSS JOIN scene AS s CROSS JOIN event AS e
        WHERE t.key = f.key AND s.key = k.value AND s.span = r.span
            AND s.first BETWEEN f.value - r.days AND t.value AND s.last >= f.value AND e.ref = s.ref
            AND e.type IN (SELECT value FROM json_each(?5)) AND e.article NOT IN (SELECT value FROM json_each(?6))
    UNION ALL
    SELECT -1, k.value, e.ref, e.type, e.view FROM json_each(?4) AS k CROSS JOIN bucket AS b CROSS JOIN event AS e
        WHERE b.key = k.value AND e.ref = b.ref
            AND e.type IN (SELECT value FROM json_each(?5)) AND e.article NOT IN (SELECT value FROM json_each(?6))"""


def _name_keys(e: IndexedEvent, lookup: bool) -> set[str]:
    """The buckets of an operation's name.

    A named operation is one event: all its reports share one bucket. A campaign's name
    ("Aleppo offensive") comes back with every offensive on its city, so a dated report of one is
    filed under each month of its date and looked up in the months within CAMPAIGN_DAYS: a
    look-up does not grow with the years a corpus spans. Undated reports go in buckets of their
    own ("nu"), which every look-up asks, and an undated look-up also asks the bare name, where
    every dated report is filed too (undated articles are rare)."""
    name = e.name.lower()
    if not is_campaign_name(e.name):
        return {"n" + name}
    if e.time is None:
        return {"nu" + name, "n" + name} if lookup else {"nu" + name}
    first, last = _span(e.time)
    if lookup:
        first, last = first - CAMPAIGN_DAYS, last + CAMPAIGN_DAYS
    keys = {"nu" + name} if lookup else {"n" + name}
    month = date.fromordinal(first).replace(day=1)
    while month.toordinal() <= last:
        keys.add(f"n{name}@{month.year}-{month.month}")
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return keys


CELL_DEGREES = 1.0           # grid cells for "near" places; a near pair is at most ~65 km apart


KM_PER_DEGREE = 110.0        # a little short of a degree of latitude (111.2 km): boxes err on the wide side


def _cells(lat: float, lon: float, reach_km: float | None = None) -> Iterator[str]:
    """The grid cell of a point, or with ``reach_km`` every cell a point that close to it may
    lie in: the cells its bounding box overlaps (one to four of them for most points, as a
    point far from its cell's edges needs no cell beyond them). Columns wrap at the
    antimeridian."""
    columns = round(360 / CELL_DEGREES)
    if reach_km is None:
        yield f"g{math.floor(lat / CELL_DEGREES)}:{math.floor(lon / CELL_DEGREES) % columns}"
        return
    dlat = reach_km / KM_PER_DEGREE
    # a degree of longitude is shortest at the box's poleward edge
    cos_lat = max(math.cos(math.radians(min(abs(lat) + dlat, 89.0))), 0.01)
    dlon = min(reach_km / (KM_PER_DEGREE * cos_lat), 180.0)
    for r in range(math.floor((lat - dlat) / CELL_DEGREES), math.floor((lat + dlat) / CELL_DEGREES) + 1):
        for c in range(math.floor((lon - dlon) / CELL_DEGREES), math.floor((lon + dlon) / CELL_DEGREES) + 1):
            yield f"g{r}:{c % columns}"


def _scene_keys(e: IndexedEvent, neighbours: bool) -> set[str]:
    """Keys two reports whose places agree (see place_agreement) always share, one side filed
    under them (``neighbours`` False), the other looking them up (``neighbours`` True).

    The keys say what a place is to the report, so that a look-up asks for exactly the ways
    two reports can agree: "p" its place, "e" a place its place lies within, "r" a region it
    names, "q" a region of a report that names no place of its own, and grid cells ("g...")
    of its points (the look-up asks the cells around them). A look-up asks others' places at
    its places and at the places enclosing them, others' enclosing places at its places, and
    regions as place_agreement's "region" rule does. Untyped, a town's report asked its
    province and found every report of every town in the province that day: ~50 times the
    real candidates, and a look-up growing with the corpus."""
    places, enclosing, regions = e.places, e.enclosing, e.regions
    if not neighbours:
        keys = {"p" + k for k in places} | {"e" + k for k in enclosing} | {"r" + k for k in regions}
        if not places:
            keys.update("q" + k for k in regions)
    else:
        keys = {"p" + k for k in places | enclosing} | {"e" + k for k in places}
        if not places:
            keys.update("r" + k for k in regions)
            keys.update("e" + k for k in regions)
        keys.update("q" + k for k in regions | enclosing)
    for lat, lon, precision in e.points:
        if precision <= MAX_SCENE_PRECISION_KM:
            # near: closer than NEAR_KM widened by both precisions, the other's at most the largest
            keys.update(_cells(lat, lon, NEAR_KM + precision + MAX_SCENE_PRECISION_KM if neighbours else None))
    return keys


def _place_keys(e: IndexedEvent) -> set[str]:
    """The keys an event is found under by place: two reports at the same scene share one
    (a place, or a place and its container). Provinces and districts are left out: an undated
    report needs the same scene, and they would make the largest buckets."""
    if not e.places:
        return set()
    return e.places | {k for k in e.enclosing if not _is_region(k)}


class EventFuser:
    """Links each event of an article to the stored reports of the same event."""

    def __init__(self, index: EventIndex | None = None):
        self.index = index if index is not None else EventIndex()

    def fuse(self, ex: Extraction) -> Extraction:
        mine = indexed(ex)
        links = self.link(ex.article.id, mine)
        for ev, view in zip(ex.events, mine):
            ev.same_as = links[view.ref]
        return ex

    def link(self, article_id: str, mine: list[IndexedEvent]) -> dict[str, list[str]]:
        """The same-event links of one article's events (given in their fusion view), which
        then join the index. Used as it is where extraction ran elsewhere (a Dask worker)."""
        links: dict[str, list[str]] = {v.ref: [] for v in mine}
        # One to one per other article: an article reporting an attack and the clashes that
        # followed links each to its own counterpart, not both to both.
        # Ties are broken on the two refs in sorted order, so the pairing of two articles'
        # events is the same whichever of them came first.
        candidates = self.index.candidates_each(mine)
        pairs = sorted(((match_score(v, c), v.ref, c) for v, found in zip(mine, candidates) for c in found),
                       key=lambda p: (-p[0], min(p[1], p[2].ref), max(p[1], p[2].ref)))
        taken: set[tuple[str, str]] = set()
        for _, ref, cand in pairs:
            if (ref, cand.article_id) in taken or (cand.ref, article_id) in taken:
                continue
            taken.add((ref, cand.article_id))
            taken.add((cand.ref, article_id))
            links[ref].append(cand.ref)
        found = {ref: sorted(refs) for ref, refs in links.items()}
        self.index.replace_article(article_id, mine, found)
        return found


def parse_date_literal(value: str) -> TimeValue | None:
    """An xsd:date / gYearMonth / gYear lexical form back to a TimeValue."""
    try:
        if len(value) >= 10:
            return TimeValue(date.fromisoformat(value[:10]), "day")
        if len(value) == 7:
            return TimeValue(date(int(value[:4]), int(value[5:7]), 1), "month")
        if len(value) == 4:
            return TimeValue(date(int(value), 1, 1), "year")
    except ValueError:
        return None
    return None
