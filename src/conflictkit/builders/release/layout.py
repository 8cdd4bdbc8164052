"""Where things are inside a release directory, for writers and readers alike.

Two layouts, told apart by what exists:

- single file: ``events.parquet`` (rows sorted by country, event_date, event_id_cnty);
- partitioned (large releases): ``events/year=YYYY/part-0.parquet``, hive style: each file
  holds the other 30 columns of one year's events (sorted the same way) and ``year`` comes from
  the directory name, as pyarrow, pandas, DuckDB and polars expect of a hive partition.

Every other file has one fixed name. `open_release_dataset` gives readers (``ck.load``, DuckDB
users, verify, diff, info) one `pyarrow.dataset` view over either layout.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from conflictkit.errors import ConflictkitError, UsageError

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.dataset as ds

EVENTS_PARQUET = "events.parquet"
EVENTS_DIR = "events"
PARTITION_FILE = "part-0.parquet"
PARTITION_KEY = "year"
EVENTS_CSV = "events.csv"
DELETIONS_CSV = "deletions.csv"
PROVENANCE_PARQUET = "provenance.parquet"
DATAPACKAGE_JSON = "datapackage.json"
CODEBOOK_MD = "codebook.md"
CHANGELOG_MD = "CHANGELOG.md"
SHA256SUMS = "SHA256SUMS"

# Rows per Parquet row group. A country-year is found by min/max statistics, and a group that
# straddles two countries matches any date, so a load decodes up to two such neighbours besides
# the groups it wants: with 25k rows that waste is small (3M events, 67k-event country-year:
# 6 groups / 150k rows decoded against 4 / 400k at 100k; whole process 0.47 s against 0.74 s),
# for 3% more bytes.
ROW_GROUP_SIZE = 25_000
# above this many events `--partition auto` writes the year-partitioned layout
AUTO_PARTITION_ROWS = 2_000_000
PARTITION_MODES = ("auto", "year", "none")


def partition_path(year: int | None) -> str:
    """Relative path of one year's file in the partitioned layout (``__HIVE_DEFAULT_PARTITION__``
    holds events without a year, which a valid release never has)."""
    label = "__HIVE_DEFAULT_PARTITION__" if year is None else str(int(year))
    return f"{EVENTS_DIR}/year={label}/{PARTITION_FILE}"


def check_release_dir(release_dir: str | Path) -> Path:
    """`release_dir` as a Path, or a UsageError saying why it is not a release."""
    path = Path(release_dir)
    if not path.exists():
        raise UsageError(f"{path}: no such release directory")
    if not path.is_dir():
        raise UsageError(f"{path}: not a directory (a release is a directory with {SHA256SUMS})")
    return path


def is_partitioned(release_dir: str | Path) -> bool:
    """True for the ``events/year=YYYY/`` layout."""
    path = Path(release_dir)
    return (path / EVENTS_DIR).is_dir() and not (path / EVENTS_PARQUET).exists()


def event_files(release_dir: str | Path) -> list[Path]:
    """The Parquet files holding the events, in order (years ascending when partitioned)."""
    path = check_release_dir(release_dir)
    single = path / EVENTS_PARQUET
    if single.is_file():
        return [single]
    if (path / EVENTS_DIR).is_dir():
        files = sorted((path / EVENTS_DIR).glob(f"year=*/{PARTITION_FILE}"),
                       key=lambda p: _year_of(p.parent.name))
        if files:
            return files
    raise ConflictkitError(
        f"{path}: no events in this release (neither {EVENTS_PARQUET} nor "
        f"{EVENTS_DIR}/year=YYYY/{PARTITION_FILE})"
    )


def _year_of(dirname: str) -> int:
    value = dirname.partition("=")[2]
    return int(value) if value.isdigit() else 1 << 30


def release_events_path(release_dir: str | Path) -> Path:
    """What to hand a Parquet reader: ``events.parquet`` or the ``events/`` directory.

    DuckDB: ``read_parquet('<release>/events/*/*.parquet', hive_partitioning=true)`` for the
    partitioned layout; pandas: ``pandas.read_parquet('<release>/events')``.
    """
    files = event_files(release_dir)
    single = Path(release_dir) / EVENTS_PARQUET
    return single if files == [single] else Path(release_dir) / EVENTS_DIR


def open_release_dataset(release_dir: str | Path) -> ds.Dataset:
    """A `pyarrow.dataset` over a release's events in either layout, typed by `arrow_schema()`.

    Filters on country, event_date or year skip row groups by their statistics (each
    partition file holds one year, so a year filter skips the other files' row groups).
    """
    import pyarrow as pa
    import pyarrow.dataset as ds

    from conflictkit.schema.arrow import arrow_schema

    files = event_files(release_dir)
    if files == [Path(release_dir) / EVENTS_PARQUET]:
        return ds.dataset(str(files[0]), schema=arrow_schema(), format="parquet")
    partitioning = ds.partitioning(pa.schema([arrow_schema().field(PARTITION_KEY)]),
                                   flavor="hive")
    return ds.dataset([str(f) for f in files], schema=arrow_schema(), format="parquet",
                      partitioning=partitioning,
                      partition_base_dir=str(Path(release_dir) / EVENTS_DIR))


def read_events(release_dir: str | Path, columns: list[str] | None = None) -> pa.Table:
    """All events of a release (or some columns) as one Arrow table, in file order."""
    try:
        dataset = open_release_dataset(release_dir)
        return dataset.to_table(columns=columns)
    except (OSError, ValueError) as exc:  # pyarrow raises ArrowInvalid (a ValueError) on junk
        raise ConflictkitError(f"{release_dir}: cannot read the release's events: {exc}") from exc
