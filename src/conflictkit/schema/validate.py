"""Validate a canonical events frame against every ACLED rule: one problem row per (record, rule).

`validate_events` is the main path (the fast engine): each rule of `rules.RULES` is evaluated as a
vectorised mask over cached column features (`frame.Frame`), in `THREADS` threads (one: the
features are cheap enough that a second thread gains little on a shared 2-core machine). The
generated pandera schema (`pandera_schema.validate_with_pandera`) expresses the same rules and
is tested to agree; it is slower, so it is not the default.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import numpy as np

from conflictkit.errors import ConflictkitError
from conflictkit.problems.report import Report
from conflictkit.problems.rows import concat_problems, problem_rows
from conflictkit.schema.arrow import PANDAS_DTYPES
from conflictkit.schema.columns import COLUMN_NAMES
from conflictkit.schema.frame import Frame
from conflictkit.schema.rules import RULES, Rule

if TYPE_CHECKING:
    import pandas as pd

THREADS = 1


def today_of(today: date | datetime | str | np.datetime64 | None) -> np.datetime64:
    """The day "the future" starts after: given, or today's UTC date."""
    if today is None:
        return np.datetime64(datetime.now(UTC).date(), "D")
    return np.datetime64(today, "D") if not isinstance(today, datetime) else np.datetime64(
        today.date(), "D")


def canonical(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The frame with all 31 columns in canonical dtypes, plus type problems if it had to convert.

    A canonical frame passes through untouched (no copy); otherwise `coerce_events` converts it.
    Columns that are not ACLED's raise ConflictkitError.
    """
    import pandas as pd

    from conflictkit.schema.coerce import coerce_events

    extra = [c for c in df.columns if c not in PANDAS_DTYPES]
    if extra:
        raise ConflictkitError("not ACLED columns (side fields belong in a side table): "
                               + ", ".join(map(str, extra)))
    if list(df.columns) == list(COLUMN_NAMES) and all(
        str(df[c].dtype) == PANDAS_DTYPES[c] for c in COLUMN_NAMES
    ) and isinstance(df.index, pd.RangeIndex) and df.index.start == 0:
        return df, None
    return coerce_events(df)


def validate_events(
    df: pd.DataFrame,
    *,
    files: Sequence[str] | np.ndarray | None = None,
    lines: Sequence[int] | np.ndarray | None = None,
    today: date | datetime | str | np.datetime64 | None = None,
    rules: Sequence[Rule] | None = None,
    origins: Sequence[object] | np.ndarray | str | None = None,
    frame: Frame | None = None,
) -> Report:
    """Check every ACLED rule over a whole events frame; the report counts every record.

    Vectorised over columns, so millions of rows take seconds. `files`/`lines` (aligned with
    rows) are copied into the problem rows so a person can find the record; `today` fixes the
    "not in the future" limit (default: today, UTC); `rules` (default every rule of
    `schema.rules.RULES`) may be a subset; `origins` (one per row, or one for all: the import
    era, None for hand-coded events) says which columns an imported event may leave blank
    (`origins.ORIGINS`). `frame`: a `Frame` the caller already built over `df` (a canonical
    frame), whose computed column features are reused (an importer reads the same codes to
    derive columns again).

    >>> report = ck.validate_events(ck.load("releases/1.1.0"))
    >>> report.summary_line()  # e.g. '9051 records: 9051 valid, 0 rejected, 0 warnings'
    >>> report.errors[["event_id", "column", "rule", "message"]]
    """
    if rules is None:
        rules = RULES
    frame_df, type_problems = canonical(df)
    if isinstance(origins, str):
        origins = np.full(len(frame_df), origins, dtype=object)
    if frame is None or frame.df is not frame_df:
        frame = Frame(frame_df, today=today_of(today), origins=origins)
    elif origins is not None:
        frame.origins = origins
    event_ids = frame_df["event_id_cnty"]

    def run(rule: Rule) -> pd.DataFrame | None:
        mask = rule.failing(frame)
        if not mask.any():
            return None
        rows = np.flatnonzero(mask)
        return problem_rows(
            mask, rule.problem, column=rule.column, values=frame_df[rule.column],
            message=rule.message(frame, rows), event_ids=event_ids, files=files, lines=lines,
        )

    if len(frame_df) >= 50_000 and THREADS > 1:
        with ThreadPoolExecutor(THREADS) as pool:
            parts = list(pool.map(run, rules))
    else:
        parts = [run(rule) for rule in rules]
    if type_problems is not None and not type_problems.empty:
        if files is not None or lines is not None:
            type_problems = _locate(type_problems, files, lines)
        parts.insert(0, type_problems)
    n_files = _distinct(files) if files is not None else 0
    return Report(records=len(frame_df), problems=concat_problems(parts), files=n_files)


def _distinct(files: Sequence[str] | np.ndarray) -> int:
    """How many files (hashed in C: a million rows of one file is common)."""
    import pandas as pd

    values = np.asarray(files, dtype=object)
    if values.size and values.strides == (0,):  # one file repeated (a broadcast view)
        return 1
    if values.size and (values == values[0]).all():  # one file: compared, nothing hashed
        return 1
    return len(pd.unique(values))


def _locate(problems: pd.DataFrame, files, lines) -> pd.DataFrame:
    records = problems["record"].to_numpy()
    if files is not None:
        problems["file"] = np.asarray(files, dtype=object)[records].astype(str)
    if lines is not None:
        problems["line"] = np.asarray(lines, dtype="int64")[records]
    return problems
