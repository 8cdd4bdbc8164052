"""The previous release, as a new build reads it: checked first, then streamed.

A new release inherits timestamps and deletions from the previous one, so a corrupted or
incomplete previous release must stop the build (clear error) rather than silently reset
every timestamp. The files the build reads are checked against ``SHA256SUMS`` (in a thread,
while the build does other work) and their schema against the declaration.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from conflictkit.errors import ConflictkitError
from conflictkit.layout.checksums import sha256_file
from conflictkit.layout.release import (
    DATAPACKAGE,
    DELETIONS,
    PARTITION_KEY,
    SHA256SUMS,
    event_files,
    read_checksums,
    read_datapackage,
    read_deletions,
)
from conflictkit.schema.arrow import arrow_schema

BATCH_ROWS = 100_000


@dataclass
class PreviousRelease:
    """An opened previous release: IDs and timestamps read, rows streamed on demand."""

    path: Path
    version: str
    files: list[Path]
    ids: pa.ChunkedArray
    latest_timestamp: int
    deletions: pa.Table
    rules_fingerprint: str | None = None
    _check: Future | None = None

    def batches(self) -> Iterator[pa.RecordBatch]:
        """Every event row, file by file, in stored order, with the declared schema."""
        return file_batches(self.files)

    def wait_checked(self) -> None:
        """Raise if the background checksum check found a problem."""
        if self._check is not None:
            self._check.result()


def file_batches(files: list[Path]) -> Iterator[pa.RecordBatch]:
    """The rows of events Parquet files as batches with the declared schema (in either layout:
    a partition file gets its ``year`` back from the directory name)."""
    schema = arrow_schema()
    for path in files:
        partition_year = _partition_year(path)
        try:
            handle = pq.ParquetFile(path)
            for batch in handle.iter_batches(batch_size=BATCH_ROWS, use_threads=True):
                if partition_year is not None and PARTITION_KEY not in batch.schema.names:
                    batch = _add_year(batch, partition_year)
                yield _conform(batch, schema, path)
        except (OSError, pa.ArrowException) as exc:
            raise ConflictkitError(f"{path}: cannot read events: {exc}") from exc


def read_ids(files: list[Path], columns: list[str]) -> pa.Table:
    """Some columns (not ``year`` of a partition) of events Parquet files, concatenated."""
    try:
        return pa.concat_tables(pq.read_table(f, columns=columns) for f in files)
    except (OSError, pa.ArrowException) as exc:
        raise ConflictkitError(f"cannot read {', '.join(columns)} from {files[0].parent}: "
                               f"{exc}") from exc


def _partition_year(path: Path) -> int | None:
    key, _, value = path.parent.name.partition("=")
    return int(value) if key == PARTITION_KEY and value.isdigit() else None


def _add_year(batch: pa.RecordBatch, year: int) -> pa.RecordBatch:
    column = pa.array([year] * batch.num_rows, pa.int16())
    return pa.RecordBatch.from_arrays([*batch.columns, column],
                                      names=[*batch.schema.names, PARTITION_KEY])


def _conform(batch: pa.RecordBatch, schema: pa.Schema, path: Path) -> pa.RecordBatch:
    missing = [n for n in schema.names if n not in batch.schema.names]
    if missing:
        raise ConflictkitError(f"{path}: previous release lacks columns {', '.join(missing)}")
    try:
        arrays = [batch.column(n).cast(schema.field(n).type) for n in schema.names]
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise ConflictkitError(f"{path}: previous release has unexpected column types: {exc}") \
            from exc
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def _check_files(root: Path, expected: dict[str, str], names: list[str]) -> None:
    for name in names:
        if name not in expected:
            raise ConflictkitError(f"previous release {root}: {name} is not listed in "
                                   f"{SHA256SUMS.path}; the release is incomplete or altered")
        if sha256_file(root / name) != expected[name]:
            raise ConflictkitError(
                f"previous release {root}: {name} does not match its checksum in "
                f"{SHA256SUMS.path} (corrupted or edited); run `conflictkit verify {root}`"
            )


def open_previous(path: Path, version: str, pool: Executor | None = None) -> PreviousRelease:
    """Open the previous release at `path`: check it is complete, read IDs, timestamps and
    deletions; checksums of the files read are verified in `pool` (call `wait_checked`)."""
    expected = read_checksums(path)
    files = event_files(path)
    names = [f.relative_to(path).as_posix() for f in files]
    for extra in (DELETIONS.path, DATAPACKAGE.path):
        if (path / extra).exists() or extra in expected:
            names.append(extra)
    for name in names:
        if not (path / name).is_file():
            raise ConflictkitError(f"previous release {path}: {name} is missing")
    check = pool.submit(_check_files, path, expected, names) if pool else None
    if check is None:
        _check_files(path, expected, names)
    table = read_ids(files, ["event_id_cnty", "timestamp"])
    try:
        deletions = read_deletions(path)
    except ConflictkitError as exc:
        raise ConflictkitError(f"previous release {path}: {exc}") from exc
    ids = table.column("event_id_cnty").cast(pa.string())
    latest = pc.max(table.column("timestamp")).as_py() or 0
    if deletions.num_rows:
        latest = max(latest, pc.max(deletions.column("deleted_timestamp")).as_py() or 0)
    return PreviousRelease(path, version, files, ids, int(latest), deletions,
                           _fingerprint(path), check)


def _fingerprint(release: Path) -> str | None:
    """The rules fingerprint the previous release was validated with (None if unknown)."""
    try:
        extra = read_datapackage(release).get("conflictkit", {})
        value = extra.get("rules_fingerprint") if isinstance(extra, dict) else None
    except ConflictkitError:
        return None
    return value if isinstance(value, str) else None
