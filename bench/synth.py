"""Synthetic news articles for the scaling benchmark: varied, deterministic, written here.

Events are drawn from a pool (type, date, place, parties, toll), and several outlets report
each one in their own words, as happens in real coverage: so fusion has work to do, the store
holds many graphs describing one event, and the vocabulary grows with the corpus the way
real news does (new places, new people, new numbers). Names come from the package's own
registries (kg/data), so extraction finds what it would find in real reporting; the sentences
are templates written for this benchmark.
"""
from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "kg" / "data"
COUNTRIES = ("IQ", "SY", "TR", "SO", "YE", "NG", "BF", "AF", "LY", "UA", "ML")
FIRST_DAY = date(2014, 1, 1)
DAYS = 10 * 365

_FIRST_NAMES = ("Ahmed", "Omar", "Hassan", "Ali", "Mustafa", "Karim", "Yusuf", "Ibrahim", "Farhad",
                "Aram", "Dilshad", "Abdullahi", "Musa", "Halima", "Leyla", "Nadia", "Samir", "Tariq")
_LAST_NAMES = ("Hamid", "Salih", "Mahmoud", "Aziz", "Rahman", "Karimi", "Osman", "Barzani", "Jaf",
               "Warsame", "Abdi", "Nasser", "Haddad", "Qasim", "Yilmaz", "Demir", "Sow", "Traore")
_TITLES = ("spokesman", "spokesperson", "military spokesman", "local official", "police chief",
           "provincial governor", "security official", "commander")

# One template per way of telling an event; {agent}, {target}, {place}, {day}, {n}, {w} are filled in.
_EVENT_SENTENCES = {
    "Airstrike": ("{agent} warplanes carried out airstrikes on {target} positions near {place} {day}, killing {n} militants.",
                  "At least {n} people were killed when {agent} jets struck {place} {day}.",
                  "An air strike by {agent} hit a {target} convoy outside {place} {day}, leaving {n} dead and {w} wounded."),
    "DroneStrike": ("A drone strike by {agent} killed {n} members of {target} in {place} {day}.",
                    "{agent} said its drones struck {target} targets near {place} {day}, killing {n}."),
    "Shelling": ("{agent} shelled villages around {place} {day}, killing {n} civilians and wounding {w}.",
                 "Artillery fire from {agent} positions hit {place} {day}; {n} people died."),
    "GroundOperation": ("{agent} launched a ground operation against {target} in {place} {day}.",
                        "Backed by air support, {agent} began an offensive to drive {target} out of {place} {day}."),
    "Raid": ("{agent} raided a {target} hideout in {place} {day} and killed {n} suspects.",
             "In a night raid {day}, {agent} stormed houses in {place} held by {target}."),
    "Clash": ("Clashes broke out between {agent} and {target} near {place} {day}, leaving {n} fighters dead.",
              "Heavy fighting between {agent} and {target} in {place} {day} killed {n} and wounded {w}."),
    "Attack": ("{agent} attacked a {target} checkpoint in {place} {day}, killing {n} soldiers.",
               "Gunmen from {agent} attacked {target} positions near {place} {day}; {n} were killed."),
    "Ambush": ("{agent} ambushed a {target} patrol near {place} {day}, killing {n}.",),
    "Bombing": ("A roadside bomb planted by {agent} exploded near a {target} vehicle in {place} {day}, killing {n}.",
                "A car bomb claimed by {agent} went off in a market in {place} {day}, killing {n} and wounding {w}."),
    "Kidnapping": ("{agent} kidnapped {n} people from a village near {place} {day}.",),
    "Arrest": ("{agent} arrested {n} suspected members of {target} in {place} {day}.",),
}
_QUOTES = ("\"{line}\", {person}, a {title} of {org}, told reporters.",
           "{person}, {org} {title}, said the {kind} was carried out in response to earlier attacks.",
           "According to {org}, {n} people had been killed by the evening.",
           "A source in {org}, who asked not to be named, said the toll could rise.",
           "Witnesses in {place} said they heard loud explosions for several hours.",
           "{org} said in a statement that its forces had suffered no losses.")
_QUOTE_LINES = ("We will continue until the area is secure", "The situation is now under control",
                "Our forces responded to the source of fire", "Civilians were not targeted",
                "The operation achieved its goals")
_FILLER = (
    "The area has seen repeated fighting over the past year.",
    "Residents have been leaving the villages around the town since the spring.",
    "Humanitarian groups warned that thousands of families could be displaced.",
    "Roads leading to the district were closed for most of the day.",
    "The government has promised to rebuild schools and clinics damaged in earlier fighting.",
    "Local markets reopened after a week, although many shops stayed shut.",
    "Aid convoys have struggled to reach the region because of damaged bridges.",
    "Talks between the parties stalled last month without an agreement.",
    "Electricity and water supplies were cut in several neighbourhoods.",
    "The United Nations called on all sides to protect civilians.",
    "Farmers said they could not reach their fields because of the fighting.",
    "Prices of bread and fuel have risen sharply in recent weeks.",
    "Several families sought shelter in a school on the edge of the town.",
    "Officials said reinforcements had been sent to the front line.",
    "The region lies on an important supply route between the two provinces.",
    "Hospitals in the provincial capital reported a shortage of medicines.",
    "No group has so far commented on the reports.",
    "The incident comes days after a similar episode in a neighbouring district.",
    "Observers said the violence threatened a fragile truce agreed earlier in the year.",
    "Journalists were not allowed into the area, and the figures could not be verified independently.",
)
_HEADLINES = ("{agent} {verb} {target} in {place}", "{n} killed as {agent} {verb} {target} near {place}",
              "{place}: {kind} leaves {n} dead", "{agent} {verb} {target} positions in {place}")
_VERBS = {"Airstrike": "strikes", "DroneStrike": "hits", "Shelling": "shells", "GroundOperation": "moves against",
          "Raid": "raids", "Clash": "clashes with", "Attack": "attacks", "Ambush": "ambushes",
          "Bombing": "bombs", "Kidnapping": "abducts villagers from", "Arrest": "detains"}
_KIND_WORDS = {"Airstrike": "airstrike", "DroneStrike": "drone strike", "Shelling": "shelling",
               "GroundOperation": "operation", "Raid": "raid", "Clash": "fighting", "Attack": "attack",
               "Ambush": "ambush", "Bombing": "bombing", "Kidnapping": "kidnapping", "Arrest": "arrest campaign"}


@dataclass(frozen=True)
class _Event:
    type: str
    day: date
    place: str
    agent: str
    target: str
    killed: int
    wounded: int
    country: str


class Registry:
    """The names the generator draws from: actors, places and outlets per country."""

    def __init__(self, data: Path = DATA):
        actors = [a for f in sorted((data / "actors").glob("*.json")) for a in json.loads(f.read_text())]
        places = json.loads((data / "places.json").read_text())
        self.outlets = [o["label"] for o in json.loads((data / "outlets.json").read_text())]
        self.forces: dict[str, list[str]] = {}
        self.groups: dict[str, list[str]] = {}
        self.bodies: dict[str, list[str]] = {}
        self.places: dict[str, list[str]] = {}
        for a in actors:
            c = a.get("country")
            if a["kind"] in ("StateForce", "RegionalForce", "ParamilitaryForce"):
                self.forces.setdefault(c, []).append(a["label"])
            elif a["kind"] == "NonStateArmedGroup":
                self.groups.setdefault(c, []).append(a["label"])
            elif a["kind"] == "Organization":
                self.bodies.setdefault(c, []).append(a["label"])
        for p in places:
            if p["kind"] in ("Settlement", "TerrainFeature", "AdminRegion", "Facility"):
                self.places.setdefault(p["country"], []).append(p["label"])
        self.countries = [c for c in COUNTRIES if self.forces.get(c) and self.places.get(c)]


def articles(n: int, seed: int = 7, registry: Registry | None = None) -> Iterator[dict]:
    """``n`` news-please records, the same for the same ``n`` and ``seed``.

    Each event is reported by 1-4 articles of different outlets, within a few days of it.
    """
    reg = registry or Registry()
    rng = random.Random(seed)
    made = 0
    event_no = 0
    while made < n:
        event_no += 1
        ev = _event(rng, reg)
        for _ in range(min(rng.choice((1, 1, 2, 2, 3, 4)), n - made)):
            made += 1
            yield _article(rng, reg, ev, made, [_event(rng, reg, ev.country) for _ in range(rng.choice((0, 0, 1, 2)))])


def _event(rng: random.Random, reg: Registry, country: str | None = None) -> _Event:
    c = country or rng.choice(reg.countries)
    kind = rng.choice(list(_EVENT_SENTENCES))
    forces, groups = reg.forces[c], reg.groups.get(c) or reg.groups[None]
    agent, target = (rng.choice(forces), rng.choice(groups)) if rng.random() < 0.6 else (rng.choice(groups), rng.choice(forces))
    return _Event(kind, FIRST_DAY + timedelta(days=rng.randrange(DAYS)), rng.choice(reg.places[c]), agent, target,
                  rng.choice((0, 1, 2, 3, 4, 5, 7, 9, 12, 15, 20, 26, 40)), rng.randrange(0, 30), c)


def _day_words(rng: random.Random, day: date, published: date) -> str:
    if (published - day).days == 1 and rng.random() < 0.5:
        return "yesterday"
    return "on " + rng.choice((f"{day:%B} {day.day}", f"{day.day} {day:%B} {day.year}", f"{day:%A}"))


def _article(rng: random.Random, reg: Registry, ev: _Event, number: int, others: list[_Event]) -> dict:
    published = ev.day + timedelta(days=rng.choice((0, 1, 1, 2, 3)))
    outlet = rng.choice(reg.outlets)
    org = rng.choice(reg.bodies.get(ev.country) or reg.bodies[None] or [ev.agent])
    paragraphs = []
    for e in [ev, *others]:
        tmpl = rng.choice(_EVENT_SENTENCES[e.type])
        paragraphs.append(tmpl.format(agent=e.agent, target=e.target, place=e.place, n=e.killed, w=e.wounded,
                                      day=_day_words(rng, e.day, published)))
        person = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"
        for _ in range(rng.randrange(1, 3)):
            paragraphs.append(rng.choice(_QUOTES).format(line=rng.choice(_QUOTE_LINES), person=person,
                                                         title=rng.choice(_TITLES), org=rng.choice((org, e.agent)),
                                                         kind=_KIND_WORDS[e.type], n=e.killed, place=e.place))
        paragraphs.append(" ".join(rng.sample(_FILLER, rng.randrange(2, 6))))
    # background paragraphs: article length varies from a brief to a feature
    for _ in range(rng.randrange(0, 5)):
        paragraphs.append(" ".join(rng.sample(_FILLER, rng.randrange(3, 7))))
    title = rng.choice(_HEADLINES).format(agent=ev.agent, verb=_VERBS[ev.type], target=ev.target, place=ev.place,
                                          n=ev.killed, kind=_KIND_WORDS[ev.type].capitalize())
    return {"url": f"https://synthetic.example/{number:07d}", "title": title, "maintext": "\n".join(paragraphs),
            "date_publish": published.isoformat(), "publisher": outlet}


def write_jsonl(path: Path, n: int, seed: int = 7) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for record in articles(n, seed):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path
