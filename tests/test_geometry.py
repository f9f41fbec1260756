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
