"""The registries in kg/data: actor files (one per region) and outlets.json.

Checks only shape and consistency, on whatever actor files exist: JSON arrays, unique snake_case
keys, known kinds, parents that exist, ISO2-keyed context aliases, aliases that name one actor
only and never an outlet, Wikidata ids, clean outlet domains, and the actors the extractor and
its tests rely on.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "kg" / "data"
ACTOR_FILES = sorted((DATA / "actors").glob("*.json"))
OUTLETS = DATA / "outlets.json"

KEY_RE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
ISO2_RE = re.compile(r"^[A-Z]{2}$")
QID_RE = re.compile(r"^Q\d+$")
KINDS = {"StateForce", "RegionalForce", "ParamilitaryForce", "NonStateArmedGroup", "Coalition",
         "Organization", "Person", "CivilianGroup"}
SOURCE_KINDS = {None, "OfficialSource", "Monitor", "NewsOutlet"}
REQUIRED_ACTORS = ["islamic_state", "peshmerga", "iraqi_security_forces", "us_led_coalition", "pkk", "sdf",
                   "ypg", "syrian_arab_army", "turkish_armed_forces", "popular_mobilization_forces",
                   "al_shabaab", "jnim", "boko_haram", "iswap", "houthis", "taliban", "civilians"]


def _load(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def _is_case_sensitive(alias: str) -> bool:
    """As kg.extract.lexicon: an all-capital alias of up to six letters is an exact-case acronym."""
    letters = re.sub(r"[^A-Za-z]", "", alias)
    return bool(letters) and letters.isupper() and len(letters) <= 6


def _norm(alias: str) -> tuple[str, str]:
    """The form an alias is matched on: exact for acronyms, lowercased for the rest."""
    alias = alias.strip()
    return ("cs", alias) if _is_case_sensitive(alias) else ("ci", alias.lower())


def _names(entry: dict) -> list[str]:
    """Every surface form the lexicon registers for an entry: its label and its aliases."""
    return [entry["label"], *entry.get("aliases", [])]


def _actors() -> list[tuple[str, dict]]:
    """(file name, entry) for every actor in every readable actor file."""
    out = []
    for path in ACTOR_FILES:
        try:
            data = _load(path)
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue            # reported by test_actor_file_is_json_array
        if isinstance(data, list):
            out.extend((path.name, e) for e in data if isinstance(e, dict))
    return out


def _outlets() -> list[dict]:
    if not OUTLETS.exists():
        return []
    data = _load(OUTLETS)
    return [e for e in data if isinstance(e, dict)] if isinstance(data, list) else []


# ---------------------------------------------------------------------- files

@pytest.mark.parametrize("path", ACTOR_FILES, ids=[p.name for p in ACTOR_FILES])
def test_actor_file_is_json_array(path: Path):
    data = _load(path)
    assert isinstance(data, list), f"{path.name}: top level is {type(data).__name__}, not an array"
    bad = [i for i, e in enumerate(data) if not isinstance(e, dict)]
    assert not bad, f"{path.name}: items that are not objects at positions {bad}"


def test_outlets_file_is_json_array():
    assert OUTLETS.exists(), "kg/data/outlets.json is missing"
    data = _load(OUTLETS)
    assert isinstance(data, list), f"outlets.json: top level is {type(data).__name__}, not an array"
    assert data, "outlets.json is empty"
    bad = [i for i, e in enumerate(data) if not isinstance(e, dict)]
    assert not bad, f"outlets.json: items that are not objects at positions {bad}"


# ---------------------------------------------------------------------- actors

def test_actor_fields_present():
    problems = []
    for fname, e in _actors():
        for field in ("key", "label", "kind"):
            if not isinstance(e.get(field), str) or not e.get(field):
                problems.append(f"{fname}: {e.get('key', e)!r} lacks a string {field!r}")
        aliases = e.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            problems.append(f"{fname}: {e.get('key')!r} aliases must be a list of non-empty strings")
    assert not problems, "\n".join(problems)


def test_actor_keys_unique_across_files():
    where = defaultdict(list)
    for fname, e in _actors():
        where[e.get("key")].append(fname)
    dups = {k: fs for k, fs in where.items() if len(fs) > 1}
    assert not dups, "actor keys defined more than once: " + "; ".join(f"{k} in {fs}" for k, fs in sorted(dups.items()))


def test_keys_are_snake_case_ascii():
    bad = [f"{fname}: {e.get('key')!r}" for fname, e in _actors() if not KEY_RE.match(str(e.get("key", "")))]
    bad += [f"outlets.json: {e.get('key')!r}" for e in _outlets() if not KEY_RE.match(str(e.get("key", "")))]
    assert not bad, "keys that are not lowercase ASCII snake_case:\n" + "\n".join(bad)


def test_actor_kinds_valid():
    bad = [f"{fname}: {e.get('key')} has kind {e.get('kind')!r}" for fname, e in _actors() if e.get("kind") not in KINDS]
    assert not bad, "\n".join(bad)


def test_actor_source_kinds_valid():
    bad = [f"{fname}: {e.get('key')} has source_kind {e.get('source_kind')!r}"
           for fname, e in _actors() if e.get("source_kind") not in SOURCE_KINDS]
    assert not bad, "\n".join(bad)


def test_actor_countries_iso2():
    bad = [f"{fname}: {e.get('key')} has country {e.get('country')!r}"
           for fname, e in _actors() if e.get("country") is not None and not ISO2_RE.match(str(e["country"]))]
    assert not bad, "\n".join(bad)


def test_parents_exist():
    keys = {e.get("key") for _, e in _actors()}
    bad = [f"{fname}: {e['key']} -> {e['parent']!r}" for fname, e in _actors()
           if e.get("parent") is not None and e["parent"] not in keys]
    assert not bad, "parents that are not actor keys:\n" + "\n".join(bad)


def test_context_aliases_keyed_by_iso2():
    bad = []
    for fname, e in _actors():
        ctx = e.get("context_aliases")
        if ctx is None:
            continue
        if not isinstance(ctx, dict):
            bad.append(f"{fname}: {e.get('key')} context_aliases is not an object")
            continue
        for country, aliases in ctx.items():
            if not ISO2_RE.match(country):
                bad.append(f"{fname}: {e.get('key')} context_aliases key {country!r} is not ISO 3166-1 alpha-2")
            if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
                bad.append(f"{fname}: {e.get('key')} context_aliases[{country!r}] is not a list of strings")
    assert not bad, "\n".join(bad)


def test_no_alias_shared_between_actors():
    """Labels count too: the lexicon registers a label as an alias, and keeps the first key it sees."""
    owners = defaultdict(set)
    for _, e in _actors():
        for alias in _names(e):
            if isinstance(alias, str) and alias.strip():
                owners[_norm(alias)].add(e.get("key"))
    shared = {a: ks for a, ks in owners.items() if len(ks) > 1}
    assert not shared, "aliases naming more than one actor:\n" + "\n".join(
        f"{a[1]!r} ({'exact case' if a[0] == 'cs' else 'any case'}): {sorted(ks)}" for a, ks in sorted(shared.items()))


def test_no_actor_alias_is_an_outlet_alias():
    outlet_names = defaultdict(set)
    for o in _outlets():
        for alias in _names(o):
            outlet_names[_norm(alias)].add(o["key"])
    clashes = []
    for fname, e in _actors():
        for alias in _names(e):
            if isinstance(alias, str) and _norm(alias) in outlet_names:
                clashes.append(f"{fname}: actor {e.get('key')} alias {alias!r} = outlet {sorted(outlet_names[_norm(alias)])}")
    assert not clashes, "\n".join(clashes)


def test_wikidata_ids_well_formed():
    bad = [f"{fname}: {e.get('key')} {e.get('wikidata')!r}" for fname, e in _actors()
           if e.get("wikidata") is not None and not QID_RE.match(str(e["wikidata"]))]
    bad += [f"outlets.json: {e.get('key')} {e.get('wikidata')!r}" for e in _outlets()
            if e.get("wikidata") is not None and not QID_RE.match(str(e["wikidata"]))]
    assert not bad, "wikidata ids not of the form Q<digits>:\n" + "\n".join(bad)


def test_required_actor_keys_present():
    """The actors the extractor, its tests and the README's examples name by key."""
    keys = {e.get("key") for _, e in _actors()}
    missing = [k for k in REQUIRED_ACTORS if k not in keys]
    assert not missing, (f"missing required actor keys ({len(missing)}/{len(REQUIRED_ACTORS)}): {', '.join(missing)}; "
                         f"actor files present: {[p.name for p in ACTOR_FILES] or 'none'}")


# ---------------------------------------------------------------------- outlets

def test_outlet_fields():
    problems = []
    for e in _outlets():
        k = e.get("key")
        if not isinstance(e.get("label"), str) or not e["label"].strip():
            problems.append(f"{k}: no label")
        for field in ("aliases", "domains"):
            v = e.get(field)
            if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
                problems.append(f"{k}: {field} must be a list of non-empty strings")
        if e.get("country") is not None and not ISO2_RE.match(str(e["country"])):
            problems.append(f"{k}: country {e['country']!r} is not ISO2")
    assert not problems, "\n".join(problems)


def test_outlet_keys_unique():
    counts = defaultdict(int)
    for e in _outlets():
        counts[e.get("key")] += 1
    dups = sorted(k for k, n in counts.items() if n > 1)
    assert not dups, f"outlet keys defined more than once: {dups}"


def test_outlet_domains_clean_and_unique():
    bad, owner = [], {}
    for e in _outlets():
        for d in e.get("domains", []):
            if "://" in d or "/" in d or d.lower().startswith("www.") or d != d.strip().lower() or " " in d or "." not in d:
                bad.append(f"{e['key']}: {d!r} (want a bare lowercase host: no scheme, no www., no path)")
            if d in owner and owner[d] != e["key"]:
                bad.append(f"{d!r} listed by both {owner[d]} and {e['key']}")
            owner.setdefault(d, e["key"])
    assert not bad, "\n".join(bad)


def test_no_alias_shared_between_outlets():
    owners = defaultdict(set)
    for e in _outlets():
        for alias in _names(e):
            owners[_norm(alias)].add(e["key"])
    shared = {a: ks for a, ks in owners.items() if len(ks) > 1}
    assert not shared, "aliases naming more than one outlet:\n" + "\n".join(
        f"{a[1]!r}: {sorted(ks)}" for a, ks in sorted(shared.items()))


def test_lexicon_reads_acronyms_as_the_registry_checks_do():
    """kg.extract.lexicon's quick test (a lowercase ASCII letter rules an alias out at once) agrees
    with the definition above on every registry alias and on invented edge cases."""
    from kg.extract.lexicon import is_case_sensitive

    aliases = [name for path in ACTOR_FILES for entry in _load(path) for name in _names(entry)]
    aliases += [name for entry in _load(OUTLETS) for name in _names(entry)]
    aliases += ["ISF", "Pkk", "is", "U.S.", "ÉTAT", "ÉTATx", "AQAPSX", "AQAPSXY", "123", "", "Ÿ-FRONT", "AL-QS"]
    for alias in aliases:
        assert is_case_sensitive(alias) == _is_case_sensitive(alias), alias
