"""Imported records of one event fold into one event: in one export and across imports.

The same source ID in two imported records is one event (ACLED's update model): identical
records merge silently, counted; records that differ keep the one with the newer source
timestamp, the older named in provenance. Hand-coded records never merge: two with one ID are
an error a person fixes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from test_release_fixtures import make_events

from conflictkit.builders.importers.acled import read_acled
from conflictkit.builders.overlaps import fold_same_ids, renumber
from conflictkit.problems.report import problems_frame

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def _events(ids: list[str], stamps: list[int | None], notes: list[str]) -> pd.DataFrame:
    """One event repeated, differing only in the ID, timestamp and notes given."""
    events = make_events(1).iloc[[0] * len(ids)].reset_index(drop=True)
    events["event_id_cnty"] = pd.Series(ids, dtype="str")
    events["timestamp"] = pd.Series(stamps, dtype="Int64")
    events["notes"] = pd.Series(notes, dtype="str")
    return events


def test_identical_copies_merge_and_the_newer_version_wins() -> None:
    events = _events(["A1", "A1", "B2", "B2", "B2", "C3"], [5, 5, 1, 9, 3, 1],
                     ["x", "x", "old", "new", "older", "c"])
    files = np.array(["a.parquet"] * 3 + ["b.parquet"] * 3, dtype=object)
    lines = np.array([2, 3, 4, 2, 3, 4])
    folded = fold_same_ids(events, None, files, lines)
    assert folded.keep.tolist() == [True, False, False, True, False, True]
    assert (folded.identical, folded.superseded) == (1, 2)
    assert folded.notes == {3: "replaces an older version of this event at a.parquet:4, "
                               "b.parquet:3"}


def test_a_tie_keeps_the_later_record_and_no_timestamp_is_oldest() -> None:
    events = _events(["A1", "A1", "B2", "B2"], [None, None, None, 7], ["a", "b", "c", "d"])
    folded = fold_same_ids(events, None, np.array(["f"] * 4, dtype=object), np.arange(1, 5))
    assert folded.keep.tolist() == [False, True, False, True]


def test_records_that_are_not_eligible_never_merge() -> None:
    events = _events(["A1", "A1", "A1"], [1, 1, 1], ["x", "x", "x"])
    eligible = np.array([False, True, True])  # the first is hand-coded
    folded = fold_same_ids(events, eligible, np.array(["f"] * 3, dtype=object), np.ones(3))
    assert folded.keep.tolist() == [True, True, False]
    assert fold_same_ids(events, np.zeros(3, dtype=bool), np.array(["f"] * 3, dtype=object),
                         np.ones(3)).folded == 0


def test_problems_of_dropped_records_go_and_the_rest_are_renumbered() -> None:
    problems = problems_frame([{"record": 0, "rule": "required"},
                               {"record": 1, "rule": "required"},
                               {"record": 2, "rule": "vocabulary"},
                               {"record": -1, "rule": "no_files"}])
    kept = renumber(problems, np.array([True, False, True]))
    assert list(zip(kept["record"], kept["rule"], strict=True)) == [
        (0, "required"), (1, "vocabulary"), (-1, "no_files")]


def _export_with(tmp_path: Path, extra_rows: str) -> Path:
    text = (FIXTURES / "acled_current.csv").read_text(encoding="utf-8")
    path = tmp_path / "twice.csv"
    path.write_text(text.rstrip("\n") + "\n" + extra_rows, encoding="utf-8")
    return path


def test_an_export_listing_an_event_twice_imports_it_once(tmp_path: Path) -> None:
    lines = (FIXTURES / "acled_current.csv").read_text(encoding="utf-8").splitlines()
    same = _export_with(tmp_path, lines[1] + "\n")  # the first event again, unchanged
    result = read_acled(same)
    assert result.report.ok and result.report.records == 6
    assert len(result.events) == 5 and result.meta["copies_merged"] == 1
    header = lines[0].split(",")
    stamp = header.index("timestamp")
    row = next(iter(pd.read_csv(FIXTURES / "acled_current.csv", dtype=str,
                                keep_default_na=False).itertuples(index=False)))
    newer = list(row)
    newer[header.index("fatalities")] = "9"
    newer[stamp] = str(int(newer[stamp]) + 100)
    changed = pd.DataFrame([newer], columns=header).to_csv(index=False, header=False)
    result = read_acled(_export_with(tmp_path, changed))
    assert result.report.ok and len(result.events) == 5
    kept = result.events.set_index("event_id_cnty").loc[row.event_id_cnty]
    assert kept["fatalities"] == 9 and result.meta["versions_superseded"] == 1
    note = result.side.set_index("event_id_cnty").loc[row.event_id_cnty, "superseded"]
    assert "twice.csv:2" in note


def ck(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "conflictkit", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_two_overlapping_imports_release_one_event_each(tmp_path: Path) -> None:
    assert ck("init", "ds", "-q", cwd=tmp_path).returncode == 0
    dataset = tmp_path / "ds"
    for name in ("first", "second"):
        assert ck("import", "acled", str(FIXTURES / "acled_current.csv"), "-o",
                  f"imports/{name}.parquet", "--today", "2025-01-01", cwd=dataset).returncode == 0
    checked = json.loads(ck("validate", ".", "--format", "json", cwd=dataset).stdout)
    assert checked["summary"]["errors"] == 0
    [folded] = [p for p in checked["problems"] if p["rule"] == "imports_folded"]
    assert folded["value"] == "5" and "5 identical copies merged" in folded["message"]
    released = ck("release", ".", "--version", "1.0.0", "--format", "json", cwd=dataset)
    assert released.returncode == 0, released.stdout
    assert json.loads(released.stdout)["events"] == 6  # 5 imported once + the example event
    provenance = pq.read_table(dataset / "releases" / "1.0.0" / "provenance.parquet")
    assert set(provenance.column("file").to_pylist()) >= {"imports/first.parquet"}


def test_hand_coded_records_with_one_id_are_still_an_error(tmp_path: Path) -> None:
    assert ck("init", "ds", "-q", cwd=tmp_path).returncode == 0
    dataset = tmp_path / "ds"
    example = (dataset / "events" / "example.yaml").read_text()
    (dataset / "events" / "copy.yaml").write_text(example)
    checked = json.loads(ck("validate", ".", "--format", "json", cwd=dataset).stdout)
    assert {p["rule"] for p in checked["problems"] if p["severity"] == "error"} == {
        "duplicate_id"}
