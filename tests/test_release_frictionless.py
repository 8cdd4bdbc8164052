"""A release's datapackage.json passes frictionless itself, in both event layouts.

Frictionless reads every resource, checks it against the schema datapackage.json declares
(fields, types, constraints, row counts, hashes where it can) and reports any mismatch; a
release that declares what it holds must pass with no error and no warning.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

frictionless = pytest.importorskip("frictionless")

from conflictkit.builders.release.gather import release_dataset  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "dataset"


@pytest.mark.parametrize("partition", ["none", "year"])
def test_frictionless_validates_the_release(tmp_path: Path, partition: str) -> None:
    dataset = tmp_path / "dataset"
    shutil.copytree(EXAMPLE, dataset, ignore=shutil.ignore_patterns("releases"))
    result = release_dataset(dataset, version="1.0.0", out=tmp_path / "out",
                             timestamp=1_700_000_000, partition=partition)
    assert result.layout == ("year" if partition == "year" else "single")
    report = frictionless.validate(str(result.path / "datapackage.json"))
    problems = [(task.name, error.type, error.message) for task in report.tasks
                for error in task.errors]
    assert report.valid, problems
    assert not [w for task in report.tasks for w in task.warnings] and not report.warnings
    # every file of the release is checked, one task per resource
    described = {task.name for task in report.tasks}
    assert {"events-csv", "deletions", "provenance", "changelog", "codebook"} <= described
    assert any(name == "events" or name.startswith("events-2") for name in described)
