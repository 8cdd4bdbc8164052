"""``conflictkit verify``: is a release exactly what was published?

Recomputes every checksum listed in ``SHA256SUMS`` (any changed byte names its file), looks for
missing and unlisted files, checks datapackage.json's bytes/hash/rows against the files, the
Parquet schemas against `arrow_schema()`, and parses the CSV files with the declared types to
count their rows. Works on both event layouts.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from conflictkit.builders.release.checksums import parse_sha256sums, sha256_file
from conflictkit.builders.release.layout import (
    DATAPACKAGE_JSON,
    DELETIONS_CSV,
    EVENTS_CSV,
    PARTITION_KEY,
    PROVENANCE_PARQUET,
    SHA256SUMS,
    check_release_dir,
    event_files,
)
from conflictkit.builders.release.write import DELETIONS_SCHEMA
from conflictkit.errors import ConflictkitError
from conflictkit.problems import catalogue as P
from conflictkit.problems.catalogue import ProblemType
from conflictkit.problems.report import Report, problems_frame
from conflictkit.problems.rows import problem_row
from conflictkit.schema.arrow import arrow_schema


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

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "release": str(self.release), "files": self.files,
                "rows": self.rows, **{k: v for k, v in self.report.to_dict().items()
                                      if k != "ok"}}


def _present_files(release: Path) -> set[str]:
    return {p.relative_to(release).as_posix() for p in release.rglob("*")
            if p.is_file() and p.name != SHA256SUMS}


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
    schema = arrow_schema()
    files = event_files(release)
    total = 0
    for path in files:
        relative = path.relative_to(release).as_posix()
        partition = path.parent.name.partition("=")
        expected = schema
        if partition[0] == PARTITION_KEY:
            if not partition[2].isdigit():
                result.problem(P.PARTITION, relative, f"bad partition directory {path.parent.name}")
            expected = pa.schema([f for f in schema if f.name != PARTITION_KEY])
        try:
            meta = pq.read_metadata(path)
            actual = meta.schema.to_arrow_schema()
        except (OSError, pa.ArrowException) as exc:
            result.problem(P.UNREADABLE_FILE, relative, f"not a readable Parquet file: {exc}")
            continue
        reason = _schema_mismatch(actual, expected)
        if reason:
            result.problem(P.FILE_SCHEMA, relative, reason)
        result.rows[relative] = meta.num_rows
        total += meta.num_rows
    return total


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


def _check_tables(release: Path, result: VerifyResult, event_rows: int,
                  pool: ThreadPoolExecutor) -> None:
    schema = arrow_schema()
    csv_jobs = {}
    for name, declared in ((EVENTS_CSV, schema), (DELETIONS_CSV, DELETIONS_SCHEMA)):
        if (release / name).is_file():
            csv_jobs[name] = pool.submit(_count_csv, release / name, declared)
        else:
            result.problem(P.MISSING_FILE, name, f"{name} is missing")
    for name, job in csv_jobs.items():
        try:
            result.rows[name] = job.result()
        except (ValueError, pa.ArrowException, UnicodeDecodeError) as exc:
            result.problem(P.FILE_SCHEMA, name, f"does not parse with the declared types: {exc}")
    if EVENTS_CSV in result.rows and result.rows[EVENTS_CSV] != event_rows:
        result.problem(P.ROW_COUNT, EVENTS_CSV,
                       f"{result.rows[EVENTS_CSV]} rows but the Parquet events have {event_rows}")
    provenance = release / PROVENANCE_PARQUET
    if provenance.is_file():
        try:
            rows = pq.read_metadata(provenance).num_rows
            result.rows[PROVENANCE_PARQUET] = rows
            if rows != event_rows:
                result.problem(P.ROW_COUNT, PROVENANCE_PARQUET,
                               f"{rows} rows for {event_rows} events")
        except (OSError, pa.ArrowException) as exc:
            result.problem(P.UNREADABLE_FILE, PROVENANCE_PARQUET,
                           f"not a readable Parquet file: {exc}")


def _check_datapackage(release: Path, result: VerifyResult,
                       actual: dict[str, dict[str, Any]]) -> None:
    path = release / DATAPACKAGE_JSON
    if not path.is_file():
        result.problem(P.MISSING_FILE, DATAPACKAGE_JSON, "datapackage.json is missing")
        return
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        resources = document["resources"]
    except (ValueError, KeyError, TypeError) as exc:
        result.problem(P.UNREADABLE_FILE, DATAPACKAGE_JSON, f"not a data package: {exc}")
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
        if resource.get("bytes") != facts["bytes"]:
            result.problem(P.DATAPACKAGE_MISMATCH, name,
                           f"datapackage.json says {resource.get('bytes')} bytes, file has "
                           f"{facts['bytes']}")
        if resource.get("hash") != f"sha256:{facts['sha256']}":
            result.problem(P.DATAPACKAGE_MISMATCH, name,
                           "datapackage.json records a different sha256")
        if "rows" in resource and name in result.rows and resource["rows"] != result.rows[name]:
            result.problem(P.ROW_COUNT, name, f"datapackage.json says {resource['rows']} rows, "
                                              f"file has {result.rows[name]}")
    for name in sorted(set(actual) - described - {DATAPACKAGE_JSON}):
        result.problem(P.UNLISTED_FILE, name, "not described in datapackage.json")


def verify_release(release_dir: str | Path) -> VerifyResult:
    """Check a release directory; problems are collected, not raised (except a non-release)."""
    release = check_release_dir(release_dir)
    result = VerifyResult(release)
    try:
        expected = parse_sha256sums(release / SHA256SUMS)
    except ConflictkitError as exc:
        result.problem(P.MISSING_FILE if not (release / SHA256SUMS).exists()
                       else P.UNREADABLE_FILE, SHA256SUMS, str(exc))
        return result
    present = _present_files(release)
    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = {name: pool.submit(sha256_file, release / name)
                for name in sorted(expected) if name in present}
        try:
            event_rows = _check_event_files(release, result)
        except ConflictkitError as exc:
            result.problem(P.MISSING_FILE, "events", str(exc))
            event_rows = 0
        _check_tables(release, result, event_rows, pool)
        actual: dict[str, dict[str, Any]] = {}
        for name in sorted(expected):
            if name not in present:
                result.problem(P.MISSING_FILE, name, f"listed in {SHA256SUMS} but absent")
                continue
            digest = jobs[name].result()
            size = (release / name).stat().st_size
            actual[name] = {"bytes": size, "sha256": digest}
            ok = digest == expected[name]
            result.files.append({"path": name, "bytes": size, "sha256": digest, "ok": ok})
            if not ok:
                result.problem(P.CHECKSUM, name,
                               f"SHA-256 differs from {SHA256SUMS}: the file was changed "
                               "or corrupted")
    for name in sorted(present - set(expected)):
        result.problem(P.UNLISTED_FILE, name, f"not listed in {SHA256SUMS}")
    _check_datapackage(release, result, actual)
    return result
