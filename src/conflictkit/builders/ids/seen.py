"""Numbers already taken, per ID prefix, outside the contribution files.

A new ID must not reuse a number that was ever published: everything in the latest release's
events (only the `event_id_cnty` column is read), its `deletions.csv` (carried forward across
releases, so the latest holds every deleted ID), and canonical batches under `imports/`. Only the
prefixes that need a number are looked at, with pyarrow compute over the whole column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from conflictkit.builders.ids.model import ID_COLUMN
from conflictkit.errors import InputFileError


def is_release_dir(path: Path) -> bool:
    return path.is_dir() and ((path / "events.parquet").is_file() or (path / "events").is_dir())


def latest_release(dataset: Path) -> Path | None:
    """The newest release of a dataset by version order (the release part's rules), or None.

    Releases live where `conflictkit release` writes them (`[release] directory` of
    conflictkit.toml, default `releases/`). The newest version is taken even if it is broken
    (reading it then fails loudly): falling back to an older one could hand out numbers the
    newest release already published.
    """
    from conflictkit.builders.release.gather import default_output_root
    from conflictkit.builders.release.versions import existing_versions

    root = default_output_root(dataset)
    versions = existing_versions(root)
    return root / versions[-1] if versions else None


def _release_ids(release: Path):
    """The ID column of a release: single file or hive-partitioned `events/` directory."""
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    single = release / "events.parquet"
    try:
        if single.is_file():
            return pq.read_table(single, columns=[ID_COLUMN]).column(ID_COLUMN)
        dataset = ds.dataset(release / "events", format="parquet", partitioning="hive")
        return dataset.to_table(columns=[ID_COLUMN]).column(ID_COLUMN)
    except (OSError, KeyError, ValueError) as exc:
        raise InputFileError(str(single if single.exists() else release / "events"),
                             f"cannot read the release's {ID_COLUMN} column: {exc}") from exc


def _deleted_ids(release: Path):
    import pyarrow as pa
    import pyarrow.csv as pcsv

    path = release / "deletions.csv"
    if not path.is_file():
        return None
    try:
        table = pcsv.read_csv(
            path,
            convert_options=pcsv.ConvertOptions(include_columns=[ID_COLUMN],
                                                column_types={ID_COLUMN: pa.string()}),
        )
    except (OSError, KeyError, ValueError, pa.ArrowInvalid) as exc:
        raise InputFileError(str(path), f"cannot read deleted IDs: {exc}") from exc
    return table.column(ID_COLUMN)


def _import_ids(dataset: Path) -> Iterable:
    import pyarrow.parquet as pq

    root = dataset / "imports"
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*.parquet")):
        if path.name.endswith(".provenance.parquet"):
            continue
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
    release = release if release is not None else latest_release(dataset)
    columns: list = list(_import_ids(dataset))
    if release is not None:
        if not is_release_dir(release):
            raise InputFileError(str(release), "not a release directory (no events.parquet)")
        columns += [_release_ids(release), _deleted_ids(release)]
    return max_numbers(columns, prefixes), release
