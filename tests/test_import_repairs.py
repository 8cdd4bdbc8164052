"""The import contract: repairable defects are repaired, recorded with the original value, counted,
and the event is kept. One small synthetic fixture per defect kind seen in real exports (built
from the seed fixture; no row of a real export is copied here)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from conflictkit.builders.importers import cleaning
from conflictkit.builders.importers.acled import read_acled
from conflictkit.builders.importers.repairs import (
    POLICY_BEGIN,
    POLICY_END,
    REPAIR_COLUMNS,
    REPAIR_KINDS,
    policy_markdown,
)
from conflictkit.builders.importers.ucdp import read_ucdp
from conflictkit.problems.catalogue import CATALOGUE
from conflictkit.schema.validate import validate_events

FIXTURES = Path(__file__).parent / "fixtures" / "import"
CURRENT = FIXTURES / "acled_current.csv"
ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2025, 1, 1)


def _export(tmp_path: Path, edits: dict[tuple[str, str], str], *, name: str = "export.csv",
            drop: tuple[str, ...] = (), rows: pd.DataFrame | None = None) -> Path:
    """The seed fixture with cells replaced: {(event_id, column): value}."""
    frame = rows if rows is not None else pd.read_csv(CURRENT, dtype=str,
                                                      keep_default_na=False)
    frame = frame.set_index("event_id_cnty", drop=False)
    for (event, column), value in edits.items():
        frame.loc[event, column] = value
    path = tmp_path / name
    frame.drop(columns=list(drop)).to_csv(path, index=False)
    return path


def _import(path: Path):
    result = read_acled(path, today=TODAY)
    s = result.report.summary()
    assert s["accepted"] + s["rejected"] == s["records"]
    assert len(result.events) == len(result.side) == s["accepted"]
    assert set(result.repairs["event_id_cnty"]) <= set(result.events["event_id_cnty"])
    assert list(result.repairs.columns) == list(REPAIR_COLUMNS)
    return result


def _repairs(result, kind: str) -> list[list[str]]:
    rows = result.repairs[result.repairs["repair"] == kind]
    return rows[["event_id_cnty", "column", "original"]].values.tolist()


def _event(result, event_id: str) -> pd.Series:
    return result.events.set_index("event_id_cnty").loc[event_id]


def _validates(result) -> None:
    """What an import writes passes the schema's rules as it stands."""
    report = validate_events(result.events, today=TODAY)
    assert report.ok, report.problems[["event_id", "column", "rule", "message"]]


# ---------------------------------------------------------------------------------------------
# text
# ---------------------------------------------------------------------------------------------


def test_trailing_spaces_and_no_break_spaces_are_trimmed(tmp_path):
    result = _import(_export(tmp_path, {
        ("SYR31599", "notes"): "On 7 February 2018, coalition aircraft struck. ",
        ("SYR31599", "source"): "\u00a0Deutsche Welle; Reuters",
        ("NIG11890", "actor2"): "Civilians (Nigeria)\u00a0",
        ("KEN5530", "admin2"): "Westlands\u3000",
    }))
    assert result.report.ok and len(result.events) == 5
    assert _event(result, "SYR31599")["notes"] == "On 7 February 2018, coalition aircraft struck."
    assert _event(result, "SYR31599")["source"] == "Deutsche Welle; Reuters"
    assert _event(result, "KEN5530")["admin2"] == "Westlands"
    assert sorted(_repairs(result, "whitespace")) == sorted([
        ["SYR31599", "notes", "On 7 February 2018, coalition aircraft struck. "],
        ["SYR31599", "source", "\u00a0Deutsche Welle; Reuters"],
        ["NIG11890", "actor2", "Civilians (Nigeria)\u00a0"],
        ["KEN5530", "admin2", "Westlands\u3000"],
    ])
    assert result.meta["repairs"]["whitespace"] == 4
    assert result.report.problems.empty  # repairs are not warnings
    _validates(result)


def test_windows_1252_punctuation_stored_as_c1_controls_and_mojibake(tmp_path):
    result = _import(_export(tmp_path, {
        ("SYR31599", "notes"): "The coalition\x92s aircraft struck \x93pro-regime\x94 forces.",
        ("KEN5530", "admin2"): "Westlands CafÃ©",
    }))
    assert result.report.ok
    assert _event(result, "SYR31599")["notes"] == \
        "The coalition\u2019s aircraft struck \u201cpro-regime\u201d forces."
    assert _event(result, "KEN5530")["admin2"] == "Westlands Café"
    assert sorted(r[:2] for r in _repairs(result, "mojibake")) == [
        ["KEN5530", "admin2"], ["SYR31599", "notes"]]
    _validates(result)


def test_line_breaks_and_controls_in_source_and_actors(tmp_path):
    result = _import(_export(tmp_path, {
        ("SYR31599", "source"): "Deutsche Welle;\r\nReuters",
        ("NIG11890", "notes"): "Soldiers repelled\tan attack\x0b on Konduga.",
        ("KEN5530", "actor1"): "Rioters\n(Kenya)",
    }))
    assert result.report.ok
    assert _event(result, "SYR31599")["source"] == "Deutsche Welle; Reuters"
    assert _event(result, "KEN5530")["actor1"] == "Rioters (Kenya)"
    assert _event(result, "NIG11890")["notes"] == "Soldiers repelled an attack on Konduga."
    assert sorted(r[:2] for r in _repairs(result, "line_break")) == [
        ["KEN5530", "actor1"], ["NIG11890", "notes"], ["SYR31599", "source"]]
    assert [r[:2] for r in _repairs(result, "control_character")] == [["NIG11890", "notes"]]
    _validates(result)


def test_a_source_beginning_with_a_formula_character(tmp_path):
    result = _import(_export(tmp_path, {
        ("SYR31599", "source"): "-Deutsche Welle; Reuters",
        ("NIG11890", "source"): "=Premium Times",
        ("KEN5530", "source"): "@TheStarKenya Twitter",
    }))
    assert result.report.ok
    assert result.events["source"].tolist()[0] == "Deutsche Welle; Reuters"
    assert _event(result, "NIG11890")["source"] == "Premium Times"
    assert _event(result, "KEN5530")["source"] == "TheStarKenya Twitter"
    assert len(_repairs(result, "formula_prefix")) == 3
    _validates(result)


def test_each_distinct_value_is_repaired_once(tmp_path, monkeypatch):
    frame = pd.read_csv(CURRENT, dtype=str, keep_default_na=False)
    many = pd.concat([frame] * 400, ignore_index=True)
    many["event_id_cnty"] = [f"{i[:3]}{100000 + n}" for n, i in
                             enumerate(many["event_id_cnty"])]
    many["source"] = many["source"] + " "
    calls: list[str] = []
    real = cleaning.fix_value

    def counting(value: str):
        calls.append(value)
        return real(value)

    monkeypatch.setattr(cleaning, "fix_value", counting)
    path = tmp_path / "many.csv"
    many.to_csv(path, index=False)
    result = _import(path)
    assert len(result.events) == 2000
    assert result.meta["repairs"]["whitespace"] == 2000
    assert len(calls) == len(set(calls)) == frame["source"].nunique()


# ---------------------------------------------------------------------------------------------
# missing-value markers
# ---------------------------------------------------------------------------------------------


def test_r_write_csv_na_markers_are_blanks(tmp_path):
    frame = pd.read_csv(CURRENT, dtype=str, keep_default_na=False)
    frame = frame.replace("", "NA")  # what R's write.csv writes for every missing value
    path = _export(tmp_path, {}, rows=frame)
    result = _import(path)
    assert result.report.ok, result.report.problems
    clean = _import(CURRENT)
    pd.testing.assert_frame_equal(result.events, clean.events)
    assert result.meta["blank_markers"] == ["NA"]
    cells = (frame == "NA").sum().sum()
    assert result.meta["repairs"]["na_token"] == cells
    _validates(result)


def test_a_marker_in_free_text_alone_is_kept_as_text(tmp_path):
    # a place called "None" (a comune in Piedmont) in a file whose blanks are empty cells
    result = _import(_export(tmp_path, {("KEN5530", "location"): "None",
                                        ("NIG11890", "tags"): "NULL"}))
    assert _event(result, "KEN5530")["location"] == "None"
    assert _event(result, "NIG11890")["tags"] == "NULL"
    assert "na_token" not in result.meta["repairs"]


def test_markers_in_closed_columns_are_always_blanks(tmp_path):
    result = _import(_export(tmp_path, {("SYR31599", "civilian_targeting"): "NULL",
                                        ("KEN5530", "admin3"): "NULL"}))
    assert pd.isna(_event(result, "SYR31599")["civilian_targeting"])
    assert pd.isna(_event(result, "KEN5530")["admin3"])  # the file shows its habit
    assert len(_repairs(result, "na_token")) == 2


# ---------------------------------------------------------------------------------------------
# vocabularies, countries, derived columns
# ---------------------------------------------------------------------------------------------


def test_vocabulary_values_take_acleds_spelling(tmp_path):
    result = _import(_export(tmp_path, {
        ("SYR31599", "source_scale"): "National-regional",
        ("NIG11890", "event_type"): "battles",
        ("KEN5530", "inter1"): "rioters",
    }))
    assert result.report.ok, result.report.problems
    assert _event(result, "SYR31599")["source_scale"] == "National-Regional"
    assert _event(result, "NIG11890")["event_type"] == "Battles"
    assert _event(result, "KEN5530")["inter1"] == "Rioters"
    assert len(_repairs(result, "recased")) == 3


def test_a_legacy_source_scale_token_takes_todays_name(tmp_path):
    result = _import(_export(tmp_path, {
        ("SYR31599", "source_scale"): "Local",
        ("NIG11890", "source_scale"): "Subnational-local",
        ("KEN5530", "source_scale"): "Local-Nowhere",  # an unknown token is not guessed
    }))
    assert _event(result, "SYR31599")["source_scale"] == "Local partner"
    assert _event(result, "NIG11890")["source_scale"] == "Subnational-Local partner"
    assert sorted(_repairs(result, "legacy_token")) == [
        ["NIG11890", "source_scale", "Subnational-local"], ["SYR31599", "source_scale", "Local"]]
    rejected = result.report.problems
    assert rejected.loc[rejected["event_id"] == "KEN5530", "column"].tolist() == ["source_scale"]


def test_old_country_names_take_acleds_current_one(tmp_path):
    frame = pd.read_csv(CURRENT, dtype=str, keep_default_na=False)
    row = frame[frame["event_id_cnty"] == "KEN5530"].copy()
    row["event_id_cnty"] = "SWA101"
    row["country"] = "Swaziland"
    row["actor1"], row["actor2"] = "Rioters (eSwatini)", "Police Forces of eSwatini (1968-)"
    row["region"], row["iso"] = "Southern Africa", "748"
    row["admin1"], row["admin2"], row["location"] = "Hhohho", "Mbabane", "Mbabane"
    path = _export(tmp_path, {}, rows=pd.concat([frame, row], ignore_index=True))
    result = _import(path)
    assert result.report.ok, result.report.problems
    assert _event(result, "SWA101")["country"] == "eSwatini"
    assert _repairs(result, "country_renamed") == [["SWA101", "country", "Swaziland"]]


def test_a_misspelt_derived_column_is_derived_again(tmp_path):
    result = _import(_export(tmp_path, {
        ("KEN5530", "disorder_type"): "Demostrations",
        ("NIG11890", "year"): "2017",
        ("SYR31599", "region"): "Southern Asia",
        ("KEN5521", "interaction"): "Civilians-Rebel group",
    }))
    assert result.report.ok, result.report.problems
    assert _event(result, "KEN5530")["disorder_type"] == "Demonstrations"
    assert _event(result, "NIG11890")["year"] == 2018
    assert _event(result, "SYR31599")["region"] == "Middle East"
    assert sorted(_repairs(result, "rederived")) == [
        ["KEN5521", "interaction", "Civilians-Rebel group"],
        ["KEN5530", "disorder_type", "Demostrations"],
        ["NIG11890", "year", "2017"],
        ["SYR31599", "region", "Southern Asia"],
    ]
    _validates(result)


def test_an_invalid_source_rejects_the_event_instead(tmp_path):
    result = _import(_export(tmp_path, {("KEN5530", "disorder_type"): "Demostrations",
                                        ("KEN5530", "sub_event_type"): "Violent demo"}))
    errors = result.report.errors
    assert errors["event_id"].unique().tolist() == ["KEN5530"]
    assert "sub_event_type" in set(errors["column"])
    assert "KEN5530" not in set(result.events["event_id_cnty"])
    assert not _repairs(result, "rederived")


def test_civilian_targeting_of_protesters_is_acleds_reading(tmp_path):
    """Excessive force against protesters is civilian targeting, protesters on either side."""
    result = _import(_export(tmp_path, {
        ("KEN5530", "disorder_type"): "Political violence; Demonstrations",
        ("KEN5530", "event_type"): "Protests",
        ("KEN5530", "sub_event_type"): "Excessive force against protesters",
        ("KEN5530", "actor1"): "Protesters (Kenya)",
        ("KEN5530", "inter1"): "Protesters",
        ("KEN5530", "interaction"): "State forces-Protesters",
        ("KEN5530", "civilian_targeting"): "Civilian targeting",
        ("SYR31599", "civilian_targeting"): "Civilian targeting",  # no civilians: derived again
    }))
    assert result.report.ok, result.report.problems
    assert _event(result, "KEN5530")["civilian_targeting"] == "Civilian targeting"
    assert pd.isna(_event(result, "SYR31599")["civilian_targeting"])
    assert _repairs(result, "rederived") == [
        ["SYR31599", "civilian_targeting", "Civilian targeting"]]
    _validates(result)


# ---------------------------------------------------------------------------------------------
# dates
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dates", [
    ["20180207", "20180209", "20180212", "20180214", "20180216"],
    ["07/02/2018 00:00:00", "09/02/2018 00:00:00", "12/02/2018 00:00:00",
     "14/02/2018 00:00:00", "16/02/2018 00:00:00"],
    ["2/7/2018 12:00:00 AM", "2/9/2018 12:00:00 AM", "2/12/2018 12:00:00 AM",
     "02/14/2018 00:00", "2/16/2018 12:00:00 AM"],
    ["2018-02-07T00:00:00", "2018-02-09T00:00:00", "2018-02-12T00:00:00",
     "2018-02-14T00:00:00", "2018-02-16T00:00:00"],
])
def test_dates_the_readers_did_not_know(tmp_path, dates):
    ids = ["SYR31599", "SYR31650", "NIG11890", "KEN5521", "KEN5530"]
    result = _import(_export(tmp_path, {(i, "event_date"): d for i, d in zip(ids, dates,
                                                                              strict=True)}))
    assert result.report.errors.empty, result.report.errors
    assert result.events["event_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2018-02-07", "2018-02-09", "2018-02-12", "2018-02-14", "2018-02-16"]
    assert "time_of_day" not in result.meta["repairs"]


def test_a_time_other_than_midnight_keeps_the_day_and_is_reported(tmp_path):
    result = _import(_export(tmp_path, {("SYR31599", "event_date"): "2018-02-07T23:00:00Z"}))
    assert _event(result, "SYR31599")["event_date"] == pd.Timestamp("2018-02-07")
    assert _repairs(result, "time_of_day") == [
        ["SYR31599", "event_date", "2018-02-07T23:00:00Z"]]
    warned = result.report.problems.query("rule == 'time_of_day'")
    assert len(warned) == 1 and warned["severity"].iloc[0] == "warning"


def test_month_names_of_other_languages_by_dateparser(tmp_path):
    result = _import(_export(tmp_path, {("SYR31599", "event_date"): "7 février 2018",
                                        ("KEN5530", "event_date"): "16 de febrero de 2018"}))
    assert result.report.errors.empty, result.report.errors
    assert result.meta["date_formats"]["dateparser"] == 2
    assert _event(result, "KEN5530")["event_date"] == pd.Timestamp("2018-02-16")


# ---------------------------------------------------------------------------------------------
# legacy codes
# ---------------------------------------------------------------------------------------------


def test_remote_violence_without_a_weapon_is_kept_for_review(tmp_path):
    legacy = (FIXTURES / "acled_legacy.csv").read_text().splitlines()
    header = legacy[0]
    state = legacy[5].replace("KEN1203,1203", "KEN1207,1207").replace(
        "Unidentified Armed Group (Kenya),,3", "Military Forces of Kenya (2002-2013),,1")
    path = tmp_path / "legacy.csv"
    path.write_text("\n".join([header, legacy[5], state]) + "\n")
    result = _import(path)
    assert len(result.events) == 2 and result.report.errors.empty
    events = result.events.set_index("event_id_cnty")
    assert events.loc["KEN1203", "sub_event_type"] == "Remote explosive/landmine/IED"
    assert events.loc["KEN1207", "sub_event_type"] == "Air/drone strike"
    assert events["fatalities"].tolist() == [0, 0]
    reviews = result.side.set_index("event_id_cnty")["review"]
    assert all("no weapon" in r for r in reviews)
    assert result.meta["events_to_review"] == 2


# ---------------------------------------------------------------------------------------------
# spreadsheets, UCDP
# ---------------------------------------------------------------------------------------------


def test_a_workbook_whose_declared_range_is_malformed(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    frame = pd.read_csv(CURRENT, dtype=str, keep_default_na=False)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append([v if v != "" else None for v in row])
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    broken = tmp_path / "broken.xlsx"  # "1:6": rows without columns, as LibreOffice can write
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(broken, "w") as copy:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="1:6"', data)
            copy.writestr(info, data)
    result = _import(broken)
    assert result.report.ok, result.report.problems
    assert len(result.events) == 5
    assert "sheet_dimension_ignored" in result.meta


def test_ucdp_text_is_repaired_and_excel_dates_read_month_first(tmp_path):
    frame = pd.read_csv(FIXTURES / "ucdp_ged.csv", dtype=str, keep_default_na=False)
    frame.loc[0, "source_office"] = "@SANA_en Twitter"
    frame.loc[0, "date_start"] = frame.loc[0, "date_end"] = "2/7/2018 12:00:00 AM"
    frame.loc[1, "date_start"] = frame.loc[1, "date_end"] = "11/05/2019 00:00"
    frame.loc[2, "date_start"] = frame.loc[2, "date_end"] = "3/25/2020 12:00:00 AM"
    frame.loc[1, "source_office"] = "Radio\nOkapi"
    path = tmp_path / "ged.csv"
    path.write_bytes(frame.to_csv(index=False).encode("cp1252", errors="replace"))
    result = read_ucdp(path, today=TODAY)
    assert result.report.errors.empty, result.report.errors
    dates = result.events["event_date"].dt.strftime("%Y-%m-%d").tolist()
    assert dates[:3] == ["2018-02-07", "2019-11-05", "2020-03-25"]
    assert result.events["source"].iloc[0] == "SANA_en Twitter"
    kinds = set(result.repairs["repair"])
    assert {"formula_prefix", "line_break"} <= kinds
    notes = result.report.problems.query("rule == 'ambiguous_date'")
    assert "MM/DD/YYYY" in notes["message"].iloc[0]


# ---------------------------------------------------------------------------------------------
# the repairs table, the summary and the policy
# ---------------------------------------------------------------------------------------------


def test_repairs_of_rejected_events_are_left_out_and_ids_line_up(tmp_path):
    result = _import(_export(tmp_path, {
        ("SYR31599", "notes"): "Coalition aircraft struck. ",
        ("SYR31650", "event_date"): "sometime in Feb",  # rejected: no date
        ("SYR31650", "source"): "Hawar News ",
        ("KEN5530", "admin2"): "Westlands ",
    }))
    assert "SYR31650" not in set(result.events["event_id_cnty"])
    assert sorted(r[:2] for r in _repairs(result, "whitespace")) == [
        ["KEN5530", "admin2"], ["SYR31599", "notes"]]
    assert result.meta["events_repaired"] == len(set(result.repairs["event_id_cnty"]))


def test_every_repair_kind_has_its_line_in_the_policy():
    text = (ROOT / "docs" / "import-policy.md").read_text(encoding="utf-8")
    start, end = text.index(POLICY_BEGIN), text.index(POLICY_END) + len(POLICY_END)
    assert text[start:end] == policy_markdown(), (
        "docs/import-policy.md is out of step with repairs.REPAIR_KINDS: paste "
        "repairs.policy_markdown() between its markers")
    for code in REPAIR_KINDS:
        assert f"| `{code}` |" in text


def test_no_repair_kind_is_also_a_problem_code():
    assert not set(REPAIR_KINDS) & (set(CATALOGUE) - {"time_of_day"})


def test_a_dirty_file_imports_what_a_clean_one_does(tmp_path):
    clean = _import(CURRENT)
    dirty = _import(_export(tmp_path, {
        ("SYR31599", "notes"): " " + str(clean.events.loc[0, "notes"]) + "\u00a0",
        ("NIG11890", "source"): "Premium\r\nTimes",
        ("KEN5530", "disorder_type"): "demonstrations",
    }))
    dirty_events = dirty.events.copy()
    clean_events = clean.events.copy()
    dirty_events.loc[dirty_events["event_id_cnty"] == "NIG11890", "source"] = \
        clean_events.loc[clean_events["event_id_cnty"] == "NIG11890", "source"].to_numpy()
    pd.testing.assert_frame_equal(dirty_events, clean_events)
    assert dirty.events.set_index("event_id_cnty").loc["NIG11890", "source"] == "Premium Times"
    buffer = io.StringIO()
    dirty.repairs.to_csv(buffer, index=False)
    assert "demonstrations" in buffer.getvalue()


def test_replacing_and_taking_rows_chunk_by_chunk():
    """The column surgery the repairs use agrees with plain Python on sliced, chunked, nullable
    text (multi-byte characters, empty strings and nulls among the new values)."""
    import numpy as np
    import pyarrow as pa

    rng = np.random.default_rng(0)
    for _ in range(300):
        full = pa.array([f"v{j}é" if rng.random() > .1 else None
                         for j in range(rng.integers(0, 60))], pa.large_string())
        cuts = sorted(rng.integers(0, len(full) + 1, size=rng.integers(0, 4)))
        array = pa.chunked_array([full.slice(a, b - a) for a, b in
                                  zip([0, *cuts], [*cuts, len(full)], strict=True)],
                                 type=pa.large_string())
        rows = np.sort(rng.choice(len(array), rng.integers(0, len(array) + 1), replace=False))
        new = [f"X{r}ü" if rng.random() > .2 else (None if rng.random() > .5 else "")
               for r in rows]
        replaced = cleaning.replace_rows(array, rows, pa.array(new, pa.large_string()))
        replaced.validate(full=True)
        expected = array.to_pylist()
        for row, value in zip(rows, new, strict=True):
            expected[row] = value
        assert replaced.to_pylist() == expected
        assert cleaning.take_rows(array, rows).to_pylist() == [array.to_pylist()[r]
                                                                for r in rows]
