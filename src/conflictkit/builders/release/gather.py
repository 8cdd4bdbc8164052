"""From a dataset repository to a release: gather its events, leave out candidates, build.

Reading and checking are `read_dataset`'s (the same report `conflictkit validate` gives);
this module only decides what goes into the release: events whose side field ``status`` is
``candidate`` stay out (counted) unless ``[release] include_candidates = true``, and their
problems do not block the release. Provenance file paths are made relative to the dataset so
a rebuild from another checkout is byte-identical.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from conflictkit.builders.release.build import Progress, ReleaseResult, build_release
from conflictkit.builders.release.metadata import read_metadata
from conflictkit.layout.dataset import open_dataset
from conflictkit.problems.report import Report

if TYPE_CHECKING:
    import pandas as pd

CANDIDATE = "candidate"


@dataclass
class Gathered:
    """The events a release will hold, their provenance and the report about them."""

    events: pd.DataFrame
    side: pd.DataFrame
    report: Report
    candidates_left_out: int


def _relative_files(side: pd.DataFrame, dataset_dir: Path) -> pd.DataFrame:
    """`file` relative to the dataset directory (mapped once per distinct path)."""
    if "file" not in side:
        return side
    base = dataset_dir.resolve()
    mapping = {}
    for value in side["file"].dropna().unique():
        try:
            mapping[value] = Path(value).resolve().relative_to(base).as_posix()
        except ValueError:
            mapping[value] = value
    side = side.copy()
    side["file"] = side["file"].map(mapping).astype("str")
    return side


def leave_out_candidates(events: pd.DataFrame, side: pd.DataFrame, report: Report
                         ) -> Gathered:
    """Drop candidate rows and their problems; renumber the remaining problems' records."""
    status = side.get("status")
    if status is None:
        return Gathered(events, side, report, 0)
    candidate = (status.astype("str").str.strip().str.lower() == CANDIDATE).fillna(False)
    candidate = candidate.to_numpy(dtype=bool)
    count = int(candidate.sum())
    if not count:
        return Gathered(events, side, report, 0)
    keep = ~candidate
    new_position = np.cumsum(keep) - 1
    problems = report.problems
    record = problems["record"].to_numpy()
    on_row = record >= 0
    dropped = np.zeros(len(problems), dtype=bool)
    dropped[on_row] = candidate[record[on_row]]
    problems = problems[~dropped].copy()
    rows = problems["record"].to_numpy()
    problems["record"] = np.where(rows >= 0, new_position[np.clip(rows, 0, None)], rows)
    kept_report = Report(report.records - count, problems.reset_index(drop=True), report.files)
    return Gathered(events[keep].reset_index(drop=True), side[keep].reset_index(drop=True),
                    kept_report, count)


def gather_dataset(dataset_dir: str | Path, progress: Progress | None = None) -> Gathered:
    """Every event of the dataset that a release would publish, checked."""
    from conflictkit.builders.contributions import read_dataset

    dataset = open_dataset(dataset_dir)
    batch = read_dataset(dataset.root, progress=progress)
    side = _relative_files(batch.side, dataset.root)
    if dataset.settings("release").get("include_candidates", False) is True:
        return Gathered(batch.events, side, batch.report, 0)
    return leave_out_candidates(batch.events, side, batch.report)


def release_dataset(
    dataset_dir: str | Path,
    *,
    version: str,
    out: str | Path | None = None,
    timestamp: str | int | None = None,
    partition: str | None = None,
    progress: Progress | None = None,
) -> ReleaseResult:
    """Build ``<out>/<version>/`` from a dataset repository (what `conflictkit release` does).

    Raises ReleaseRefused (carrying the validation report) when any event to publish is
    invalid; nothing is written then.
    """
    from conflictkit.layout.versions import check_version

    dataset = open_dataset(dataset_dir)
    check_version(version)
    if progress:
        progress(f"reading {dataset.root}")
    gathered = gather_dataset(dataset.root, progress)
    return build_release(
        gathered.events, gathered.side,
        root=Path(out) if out is not None else dataset.releases_dir,
        version=version, timestamp=timestamp,
        partition=partition or str(dataset.settings("release").get("partition", "auto")),
        metadata=read_metadata(dataset.root), candidates_left_out=gathered.candidates_left_out,
        report=gathered.report, validate="caller", progress=progress,
    )
