"""Plain values that flow between the stages.

ingest -> Article -> extract -> Extraction -> resolve -> ResolvedArticle -> rdf -> quads

Nothing here knows about spaCy or RDF; every stage can be tested with these values alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Category = Literal["actor", "place", "source"]
Precision = Literal["day", "month", "year"]
Role = Literal["agent", "target", "supporter"]

# The operation types of the evaluation contract (ontology classes of the same name).
EVENT_TYPES: tuple[str, ...] = (
    "Airstrike", "DroneStrike", "Shelling", "GroundOperation", "Raid", "Clash",
    "Attack", "Ambush", "Bombing", "Kidnapping", "Arrest", "Killing",
)
ACTOR_KINDS: tuple[str, ...] = (
    "StateForce", "RegionalForce", "ParamilitaryForce", "NonStateArmedGroup", "Coalition",
    "Organization", "Person", "CivilianGroup", "UnidentifiedActor",
)
PLACE_KINDS: tuple[str, ...] = ("Country", "AdminRegion", "Settlement", "TerrainFeature", "Facility")
SOURCE_KINDS: tuple[str, ...] = (
    "NewsOutlet", "OfficialSource", "AnonymousSource", "Witness", "Monitor", "SocialMediaPost",
)
# The name an offensive on a city goes by when it has no official one ("Mosul offensive"; see
# kg/extract/campaigns.py); official names are "Operation ...".
CAMPAIGN_SUFFIX = " offensive"


def is_campaign_name(name: str) -> bool:
    return name.endswith(CAMPAIGN_SUFFIX)


@dataclass(frozen=True)
class Article:
    """One news article as read by an ingest reader."""

    id: str                      # stable id derived from the url (see kg.ingest.article_id)
    url: str
    title: str
    text: str
    published: date | None = None
    outlet: str | None = None    # display name of the publisher
    source_domain: str | None = None
    language: str | None = None
    origin: str = ""             # where it was read from: "file.jsonl:12", "feed.xml#3", "-"

    @property
    def full_text(self) -> str:
        """What extraction reads: the headline as its own paragraph, then the body."""
        return f"{self.title}\n\n{self.text}" if self.title else self.text


@dataclass(frozen=True)
class TimeValue:
    """A date with the precision the text gives it ("June 2018" is month precision)."""

    value: date
    precision: Precision = "day"

    def iso(self) -> str:
        if self.precision == "year":
            return f"{self.value.year:04d}"
        if self.precision == "month":
            return f"{self.value.year:04d}-{self.value.month:02d}"
        return self.value.isoformat()


@dataclass(frozen=True)
class Mention:
    """A span of the article text that names an actor, place or source."""

    text: str
    start: int                   # character offsets into Article.full_text
    end: int
    sentence: int                # index of the sentence holding it
    category: Category
    key: str                     # registry key, or a minted key for unknown entities
    kind: str                    # ontology class local name (RegionalForce, Settlement, ...)


@dataclass
class Entity:
    """A canonical actor, place or source as the article graph describes it."""

    key: str
    category: Category
    kind: str
    label: str
    surface_forms: set[str] = field(default_factory=set)
    wikidata: str | None = None
    geonames: str | None = None
    lat: float | None = None
    lon: float | None = None
    precision_km: float | None = None   # how far the coordinates may be off
    within: str | None = None            # key of the enclosing place
    parent: str | None = None            # parent organisation of an actor
    article_local: bool = False          # anonymous sources, unnamed gunmen: one article only
    source_kind: str | None = None       # the Source class it takes when quoted (actors too)
    quoted_only: bool = False            # met only as a speaker ("police said"): typed as a source
    quoted: bool = False                 # the article quotes it somewhere, event or not: a source too


@dataclass
class CasualtyClaim:
    """A figure one source gives for one event."""

    killed: int | None = None
    wounded: int | None = None
    source: str | None = None            # entity key of the source; None: the article itself


@dataclass
class EventFrame:
    """One operation the article reports, with its roles."""

    id: str                              # local id within the article: e1, e2, ...
    type: str                            # one of EVENT_TYPES (or a project subclass)
    trigger: str                         # the words that signalled it
    sentence: int
    evidence: str                        # the sentence text
    agents: list[str] = field(default_factory=list)       # entity keys
    targets: list[str] = field(default_factory=list)
    supporters: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)       # most specific first
    time: TimeValue | None = None
    killed: int | None = None
    wounded: int | None = None
    captured: int | None = None
    claims: list[CasualtyClaim] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)      # entity keys of sources
    part_of: str | None = None           # id of a larger event in the same article
    name: str | None = None              # "Operation Olive Branch"
    same_as: list[str] = field(default_factory=list)   # set by fusion: "<article-id>-<id>" of
                                                       # other articles' reports of this event


@dataclass
class StrengthEstimate:
    """"Roughly 200 militants are on the mountain": an estimate of a force's size."""

    actor: str
    count: int
    place: str | None = None
    source: str | None = None
    evidence: str = ""


@dataclass
class ControlClaim:
    """"Iraqi forces control the other side": who holds which place, according to whom."""

    actor: str
    place: str
    source: str | None = None
    evidence: str = ""


@dataclass
class Extraction:
    """Everything extraction found in one article."""

    article: Article
    mentions: list[Mention] = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)
    events: list[EventFrame] = field(default_factory=list)
    estimates: list[StrengthEstimate] = field(default_factory=list)
    control: list[ControlClaim] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
