"""Cross-article event fusion: reports of one real-world event are linked as the same event.

Every article keeps its own event IRI (deterministic: article id + event number), and each
report found to describe an event already reported elsewhere is linked to every earlier
report of it with owl:sameAs, written into the new article's graph. The links therefore do
not depend on the order articles arrive in, and they leave with the article that made them.

Two reports are one event when their types are compatible, their dates agree (to the day,
with a day of slack either way where the place is the same), they happened at the same
place or within a short distance, and they share at least one party. Distinct events that
merely look alike (two strikes on the same mountain a week apart) stay apart.
"""
from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from kg.data.gazetteer import haversine_km
from kg.model import Entity, EventFrame, Extraction, TimeValue

# Types that may describe one event from different angles (an "attack" one outlet calls an
# "ambush", a "raid" another calls "clashes").
TYPE_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"Airstrike", "DroneStrike"}),
    frozenset({"GroundOperation", "Raid", "Clash"}),
    frozenset({"Attack", "Ambush", "Killing", "Bombing", "Clash", "Raid"}),
    frozenset({"Shelling", "Attack"}),
    frozenset({"Kidnapping", "Arrest"}),
)
NEAR_KM = 25.0              # places this close are the same scene
SAME_PLACE_SLACK_DAYS = 2   # multi-day events (a prison siege) reported on different days
NEAR_PLACE_SLACK_DAYS = 1
_SPECIFIC = ("Facility", "TerrainFeature", "Settlement")


def compatible_types(a: str, b: str) -> bool:
    return a == b or any(a in g and b in g for g in TYPE_GROUPS)


@dataclass(slots=True)
class IndexedEvent:
    """What fusion needs to know about an event already stored."""

    ref: str                                  # "<article-id>-<local id>"
    article_id: str
    type: str
    time: TimeValue | None
    places: set[str] = field(default_factory=set)               # specific place keys
    points: list[tuple[float, float]] = field(default_factory=list)
    parties: set[str] = field(default_factory=set)
    name: str | None = None                   # "Operation Olive Branch"


def _days_apart(a: TimeValue, b: TimeValue) -> int | None:
    if a.precision == b.precision == "day":
        return abs((a.value - b.value).days)
    if "year" in (a.precision, b.precision):
        return 0 if a.value.year == b.value.year else None
    return 0 if (a.value.year, a.value.month) == (b.value.year, b.value.month) else None


def same_event(a: IndexedEvent, b: IndexedEvent) -> bool:
    if a.article_id == b.article_id or not compatible_types(a.type, b.type):
        return False
    # A named operation is one event however many weeks its reports are apart.
    if a.name and b.name and a.name.lower() == b.name.lower():
        return True
    if a.time is None or b.time is None:
        return False
    apart = _days_apart(a.time, b.time)
    if apart is None:
        return False
    shared_place = bool(a.places & b.places)
    near = shared_place or any(haversine_km(p, q) <= NEAR_KM for p in a.points for q in b.points)
    if not near:
        return False
    if apart > (SAME_PLACE_SLACK_DAYS if shared_place else NEAR_PLACE_SLACK_DAYS):
        return False
    return bool(a.parties & b.parties)


def match_score(a: IndexedEvent, b: IndexedEvent) -> float:
    """How alike two reports of one event are; used to pair events one to one."""
    score = 2.0 if a.type == b.type else 0.0
    if a.name and b.name and a.name.lower() == b.name.lower():
        score += 5
    apart = _days_apart(a.time, b.time) if a.time and b.time else None
    score -= apart or 0
    score += len(a.places & b.places) + len(a.parties & b.parties)
    return score


def indexed(ex: Extraction) -> list[IndexedEvent]:
    """The fusion view of an article's events."""
    out = []
    for ev in ex.events:
        out.append(_indexed_event(ex.article.id, ev, ex.entities))
    return out


def _indexed_event(article_id: str, ev: EventFrame, entities: dict[str, Entity]) -> IndexedEvent:
    specific = [entities[k] for k in ev.places if k in entities and entities[k].kind in _SPECIFIC]
    parties = {k for k in ev.agents + ev.targets + ev.supporters
               if k in entities and not entities[k].article_local and entities[k].kind != "CivilianGroup"}
    return IndexedEvent(
        ref=f"{article_id}-{ev.id}", article_id=article_id, type=ev.type, time=ev.time,
        places={p.key for p in specific},
        points=[(p.lat, p.lon) for p in specific if p.lat is not None and p.lon is not None],
        parties=parties, name=ev.name)


class EventIndex:
    """Events already stored, by article and by date, for fusion of the articles that follow.

    Reports of one event are at most a few days apart (or share an operation's name), so
    candidates are looked up in date buckets (day, month and year precision apart) and by name
    instead of scanning every stored event: fusing an article costs the same however large
    the corpus grows.
    """

    def __init__(self, events: Iterable[IndexedEvent] = ()):
        self._by_article: dict[str, list[IndexedEvent]] = {}
        self._by_day: dict[int, list[IndexedEvent]] = {}            # date ordinal
        self._by_month: dict[tuple[int, int], list[IndexedEvent]] = {}
        self._by_year: dict[int, list[IndexedEvent]] = {}
        self._by_name: dict[str, list[IndexedEvent]] = {}            # named operations
        self._size = 0
        for e in events:
            self._by_article.setdefault(e.article_id, []).append(e)
            self._file(e)

    def __len__(self) -> int:
        return self._size

    def _bucket(self, e: IndexedEvent) -> list[IndexedEvent] | None:
        if e.time is None:
            return None
        d = e.time.value
        if e.time.precision == "day":
            return self._by_day.setdefault(d.toordinal(), [])
        if e.time.precision == "month":
            return self._by_month.setdefault((d.year, d.month), [])
        return self._by_year.setdefault(d.year, [])

    def _file(self, e: IndexedEvent) -> None:
        self._size += 1
        bucket = self._bucket(e)
        if bucket is not None:
            bucket.append(e)
        if e.name:
            self._by_name.setdefault(e.name.lower(), []).append(e)

    def _unfile(self, e: IndexedEvent) -> None:
        self._size -= 1
        bucket = self._bucket(e)
        if bucket is not None:
            bucket.remove(e)
        if e.name:
            self._by_name[e.name.lower()].remove(e)

    def replace_article(self, article_id: str, events: Iterable[IndexedEvent]) -> None:
        self.remove_article(article_id)
        mine = list(events)
        self._by_article[article_id] = mine
        for e in mine:
            self._file(e)

    def remove_article(self, article_id: str) -> None:
        for e in self._by_article.pop(article_id, ()):
            self._unfile(e)

    def _near_in_time(self, t: TimeValue) -> Iterator[IndexedEvent]:
        """Every stored event whose date could agree with ``t`` (a superset of same_event's)."""
        d = t.value
        if t.precision == "day":
            slack = max(SAME_PLACE_SLACK_DAYS, NEAR_PLACE_SLACK_DAYS)
            days = [(d + timedelta(days=k)).toordinal() for k in range(-slack, slack + 1)]
            months = [(d.year, d.month)]
        elif t.precision == "month":
            first = date(d.year, d.month, 1).toordinal()
            days = list(range(first, first + monthrange(d.year, d.month)[1]))
            months = [(d.year, d.month)]
        else:
            first = date(d.year, 1, 1).toordinal()
            days = list(range(first, date(d.year, 12, 31).toordinal() + 1))
            months = [(d.year, m) for m in range(1, 13)]
        for k in days:
            yield from self._by_day.get(k, ())
        for m in months:
            yield from self._by_month.get(m, ())
        yield from self._by_year.get(d.year, ())

    def candidates(self, event: IndexedEvent) -> list[IndexedEvent]:
        near: dict[int, IndexedEvent] = {}
        if event.time is not None:
            near.update((id(e), e) for e in self._near_in_time(event.time))
        if event.name:
            near.update((id(e), e) for e in self._by_name.get(event.name.lower(), ()))
        return [e for e in near.values() if e.article_id != event.article_id and same_event(event, e)]


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
        pairs = sorted(((match_score(v, c), v.ref, c) for v in mine for c in self.index.candidates(v)),
                       key=lambda p: (-p[0], p[1], p[2].ref))
        taken: set[tuple[str, str]] = set()
        for _, ref, cand in pairs:
            if (ref, cand.article_id) in taken or (cand.ref, article_id) in taken:
                continue
            taken.add((ref, cand.article_id))
            taken.add((cand.ref, article_id))
            links[ref].append(cand.ref)
        self.index.replace_article(article_id, mine)
        return {ref: sorted(refs) for ref, refs in links.items()}


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
