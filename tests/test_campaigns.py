"""Campaigns for a city: named, placed and dated from the mention, kept apart from their actions."""
from datetime import date

import pytest

from kg.extract import Extractor
from kg.extract.campaigns import campaign_city, campaign_start
from kg.model import Article, TimeValue

CITIES = {"raqqa", "mosul"}


def city_of(text: str, trigger: str, places: dict[str, str], focal: str | None = "mosul") -> str | None:
    """campaign_city on a sentence, with its place mentions given by name -> key."""
    at = text.index(trigger)
    spans = [(text.index(name), text.index(name) + len(name), key) for name, key in places.items()]
    return campaign_city(text, at, at + len(trigger), trigger, sorted(spans), lambda k: k in CITIES, lambda: focal)


@pytest.mark.parametrize("text, trigger, places, city", [
    ("Kurdish-led fighters pressed on with the offensive on Raqqa.", "offensive", {"Raqqa": "raqqa"}, "raqqa"),
    ("The battle for Raqqa entered its third week.", "battle", {"Raqqa": "raqqa"}, "raqqa"),
    ("Supplies ran short as the Mosul offensive dragged on.", "offensive", {"Mosul": "mosul"}, "mosul"),
    ("Troops started a new operation aimed at recapturing Mosul.", "started a new operation",
     {"Mosul": "mosul"}, "mosul"),
    ("Army units launched an operation aimed at driving the group out of the northern city.",
     "launched an operation", {}, "mosul"),
    ("Engineers have led the two-month-old offensive against the group in the city.", "offensive", {}, "mosul"),
    # an operation with no capture purpose may be a raid; a village or a river is not a city
    ("Police carried out an operation in Mosul on Monday.", "carried out an operation", {"Mosul": "mosul"}, None),
    ("The offensive on Kafr Nabudah stalled.", "offensive", {"Kafr Nabudah": "kafr_nabudah"}, None),
    # a city the objective is only near, or around
    ("The army pressed its offensive in the area near Raqqa.", "offensive", {"Raqqa": "raqqa"}, None),
    ("Troops waged an offensive south of the city of Raqqa.", "offensive", {"Raqqa": "raqqa"}, None),
    ("Jets backed the offensive on the edges of the city.", "offensive", {}, None),
    # the objective is in the trigger's clause, not in the next one
    ("The offensive stalled, and aid reached Raqqa.", "offensive", {"Raqqa": "raqqa"}, None),
    # not a campaign word
    ("Jets struck Raqqa overnight.", "struck", {"Raqqa": "raqqa"}, None),
])
def test_the_city_a_campaign_is_for(text, trigger, places, city):
    assert city_of(text, trigger, places) == city


def test_the_city_of_the_article_stands_for_the_city_only_when_the_article_has_one():
    text = "Engineers have led the offensive against the group in the city."
    assert city_of(text, "offensive", {}, focal=None) is None


@pytest.mark.parametrize("before, published, start", [
    ("has led the three-month-old ground ", date(2017, 1, 18), TimeValue(date(2016, 10, 1), "month")),
    ("the 10-day-old ", date(2017, 1, 18), TimeValue(date(2017, 1, 8), "day")),
    ("a two-week-old ground ", date(2017, 1, 18), TimeValue(date(2017, 1, 4), "day")),
    ("the year-old ", date(2017, 1, 18), None),          # no number: no age
    ("the one-year-old ", date(2017, 1, 18), TimeValue(date(2016, 1, 1), "year")),
    ("the three-month-old ", None, None),                # no publication date to count from
    ("the long ", date(2017, 1, 18), None),
])
def test_a_campaigns_age_dates_its_start(before, published, start):
    assert campaign_start(before, published) == start


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def test_a_campaign_told_after_one_of_its_actions_is_an_event_of_its_own(extractor):
    text = ("Iraqi special forces recaptured the last districts of eastern Mosul from Islamic State on "
            "Tuesday, their commander said. "
            "The Counter-Terrorism Service has led the two-month-old offensive against the group in the "
            "northern city since it began.")
    ex = extractor.extract(Article(id="c1", url="https://example.invalid/c1", title="", text=text,
                                   published=date(2017, 1, 18)))
    ops = [e for e in ex.events if e.type == "GroundOperation"]
    assert len(ops) == 2, [(e.trigger, e.name) for e in ex.events]
    action, offensive = ops
    assert offensive.name == "Mosul offensive" and action.name is None
    assert offensive.places[0] == "mosul"
    assert offensive.time == TimeValue(date(2016, 11, 1), "month")
    assert action.part_of == offensive.id
    assert action.places == ["east_mosul"]                       # "eastern Mosul", lowercase


def test_a_look_back_at_the_campaign_merges_into_it(extractor):
    text = ("Syrian Democratic Forces launched an offensive to capture Raqqa from Islamic State on Tuesday. "
            "The offensive is backed by coalition jets.")
    ex = extractor.extract(Article(id="c2", url="https://example.invalid/c2", title="", text=text,
                                   published=date(2017, 6, 7)))
    ops = [e for e in ex.events if e.type == "GroundOperation"]
    assert len(ops) == 1 and ops[0].name == "Raqqa offensive"
    assert ops[0].time == TimeValue(date(2017, 6, 6), "day")
