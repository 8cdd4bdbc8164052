"""CSV files of events, read column-wise: a header of ACLED column names (any subset, any order;
all 31 for an export or a release's events.csv) and one event a row.

The reader is the importer's vectorised pyarrow reader (`importers.table`): every record keeps
the physical line it starts on (quoted line breaks counted), a row with the wrong number of
fields is one unreadable record with its line, blank lines are skipped.

What the importer forgives, a contributor must hear about, so for a contribution file the
standard library's strict quoting stays the definition of a readable file: a quote that closes a
value must be followed by a comma or a line end, and a quote left open at the end of the file is
an error, not the rest of the file joined into one value. One linear pass of a regular
expression (RE2, through pyarrow; the grammar of such a file is regular) over the bytes proves a
file meets that definition, in the same pass that counts its lines and looks for NUL bytes, on
another thread while pyarrow parses. A file that pass does not vouch for (malformed quoting, a
lone carriage return, a header that is not the first line ...) is read record by record with
the `csv` module in strict mode instead: the exact reference behaviour (each malformed record
reported with its line, reading going on at the next line), in bounded memory, at a few seconds
per million rows. Files written by any CSV library never take that path.

A table (`layout.dataset.is_table_header`: an ACLED export, a release's events.csv, written by
a program) skips that pass, which would cost a third of its reading time: it is read exactly as
`conflictkit import acled` reads the same file. A row with too many or too few fields, a quote
left open (which joins rows into one with too many fields) are still unreadable records with
their line; only stray characters after a closing quote are kept, as the importer keeps them.

Both ways give the same `CsvColumns`: text columns named by the header (empty field = blank,
whitespace kept), the line of each record, the problems met while reading and the count of
records that could not be read.
"""

from __future__ import annotations

import csv
import io
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from conflictkit.builders.contributions.fields import ALLOWED_KEYS, unknown_key_message
from conflictkit.builders.contributions.source import (
    FileRejected,
    ProblemLog,
    decode,
    scalar_text,
)
from conflictkit.layout.dataset import is_table_header
from conflictkit.problems import catalogue as P

if TYPE_CHECKING:
    import pandas as pd

_HEAD_BYTES = 1 << 20
_SCAN_BLOCK = 1 << 24  # 16 MiB: the strict-quoting pass works on whole blocks of records
_BATCH = 1 << 16  # rows the record-by-record reader holds as Python strings at most
_UTF16_32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\xff\xfe", b"\xfe\xff")

# Python's csv module in strict mode, as a regular language: a field is quoted (doubled quotes
# inside, anything else including line breaks) or unquoted (no comma or line break, and no quote
# first); records are fields joined by commas, ended by CRLF, LF or CR; the last may lack one.
_FIELD = r'(?:"(?:[^"]|"")*"|(?:[^",\r\n][^,\r\n]*)?)'
_RECORD = _FIELD + r"(?:," + _FIELD + r")*"
STRICT_CSV = r"(?s)^(?:" + _RECORD + r"(?:\r\n|\n|\r))*(?:" + _RECORD + r")?$"


@dataclass
class CsvColumns(ProblemLog):
    """What the reader got from one CSV file.

    ``frame``: one `str` column per header name, one row per readable record, NA for an empty
    field; ``lines``: the 1-based physical line each row starts on; ``problems``: problem rows
    (dicts) whose ``record`` is the row position in ``frame`` (-1 for unreadable records and
    file-level problems), and ``problem_frames`` more of them as frames (one per unknown
    column); ``unreadable``: records seen but not readable (each one counts as rejected);
    ``columnar``: False when the file was read record by record.
    """

    path: str
    header: list[str] = field(default_factory=list)
    frame: pd.DataFrame | None = None
    lines: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    problems: list[dict[str, Any]] = field(default_factory=list)
    unreadable: int = 0
    columnar: bool = True
    problem_frames: list[pd.DataFrame] = field(default_factory=list)

    # the attributes `records.Assembled.key_lines` reads from every kind of file
    key_lines = None
    key_line_finder = None

    def __len__(self) -> int:
        return 0 if self.frame is None else len(self.frame)

    @property
    def is_table(self) -> bool:
        """A finished events table (every ACLED column), not a contribution: see
        `layout.dataset.is_table_header`."""
        return is_table_header(self.header)

    def unknown_columns(self) -> list[str]:
        return [name for name in self.header if name not in ALLOWED_KEYS]

    def report_unknown_keys(self) -> None:
        """An error on every record for each header name that is neither an ACLED column nor a
        side field (a typo must not vanish), in header order per record."""
        from conflictkit.problems.rows import problem_rows

        if self.frame is None or not len(self.frame):
            return
        for key in self.unknown_columns():
            rows = problem_rows(np.ones(len(self.frame), dtype=bool), P.UNKNOWN_KEY, column=key,
                                values=self.frame[key], message=unknown_key_message(key),
                                files=np.full(len(self.frame), self.path, dtype=object),
                                lines=self.lines)
            if rows is not None:
                long = rows["value"].str.len() > 200  # cut as scalar_text cuts a value
                rows["value"] = rows["value"].where(~long, rows["value"].str.slice(0, 197) + "...")
                self.problem_frames.append(rows)


def read_csv(source: str | Path, display: str | None = None, *,
             columnar: bool = True) -> CsvColumns:
    """Every event record of a CSV file (a path), or of CSV text (written to a temporary file
    first: the columnar reader reads files). ``columnar=False`` forces the record-by-record
    reader (tests compare the two)."""
    if isinstance(source, Path):
        return read_csv_file(source, display or source.as_posix(), columnar=columnar)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="ck-csv-") as folder:
        path = Path(folder) / "text.csv"
        path.write_bytes(source.encode("utf-8", errors="surrogatepass"))
        return read_csv_file(path, display or "text.csv", columnar=columnar)


def read_csv_file(path: Path, display: str, *, columnar: bool = True) -> CsvColumns:
    """Read one CSV file; never raises on bad input (it becomes problems)."""
    out = CsvColumns(display)
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except OSError as exc:
        out.unreadable_file(0, f"cannot read file: {exc.strerror or exc}")
        return out
    try:
        _check_head(head)
    except FileRejected as exc:
        out.unreadable_file(exc.line, str(exc))
        return out
    result = _read_columnar(path, display, head) if columnar else None
    if result is None:
        result = _read_records(path, display, strict=not _table_head(head))
    return result


def _table_head(head: bytes) -> bool:
    """Whether the first line names every ACLED column (a table: read without strictness)."""
    first = head.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0].rstrip(b"\r")
    try:
        return is_table_header(next(csv.reader([first.decode("utf-8")]), []))
    except (csv.Error, UnicodeDecodeError):
        return False


def _check_head(head: bytes) -> None:
    """The guards `source.decode` applies, on the first MiB: other encodings and binary data."""
    if head.startswith(_UTF16_32_BOMS) and not head.startswith(b"\xef\xbb\xbf"):
        raise FileRejected("file is UTF-16 or UTF-32 encoded; save it as UTF-8")
    nul = head.find(b"\x00", 0, 1 << 16)
    if nul >= 0:
        raise FileRejected("binary file (contains NUL bytes): not a YAML, CSV or JSON text file",
                           head.count(b"\n", 0, nul) + 1)


# ---------------------------------------------------------------------------------------------
# the columnar path
# ---------------------------------------------------------------------------------------------


@dataclass
class _Scan:
    """What the strict-quoting pass found over the whole file."""

    newlines: int = 0
    last: bytes = b""  # the file's last byte
    strict: bool = True
    lone_cr: bool = False
    nul_line: int = 0  # line of the first NUL byte (0: none)
    error: str = ""


def _scan(path: Path, start: int, out: _Scan) -> None:
    """Line feeds, lone carriage returns, NUL bytes and the strict grammar, block by block.

    Each block is matched up to its last line feed. A block that does not match may only have
    been cut inside a quoted value: it is tried again joined to the next block, and past a few
    blocks the file is called malformed (the reader then takes the exact path, so a wrong call
    costs time, never a wrong report).
    """
    try:
        lines_before = 0
        pending = b""
        with path.open("rb") as handle:
            handle.seek(start)
            while True:
                data = handle.read(_SCAN_BLOCK)
                if data.endswith(b"\r"):  # a CRLF cut by the block: keep its halves together
                    data += handle.read(1)
                if not data:
                    out.strict = not pending or _strict(pending)
                    return
                nul = data.find(b"\x00")
                if nul >= 0:
                    out.nul_line = lines_before + data.count(b"\n", 0, nul) + 1
                    return
                count = data.count(b"\n")
                out.newlines += count
                out.last = data[-1:]
                lines_before += count
                if data.count(b"\r") != data.count(b"\r\n"):
                    out.lone_cr = True
                    return
                block = pending + data
                cut = block.rfind(b"\n") + 1
                matched = bool(cut) and _strict(memoryview(block)[:cut])
                pending = block[cut:] if matched else block
                if len(pending) > 4 * _SCAN_BLOCK:
                    out.strict = False
                    return
    except Exception as exc:  # noqa: BLE001 - the exact path reads the file then
        out.error = str(exc)
        out.strict = False


def _strict(data: bytes | memoryview) -> bool:
    """Whether `data` is a sequence of strict CSV records (RE2 over the bytes, no copy)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    buffer = pa.py_buffer(data)
    offsets = pa.py_buffer(np.array([0, buffer.size], dtype=np.int64))
    array = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, buffer])
    return bool(pc.match_substring_regex(array, STRICT_CSV)[0].as_py())


def _read_columnar(path: Path, display: str, head: bytes) -> CsvColumns | None:
    """The file read with pyarrow; None when it needs the record-by-record reader."""
    from conflictkit.builders.importers import encoding as enc
    from conflictkit.builders.importers import table as T
    from conflictkit.errors import InputFileError

    bom = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    end = head.find(b"\n", bom)
    first = head[bom: end if end >= 0 else len(head)]
    if end < 0 and len(head) == _HEAD_BYTES:
        return None  # a header longer than a MiB: not a file to be quick about
    if b"\r" in first.rstrip(b"\r") or not first.rstrip(b"\r") or first.count(b'"') % 2:
        return None  # blank first line, lone CR, or a line break inside a header name
    try:
        cells = next(csv.reader([first.rstrip(b"\r").decode("utf-8")], strict=True))
    except (csv.Error, UnicodeDecodeError, StopIteration):
        return None
    width = len(cells)
    out = CsvColumns(display)
    header = _check_header(out, cells, 1)
    if header is None:
        return out
    if width < 2:
        return None  # one column: blank lines and empty values look alike to pyarrow

    table_file = is_table_header(header)
    scan = _Scan()
    worker = threading.Thread(target=_scan, args=(path, bom, scan), daemon=True)
    if not table_file:  # a table is read as the importer reads an export: see the docstring
        worker.start()
    # a table's numbers and dates are parsed by the reader straight away (what coerce_events
    # would do to their text, at a fraction of the cost); one that does not parse sends the
    # file back through the text read, so each bad value is reported
    types = _typed_columns(header) if table_file else None
    try:
        try:
            table, bad = T._arrow_read(path, width, ",", enc.UTF8, types)
        except T._NotNumber:
            table, bad = T._arrow_read(path, width, ",", enc.UTF8, None)
    except T._NotUtf8:
        _join(worker)
        return _not_utf8(path, display, scan)
    except (InputFileError, T._NotNumber, T._Straddle):
        _join(worker)
        return None
    _join(worker)
    if scan.nul_line:
        out.unreadable_file(scan.nul_line, "binary file (contains NUL bytes)")
        return out
    if not scan.strict or scan.lone_cr or scan.error:
        return None
    return _from_table(out, path, table, bad, header, width, scan, strict=not table_file)


def _join(worker: threading.Thread) -> None:
    if worker.is_alive() or worker.ident is not None:
        worker.join()


def _typed_columns(header: list[str]) -> dict[int, str]:
    """Header positions of the ACLED columns that are not text, with their Arrow types."""
    from conflictkit.schema.columns import COLUMNS_BY_NAME

    return {position: COLUMNS_BY_NAME[name].arrow_type for position, name in enumerate(header)
            if name in COLUMNS_BY_NAME and COLUMNS_BY_NAME[name].kind != "string"}


def _not_utf8(path: Path, display: str, scan: _Scan) -> CsvColumns:
    """The file is not UTF-8: one unreadable file naming the first bad byte and its line."""
    out = CsvColumns(display)
    if scan.nul_line:
        out.unreadable_file(scan.nul_line, "binary file (contains NUL bytes)")
        return out
    offset = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_SCAN_BLOCK):
            try:
                chunk.decode("utf-8")
            except UnicodeDecodeError as exc:
                if exc.end == len(chunk) and exc.reason == "unexpected end of data":
                    handle.seek(offset + exc.start)  # a character cut by the block
                    offset += exc.start
                    continue
                bad = offset + exc.start
                handle.seek(0)
                line = handle.read(bad).count(b"\n") + 1
                out.unreadable_file(line, f"not valid UTF-8 text (byte 0x{chunk[exc.start]:02x} "
                                          f"at offset {bad}); save the file as UTF-8")
                return out
            offset += len(chunk)
    out.unreadable_file(0, "not valid UTF-8 text; save the file as UTF-8")
    return out


def _from_table(out: CsvColumns, path: Path, table: Any, bad: list[tuple[int, int, int, str]],
                header: list[str], width: int, scan: _Scan, *,
                strict: bool = True) -> CsvColumns | None:
    """Columns, lines and unreadable rows from pyarrow's read (None: read it record by record)."""
    import pandas as pd

    from conflictkit.builders.importers import table as T

    n_good = table.num_rows
    n_records = n_good + len(bad)
    physical = scan.newlines + (scan.last not in (b"\n", b""))
    nl_good = _newlines_per_row(table, physical, n_records)
    lines, line_of = T._line_numbers(n_good, n_records, nl_good, bad)
    for number, _actual, _expected, text in bad:
        line = int(line_of[number - 2]) if 2 <= number < n_records + 2 else 0
        try:
            row = next(csv.reader([text], strict=strict), [])
        except csv.Error:
            return None
        if len(row) >= len(header) and not any(row[len(header):]):
            return None  # a row the record reader takes (a header with trailing commas): rare
        out.unreadable_record(line, _width_message(len(row), len(header)),
                              scalar_text(",".join(row)))
    frame = table.to_pandas(types_mapper=T._nullable_numbers, date_as_object=False)
    del table
    frame.columns = [f"c{i}" for i in range(width)]
    keep = np.ones(len(frame), dtype=bool)
    empty = T._all_missing(frame)
    if empty.any():  # blank lines, or rows of bare commas (those are records)
        keep &= ~_blank_lines(path, lines[empty], empty)
    if width > len(header):  # trailing empty header names: those fields must be empty
        extra = ~T._all_missing(frame[[f"c{i}" for i in range(len(header), width)]])
        for position in np.flatnonzero(extra & keep):
            values = ["" if pd.isna(v) else str(v) for v in frame.iloc[position]]
            out.unreadable_record(int(lines[position]), _width_message(width, len(header)),
                                  scalar_text(",".join(values)))
        keep &= ~extra
    frame = frame[[f"c{i}" for i in range(len(header))]]
    if not keep.all():
        frame = frame.loc[keep].reset_index(drop=True)
        lines = lines[keep]
    frame.columns = header
    out.header, out.frame, out.lines = header, frame, lines
    out.problems.sort(key=lambda p: p["line"])
    _finish(out)
    return out


def _newlines_per_row(table: Any, physical: int, records: int) -> np.ndarray:
    """Line breaks inside the values of each row; none to look for when the file has one
    physical line per record (the header's included)."""
    from conflictkit.builders.importers import table as T

    if physical == records + 1:
        return np.zeros(table.num_rows, dtype=np.int64)
    return T._newlines_per_row(table)


def _blank_lines(path: Path, candidates: np.ndarray, where: np.ndarray) -> np.ndarray:
    """Which all-empty rows are blank lines (skipped) rather than rows of bare commas
    (records): a mask over all rows, True for the blank lines. Line L spans from line feed L-1
    to line feed L; one pass over the file's line feeds, only for files with all-empty rows."""
    feeds_wanted = np.unique(np.concatenate([candidates - 2, candidates - 1]))
    found: dict[int, int] = {}  # 0-based line-feed index -> byte offset
    seen = offset = 0
    with path.open("rb") as handle:
        while data := handle.read(_SCAN_BLOCK):
            feeds = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
            index = np.arange(seen, seen + len(feeds))
            hit = np.isin(index, feeds_wanted)
            found.update(zip(index[hit].tolist(), (feeds[hit] + offset).tolist(), strict=True))
            seen += len(feeds)
            offset += len(data)
    blank = np.zeros(len(where), dtype=bool)
    with path.open("rb") as handle:
        for row, line in zip(np.flatnonzero(where).tolist(), candidates.tolist(), strict=True):
            start = found[line - 2] + 1 if line >= 2 else 0
            stop = found.get(line - 1, offset)
            handle.seek(start)
            blank[row] = handle.read(stop - start).strip(b"\r") == b""
    return blank


def _width_message(fields: int, header: int) -> str:
    return (f"row has {fields} fields but the header has {header}; check for an unquoted comma "
            "or a missing field")


def _finish(out: CsvColumns, header_line: int = 1) -> None:
    """Unknown keys (a contribution's; a table's other columns are its reader's business), and
    the empty-file problems."""
    if not out.is_table:
        out.report_unknown_keys()
    if not len(out) and not out.unreadable:
        out.problem(P.EMPTY_FILE, line=header_line, severity="warning",
                    message="the file has a header but no event records")


# ---------------------------------------------------------------------------------------------
# the record-by-record path: the standard library's csv module in strict mode
# ---------------------------------------------------------------------------------------------


def _read_records(path: Path, display: str, *, strict: bool = True) -> CsvColumns:
    """The exact reference reader, for files the columnar path does not vouch for (`strict`:
    the csv module's strict quoting, for contribution files)."""
    out = CsvColumns(display, columnar=False)
    try:
        text = decode(path.read_bytes())
    except FileRejected as exc:
        out.unreadable_file(exc.line, str(exc))
        return out
    except OSError as exc:
        out.unreadable_file(0, f"cannot read file: {exc.strerror or exc}")
        return out
    reader = csv.reader(io.StringIO(text, newline=""), strict=strict)
    del text
    header: list[str] | None = None
    header_line = 1
    previous_end = 0  # physical line the previous record ended on
    columns: list[list[str | None]] = []
    chunks: list[list[Any]] = []
    lines: list[int] = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            start = previous_end + 1
            previous_end = reader.line_num
            if header is None:
                out.unreadable_record(start, f"malformed CSV header: {exc}")
                return out
            out.unreadable_record(start, f"malformed CSV: {exc}")
            continue
        start = previous_end + 1
        previous_end = reader.line_num
        if not row:  # blank line
            continue
        if header is None:
            header, header_line = _check_header(out, row, start), start
            if header is None:
                return out
            columns = [[] for _ in header]
            chunks = [[] for _ in header]
            continue
        if len(row) != len(header):
            if len(row) > len(header) and not any(row[len(header):]):
                row = row[: len(header)]  # trailing empty fields (a spreadsheet's extra commas)
            else:
                out.unreadable_record(start, _width_message(len(row), len(header)),
                                      scalar_text(",".join(row)))
                continue
        for values, value in zip(columns, row, strict=True):
            values.append(value if value != "" else None)
        lines.append(start)
        if len(columns[0]) >= _BATCH:
            _flush(columns, chunks)
    if header is None:
        out.problem(P.EMPTY_FILE, line=0, message="no header and no records in this file")
        return out
    _flush(columns, chunks)
    out.header, out.frame = header, _frame(header, chunks)
    out.lines = np.asarray(lines, dtype=np.int64)
    _finish(out, header_line)
    return out


def _flush(columns: list[list[str | None]], chunks: list[list[Any]]) -> None:
    """Move the Python strings gathered so far into Arrow arrays (bounded memory)."""
    import pyarrow as pa

    for values, parts in zip(columns, chunks, strict=True):
        if values:
            parts.append(pa.array(values, type=pa.large_string()))
            values.clear()


def _frame(header: list[str], chunks: list[list[Any]]) -> pd.DataFrame:
    import pandas as pd
    import pyarrow as pa

    data = {name: pd.Series(pd.array(pa.chunked_array(parts, type=pa.large_string()),
                                     dtype="str"))
            for name, parts in zip(header, chunks, strict=True)}
    if not data:
        return pd.DataFrame()
    return pd.DataFrame(data, copy=False)


def _check_header(out: CsvColumns, header: list[str], line: int) -> list[str] | None:
    """The header without a spreadsheet's trailing empty columns; None (reported) when unusable.

    Duplicate or empty column names make every row ambiguous, so the file is refused.
    """
    while header and header[-1] == "":
        header = header[:-1]
    if not header:
        out.unreadable_record(line, "the header is empty")
        return None
    seen: set[str] = set()
    for name in header:
        if name in seen:
            out.unreadable_record(line, f"column {name!r} appears twice in the header; no rows "
                                  "were read", name)
            return None
        seen.add(name)
    if "" in seen:
        out.unreadable_record(line, "the header has an empty column name; no rows were read",
                              ",".join(header))
        return None
    return header
