"""Read a CSV or spreadsheet export into a frame of text, keeping every row accounted for.

All values are read as text (types are the schema's job, and a bad number must become a report
row, not a failed read), except numeric columns the caller names, which fall back to text when
any value does not parse. The CSV path is pyarrow's reader in up to three passes (see
`_arrow_read`): a clean file costs one threaded pass with records ending at line ends, which is
about twice as fast as the single-threaded pass with quoted line breaks allowed (1M rows,
612 MiB: 0.8-1.2 s against 1.8-2.2 s here). Only the single-threaded pass numbers the rows it
cannot parse, so a file with a short, long or truncated row is read again that way to give each
bad row its line. Physical line numbers of the good rows are recovered by counting the newlines
inside quoted values. Blocks of 4 MiB: faster than 16 MiB here (the parser's working set stays
in cache).

Handled here: encoding (UTF-8, BOM, cp1252, UTF-8 with corrupt bytes), delimiter (`,` `;` tab
`|`), CRLF, quoted newlines and quotes, blank lines and all-empty rows, rows with too few or too
many fields (a truncated last row included), trailing empty columns, a leading row-number column,
and a second header line in the middle (files of two eras joined). XLSX/XLS/ODS are read by
`spreadsheet.read_spreadsheet` into the same `RawTable`.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from conflictkit.builders.importers import encoding as enc
from conflictkit.builders.importers.eras import normalize_header
from conflictkit.builders.importers.rawtable import (
    MAX_VALUE_IN_REPORT,
    RawTable,
    TypesOf,
    drop_embedded_headers,
    drop_layout_columns,
)
from conflictkit.builders.importers.registry import KNOWN_HEADER_NAMES, looks_like_header
from conflictkit.errors import InputFileError
from conflictkit.problems import catalogue as P
from conflictkit.problems.rows import problem_row

_HEAD_BYTES = 1 << 20
_BLOCK = 1 << 22
_DELIMITERS = (",", ";", "\t", "|")
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")




def read_raw_table(path: str | Path, typed: TypesOf | None = None) -> RawTable:
    """Read `path` (CSV/TSV/XLSX ...) as text; raises InputFileError when it is not a table.

    `typed(header)` may name header positions to parse as Arrow numbers ("int16", "float64"
    ...) straight away: much faster than text then conversion. If any value in those columns
    does not parse, the whole file is read again as text, so the schema's conversion reports
    each bad value (a clean file pays nothing, a dirty one one extra read).
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError(str(path), "no such file")
    if path.is_dir():
        raise InputFileError(str(path), "is a directory, not a file")
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
    if not head.strip():
        raise InputFileError(str(path), "the file is empty")
    kind = sniff_container(head, path)
    if kind == "spreadsheet":
        from conflictkit.builders.importers.spreadsheet import read_spreadsheet

        return read_spreadsheet(path)
    if kind != "text":
        raise InputFileError(str(path), kind)
    return _read_delimited(path, head, typed)


def sniff_container(head: bytes, path: Path) -> str:
    """"text", "spreadsheet", or a sentence saying what the bytes are instead."""
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        if path.suffix.lower() in SPREADSHEET_SUFFIXES or b"xl/" in head[:4096] or \
                head.startswith(b"\xd0\xcf\x11\xe0"):
            return "spreadsheet"
        return "is a ZIP archive: extract the CSV from it first"
    if head.startswith(b"PAR1"):
        return "is a Parquet file, not an export: open it with conflictkit.load"
    if head.startswith(b"\x1f\x8b"):
        return "is gzip-compressed: decompress it first"
    bom = enc.bom_encoding(head)
    if bom in enc.UTF16:
        return "text"
    sample = head[:65536]
    if b"\x00" in sample:
        return "is binary data (it holds NUL bytes), not a CSV export"
    controls = sum(sample.count(bytes([b])) for b in range(1, 32) if b not in (9, 10, 13))
    if controls > len(sample) // 100:
        return "is binary data, not a CSV export"
    return "text"


# ------------------------------------------------------------------------------------------
# Delimited text
# ------------------------------------------------------------------------------------------


def _decode_head(head: bytes, encoding: str) -> str:
    codec = "utf-8-sig" if encoding in (enc.UTF8, "utf-8-sig", enc.UTF8_REPLACED) else encoding
    text = head.decode(codec, errors="replace")
    return text.lstrip("\ufeff")


def _sniff_layout(text: str) -> tuple[str, list[str], int]:
    """Delimiter, header cells and field count (the most fields seen in the first records)."""
    first_line = text.split("\n", 1)[0]
    best, best_hits, best_header = ",", -1, [first_line]
    for delimiter in _DELIMITERS:
        cells = split_line(first_line.rstrip("\r"), delimiter)
        hits = sum(1 for c in cells if normalize_header(c) in KNOWN_HEADER_NAMES)
        if hits > best_hits or (hits == best_hits and len(cells) > len(best_header)):
            best, best_hits, best_header = delimiter, hits, cells
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=best))
    except csv.Error:  # a stray carriage return or NUL: field counts come from the parser
        records = []
    sample = records[1:-1][:200]  # the last record of the head may be cut
    widths = Counter(len(r) for r in sample if any(c.strip() for c in r))
    width = max(len(best_header), 1)  # no names at all would let pyarrow invent them
    if widths:
        common, _ = widths.most_common(1)[0]
        width = max(width, common)
    return best, best_header, width


def split_line(line: str, delimiter: str) -> list[str]:
    """One CSV line into cells; a line the csv module refuses is split on the delimiter."""
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return line.split(delimiter)


def _read_delimited(path: Path, head: bytes, typed: TypesOf | None) -> RawTable:
    encoding = enc.bom_encoding(head) or enc.UTF8
    delimiter, header, width = _sniff_layout(_decode_head(head, encoding))
    header = header + [""] * (width - len(header))
    meta: dict[str, Any] = {"format": "csv", "delimiter": delimiter, "encoding": encoding}
    types = typed(header) if typed else {}
    for attempt in range(3):
        try:
            table, bad = _arrow_read(path, width, delimiter, encoding, types)
            break
        except _NotUtf8:
            guess = enc.guess_non_utf8(path)
            encoding = guess.encoding
            meta["encoding"] = encoding
            meta["encoding_reason"] = guess.reason
            delimiter, header, width = _sniff_layout(_decode_head(head, encoding))
            header = header + [""] * (width - len(header))
            types = typed(header) if typed else {}
        except _NotNumber:
            types = {}
        if attempt == 2:  # pragma: no cover - each fallback happens at most once
            raise InputFileError(str(path), "cannot be read")
    meta["typed_read"] = bool(types)
    return _assemble(path, table, bad, header, meta)


class _NotUtf8(Exception):
    pass


class _NotNumber(Exception):
    pass


class _Straddle(Exception):
    pass


def _arrow_read(path: Path, width: int, delimiter: str, encoding: str,
                types: dict[int, str] | None = None):
    """`_arrow_read_blocks` in blocks of 4 MiB, or larger ones when a single value (a giant
    field, or everything after an unterminated quote) is longer than a block."""
    block = _BLOCK
    limit = max(_BLOCK, min(path.stat().st_size * 2 + 1, 2**31 - 1))
    while True:
        try:
            return _arrow_read_blocks(path, width, delimiter, encoding, types, block)
        except _Straddle as exc:
            if block >= limit:
                raise InputFileError(str(path), f"cannot be parsed as CSV: {exc}") from exc
            block = min(block * 16, limit)


def _arrow_read_blocks(path: Path, width: int, delimiter: str, encoding: str,
                       types: dict[int, str] | None, block: int):
    """The text table and its unreadable rows, by the cheapest pass that is exact for the file.

    1. threaded, records end at line ends: the fast pass for a clean file with no line break
       inside a value (most exports). A quoted line break on a block boundary puts pyarrow's
       parser out of step with its chunker, which it detects and raises: then
    2. threaded, line breaks allowed inside quoted values.
    3. single-threaded, only when a pass met an unreadable row: the threaded reader gives no
       row numbers, and a bad row needs its line in the report.
    """
    import pyarrow as pa

    hook = sys.unraisablehook
    # pyarrow reports a bad row it cannot decode as an "ignored exception" on stderr before it
    # fails the read; that read is retried in another encoding, so keep stderr clean
    sys.unraisablehook = _quiet_unraisable
    try:
        # a lone CR: the fast pass's chunker may split a quoted value there unseen
        breaks = _has_lone_cr(path, encoding)
        try:
            table, bad = _arrow_pass(path, width, delimiter, encoding, types, block,
                                     threads=True, newlines_in_values=breaks)
        except pa.ArrowInvalid as exc:
            if breaks or "out of sync" not in str(exc):
                raise
            table, bad = _arrow_pass(path, width, delimiter, encoding, types, block,
                                     threads=True, newlines_in_values=True)
        if bad:
            del table
            table, bad = _arrow_pass(path, width, delimiter, encoding, types, block,
                                     threads=False, newlines_in_values=True)
    except pa.ArrowInvalid as exc:
        if "straddl" in str(exc):
            raise _Straddle(str(exc)) from exc
        if "UTF8" in str(exc) and encoding == enc.UTF8:
            raise _NotUtf8 from exc
        if types and "conversion error" in str(exc):
            raise _NotNumber from exc
        if encoding == enc.UTF8 and not enc.is_utf8(path):
            # pyarrow cannot hand a malformed row whose bytes are not UTF-8 to the handler
            raise _NotUtf8 from exc
        raise InputFileError(str(path), f"cannot be parsed as CSV: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputFileError(str(path), f"cannot be decoded as {encoding}: {exc}") from exc
    finally:
        sys.unraisablehook = hook
    return table, bad


def _has_lone_cr(path: Path, encoding: str) -> bool:
    """Whether the file holds a carriage return not followed by a line feed. The fast pass
    takes one for a line end: inside a quoted value on a block boundary it splits the record
    without noticing (a line feed there is noticed: "out of sync"). One pass over the file
    mapped window by window (never more than one window resident). Only for encodings that
    write CR and LF as single bytes."""
    import mmap

    if encoding in enc.UTF16:
        return False
    size = path.stat().st_size
    after_cr = False  # the previous window ended with a CR: this one must begin with a LF
    with path.open("rb") as handle:
        for offset in range(0, size, _MAP_WINDOW):
            with mmap.mmap(handle.fileno(), min(_MAP_WINDOW, size - offset),
                           access=mmap.ACCESS_READ, offset=offset) as window:
                if after_cr and window[0] != 0x0A:
                    return True
                after_cr = window[-1] == 0x0D
                if window.find(b"\r") < 0:  # memchr: most files have no CR at all
                    continue
                lone = _LONE_CR.search(window)  # CRLF files: one scan, nothing copied
                if lone is not None and lone.start() < len(window) - 1:  # the last byte
                    return True  # is judged with the next window
    return after_cr


_LONE_CR = re.compile(rb"\r(?!\n)")


_MAP_WINDOW = 1 << 26  # a multiple of mmap.ALLOCATIONGRANULARITY (the test shrinks it)


def _arrow_pass(path: Path, width: int, delimiter: str, encoding: str,
                types: dict[int, str] | None, block: int, *, threads: bool,
                newlines_in_values: bool):
    """One pyarrow read of the whole file as text (typed where `types` says)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    bad: list[tuple[int, int, int, str]] = []

    def on_bad_row(row: Any) -> str:
        bad.append((row.number or 0, row.actual_columns, row.expected_columns, row.text))
        return "skip"

    names = [f"c{i}" for i in range(width)]
    column_types: dict[str, Any] = dict.fromkeys(names, pa.large_string())
    for position, type_name in (types or {}).items():
        if position < width:
            column_types[names[position]] = pa.type_for_alias(type_name)
    source: Any = str(path)
    arrow_encoding = "utf8"
    if encoding == enc.UTF8_REPLACED:
        data = path.read_bytes().decode("utf-8", errors="replace").encode("utf-8")
        source = io.BytesIO(data)
    elif encoding not in (enc.UTF8, "utf-8-sig"):
        arrow_encoding = encoding
    table = pacsv.read_csv(
        source,
        read_options=pacsv.ReadOptions(
            use_threads=threads, block_size=block, column_names=names, skip_rows=1,
            encoding=arrow_encoding,
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter, newlines_in_values=newlines_in_values,
            ignore_empty_lines=False, invalid_row_handler=on_bad_row,
        ),
        convert_options=pacsv.ConvertOptions(
            # large_string is pandas' own string layout: no cast when converting
            column_types=column_types, strings_can_be_null=True,
            null_values=[""], quoted_strings_can_be_null=True,
        ),
    )
    return table, bad


def _quiet_unraisable(unraisable: Any) -> None:
    if not isinstance(unraisable.exc_value, UnicodeDecodeError):
        sys.__unraisablehook__(unraisable)


def _newlines_per_row(table: Any) -> np.ndarray:
    """Line breaks inside the values of each row (counted only in columns that hold one)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    total = np.zeros(table.num_rows, dtype=np.int64)
    # most columns hold no line feed: one memchr-speed search of their bytes each, cheaper than
    # counting the file's lines to learn that none does
    for column in table.columns:
        if column.null_count == len(column) or not pa.types.is_large_string(column.type):
            continue
        if not _holds_newline(column):  # most columns: one memchr-speed scan, no per-row count
            continue
        counts = pc.fill_null(pc.count_substring(column, "\n"), 0)
        total += counts.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    return total


def _holds_newline(column: Any) -> bool:
    """Whether any value of a string column holds a line feed (searched in the data buffers).

    `bytes.find` is a memchr; a regular expression walks the bytes one by one, five times
    slower even with the copy into bytes, which `_SEARCH_SLICE` keeps small."""
    for chunk in column.chunks:
        data = chunk.buffers()[2]
        if data is None:
            continue
        for start in range(0, data.size, _SEARCH_SLICE):
            piece = data.slice(start, min(_SEARCH_SLICE, data.size - start))
            if piece.to_pybytes().find(b"\n") >= 0:
                return True
    return False


_SEARCH_SLICE = 1 << 24


def _line_numbers(n_good: int, n_records: int, nl_good: np.ndarray,
                  bad: list[tuple[int, int, int, str]]) -> tuple[np.ndarray, np.ndarray]:
    """Physical line of each good row, and of each record number - 2 (for the bad rows)."""
    if not bad:  # the clean case: record k is on line 2 + k + the line breaks before it
        lines = np.arange(2, n_good + 2, dtype=np.int64)
        if nl_good.any():
            lines += np.cumsum(nl_good) - nl_good
        return lines, lines
    # record number r (header = 1) of each good and bad row, in file order
    bad_numbers = np.array([b[0] for b in bad], dtype=np.int64)
    is_bad = np.zeros(n_records + 2, dtype=bool)
    known = bad_numbers[(bad_numbers >= 2) & (bad_numbers < n_records + 2)]
    is_bad[known] = True
    numbers = np.arange(2, n_records + 2)
    good_numbers = numbers[~is_bad[2:]][:n_good]
    nl = np.zeros(n_records + 2, dtype=np.int64)
    nl[good_numbers] = nl_good
    for number, _a, _e, text in bad:
        if 2 <= number < n_records + 2:
            nl[number] = text.count("\n")
    before = np.concatenate([[0], np.cumsum(nl)[:-1]])
    line_of = numbers + before[2:]
    lines = np.empty(n_good, dtype=np.int64)
    lines[:] = line_of[good_numbers - 2]
    return lines, line_of


def _assemble(path: Path, table: Any, bad: list[tuple[int, int, int, str]],
              header: list[str], meta: dict[str, Any]) -> RawTable:
    file = str(path)
    n_good = table.num_rows
    n_records = n_good + len(bad)
    nl_good = _newlines_per_row(table)
    lines, line_of = _line_numbers(n_good, n_records, nl_good, bad)
    frame = table.to_pandas(types_mapper=_nullable_numbers)
    del table
    problems: list[dict[str, Any]] = []
    last_number = n_records + 1
    strip = meta["delimiter"] + "\" \t\r\n"
    empty_bad = 0
    other_layout: tuple[int, int] | None = None  # (fields, line) of a second header line
    for number, actual, expected, text in bad:
        if not text.strip(strip):
            empty_bad += 1  # a row of bare delimiters: blank, whatever its width
            continue
        line = int(line_of[number - 2]) if 2 <= number < n_records + 2 else 0
        problem = _bad_row_problem(file, line, number == last_number, actual, expected, text,
                                   header, other_layout)
        if problem["rule"] == P.EMBEDDED_HEADER.code:
            other_layout = (actual, line)
        problems.append(problem)

    # blank lines and all-empty rows carry nothing: drop them, but say so
    empty = _all_missing(frame)
    blank_rows = int(empty.sum()) + empty_bad
    if blank_rows:
        first = int(lines[empty][0]) if empty.any() else 0
        problems.append(problem_row(
            P.BLANK_ROWS, file=file, line=first,
            message=f"{blank_rows} blank or all-empty rows skipped"
                    + (f" (the first at line {first})" if first else "")))
        frame = frame.loc[~empty].reset_index(drop=True)
        lines = lines[~empty]
        nl_good = nl_good[~empty]
    meta["blank_rows"] = blank_rows
    frame, header = drop_layout_columns(frame, header, meta)
    if not meta.get("typed_read"):
        # a typed read proves there is none: a header line puts names in the numeric columns,
        # which fails that read and sends the file back through the text read
        frame, keep = drop_embedded_headers(file, frame, lines, problems)
        lines, nl_good = lines[keep], nl_good[keep]
    unreadable = sum(1 for p in problems if p["rule"] == P.UNREADABLE_RECORD.code)
    return RawTable(file, frame, header, lines, len(frame) + unreadable, nl_good, problems, meta)


_NULLABLE = {"int8": "Int8", "int16": "Int16", "int32": "Int32", "int64": "Int64",
             "float": "Float32", "double": "Float64"}


def _nullable_numbers(arrow_type: Any) -> Any:
    """Arrow numbers -> pandas nullable dtypes (a null int must not become a float)."""
    name = _NULLABLE.get(str(arrow_type))
    return pd.api.types.pandas_dtype(name) if name else None


def _all_missing(frame: pd.DataFrame) -> np.ndarray:
    """Rows with no value at all, checking further columns only where the first ones are empty."""
    mask = np.ones(len(frame), dtype=bool)
    for name in frame.columns:
        rows = np.flatnonzero(mask)
        if not len(rows):
            break
        mask[rows] = frame[name].iloc[rows].isna().to_numpy()
    return mask


def _bad_row_problem(file: str, line: int, is_last: bool, actual: int, expected: int,
                     text: str, header: list[str],
                     other_layout: tuple[int, int] | None = None) -> dict[str, Any]:
    """The report row for a record the reader could not split into the header's fields.

    `other_layout`: (fields, line) of a second header line seen earlier in the file; a record
    with that many fields belongs to it, which says more than "truncated" or "too short".
    """
    value = text if len(text) <= MAX_VALUE_IN_REPORT else text[:MAX_VALUE_IN_REPORT] + "…"
    cells = split_line(text, ",")
    problem = P.UNREADABLE_RECORD
    if looks_like_header(cells):
        problem = P.EMBEDDED_HEADER
        message = (f"a second header line ({actual} columns) inside the data: files of different "
                   f"layouts or eras were joined; split the file and import each part")
    elif other_layout is not None and actual == other_layout[0]:
        message = (f"has {actual} fields like the second header at line {other_layout[1]}, "
                   f"not the first header's {expected}: a record of the other layout; split the "
                   f"file and import each part")
    elif is_last and actual < expected:
        quote = " inside an unterminated quote" if text.count('"') % 2 else ""
        message = (f"the last record has {actual} of {expected} fields{quote}: the file looks "
                   f"truncated; this record is rejected, the rest are kept")
    elif actual < expected:
        message = f"has {actual} fields, the header has {expected}; the record cannot be read"
    else:
        message = (f"has {actual} fields, the header has {expected} (an unquoted delimiter in a "
                   f"value?); the record cannot be read")
    return problem_row(problem, file=file, line=line, value=value, message=message)
