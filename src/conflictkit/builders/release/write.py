"""Writing a release's files: sorted Parquet (one file or one per year), CSV, deletions,
provenance. Each writer takes the staging directory and returns the relative paths it wrote.

Byte-stability: Parquet is written by the pinned pyarrow with fixed options and no pandas
metadata; CSV by pyarrow's writer (RFC 4180: every non-null string quoted, nulls empty, LF,
ISO dates, shortest round-trip floats), so the same table always gives the same bytes.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from conflictkit.atomic import describe_os_error
from conflictkit.errors import ConflictkitError
from conflictkit.layout.release import (
    EVENTS,
    EVENTS_CSV,
    PARTITION_KEY,
    ROW_GROUP_SIZE,
    deletions_schema,
    partition_path,
)

SORT_KEYS: tuple[str, ...] = ("country", "event_date", "event_id_cnty")
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
    """`table` rows at positions `order` (None: unchanged), chunk by chunk.

    Arrow's take on a multi-chunk column first concatenates the whole column, so taking 100k
    rows of a 3M-row table read from Parquet would copy all 3M each time; here each column's
    indices are split by chunk, taken from the chunks they fall in and put back in order.
    """
    if order is None:
        return table
    indices = np.asarray(order, dtype=np.int64)
    plans: dict[tuple[int, ...], Callable[[pa.ChunkedArray], Any]] = {}
    columns = []
    for column in table.columns:
        layout = tuple(len(chunk) for chunk in column.chunks)
        if layout not in plans:
            plans[layout] = _take_plan(layout, indices)
        columns.append(plans[layout](column))
    return pa.Table.from_arrays(columns, schema=table.schema)


def gather_rows(table: pa.Table, indices: np.ndarray, *, contiguous: bool = True) -> pa.Table:
    """Rows `indices` of `table`, cheap when they are mostly ascending runs (a nearly sorted
    table put in release order, a release compared with the one before it): runs of
    consecutive rows become zero-copy slices and only the stray rows are taken. With
    `contiguous`, the result is one chunk per column (so writers see the same layout whatever
    the input order, and write the same bytes); without, it may stay in pieces (no copy).
    """
    indices = np.asarray(indices, dtype=np.int64)
    if len(indices) == 0:
        return table.slice(0, 0)
    breaks = np.flatnonzero(np.diff(indices) != 1) + 1
    starts = np.r_[0, breaks]
    ends = np.r_[breaks, len(indices)]
    long_run = (ends - starts) >= _MIN_RUN
    if (ends - starts)[long_run].sum() < len(indices) // 2:  # mostly scattered: take all
        gathered = take_rows(table, indices)
        return gathered.combine_chunks() if contiguous else gathered
    stray = np.concatenate([indices[a:b] for a, b, keep in zip(starts, ends, long_run,
                                                                   strict=True) if not keep]
                           or [np.empty(0, np.int64)])
    strays = take_rows(table, stray) if len(stray) else None
    pieces, used = [], 0
    for a, b, keep in zip(starts.tolist(), ends.tolist(), long_run.tolist(), strict=True):
        if keep:
            pieces.append(table.slice(int(indices[a]), b - a))
        else:
            assert strays is not None
            pieces.append(strays.slice(used, b - a))
            used += b - a
    gathered = pa.concat_tables(pieces)
    return gathered.combine_chunks() if contiguous else gathered


_MIN_RUN = 16


def _take_plan(layout: tuple[int, ...], indices: np.ndarray
               ) -> Callable[[pa.ChunkedArray], Any]:
    """How to take `indices` from any column whose chunks have lengths `layout`."""
    if len(indices) == 0:
        return lambda column: pa.array([], column.type)
    if len(layout) <= 1:
        flat = pa.array(indices)
        return lambda column: column.take(flat)
    starts = np.cumsum((0, *layout[:-1]))
    which = np.searchsorted(starts, indices, side="right") - 1
    used = np.unique(which)
    if len(used) == 1:
        k = int(used[0])
        local = pa.array(indices - starts[k])
        return lambda column: column.chunk(k).take(local)
    in_order = bool(np.all(which[1:] >= which[:-1]))  # e.g. sorted or nearly sorted rows
    by_chunk = np.arange(len(indices)) if in_order else np.argsort(which, kind="stable")
    bounds = np.searchsorted(which[by_chunk], used)
    pieces = [(int(k), pa.array(indices[part] - starts[k]))
              for k, part in zip(used, np.split(by_chunk, bounds[1:]), strict=True)]
    restore = None if in_order else pa.array(np.argsort(by_chunk, kind="stable"))

    def take(column: pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
        parts = [column.chunk(k).take(local) for k, local in pieces]
        if restore is None:  # already in order: no gather back
            return pa.chunked_array(parts, column.type)
        return pa.concat_arrays(parts).take(restore)

    return take


def write_parquet(table: pa.Table, path: Path) -> None:
    """One Parquet file with the release's fixed options."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, **_PARQUET_OPTIONS)


def write_events_parquet(stage: Path, table: pa.Table, partitioned: bool) -> list[str]:
    """events.parquet, or events/year=YYYY/part-0.parquet per year, from a table already in
    release order, with the same row groups as a release build (see `row_group_bounds`)."""
    sink = ParquetSink(stage, table.schema, partitioned)
    for year, chunk in sorted_chunks(table, None, partitioned):
        sink.write(year, chunk)
    return sink.finish()


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


def write_csv_table(stage: Path, relative: str, table: pa.Table) -> list[str]:
    """One CSV file with the release's fixed options (events.csv, deletions.csv)."""
    pa_csv.write_csv(table, str(stage / relative), write_options=_CSV_OPTIONS)
    return [relative]


def deletions_table(previous: pa.Table | None, gone_ids: pa.Array | pa.ChunkedArray,
                    deleted_at: int) -> pa.Table:
    """Deletions carried forward plus the IDs gone now, sorted by (deleted_timestamp, ID)."""
    schema = deletions_schema()
    now = pa.table({
        "event_id_cnty": pa.array(gone_ids, pa.string()) if not isinstance(
            gone_ids, pa.ChunkedArray) else gone_ids.cast(pa.string()),
        "deleted_timestamp": pa.array(np.full(len(gone_ids), deleted_at, dtype=np.int64)),
    }, schema=schema)
    table = now if previous is None else pa.concat_tables([previous.cast(schema), now])
    order = pc.sort_indices(table, [("deleted_timestamp", "ascending"),
                                    ("event_id_cnty", "ascending")])
    return table.take(order)


def write_text(stage: Path, relative: str, text: str) -> list[str]:
    """A UTF-8, LF text file."""
    with (stage / relative).open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return [relative]


# ---- streaming: sorted chunks to Parquet and CSV at once, without a sorted copy ------------------


def sorted_chunks(table: pa.Table, order: np.ndarray | None, partitioned: bool,
                  size: int | None = None) -> Iterator[tuple[int | None, pa.Table]]:
    """(year or None, rows) in release order, one row group at a time (`row_group_bounds`),
    never across a year boundary when partitioned. Only one chunk is gathered at a time."""
    size = size or _PARQUET_OPTIONS["row_group_size"]
    rows = table.num_rows
    keys = [PARTITION_KEY, "country"] if partitioned else ["country"]
    in_order = pa.table({k: table.column(k) for k in keys})
    if order is not None:
        in_order = take_rows(in_order, order)
    runs = year_runs(in_order) if partitioned else [(None, 0, rows)]
    countries = _group_keys(in_order.column("country"))
    for year, start, length in runs:
        for first, last in row_group_bounds(countries, start, start + length, size):
            if order is None:
                yield year, table.slice(first, last - first).combine_chunks()
            else:
                yield year, gather_rows(table, order[first:last])


def _group_keys(column: pa.ChunkedArray) -> np.ndarray:
    """An integer per row, equal exactly where the values are equal (nulls share -1)."""
    codes = pc.dictionary_encode(column.combine_chunks() if column.num_chunks != 1
                                 else column.chunk(0)).indices
    return pc.fill_null(codes, -1).to_numpy(zero_copy_only=False)


def row_group_bounds(keys: np.ndarray, start: int, stop: int,
                     size: int) -> Iterator[tuple[int, int]]:
    """Row ranges [first, last) of the row groups for rows start..stop, sorted by `keys`.

    Loads find a country-year by row-group statistics, and a group holding the end of one
    country and the start of the next matches any date in either. So a country with at least
    size / 4 rows gets row groups of its own (split evenly, none over `size`): their statistics
    name it alone and loads of other countries skip them. Smaller countries are packed
    together, up to `size` rows a group.
    """
    if stop <= start:
        return
    segment = keys[start:stop]
    starts = np.flatnonzero(np.r_[True, segment[1:] != segment[:-1]]) + start
    ends = np.r_[starts[1:], stop]
    pending = start  # first row of the group of small countries being packed
    for first, last in zip(starts.tolist(), ends.tolist(), strict=True):
        length = last - first
        if length * 4 >= size:
            if pending < first:
                yield pending, first
            pieces = -(-length // size)
            cuts = [first + length * i // pieces for i in range(pieces + 1)]
            yield from zip(cuts[:-1], cuts[1:], strict=True)
            pending = last
        elif last - pending > size:
            yield pending, first
            pending = first
    if pending < stop:
        yield pending, stop


class ParquetSink:
    """Writes chunks to events.parquet, or to one file per year (opened as years change)."""

    def __init__(self, stage: Path, schema: pa.Schema, partitioned: bool) -> None:
        self.stage, self.partitioned, self.full_schema = stage, partitioned, schema
        self.schema = (pa.schema([f for f in schema if f.name != PARTITION_KEY])
                       if partitioned else schema)
        self.writer: pq.ParquetWriter | None = None
        self.name = EVENTS.path
        self.year: int | None = None
        self.written: list[str] = []

    def _open(self, relative: str) -> None:
        path = self.stage / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        options = {k: v for k, v in _PARQUET_OPTIONS.items() if k != "row_group_size"}
        self.name = relative
        self.writer = pq.ParquetWriter(path, self.schema, **options)
        self.written.append(relative)

    def write(self, year: int | None, chunk: pa.Table) -> None:
        chunk = chunk.cast(self.full_schema)
        if self.partitioned:
            if self.writer is None or year != self.year:
                self.close()
                self._open(partition_path(year))
                self.year = year
            chunk = chunk.drop_columns([PARTITION_KEY])
        elif self.writer is None:
            self._open(EVENTS.path)
        assert self.writer is not None
        self.writer.write_table(chunk, row_group_size=_PARQUET_OPTIONS["row_group_size"])

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    def finish(self) -> list[str]:
        if self.writer is None and not self.written:  # no events: one valid, empty file
            self.schema = self.full_schema
            self._open(EVENTS.path)
        self.close()
        return self.written


class CsvSink:
    """Writes chunks to events.csv (one header)."""

    name = EVENTS_CSV.path

    def __init__(self, stage: Path, schema: pa.Schema) -> None:
        self.schema = schema
        self.writer = pa_csv.CSVWriter(str(stage / EVENTS_CSV.path), schema,
                                       write_options=_CSV_OPTIONS)

    def write(self, year: int | None, chunk: pa.Table) -> None:
        self.writer.write_table(chunk.cast(self.schema))

    def close(self) -> None:
        self.writer.close()

    def finish(self) -> list[str]:
        self.close()
        return [EVENTS_CSV.path]


_DONE = object()


def _drain(sink: ParquetSink | CsvSink, chunks: queue.Queue, failed: threading.Event,
           then: Callable[[list[str]], Any]) -> Any:
    """A writer thread: write chunks until the end marker, then run `then` on the paths
    written (e.g. checksums, while the other writer is still busy); on error stop the
    producer."""
    try:
        while (item := chunks.get()) is not _DONE:
            sink.write(*item)
        return then(sink.finish())
    except OSError as exc:
        failed.set()
        raise ConflictkitError(f"writing {sink.name} failed: {describe_os_error(exc)}; "
                               "nothing was published") from exc
    except BaseException:
        failed.set()
        raise


def write_events_streaming(stage: Path, table: pa.Table, order: np.ndarray | None,
                           partitioned: bool, pool: Executor,
                           then: Callable[[list[str]], Any] = lambda names: names,
                           schema: pa.Schema | None = None) -> tuple[Future, Future]:
    """Write the events Parquet and events.csv in release order, in two threads fed with the
    same sorted chunks: no sorted copy of the table is ever held. Each chunk is written with
    `schema` (default: the table's). Returns the two writer futures; their results are
    `then(relative paths written)`."""
    queues = (queue.Queue(maxsize=2), queue.Queue(maxsize=2))
    failed = threading.Event()
    schema = schema or table.schema
    sinks = (ParquetSink(stage, schema, partitioned), CsvSink(stage, schema))
    futures = tuple(pool.submit(_drain, sink, q, failed, then)
                    for sink, q in zip(sinks, queues, strict=True))
    try:
        for item in sorted_chunks(table, order, partitioned):
            for q in queues:
                while not failed.is_set():
                    try:
                        q.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
            if failed.is_set():
                break
    finally:
        for q in queues:
            while True:  # the end marker must get through even if a writer stopped reading
                try:
                    q.put(_DONE, timeout=0.1)
                    break
                except queue.Full:
                    if failed.is_set():
                        _clear(q)
    return futures  # type: ignore[return-value]


def _clear(q: queue.Queue) -> None:
    try:
        while True:
            q.get_nowait()
    except queue.Empty:
        pass
