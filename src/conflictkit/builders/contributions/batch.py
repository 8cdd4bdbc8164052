"""Reading a set of contribution files (or a dataset repository) into one checked batch.

The flow for hand-coded files: read (YAML/CSV/JSON readers) -> split side fields off ->
``coerce_events`` -> ``derive_columns`` -> ``validate_events`` -> cross-record checks. Tables
(Parquet files, release directories, CSV files with every ACLED column: exports and a release's
events.csv, see `layout.dataset.is_table_header`) skip the derivation: they are checked as they
stand.

Every record read is counted: ``report.records == report.accepted + report.rejected``, with
records that could not be read at all counted as rejected ("unreadable_record").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from conflictkit.builders.contributions.csv_reader import CsvColumns, read_csv_file
from conflictkit.builders.contributions.idscan import scan_yaml_ids
from conflictkit.builders.contributions.json_reader import read_json
from conflictkit.builders.contributions.records import assemble
from conflictkit.builders.contributions.source import (
    DEFAULT_MAX_FILE_MB,
    FileRecords,
    FileRejected,
    read_text,
)
from conflictkit.builders.contributions.tables import (
    TableRead,
    has_provenance,
    read_csv_table,
    read_events_table,
)
from conflictkit.builders.contributions.yaml_reader import read_yaml
from conflictkit.builders.crosscheck import OtherIds, ReleaseIds
from conflictkit.errors import UsageError
from conflictkit.layout.dataset import (
    CONFIG_FILE,
    CONTRIBUTION_SUFFIXES,
    TABLE_SUFFIXES,
    Dataset,
    find_dataset_root,
    is_contribution_file,
    is_sidecar,
    is_table_file,
    open_dataset,
    visible_files,
)
from conflictkit.layout.release import (
    ID,
    ORIGIN_COLUMN,
    SIDE_COLUMNS,
    is_release,
    release_events_path,
)
from conflictkit.problems import catalogue as P
from conflictkit.problems.rows import file_names, problem_row

if TYPE_CHECKING:
    import pandas as pd

    from conflictkit.problems.report import Report
    from conflictkit.reference.actors import ActorRegistry

Progress = Callable[[str], None]
#: Readers of text: the whole file is decoded first (size-capped: they hold every record as
#: Python objects). CSV files are read column-wise from the file instead (`csv_reader`).
READERS = {".yaml": read_yaml, ".yml": read_yaml, ".json": read_json}
assert set(READERS) | {".csv"} == set(CONTRIBUTION_SUFFIXES), "a reader for every suffix"


@dataclass
class Batch:
    """Checked events: the canonical frame, its side frame (row-aligned) and the report.

    ``events`` holds every record that could be read, valid or not (``report`` says which are
    rejected: problem rows name them by ``record``, the row position). ``side`` has at least
    file, line, status, source_url, source_published, coder, comment, provenance.
    """

    events: pd.DataFrame
    side: pd.DataFrame
    report: Report
    config: dict[str, Any] = field(default_factory=dict)

    def valid_mask(self) -> pd.Series:
        """True for rows without any error."""
        import pandas as pd

        errors = self.report.errors
        bad = errors.loc[errors["record"] >= 0, "record"].to_numpy()
        return pd.Series(~np.isin(np.arange(len(self.events)), bad), dtype=bool)


# ---------------------------------------------------------------------------------------------
# finding files
# ---------------------------------------------------------------------------------------------


def _display(path: Path) -> str:
    """Paths as the user will recognise them: relative to the working directory when inside."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


#: A file's name as problems and change lists show it.
display_path = _display


def _sort_into(path: Path, contributions: list[Path], tables: list[Path]) -> bool:
    """Append `path` to the list its kind belongs to; False when it belongs to neither (an
    import's sidecar is neither: it describes a batch, it holds no events)."""
    if is_contribution_file(path):
        contributions.append(path)
    elif is_table_file(path):
        tables.append(path)
    else:
        return False
    return True


def collect(paths: Iterable[str | Path]) -> tuple[list[Path], list[Path]]:
    """(contribution files, table files) under the given files and folders, in path order.

    A release directory stands for its events; a dataset repository for its events/ and
    imports/ folders; other files in a folder are skipped, a file given by name must be one of
    the two kinds.
    """
    contributions: list[Path] = []
    tables: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
        if is_release(path):
            tables.append(release_events_path(path))
        elif path.is_dir() and (path / CONFIG_FILE).is_file():
            dataset = open_dataset(path)
            contributions += dataset.contribution_files()
            tables += dataset.import_batches()
        elif path.is_dir():
            for found in visible_files(path):
                _sort_into(found, contributions, tables)
        elif is_sidecar(path):
            raise UsageError(f"{path}: the side table of an imported batch, not events; "
                             "validate the batch beside it")
        elif not _sort_into(path, contributions, tables):
            raise UsageError(
                f"{path}: not a contribution file or table (expected "
                f"{', '.join(CONTRIBUTION_SUFFIXES + TABLE_SUFFIXES)}, a folder or a "
                "release directory)")
    return _unique(contributions), _unique(tables)


def _unique(paths: list[Path]) -> list[Path]:
    seen: set[Path] = set()
    out = []
    for p in paths:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


# ---------------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------------


def read_file(path: Path, *, max_file_mb: float = DEFAULT_MAX_FILE_MB,
              display: str | None = None) -> FileRecords | CsvColumns:
    """One contribution file's records (CSV: its columns); a file that cannot be read is one
    unreadable record. ``max_file_mb`` caps YAML and JSON files, which are parsed record by
    record into Python objects; a CSV file is read column-wise, in memory bounded by its data,
    whatever its size."""
    name = display or _display(path)
    if path.suffix.lower() == ".csv":
        return read_csv_file(path, name)
    reader = READERS[path.suffix.lower()]
    try:
        text = read_text(path, max_bytes=int(max_file_mb * 2**20))
    except FileRejected as exc:
        fr = FileRecords(name)
        fr.unreadable_file(exc.line, str(exc))
        return fr
    return reader(text, name)


def read_contributions(
    paths: Iterable[str | Path],
    *,
    actors: ActorRegistry | None = None,
    gazetteer: Any | None = None,
    release: str | Path | ReleaseIds | None = None,
    strict: bool = False,
    max_file_mb: float = DEFAULT_MAX_FILE_MB,
    today: Any | None = None,
    progress: Progress | None = None,
    others: OtherIds | None = None,
) -> Batch:
    """Read, derive, validate and cross-check contribution files, folders and tables.

    ``release`` (a release directory, the releases/ folder, an events.parquet, or a
    ``ReleaseIds`` already reading) adds the check that no ID is already used or deleted there;
    ``strict`` makes unknown actors errors; ``others`` are IDs used elsewhere (the rest of the
    dataset) that no record may share.
    """
    if release is not None and not isinstance(release, ReleaseIds):
        release = ReleaseIds(release)  # starts reading the IDs in the background
    paths = list(paths)
    contributions, tables = collect(paths)
    if actors is None:
        from conflictkit.reference.actors import ActorRegistry

        actors = ActorRegistry.default()
    say = progress or (lambda step: None)
    say(f"reading {len(contributions) + len(tables):,} files")
    parts, table_reads = _read_files(contributions, tables, max_file_mb)
    batch = _check(parts, table_reads, actors=actors, gazetteer=gazetteer, release=release,
                   strict=strict, today=today, progress=say, others=others)
    if not contributions and not tables:  # e.g. a typo'd folder in CI must not pass silently
        batch.report.add([problem_row(P.NO_FILES,
                                      file=", ".join(_display(Path(p)) for p in paths))])
    return batch


def _read_files(contributions: list[Path], tables: list[Path], max_file_mb: float
                ) -> tuple[list[FileRecords | CsvColumns], list[TableRead]]:
    """Contribution files read by their readers, and tables: Parquet tables and CSV files whose
    header names every ACLED column (`layout.dataset.is_table_header`), checked as they stand."""
    parts: list[FileRecords | CsvColumns] = []
    table_reads: list[TableRead] = []
    for path in contributions:
        part = read_file(path, max_file_mb=max_file_mb)
        if isinstance(part, CsvColumns) and part.is_table:
            table_reads.append(read_csv_table(part, path))
        else:
            parts.append(part)
    return parts, table_reads + [read_events_table(p, _display(p)) for p in tables]


@dataclass
class _Read:
    """Events read from files and tables, derived columns filled, not yet validated."""

    events: pd.DataFrame
    side: pd.DataFrame
    early: list[pd.DataFrame]  # problems met while reading, converting and deriving
    unreadable: int
    assembled: Any  # records.Assembled: the contribution files' records (for key lines)


def _read(parts: list[FileRecords | CsvColumns], table_reads: list[TableRead], *,
          actors: ActorRegistry, gazetteer: Any | None) -> _Read:
    """Files' records and tables as one canonical frame (derived columns filled) and its side
    frame: what validation checks, and what a comparison with a release compares."""

    from conflictkit.builders.derive import derive_columns
    from conflictkit.schema.coerce import coerce_events

    assembled = assemble(parts)
    files = file_names(assembled.side["file"])
    lines = assembled.side["line"].to_numpy()
    events, type_problems = coerce_events(assembled.raw, files=files, lines=lines)
    events, derive_problems = derive_columns(events, actors=actors, gazetteer=gazetteer,
                                             files=files, lines=lines)
    early = [assembled.problems, type_problems, derive_problems]
    unreadable = assembled.unreadable
    if table_reads:
        offset = len(events)
        frames, sides = [events], [assembled.side]
        for read in table_reads:
            shifted = read.problems.copy()
            shifted.loc[shifted["record"] >= 0, "record"] += offset
            early.append(shifted)
            frames.append(read.events)
            sides.append(read.side)
            offset += len(read.events)
            unreadable += read.unreadable
        events, side = _stack(frames), _stack(sides)
    else:
        side = assembled.side
    # the declared side columns first, then what imported batches' sidecars add (sorted)
    side = side[list(SIDE_COLUMNS) + sorted(set(side.columns) - set(SIDE_COLUMNS))]
    return _Read(events, side, early, unreadable, assembled)


def _check(parts: list[FileRecords | CsvColumns], table_reads: list[TableRead], *,
           actors: ActorRegistry, gazetteer: Any | None, release: ReleaseIds | None,
           strict: bool, today: Any | None, progress: Progress | None = None,
           others: OtherIds | None = None) -> Batch:
    from conflictkit.builders.crosscheck import all_crosschecks, record_crosschecks
    from conflictkit.problems.echoes import drop_echoes
    from conflictkit.problems.report import Report
    from conflictkit.problems.rows import concat_problems
    from conflictkit.schema.columns import DERIVED_FROM
    from conflictkit.schema.validate import validate_events

    read = _read(parts, table_reads, actors=actors, gazetteer=gazetteer)
    events, side, assembled = read.events, read.side, read.assembled
    early_problems = concat_problems(read.early)
    events, side, early_problems, folded = _fold_imports(events, side, early_problems)
    files, lines = file_names(side["file"]), side["line"].to_numpy()
    # one Python string per distinct origin (a table's million rows share one)
    origins = file_names(side[ORIGIN_COLUMN]) if ORIGIN_COLUMN in side else None
    if progress:
        progress(f"checking {len(events):,} events")
    with ThreadPoolExecutor(1, thread_name_prefix="crosscheck") as pool:
        # the checks across records that need no rule's result run beside the rules: both
        # are mostly Arrow and numpy work, which runs without the GIL
        beside = pool.submit(record_crosschecks, events, side, actors=actors, release=release,
                             strict=strict, already=early_problems,
                             tables_from=len(assembled.raw) if table_reads else None)
        checked = validate_events(events, files=files, lines=lines, today=today,
                                  origins=origins)
        across = beside.result()
    found = checked.problems
    repeated = np.zeros(len(events), dtype=bool)  # what the uniqueness rule flagged, blank IDs
    repeated[found.loc[found["rule"] == P.UNIQUE.code, "record"].to_numpy(dtype=np.int64)] = True
    repeated |= (events["event_id_cnty"] == "").to_numpy(dtype=bool, na_value=False)
    if progress:
        progress("checking across events")
    cross = all_crosschecks(events, side, actors=actors, release=release, strict=strict,
                            already=early_problems,
                            tables_from=len(assembled.raw) if table_reads else None,
                            others=others, maybe_shared=repeated, checked=across)
    problems = drop_echoes(concat_problems([early_problems, checked.problems, cross]))
    problems["line"] = assembled.key_lines(problems, DERIVED_FROM)
    problems = problems.sort_values(["file", "line", "record"], kind="stable")
    report = Report(records=len(events) + folded + read.unreadable,
                    problems=problems.reset_index(drop=True),
                    files=len(parts) + len(table_reads))
    return Batch(events, side, report)


def _stack(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Frames one under the other; a single non-empty one as it is (a 1M-row table is not
    copied to be stacked under no contribution)."""
    import pandas as pd

    filled = [f for f in frames if len(f)]
    if len(filled) == 1:
        return filled[0].reset_index(drop=True)
    return pd.concat(frames, ignore_index=True)


def _fold_imports(events: pd.DataFrame, side: pd.DataFrame, problems: pd.DataFrame
                  ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, int]:
    """Imported records of one event (overlapping imports) folded into one, the older versions
    named in the kept event's provenance, and one warning saying how many were folded; returns
    the events, side and problems left and the number of records folded."""
    from conflictkit.builders.overlaps import fold_same_ids, renumber
    from conflictkit.problems.report import problems_frame
    from conflictkit.problems.rows import concat_problems

    imported = (side["origin"] == "import").to_numpy(dtype=bool, na_value=False)
    if not imported.any():
        return events, side, problems, 0
    overlaps = fold_same_ids(events, imported, side["file"].to_numpy(), side["line"].to_numpy())
    if not overlaps.folded:
        return events, side, problems, 0
    side = side.copy()
    for position, note in overlaps.notes.items():
        side.iat[position, side.columns.get_loc("superseded")] = note
    keep = overlaps.keep
    note = problem_row(
        P.IMPORTS_FOLDED, copies=overlaps.identical, older=overlaps.superseded,
        value=str(overlaps.folded),
        file=", ".join(sorted(set(side.loc[~keep, "file"].astype("str")))))
    problems = concat_problems([renumber(problems, keep), problems_frame([note])])
    return (events.loc[keep].reset_index(drop=True), side.loc[keep].reset_index(drop=True),
            problems, overlaps.folded)


def read_events(paths: Iterable[str | Path], *, dataset: Dataset | None = None,
                max_file_mb: float = DEFAULT_MAX_FILE_MB) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(events, side) of files, folders and tables as `check_paths` reads them (derived columns
    filled with the dataset's reference extensions), without checking them: for comparing
    files that were not validated with a release."""
    contributions, tables = collect(paths)
    actors, gazetteer = reference_for(dataset)
    parts, table_reads = _read_files(contributions, tables, max_file_mb)
    read = _read(parts, table_reads, actors=actors, gazetteer=gazetteer)
    return read.events, read.side


# ---------------------------------------------------------------------------------------------
# a dataset repository
# ---------------------------------------------------------------------------------------------


def reference_for(dataset: Dataset | None) -> tuple[ActorRegistry, Any | None]:
    """The actor registry and a gazetteer extended by the dataset's reference/ files."""
    from conflictkit.reference.actors import ActorRegistry

    if dataset is None:
        return ActorRegistry.default(), None
    actors_csv, places_csv = dataset.actors_csv, dataset.places_csv
    actors = ActorRegistry.load(extra=[actors_csv]) if actors_csv.is_file() \
        else ActorRegistry.default()
    gazetteer = _LazyGazetteer([places_csv]) if places_csv.is_file() else None
    return actors, gazetteer


class _LazyGazetteer:
    """Loads the gazetteer (with a dataset's places.csv) only when a record needs a place."""

    def __init__(self, extra: list[Path]) -> None:
        self._extra = extra
        self._loaded: Any | None = None

    def __getattr__(self, name: str) -> Any:
        if self._loaded is None:
            from conflictkit.reference.gazetteer import Gazetteer

            self._loaded = Gazetteer.load(extra=self._extra)
        return getattr(self._loaded, name)


def read_dataset(
    dataset_dir: str | Path,
    *,
    release: str | Path | ReleaseIds | None = None,
    strict: bool = False,
    max_file_mb: float = DEFAULT_MAX_FILE_MB,
    today: Any | None = None,
    progress: Progress | None = None,
) -> Batch:
    """Every event of a dataset repository: ``events/**`` contribution files and
    ``imports/**/*.parquet`` batches, checked with the dataset's reference extensions."""
    dataset = open_dataset(dataset_dir)
    return check_paths(dataset.event_sources(), dataset=dataset, release=release, strict=strict,
                       max_file_mb=max_file_mb, today=today, progress=progress)


def check_paths(
    paths: Iterable[str | Path],
    *,
    dataset: Dataset | None = None,
    release: str | Path | ReleaseIds | None = None,
    strict: bool = False,
    max_file_mb: float = DEFAULT_MAX_FILE_MB,
    today: Any | None = None,
    progress: Progress | None = None,
    rest_of_dataset: bool = False,
) -> Batch:
    """What `conflictkit validate PATH...` checks: files, folders, tables and releases, with
    the reference extensions and settings of the dataset repository holding them (found from
    the first path unless given). A dataset repository given as a path stands for its events/
    and imports/; ``[validate] strict = true`` in its conflictkit.toml makes unknown actors
    errors.

    ``rest_of_dataset`` (a pre-commit hook sees only the changed files): the IDs of the
    dataset's other event files are read (IDs only, their own problems unreported), so an ID a
    checked file shares with one of them is an error naming it; without ``release``, the
    dataset's latest release (if any) is checked against as well.
    """
    paths = list(paths)
    if dataset is None:
        root = find_dataset_root(paths)
        dataset = open_dataset(root) if root is not None else None
    if rest_of_dataset and dataset is None:
        raise UsageError("checking against the rest of the dataset needs a dataset repository "
                         f"(a folder with {CONFIG_FILE})")
    if rest_of_dataset and release is None:
        release = dataset.latest_release() if dataset is not None else None
    if release is not None and not isinstance(release, ReleaseIds):
        release = ReleaseIds(release)  # starts reading the IDs in the background
    if dataset is not None:
        strict = strict or bool(dataset.settings("validate").get("strict", False))
    actors, gazetteer = reference_for(dataset)
    if not paths:
        batch = _check([], [], actors=actors, gazetteer=gazetteer, release=release,
                       strict=strict, today=today)
    else:
        others = None
        if rest_of_dataset and dataset is not None:
            contributions, tables = collect(paths)
            others = dataset_ids(dataset, skip=contributions + tables,
                                 wanted=_ids_of(contributions, tables, max_file_mb),
                                 max_file_mb=max_file_mb)
        batch = read_contributions(paths, actors=actors, gazetteer=gazetteer, release=release,
                                   strict=strict, max_file_mb=max_file_mb, today=today,
                                   progress=progress, others=others)
    if dataset is not None:
        batch.config = dataset.config
    return batch


def _read_ids(path: Path, max_file_mb: float) -> tuple[list[str | None], list[int]]:
    """A contribution file's IDs as its reader reads them, with the lines of their keys."""
    fr = read_file(path, max_file_mb=max_file_mb)
    if isinstance(fr, CsvColumns):  # one row per record, keyed on the line it starts on
        if fr.frame is None or ID not in fr.frame:
            return [], []
        column = fr.frame[ID]
        return column.astype(object).where(column.notna(), None).tolist(), fr.lines.tolist()
    ids = [None if (v := r.get(ID)) is None else str(v) for r in fr.records]
    return ids, [fr.line_of(i, (ID,)) for i in range(len(fr.records))]


def _file_ids(path: Path, max_file_mb: float) -> tuple[list[str | None], list[int], bool]:
    """A contribution file's IDs and the lines of their keys: a line scan of block-style YAML
    (`idscan`: it may see an ID the reader would not, never miss one), else its reader; and
    whether they are exact (read by the reader). A file that cannot be read has none."""
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            scanned = scan_yaml_ids(read_text(path, max_bytes=int(max_file_mb * 2**20)))
        except FileRejected:
            return [], [], True
        if scanned is not None:
            return *scanned, False
    return *_read_ids(path, max_file_mb), True


def _ids_of(contributions: list[Path], tables: list[Path], max_file_mb: float) -> set[str]:
    """Every ID the given files may hold (the scan's superset for YAML), to know which other
    files need a careful read."""
    import pyarrow.parquet as pq

    wanted = {v for path in contributions for v in _file_ids(path, max_file_mb)[0] if v}
    for path in tables:
        try:
            column = pq.read_table(path, columns=[ID]).column(ID)
        except Exception:  # noqa: BLE001 - pyarrow raises several types; its check reports it
            continue
        wanted.update(str(v) for v in column.drop_null().unique().to_pylist())
    return wanted


def dataset_ids(dataset: Dataset, *, skip: Iterable[Path] = (), wanted: set[str] | None = None,
                max_file_mb: float = DEFAULT_MAX_FILE_MB) -> OtherIds:
    """The event IDs of a dataset's event files and imported batches, except ``skip``, and
    where each one is: a file's IDs alone (`_file_ids`: nothing converted, derived or
    checked), a batch's ID column alone. A scanned file holding one of ``wanted`` (the checked
    files' IDs) is read again by its reader, so a file is only ever named for an ID its records
    really hold. A file that cannot be read adds nothing: its problems are its own check's to
    report."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    skipped = {Path(p).resolve() for p in skip}
    ids: list[pa.Array] = []
    files: list[np.ndarray] = []
    lines: list[np.ndarray] = []
    records: list[np.ndarray] = []
    imported: list[np.ndarray] = []

    def add(found: pa.Array, name: str, at_lines: np.ndarray, batch: bool = False) -> None:
        ids.append(found)
        files.append(np.full(len(found), name, dtype=object))
        lines.append(at_lines.astype(np.int64))
        records.append(np.arange(len(found), dtype=np.int64))
        imported.append(np.full(len(found), batch, dtype=bool))

    for path in dataset.contribution_files():
        if path.resolve() in skipped:
            continue
        values, at, exact = _file_ids(path, max_file_mb)
        if not exact and wanted is not None and not wanted.isdisjoint(filter(None, values)):
            values, at = _read_ids(path, max_file_mb)
        add(pa.array(values, type=pa.string()), _display(path), np.asarray(at, dtype=np.int64))
    for path in dataset.import_batches():
        if path.resolve() in skipped:
            continue
        try:
            column = pq.read_table(path, columns=[ID]).column(ID).cast(pa.string())
        except Exception:  # noqa: BLE001 - pyarrow raises several types; the batch's own check
            continue  # reports an unreadable batch
        add(column.combine_chunks(), _display(path), np.zeros(len(column), dtype=np.int64),
            has_provenance(path, column))
    if not ids:
        return OtherIds(pa.array([], pa.string()), np.empty(0, dtype=object),
                        np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64),
                        np.empty(0, dtype=bool))
    return OtherIds(pa.concat_arrays(ids), np.concatenate(files), np.concatenate(lines),
                    np.concatenate(records), np.concatenate(imported))
