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

from conflictkit.builders.contributions.csv_reader import CsvColumns
from conflictkit.builders.contributions.fields import SIDE_FIELDS, STATUS_VALUES
from conflictkit.builders.contributions.source import FileRecords
from conflictkit.problems import catalogue as P
from conflictkit.problems.rows import concat_problems, file_names, problem_rows
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
    parts: list[FileRecords | CsvColumns]

    def key_lines(self, problems: pd.DataFrame,
                  sources: dict[str, tuple[str, ...]] | None = None) -> np.ndarray:
        """Problem lines moved to the line of their column's key where the reader knows it
        (YAML, JSON), for problems about these records. A derived column the record does not have
        points at the first of its ``sources`` that it has (inter1 -> actor1)."""
        lines = problems["line"].to_numpy().copy()
        starts = np.cumsum([0] + [_count(p) for p in self.parts])
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


def _count(part: FileRecords | CsvColumns) -> int:
    return len(part) if isinstance(part, CsvColumns) else len(part.records)


def assemble(parts: list[FileRecords | CsvColumns]) -> Assembled:
    """Stack every file's records; reader problems get global record numbers and event IDs.

    YAML and JSON files bring records (mappings), CSV files columns: consecutive record files
    become one block of columns, each CSV file is a block as it was read, and the blocks are
    stacked in file order.
    """
    import pandas as pd

    blocks: list[pd.DataFrame] = []
    files: list[np.ndarray] = []
    lines: list[np.ndarray] = []
    problem_parts: list[pd.DataFrame] = []
    group: list[FileRecords] = []
    offset = 0

    def flush() -> None:
        if group:
            blocks.append(_records_block(group))
            group.clear()

    for part in parts:
        n = _count(part)
        files.append(np.full(n, part.path, dtype=object))
        if isinstance(part, CsvColumns):
            flush()
            if part.frame is not None and n:
                blocks.append(part.frame)
            lines.append(part.lines)
            ids = part.frame.get("event_id_cnty") if part.frame is not None else None
            frames = [pd.DataFrame(part.problems)] if part.problems else []
            frames += [f.copy() for f in part.problem_frames]
        else:
            group.append(part)
            lines.append(np.asarray(part.lines, dtype=np.int64))
            frames = [pd.DataFrame(part.problems)] if part.problems else []
            ids = (pd.Series([r.get("event_id_cnty") for r in part.records], dtype="str")
                   if frames else None)
        for frame in frames:
            local = frame["record"].to_numpy()
            frame["record"] = np.where(local >= 0, local + offset, -1)
            event_ids = np.full(len(frame), "", dtype=object)
            on_record = local >= 0
            if ids is not None and on_record.any():
                event_ids[on_record] = ids.iloc[local[on_record]].fillna("").to_numpy(
                    dtype=object)
            frame["event_id"] = event_ids
            problem_parts.append(frame)
        offset += n
    flush()
    n = offset
    index = pd.RangeIndex(n)
    raw, side_values = _stack(blocks, n)
    side = pd.DataFrame({"origin": pd.Series(ORIGIN, index=index, dtype="str"),
                         "file": pd.Series(np.concatenate(files) if files else [], dtype="str"),
                         "line": pd.Series(np.concatenate(lines) if lines else [],
                                           dtype="int64")}, index=index)
    for name in SIDE_FIELDS:
        side[name] = side_values[name]
    for name in ("review", "superseded"):  # filled for imported events only
        side[name] = pd.Series(None, index=index, dtype="str")
    from conflictkit.problems.report import problems_frame

    problems = [problems_frame(p) for p in problem_parts]
    problems.append(check_side(side, raw.get("event_id_cnty")))
    return Assembled(raw, side, concat_problems(problems),
                     sum(p.unreadable for p in parts), len(parts), parts)


def _records_block(parts: list[FileRecords]) -> pd.DataFrame:
    """The records of consecutive YAML/JSON files as text columns (ACLED columns and side
    fields they have)."""
    import pandas as pd
    import pyarrow as pa

    records: list[dict] = [r for part in parts for r in part.records]
    index = pd.RangeIndex(len(records))
    present: set[str] = set().union(*records)  # every key any record has (C-level pass)
    wanted = [c for c in (*COLUMN_NAMES, *SIDE_FIELDS) if c in present]
    columns = {}
    for name in wanted:
        values = pa.array([r.get(name) for r in records], type=pa.string())
        columns[name] = pd.Series(pd.array(values, dtype="str"), index=index)
    return pd.DataFrame(columns, index=index)


def _stack(blocks: list[pd.DataFrame], n: int) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """The blocks stacked: the raw frame of ACLED columns (those any block has, in ACLED's
    order) and the side fields (all, NA where a block lacks one)."""
    import pandas as pd

    index = pd.RangeIndex(n)
    present = {c for block in blocks for c in block.columns}

    def column(name: str) -> pd.Series:
        if name not in present:
            return pd.Series(None, index=index, dtype="str")
        if len(blocks) == 1:
            return blocks[0][name].reset_index(drop=True)
        parts = [block[name].reset_index(drop=True) if name in block.columns
                 else pd.Series(None, index=pd.RangeIndex(len(block)), dtype="str")
                 for block in blocks]
        return pd.concat(parts, ignore_index=True).astype("str")

    raw = pd.DataFrame({c: column(c) for c in COLUMN_NAMES if c in present}, index=index)
    return raw, {name: column(name) for name in SIDE_FIELDS}


def check_side(side: pd.DataFrame, event_ids: pd.Series | None) -> pd.DataFrame:
    """Problems in side-field values (vectorised)."""
    import pandas as pd

    ctx = {"event_ids": event_ids, "files": file_names(side["file"]),
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
