"""Cross-article fusion on plain values: which reports are one event and which stay apart."""
from datetime import date

from kg.model import Article, Entity, EventFrame, Extraction, TimeValue
from kg.resolve.fusion import EventFuser, EventIndex, IndexedEvent, indexed, same_event

ENTITIES = {
    "peshmerga": Entity("peshmerga", "actor", "RegionalForce", "Peshmerga"),
    "islamic_state": Entity("islamic_state", "actor", "NonStateArmedGroup", "Islamic State"),
    "turkish_armed_forces": Entity("turkish_armed_forces", "actor", "StateForce", "Turkish Armed Forces"),
    "pkk": Entity("pkk", "actor", "NonStateArmedGroup", "PKK"),
    "hamrin": Entity("hamrin", "place", "TerrainFeature", "Hamrin Mountains", lat=34.5, lon=44.4),
    "tuz": Entity("tuz", "place", "Settlement", "Tuz Khurmatu", lat=34.88, lon=44.63),
    "near_hamrin": Entity("near_hamrin", "place", "Settlement", "a village by Hamrin", lat=34.55, lon=44.45),
    "qandil": Entity("qandil", "place", "TerrainFeature", "Qandil Mountains", lat=36.4, lon=45.1),
}


def article(aid: str, *events: EventFrame) -> Extraction:
    art = Article(id=aid, url=f"https://example.invalid/{aid}", title="", text="")
    return Extraction(article=art, entities=dict(ENTITIES), events=list(events))


def ev(eid: str, type_: str, day: date | None, places: list[str], agents: list[str], targets: list[str] = (),
       precision: str = "day") -> EventFrame:
    return EventFrame(id=eid, type=type_, trigger="", sentence=0, evidence="", agents=list(agents),
                      targets=list(targets), places=places, time=TimeValue(day, precision) if day else None)


def test_two_outlets_one_operation_are_linked():
    fuser = EventFuser()
    fuser.fuse(article("a1", ev("e1", "GroundOperation", date(2021, 3, 9), ["hamrin"], ["peshmerga"], ["islamic_state"])))
    b = fuser.fuse(article("b1", ev("e1", "Raid", date(2021, 3, 10), ["hamrin"], ["peshmerga"])))
    assert b.events[0].same_as == ["a1-e1"]


def test_nearby_place_same_day_links():
    fuser = EventFuser()
    fuser.fuse(article("a1", ev("e1", "Attack", date(2021, 3, 9), ["hamrin"], ["islamic_state"])))
    b = fuser.fuse(article("b1", ev("e1", "Ambush", date(2021, 3, 9), ["near_hamrin"], ["islamic_state"])))
    assert b.events[0].same_as == ["a1-e1"]


def test_a_week_apart_on_the_same_mountain_stay_apart():
    fuser = EventFuser()
    fuser.fuse(article("a1", ev("e1", "Airstrike", date(2021, 3, 1), ["qandil"], ["turkish_armed_forces"], ["pkk"])))
    b = fuser.fuse(article("b1", ev("e1", "Airstrike", date(2021, 3, 8), ["qandil"], ["turkish_armed_forces"], ["pkk"])))
    assert b.events[0].same_as == []


def test_far_apart_or_other_parties_or_types_stay_apart():
    base = ev("e1", "Attack", date(2021, 3, 9), ["hamrin"], ["islamic_state"], ["peshmerga"])
    fuser = EventFuser()
    fuser.fuse(article("a1", base))
    far = fuser.fuse(article("b1", ev("e1", "Attack", date(2021, 3, 9), ["qandil"], ["islamic_state"])))
    other = fuser.fuse(article("c1", ev("e1", "Attack", date(2021, 3, 9), ["hamrin"], ["pkk"])))
    kind = fuser.fuse(article("d1", ev("e1", "Kidnapping", date(2021, 3, 9), ["hamrin"], ["islamic_state"])))
    assert far.events[0].same_as == other.events[0].same_as == kind.events[0].same_as == []


def test_undated_reports_are_not_fused():
    fuser = EventFuser()
    fuser.fuse(article("a1", ev("e1", "Attack", None, ["hamrin"], ["islamic_state"])))
    b = fuser.fuse(article("b1", ev("e1", "Attack", date(2021, 3, 9), ["hamrin"], ["islamic_state"])))
    assert b.events[0].same_as == []


def test_one_to_one_between_two_articles():
    """An attack and the clashes two days later, both in two reports: each to its counterpart."""
    fuser = EventFuser()
    fuser.fuse(article("a1", ev("e1", "Attack", date(2022, 1, 20), ["tuz"], ["islamic_state"]),
                       ev("e2", "Clash", date(2022, 1, 22), ["tuz"], ["peshmerga"], ["islamic_state"])))
    b = fuser.fuse(article("b1", ev("e1", "Clash", date(2022, 1, 22), ["tuz"], ["peshmerga"], ["islamic_state"]),
                           ev("e2", "Attack", date(2022, 1, 20), ["tuz"], ["islamic_state"])))
    assert [e.same_as for e in b.events] == [["a1-e2"], ["a1-e1"]]


def test_every_earlier_report_is_linked_and_order_does_not_matter():
    reports = [article(a, ev("e1", "GroundOperation", date(2021, 3, 9), ["hamrin"], ["peshmerga"])) for a in ("a1", "b1", "c1")]
    fuser = EventFuser()
    links = [fuser.fuse(r).events[0].same_as for r in reports]
    assert links == [[], ["a1-e1"], ["a1-e1", "b1-e1"]]
    pairs = {frozenset((r.article.id + "-e1", o)) for r, l in zip(reports, links) for o in l}
    assert len(pairs) == 3


def test_reingested_article_replaces_its_index_entries():
    index = EventIndex()
    fuser = EventFuser(index)
    fuser.fuse(article("a1", ev("e1", "Attack", date(2021, 3, 9), ["hamrin"], ["islamic_state"])))
    fuser.fuse(article("a1", ev("e1", "Attack", date(2021, 4, 9), ["qandil"], ["pkk"])))
    assert len(index) == 1
    index.remove_article("a1")
    assert len(index) == 0


def test_same_event_needs_a_shared_party():
    a = IndexedEvent("a-e1", "a", "Attack", TimeValue(date(2021, 1, 1)), {"tuz"}, [], {"islamic_state"})
    b = IndexedEvent("b-e1", "b", "Attack", TimeValue(date(2021, 1, 1)), {"tuz"}, [], set())
    assert not same_event(a, b)
    assert indexed(article("x", ev("e1", "Attack", date(2021, 1, 1), ["tuz"], ["islamic_state"])))[0].places == {"tuz"}


def test_a_named_operation_is_one_event_across_weeks():
    fuser = EventFuser()
    a = ev("e1", "GroundOperation", date(2018, 1, 20), ["hamrin"], ["turkish_armed_forces"])
    a.name = "Operation Olive Branch"
    fuser.fuse(article("a1", a))
    b = ev("e1", "GroundOperation", date(2018, 2, 9), [], [])
    b.name = "Operation Olive Branch"
    assert fuser.fuse(article("b1", b)).events[0].same_as == ["a1-e1"]
