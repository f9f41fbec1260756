"""The registries as the extractor needs them: alias tables, trigger table, phrase lists.

Built once per process from the data files in kg/data; nothing here reads text.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from kg.data.gazetteer import Gazetteer, normalize_name


def load_data(name: str) -> Any:
    """A JSON data file shipped in kg/data."""
    return json.loads(resources.files("kg.data").joinpath(name).read_text(encoding="utf-8"))


_NOT_ASCII_LETTERS = re.compile(r"[^A-Za-z]")
_ASCII_LOWERCASE = re.compile(r"[a-z]")


def is_case_sensitive(alias: str) -> bool:
    """Short all-capital aliases (IS, ISF, PKK) are acronyms: "is" and "Pkk" are not them."""
    if _ASCII_LOWERCASE.search(alias):
        return False            # (most aliases: one of their letters is lowercase)
    letters = _NOT_ASCII_LETTERS.sub("", alias)
    return bool(letters) and letters.isupper() and len(letters) <= 6


@dataclass(frozen=True)
class ActorEntry:
    key: str
    label: str
    kind: str
    country: str | None
    wikidata: str | None
    parent: str | None
    source_kind: str | None


@dataclass(frozen=True)
class OutletEntry:
    key: str
    label: str
    country: str | None
    wikidata: str | None
    domains: tuple[str, ...]


@dataclass(frozen=True)
class TriggerEntry:
    type: str
    contextual: bool
    weak: bool


@dataclass
class Lexicon:
    actors: dict[str, ActorEntry] = field(default_factory=dict)
    outlets: dict[str, OutletEntry] = field(default_factory=dict)
    # surface form -> key; "cs" tables are matched on exact case, the others lowercased
    actor_aliases: dict[str, str] = field(default_factory=dict)
    actor_aliases_cs: dict[str, str] = field(default_factory=dict)
    context_aliases: dict[str, dict[str, str]] = field(default_factory=dict)   # alias -> {country: key}
    outlet_aliases: dict[str, str] = field(default_factory=dict)
    outlet_aliases_cs: dict[str, str] = field(default_factory=dict)
    outlet_by_domain: dict[str, str] = field(default_factory=dict)
    triggers: dict[str, TriggerEntry] = field(default_factory=dict)            # phrase -> entry
    generic_triggers: dict[str, str] = field(default_factory=dict)
    cues: dict[str, set[str]] = field(default_factory=dict)
    nonfactual: set[str] = field(default_factory=set)
    habitual: list[str] = field(default_factory=list)
    demonyms: dict[str, str] = field(default_factory=dict)
    stateless_demonyms: set[str] = field(default_factory=set)
    force_nouns: set[str] = field(default_factory=set)
    national_forces: dict[str, str] = field(default_factory=dict)
    capitals: dict[str, str] = field(default_factory=dict)        # "Baghdad" -> "IQ"
    source_heads: set[str] = field(default_factory=set)
    source_modifiers: set[str] = field(default_factory=set)
    witness_phrases: set[str] = field(default_factory=set)
    media_phrases: set[str] = field(default_factory=set)     # "local media": unnamed outlets
    person_titles: set[str] = field(default_factory=set)
    speech_verbs: set[str] = field(default_factory=set)
    according_to: set[str] = field(default_factory=set)
    gazetteer: Gazetteer | None = None

    def default_force(self, country: str | None) -> str | None:
        """The country's national forces, as the registry names them in that context."""
        if not country:
            return None
        for alias in ("security forces", "government forces", "troops", "the army", "army"):
            key = self.context_aliases.get(alias, {}).get(country)
            if key:
                return key
        key = self.national_forces.get(country)
        return key if key in self.actors else None

    def military_of(self, country: str | None) -> str | None:
        """What "the military" of a country names: its armed forces, or the army where the
        registry keeps the army apart from police and other security bodies (Iraq)."""
        if not country:
            return None
        for alias in ("the military", "military", "the army", "army"):
            key = self.context_aliases.get(alias, {}).get(country)
            if key:
                return key
        return self.default_force(country)

    def government_of(self, country: str | None) -> str | None:
        """The country's government as the registry names it, if it does."""
        return self.context_aliases.get("the government", {}).get(country) if country else None

    def outlet_for(self, name: str | None, domain: str | None) -> OutletEntry | None:
        if domain:
            d = domain.lower().removeprefix("www.")
            if d in self.outlet_by_domain:
                return self.outlets[self.outlet_by_domain[d]]
        if name:
            key = self.outlet_aliases.get(name.lower()) or self.outlet_aliases_cs.get(name)
            if key:
                return self.outlets[key]
        return None


def _add_alias(cs: dict[str, str], ci: dict[str, str], alias: str, key: str) -> None:
    alias = alias.strip()
    if not alias:
        return
    if is_case_sensitive(alias):
        cs.setdefault(alias, key)
    else:
        ci.setdefault(alias.lower(), key)


def load_actors() -> list[dict[str, Any]]:
    """Every actor file in kg/data/actors/ (one per region), in a stable order."""
    folder = resources.files("kg.data").joinpath("actors")
    entries: list[dict[str, Any]] = []
    for path in sorted((p for p in folder.iterdir() if p.name.endswith(".json")), key=lambda p: p.name):
        entries.extend(json.loads(path.read_text(encoding="utf-8")))
    return entries


@cache
def get_lexicon() -> Lexicon:
    lex = Lexicon()
    for a in load_actors():
        entry = ActorEntry(a["key"], a["label"], a["kind"], a.get("country"), a.get("wikidata"),
                           a.get("parent"), a.get("source_kind"))
        lex.actors[entry.key] = entry
        for alias in [a["label"], *a.get("aliases", [])]:
            _add_alias(lex.actor_aliases_cs, lex.actor_aliases, alias, entry.key)
        for country, aliases in (a.get("context_aliases") or {}).items():
            for alias in aliases:
                lex.context_aliases.setdefault(alias.lower(), {})[country] = entry.key
    for o in load_data("outlets.json"):
        entry = OutletEntry(o["key"], o["label"], o.get("country"), o.get("wikidata"), tuple(o.get("domains", [])))
        lex.outlets[entry.key] = entry
        for alias in [o["label"], *o.get("aliases", [])]:
            _add_alias(lex.outlet_aliases_cs, lex.outlet_aliases, alias, entry.key)
        for d in entry.domains:
            lex.outlet_by_domain[d.lower()] = entry.key
    trig = load_data("triggers.json")
    for t in trig["triggers"]:
        weak = set(t.get("weak_phrases", []))
        for phrase in t["phrases"]:
            lex.triggers.setdefault(phrase.lower(), TriggerEntry(t["type"], bool(t.get("contextual")), phrase in weak))
    lex.generic_triggers = {k.lower(): v for k, v in trig["generic"].items()}
    lex.cues = {k: {w.lower() for w in v} for k, v in trig["cues"].items()}
    lex.nonfactual = {w.lower() for w in trig["nonfactual_before"]}
    lex.habitual = [w.lower() for w in trig["habitual_after"]]
    dem = load_data("demonyms.json")
    lex.demonyms = dem["demonyms"]
    lex.stateless_demonyms = set(dem["stateless"])
    lex.force_nouns = {w.lower() for w in dem["force_nouns"]}
    lex.national_forces = {k: v for k, v in dem.get("national_forces", {}).items() if not k.startswith("_")}
    lex.capitals = {k: v for k, v in dem.get("capitals", {}).items() if not k.startswith("_")}
    src = load_data("source_phrases.json")
    lex.source_heads = set(src["anonymous_heads"])
    lex.source_modifiers = set(src["anonymous_modifiers"])
    lex.witness_phrases = set(src["witness_phrases"])
    lex.media_phrases = set(src.get("media_phrases", []))
    lex.person_titles = set(src["person_titles"])
    lex.speech_verbs = set(src["speech_verbs"])
    lex.according_to = set(src["according_to"])
    lex.gazetteer = Gazetteer.load()
    return lex


__all__ = ["ActorEntry", "Lexicon", "OutletEntry", "TriggerEntry", "get_lexicon", "is_case_sensitive",
           "load_data", "normalize_name"]
