"""``conflictkit verify``: is a release exactly what was published?

Walks the release's declared files (`RELEASE_FILES`): every required one present, every
checksum listed in ``SHA256SUMS`` recomputed (any changed byte names its file), no file that is
not listed, each table's schema against its declaration (Parquet metadata; CSV parsed with the
declared types to count its rows), tables with one row per event agreeing with the events, and
datapackage.json's sizes, hashes and row counts against the files. Works on both event layouts.
Problems come back in the report shape every command uses.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from conflictkit.errors import ConflictkitError
from conflictkit.layout.checksums import sha256_file
from conflictkit.layout.release import (
    DATAPACKAGE,
    EVENTS,
    EVENTS_CSV,
    PARTITION_KEY,
    RELEASE_FILES,
    SHA256SUMS,
    ReleaseFile,
    check_release_dir,
    event_files,
    read_checksums,
    read_datapackage,
)
from conflictkit.problems import catalogue as P
from conflictkit.problems.catalogue import ProblemType
from conflictkit.problems.report import Report, problems_frame
from conflictkit.problems.rows import problem_row


@dataclass
class VerifyResult:
    """Files checked and problems found, in the report shape every command uses (each problem
    names its release file and its code)."""

    release: Path
    files: list[dict[str, Any]] = field(default_factory=list)
    found: list[dict[str, Any]] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.found

    @property
    def report(self) -> Report:
        """The problems as a Report (records: the files checked)."""
        return Report(records=len(self.files), problems=problems_frame(self.found),
                      files=len(self.files))

    def problem(self, problem: ProblemType, file: str, message: str) -> None:
        self.found.append(problem_row(problem, file=file, message=message))

    def failed(self, problem: ProblemType) -> set[str]:
        """Files already reported with ``problem``."""
        return {p["file"] for p in self.found if p["rule"] == problem.code}

    def text(self, *, quiet: bool = False) -> str:
        """One line per problem, then OK or FAILED (OK alone is left out when quiet)."""
        lines = [f"{p['file']}: {p['rule']}: {p['message']}" for p in self.found]
        if not self.ok:
            lines.append(f"{self.release}: FAILED ({len(self.found)} problems)")
        elif not quiet:
            events = sum(v for k, v in self.rows.items() if k == EVENTS_CSV.path)
            lines.append(f"{self.release}: OK ({len(self.files)} files match "
                         f"{SHA256SUMS.path}; {events} events)")
        return "".join(f"{line}\n" for line in lines)

    def to_dict(self) -> dict[str, Any]:
        report = self.report.to_dict()
        return {"ok": self.ok, "release": str(self.release), "files": self.files,
                "rows": self.rows, "summary": report["summary"],
                "problems": report["problems"]}


def _present_files(release: Path) -> set[str]:
    return {p.relative_to(release).as_posix() for p in release.rglob("*")
            if p.is_file() and p.name != SHA256SUMS.path}


def _schema_mismatch(actual: pa.Schema, expected: pa.Schema) -> str | None:
    """Why `actual` is not `expected` (names, order, types), or None."""
    if actual.names != expected.names:
        missing = [n for n in expected.names if n not in actual.names]
        extra = [n for n in actual.names if n not in expected.names]
        detail = []
        if missing:
            detail.append("missing " + ", ".join(missing))
        if extra:
            detail.append("unexpected " + ", ".join(extra))
        return "columns differ from the declared schema" + (
            f" ({'; '.join(detail)})" if detail else " (order)")
    wrong = [f"{f.name} is {f.type}, declared {expected.field(f.name).type}"
             for f in actual if not f.type.equals(expected.field(f.name).type)]
    return "types differ: " + "; ".join(wrong) if wrong else None


def _check_event_files(release: Path, result: VerifyResult) -> int:
    """Schema of each events Parquet file; returns the total row count."""
    assert EVENTS.schema is not None
    schema = EVENTS.schema()
    try:
        files = event_files(release)
    except ConflictkitError as exc:
        result.problem(P.MISSING_FILE, EVENTS.path, str(exc))
        return 0
    total = 0
    for path in files:
        relative = path.relative_to(release).as_posix()
        partition = path.parent.name.partition("=")
        expected = schema
        if partition[0] == PARTITION_KEY:
            if not partition[2].isdigit():
                result.problem(P.PARTITION, relative,
                               P.PARTITION.message(name=path.parent.name))
            expected = pa.schema([f for f in schema if f.name != PARTITION_KEY])
        rows = _parquet_rows(release, relative, expected, result)
        if rows is not None:
            result.rows[relative] = rows
            total += rows
    return total


def _parquet_rows(release: Path, relative: str, expected: pa.Schema | None,
                  result: VerifyResult) -> int | None:
    """Rows of a Parquet file from its metadata, after checking its schema when declared."""
    try:
        meta = pq.read_metadata(release / relative)
        actual = meta.schema.to_arrow_schema()
    except (OSError, pa.ArrowException) as exc:
        result.problem(P.UNREADABLE_FILE, relative, f"not a readable Parquet file: {exc}")
        return None
    if expected is not None:
        reason = _schema_mismatch(actual, expected)
        if reason:
            result.problem(P.FILE_SCHEMA, relative, reason)
    return meta.num_rows


def _count_csv(path: Path, schema: pa.Schema) -> int:
    """Rows of a CSV file parsed with the declared column types (raises on any mismatch)."""
    with path.open("rb") as handle:
        header = handle.readline().decode("utf-8").rstrip("\n")
    names = [name.strip('"') for name in header.split(",")]
    if names != schema.names:
        raise ValueError(f"header is not the declared columns in order: {header[:200]!r}")
    reader = pa_csv.open_csv(
        str(path),
        read_options=pa_csv.ReadOptions(block_size=1 << 24),
        convert_options=pa_csv.ConvertOptions(column_types=schema, strings_can_be_null=True),
    )
    return sum(batch.num_rows for batch in reader)


def _tables(release: Path) -> list[ReleaseFile]:
    """The table files of the release besides the events Parquet."""
    return [f for f in RELEASE_FILES if f.is_table and f is not EVENTS]


def _check_tables(release: Path, result: VerifyResult, event_rows: int,
                  pool: ThreadPoolExecutor) -> None:
    """Every table file: present if required, parsed with its declared schema, and as many rows
    as events where it has one row per event."""
    csv_jobs = {}
    for table in _tables(release):
        if not (release / table.path).is_file():
            if table.required:
                result.problem(P.MISSING_FILE, table.path, f"{table.path} is missing")
            continue
        if table.format == "csv":
            assert table.schema is not None, "a CSV table declares its schema"
            csv_jobs[table.path] = pool.submit(_count_csv, release / table.path, table.schema())
        else:
            rows = _parquet_rows(release, table.path,
                                 table.schema() if table.schema else None, result)
            if rows is not None:
                result.rows[table.path] = rows
    for name, job in csv_jobs.items():
        try:
            result.rows[name] = job.result()
        except (ValueError, pa.ArrowException, UnicodeDecodeError) as exc:
            result.problem(P.FILE_SCHEMA, name, f"does not parse with the declared types: {exc}")
    for table in _tables(release):
        rows = result.rows.get(table.path)
        if table.per_event and rows is not None and rows != event_rows:
            result.problem(P.ROW_COUNT, table.path,
                           f"{rows} rows but the release has {event_rows} events")


def _check_documents(release: Path, result: VerifyResult) -> None:
    """Required files that are not tables (codebook, changelog, datapackage.json) exist."""
    for release_file in RELEASE_FILES:
        if (not release_file.is_table and release_file.required
                and release_file is not SHA256SUMS
                and not (release / release_file.path).is_file()):
            result.problem(P.MISSING_FILE, release_file.path, f"{release_file.path} is missing")


def _check_datapackage(release: Path, result: VerifyResult,
                       actual: dict[str, dict[str, Any]]) -> None:
    if not (release / DATAPACKAGE.path).is_file():
        return  # reported as a missing required file
    try:
        resources = read_datapackage(release)["resources"]
    except (ConflictkitError, KeyError, TypeError) as exc:
        result.problem(P.UNREADABLE_FILE, DATAPACKAGE.path, f"not a data package: {exc}")
        return
    described = set()
    # a file already failing its SHA256SUMS line is reported once, not again per property
    failed = result.failed(P.CHECKSUM)
    for resource in resources:
        name = resource.get("path")
        if not isinstance(name, str):
            continue
        described.add(name)
        facts = actual.get(name)
        if name in failed:
            continue
        if facts is None:
            result.problem(P.MISSING_FILE, name, "listed in datapackage.json but absent")
            continue
        if "bytes" in resource and resource["bytes"] != facts["bytes"]:
            result.problem(P.DATAPACKAGE_MISMATCH, name,
                           f"datapackage.json says {resource.get('bytes')} bytes, file has "
                           f"{facts['bytes']}")
        if resource.get("hash") != f"sha256:{facts['sha256']}":
            result.problem(P.DATAPACKAGE_MISMATCH, name,
                           "datapackage.json records a different sha256")
        if "rows" in resource and name in result.rows and resource["rows"] != result.rows[name]:
            result.problem(P.ROW_COUNT, name, f"datapackage.json says {resource['rows']} rows, "
                                              f"file has {result.rows[name]}")
    for name in sorted(set(actual) - described - {DATAPACKAGE.path}):
        result.problem(P.UNLISTED_FILE, name, P.UNLISTED_FILE.message(listing=DATAPACKAGE.path))


def verify_release(release_dir: str | Path) -> VerifyResult:
    """Check a release directory; problems are collected, not raised (except a non-release)."""
    release = check_release_dir(release_dir)
    result = VerifyResult(release)
    try:
        expected = read_checksums(release)
    except ConflictkitError as exc:
        result.problem(P.MISSING_FILE if not (release / SHA256SUMS.path).exists()
                       else P.UNREADABLE_FILE, SHA256SUMS.path, str(exc))
        return result
    present = _present_files(release)
    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = {name: pool.submit(sha256_file, release / name)
                for name in sorted(expected) if name in present}
        event_rows = _check_event_files(release, result)
        _check_tables(release, result, event_rows, pool)
        _check_documents(release, result)
        actual: dict[str, dict[str, Any]] = {}
        for name in sorted(expected):
            if name not in present:
                result.problem(P.MISSING_FILE, name, f"listed in {SHA256SUMS.path} but absent")
                continue
            digest = jobs[name].result()
            size = (release / name).stat().st_size
            actual[name] = {"bytes": size, "sha256": digest}
            ok = digest == expected[name]
            result.files.append({"path": name, "bytes": size, "sha256": digest, "ok": ok})
            if not ok:
                result.problem(P.CHECKSUM, name, P.CHECKSUM.message())
    for name in sorted(present - set(expected)):
        result.problem(P.UNLISTED_FILE, name, P.UNLISTED_FILE.message(listing=SHA256SUMS.path))
    _check_datapackage(release, result, actual)
    return result
