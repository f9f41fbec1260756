import math

from kg.extract.geometry import offset, relative_position


def km(a, b):
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dl = math.radians(b[1] - a[1])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def test_offset_moves_the_stated_distance_and_direction():
    erbil = (36.19, 44.01)
    sw = offset(erbil, 225, 52)
    assert abs(km(erbil, sw) - 52) < 0.5
    assert sw[0] < erbil[0] and sw[1] < erbil[1]


def test_numbered_distance():
    lat, lon, precision = relative_position("on the mountain, 52 kilometers southwest of Erbil", "Erbil", ["Erbil"], (36.19, 44.01))
    assert abs(km((36.19, 44.01), (lat, lon)) - 52) < 0.5
    assert precision < 15


def test_countryside_direction():
    lat, lon, precision = relative_position("in the eastern countryside of Deir-ez-Zor", "Deir ez-Zor",
                                            ["Deir-ez-Zor"], (35.33, 40.14))
    assert lon > 40.14 and precision == 20.0


def test_no_relation_no_position():
    assert relative_position("fighting in Deir-ez-Zor", "Deir ez-Zor", ["Deir-ez-Zor"], (35.33, 40.14)) is None


def test_village_in_a_compact_region_named_after_its_town_lies_around_the_region_centre():
    from kg.data.gazetteer import Gazetteer
    from kg.extract.geometry import unlisted_place_anchor
    gaz = Gazetteer.load()
    idlib, region = gaz.get("idlib"), gaz.get("idlib_governorate")
    lat, lon, precision, spread = unlisted_place_anchor(gaz, "idlib", (idlib.lat, idlib.lon))
    assert (lat, lon, precision, spread) == (region.lat, region.lon, region.precision_km, region.precision_km)
    # a neighbourhood of the town stays in the town
    assert unlisted_place_anchor(gaz, "idlib", (idlib.lat, idlib.lon), in_town=True)[:2] == (idlib.lat, idlib.lon)


def test_village_in_a_wide_region_stays_near_its_main_town():
    from kg.data.gazetteer import Gazetteer
    from kg.extract.geometry import unlisted_place_anchor
    gaz = Gazetteer.load()
    town = gaz.get("deir_ez_zor")
    region = gaz.get("deir_ez_zor_governorate")
    # named by the region or by the town, the village is placed at the town, not the desert centre
    assert unlisted_place_anchor(gaz, "deir_ez_zor_governorate", (region.lat, region.lon))[:2] == (town.lat, town.lon)
    assert unlisted_place_anchor(gaz, "deir_ez_zor", (town.lat, town.lon))[:2] == (town.lat, town.lon)


def test_estimate_tag_names_direction_and_distance():
    from kg.extract.geometry import estimate_tag
    start = (35.9, 36.6)
    assert estimate_tag(start, offset(start, 180, 20)) == "s20km"
    assert estimate_tag(start, offset(start, 45, 10)) == "ne10km"


def test_direction_within_a_region_reaches_out_with_the_region_size():
    centre = (34.0, 45.0)
    lat, lon, _ = relative_position("near a village in northern Diyala province", "Diyala Governorate",
                                    ["Diyala province"], centre, spread_km=60)
    assert abs(km(centre, (lat, lon)) - 30) < 0.5 and lat > centre[0]
    lat, lon, _ = relative_position("near a village in northern Diyala province", "Diyala Governorate",
                                    ["Diyala province"], centre)
    assert abs(km(centre, (lat, lon)) - 15) < 0.5


def test_wide_region_without_a_namesake_town_places_villages_around_its_centre():
    from kg.data.gazetteer import Gazetteer
    from kg.extract.geometry import unlisted_place_anchor
    gaz = Gazetteer.load()
    region = gaz.get("salahuddin_governorate")
    assert unlisted_place_anchor(gaz, region.key, (region.lat, region.lon)) == (
        region.lat, region.lon, region.precision_km, region.precision_km)


def test_direction_in_capitals_still_places_it():
    """The direction-word screen looks at the lowercased text: capitals pass it."""
    lat, lon, _ = relative_position("30 KM NORTH OF Erbil", "Erbil", ["Erbil"], (36.19, 44.01))
    assert lat > 36.19 and abs(km((36.19, 44.01), (lat, lon)) - 30) < 0.5


def test_an_anchor_pattern_is_compiled_only_where_the_names_cannot_be_placed():
    from kg.extract.geometry import _distance_pattern, _side_pattern
    _distance_pattern.cache_clear()
    _side_pattern.cache_clear()
    # "the northern outskirts of": a side, no distance; found without a pattern of the anchor's names
    lat, lon, precision = relative_position("clashes on the northern outskirts of Tel Qorva", "Tel Qorva", [],
                                            (36.0, 41.0))
    assert lat > 36.0 and precision == 4.0
    # "12 km east of": the distance read up to where the name stands
    lat, lon, precision = relative_position("a village 12 km east of Tel Qorva", "Tel Qorva", [], (36.0, 41.0))
    assert abs(km((36.0, 41.0), (lat, lon)) - 12) < 0.5 and lon > 41.0
    assert _distance_pattern.cache_info().currsize == 0 and _side_pattern.cache_info().currsize == 0
    # beyond ASCII, where re's case folding is not str.lower's, the anchor's pattern is compiled
    lat, lon, precision = relative_position("a village 12 km east of Tél Qorva", "Tél Qorva", [], (36.0, 41.0))
    assert abs(km((36.0, 41.0), (lat, lon)) - 12) < 0.5 and lon > 41.0
    assert _distance_pattern.cache_info().currsize == 1


def test_searching_up_to_the_names_finds_what_the_whole_pattern_finds():
    """_search_before_names gives the groups and text of the anchor's compiled pattern, on texts
    where names overlap, repeat, differ in case, and where two reach back to one start ("north of
    the Tel" with "the Tel" and "Tel")."""
    import itertools
    import re
    from kg.extract.geometry import (_DISTANCE_BEFORE_NAME, _SIDE_BEFORE_NAME, _distance_pattern, _search_before_names,
                                     _side_pattern)
    texts = ["the northern countryside of Tel Abyad and south of Tel", "North-east  of the TEL ABYAD",
             "southern part of east Tel, northwest of the city", "5 miles north of the town of Tel Abyad",
             "west side Tel Abyad, 12 km west of Tel", "north east of the Abyad plain", "in eastern Tel Abyad Tel",
             "north of the east of Tel", "northern Tel Tel Abyad", "10.5 kilometres to the south of the city of Abyad",
             "at least 4 were killed", "southern Tél Abyad", "southern  Tel", "north of the Tel"]
    name_sets = [["Tel Abyad"], ["Tel Abyad", "Tel"], ["Tel Abyad", "Abyad", "Tel"], ["east Tel", "Tel"],
                 ["the city", "Tel"], ["Tél Abyad", "Tel"], ["Tel", "TEL"], ["the Tel", "Tel"]]
    for text, names in itertools.product(texts, name_sets):
        for before, compile_whole in ((_SIDE_BEFORE_NAME, _side_pattern), (_DISTANCE_BEFORE_NAME, _distance_pattern)):
            m = compile_whole("|".join(re.escape(n) for n in names)).search(text)
            expected = None if m is None else (m.groups(), m.group(0))
            assert _search_before_names(before, compile_whole, text, names) == expected, (text, names)