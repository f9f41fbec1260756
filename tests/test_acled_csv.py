"""`kg export --format acled-csv`: one ACLED row per fused event, on the hand-made fixture.

Expected values worked out by hand from tests/fixtures/small_graph.trig (invented data; see the
comment at its top) and from ontology/crosswalks/acled_types.json.
"""
from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.acled_csv import COLUMNS, write_acled_csv
from kg.rdf.iris import IriMinter
from kg.resolve.clusters import refresh_fused_events
from kg.store import open_store

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "small_graph.trig"

ACLED_HEADER = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
]

# Invented additions exercising the conditions the fixture does not: an arrest by a non-state
# group (an abduction in ACLED's terms), a militia formally part of the state's forces, and a
# person who takes the code of the group they belong to.
EXTRA = """
@prefix ckg:    <https://w3id.org/conflict-kg/ontology#> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
@prefix actor:  <https://w3id.org/conflict-kg/id/actor/> .
@prefix place:  <https://w3id.org/conflict-kg/id/place/> .
@prefix event:  <https://w3id.org/conflict-kg/id/event/> .
@prefix graph:  <https://w3id.org/conflict-kg/graph/article/> .
@prefix cgraph: <https://w3id.org/conflict-kg/graph/> .

cgraph:registry {
  actor:river-levies a ckg:ParamilitaryForce ; rdfs:label "River Levies" ;
      ckg:parentOrganization actor:qaradian-army .
  actor:front-commander a ckg:Person ; rdfs:label "Zafir Okrem" ; ckg:memberOf actor:black-banner .
}
graph:a7 {
  event:a7-1 a ckg:Arrest ; ckg:agent actor:black-banner ; ckg:target actor:civilians ;
      ckg:place place:kirhan ; ckg:date "2018-09"^^xsd:gYearMonth ; ckg:datePrecision "month" .
  event:a7-2 a ckg:Killing ; ckg:agent actor:river-levies ; ckg:target actor:front-commander ;
      ckg:place place:tell-abar ; ckg:date "2018-09-12"^^xsd:date ; ckg:datePrecision "day" ;
      ckg:killed 1 .
}
"""


def fixture_store(extra: str | None = None):
    store = open_store(None)
    store.add(list(ox.parse(path=str(FIXTURE), format=ox.RdfFormat.TRIG)))
    if extra:
        store.add(list(ox.parse(extra.encode("utf-8"), format=ox.RdfFormat.TRIG)))
    refresh_fused_events(store, IriMinter("https://w3id.org/conflict-kg/"))     # as a build does
    return store


def export_rows(store) -> tuple[list[str], list[dict[str, str]]]:
    out = io.StringIO()
    write_acled_csv(store, out, timestamp=1234567890)
    reader = csv.DictReader(io.StringIO(out.getvalue()))
    return list(reader.fieldnames or []), list(reader)


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return export_rows(fixture_store())[1]


def row_at(rows, location: str, date: str) -> dict[str, str]:
    found = [r for r in rows if r["location"] == location and r["event_date"] == date]
    assert len(found) == 1, found
    return found[0]


def test_header_is_acleds_columns_in_order():
    header, _ = export_rows(fixture_store())
    assert header == ACLED_HEADER
    assert list(COLUMNS) == ACLED_HEADER


def test_one_row_per_fused_event(rows):
    # twelve operation IRIs; the three Port Sahil strike reports are one event
    assert len(rows) == 10
    assert len({r["event_id_cnty"] for r in rows}) == 10
    assert all(r["event_id_cnty"].startswith("CKG") and r["timestamp"] == "1234567890" for r in rows)


def test_sameas_cluster_gives_lowest_killed_and_earliest_date(rows):
    strikes = [r for r in rows if r["location"] == "Port Sahil" and r["sub_event_type"] == "Air/drone strike"]
    assert len(strikes) == 1
    strike = strikes[0]
    assert strike["event_date"] == "2018-07-31"          # a6 dates it a day earlier than a4, a5
    assert strike["year"] == "2018" and strike["time_precision"] == "1"
    assert strike["fatalities"] == "4"                   # a4 says 6, a5 4, a6 5; claims ignored
    assert strike["source"] == "Capital Times; Gulf Wire; Northern Daily"
    # the head is event:a4-4 (smallest IRI): its evidence sentence is the note
    assert strike["notes"] == "Coalition aircraft struck a Front hideout in Port Sahil, killing six."
    assert (strike["actor1"], strike["inter1"], strike["actor2"], strike["inter2"]) == \
        ("Allied Air Coalition", "8", "Black Banner Front", "2")
    assert strike["interaction"] == "28"
    assert (strike["country"], strike["admin1"], strike["admin2"]) == ("Qaradia", "Sahil Governorate", "")
    assert (strike["latitude"], strike["longitude"], strike["geo_precision"]) == ("33.25", "44.95", "1")


def test_shared_iri_event_reported_by_three_graphs(rows):
    g1 = [r for r in rows if r["event_date"] == "2018-07-16"]
    assert len(g1) == 1
    row = g1[0]
    assert row["fatalities"] == "3"                      # a1 says 3, a3 says 7, a2 nothing
    assert (row["event_type"], row["sub_event_type"]) == ("Battles", "Armed clash")
    assert row["actor1"] == "Northern Guard"             # the first agent by label
    assert row["assoc_actor_1"] == "Allied Air Coalition; Qaradian Army"
    assert (row["inter1"], row["actor2"], row["inter2"], row["interaction"]) == ("1", "Black Banner Front", "2", "12")
    assert row["source"] == "Gulf Wire; Northern Daily"
    assert row["civilian_targeting"] == ""
    assert (row["country"], row["admin1"], row["admin2"]) == ("Qaradia", "Nahr Governorate", "Tell Abar District")


def test_violence_against_civilians_and_types(rows):
    bombing = row_at(rows, "Port Sahil", "2018-06-30")
    assert (bombing["disorder_type"], bombing["event_type"], bombing["sub_event_type"]) == \
        ("Political violence", "Explosions/Remote violence", "Suicide bomb")
    assert (bombing["actor1"], bombing["inter1"], bombing["actor2"], bombing["inter2"]) == \
        ("Black Banner Front", "2", "civilians", "7")
    assert bombing["interaction"] == "27" and bombing["civilian_targeting"] == "Civilian targeting"
    assert bombing["fatalities"] == "9"

    kidnapping = row_at(rows, "Al-Mina checkpoint", "2018-07-30")
    assert (kidnapping["event_type"], kidnapping["sub_event_type"]) == \
        ("Violence against civilians", "Abduction/forced disappearance")
    assert (kidnapping["actor1"], kidnapping["inter1"], kidnapping["interaction"]) == ("unidentified gunmen", "3", "37")
    assert kidnapping["fatalities"] == "0"               # no report gives a figure
    # the checkpoint has no coordinates of its own: those of the town it lies in
    assert (kidnapping["latitude"], kidnapping["longitude"]) == ("33.25", "44.95")

    clash = row_at(rows, "Port Sahil", "2018-07-28")
    assert (clash["actor1"], clash["inter1"], clash["assoc_actor_1"]) == ("Sahil Popular Brigades", "3", "Qaradian Army")
    assert clash["interaction"] == "23"


def test_month_precision_and_region_precision(rows):
    shelling = row_at(rows, "Umm Jarin", "2018-07-01")
    assert shelling["time_precision"] == "3"
    assert shelling["sub_event_type"] == "Shelling/artillery/missile attack"
    district = row_at(rows, "Kirhan District", "2018-08-01")
    assert district["geo_precision"] == "2"              # a district with 20 km coordinates
    assert (district["admin1"], district["admin2"]) == ("Nahr Governorate", "Kirhan District")


def test_conditions_non_state_arrest_formally_state_militia_and_member():
    _, rows = export_rows(fixture_store(EXTRA))
    arrest = row_at(rows, "Kirhan", "2018-09-01")
    assert (arrest["event_type"], arrest["sub_event_type"]) == \
        ("Violence against civilians", "Abduction/forced disappearance")
    assert arrest["time_precision"] == "3"
    killing = row_at(rows, "Tell Abar", "2018-09-12")
    assert (killing["actor1"], killing["inter1"]) == ("River Levies", "1")     # formally state
    assert (killing["actor2"], killing["inter2"]) == ("Zafir Okrem", "2")      # member of the Front
    assert killing["interaction"] == "12" and killing["civilian_targeting"] == ""
    assert killing["fatalities"] == "1"


def test_cli_round_trip(tmp_path):
    def kg(*args: str) -> subprocess.CompletedProcess:
        res = subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, cwd=ROOT)
        assert res.returncode == 0, res.stderr
        return res

    store, output = tmp_path / "store", tmp_path / "events.csv"
    kg("build", "examples/articles", "--store", str(store), "--quiet")
    kg("export", "--store", str(store), "--format", "acled-csv", "--output", str(output))
    with output.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert reader.fieldnames == ACLED_HEADER
    assert rows
    for row in rows:
        assert row["event_date"][:4] == row["year"] and len(row["event_date"]) == 10
        assert row["event_type"] and row["sub_event_type"]
        assert row["fatalities"].isdigit() and row["timestamp"].isdigit()
    # the two outlets reporting one operation fuse into one row naming both
    assert any("; " in row["source"] for row in rows)
