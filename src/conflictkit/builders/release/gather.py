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
    import pyarrow as pa

    from conflictkit.layout.dataset import Dataset

CANDIDATE = "candidate"


@dataclass
class Gathered:
    """The events a release will hold, their provenance and the report about them."""

    events: pd.DataFrame
    side: pd.DataFrame
    report: Report
    candidates_left_out: int
    repairs: pa.Table | None = None


def _relative(path: str | Path, dataset_dir: Path) -> str:
    """`path` relative to the dataset directory, as the release's provenance names it."""
    try:
        return Path(path).resolve().relative_to(dataset_dir.resolve()).as_posix()
    except ValueError:
        return str(path)


def _relative_files(side: pd.DataFrame, dataset_dir: Path) -> pd.DataFrame:
    """`file` relative to the dataset directory (mapped once per distinct path)."""
    if "file" not in side:
        return side
    mapping = {value: _relative(value, dataset_dir) for value in side["file"].dropna().unique()}
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
        gathered = Gathered(batch.events, side, batch.report, 0)
    else:
        gathered = leave_out_candidates(batch.events, side, batch.report)
    gathered.repairs = imported_repairs(dataset, gathered.events, gathered.side)
    return gathered


def imported_repairs(dataset: Dataset, events: pd.DataFrame, side: pd.DataFrame
                     ) -> pa.Table | None:
    """The repairs of the imported events a release publishes: each import batch's repairs
    sidecar, kept for the events the release takes from that batch (an event two batches
    both hold keeps the repairs of the copy that won the fold). None when no batch has one."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from conflictkit.errors import ConflictkitError
    from conflictkit.layout.dataset import sidecar_path
    from conflictkit.layout.release import ID, repairs_schema

    schema = repairs_schema()

    if "file" not in side or ID not in events:
        return None
    files = side["file"].astype("str").to_numpy()
    ids = events[ID].astype("str").to_numpy()
    parts = []
    for batch in dataset.import_batches():
        path = sidecar_path(batch, "repairs")
        if not path.is_file():
            continue
        kept = pa.array(ids[files == _relative(batch, dataset.root)], pa.string())
        try:
            table = pq.read_table(path, columns=schema.names)
            table = pa.table([table.column(f.name).cast(f.type) for f in schema],
                             schema=schema)
        except (OSError, KeyError, pa.ArrowException) as exc:
            raise ConflictkitError(f"{path}: cannot read the repairs beside {batch.name}: "
                                   f"{exc}") from exc
        parts.append(table.filter(pc.is_in(table.column(ID), kept)))
    return pa.concat_tables(parts) if parts else None


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
        repairs=gathered.repairs,
    )
