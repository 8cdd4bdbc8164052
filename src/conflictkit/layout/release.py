"""Every file a release holds, declared once, and the readers everything else uses.

A release is a directory ``<releases>/<version>/`` holding the files of `RELEASE_FILES`. Each
entry says its path, format, declared schema (for tables), whether a release must have it, and
how ``datapackage.json`` describes it. The build writes them (one writer per entry), verify
checks them, datapackage.json lists them, and `conflictkit.load`, info, diff, ids and the
cross-record checks read them through the functions below; no other module decides what a
release is or opens its files by name.

The events come in one of two layouts, told apart by what exists:

- single file: ``events.parquet`` (rows sorted by country, event_date, event_id_cnty);
- partitioned (large releases): ``events/year=YYYY/part-0.parquet``, hive style: each file
  holds the other 30 columns of one year's events (sorted the same way) and ``year`` comes from
  the directory name, as pyarrow, pandas, DuckDB and polars expect of a hive partition.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conflictkit.errors import ConflictkitError, UsageError
from conflictkit.layout.checksums import parse_sha256sums
from conflictkit.layout.versions import existing_versions
from conflictkit.schema.columns import SIDE_FIELDS

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.dataset as ds

EVENTS_DIR = "events"
PARTITION_FILE = "part-0.parquet"
PARTITION_KEY = "year"
ID = "event_id_cnty"

# Rows per Parquet row group. A country-year is found by min/max statistics, and a group that
# straddles two countries matches any date, so a load decodes up to two such neighbours besides
# the groups it wants: with 25k rows that waste is small (3M events, 67k-event country-year:
# 6 groups / 150k rows decoded against 4 / 400k at 100k; whole process 0.47 s against 0.74 s),
# for 3% more bytes.
ROW_GROUP_SIZE = 25_000
# above this many events `--partition auto` writes the year-partitioned layout
AUTO_PARTITION_ROWS = 2_000_000
PARTITION_MODES = ("auto", "year", "none")

#: Where each event came from, one value per event beside its ACLED columns: ``origin``
#: ("contribution": a file under events/; "import": a batch under imports/; "table": another
#: events table), the dataset file and line, the contribution side fields, ``review`` (why a
#: person should look at the event: a guess made on import) and ``superseded`` (the older
#: versions of an imported event that a newer one replaced). These lead the provenance table;
#: an imported batch adds its export's own columns after them, named ``source_...``.
SIDE_COLUMNS: tuple[str, ...] = ("origin", "file", "line", *SIDE_FIELDS, "review",
                                 "superseded")
PROVENANCE_COLUMNS: tuple[str, ...] = (ID, *SIDE_COLUMNS)
IMPORTED_COLUMN_PREFIX = "source_"
#: the provenance column naming an imported event's origin (its import era), which decides
#: what the event may leave blank (`conflictkit.schema.origins`)
ORIGIN_COLUMN = IMPORTED_COLUMN_PREFIX + "era"

_MEDIATYPES = {"parquet": "application/vnd.apache.parquet", "csv": "text/csv",
               "markdown": "text/markdown", "json": "application/json",
               "html": "text/html", "sha256sums": "text/plain"}


def _events_schema() -> pa.Schema:
    from conflictkit.schema.arrow import arrow_schema

    return arrow_schema()


def deletions_schema() -> pa.Schema:
    """deletions.csv: every ID the dataset ever deleted, with when (never reused)."""
    import pyarrow as pa

    return pa.schema([
        pa.field(ID, pa.string(), nullable=False, metadata={
            "description": "ID of an event deleted from the dataset; never reused."}),
        pa.field("deleted_timestamp", pa.int64(), nullable=False, metadata={
            "description": "Unix time (seconds) of the release that deleted it."}),
    ])


def repairs_schema() -> pa.Schema:
    """repairs.parquet: every repair an import made to an event's value, with the original."""
    import pyarrow as pa

    def text(name: str, description: str) -> pa.Field:
        return pa.field(name, pa.string(), nullable=False, metadata={"description": description})

    return pa.schema([
        text(ID, "The event the repair belongs to."),
        text("column", "The ACLED column repaired."),
        text("repair", "The kind of repair (see the import policy: na_token, mojibake, "
                       "whitespace, ...)."),
        pa.field("original", pa.string(), metadata={
            "description": "The value as the imported file had it, as text."}),
    ])


@dataclass(frozen=True)
class ReleaseFile:
    """One file of a release.

    ``schema``: the declared Arrow schema of a table whose columns are fixed (None for a table
    whose columns vary, such as provenance, and for documents). ``unique_by``: the columns no
    two rows share (the table's primary key). ``per_event``: a table with one row per event.
    ``in_datapackage``: described as a resource of datapackage.json; ``in_checksums``: listed
    in SHA256SUMS.
    """

    key: str
    path: str
    format: str
    title: str
    description: str
    required: bool = True
    schema: Callable[[], pa.Schema] | None = None
    unique_by: tuple[str, ...] = ()
    per_event: bool = False
    in_datapackage: bool = True
    in_checksums: bool = True

    @property
    def mediatype(self) -> str:
        return _MEDIATYPES[self.format]

    @property
    def is_table(self) -> bool:
        return self.format in ("parquet", "csv")


EVENTS = ReleaseFile(
    "events", "events.parquet", "parquet", "Events",
    "The events, column-for-column ACLED (31 columns), sorted by country, event_date and "
    "event_id_cnty, zstd, row groups of at most 25k events that follow country boundaries. "
    f"Large releases hold {EVENTS_DIR}/{PARTITION_KEY}=YYYY/{PARTITION_FILE} instead (hive "
    f"partitions: the {PARTITION_KEY} column comes from the directory name).",
    schema=_events_schema)
EVENTS_CSV = ReleaseFile(
    "events-csv", "events.csv", "csv", "Events (CSV)",
    "The events as CSV (RFC 4180, UTF-8, LF, ISO dates), ACLED's columns in ACLED's order.",
    schema=_events_schema, unique_by=(ID,), per_event=True)
DELETIONS = ReleaseFile(
    "deletions", "deletions.csv", "csv", "Deleted event IDs",
    "Every event ID deleted from the dataset, with the release time that deleted it; carried "
    "forward from release to release, never reused.", schema=deletions_schema,
    unique_by=(ID,))
PROVENANCE = ReleaseFile(
    "provenance", "provenance.parquet", "parquet", "Provenance",
    "Where each event came from, keyed by event_id_cnty, one row per event: origin "
    "(contribution, import), the dataset file and line, the side fields (status, source_url, "
    "source_published, coder, comment, provenance), review, then the columns an imported "
    "export had beyond ACLED's, named source_...", unique_by=(ID,), per_event=True)
REPAIRS = ReleaseFile(
    "repairs", "repairs.parquet", "parquet", "Repairs",
    "Every value an import repaired (whitespace, mojibake, missing-value markers, dates, "
    "renamed countries, derived columns ...), one row per event, column and kind of repair, "
    "with the value as the imported file had it.", schema=repairs_schema,
    unique_by=(ID, "column", "repair"))
REPORT = ReleaseFile(
    "report", "report.html", "html", "Report",
    "One self-contained page about the release: counts, events and fatalities per month, a "
    "map, top countries, admin1 units and actors, data quality, and the changes since the "
    "previous release. Opens offline; no script.")
CHANGELOG = ReleaseFile(
    "changelog", "CHANGELOG.md", "markdown", "Changelog",
    "What this release added, changed and deleted, by country and event type.")
CODEBOOK = ReleaseFile(
    "codebook", "codebook.md", "markdown", "Codebook",
    "Every column, vocabulary and rule of the events table, generated from the schema.")
DATAPACKAGE = ReleaseFile(
    "datapackage", "datapackage.json", "json", "Data package",
    "Frictionless Data Package v2: metadata, resources with schemas, sizes and hashes.",
    in_datapackage=False)
SHA256SUMS = ReleaseFile(
    "checksums", "SHA256SUMS", "sha256sums", "Checksums",
    "SHA-256 of every other file (`sha256sum -c SHA256SUMS`).",
    in_datapackage=False, in_checksums=False)

#: Every file of a release, in the order they are described. Adding a release file is one
#: entry here plus its writer in `conflictkit.builders.release.files`.
RELEASE_FILES: tuple[ReleaseFile, ...] = (
    EVENTS, EVENTS_CSV, DELETIONS, PROVENANCE, REPAIRS, REPORT, CHANGELOG, CODEBOOK,
    DATAPACKAGE, SHA256SUMS,
)
RELEASE_FILES_BY_KEY: dict[str, ReleaseFile] = {f.key: f for f in RELEASE_FILES}


def partition_path(year: int | None) -> str:
    """Relative path of one year's file in the partitioned layout (``__HIVE_DEFAULT_PARTITION__``
    holds events without a year, which a valid release never has)."""
    label = "__HIVE_DEFAULT_PARTITION__" if year is None else str(int(year))
    return f"{EVENTS_DIR}/{PARTITION_KEY}={label}/{PARTITION_FILE}"


def year_of_path(path: str) -> int | None:
    """The year of a partition file's path (None for the single-file layout)."""
    for part in path.split("/"):
        key, _, value = part.partition("=")
        if key == PARTITION_KEY and value.isdigit():
            return int(value)
    return None


# ---------------------------------------------------------------------------------------------
# what is a release, and which one
# ---------------------------------------------------------------------------------------------


def is_release(path: Path) -> bool:
    """A release directory: events.parquet, or a year-partitioned events/ (a dataset
    repository also has an events/ folder, of contribution files: a release's holds
    ``year=YYYY`` partitions, or sits beside its checksums)."""
    path = Path(path)
    if not path.is_dir():
        return False
    if (path / EVENTS.path).is_file():
        return True
    events = path / EVENTS_DIR
    return events.is_dir() and (
        (path / SHA256SUMS.path).is_file() or (path / DATAPACKAGE.path).is_file()
        or any(events.glob(f"{PARTITION_KEY}=*/")))


def check_release_dir(release_dir: str | Path) -> Path:
    """`release_dir` as a Path, or a UsageError saying why it is not a release."""
    path = Path(release_dir)
    if not path.exists():
        raise UsageError(f"{path}: no such release directory")
    if not path.is_dir():
        raise UsageError(f"{path}: not a directory (a release is a directory with "
                         f"{SHA256SUMS.path})")
    return path


def latest_release(folder: Path) -> Path | None:
    """The newest release under a folder of releases, by version order, or None.

    The newest is taken even if it is broken (reading it then fails loudly): falling back to an
    older one could hand out IDs the newest release already published.
    """
    versions = existing_versions(folder)
    return folder / versions[-1] if versions else None


def find_release(path: str | Path, *, what: str = "release") -> Path:
    """A release directory given as itself, or as the folder of releases (its latest one).

    A UsageError says what was expected; ``what`` names the option in it (``--release``).
    """
    path = Path(path)
    if is_release(path):
        return path
    if path.is_dir():
        found = latest_release(path)
        if found is not None:
            return found
    raise UsageError(f"{what} {path}: not a release (give a release directory such as "
                     "releases/1.2.0, or the releases/ folder for the latest)")


def is_partitioned(release_dir: str | Path) -> bool:
    """True for the ``events/year=YYYY/`` layout."""
    path = Path(release_dir)
    return (path / EVENTS_DIR).is_dir() and not (path / EVENTS.path).exists()


def layout_name(release_dir: str | Path) -> str:
    """``single`` or ``year``: the events layout of a release."""
    return "year" if is_partitioned(release_dir) else "single"


# ---------------------------------------------------------------------------------------------
# reading a release
# ---------------------------------------------------------------------------------------------


def event_files(release_dir: str | Path) -> list[Path]:
    """The Parquet files holding the events, in order (years ascending when partitioned)."""
    path = check_release_dir(release_dir)
    single = path / EVENTS.path
    if single.is_file():
        return [single]
    if (path / EVENTS_DIR).is_dir():
        files = sorted((path / EVENTS_DIR).glob(f"{PARTITION_KEY}=*/{PARTITION_FILE}"),
                       key=lambda p: _year_sort_key(p.parent.name))
        if files:
            return files
    raise ConflictkitError(
        f"{path}: no events in this release (neither {EVENTS.path} nor "
        f"{EVENTS_DIR}/{PARTITION_KEY}=YYYY/{PARTITION_FILE})"
    )


def _year_sort_key(dirname: str) -> int:
    value = dirname.partition("=")[2]
    return int(value) if value.isdigit() else 1 << 30


def release_events_path(release_dir: str | Path) -> Path:
    """What to hand a Parquet reader: ``events.parquet`` or the ``events/`` directory.

    DuckDB: ``read_parquet('<release>/events/*/*.parquet', hive_partitioning=true)`` for the
    partitioned layout; pandas: ``pandas.read_parquet('<release>/events')``.
    """
    files = event_files(release_dir)
    single = Path(release_dir) / EVENTS.path
    return single if files == [single] else Path(release_dir) / EVENTS_DIR


def open_release_dataset(release_dir: str | Path) -> ds.Dataset:
    """A `pyarrow.dataset` over a release's events in either layout, typed by the schema.

    Filters on country, event_date or year skip row groups by their statistics (each
    partition file holds one year, so a year filter skips the other files' row groups).
    """
    import pyarrow as pa
    import pyarrow.dataset as ds

    schema = _events_schema()
    files = event_files(release_dir)
    if files == [Path(release_dir) / EVENTS.path]:
        return ds.dataset(str(files[0]), schema=schema, format="parquet")
    partitioning = ds.partitioning(pa.schema([schema.field(PARTITION_KEY)]), flavor="hive")
    return ds.dataset([str(f) for f in files], schema=schema, format="parquet",
                      partitioning=partitioning,
                      partition_base_dir=str(Path(release_dir) / EVENTS_DIR))


def read_events(release_dir: str | Path, columns: list[str] | None = None) -> pa.Table:
    """All events of a release (or some columns) as one Arrow table, in file order."""
    try:
        dataset = open_release_dataset(release_dir)
        return dataset.to_table(columns=columns)
    except (OSError, ValueError) as exc:  # pyarrow raises ArrowInvalid (a ValueError) on junk
        raise ConflictkitError(f"{release_dir}: cannot read the release's events: {exc}") from exc


def read_event_ids(release_dir: str | Path) -> pa.ChunkedArray:
    """Only the event_id_cnty column of a release's events (as string)."""
    import pyarrow as pa

    return read_events(release_dir, columns=[ID]).column(ID).cast(pa.string())


def read_deletions(release_dir: str | Path) -> pa.Table:
    """A release's deletions.csv with its declared types (absent: an empty table)."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    schema = deletions_schema()
    path = Path(release_dir) / DELETIONS.path
    if not path.exists():
        return schema.empty_table()
    options = pa_csv.ConvertOptions(column_types=schema, include_columns=schema.names)
    try:
        table = pa_csv.read_csv(str(path), convert_options=options)
    except (OSError, pa.ArrowException) as exc:
        raise ConflictkitError(f"{path}: cannot read the deleted IDs: {exc}") from exc
    return table.select(schema.names).cast(schema)


def read_provenance(release_dir: str | Path, columns: list[str] | None = None
                    ) -> pa.Table | None:
    """A release's provenance table (or some columns), None when the release has none."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(release_dir) / PROVENANCE.path
    if not path.is_file():
        return None
    try:
        names = pq.read_schema(path).names
        wanted = None if columns is None else [c for c in columns if c in names]
        return pq.read_table(path, columns=wanted)
    except (OSError, pa.ArrowException) as exc:
        raise ConflictkitError(f"{path}: cannot read the provenance table: {exc}") from exc


def read_repairs(release_dir: str | Path) -> pa.Table | None:
    """A release's repairs table, None for a release that has none (made before it existed)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(release_dir) / REPAIRS.path
    if not path.is_file():
        return None
    try:
        return pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise ConflictkitError(f"{path}: cannot read the repairs table: {exc}") from exc


def read_checksums(release_dir: str | Path) -> dict[str, str]:
    """Relative path -> hex SHA-256 from the release's SHA256SUMS."""
    return parse_sha256sums(Path(release_dir) / SHA256SUMS.path)


def read_datapackage(release_dir: str | Path) -> dict[str, Any]:
    """The release's datapackage.json ({} when absent); malformed JSON is a ConflictkitError."""
    path = Path(release_dir) / DATAPACKAGE.path
    if not path.is_file():
        return {}
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConflictkitError(f"{path}: not valid JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise ConflictkitError(f"{path}: not a data package (a JSON object)")
    return document
