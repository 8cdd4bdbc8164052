"""Numbers already taken, per ID prefix, outside the contribution files.

A new ID must not reuse a number that was ever published: everything in the latest release's
events (only the `event_id_cnty` column is read), its deleted IDs, and the imported batches.
Only the prefixes that need a number are looked at, with pyarrow compute over the whole column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from conflictkit.builders.ids.model import ID_COLUMN
from conflictkit.errors import ConflictkitError, InputFileError
from conflictkit.layout.dataset import Dataset, open_dataset
from conflictkit.layout.release import is_release, read_deletions, read_event_ids


def latest_release(dataset: Path) -> Path | None:
    """The newest release of a dataset (by version order, under its [release] directory),
    even a broken one: falling back to an older release could hand out numbers the newest
    already published."""
    return open_dataset(dataset).latest_release()


def _release_columns(release: Path) -> list:
    """The ID column of a release's events and of its deletions (carried forward, so the
    latest release holds every deleted ID)."""
    if not is_release(release):
        raise InputFileError(str(release), "not a release directory (no events.parquet)")
    try:
        return [read_event_ids(release), read_deletions(release).column(ID_COLUMN)]
    except ConflictkitError as exc:
        raise InputFileError(str(release), f"cannot read its {ID_COLUMN}s: {exc}") from exc


def _import_ids(dataset: Dataset) -> Iterable:
    """The ID column of every imported batch (never of their sidecars)."""
    import pyarrow.parquet as pq

    for path in dataset.import_batches():
        try:
            schema = pq.read_schema(path)
            if ID_COLUMN in schema.names:
                yield pq.read_table(path, columns=[ID_COLUMN]).column(ID_COLUMN)
        except (OSError, ValueError) as exc:
            raise InputFileError(str(path), f"cannot read {ID_COLUMN}: {exc}") from exc


def max_numbers(columns: Iterable, prefixes: Iterable[str]) -> dict[str, int]:
    """Highest number used with each prefix across the given Arrow string columns."""
    import pyarrow as pa
    import pyarrow.compute as pc

    wanted = sorted(set(prefixes))
    best: dict[str, int] = {}
    for column in columns:
        if column is None or len(column) == 0:
            continue
        column = pc.cast(column, pa.string())
        for prefix in wanted:
            # at most 18 digits so the number fits int64; longer ones cannot be ACLED IDs anyway
            mask = pc.match_substring_regex(column, f"^{re.escape(prefix)}[0-9]{{1,18}}$")
            matched = pc.filter(column, pc.fill_null(mask, False))
            if len(matched) == 0:
                continue
            numbers = pc.cast(pc.utf8_slice_codeunits(matched, len(prefix)), pa.int64())
            top = pc.max(numbers).as_py()
            if top is not None and top > best.get(prefix, -1):
                best[prefix] = top
    return best


def published_numbers(dataset: Path, prefixes: Iterable[str],
                      release: Path | None = None) -> tuple[dict[str, int], Path | None]:
    """Highest taken number per prefix in the release (events + deletions) and imports.

    `release` overrides the dataset's latest release. Returns the numbers and the release read.
    """
    repository = open_dataset(dataset)
    release = release if release is not None else latest_release(dataset)
    columns: list = list(_import_ids(repository))
    if release is not None:
        columns += _release_columns(release)
    return max_numbers(columns, prefixes), release
