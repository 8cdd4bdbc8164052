"""A dataset that holds imports releases: the README's commands, run as a user runs them.

`conflictkit import ... -o imports/NAME.parquet` writes the batch and its provenance sidecar
beside it; validate, ids and release must take the batch as events and the sidecar as its
provenance (never as a batch of its own), and the release's provenance.parquet must carry the
imported events' origin, export file, line and era.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
