"""A dataset that holds imports releases: the README's commands, run as a user runs them.

`conflictkit import ... -o imports/NAME.parquet` writes the batch and its provenance sidecar
beside it; validate, ids and release must take the batch as events and the sidecar as its
provenance (never as a batch of its own), and the release's provenance.parquet must carry the
imported events' origin, export file, line and era.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def ck(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "conflictkit.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_import_then_release_as_the_readme_says(tmp_path: Path) -> None:
    assert ck("init", "my-dataset", cwd=tmp_path).returncode == 0
    dataset = tmp_path / "my-dataset"
    # README: conflictkit import acled <export>.csv -o imports/acled.parquet (in the dataset)
    run = ck("import", "acled", str(FIXTURES / "acled_current.csv"), "-o",
             "imports/acled.parquet", "--today", "2025-01-01", cwd=dataset)
    assert run.returncode == 0, run.stderr
    assert (dataset / "imports" / "acled.provenance.parquet").is_file()

    checked = ck("validate", ".", "--format", "json", cwd=dataset)
    document = json.loads(checked.stdout)
    assert checked.returncode == 0, checked.stdout
    # the example event plus the 5 imported ones; the sidecar is not read as events
    assert document["summary"]["records"] == 6

    assert ck("ids", "assign", ".", cwd=dataset).returncode == 0
    released = ck("release", ".", "--version", "1.0.0", "--format", "json", cwd=dataset)
    assert released.returncode == 0, released.stdout + released.stderr
    assert json.loads(released.stdout)["events"] == 6
    release = dataset / "releases" / "1.0.0"
    assert ck("verify", str(release), cwd=dataset).returncode == 0

    provenance = pq.read_table(release / "provenance.parquet").to_pylist()
    imported = [row for row in provenance if row["origin"] == "import"]
    assert len(imported) == 5
    assert {row["file"] for row in imported} == {"imports/acled.parquet"}
    assert {row["source_file"] for row in imported} == {"acled_current.csv"}
    assert {row["source_era"] for row in imported} == {"acled"}
    assert sorted(row["line"] for row in imported) == [2, 3, 4, 5, 6]
    [own] = [row for row in provenance if row["origin"] == "contribution"]
    assert own["file"].startswith("events/") and own["source_file"] is None


def test_an_edited_sidecar_is_reported_and_the_batch_still_releases(tmp_path: Path) -> None:
    assert ck("init", "ds", cwd=tmp_path).returncode == 0
    dataset = tmp_path / "ds"
    assert ck("import", "acled", str(FIXTURES / "acled_current.csv"), "-o",
              "imports/a.parquet", "--today", "2025-01-01", cwd=dataset).returncode == 0
    sidecar = dataset / "imports" / "a.provenance.parquet"
    pq.write_table(pq.read_table(sidecar).slice(1), sidecar)  # one row short now
    checked = ck("validate", ".", "--format", "json", cwd=dataset)
    document = json.loads(checked.stdout)
    assert checked.returncode == 0  # a warning: the events themselves are fine
    assert [p["rule"] for p in document["problems"]
            if p["severity"] == "warning" and p["file"].endswith("a.parquet")] == [
        "provenance_sidecar"]


def test_a_sidecar_named_on_the_command_line_is_a_usage_error(tmp_path: Path) -> None:
    out = tmp_path / "b.parquet"
    assert ck("import", "acled", str(FIXTURES / "acled_current.csv"), "-o", str(out),
              "--today", "2025-01-01", cwd=tmp_path).returncode == 0
    run = ck("validate", str(tmp_path / "b.provenance.parquet"), cwd=tmp_path)
    assert run.returncode == 2
    assert "side table of an imported batch" in run.stderr


def _export(tmp_path: Path, name: str, edit: dict[str, dict[str, str]], only: list[str] | None
            = None) -> Path:
    """acled_current.csv with the cells in `edit` ({event ID: {column: value}}) changed."""
    rows = pd.read_csv(FIXTURES / "acled_current.csv", dtype=str, keep_default_na=False)
    for event_id, cells in edit.items():
        for column, value in cells.items():
            rows.loc[rows["event_id_cnty"] == event_id, column] = value
    if only is not None:
        rows = rows[rows["event_id_cnty"].isin(only)]
    path = tmp_path / name
    rows.to_csv(path, index=False)
    return path


def test_a_release_publishes_the_repairs_of_the_events_it_holds(tmp_path: Path) -> None:
    assert ck("init", "ds", "-q", cwd=tmp_path).returncode == 0
    dataset = tmp_path / "ds"
    with (FIXTURES / "acled_current.csv").open(encoding="utf-8") as handle:
        stamp = int(next(csv.DictReader(handle))["timestamp"])
    old = _export(tmp_path, "old.csv", {"KEN5521": {"source": "-Daily Nation"},
                                        "SYR31650": {"notes": "Protest.\u00a0"}})
    # a later export revises SYR31650 (new fatalities, newer timestamp) with its own defect
    new = _export(tmp_path, "new.csv", {"SYR31650": {
        "civilian_targeting": "NA", "fatalities": "3", "timestamp": str(stamp + 10**6)}},
        only=["SYR31650"])
    for source, name in ((old, "old"), (new, "new")):
        run = ck("import", "acled", str(source), "-o", f"imports/{name}.parquet",
                 "--today", "2025-01-01", cwd=dataset)
        assert run.returncode == 0, run.stderr
    released = ck("release", ".", "--version", "1.0.0", cwd=dataset)
    assert released.returncode == 0, released.stdout + released.stderr
    release = dataset / "releases" / "1.0.0"
    assert ck("verify", str(release), cwd=dataset).returncode == 0

    repairs = pq.read_table(release / "repairs.parquet").to_pylist()
    found = {(r["event_id_cnty"], r["column"], r["repair"]): r["original"] for r in repairs}
    assert found[("KEN5521", "source", "formula_prefix")] == "-Daily Nation"
    assert found[("SYR31650", "civilian_targeting", "na_token")] == "NA"
    # the older copy of SYR31650 lost the fold: its repairs describe no released value
    assert ("SYR31650", "notes", "whitespace") not in found
    released_ids = set(pq.read_table(release / "events.parquet").column(
        "event_id_cnty").to_pylist())
    assert {key[0] for key in found} <= released_ids
    assert len(found) == len(repairs)  # one row per event, column and kind of repair

    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    [resource] = [r for r in package["resources"] if r["path"] == "repairs.parquet"]
    assert resource["rows"] == len(repairs)
    assert resource["schema"]["primaryKey"] == ["event_id_cnty", "column", "repair"]
    assert "formula_prefix" in (release / "report.html").read_text(encoding="utf-8")


def test_a_release_without_imports_has_an_empty_repairs_table(tmp_path: Path) -> None:
    assert ck("init", "ds", "-q", cwd=tmp_path).returncode == 0
    dataset = tmp_path / "ds"
    assert ck("release", ".", "--version", "1.0.0", "-q", cwd=dataset).returncode == 0
    table = pq.read_table(dataset / "releases" / "1.0.0" / "repairs.parquet")
    assert table.num_rows == 0
    assert table.column_names == ["event_id_cnty", "column", "repair", "original"]
