"""From what the readers got to two aligned frames: raw ACLED text values and side fields.

The raw frame holds only ACLED columns (unknown keys were reported by the readers and go
nowhere); side fields go to the side frame with each record's file and line. Side-field values are
checked here, vectorised: ``status`` must be one of STATUS_VALUES, ``source_published`` an ISO
date, ``source_url`` an http(s) URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from conflictkit.builders.contributions.fields import SIDE_FIELDS, STATUS_VALUES
from conflictkit.builders.contributions.source import FileRecords
from conflictkit.problems import catalogue as P
from conflictkit.problems.rows import concat_problems, problem_rows
from conflictkit.schema.columns import COLUMN_NAMES

if TYPE_CHECKING:
    import pandas as pd

ORIGIN = "contribution"


@dataclass
class Assembled:
    """Raw ACLED values and side fields, row-aligned; problems found while reading."""

    raw: pd.DataFrame
    side: pd.DataFrame
    problems: pd.DataFrame
    unreadable: int
    files: int
    parts: list[FileRecords]

    def key_lines(self, problems: pd.DataFrame,
                  sources: dict[str, tuple[str, ...]] | None = None) -> np.ndarray:
        """Problem lines moved to the line of their column's key where the reader knows it
        (YAML, JSON), for problems about these records. A derived column the record does not have
        points at the first of its ``sources`` that it has (inter1 -> actor1)."""
        lines = problems["line"].to_numpy().copy()
        starts = np.cumsum([0] + [len(p.records) for p in self.parts])
        n = starts[-1]
        todo = np.flatnonzero((problems["record"].to_numpy() >= 0)
                              & (problems["record"].to_numpy() < n)
                              & (problems["column"].to_numpy() != ""))
        records = problems["record"].to_numpy()
        columns = problems["column"].to_numpy()
        for row in todo:
            g = int(records[row])
            k = int(np.searchsorted(starts, g, side="right")) - 1
            part = self.parts[k]
            if part.key_lines is not None or part.key_line_finder is not None:
                column = str(columns[row])
                lines[row] = part.line_of(g - starts[k],
                                          (column, *(sources or {}).get(column, ())))
        return lines


def assemble(parts: list[FileRecords]) -> Assembled:
    """Stack every file's records; reader problems get global record numbers and event IDs."""
    import pandas as pd
    import pyarrow as pa

    records: list[dict] = []
    files: list[str] = []
    lines: list[int] = []
    problem_parts: list[pd.DataFrame] = []
    for part in parts:
        offset = len(records)
        records.extend(part.records)
        files.extend([part.path] * len(part.records))
        lines.extend(part.lines)
        if part.problems:
            frame = pd.DataFrame(part.problems)
            local = frame["record"].to_numpy()
            frame["record"] = np.where(local >= 0, local + offset, -1)
            ids = [part.records[i].get("event_id_cnty") if i >= 0 else None for i in local]
            frame["event_id"] = pd.Series(ids, dtype="str").fillna("").to_numpy()
            problem_parts.append(frame)
    n = len(records)
    index = pd.RangeIndex(n)
    present: set[str] = set().union(*records)  # every key any record has (C-level pass)

    def column(name: str) -> pd.Series:
        if name not in present:
            return pd.Series(None, index=index, dtype="str")
        values = pa.array([r.get(name) for r in records], type=pa.string())
        return pd.Series(pd.array(values, dtype="str"), index=index)

    raw = pd.DataFrame({c: column(c) for c in COLUMN_NAMES if c in present}, index=index)
    side = pd.DataFrame({"origin": pd.Series(ORIGIN, index=index, dtype="str"),
                         "file": pd.Series(files, dtype="str"),
                         "line": pd.Series(lines, dtype="int64")}, index=index)
    for name in SIDE_FIELDS:
        side[name] = column(name)
    for name in ("review", "superseded"):  # filled for imported events only
        side[name] = pd.Series(None, index=index, dtype="str")
    from conflictkit.problems.report import problems_frame

    problems = [problems_frame(p) for p in problem_parts]
    problems.append(check_side(side, raw.get("event_id_cnty")))
    return Assembled(raw, side, concat_problems(problems),
                     sum(p.unreadable for p in parts), len(parts), parts)


def check_side(side: pd.DataFrame, event_ids: pd.Series | None) -> pd.DataFrame:
    """Problems in side-field values (vectorised)."""
    import pandas as pd

    ctx = {"event_ids": event_ids, "files": side["file"].to_numpy(),
           "lines": side["line"].to_numpy()}
    parts: list[pd.DataFrame | None] = []
    status = side["status"]
    bad = status.notna() & ~status.isin(STATUS_VALUES)
    parts.append(problem_rows(bad.to_numpy(), P.SIDE_FIELD, column="status", values=status,
                              message=f"status must be one of: {', '.join(STATUS_VALUES)}",
                              **ctx))
    published = side["source_published"]
    shaped = published.str.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}").fillna(False)
    real = pd.to_datetime(published.where(shaped), format="%Y-%m-%d", errors="coerce").notna()
    bad = published.notna() & ~(shaped & real)
    parts.append(problem_rows(bad.to_numpy(), P.SIDE_FIELD, column="source_published",
                              values=published,
                              message="source_published must be an ISO date YYYY-MM-DD", **ctx))
    url = side["source_url"]
    bad = url.notna() & ~url.str.fullmatch(r"https?://[^\s]+").fillna(False)
    parts.append(problem_rows(bad.to_numpy(), P.SIDE_FIELD, column="source_url",
                              values=url, message="source_url must be an http(s):// address",
                              **ctx))
    return concat_problems(parts)
