"""A file read as text, whatever its container: the shape both readers (delimited text in
`table`, spreadsheets in `spreadsheet`) return, and the clean-ups they share (header lines
repeated inside the data, trailing empty and row-number columns)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from conflictkit.builders.importers.eras import ROW_NUMBER_HEADERS, normalize_header
from conflictkit.builders.importers.registry import KNOWN_HEADER_NAMES
from conflictkit.problems import catalogue as P
from conflictkit.problems.rows import problem_row

#: the longest value a problem row quotes
MAX_VALUE_IN_REPORT = 200


@dataclass
class RawTable:
    """A file read as text.

    frame: one str column per header position (named "c0", "c1", ...), one row per readable
      record, NA for empty cells.
    header: the header cells as written.
    lines: 1-based physical line (CSV) or sheet row (spreadsheet) of each frame row.
    records: every record in the file (readable, unreadable; not blank lines or all-empty rows).
    newlines: newline characters inside the values of each frame row (quoted line breaks).
    problems: report rows for records that could not be read and file-level findings.
    meta: what was detected (encoding, delimiter, dropped columns ...), for the report and tests.
    """

    path: str
    frame: pd.DataFrame
    header: list[str]
    lines: np.ndarray
    records: int
    newlines: np.ndarray
    problems: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


TypesOf = Callable[[list[str]], dict[int, str]]


def drop_embedded_headers(file: str, frame: pd.DataFrame, lines: np.ndarray,
                           problems: list[dict[str, Any]]) -> tuple[pd.DataFrame, np.ndarray]:
    """Take out header lines repeated inside the data (files concatenated with their headers).

    They are not records: each is reported as an error (the file needs attention) but does not
    count as a rejected event.
    """
    if frame.empty:
        return frame, np.ones(len(frame), dtype=bool)
    # a repeated header holds column names in their usual spellings: compare exactly (cheap)
    known = sorted({v for n in KNOWN_HEADER_NAMES
                    for v in (n, n.upper(), n.title(), n.capitalize())})
    hits = np.zeros(len(frame), dtype=np.int64)
    checked = 0
    # text columns only: a header line inside a typed (numeric) column fails the typed read
    # and the file is read again as text, so numeric columns never hold one
    text_columns = [c for c in frame.columns if str(frame[c].dtype) == "str"][:4]
    for name in text_columns:
        hits += frame[name].isin(known).to_numpy(dtype=bool, na_value=False)
        checked += 1
    mask = hits >= min(2, checked) if checked else np.zeros(len(frame), dtype=bool)
    if not mask.any():
        return frame, np.ones(len(frame), dtype=bool)
    for position in np.flatnonzero(mask):
        cells = frame.iloc[position].dropna().astype(str).tolist()
        problems.append(problem_row(
            P.EMBEDDED_HEADER, file=file, line=int(lines[position]),
            value=",".join(cells)[:MAX_VALUE_IN_REPORT],
            message="a header line inside the data (files joined together); it is skipped, "
                    "check that the rows after it follow the first header's layout"))
    keep = ~mask
    return frame.loc[keep].reset_index(drop=True), keep


def drop_layout_columns(frame: pd.DataFrame, header: list[str],
                         meta: dict[str, Any]) -> tuple[pd.DataFrame, list[str]]:
    """Drop trailing empty columns and a leading row-number column (both carry no event data)."""
    keep = list(range(len(header)))
    dropped_empty = [i for i in keep if not normalize_header(header[i])
                     and frame[f"c{i}"].isna().all()]
    keep = [i for i in keep if i not in dropped_empty]
    meta["empty_columns_dropped"] = len(dropped_empty)
    meta["row_number_column"] = False
    if keep and normalize_header(header[keep[0]]) in ROW_NUMBER_HEADERS:
        first = frame[f"c{keep[0]}"]
        numeric = first.isna() | first.str.fullmatch(r"\s*\d+(\.0+)?\s*").fillna(False)
        if len(first) and bool(numeric.all()) and first.notna().any():
            meta["row_number_column"] = True
            keep = keep[1:]
    frame = frame[[f"c{i}" for i in keep]]
    frame.columns = [f"c{j}" for j in range(len(keep))]
    return frame, [header[i] for i in keep]
