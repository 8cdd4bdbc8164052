"""Turn a boolean mask of failing rows into problem rows (the Report's shape), vectorised.

Shared by `coerce_events` and `validate_events` so both name file, line, record, event, column,
rule and value the same way without a per-row Python loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

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


def problem_rows(
    mask: np.ndarray,
    *,
    column: str,
    rule: str,
    values: pd.Series | None,
    message: str | pd.Series,
    event_ids: pd.Series | None = None,
    files: Sequence[str] | np.ndarray | None = None,
    lines: Sequence[int] | np.ndarray | None = None,
    severity: str = "error",
) -> pd.DataFrame | None:
    """One problem row per True in `mask` (positions are record numbers); None when none fail.

    `values`/`event_ids` are aligned with the mask (whole columns); `message` is one sentence for
    all failing rows or a Series aligned with the failing rows only.
    """
    import pandas as pd

    positions = np.flatnonzero(mask)
    if positions.size == 0:
        return None
    n = positions.size
    frame: dict[str, object] = {
        "file": (np.asarray(files, dtype=object)[positions] if files is not None
                 else np.full(n, "", dtype=object)),
        "line": (np.asarray(lines, dtype="int64")[positions] if lines is not None
                 else np.zeros(n, dtype="int64")),
        "record": positions.astype("int64"),
        "event_id": (as_text(event_ids.iloc[positions]).to_numpy() if event_ids is not None
                     else np.full(n, "", dtype=object)),
        "column": np.full(n, column, dtype=object),
        "rule": np.full(n, rule, dtype=object),
        "value": (as_text(values.iloc[positions]).to_numpy() if values is not None
                  else np.full(n, "", dtype=object)),
        "message": (np.asarray(message, dtype=object) if not isinstance(message, str)
                    else np.full(n, message, dtype=object)),
        "severity": np.full(n, severity, dtype=object),
    }
    out = pd.DataFrame(frame)
    for name in ("file", "event_id", "column", "rule", "value", "message", "severity"):
        out[name] = out[name].astype("str").fillna("")
    return out


def concat_problems(parts: list[pd.DataFrame | None]) -> pd.DataFrame:
    """Concatenate problem frames (skipping None), in record order then rule order."""
    import pandas as pd

    from conflictkit.schema.report import empty_problems

    present = [p for p in parts if p is not None and not p.empty]
    if not present:
        return empty_problems()
    out = pd.concat(present, ignore_index=True)
    return out.sort_values(["record"], kind="stable").reset_index(drop=True)
