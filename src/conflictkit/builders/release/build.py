"""Build one release from a canonical event frame: validate, compare, timestamp, write, publish.

The heavy path is Arrow end to end: the frame becomes an Arrow table without copying its
strings, is sorted once, compared with the previous release batch by batch, and written by
pyarrow; the Parquet and CSV writers (each with its checksum) run in two threads, since both
release the GIL. Nothing is visible under the output root until the final rename.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from conflictkit.builders.release import atomic, write
from conflictkit.builders.release.changelog import ChangeCounts, counts_of
from conflictkit.builders.release.checksums import FileDigest, digest_file, sha256sums_text
from conflictkit.builders.release.compare import ID, Comparison, compare_tables
from conflictkit.builders.release.files import WRITERS, ReleaseContent
from conflictkit.builders.release.metadata import (
    DatasetMetadata,
    ReleaseFacts,
    datapackage_document,
    dump_json,
    rules_fingerprint,
)
from conflictkit.builders.release.previous import PreviousRelease, open_previous
from conflictkit.builders.release.timestamps import (
    assign_timestamps,
    check_release_time,
    iso_utc,
    release_time,
)
from conflictkit.errors import ConflictkitError, UsageError
from conflictkit.layout.release import (
    AUTO_PARTITION_ROWS,
    DATAPACKAGE,
    DELETIONS,
    EVENTS,
    EVENTS_CSV,
    PARTITION_MODES,
    PROVENANCE,
    RELEASE_FILES,
    REPAIRS,
    SHA256SUMS,
    year_of_path,
)
from conflictkit.layout.versions import check_version, previous_version
from conflictkit.problems import catalogue as P
from conflictkit.problems.report import Report

if TYPE_CHECKING:
    import pandas as pd

Progress = Callable[[str], None]


class ReleaseRefused(ConflictkitError):
    """The events are not valid: nothing was written. `report` says why, as validate does."""

    def __init__(self, report: Report, message: str = "") -> None:
        super().__init__(message or f"release refused: {report.summary_line()}")
        self.report = report

    def text(self, version: str, *, color: bool = False) -> str:
        """The report of the invalid events, titled with the release refused."""
        from conflictkit.problems import render

        return render.text(self.report, title=f"release {version} refused: invalid events",
                           color=color)


@dataclass
class ReleaseResult:
    """What a build published."""

    version: str
    path: Path
    previous: str | None
    released_at: int
    rows: int
    changes: ChangeCounts
    candidates_left_out: int
    layout: str
    files: list[FileDigest]
    report: Report
    validation: str = "full"
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": True,
            "version": self.version,
            "path": str(self.path),
            "previous": self.previous,
            "released_at": iso_utc(self.released_at),
            "timestamp": self.released_at,
            "events": self.rows,
            "changes": self.changes.to_dict(),
            "candidates_left_out": self.candidates_left_out,
            "layout": self.layout,
            "files": [{"path": f.path, "bytes": f.bytes, "sha256": f.sha256} for f in self.files],
            "validation": {"mode": self.validation, **self.report.summary()},
            "warnings": self.warnings,
        }

    def text(self) -> str:
        """What was published, in a few lines."""
        c = self.changes
        left_out = (f"; {self.candidates_left_out} candidates left out"
                    if self.candidates_left_out else "")
        lines = [f"released {self.version} -> {self.path} ({self.rows} events: {c.added} added, "
                 f"{c.modified} modified, {c.deleted} deleted, {c.unchanged} unchanged"
                 f"{left_out})",
                 f"previous release: {self.previous or 'none'}; timestamp {self.released_at}; "
                 f"layout {self.layout}; {len(self.files)} files in {SHA256SUMS.path}"]
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines) + "\n"


def _noop(_: str) -> None:
    pass


def _trim() -> None:
    """Hand freed Arrow buffers back to the OS between steps (lower peak memory)."""
    pa.default_memory_pool().release_unused()


def _guard(relative: str, action: Callable[[], list[str]]) -> list[str]:
    """Run a writer, turning an OS failure into a message naming the file."""
    try:
        return action()
    except OSError as exc:
        raise ConflictkitError(f"writing {relative} failed: {atomic.describe_os_error(exc)}; "
                               "nothing was published") from exc


def _write_and_digest(stage: Path, relative: str,
                      action: Callable[[], list[str]]) -> list[FileDigest]:
    return [digest_file(stage, name) for name in _guard(relative, action)]


def check_deleted_reuse(ids: pa.ChunkedArray | pa.Array, deletions: pa.Table,
                        files: Any = None, lines: Any = None) -> Report:
    """Errors for events whose ID a previous release deleted (IDs are never reused)."""
    report = Report()
    if deletions.num_rows == 0 or len(ids) == 0:
        return report
    # look the big side (events) up in the small one (deletions)
    deleted = deletions.column("event_id_cnty").cast(ids.type)
    reused = pc.is_in(ids, value_set=deleted).to_numpy(zero_copy_only=False)
    positions = np.flatnonzero(reused)
    if not len(positions):
        return report
    import pandas as pd

    values = pa.array(ids).take(pa.array(positions)).to_pylist() if isinstance(ids, pa.Array) \
        else ids.take(pa.array(positions)).to_pylist()
    frame = pd.DataFrame({
        "record": positions, "event_id": values, "value": values,
        "column": "event_id_cnty", "rule": P.DELETED_ID_REUSED.code,
        "message": "this ID was deleted in an earlier release and must not be reused; "
                   "give the event a new ID (conflictkit ids assign)",
    })
    if files is not None:
        frame["file"] = np.asarray(files, dtype=object)[positions]
    if lines is not None:
        frame["line"] = np.asarray(lines)[positions]
    report.add(frame)
    return report


def _provenance_table(side: pd.DataFrame | None, ids: pa.ChunkedArray,
                      order: np.ndarray | None) -> pa.Table:
    """Side fields per event, keyed by event_id_cnty, in the events' order."""
    columns: dict[str, pa.Array | pa.ChunkedArray] = {}
    if side is not None:
        for name in side.columns:
            if name == ID:
                continue
            series = side[name]
            if name == "line":
                array = pa.array(series.to_numpy(dtype="float64", na_value=np.nan),
                                 from_pandas=True).cast(pa.int64())
            else:
                array = pa.array(series.astype("str"), from_pandas=True).cast(pa.string())
            columns[name] = array
    fields = pa.table(columns) if columns else None
    if fields is not None and order is not None:
        fields = write.gather_rows(fields, order)
    out = pa.table({ID: ids})
    if fields is not None:
        for name in fields.column_names:
            out = out.append_column(name, fields.column(name))
    return out


def _report_html(table: pa.Table, side: pd.DataFrame | None, deletions: pa.Table,
                 previous: PreviousRelease | None, comparison: Comparison,
                 metadata: DatasetMetadata, version: str, now: int, previous_name: str | None,
                 candidates_left_out: int, repairs: pa.Table) -> str:
    """The release's report page, from the events as the build holds them (before they are
    put in release order, which is the order `comparison` indexes)."""
    from conflictkit.builders.report import ReportMeta, render_report
    from conflictkit.builders.report.write import PREVIOUS_COLUMNS, PROVENANCE_COLUMNS
    from conflictkit.layout.release import read_events

    meta = ReportMeta.for_build(metadata, version=version, released_at=now,
                                previous_version=previous_name,
                                candidates_left_out=candidates_left_out,
                                changes=counts_of(comparison).to_dict())
    provenance = None
    if side is not None:
        present = [c for c in PROVENANCE_COLUMNS if c in side.columns]
        provenance = pa.table({c: pa.array(side[c].astype("str"), from_pandas=True)
                               .cast(pa.string()) for c in present}) if present else None
    old = read_events(previous.path, PREVIOUS_COLUMNS) if previous is not None else None
    return render_report(table, meta=meta, provenance=provenance, deletions=deletions,
                         repairs=repairs, previous=old,
                         comparison=comparison if previous is not None else None)


def release_repairs(repairs: pa.Table | None, ids: pa.ChunkedArray) -> pa.Table:
    """The repairs table a release publishes: the declared columns, only the released events'
    rows, sorted, each (event, column, kind of repair) once (empty without imports)."""
    import pyarrow.compute as pc

    from conflictkit.layout.release import repairs_schema

    schema = repairs_schema()
    if repairs is None or repairs.num_rows == 0:
        return schema.empty_table()
    repairs = pa.table([repairs.column(f.name).cast(f.type) for f in schema], schema=schema)
    repairs = repairs.filter(pc.is_in(repairs.column(ID), ids.cast(pa.string())))
    repairs = repairs.sort_by([(name, "ascending") for name in REPAIRS.unique_by])
    if repairs.num_rows < 2:
        return repairs
    same = np.ones(repairs.num_rows - 1, dtype=bool)
    for name in REPAIRS.unique_by:
        column = repairs.column(name)
        same &= pc.fill_null(pc.equal(column[1:], column[:-1]), False).to_numpy(
            zero_copy_only=False)
    return repairs.filter(pa.array(np.concatenate([[True], ~same])))


def working_table(events: pd.DataFrame) -> pa.Table:
    """The events as Arrow for the build: the release schema's types, except that text
    columns stay the large_string arrays pandas already holds (no copy of 3M offsets per
    column); the writers cast each chunk to `arrow_schema()`. Falls back to the schema
    module's `to_arrow_table` for frames that are not Arrow-backed."""
    from conflictkit.schema.arrow import arrow_schema, to_arrow_table

    schema = arrow_schema()
    text = [f.name for f in schema if pa.types.is_string(f.type)]
    held: dict[str, pa.ChunkedArray] = {}
    for name in text:
        array = getattr(events[name].array, "_pa_array", None) if name in events else None
        if not isinstance(array, pa.ChunkedArray) or not pa.types.is_large_string(array.type):
            return to_arrow_table(events)
        held[name] = array
    others = [f.name for f in schema if f.name not in held]
    try:
        rest = pa.Table.from_pandas(events[others], preserve_index=False)
        rest = rest.cast(pa.schema([schema.field(n) for n in others]))
    except (pa.ArrowException, KeyError, ValueError):
        return to_arrow_table(events)
    fields = [schema.field(n).with_type(pa.large_string()) if n in held else schema.field(n)
              for n in schema.names]
    arrays = [held[n] if n in held else rest.column(n) for n in schema.names]
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def _partitioned(mode: str, rows: int) -> bool:
    if mode not in PARTITION_MODES:
        raise UsageError(f"--partition must be one of {', '.join(PARTITION_MODES)}, got {mode!r}")
    # no events: no year to partition by, so one (empty) events.parquet
    return rows > 0 and (mode == "year" or (mode == "auto" and rows > AUTO_PARTITION_ROWS))


VALIDATION_MODES = ("auto", "full", "caller", "none")


def _files_lines(side: pd.DataFrame | None) -> tuple[np.ndarray | None, np.ndarray | None]:
    files = side["file"].to_numpy() if side is not None and "file" in side else None
    lines = side["line"].to_numpy() if side is not None and "line" in side else None
    return files, lines


def _origins(side: pd.DataFrame | None) -> np.ndarray | None:
    """Each event's origin (its import era) from the side frame, for `validate_events`."""
    from conflictkit.layout.release import ORIGIN_COLUMN

    if side is None or ORIGIN_COLUMN not in side:
        return None
    return side[ORIGIN_COLUMN].to_numpy(dtype=object)


VALIDATION_SLICE = 500_000


def validate_for_release(events: pd.DataFrame, side: pd.DataFrame | None,
                         rows: np.ndarray | None = None, table: pa.Table | None = None
                         ) -> Report:
    """The same checks as `conflictkit validate` (`validate_events`), with file and line
    attached; the report counts every event and problem records are positions in `events`.

    `rows`: check only these rows (incremental validation). Without, a large frame is checked
    in slices of VALIDATION_SLICE rows (the row rules need no other row; memory stays
    bounded) and the cross-row rule (unique IDs) once over every row whose ID repeats.
    `table` (the events as Arrow) lets subsets be gathered without pandas' take, which copies
    every whole chunked text column.
    """
    from conflictkit.schema.validate import validate_events

    files, lines = _files_lines(side)
    origins = _origins(side)
    if rows is None and len(events) <= VALIDATION_SLICE:
        return validate_events(events, files=files, lines=lines, origins=origins)
    if rows is not None:
        return _validate_rows(events, files, lines, origins, rows, table)
    cross = _cross_row_rules()
    parts = []
    for first in range(0, len(events), VALIDATION_SLICE):
        last = min(first + VALIDATION_SLICE, len(events))
        checked = validate_events(
            events.iloc[first:last].reset_index(drop=True),
            files=None if files is None else files[first:last],
            lines=None if lines is None else lines[first:last],
            origins=None if origins is None else origins[first:last])
        problems = checked.problems[~checked.problems["rule"].isin(cross)].copy()
        problems.loc[problems["record"] >= 0, "record"] += first
        parts.append(problems)
    ids = table.column(ID) if table is not None else pa.chunked_array(
        [pa.array(events[ID].astype("str"), from_pandas=True)])
    repeated = repeated_id_rows(ids)
    if len(repeated):
        checked = _validate_rows(events, files, lines, origins, repeated, table)
        parts.append(checked.problems[checked.problems["rule"].isin(cross)])
    report = Report(records=len(events))
    for problems in parts:
        report.add(problems)
    return report


def _cross_row_rules() -> set[str]:
    """Ids of the rules that look at other rows (unique IDs): checked once over all rows."""
    from conflictkit.schema.rules import RULES, Unique

    return {rule.id for rule in RULES if isinstance(rule, Unique)}


def _validate_rows(events: pd.DataFrame, files: np.ndarray | None, lines: np.ndarray | None,
                   origins: np.ndarray | None, rows: np.ndarray, table: pa.Table | None
                   ) -> Report:
    from conflictkit.schema.arrow import from_arrow_table
    from conflictkit.schema.validate import validate_events

    if table is not None:
        subset = from_arrow_table(write.gather_rows(table, rows))
    else:
        subset = events.iloc[rows].reset_index(drop=True)
    checked = validate_events(subset, files=None if files is None else files[rows],
                              lines=None if lines is None else lines[rows],
                              origins=None if origins is None else origins[rows])
    problems = checked.problems.copy()
    keyed = problems["record"] >= 0
    problems.loc[keyed, "record"] = rows[problems.loc[keyed, "record"].to_numpy()]
    return Report(records=len(events), problems=problems)


def repeated_id_rows(ids: pa.ChunkedArray) -> np.ndarray:
    """Rows whose (non-blank) ID is also used by another row."""
    if pc.count_distinct(ids, mode="only_valid").as_py() == len(ids) - ids.null_count:
        return np.empty(0, dtype=np.int64)
    counts = pc.value_counts(ids.drop_null())
    repeated = counts.field("values").filter(pc.greater(counts.field("counts"), 1))
    mask = pc.fill_null(pc.is_in(ids, value_set=repeated), False)
    return np.flatnonzero(mask.to_numpy(zero_copy_only=False)).astype(np.int64)


def rows_to_validate(ids: pa.ChunkedArray, comparison: Comparison) -> np.ndarray:
    """Rows an incremental validation must check: added and modified events, and every row
    whose ID is blank or not unique (so the uniqueness rule sees all copies)."""
    changed = np.union1d(comparison.added, comparison.modified)
    blank = np.flatnonzero(pc.is_null(ids).to_numpy(zero_copy_only=False)) \
        if ids.null_count else np.empty(0, dtype=np.int64)
    rows = np.union1d(np.union1d(changed, blank), repeated_id_rows(ids))
    return rows.astype(np.int64)


def build_release(
    events: pd.DataFrame,
    side: pd.DataFrame | None = None,
    *,
    root: str | Path,
    version: str,
    timestamp: str | int | None = None,
    partition: str = "auto",
    metadata: DatasetMetadata | None = None,
    candidates_left_out: int = 0,
    report: Report | None = None,
    validate: bool | str = "auto",
    progress: Progress | None = None,
    repairs: pa.Table | None = None,
) -> ReleaseResult:
    """Publish `events` (a canonical frame; `side` its provenance, aligned by row) as
    ``<root>/<version>/``.

    `report` carries problems found while reading the events (merged into the validation
    report). `validate`: "full" runs `validate_events` on every event; "auto" (or True) does
    so too unless the previous release was validated by the same rules (same
    `rules_fingerprint()`), in which case only added and modified events (and rows with a
    blank or repeated ID) are checked: every other row is identical to a row of that
    checksum-verified release. "caller": the caller already ran `validate_events` on every
    event (as `read_dataset` does) and passes its `report`; "none" (or False): no validation
    (the release then records no rules fingerprint, so the next build checks everything).
    `repairs`: what imports repaired in these events (event_id_cnty, column, repair,
    original), published as repairs.parquet for the released events.
    Raises ReleaseRefused (with the report) when the data is invalid, ConflictkitError for an
    existing version, a broken previous release or a failed write (nothing is published then).
    """
    say = progress or _noop
    root = Path(root)
    check_version(version)
    now = release_time(timestamp)
    metadata = metadata or DatasetMetadata()
    if side is not None and len(side) != len(events):
        raise ValueError(f"side frame has {len(side)} rows for {len(events)} events")

    mode = {True: "auto", False: "none"}.get(validate, validate)  # type: ignore[call-overload]
    if mode not in VALIDATION_MODES:
        raise UsageError(f"validate must be one of {', '.join(VALIDATION_MODES)}, got {mode!r}")

    say("converting to Arrow")
    table = working_table(events)
    files, lines = _files_lines(side)
    fingerprint = rules_fingerprint()

    with atomic.release_lock(root), ThreadPoolExecutor(max_workers=2) as pool, \
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="report") as drawing:
        atomic.remove_stale_staging(root)
        previous_name = previous_version(root, version)
        previous: PreviousRelease | None = None
        if previous_name is not None:
            say(f"reading previous release {previous_name}")
            previous = open_previous(root / previous_name, previous_name, pool)
        partitioned = _partitioned(partition, table.num_rows)
        say("comparing with the previous release" if previous else "first release")
        if previous is not None:
            comparison = compare_tables(table, previous.batches(), old_ids=previous.ids)
            previous.wait_checked()
        else:
            comparison = compare_tables(table, [], old_ids=pa.array([], pa.string()))

        _trim()
        incremental = (mode == "auto" and previous is not None
                       and previous.rules_fingerprint == fingerprint)
        validation = mode if mode in ("none", "caller") else \
            "incremental" if incremental else "full"
        checked = Report(records=len(events)) if report is None else \
            Report(report.records, report.problems.copy(), report.files)
        if validation not in ("none", "caller"):
            rows = rows_to_validate(table.column(ID), comparison) if incremental else None
            say(f"validating {len(events) if rows is None else len(rows)} events")
            checked.add(validate_for_release(events, side, rows, table).problems)
        if previous is not None:
            reuse = check_deleted_reuse(table.column(ID), previous.deletions, files, lines)
            if not reuse.ok:
                checked.add(reuse.problems)
        if not checked.ok:
            raise ReleaseRefused(checked)
        if previous is not None:
            check_release_time(now, previous.latest_timestamp, previous_name)
        stamps = assign_timestamps(comparison, now)
        position = table.schema.get_field_index("timestamp")
        table = table.set_column(position, table.schema.field(position),
                                 pa.array(stamps, pa.int64()))
        deletions = write.deletions_table(
            previous.deletions if previous else None,
            comparison.deleted.column(ID), now)

        repairs = release_repairs(repairs, table.column(ID))
        # the page is drawn (Python and matplotlib) while the events are sorted and written
        # (Arrow, outside the GIL): on two cores the report costs little of the build's time
        report_html = drawing.submit(
            _report_html, table, side, deletions, previous, comparison, metadata, version, now,
            previous_name, candidates_left_out, repairs).result

        _trim()
        say("sorting")
        # rows are never copied into release order as a whole: the writers gather sorted
        # chunks; the small tables (provenance, changelog keys) are reordered outright
        order = write.sort_order(table, partitioned)
        comparison = comparison.reordered(order)
        keys = table.select([ID, "country", "event_type"])
        keys = keys if order is None else write.gather_rows(keys, order)
        keys = keys.cast(pa.schema([pa.field(n, pa.string()) for n in keys.column_names]))
        provenance = _provenance_table(side, keys.column(ID), order)

        _trim()
        say("writing")
        with atomic.staging_directory(root, version) as stage:
            content = ReleaseContent(
                stage=stage, version=version, previous=previous_name, released_at=now,
                metadata=metadata, deletions=deletions, provenance=provenance, keys=keys,
                comparison=comparison, candidates_left_out=candidates_left_out,
                report_html=report_html, repairs=repairs)
            digests = _write_all(content, pool, table, order, partitioned,
                                 fingerprint if mode != "none" else None, say)
            say("publishing")
            final = root / version
            atomic.publish(stage, final, [d.path for d in digests] + [SHA256SUMS.path])

    return ReleaseResult(
        version=version, path=final, previous=previous_name, released_at=now,
        rows=table.num_rows, changes=counts_of(comparison),
        candidates_left_out=candidates_left_out,
        layout="year" if partitioned else "single", files=digests, report=checked,
        validation=validation,
        warnings=[] if metadata.licenses else
        ["no licence in conflictkit.toml: datapackage.json lists none"],
    )


def _write_all(content: ReleaseContent, pool: ThreadPoolExecutor, table: pa.Table,
               order: np.ndarray | None, partitioned: bool, fingerprint: str | None,
               say: Progress) -> list[FileDigest]:
    """Write every file of `RELEASE_FILES` into the stage; returns their digests (SHA256SUMS,
    written last, lists them all)."""
    from conflictkit.schema.arrow import arrow_schema

    stage = content.stage
    say(f"writing the events ({EVENTS.path if not partitioned else 'events/'}) and "
        f"{EVENTS_CSV.path}")
    jobs: tuple = ()
    try:
        jobs = _guard(EVENTS_CSV.path + " / events Parquet", lambda: list(
            write.write_events_streaming(
                stage, table, order, partitioned, pool,
                then=lambda names: [digest_file(stage, name) for name in names],
                schema=arrow_schema())))
    finally:
        # never leave a writer thread running into a directory that is about to be removed
        wait(jobs)
    # the other files after the events: the report page is drawn meanwhile
    small: list[FileDigest] = []
    for release_file in RELEASE_FILES:
        writer = WRITERS.get(release_file.key)
        if writer is not None:
            small += _write_and_digest(stage, release_file.path, lambda w=writer: w(content))
    event_digests = [d for job in jobs for d in _guard("events", job.result)]
    digests = {d.path: d for d in [*event_digests, *small]}

    counts = _rows_per_year(table) if partitioned else {None: table.num_rows}
    event_parts = [(d.path, year_of_path(d.path)) for d in event_digests
                   if d.path != EVENTS_CSV.path]
    rows = {EVENTS_CSV.path: table.num_rows}
    schemas = {}
    for release_file, written in (
            (DELETIONS, content.deletions), (PROVENANCE, content.provenance),
            (REPAIRS, content.repairs)):
        rows[release_file.path] = written.num_rows
        schemas[release_file.path] = written.schema
    facts = ReleaseFacts(
        version=content.version, released_at=content.released_at, previous=content.previous,
        event_files=[(path, year, counts.get(year, 0)) for path, year in event_parts],
        rows=rows, schemas=schemas, changes=counts_of(content.comparison).to_dict(),
        candidates_left_out=content.candidates_left_out, digests=digests,
        rules_fingerprint=fingerprint,
    )
    document = dump_json(datapackage_document(content.metadata, facts))
    digests_list = [*digests.values()]
    digests_list += _write_and_digest(
        stage, DATAPACKAGE.path, lambda: write.write_text(stage, DATAPACKAGE.path, document))
    _guard(SHA256SUMS.path, lambda: write.write_text(stage, SHA256SUMS.path,
                                                     sha256sums_text(digests_list)))
    return sorted(digests_list, key=lambda d: d.path)


def _rows_per_year(table: pa.Table) -> dict[int | None, int]:
    counts = pc.value_counts(table.column("year")).to_pylist()
    return {c["values"]: int(c["counts"]) for c in counts}
