"""Read an XLSX/XLS/ODS export (python-calamine) into the same text `RawTable` as a CSV.

Every cell becomes the text a CSV export of the sheet would hold: numbers without a spurious
".0", dates as ISO dates, booleans as TRUE/FALSE, empty cells as missing. calamine hands over
Python objects row by row (2.7 s for 100k ACLED rows, the floor here); the conversion works a
column at a time: a column of only text, only numbers or only dates is converted with vectorised
pandas/numpy, and only a column mixing kinds goes cell by cell.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from conflictkit.builders.importers.rawtable import (
    RawTable,
    drop_embedded_headers,
    drop_layout_columns,
)
from conflictkit.errors import InputFileError
from conflictkit.problems import catalogue as P
from conflictkit.problems.rows import problem_row

_NUMBERS = frozenset({float, int})
_DATES = frozenset({dt.datetime, dt.date})


def cell_text(value: Any) -> str | None:
    """One spreadsheet cell as the text a CSV export would hold."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def column_text(values: tuple[Any, ...] | list[Any]) -> pd.Series:
    """A column of cells as a `str` Series (missing where empty), exactly as `cell_text` would
    give cell by cell."""
    kinds = set(map(type, values))
    kinds.discard(type(None))
    text: pd.Series | None = None
    if kinds <= {str}:
        return _strings(values)
    if kinds <= _NUMBERS | {str} and _only_empty_text(values, kinds):
        text = _number_text(values)
    elif kinds <= _DATES | {str} and _only_empty_text(values, kinds):
        text = _date_text(values)
    if text is None:  # mixed kinds, or values the fast paths cannot render exactly
        text = _strings([cell_text(v) for v in values])
    return text


def _only_empty_text(values: tuple[Any, ...] | list[Any], kinds: set[type]) -> bool:
    """True when the column's text cells (if any) are all empty strings."""
    return str not in kinds or not any(v for v in values if type(v) is str)


def _number_text(values: tuple[Any, ...] | list[Any]) -> pd.Series | None:
    cells = pd.Series(values, dtype=object)
    numbers = pd.to_numeric(cells.where(cells != ""), errors="coerce").to_numpy(
        dtype=np.float64, na_value=np.nan)
    missing = np.isnan(numbers)
    if np.abs(numbers[~missing]).max(initial=0) >= 1e15:
        return None  # where cell_text prints ints and floats differently: cell by cell
    whole = ~missing & (numbers == np.floor(numbers)) & (np.abs(numbers) < 1e15)
    out = np.empty(len(numbers), dtype=object)
    out[whole] = numbers[whole].astype(np.int64).astype(str)
    rest = ~missing & ~whole
    out[rest] = numbers[rest].astype(str)  # numpy prints the shortest round-trip, as repr does
    out[missing] = None
    return _strings(out)


def _date_text(values: tuple[Any, ...] | list[Any]) -> pd.Series | None:
    cells = pd.Series(values, dtype=object)
    try:
        stamps = pd.to_datetime(cells.where(cells != ""))
    except (ValueError, OverflowError):  # out of pandas' range (before 1677 ...)
        return None
    missing = stamps.isna().to_numpy()
    if (stamps.dt.microsecond[~missing] != 0).any():
        return None  # isoformat would show the fraction
    midnight = (stamps.dt.normalize() == stamps).to_numpy()
    out = np.where(midnight, stamps.dt.strftime("%Y-%m-%d").to_numpy(dtype=object),
                   stamps.dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy(dtype=object))
    out[missing] = None
    return _strings(out)


def _strings(values: Any) -> pd.Series:
    """Python strings (None or "" for missing) as a `str` Series, through one Arrow array
    (pandas' own conversion checks each value again and is several times slower)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pa.array(values, type=pa.large_string(), from_pandas=True)
    array = pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.large_string()), array)
    return pd.Series(pd.array(array, dtype="str"))


def _first_sheet(book: Any) -> tuple[list[list[Any]], str]:
    """The cells and name of the first sheet whose first row holds a header."""
    for name in book.sheet_names:
        data = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        if data and any(cell_text(c) for c in data[0]):
            return data, name
    return [], ""


def _without_dimensions(path: Path) -> io.BytesIO:
    """An in-memory copy of an XLSX whose worksheets lose their `<dimension>` element.

    The element only declares the used range, and is optional; some writers declare it
    malformed ("1:7", rows without columns, as LibreOffice can), which calamine refuses. Without
    it the range is taken from the cells themselves."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                data = _DIMENSION.sub(b"", data, count=1)
            copy.writestr(info, data)
    out.seek(0)
    return out


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*/>")


def read_spreadsheet(path: Path) -> RawTable:
    """The first sheet with a header row, as text (see the module docstring)."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types
        raise InputFileError(str(path), f"cannot be opened as a spreadsheet: {exc}") from exc
    meta: dict[str, Any] = {"format": "spreadsheet", "encoding": "", "delimiter": ""}
    try:
        rows, sheet_name = _first_sheet(book)
    except Exception as exc:  # a sheet calamine cannot read: a malformed declared range?
        if not zipfile.is_zipfile(path):
            raise InputFileError(str(path), f"cannot read its sheets: {exc}") from exc
        try:
            rows, sheet_name = _first_sheet(CalamineWorkbook.from_filelike(
                _without_dimensions(path)))
        except Exception as again:
            raise InputFileError(str(path), f"cannot read its sheets: {exc}") from again
        meta["sheet_dimension_ignored"] = str(exc)
    if not rows:
        raise InputFileError(str(path), "the spreadsheet has no sheet with a header row")
    header = [cell_text(c) or "" for c in rows[0]]
    body = rows[1:]
    width = len(header)
    if any(len(r) != width for r in body):  # ragged rows: pad (a sheet is normally square)
        body = [list(r[:width]) + [None] * (width - len(r)) for r in body]
    columns = list(zip(*body, strict=True)) if body else [() for _ in range(width)]
    while header and not header[-1] and all(cell_text(v) is None for v in columns[-1]):
        header.pop()
        columns.pop()
    width = len(header)
    frame = pd.DataFrame({f"c{i}": column_text(columns[i]) for i in range(width)})
    lines = np.arange(2, len(body) + 2, dtype=np.int64)
    meta["sheet"] = sheet_name
    problems: list[dict[str, Any]] = []
    empty = frame.isna().all(axis=1).to_numpy() if width else np.ones(len(body), dtype=bool)
    if empty.any():
        # trailing all-empty rows are spreadsheet padding; inner ones are reported
        inner = empty & (np.arange(len(body)) < (np.flatnonzero(~empty).max(initial=-1)))
        if inner.any():
            first = int(lines[inner][0])
            problems.append(problem_row(
                P.BLANK_ROWS, file=str(path), line=first,
                message=f"{int(inner.sum())} empty rows skipped (the first at row {first})"))
        frame = frame.loc[~empty].reset_index(drop=True)
        lines = lines[~empty]
    meta["blank_rows"] = int(empty.sum())
    frame, header = drop_layout_columns(frame, header, meta)
    frame, keep = drop_embedded_headers(str(path), frame, lines, problems)
    lines = lines[keep]
    newlines = np.zeros(len(frame), dtype=np.int64)
    for name in frame.columns:
        newlines += frame[name].str.count("\n").fillna(0).to_numpy(dtype=np.int64)
    return RawTable(str(path), frame, header, lines, len(frame), newlines, problems, meta)
