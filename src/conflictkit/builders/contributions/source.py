"""Turning a file into text safely, and the shape every reader returns.

Readers never raise on bad input: a file that cannot be read becomes one "unreadable_file"
problem, a record that cannot be read an "unreadable_record" one; each counts as one rejected
record, so records read == accepted + rejected holds.
The guards here run before any parser sees the bytes: a size cap (a 1 GB file is refused before
it is read), binary detection (NUL bytes), UTF-16/32 byte-order marks, and strict UTF-8 decoding
that names the line of the first bad byte. A UTF-8 BOM is dropped; CRLF is left to the parsers.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conflictkit.problems import catalogue as P
from conflictkit.problems.catalogue import ProblemType
from conflictkit.problems.rows import problem_row

#: Default cap on one contribution file (MiB). Configurable per call and on the command line.
DEFAULT_MAX_FILE_MB = 200

_UTF16_32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\xff\xfe", b"\xfe\xff")


class ProblemLog:
    """What every reader's result does with a problem: a row naming its file (``path``) in
    ``problems``, and an unreadable record or file counted in ``unreadable``."""

    path: str
    problems: list[dict[str, Any]]
    unreadable: int

    def problem(self, problem: ProblemType, *, line: int, message: str, record: int = -1,
                column: str = "", value: str = "", severity: str | None = None) -> None:
        self.problems.append(problem_row(problem, file=self.path, line=line, record=record,
                                         column=column, value=value, message=message,
                                         severity=severity))

    def unreadable_record(self, line: int, message: str, value: str = "") -> None:
        """Count a record that was seen but cannot be read, with the reason."""
        self.unreadable += 1
        self.problem(P.UNREADABLE_RECORD, line=line, message=message, value=value)

    def unreadable_file(self, line: int, message: str) -> None:
        """Count a file that cannot be read at all as one rejected record, with the reason."""
        self.unreadable += 1
        self.problem(P.UNREADABLE_FILE, line=line, message=message)


@dataclass
class FileRecords(ProblemLog):
    """What a reader got from one file.

    ``records`` are mappings of key -> text value (None for blank) in file order, ``lines`` their
    1-based starting lines. ``problems`` are problem rows (dicts) whose ``record`` is the index
    into ``records`` (or -1 for unreadable records and file-level problems). ``unreadable``
    counts records that were seen but could not be read, so they are still counted.
    ``key_lines`` (YAML) holds, per record, each key's line as an offset from the record's
    line, in the record's key order, so a problem about one column can point at its own line.
    ``key_line_finder`` (JSON) gives the same offsets for one record on demand.
    """

    path: str
    records: list[dict[str, Any]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    unreadable: int = 0
    key_lines: list[array] | None = None
    key_line_finder: Callable[[int], Sequence[int]] | None = None

    def add_record(self, record: dict[str, Any], line: int) -> int:
        self.records.append(record)
        self.lines.append(line)
        return len(self.records) - 1

    def line_of(self, index: int, columns: tuple[str, ...]) -> int:
        """The line of the first of ``columns`` that record ``index`` has (else its line)."""
        start = self.lines[index]
        if self.key_lines is not None:
            offsets: Sequence[int] = self.key_lines[index]
        elif self.key_line_finder is not None:
            offsets = self.key_line_finder(index)
        else:
            return start
        keys = list(self.records[index])
        for column in columns:
            if column in keys:
                return start + offsets[keys.index(column)]
        return start



class FileRejected(Exception):
    """The whole file cannot be read (too big, binary, not UTF-8); the message says why."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


def read_text(path: Path, *, max_bytes: int) -> str:
    """The file's text, decoded as UTF-8 (BOM dropped), or FileRejected saying why not."""
    try:
        size = os.stat(path).st_size
    except OSError as exc:
        raise FileRejected(f"cannot read file: {exc.strerror or exc}") from exc
    if size > max_bytes:
        raise FileRejected(
            f"file is {size / 2**20:,.0f} MiB, above the {max_bytes / 2**20:,.0f} MiB limit for "
            "one contribution file; split it or raise the limit (--max-file-mb)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileRejected(f"cannot read file: {exc.strerror or exc}") from exc
    return decode(data)


def decode(data: bytes) -> str:
    """UTF-8 text from bytes, refusing binary data and other encodings with a clear message."""
    if data.startswith(_UTF16_32_BOMS) and not data.startswith(b"\xef\xbb\xbf"):
        raise FileRejected("file is UTF-16 or UTF-32 encoded; save it as UTF-8")
    nul = data.find(b"\x00", 0, 1 << 16)
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise FileRejected("binary file (contains NUL bytes): not a YAML, CSV or JSON text "
                           "file", line)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FileRejected(f"not valid UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
                           f"{exc.start}); save the file as UTF-8", line) from exc
    if "\x00" in text:
        raise FileRejected("binary file (contains NUL bytes)", text.count("\n", 0,
                                                                         text.index("\x00")) + 1)
    return text.removeprefix("\ufeff")


def scalar_text(value: Any) -> str:
    """A short printable form of an offending value for a problem row."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 200 else text[:197] + "..."
