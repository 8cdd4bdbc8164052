"""Building problem rows: vectorised from a mask of failing rows, or one at a time.

`problem_rows` turns a boolean mask over a table into one problem row per failing record without
a per-row Python loop, so every check names file, line, record, event, column, code and value
the same way; `problem_row` is the single row of a file- or record-level problem. Both take the
declared `ProblemType`, never a bare code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from conflictkit.problems.catalogue import ProblemType

if TYPE_CHECKING:
    import pandas as pd


def as_text(values: pd.Series) -> pd.Series:
    """Offending values as text for the report: NA -> "", dates as YYYY-MM-DD, numbers plain."""
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values.dt.strftime("%Y-%m-%d").fillna("").astype("str")
    if values.dtype == object:
        return pd.Series([_one_text(v) for v in values], index=values.index, dtype="str")
    return values.astype("str").fillna("")


def _one_text(value: object) -> str:
    import pandas as pd

    if value is None or (not isinstance(value, list | dict | tuple) and pd.isna(value)):
        return ""
    return str(value)


def file_names(values: pd.Series) -> np.ndarray:
    """A column of file names as an object array holding one Python string per distinct name
    (a million rows of one file: 8 MB of references, not a million strings)."""
    import pyarrow.compute as pc

    array = getattr(values.array, "_pa_array", None)
    if array is None or not len(values):
        return values.to_numpy(dtype=object)
    distinct = pc.unique(array).drop_null()
    names = np.asarray([*distinct.to_pylist(), None], dtype=object)
    at = pc.fill_null(pc.index_in(array, value_set=distinct), len(distinct))
    return names[at.to_numpy(zero_copy_only=False)]


def problem_rows(
    mask: np.ndarray,
    problem: ProblemType,
    *,
    column: str,
    values: pd.Series | None,
    message: str | pd.Series | Sequence[str] | None = None,
    event_ids: pd.Series | None = None,
    files: Sequence[str] | np.ndarray | None = None,
    lines: Sequence[int] | np.ndarray | None = None,
    severity: str | None = None,
) -> pd.DataFrame | None:
    """One problem row per True in `mask` (positions are record numbers); None when none fail.

    `values`/`event_ids` are aligned with the mask (whole columns); `message` is one sentence for
    all failing rows or a sequence aligned with the failing rows only (default: the problem's
    template filled with the column). `severity` overrides the problem's default (``--strict``).
    """
    import pandas as pd

    positions = np.flatnonzero(mask)
    if positions.size == 0:
        return None
    n = positions.size
    if message is None:
        message = problem.message(column=column)
    frame: dict[str, object] = {
        "file": (np.asarray(files, dtype=object)[positions] if files is not None
                 else np.full(n, "", dtype=object)),
        "line": (np.asarray(lines, dtype="int64")[positions] if lines is not None
                 else np.zeros(n, dtype="int64")),
        "record": positions.astype("int64"),
        "event_id": (as_text(event_ids.iloc[positions]).to_numpy() if event_ids is not None
                     else np.full(n, "", dtype=object)),
        "column": np.full(n, column, dtype=object),
        "rule": np.full(n, problem.code, dtype=object),
        "value": (as_text(values.iloc[positions]).to_numpy() if values is not None
                  else np.full(n, "", dtype=object)),
        "message": (np.asarray(message, dtype=object) if not isinstance(message, str)
                    else np.full(n, message, dtype=object)),
        "severity": np.full(n, severity or problem.severity, dtype=object),
    }
    out = pd.DataFrame(frame)
    for name in ("file", "event_id", "column", "rule", "value", "message", "severity"):
        out[name] = out[name].astype("str").fillna("")
    return out


def problem_row(problem: ProblemType, *, file: str = "", line: int = 0, record: int = -1,
                event_id: str = "", column: str = "", value: str = "",
                message: str | None = None, severity: str | None = None,
                **fields: Any) -> dict[str, Any]:
    """One problem as a dict row; ``message`` defaults to the template filled with ``fields``
    (and ``column``)."""
    if message is None:
        message = problem.message(column=column, **fields)
    return {"file": file, "line": line, "record": record, "event_id": event_id,
            "column": column, "rule": problem.code, "value": value, "message": message,
            "severity": severity or problem.severity}


def concat_problems(parts: Sequence[pd.DataFrame | None]) -> pd.DataFrame:
    """Concatenate problem frames (skipping None), in record order then rule order."""
    import pandas as pd

    from conflictkit.problems.report import empty_problems

    present = [p for p in parts if p is not None and not p.empty]
    if not present:
        return empty_problems()
    out = pd.concat(present, ignore_index=True)
    return out.sort_values(["record"], kind="stable").reset_index(drop=True)
