"""Finished tables given to ``validate``: Parquet files and release directories.

A table is checked as it stands (no derived columns are filled): columns whose Arrow type is the
schema's are taken as they are, any others are read as text and converted by ``coerce_events``
(so a Parquet file written by another tool with string or int64 columns is judged, not refused).
Columns that are not ACLED's are reported once per file as a warning: a table is not a
hand-written record, and an export's extra columns hold nothing a contributor meant for ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from conflictkit.builders.contributions.fields import suggest_key
from conflictkit.builders.contributions.records import SIDE_COLUMNS
from conflictkit.problems import catalogue as P
from conflictkit.problems.rows import problem_row
from conflictkit.schema.columns import COLUMN_NAMES

if TYPE_CHECKING:
    import pandas as pd


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
        return TableRead(empty_events(), _side(display, 0), problems, unreadable=1)
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
    problems = [p for p in problems if not p.empty]
    merged = pd.concat(problems, ignore_index=True) if problems else problems_frame([])
    return TableRead(events, _side(display, table.num_rows), merged)


def _side(display: str, n: int) -> pd.DataFrame:
    import pandas as pd

    side = pd.DataFrame({"file": pd.Series([display] * n, dtype="str"),
                         "line": pd.Series([0] * n, dtype="int64")})
    for name in SIDE_COLUMNS[2:]:
        side[name] = pd.Series(None, index=side.index, dtype="str")
    return side
