"""Cross-article fusion on plain values: which reports are one event and which stay apart."""
from datetime import date
from itertools import permutations

from kg.model import Article, Entity, EventFrame, Extraction, TimeValue
from kg.rdf.iris import IriMinter
from kg.rdf.mapping import ArticleMapper
from kg.rdf.readback import load_event_index
from kg.resolve.clusters import read_index_links, read_stored_links
from kg.resolve.fusion import EventFuser, EventIndex, IndexedEvent, days_apart, indexed, same_event
from kg.store.oxigraph import OxigraphStore

ENTITIES = {
    "peshmerga": Entity("peshmerga", "actor", "RegionalForce", "Peshmerga"),
    "islamic_state": Entity("islamic_state", "actor", "NonStateArmedGroup", "Islamic State"),
    "turkish_armed_forces": Entity("turkish_armed_forces", "actor", "StateForce", "Turkish Armed Forces"),
    "pkk": Entity("pkk", "actor", "NonStateArmedGroup", "PKK"),
    "hamrin": Entity("hamrin", "place", "TerrainFeature", "Hamrin Mountains", lat=34.5, lon=44.4),
    "tuz": Entity("tuz", "place", "Settlement", "Tuz Khurmatu", lat=34.88, lon=44.63),
    "near_hamrin": Entity("near_hamrin", "place", "Settlement", "a village by Hamrin", lat=34.55, lon=44.45),
    "qandil": Entity("qandil", "place", "TerrainFeature", "Qandil Mountains", lat=36.4, lon=45.1),
    # invented places: a province, a town in it, a hamlet known only as "near the town"
    "saladin_province": Entity("saladin_province", "place", "AdminRegion", "Saladin Province",
                               lat=34.6, lon=43.7, precision_km=60.0),
    "amirli_town": Entity("amirli_town", "place", "Settlement", "Amirli", lat=34.72, lon=44.58,
                          precision_km=5.0, within="saladin_province"),
    "hamlet_by_amirli": Entity("hamlet_by_amirli", "place", "Settlement", "a hamlet", within="amirli_town"),
    "dohuk_town": Entity("dohuk_town", "place", "Settlement", "Dohuk", lat=36.87, lon=42.99, precision_km=5.0),
    # a ridge whose coordinates are good to 20 km, and a town 33 km from its centre
    "hamrin_ridge": Entity("hamrin_ridge", "place", "TerrainFeature", "Hamrin ridge", lat=34.5, lon=44.4,
                           precision_km=20.0),
    "hill_town": Entity("hill_town", "place", "Settlement", "Hill Town", lat=34.8, lon=44.4, precision_km=5.0),
    "iraqi_security_forces": Entity("iraqi_security_forces", "actor", "StateForce", "Iraqi Security Forces"),
    "iraqi_army": Entity("iraqi_army", "actor", "StateForce", "Iraqi Army", parent="iraqi_security_forces"),
    "shepherds": Entity("shepherds", "actor", "CivilianGroup", "shepherds"),
    "counter_terrorism_unit": Entity("counter_terrorism_unit", "actor", "StateForce", "Counter-Terrorism Unit",
                                     parent="iraqi_security_forces"),
    "big_city": Entity("big_city", "place", "Settlement", "Big City", lat=36.3, lon=43.1, precision_km=5.0),
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


def test_an_undated_report_is_not_fused_with_a_dated_one():
    fuser = EventFuser()
    fuser.fuse(article("a1", ev("e1", "Attack", None, ["hamrin"], ["islamic_state"])))
    b = fuser.fuse(article("b1", ev("e1", "Attack", date(2021, 3, 9), ["hamrin"], ["islamic_state"])))
    assert b.events[0].same_as == []


def test_two_undated_reports_at_one_scene_are_fused():
    """Undated articles: the hamlet lies by the town, same type and party."""
    fuser = EventFuser()
    fuser.fuse(article("a1", ev("e1", "Kidnapping", None, ["hamlet_by_amirli"], ["islamic_state"], ["shepherds"])))
    b = fuser.fuse(article("b1", ev("e1", "Kidnapping", None, ["amirli_town"], ["islamic_state"], ["shepherds"]),
                           ev("e2", "Attack", None, ["amirli_town"], ["islamic_state"])))
    far = fuser.fuse(article("c1", ev("e1", "Kidnapping", None, ["dohuk_town"], ["islamic_state"])))
    assert [e.same_as for e in b.events] == [["a1-e1"], []]      # the attack is not the kidnapping
    assert far.events[0].same_as == []


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


def test_a_replaced_or_removed_article_leaves_no_rows_in_the_index():
    """Its scene and bucket rows are found again from its filed views (no index by ref): a
    re-ingested report is not found at its old scene, a removed one leaves nothing behind."""
    index = EventIndex()
    views = [IndexedEvent(ref="a1-e1", article_id="a1", type="Airstrike", time=TimeValue(date(2021, 3, 9), "day"),
                          places={"qandil", "x"}, points=[(36.4, 45.1, 5.0), (36.5, 45.2, 25.5)], parties={"pkk"},
                          name="Operation Claw", regions={"duhok_governorate"}, enclosing={"kurdistan_region"}),
             IndexedEvent(ref="a1-e2", article_id="a1", type="Kidnapping", time=None, places={"tuz"}, weekday=3),
             IndexedEvent(ref="a1-e3", article_id="a1", type="Attack", time=TimeValue(date(2016, 10, 1), "month"),
                          regions={"nineveh_governorate"}, name="Mosul offensive")]
    rows = "SELECT (SELECT count(*) FROM scene) + (SELECT count(*) FROM bucket)"
    index.replace_article("a1", views, {"a1-e1": ["b1-e1"]})
    assert index._db.execute(rows).fetchone()[0] > 0
    moved = IndexedEvent(ref="a1-e1", article_id="a1", type="Airstrike", time=TimeValue(date(2021, 3, 9), "day"),
                         places={"hamrin"}, parties={"pkk"})
    index.replace_article("a1", [moved])
    looking = IndexedEvent(ref="b1-e1", article_id="b1", type="Airstrike", time=TimeValue(date(2021, 3, 9), "day"),
                           places={"qandil"}, parties={"pkk"})
    assert index.nearby(looking) == []
    assert [v.ref for v in index.nearby(IndexedEvent(ref="b1-e1", article_id="b1", type="Airstrike",
                                                     time=looking.time, places={"hamrin"}))] == ["a1-e1"]
    index.remove_article("a1")
    assert index._db.execute(rows).fetchone()[0] == 0
    assert list(index.link_rows()) == [] and len(index) == 0


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


def campaign(eid: str, day: date | None, agents: list[str], targets: list[str] = ("islamic_state",),
             precision: str = "day") -> EventFrame:
    e = ev(eid, "GroundOperation", day, ["big_city"], agents, targets, precision)
    e.name = "Big City offensive"
    return e


def test_reports_of_one_campaign_for_a_city_are_one_event_across_weeks():
    fuser = EventFuser()
    fuser.fuse(article("a1", campaign("e1", date(2016, 10, 17), ["iraqi_army"])))
    # told weeks on, by its spearhead (of the same security forces), dated by its age
    later = campaign("e2", date(2016, 11, 1), ["counter_terrorism_unit"], precision="month")
    assert fuser.fuse(article("b1", later)).events[0].same_as == ["a1-e1"]
    # an undated report of it too
    undated = campaign("e1", None, ["iraqi_security_forces"], [])
    assert fuser.fuse(article("c1", undated)).events[0].same_as == ["a1-e1", "b1-e2"]


def test_campaigns_for_one_city_by_other_sides_or_far_apart_stay_apart():
    fuser = EventFuser()
    fuser.fuse(article("a1", campaign("e1", date(2016, 10, 17), ["iraqi_army"])))
    # the other side's offensive on the city, the same month
    theirs = campaign("e1", date(2016, 10, 20), ["islamic_state"], ["iraqi_army"])
    assert fuser.fuse(article("b1", theirs)).events[0].same_as == []
    # the same forces' offensive on the city three months later
    next_year = campaign("e1", date(2017, 1, 20), ["iraqi_army"])
    assert fuser.fuse(article("c1", next_year)).events[0].same_as == []
    # an operation in the city with no campaign name is fused by date, place and party only
    raid = ev("e1", "GroundOperation", date(2016, 12, 20), ["big_city"], ["iraqi_army"])
    assert fuser.fuse(article("d1", raid)).events[0].same_as == []


def test_a_place_inside_the_other_is_the_same_scene():
    """Two days apart is only allowed at the same scene: the hamlet lies within the town."""
    fuser = EventFuser()
    fuser.fuse(article("a1", ev("e1", "Clash", date(2022, 5, 1), ["hamlet_by_amirli"], ["peshmerga"], ["islamic_state"])))
    b = fuser.fuse(article("b1", ev("e1", "Clash", date(2022, 5, 3), ["amirli_town"], ["islamic_state"])))
    assert b.events[0].same_as == ["a1-e1"]


def test_a_report_known_only_by_its_province():
    fuser = EventFuser()
    fuser.fuse(article("a1", ev("e1", "Attack", date(2022, 5, 1), ["amirli_town"], ["islamic_state"], ["iraqi_army"])))
    inside = fuser.fuse(article("b1", ev("e1", "Attack", date(2022, 5, 1), ["saladin_province"], ["islamic_state"])))
    outside = fuser.fuse(article("c1", ev("e1", "Attack", date(2022, 5, 1), ["saladin_province"], ["islamic_state"]),
                                 ev("e2", "Attack", date(2022, 5, 1), ["dohuk_town"], ["islamic_state"])))
    assert inside.events[0].same_as == ["a1-e1"]
    # c1-e1 is a third report of it; c1-e2 names a town outside the province and is another event
    assert outside.events[0].same_as == ["a1-e1", "b1-e1"]
    assert outside.events[1].same_as == []


def test_distance_allows_for_each_places_precision():
    fuser = EventFuser()
    fuser.fuse(article("a1", ev("e1", "Airstrike", date(2021, 3, 9), ["hamrin_ridge"], ["turkish_armed_forces"])))
    fuser.fuse(article("a2", ev("e1", "Airstrike", date(2021, 4, 9), ["hamrin"], ["turkish_armed_forces"])))
    ridge = fuser.fuse(article("b1", ev("e1", "Airstrike", date(2021, 3, 9), ["hill_town"], ["turkish_armed_forces"])))
    town = fuser.fuse(article("b2", ev("e1", "Airstrike", date(2021, 4, 9), ["hill_town"], ["turkish_armed_forces"])))
    assert ridge.events[0].same_as == ["a1-e1"]     # 33 km from a ridge located to 20 km
    assert town.events[0].same_as == []             # 33 km from a place located to a few km


def test_parent_organisations_count_as_a_shared_party():
    fuser = EventFuser()
    fuser.fuse(article("a1", ev("e1", "Raid", date(2021, 6, 2), ["tuz"], ["iraqi_army"])))
    b = fuser.fuse(article("b1", ev("e1", "GroundOperation", date(2021, 6, 2), ["tuz"], ["iraqi_security_forces"])))
    assert b.events[0].same_as == ["a1-e1"]


def test_compatible_type_families_fuse_and_others_do_not():
    fuser = EventFuser()
    fuser.fuse(article("a1", ev("e1", "DroneStrike", date(2021, 6, 2), ["qandil"], ["turkish_armed_forces"], ["pkk"])))
    shelled = fuser.fuse(article("b1", ev("e1", "Shelling", date(2021, 6, 2), ["qandil"], ["turkish_armed_forces"])))
    arrest = fuser.fuse(article("c1", ev("e1", "Arrest", date(2021, 6, 2), ["qandil"], ["turkish_armed_forces"])))
    assert shelled.events[0].same_as == ["a1-e1"]
    assert arrest.events[0].same_as == []


def test_date_spans_widen_with_precision():
    assert days_apart(TimeValue(date(2022, 3, 9)), TimeValue(date(2022, 3, 1), "month")) == 0
    assert days_apart(TimeValue(date(2022, 2, 1), "month"), TimeValue(date(2022, 3, 1), "month")) == 1
    fuser = EventFuser()
    fuser.fuse(article("a1", ev("e1", "Attack", date(2022, 3, 9), ["tuz"], ["islamic_state"])))
    month = fuser.fuse(article("b1", ev("e1", "Attack", date(2022, 3, 1), ["tuz"], ["islamic_state"], precision="month")))
    feb = fuser.fuse(article("c1", ev("e1", "Attack", date(2022, 2, 1), ["tuz"], ["islamic_state"], precision="month")))
    assert month.events[0].same_as == ["a1-e1"]
    assert feb.events[0].same_as == []              # "in February" is neither 9 March nor "in March"


def test_an_episode_named_after_its_operation_is_not_the_operation():
    """One article names the operation (begun in January) and a capture weeks into it."""
    fuser = EventFuser()
    start = ev("e1", "GroundOperation", date(2018, 1, 20), ["hamrin"], ["turkish_armed_forces"])
    episode = ev("e2", "GroundOperation", date(2018, 2, 9), ["hamrin"], ["turkish_armed_forces"], ["pkk"])
    start.name = episode.name = "Operation Invented Shield"
    fuser.fuse(article("a1", episode, start))
    later = ev("e1", "GroundOperation", date(2018, 2, 20), ["tuz"], ["turkish_armed_forces"])
    later.name = "Operation Invented Shield"
    b = fuser.fuse(article("b1", later, ev("e2", "GroundOperation", date(2018, 2, 9), ["hamrin"], ["pkk"])))
    assert [e.same_as for e in b.events] == [["a1-e1"], ["a1-e2"]]


ORDER_FIXTURE = [
    article("a1", ev("e1", "Attack", date(2022, 1, 20), ["tuz"], ["islamic_state"]),
            ev("e2", "Clash", date(2022, 1, 22), ["tuz"], ["peshmerga"], ["islamic_state"])),
    article("b1", ev("e1", "Clash", date(2022, 1, 21), ["tuz"], ["peshmerga"], ["islamic_state"]),
            ev("e2", "Attack", date(2022, 1, 20), ["tuz"], ["islamic_state"])),
    article("c1", ev("e1", "Ambush", date(2022, 1, 21), ["tuz"], ["islamic_state"])),
    article("d1", ev("e1", "Kidnapping", None, ["hamlet_by_amirli"], ["islamic_state"]),
            ev("e2", "Airstrike", date(2022, 1, 10), ["qandil"], ["turkish_armed_forces"])),
    article("e1", ev("e1", "Kidnapping", None, ["amirli_town"], ["islamic_state"]),
            ev("e2", "Airstrike", date(2022, 1, 17), ["qandil"], ["turkish_armed_forces"])),
]


def _link_pairs(extractions: list[Extraction]) -> set[frozenset[str]]:
    fuser = EventFuser()
    pairs = set()
    for ex in extractions:
        fused = fuser.fuse(Extraction(article=ex.article, entities=ex.entities,
                                      events=[EventFrame(**{**e.__dict__, "same_as": []}) for e in ex.events]))
        pairs |= {frozenset((f"{ex.article.id}-{e.id}", o)) for e in fused.events for o in e.same_as}
    return pairs


def test_links_do_not_depend_on_the_order_articles_arrive_in():
    results = {frozenset(_link_pairs(list(order))) for order in permutations(ORDER_FIXTURE)}
    assert len(results) == 1
    pairs = next(iter(results))
    assert frozenset(("d1-e1", "e1-e1")) in pairs                     # undated, one scene
    assert not any("d1-e2" in p or "e1-e2" in p for p in pairs)       # strikes a week apart
    # one to one per article pair: every event links at most once into each other article
    for ref in {r for p in pairs for r in p}:
        others = [o.rsplit("-", 1)[0] for p in pairs if ref in p for o in p if o != ref]
        assert len(others) == len(set(others))


def test_the_index_read_back_from_the_store_is_the_one_extraction_gave(tmp_path):
    """A later build fuses against stored events exactly as this build would have."""
    store = OxigraphStore()
    minter = IriMinter("https://example.invalid/kg/")
    mapper = ArticleMapper(minter)
    fuser = EventFuser()
    views = {}
    for ex in ORDER_FIXTURE[:2] + ORDER_FIXTURE[3:]:
        fused = fuser.fuse(ex)
        views.update((v.ref, v) for v in indexed(fused))
        store.replace_article(minter.article_graph(ex.article.id), minter.article(ex.article.id),
                              mapper.article_quads(fused))
    named = ev("e1", "GroundOperation", date(2018, 1, 20), ["saladin_province"], ["iraqi_army"])
    named.name = "Operation Invented Shield"
    undated = ev("e1", "Kidnapping", None, ["hamlet_by_amirli"], ["islamic_state"])
    undated.evidence = "Herders were taken near the hamlet on Thursday."
    for ex in (article("f1", named), article("g1", undated)):
        views.update((v.ref, v) for v in indexed(ex))
        store.replace_article(minter.article_graph(ex.article.id), minter.article(ex.article.id),
                              mapper.article_quads(ex))
    index = load_event_index(store, minter.prefix("event"), minter.prefix("place"), minter.prefix("actor"))
    read = {v.ref: v for v in index.events()}
    assert read == views
    assert read["d1-e1"].enclosing == {"amirli_town"}     # the hamlet's container, as stated
    assert read["f1-e1"].allies == {"iraqi_security_forces"}
    assert read["f1-e1"].side == {"iraqi_army", "iraqi_security_forces"}     # its agent, with its parent
    assert read["g1-e1"].weekday == 3
    # the links each article graph states come back too: the fusion graph made from either
    # index is the one made from the store's own owl:sameAs triples
    assert sorted(index.link_rows()) == sorted(fuser.index.link_rows()) and list(index.link_rows())
    from_store, from_index = read_stored_links(store, minter), read_index_links(index, minter)
    def held(links):
        return links.reports.names.tolist(), links.strength.tolist(), links.a.tolist(), links.b.tolist()
    assert held(from_index) == held(from_store) and from_index.a.tolist()


def test_the_town_a_village_is_said_to_be_in_is_not_the_scene():
    """'Shelling of village A in the town's countryside' and of village B: two scenes."""
    village_a = Entity("village_a", "place", "Settlement", "Village A", within="amirli_town")
    village_b = Entity("village_b", "place", "Settlement", "Village B", within="amirli_town")
    def shelled(aid, village):
        ex = article(aid, ev("e1", "Shelling", date(2020, 5, 2), [village.key, "amirli_town"], ["islamic_state"]))
        ex.entities[village.key] = village
        return ex
    fuser = EventFuser()
    fuser.fuse(shelled("a1", village_a))
    other = fuser.fuse(shelled("b1", village_b))
    again = fuser.fuse(shelled("c1", village_a))
    assert other.events[0].same_as == []
    assert again.events[0].same_as == ["a1-e1"]
    assert indexed(again)[0].places == {"village_a"}


def test_a_strike_is_over_in_a_day_fighting_goes_on():
    fuser = EventFuser()
    fuser.fuse(article("a1", ev("e1", "Shelling", date(2020, 5, 1), ["tuz"], ["islamic_state"]),
                       ev("e2", "Clash", date(2020, 5, 1), ["hamrin"], ["peshmerga"], ["islamic_state"])))
    b = fuser.fuse(article("b1", ev("e1", "Shelling", date(2020, 5, 3), ["tuz"], ["islamic_state"]),
                           ev("e2", "Clash", date(2020, 5, 3), ["hamrin"], ["peshmerga"])))
    assert [e.same_as for e in b.events] == [[], ["a1-e2"]]


def _said(frame: EventFrame, sentence: str) -> EventFrame:
    frame.evidence = sentence
    return frame


def test_an_undated_report_joins_a_dated_one_of_the_weekday_it_names():
    """An undated article's 'on Thursday' cannot be resolved, but it must be a Thursday."""
    fuser = EventFuser()
    thursday, friday = date(2022, 4, 7), date(2022, 4, 8)
    fuser.fuse(article("a1", ev("e1", "Kidnapping", thursday, ["amirli_town"], ["islamic_state"])))
    fuser.fuse(article("a2", ev("e1", "Kidnapping", friday, ["amirli_town"], ["islamic_state"])))
    fuser.fuse(article("a3", ev("e1", "Kidnapping", date(2022, 4, 1), ["amirli_town"], ["islamic_state"],
                                precision="month")))
    b = fuser.fuse(article("b1", _said(ev("e1", "Kidnapping", None, ["hamlet_by_amirli"], ["islamic_state"]),
                                       "Gunmen took two herders near the hamlet on Thursday morning.")))
    c = fuser.fuse(article("c1", _said(ev("e1", "Kidnapping", None, ["hamlet_by_amirli"], ["islamic_state"]),
                                       "Gunmen took two herders near the hamlet on Sunday.")))
    assert b.events[0].same_as == ["a1-e1"]          # not Friday's, nor the one "in April"
    assert c.events[0].same_as == []                 # nor the undated one of another weekday
    assert indexed(b)[0].weekday == 3


def test_an_unlisted_village_placed_two_ways_is_one_scene():
    """Two undated reports of one kidnapping at a village the gazetteer lacks: one placed it by
    its district, the other by its province (real gazetteer keys, invented village)."""
    village_by_district = Entity("unlisted_iq_khirbat_umm_zaid_in_daquq_district", "place", "Settlement",
                                 "Khirbat Umm Zaid", within="daquq_district")
    village_by_province = Entity("unlisted_iq_khirbat_umm_zaid_in_kirkuk_governorate", "place", "Settlement",
                                 "Khirbat Umm Zaid", within="kirkuk_governorate")
    same_name_elsewhere = Entity("unlisted_iq_khirbat_umm_zaid_in_nineveh_governorate", "place", "Settlement",
                                 "Khirbat Umm Zaid", within="nineveh_governorate")

    def report(aid: str, village: Entity) -> Extraction:
        ex = article(aid, ev("e1", "Kidnapping", None, [village.key], ["islamic_state"], ["shepherds"]))
        ex.entities[village.key] = village
        return ex

    fuser = EventFuser()
    fuser.fuse(report("a1", village_by_district))
    assert fuser.fuse(report("b1", village_by_province)).events[0].same_as == ["a1-e1"]
    # a village of the same name in another province is another place
    assert fuser.fuse(report("c1", same_name_elsewhere)).events[0].same_as == []


def test_look_ups_are_by_date_and_scene_so_they_do_not_grow_with_the_corpus():
    """The index files a dated report under its date *and* its scene: a report on the same
    day far away is not even read."""
    fuser = EventFuser()
    entities = dict(ENTITIES)
    for n in range(40):         # strikes on the same day in forty far-away towns
        key = f"far_town_{n}"
        entities[key] = Entity(key, "place", "Settlement", f"Far Town {n}", lat=10.0 + n, lon=-20.0 - n, precision_km=5.0)
    for n in range(40):
        art = Article(id=f"far{n}", url=f"https://example.invalid/far{n}", title="", text="")
        fuser.fuse(Extraction(article=art, entities=entities, events=[
            ev("e1", "Airstrike", date(2021, 3, 9), [f"far_town_{n}"], ["turkish_armed_forces"], ["pkk"])]))
    fuser.fuse(article("a1", ev("e1", "Airstrike", date(2021, 3, 9), ["qandil"], ["turkish_armed_forces"], ["pkk"])))
    view = indexed(article("b1", ev("e1", "Airstrike", date(2021, 3, 9), ["qandil"], ["turkish_armed_forces"])))[0]
    assert [e.ref for e in fuser.index.nearby(view)] == ["a1-e1"]


def test_near_places_either_side_of_a_grid_line_are_found():
    entities = dict(ENTITIES)
    entities["north_of_line"] = Entity("north_of_line", "place", "Settlement", "North", lat=37.02, lon=43.99, precision_km=5.0)
    entities["south_of_line"] = Entity("south_of_line", "place", "Settlement", "South", lat=36.97, lon=44.03, precision_km=5.0)
    fuser = EventFuser()
    a = Article(id="n1", url="https://example.invalid/n1", title="", text="")
    b = Article(id="s1", url="https://example.invalid/s1", title="", text="")
    fuser.fuse(Extraction(article=a, entities=entities, events=[
        ev("e1", "Clash", date(2021, 3, 9), ["north_of_line"], ["peshmerga"], ["islamic_state"])]))
    out = fuser.fuse(Extraction(article=b, entities=entities, events=[
        ev("e1", "Clash", date(2021, 3, 9), ["south_of_line"], ["peshmerga"], ["islamic_state"])]))
    assert out.events[0].same_as == ["n1-e1"]


def test_a_report_dated_to_the_year_finds_the_days_of_every_month_and_the_slack_around_it():
    fuser = EventFuser()
    days = [date(2020, 12, 30), date(2021, 1, 1), date(2021, 6, 15), date(2021, 12, 31), date(2022, 1, 2),
            date(2020, 12, 29), date(2022, 1, 3)]           # the last two are beyond the slack
    for n, day in enumerate(days):
        fuser.fuse(article(f"d{n}", ev("e1", "Attack", day, ["tuz"], ["islamic_state"])))
    year = indexed(article("y1", ev("e1", "Attack", date(2021, 1, 1), ["tuz"], ["islamic_state"], precision="year")))[0]
    assert [e.ref for e in fuser.index.nearby(year)] == ["d0-e1", "d1-e1", "d2-e1", "d3-e1", "d4-e1"]
    month = indexed(article("m1", ev("e1", "Attack", date(2021, 6, 1), ["tuz"], ["islamic_state"], precision="month")))[0]
    assert [e.ref for e in fuser.index.nearby(month)] == ["d2-e1"]


def test_a_day_finds_the_stored_months_and_years_its_slack_reaches_into():
    fuser = EventFuser()
    fuser.fuse(article("m1", ev("e1", "Attack", date(2021, 3, 1), ["tuz"], ["islamic_state"], precision="month")))
    fuser.fuse(article("y1", ev("e1", "Attack", date(2020, 1, 1), ["tuz"], ["islamic_state"], precision="year")))

    def near(day: date) -> list[str]:
        return [e.ref for e in fuser.index.nearby(indexed(article("d1", ev("e1", "Attack", day, ["tuz"],
                                                                           ["islamic_state"])))[0])]
    assert near(date(2021, 4, 2)) == ["m1-e1"]          # two days after the month's last
    assert near(date(2021, 2, 27)) == ["m1-e1"]         # two days before its first
    assert near(date(2021, 4, 3)) == []
    assert near(date(2021, 1, 2)) == ["y1-e1"]          # the year's slack reaches into the next
    assert near(date(2019, 12, 30)) == ["y1-e1"]
    assert near(date(2021, 1, 3)) == []


def test_the_events_of_an_article_are_looked_up_together_as_one_by_one():
    fuser = EventFuser()
    fuser.fuse(article("a1", ev("e1", "Attack", date(2021, 3, 9), ["tuz"], ["islamic_state"]),
                       ev("e2", "Airstrike", date(2021, 3, 10), ["qandil"], ["turkish_armed_forces"], ["pkk"])))
    fuser.fuse(article("b1", ev("e1", "Clash", date(2021, 3, 10), ["tuz"], ["islamic_state"], ["peshmerga"])))
    mine = indexed(article("c1", ev("e1", "Ambush", date(2021, 3, 9), ["tuz"], ["islamic_state"]),
                           ev("e2", "Airstrike", date(2021, 3, 11), ["qandil"], ["turkish_armed_forces"]),
                           ev("e3", "Attack", date(2021, 5, 1), ["hamrin"], ["pkk"])))
    together = [[e.ref for e in found] for found in fuser.index.nearby_each(mine)]
    assert together == [[e.ref for e in fuser.index.nearby(v)] for v in mine]
    assert together == [["a1-e1", "b1-e1"], ["a1-e2"], []]
    assert [[e.ref for e in found] for found in fuser.index.candidates_each(mine)] == [["a1-e1", "b1-e1"], ["a1-e2"], []]


def test_the_index_gives_back_each_view_as_it_was_filed():
    views = [IndexedEvent(ref="a1-e1", article_id="a1", type="Airstrike", time=TimeValue(date(2021, 3, 9), "month"),
                          places={"qandil", "x"}, points=[(36.4, 45.1, 5.0), (36.5, 45.2, 25.5)], parties={"pkk"},
                          name="Operation Claw", regions={"duhok_governorate"}, enclosing={"kurdistan_region"},
                          allies={"turkish_armed_forces"}, weekday=None),
             IndexedEvent(ref="a1-e2", article_id="a1", type="Kidnapping", time=None, weekday=3)]
    index = EventIndex()
    index.replace_article("a1", views)
    assert sorted(index.events(), key=lambda e: e.ref) == views


def test_a_campaigns_reports_are_looked_up_in_the_months_around_it_not_in_every_year():
    index = EventIndex()
    dated = campaign("e1", date(2016, 10, 17), ["iraqi_army"])
    years_before = campaign("e1", date(2012, 3, 2), ["iraqi_army"])
    undated = campaign("e1", None, ["iraqi_army"])
    for aid, e in (("a1", dated), ("b1", years_before), ("c1", undated)):
        index.replace_article(aid, indexed(article(aid, e)), [])
    months_later = indexed(article("d1", campaign("e1", date(2016, 12, 1), ["iraqi_army"])))[0]
    # the offensive of years before is not even read
    assert [v.ref for v in index.nearby(months_later)] == ["a1-e1", "c1-e1"]
    assert [v.ref for v in index.candidates(months_later)] == ["a1-e1", "c1-e1"]
    undated_lookup = indexed(article("e1", campaign("e1", None, ["iraqi_army"])))[0]
    assert [v.ref for v in index.nearby(undated_lookup)] == ["a1-e1", "b1-e1", "c1-e1"]


def test_a_point_asks_the_cells_its_near_reach_crosses_into_and_no_others():
    from kg.resolve.fusion import MAX_SCENE_PRECISION_KM, NEAR_KM, _cells
    reach = NEAR_KM + 0.0 + MAX_SCENE_PRECISION_KM     # a point of exact coordinates
    # in the middle of its cell: nothing within reach lies beyond it
    assert set(_cells(36.5, 44.5, reach)) == {"g36:44"}
    # by a corner: the three cells across it too
    assert set(_cells(36.95, 44.97, reach)) == {"g36:44", "g36:45", "g37:44", "g37:45"}
    # by the antimeridian: columns wrap
    assert set(_cells(10.5, -179.9)) < set(_cells(10.5, 179.9, reach))
    # and a point just across a cell's edge, as close as "near" allows, is found from it
    assert set(_cells(37.02, 44.5)) <= set(_cells(36.99, 44.5, reach))


def test_a_towns_look_up_asks_its_province_for_province_wide_reports_not_for_every_town_in_it():
    """Scene keys say what a place is to a report: a report from a town finds the reports
    placed only at its province and those within the town, but not a report of the same day
    from another, distant town of the province (which could never agree with it on place);
    a report naming only the province finds the towns' reports within it."""
    entities = dict(ENTITIES)
    entities["far_saladin_town"] = Entity("far_saladin_town", "place", "Settlement", "Far Town", lat=34.0, lon=43.0,
                                          precision_km=5.0, within="saladin_province")
    fuser = EventFuser()

    def store(aid: str, place: str) -> None:
        art = Article(id=aid, url=f"https://example.invalid/{aid}", title="", text="")
        fuser.fuse(Extraction(article=art, entities=entities, events=[
            ev("e1", "Attack", date(2021, 3, 9), [place], ["islamic_state"], ["iraqi_army"])]))

    store("far", "far_saladin_town")
    store("wide", "saladin_province")
    store("hamlet", "hamlet_by_amirli")

    def near(place: str) -> list[str]:
        art = Article(id="look", url="https://example.invalid/look", title="", text="")
        view = indexed(Extraction(article=art, entities=entities, events=[
            ev("e1", "Attack", date(2021, 3, 9), [place], ["islamic_state"])]))[0]
        return [e.ref for e in fuser.index.nearby(view)]

    assert near("amirli_town") == ["hamlet-e1", "wide-e1"]
    assert near("saladin_province") == ["far-e1", "wide-e1"]      # (the hamlet's chain is not known to reach it)
