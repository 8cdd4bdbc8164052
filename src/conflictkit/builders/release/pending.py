"""What a pull request changes: a dataset's events as its files hold them, against a release.

The files' events (read as `validate` reads them: derived columns filled) are put through what
a release build does with them before comparing: candidates are left out (unless the dataset's
``[release] include_candidates``), the events become the build's Arrow table
(`build.working_table`) and are compared with the release by `compare.compare_tables`, the
release streamed batch by batch. So the counts are what the next release would report:
"deleted" is an event the release publishes that the files no longer hold. A repeated ID is
compared once (its first record; the check already rejects the copies), and an event without
an ID is new.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from conflictkit.builders.release.build import working_table
from conflictkit.builders.release.changeset import PREVIOUS_COLUMNS, ChangeSet, change_set
from conflictkit.builders.release.compare import ID, compare_tables
from conflictkit.builders.release.gather import CANDIDATE
from conflictkit.builders.release.previous import file_batches, read_ids
from conflictkit.layout.release import event_files

if TYPE_CHECKING:
    import pandas as pd

#: how the files' side of the comparison is named
FILES_LABEL = "the dataset's files"


def _where(side: pd.DataFrame) -> tuple[pa.Array, pa.Array]:
    """file and line of each event; an imported event's line is its export's, not the
    batch's, so only a contribution file's line is kept."""
    files = pa.array(side["file"].astype("str"), from_pandas=True).cast(pa.string())
    lines = side["line"].to_numpy(dtype="float64", na_value=0).astype(np.int64)
    if "origin" in side:
        lines = np.where(side["origin"].astype("str").eq("contribution").to_numpy(dtype=bool,
                                                                                  na_value=False),
                         lines, 0)
    return files, pa.array(lines, pa.int64())


def pending_changes(events: pd.DataFrame, side: pd.DataFrame, release: str | Path, *,
                    include_candidates: bool = False) -> ChangeSet:
    """Compare the files' `events` (their `side` row-aligned) with the release directory
    `release`: what a release built from these files would add, modify and delete."""
    status = side["status"].astype("str").str.strip().str.lower() if "status" in side else None
    candidate = (status.eq(CANDIDATE).to_numpy(dtype=bool, na_value=False)
                 if status is not None and not include_candidates
                 else np.zeros(len(events), dtype=bool))
    ids = events[ID]
    repeated = (ids.duplicated(keep="first") & ids.notna()).to_numpy(dtype=bool)
    keep = ~candidate & ~repeated
    if not keep.all():
        events = events[keep].reset_index(drop=True)
        side = side[keep].reset_index(drop=True)
    table = working_table(events)
    files, lines = _where(side)
    table = table.append_column("file", files).append_column("line", lines)

    release = Path(release)
    old_files = event_files(release)
    previous = read_ids(old_files, PREVIOUS_COLUMNS)
    comparison = compare_tables(table, file_batches(old_files), old_ids=previous.column(ID),
                                keep_old_modified=True)
    left_out = {"candidates": int(candidate.sum()),
                "repeated_ids": int((repeated & ~candidate).sum())}
    return change_set(table, previous, comparison, old=f"release {release.name}",
                      new_label=FILES_LABEL, left_out=left_out)
