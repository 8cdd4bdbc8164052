"""Every real export in ../shared/real in one dataset with hand-coded events: imported with
the CLI as a user would, validated with no error, released, verified and loaded, the counts
adding up at each step.

The three UCDP files are three pulls of one file (their events overlap) and must fold into one
event each, never block the release. Skipped when the folder is absent; nothing from it is
copied into the repository.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from realdata import REAL, ROOT, manifest

FILES = manifest()
EXAMPLE = ROOT / "examples" / "dataset"


def ck(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "conflictkit", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> tuple[Path, dict[str, dict]]:
    root = tmp_path_factory.mktemp("real") / "ds"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("releases"))
    imports = {}
    for entry in FILES:
        kind = "ucdp" if entry["file"].startswith("ucdp") else "acled"
        stem = Path(entry["file"]).stem
        run = ck("import", kind, str(REAL / entry["file"]), "-o", f"imports/{stem}.parquet",
                 "--today", "2026-06-01", "--format", "json", cwd=root)
        assert run.returncode in (0, 1), run.stderr
        imports[entry["file"]] = json.loads(run.stdout)
    return root, imports


def test_every_export_keeps_99_percent_with_counts_that_add_up(dataset) -> None:
    _, imports = dataset
    for entry in FILES:
        summary = imports[entry["file"]]["summary"]
        assert summary["records"] == int(entry["rows"]), entry["file"]
        assert summary["accepted"] + summary["rejected"] == summary["records"]
        assert summary["accepted"] >= 0.99 * summary["records"], entry["file"]


def test_the_dataset_validates_releases_verifies_and_loads(dataset) -> None:
    root, _ = dataset
    checked = ck("validate", ".", "--format", "json", cwd=root)
    report = json.loads(checked.stdout)
    assert report["summary"]["errors"] == 0, [p for p in report["problems"]
                                              if p["severity"] == "error"][:5]
    folded = [p for p in report["problems"] if p["rule"] == "imports_folded"]
    assert len(folded) == 1  # the three UCDP pulls overlap: folded, counted, never blocking
    released = ck("release", ".", "--version", "1.0.0", "--timestamp", "2026-06-01",
                  "--format", "json", cwd=root)
    assert released.returncode == 0, released.stdout[-2000:]
    events = json.loads(released.stdout)["events"]
    release = root / "releases" / "1.0.0"
    assert ck("verify", str(release), cwd=root).returncode == 0

    import conflictkit as ck_api

    frame = ck_api.load(release)
    summary = json.loads(released.stdout)
    # every record read, minus the copies folded and the candidates left out, is published
    assert events == len(frame) == len(frame["event_id_cnty"].unique())
    assert events == (report["summary"]["records"] - int(folded[0]["value"])
                      - summary["candidates_left_out"])
    assert int(folded[0]["value"]) >= 3000  # the overlapping UCDP pulls
    ucdp = frame[frame["event_id_cnty"].str.fullmatch(r"[A-Z]{2,4}8\d{8}")]
    assert len(ucdp) >= 3883 and ucdp["source_scale"].isna().all()
    own = frame[frame["country"] == "Syria"]  # the hand-coded seed event is there too
    assert (own["fatalities"] == 100).any()
