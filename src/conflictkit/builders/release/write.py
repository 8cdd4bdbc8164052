"""Writing a release's files: sorted Parquet (one file or one per year), CSV, deletions,
provenance. Each writer takes the staging directory and returns the relative paths it wrote.

Byte-stability: Parquet is written by the pinned pyarrow with fixed options and no pandas
metadata; CSV by pyarrow's writer (RFC 4180: every non-null string quoted, nulls empty, LF,
ISO dates, shortest round-trip floats), so the same table always gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from conflictkit.builders.release.layout import (
    DELETIONS_CSV,
    EVENTS_CSV,
    EVENTS_PARQUET,
    PARTITION_KEY,
    PROVENANCE_PARQUET,
    ROW_GROUP_SIZE,
    partition_path,
)

SORT_KEYS: tuple[str, ...] = ("country", "event_date", "event_id_cnty")
DELETIONS_SCHEMA = pa.schema([
    pa.field("event_id_cnty", pa.string(), nullable=False),
    pa.field("deleted_timestamp", pa.int64(), nullable=False),
])
_PARQUET_OPTIONS = {
    "compression": "zstd",
    "row_group_size": ROW_GROUP_SIZE,
    "use_dictionary": True,
    "write_statistics": True,
}
_CSV_OPTIONS = pa_csv.WriteOptions(include_header=True, delimiter=",", quoting_style="needed")


def sort_order(table: pa.Table, partitioned: bool) -> np.ndarray | None:
    """Row order of a release ((year,) country, event_date, event_id_cnty), or None when the
    table is already in that order (a rebuilt release usually is: no copy needed)."""
    keys = (("year",) if partitioned else ()) + SORT_KEYS
    indices = pc.sort_indices(table, [(k, "ascending") for k in keys])
    order = indices.to_numpy()
    if np.array_equal(order, np.arange(len(order))):
        return None
    return order


def take_rows(table: pa.Table, order: np.ndarray | None) -> pa.Table:
    """`table` in `order`, one column at a time so the unsorted copy is freed as we go."""
    if order is None:
        return table
    indices = pa.array(order)
    columns = []
    for i in range(table.num_columns):
        columns.append(table.column(i).take(indices))
    return pa.Table.from_arrays(columns, schema=table.schema)


def write_parquet(table: pa.Table, path: Path) -> None:
    """One Parquet file with the release's fixed options."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, **_PARQUET_OPTIONS)


def write_events_parquet(stage: Path, table: pa.Table, partitioned: bool) -> list[str]:
    """events.parquet, or events/year=YYYY/part-0.parquet per year (table sorted by year;
    the year column lives in the directory name, not in the files)."""
    if not partitioned:
        write_parquet(table, stage / EVENTS_PARQUET)
        return [EVENTS_PARQUET]
    written = []
    for year, start, length in year_runs(table):
        relative = partition_path(year)
        write_parquet(table.slice(start, length).drop_columns([PARTITION_KEY]), stage / relative)
        written.append(relative)
    return written


def year_runs(table: pa.Table) -> list[tuple[int | None, int, int]]:
    """(year, first row, row count) of each run of equal years in a year-sorted table."""
    if table.num_rows == 0:
        return []
    years = table.column("year").to_numpy(zero_copy_only=False)
    years = np.where(np.isnan(years), -1, years).astype(np.int64) if years.dtype.kind == "f" \
        else years.astype(np.int64)
    starts = np.flatnonzero(np.r_[True, years[1:] != years[:-1]])
    ends = np.r_[starts[1:], len(years)]
    return [(None if years[s] < 0 else int(years[s]), int(s), int(e - s))
            for s, e in zip(starts, ends, strict=True)]


def write_events_csv(stage: Path, table: pa.Table) -> list[str]:
    """events.csv in ACLED column order."""
    pa_csv.write_csv(table, str(stage / EVENTS_CSV), write_options=_CSV_OPTIONS)
    return [EVENTS_CSV]


def deletions_table(previous: pa.Table | None, gone_ids: pa.Array | pa.ChunkedArray,
                    deleted_at: int) -> pa.Table:
    """Deletions carried forward plus the IDs gone now, sorted by (deleted_timestamp, ID)."""
    now = pa.table({
        "event_id_cnty": pa.array(gone_ids, pa.string()) if not isinstance(
            gone_ids, pa.ChunkedArray) else gone_ids.cast(pa.string()),
        "deleted_timestamp": pa.array(np.full(len(gone_ids), deleted_at, dtype=np.int64)),
    }, schema=DELETIONS_SCHEMA)
    table = now if previous is None else pa.concat_tables([previous.cast(DELETIONS_SCHEMA), now])
    order = pc.sort_indices(table, [("deleted_timestamp", "ascending"),
                                    ("event_id_cnty", "ascending")])
    return table.take(order)


def read_deletions(path: Path) -> pa.Table:
    """A release's deletions.csv with its declared types (a missing file is an empty table)."""
    if not path.exists():
        return DELETIONS_SCHEMA.empty_table()
    options = pa_csv.ConvertOptions(column_types=DELETIONS_SCHEMA,
                                    include_columns=DELETIONS_SCHEMA.names)
    table = pa_csv.read_csv(str(path), convert_options=options)
    return table.select(DELETIONS_SCHEMA.names).cast(DELETIONS_SCHEMA)


def write_deletions(stage: Path, deletions: pa.Table) -> list[str]:
    pa_csv.write_csv(deletions, str(stage / DELETIONS_CSV), write_options=_CSV_OPTIONS)
    return [DELETIONS_CSV]


def write_provenance(stage: Path, provenance: pa.Table) -> list[str]:
    write_parquet(provenance, stage / PROVENANCE_PARQUET)
    return [PROVENANCE_PARQUET]


def write_text(stage: Path, relative: str, text: str) -> list[str]:
    """A UTF-8, LF text file."""
    with (stage / relative).open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return [relative]
