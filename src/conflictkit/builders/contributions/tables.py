"""Finished tables given to ``validate``: Parquet files, release directories, and CSV files with
every ACLED column (an ACLED export, a release's events.csv: `layout.dataset.is_table_header`).

A table is checked as it stands (no derived columns are filled): columns whose Arrow type is the
schema's are taken as they are, any others are read as text and converted by ``coerce_events``
(so a Parquet file written by another tool with string or int64 columns is judged, not refused).
Columns that are not ACLED's are reported once per file as a warning: a table is not a
hand-written record, and an export's extra columns hold nothing a contributor meant for ours.

A CSV table is read by the contribution CSV reader (column-wise, each record's line kept) and
converted by ``coerce_events`` like a Parquet table's text columns; side fields it has (status,
source_url ...) are read and checked as a contribution's are.

An imported batch (``conflictkit import ... -o NAME.parquet``) has its provenance beside it
(the layout's sidecar): it becomes the batch's side frame, so the export's file, line, era and
own columns reach a release's provenance table.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from conflictkit.builders.contributions.fields import SIDE_FIELDS, suggest_key
from conflictkit.layout.dataset import sidecar_path
from conflictkit.layout.release import (
    EVENTS,
    EVENTS_CSV,
    EVENTS_DIR,
    ID,
    IMPORTED_COLUMN_PREFIX,
    SIDE_COLUMNS,
    is_release,
    read_provenance,
)
from conflictkit.problems import catalogue as P
from conflictkit.problems.rows import problem_row
from conflictkit.schema.columns import COLUMN_NAMES

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from conflictkit.builders.contributions.csv_reader import CsvColumns


@dataclass
class TableRead:
    """A table's canonical events, its side frame (file, line 0) and problems; ``unreadable``
    is 1 when the file could not be read at all (it then counts as one unreadable record)."""

    events: pd.DataFrame
    side: pd.DataFrame
    problems: pd.DataFrame
    unreadable: int = 0


def read_events_table(path: Path, display: str) -> TableRead:
    """Read a Parquet events table; never raises on a bad file (it becomes a problem)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    from conflictkit.problems.report import problems_frame
    from conflictkit.schema.arrow import arrow_schema, empty_events, from_arrow_table
    from conflictkit.schema.coerce import coerce_events

    try:
        # a folder is a year-partitioned release: `year` comes back from the directory names
        table = pq.read_table(path, partitioning="hive") if path.is_dir() else pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for bad or foreign files
        problems = problems_frame([problem_row(P.UNREADABLE_FILE, file=display,
                                               message=f"cannot read Parquet file: {exc}")])
        return TableRead(empty_events(), _side(display, 0, "table"), problems, unreadable=1)
    notes = []
    for name in table.column_names:
        if name not in COLUMN_NAMES:
            hint = suggest_key(name)
            notes.append(problem_row(P.UNKNOWN_COLUMN, file=display, column=name, value=name,
                                     name=name, hint=f" (did you mean {hint!r}?)" if hint else ""))
    schema = arrow_schema()
    typed = [n for n in COLUMN_NAMES if n in table.column_names
             and table.schema.field(n).type == schema.field(n).type]
    loose = [n for n in COLUMN_NAMES if n in table.column_names and n not in typed]
    events = from_arrow_table(table, columns=typed)
    problems = [problems_frame(notes)]
    if loose or len(typed) < len(COLUMN_NAMES):
        text = pd.DataFrame({n: pd.Series(pd.array(table.column(n).cast(pa.string()),
                                                   dtype="str")) for n in loose},
                            index=pd.RangeIndex(table.num_rows))
        coerced, type_problems = coerce_events(text, files=[display] * table.num_rows)
        for name in COLUMN_NAMES:
            if name not in typed:
                events[name] = coerced[name]
        events = events[list(COLUMN_NAMES)]
        problems.append(type_problems)
    release = _release_of(path)
    if release is not None:
        side, sidecar_problems = _release_side(release, display, events[ID]), None
    else:
        side, sidecar_problems = _import_side(path, display, events[ID])
    problems.append(sidecar_problems)
    problems = [p for p in problems if p is not None and not p.empty]
    merged = pd.concat(problems, ignore_index=True) if problems else problems_frame([])
    return TableRead(events, side, merged)


def read_csv_table(read: CsvColumns, path: Path) -> TableRead:
    """A CSV table already read (`csv_reader`), converted and checked as it stands."""
    import numpy as np
    import pandas as pd

    from conflictkit.builders.contributions.records import check_side
    from conflictkit.builders.importers.common import coerce_read
    from conflictkit.problems.report import problems_frame
    from conflictkit.problems.rows import concat_problems
    from conflictkit.schema.coerce import coerce_events

    display = read.path
    frame = read.frame if read.frame is not None else pd.DataFrame()
    n = len(frame)
    notes = []
    for name in read.header:
        if name not in COLUMN_NAMES and name not in SIDE_FIELDS:
            hint = suggest_key(name)
            notes.append(problem_row(P.UNKNOWN_COLUMN, file=display, column=name, value=name,
                                     name=name, hint=f" (did you mean {hint!r}?)" if hint else ""))
    files = np.broadcast_to(np.array([display], dtype=object), (n,))
    raw = frame[[c for c in COLUMN_NAMES if c in frame.columns]]
    if read.columnar:  # pyarrow's text (no "") and typed columns: convert what needs it
        if "event_date" in raw and pd.api.types.is_datetime64_any_dtype(raw["event_date"]):
            raw = raw.assign(event_date=raw["event_date"].astype("datetime64[s]"))
        events, type_problems = coerce_read(raw, files, read.lines, True, coerce_events)
    else:
        events, type_problems = coerce_events(raw, files=files, lines=read.lines)
    release = _release_of(path)
    side = (_release_side(release, display, events[ID]) if release is not None
            else _side(display, n, "table"))
    side["line"] = read.lines
    for name in SIDE_FIELDS:
        if name in frame.columns:
            side[name] = frame[name].reset_index(drop=True)
    parts = [problems_frame(read.problems) if read.problems else None, *read.problem_frames,
             problems_frame(notes) if notes else None, type_problems]
    if any(name in frame.columns for name in SIDE_FIELDS):
        parts.append(check_side(side, events[ID]))
    problems = concat_problems(parts)
    if not problems.empty:
        ids = events[ID].astype("str").fillna("").to_numpy(dtype=object)
        record = problems["record"].to_numpy()
        on_record = record >= 0
        problems.loc[on_record, "event_id"] = ids[record[on_record]]
    read.frame = None  # its columns live on in `events` where they were taken as they are
    return TableRead(events, side, problems, unreadable=read.unreadable)


def _side(display: str, n: int, origin: str) -> pd.DataFrame:
    """The side frame of a table: its origin and file, line 0, blank side fields."""
    import numpy as np
    import pandas as pd

    from conflictkit.builders.importers.common import blank_text

    index = pd.RangeIndex(n)
    blank = blank_text(n, index)  # one Arrow null array shared by the blank columns
    columns = {"origin": _constant_text(origin, n), "file": _constant_text(display, n),
               "line": pd.Series(np.zeros(n, dtype=np.int64), index=index),
               **dict.fromkeys(SIDE_COLUMNS[3:], blank)}
    return pd.DataFrame(columns, index=index, copy=False)


def _constant_text(value: str, n: int) -> pd.Series:
    """One value n times as a `str` column, built from its Arrow buffers (no n Python strs;
    a repeated byte string and an arithmetic offset column are a few times cheaper than
    decoding a dictionary)."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    data = value.encode("utf-8")
    offsets = np.arange(n + 1, dtype=np.int64) * len(data)
    column = pa.Array.from_buffers(pa.large_string(), n,
                                   [None, pa.py_buffer(offsets), pa.py_buffer(data * n)])
    return pd.Series(pd.array(column, dtype="str"))


def _release_of(path: Path) -> Path | None:
    """The release directory a table belongs to (its events.parquet, events/ or events.csv), if
    any."""
    parent = path.parent
    return parent if (path.name in (EVENTS.path, EVENTS_DIR, EVENTS_CSV.path)
                      and is_release(parent)) else None


def _release_side(release: Path, display: str, ids: pd.Series) -> pd.DataFrame:
    """A release's events keep the side the build published: its provenance table, matched by
    event_id_cnty (so an imported event's origin still decides what it may leave blank)."""
    import pandas as pd
    import pyarrow as pa

    from conflictkit.builders.importers.textcolumns import as_arrow

    side = _side(display, len(ids), "table")
    provenance = read_provenance(release)
    if provenance is None or ID not in provenance.column_names:
        return side
    keys = as_arrow(ids.astype("str"))
    if provenance.column(ID).cast(pa.large_string()).equals(keys):  # the release's own order
        for name in provenance.column_names:
            if name not in ("file", "line", ID):
                side[name] = pd.Series(pd.array(provenance.column(name).cast(pa.large_string()),
                                                dtype="str"))
        return side
    table = provenance.to_pandas(types_mapper=lambda t: pd.StringDtype("pyarrow")
                                 if str(t) in ("string", "large_string") else None)
    table = table.drop_duplicates(ID).set_index(ID)
    matched = table.reindex(ids.astype("str").to_numpy())
    for name in matched.columns:
        if name in ("file", "line"):
            continue  # the side names the release's own file; the dataset file stays in it
        side[name] = matched[name].astype("str").to_numpy()
    return side


def has_provenance(path: Path, ids: pa.ChunkedArray | pa.Array) -> bool:
    """Whether a batch's events count as imported: a provenance sidecar that lists them row
    for row (the test `_import_side` applies; only imported events are folded, never taken
    for duplicates). Reads the sidecar's ID column only."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sidecar = sidecar_path(path, "provenance")
    if not sidecar.is_file():
        return False
    try:
        listed = pq.read_table(sidecar, columns=[ID]).column(ID).cast(pa.string())
    except Exception:  # noqa: BLE001 - pyarrow raises several types for a broken file
        return False
    expected = ids if isinstance(ids, pa.ChunkedArray) else pa.chunked_array([ids])
    return len(listed) == len(ids) and listed.equals(expected.cast(pa.string()))


def _import_side(path: Path, display: str, ids: pd.Series
                 ) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The side frame of an imported batch from its provenance sidecar (origin "import"): the
    export's line and `review` flag, its file name as ``source_file``, its other columns as
    ``source_...``. A table without a sidecar is a plain table; a sidecar that does not match
    the batch row for row is a warning, and the batch keeps a plain side frame."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    from conflictkit.problems.report import problems_frame

    side = _side(display, len(ids), "table")
    sidecar = sidecar_path(path, "provenance") if path.is_file() else None
    if sidecar is None or not sidecar.is_file():
        return side, None
    try:
        table = pq.read_table(sidecar)
        aligned = (table.num_rows == len(ids) and ID in table.column_names
                   and table.column(ID).cast(pa.string()).equals(
                       pa.chunked_array([pa.array(ids.astype("str"), pa.string())])))
    except Exception as exc:  # pyarrow raises several types for a broken file
        aligned, reason = False, f"cannot be read ({exc})"
    else:
        reason = "does not list the batch's events row for row"
    if not aligned:
        return side, problems_frame([problem_row(
            P.PROVENANCE_SIDECAR, file=display, value=sidecar.name,
            message=f"the provenance beside this batch ({sidecar.name}) {reason}; the batch "
                    "is read without it")])

    def text(name: str) -> pd.Series:
        column = table.column(name)
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        return pd.Series(pd.array(column.cast(pa.large_string()), dtype="str"))

    side["origin"] = "import"
    if "line" in table.column_names:
        side["line"] = pd.to_numeric(text("line"), errors="coerce").fillna(0).astype("int64")
    for name in ("review", "superseded"):  # side columns the import itself fills
        if name in table.column_names:
            side[name] = text(name)
    if "file" in table.column_names:  # the export's name only: a local path stays local
        files = text("file")
        side[IMPORTED_COLUMN_PREFIX + "file"] = files.map(
            {f: Path(f).name for f in files.dropna().unique()}).astype("str")
    for name in table.column_names:
        if name in (ID, "file", "line") or name in SIDE_COLUMNS:
            continue
        target = name if name.startswith(IMPORTED_COLUMN_PREFIX) else (
            IMPORTED_COLUMN_PREFIX + name)
        side[target] = text(name)
    return side, None
