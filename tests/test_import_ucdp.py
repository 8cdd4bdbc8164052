"""UCDP GED importer: 49 columns to ACLED-style events, with GED's extras kept aside."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from conflictkit.builders.importers.ucdp import read_ucdp
from conflictkit.errors import InputFileError
from conflictkit.schema.columns import COLUMN_NAMES

FIXTURES = Path(__file__).parent / "fixtures" / "import"
GED = FIXTURES / "ucdp_ged.csv"
TODAY = dt.date(2025, 1, 1)


@pytest.fixture(scope="module")
def result():
    return read_ucdp(GED, today=TODAY)


def test_every_row_accounted_for(result):
    s = result.report.summary()
    assert s["records"] == 4 and s["accepted"] == 4 and s["rejected"] == 0
    assert list(result.events.columns) == list(COLUMN_NAMES)


def test_state_based_event_with_government_at_home(result):
    syria = result.events.set_index("event_id_cnty").loc["SYR800244657"]
    assert syria["event_date"] == pd.Timestamp("2018-02-07")
    assert (syria["event_type"], syria["sub_event_type"]) == ("Battles", "Armed clash")
    assert syria["actor1"].startswith("Military Forces of Syria")
    assert syria["inter1"] == "State forces"
    assert syria["actor2"] == "IS" and syria["inter2"] == "Rebel group"
    assert syria["fatalities"] == 12
    assert (syria["admin1"], syria["admin2"], syria["location"]) == (
        "Dayr az Zawr", "Dayr az Zawr", "Khasham")
    assert syria["source"] == "SANA; Reuters"
    assert syria["notes"].startswith("On 7 February 2018, Government of Syria against IS")


def test_one_sided_violence_against_civilians_and_ucdp_country_names(result):
    drc = result.events.set_index("event_id_cnty").loc["DRC800301122"]
    assert drc["country"] == "Democratic Republic of Congo"
    assert (drc["event_type"], drc["sub_event_type"]) == ("Violence against civilians", "Attack")
    assert drc["actor2"] == "Civilians (Democratic Republic of Congo)"
    assert drc["inter2"] == "Civilians"
    assert drc["civilian_targeting"] == "Civilian targeting"
    assert drc["source"] == "Radio Okapi"  # outlet taken from source_article
    assert drc["admin1"] == "Nord-Kivu"


def test_date_range_precision_and_region_level_place(result):
    mmr = result.events.set_index("event_id_cnty").loc["MMR800350210"]
    assert mmr["country"] == "Myanmar"
    assert mmr["event_date"] == pd.Timestamp("2021-09-16")  # midpoint of 13..19 September
    assert mmr["time_precision"] == 2
    assert mmr["geo_precision"] == 3  # where_prec 4: only the province is known
    assert mmr["location"] == "Sagaing"


def test_joint_governments_and_foreign_forces(result):
    afg = result.events.set_index("event_id_cnty").loc["AFG800205500"]
    assert afg["actor1"].startswith("Military Forces of Afghanistan")
    assert afg["inter1"] == "State forces"
    assert "United States" in afg["assoc_actor_1"]


def test_side_table_keeps_ged_fields(result):
    side = result.side.set_index("event_id_cnty")
    assert side.loc["SYR800244657", "ged_id"] == "244657"
    assert side.loc["MMR800350210", ["low", "high", "best"]].tolist() == ["11", "12", "10"]
    assert side.loc["DRC800301122", "deaths_civilians"] == "7"
    assert side.loc["MMR800350210", "date_start"] == "2021-09-13"


def test_best_outside_low_high_is_a_warning_not_a_rejection(result):
    problems = result.report.problems
    warned = problems[problems["rule"] == "best_outside_low_high"]
    assert warned["event_id"].tolist() == ["MMR800350210"]
    assert (warned["severity"] == "warning").all()
    assert "MMR800350210" in set(result.events["event_id_cnty"])


def test_defaulted_actor_types_reported_once(result):
    problems = result.report.problems
    note = problems[problems["rule"] == "actor_type_default"]
    assert len(note) == 1 and "Taleban" in note["message"].iloc[0]


def test_foreign_government_is_external_force(tmp_path):
    rows = list(csv.DictReader(GED.open(encoding="utf-8")))
    row = dict(rows[0], id="999", side_a="Government of Russia (Soviet Union)")
    path = tmp_path / "ged.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerow(row)
    event = read_ucdp(path, today=TODAY).events.iloc[0]
    assert event["actor1"].startswith("Military Forces of Russia")
    assert event["inter1"] == "External/Other forces"
    assert event["interaction"] == "Rebel group-External/Other forces"


def test_bad_codes_and_dates_are_rejected_with_reasons(tmp_path):
    rows = list(csv.DictReader(GED.open(encoding="utf-8")))
    rows[1] = dict(rows[1], type_of_violence="4")
    rows[2] = dict(rows[2], date_start="someday", date_end="")
    path = tmp_path / "ged.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = read_ucdp(path, today=TODAY)
    assert result.report.summary()["rejected"] == 2
    errors = result.report.errors
    assert set(errors["rule"]) >= {"ucdp_code", "date_format"}
    assert sorted(errors["line"].unique().tolist()) == [3, 4]


def test_an_acled_file_is_refused():
    with pytest.raises(InputFileError, match="import acled"):
        read_ucdp(FIXTURES / "acled_current.csv")
