"""What an imported event must hold is declared once, by origin, and every step agrees.

A column an export's era never recorded (source_scale in UCDP GED and ACLED's legacy files) may
stay blank for events of that origin: the importer keeps them, `validate` accepts them, a
release publishes them. A hand-coded event must still fill it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from conflictkit.builders.importers.eras import LEGACY
from conflictkit.builders.importers.registry import ERAS
from conflictkit.schema.columns import COLUMN_NAMES, REQUIRED_COLUMNS
from conflictkit.schema.origins import ORIGINS, blank_allowed
from conflictkit.schema.pandera_schema import validate_with_pandera
from conflictkit.schema.validate import validate_events

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def test_every_import_era_is_an_origin_and_blanks_only_what_it_lacks() -> None:
    assert {era.name for era in ERAS} == set(ORIGINS)
    for era in ERAS:
        unrecorded = set(ORIGINS[era.name].unrecorded)
        assert unrecorded <= set(REQUIRED_COLUMNS)
        if era.acled_names:  # named as ACLED's: what it lacks is visible in its header
            present = {era.target_of(c) for c in era.columns}
            assert not unrecorded & present, era.name
    assert "source_scale" not in {LEGACY.target_of(c) for c in LEGACY.columns}
    assert ORIGINS["acled-legacy"].unrecorded == ("source_scale",)


def _events(n: int) -> pd.DataFrame:
    from test_release_fixtures import make_events

    events = make_events(n)
    events["source_scale"] = pd.Series([None] * n, dtype="str")
    return events


def test_a_blank_unrecorded_column_is_an_error_only_without_that_origin() -> None:
    events = _events(4)
    origins = np.array(["ucdp-ged", None, "acled-api-v3", "acled-legacy"], dtype=object)
    for engine in (validate_events, validate_with_pandera):
        report = engine(events, today="2030-01-01", origins=origins)
        blanks = report.problems[(report.problems["rule"] == "required")
                                 & (report.problems["column"] == "source_scale")]
        assert sorted(blanks["record"]) == [1, 2], engine.__name__
    hand_coded = validate_events(events, today="2030-01-01")
    assert (hand_coded.problems["column"] == "source_scale").sum() == 4
    assert blank_allowed("source_scale", origins, 4).tolist() == [True, False, False, True]
    assert not blank_allowed("notes", origins, 4).any()


def ck(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "conflictkit", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_a_ucdp_import_validates_and_releases_with_source_scale_blank(tmp_path: Path) -> None:
    assert ck("init", "ds", "-q", cwd=tmp_path).returncode == 0
    dataset = tmp_path / "ds"
    imported = ck("import", "ucdp", str(FIXTURES / "ucdp_ged.csv"), "-o", "imports/ucdp.parquet",
                  "--today", "2025-01-01", "--format", "json", cwd=dataset)
    document = json.loads(imported.stdout)
    kept = document["summary"]["accepted"]
    assert kept > 0
    warned = [p for p in document["problems"] if p["rule"] == "missing_column"]
    assert [p["column"] for p in warned] == ["source_scale"]
    assert not [p for p in document["problems"] if p["rule"] == "required"]
    checked = ck("validate", "imports/ucdp.parquet", "--format", "json", cwd=dataset)
    report = json.loads(checked.stdout)
    assert report["summary"]["errors"] == 0, report["problems"][:3]
    released = ck("release", ".", "--version", "1.0.0", "--format", "json", cwd=dataset)
    assert released.returncode == 0, released.stdout
    events = pd.read_parquet(dataset / "releases" / "1.0.0" / "events.parquet")
    assert events["source_scale"].isna().sum() == kept
    assert list(events.columns) == list(COLUMN_NAMES)
    # the published release validates too: its provenance says where each event came from
    again = ck("validate", "releases/1.0.0", "--format", "json", cwd=dataset)
    assert json.loads(again.stdout)["summary"]["errors"] == 0
