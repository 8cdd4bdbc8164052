"""One writer per file of a release (`conflictkit.layout.release.RELEASE_FILES`).

The layout says where each file goes, its format and how datapackage.json describes it; this
module says what each one holds. The build gathers everything the writers need in a
`ReleaseContent`, then runs `WRITERS` for the files it writes one by one; the events Parquet and
events.csv are streamed together (`write.write_events_streaming`), and datapackage.json and
SHA256SUMS come last because they describe the others. A test fails when a release file has no
writer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from conflictkit.builders.release import write
from conflictkit.builders.release.changelog import render_changelog
from conflictkit.layout.release import (
    CHANGELOG,
    CODEBOOK,
    DATAPACKAGE,
    DELETIONS,
    EVENTS,
    EVENTS_CSV,
    PROVENANCE,
    RELEASE_FILES,
    REPAIRS,
    REPORT,
    SHA256SUMS,
)

if TYPE_CHECKING:
    import pyarrow as pa

    from conflictkit.builders.release.compare import Comparison
    from conflictkit.builders.release.metadata import DatasetMetadata


@dataclass
class ReleaseContent:
    """What the files of one release are written from (all in release order)."""

    stage: Path
    version: str
    previous: str | None
    released_at: int
    metadata: DatasetMetadata
    deletions: pa.Table
    provenance: pa.Table
    keys: pa.Table  # event_id_cnty, country, event_type of every event
    comparison: Comparison
    candidates_left_out: int
    #: the report page, rendered (from the events before they were put in release order)
    #: while the events are written; calling it waits for the page
    report_html: Callable[[], str]
    repairs: pa.Table  # `build.release_repairs`: sorted, the released events' only


def _deletions(content: ReleaseContent) -> list[str]:
    return write.write_csv_table(content.stage, DELETIONS.path, content.deletions)


def _provenance(content: ReleaseContent) -> list[str]:
    write.write_parquet(content.provenance, content.stage / PROVENANCE.path)
    return [PROVENANCE.path]


def _repairs(content: ReleaseContent) -> list[str]:
    write.write_parquet(content.repairs, content.stage / REPAIRS.path)
    return [REPAIRS.path]


def _report(content: ReleaseContent) -> list[str]:
    return write.write_text(content.stage, REPORT.path, content.report_html())


def _changelog(content: ReleaseContent) -> list[str]:
    meta = content.metadata
    text = render_changelog(
        name=meta.title or meta.name, version=content.version, previous=content.previous,
        released_at=content.released_at, events=content.keys, comparison=content.comparison,
        candidates_left_out=content.candidates_left_out)
    return write.write_text(content.stage, CHANGELOG.path, text)


def _codebook(content: ReleaseContent) -> list[str]:
    from conflictkit.schema.codebook import codebook_markdown

    return write.write_text(content.stage, CODEBOOK.path, codebook_markdown())


#: Release file key -> its writer, for the files written one by one before the events.
WRITERS: dict[str, Callable[[ReleaseContent], list[str]]] = {
    DELETIONS.key: _deletions,
    PROVENANCE.key: _provenance,
    REPAIRS.key: _repairs,
    REPORT.key: _report,
    CHANGELOG.key: _changelog,
    CODEBOOK.key: _codebook,
}
#: Files the build writes itself: the events (both streamed at once) and the two that describe
#: the others.
WRITTEN_BY_BUILD: frozenset[str] = frozenset({EVENTS.key, EVENTS_CSV.key, DATAPACKAGE.key,
                                              SHA256SUMS.key})

_unwritten = {f.key for f in RELEASE_FILES} - set(WRITERS) - WRITTEN_BY_BUILD
assert not _unwritten, f"release files without a writer: {sorted(_unwritten)}"
