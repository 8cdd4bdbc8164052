"""`write_report`: read a finished release directory (and optionally an earlier one), render
the report and write it atomically.

The HTML is rendered completely before anything is written, then goes to a temporary file
beside the target, is flushed and renamed over it: a failure (a read-only folder, a full disk,
an interrupt) leaves no file or the previous one, never half a page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from conflictkit.atomic import describe_os_error, write_atomic
from conflictkit.builders.report.changes import comparison_from_timestamps
from conflictkit.builders.report.render import ReportMeta, render_report
from conflictkit.builders.report.summary import REPORT_COLUMNS
from conflictkit.errors import ConflictkitError, UsageError
from conflictkit.layout.release import (
    ID,
    REPORT,
    check_release_dir,
    read_datapackage,
    read_deletions,
    read_events,
    read_provenance,
    read_repairs,
)
from conflictkit.layout.versions import version_key

REPORT_HTML = REPORT.path
PROVENANCE_COLUMNS = ["review", "origin", "status"]
PREVIOUS_COLUMNS = [ID, "country", "event_type", "fatalities", "timestamp"]


@dataclass(frozen=True)
class ReportResult:
    """What `write_report` wrote."""

    path: Path
    bytes: int
    release: Path
    version: str
    events: int
    previous: Path | None

    def to_dict(self) -> dict[str, Any]:
        return {"ok": True, "report": str(self.path), "bytes": self.bytes,
                "release": str(self.release), "version": self.version, "events": self.events,
                "previous": str(self.previous) if self.previous else None}

    def status(self) -> str:
        """One line: what was written, of which release, compared with which."""
        compared = f" compared with {self.previous}" if self.previous else ""
        return (f"wrote {self.path} ({self.bytes / 1024:,.0f} KiB): report of {self.release} "
                f"({self.events} events){compared}")


def read_meta(release: Path) -> tuple[ReportMeta, dict[str, Any]]:
    """The release's datapackage.json as report metadata (defaults when it has none)."""
    document = read_datapackage(release)
    if not document:
        return ReportMeta(version=release.name), {}
    meta = ReportMeta.from_datapackage(document)
    return (meta if meta.version else replace(meta, version=release.name)), document


def _check_previous(release: Path, meta: ReportMeta, document: dict[str, Any],
                    previous: Path, old_meta: ReportMeta, old_document: dict[str, Any]) -> None:
    """Refuse an earlier release that is not one: the same directory, another dataset, or a
    later release."""
    if previous.resolve() == release.resolve():
        raise UsageError(f"--previous {previous} is the release itself")
    new_name, old_name = document.get("name"), old_document.get("name")
    if new_name and old_name and new_name != old_name:
        raise ConflictkitError(
            f"{previous} is a release of the dataset {old_name!r}, but {release} is of "
            f"{new_name!r}: the report compares two releases of one dataset")
    if meta.released_at is not None and old_meta.released_at is not None:
        later = old_meta.released_at >= meta.released_at
    else:
        later = version_key(old_meta.version) >= version_key(meta.version)
    if later:
        raise UsageError(f"--previous {previous} ({old_meta.version}) is not earlier than "
                         f"{release} ({meta.version})")


def build_report(release_dir: str | Path, previous_dir: str | Path | None = None,
                 progress: Callable[[str], None] | None = None
                 ) -> tuple[str, ReportMeta, int]:
    """The report's HTML for a release directory: (html, metadata, number of events)."""
    say = progress or (lambda step: None)
    say("reading the release")
    release = check_release_dir(release_dir)
    meta, document = read_meta(release)
    old_dir = None
    if previous_dir is not None:
        old_dir = check_release_dir(previous_dir)
        old_meta, old_document = read_meta(old_dir)
        _check_previous(release, meta, document, old_dir, old_meta, old_document)
        meta = replace(meta, previous_version=old_meta.version)
    events = read_events(release, [*REPORT_COLUMNS, "timestamp"])
    deletions = read_deletions(release)
    provenance = read_provenance(release, PROVENANCE_COLUMNS)
    repairs = read_repairs(release)
    previous = comparison = None
    if old_dir is not None:
        previous = read_events(old_dir, PREVIOUS_COLUMNS)
        comparison = comparison_from_timestamps(events, previous)
    say(f"drawing the report of {events.num_rows:,} events")
    html = render_report(events, meta=meta, provenance=provenance, deletions=deletions,
                         repairs=repairs, previous=previous, comparison=comparison)
    return html, meta, events.num_rows


def write_report_file(path: Path, data: bytes) -> None:
    """The page at `path`, whole or not at all; a failure explains itself."""
    if path.is_dir():
        raise UsageError(f"{path} is a directory; give the report's file name (-o FILE.html)")
    parent = path.parent
    if parent.exists() and not parent.is_dir():
        raise ConflictkitError(f"cannot write the report to {path}: {parent} is not a "
                               "directory; nothing was written")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
    except OSError as exc:
        raise ConflictkitError(f"cannot write the report to {path}: "
                               f"{describe_os_error(exc)}; nothing was written") from exc


def write_report(release_dir: str | Path, out: str | Path | None = None,
                 previous: str | Path | None = None,
                 progress: Callable[[str], None] | None = None) -> ReportResult:
    """Render the report of the release at `release_dir` (compared with the earlier release
    `previous`, if given) and write it to `out` (default ``report.html`` in the current
    folder). Raises UsageError for a path that is not a release or a bad `previous`,
    ConflictkitError for unreadable files, another dataset's release or a failed write."""
    html, meta, rows = build_report(release_dir, previous, progress)
    target = Path(out) if out is not None else Path(REPORT_HTML)
    data = html.encode("utf-8")
    write_report_file(target, data)
    return ReportResult(path=target, bytes=len(data), release=Path(release_dir),
                        version=meta.version, events=rows,
                        previous=Path(previous) if previous is not None else None)
