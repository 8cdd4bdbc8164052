"""Event IDs in CSV contribution files: rewrite only the ID cells, keep every other byte.

Python's csv module gives values, not positions, so this module tokenises RFC 4180 itself (one
compiled regex per field) and keeps each field's character span. Assigning an ID replaces the
span of that record's `event_id_cnty` cell; when the file has no such column it is added as the
first column (ACLED's order), with an empty cell for events left unnumbered. Quoting follows the
file: a quoted empty cell, or a file whose header quotes every name, gets a quoted ID.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from conflictkit.builders.ids.model import (
    COUNTRY_COLUMN,
    ID_COLUMN,
    EditError,
    ScanResult,
    Slot,
    blank,
    splice,
)

_QUOTED = re.compile(r'"((?:[^"]|"")*)"', re.DOTALL)
_UNQUOTED = re.compile(r"[^,\r\n]*")


@dataclass(frozen=True)
class Field:
    start: int
    end: int
    value: str
    quoted: bool


@dataclass(frozen=True)
class Record:
    start: int  # index of the record's first character
    end: int  # index just past its last field (before the line ending)
    line: int  # 1-based physical line where it starts
    fields: tuple[Field, ...]

    @property
    def empty(self) -> bool:
        return self.start == self.end


def tokenize(text: str) -> list[Record]:
    """Records with field spans; blank lines become empty records (kept, never events)."""
    records: list[Record] = []
    i, n, line = 0, len(text), 1
    while i < n:
        start, start_line = i, line
        fields: list[Field] = []
        while True:
            if i < n and text[i] == '"':
                match = _QUOTED.match(text, i)
                if match is None:
                    raise EditError(f"unterminated quoted field starting at line {line}")
                fields.append(Field(i, match.end(), match.group(1).replace('""', '"'), True))
                line += text.count("\n", i, match.end())
                i = match.end()
            else:
                match = _UNQUOTED.match(text, i)
                assert match is not None  # the pattern matches the empty string
                fields.append(Field(i, match.end(), match.group(0), False))
                i = match.end()
            if i < n and text[i] == ",":
                i += 1
                continue
            if i >= n or text[i] in "\r\n":
                break
            raise EditError(f"unexpected character {text[i]!r} after a quoted field at line {line}")
        end = i
        if text.startswith("\r\n", i):
            i += 2
        elif i < n:
            i += 1
        line += 1
        if end == start and len(fields) == 1:
            fields = []
        records.append(Record(start, end, start_line, tuple(fields)))
    return records


class CsvEditor:
    """Scan and edit CSV contribution files (a header row with ACLED column names)."""

    def scan(self, text: str) -> ScanResult:
        records = tokenize(text)
        rows = [r for r in records if not r.empty]
        if not rows:
            return ScanResult([], [])
        header = [f.value.strip() for f in rows[0].fields]
        id_col = header.index(ID_COLUMN) if ID_COLUMN in header else None
        country_col = header.index(COUNTRY_COLUMN) if COUNTRY_COLUMN in header else None
        slots = []
        for position, record in enumerate(rows[1:]):
            fields = record.fields
            existing = fields[id_col].value if id_col is not None and id_col < len(fields) else None
            country = (fields[country_col].value
                       if country_col is not None and country_col < len(fields) else None)
            slots.append(Slot(position, record.line, None if blank(country) else country,
                              None if blank(existing) else existing, record))
        header_record = rows[0]
        return ScanResult(slots, [], {"header": header_record, "id_col": id_col})

    def apply(self, text: str, scan: ScanResult, new_ids: dict[int, str]) -> str:
        if not new_ids:
            return text
        meta = scan.context
        header: Record = meta["header"]
        id_col: int | None = meta["id_col"]
        all_quoted = bool(header.fields) and all(f.quoted for f in header.fields)
        edits: list[tuple[int, int, str]] = []
        if id_col is None:
            name = f'"{ID_COLUMN}"' if all_quoted else ID_COLUMN
            edits.append((header.start, header.start, name + ","))
            for slot in scan.slots:
                new_id = new_ids.get(slot.position, "")
                cell = f'"{new_id}"' if all_quoted and new_id else new_id
                edits.append((slot.locator.start, slot.locator.start, cell + ","))
        else:
            for position, new_id in new_ids.items():
                record: Record = scan.slots[position].locator
                if id_col < len(record.fields):
                    old = record.fields[id_col]
                    quoted = old.quoted or (all_quoted and not old.value)
                    edits.append((old.start, old.end, f'"{new_id}"' if quoted else new_id))
                else:  # a short row: pad it out to the ID column
                    missing = id_col - len(record.fields) + 1
                    edits.append((record.end, record.end, "," * missing + new_id))
        result = splice(text, edits)
        _check(text, result, new_ids, scan)
        return result


def _check(before: str, after: str, new_ids: dict[int, str], scan: ScanResult) -> None:
    """Every value except the ID cells must read back unchanged, and each new ID in place."""
    old_rows = [r for r in tokenize(before) if not r.empty]
    new_rows = [r for r in tokenize(after) if not r.empty]
    if len(old_rows) != len(new_rows):
        raise EditError("edit changed the number of CSV records")
    id_col = scan.context["id_col"]
    for index, (old, new) in enumerate(zip(old_rows, new_rows, strict=True)):
        expected = [f.value for f in old.fields]
        position = index - 1
        if id_col is None:
            expected.insert(0, ID_COLUMN if index == 0 else new_ids.get(position, ""))
        elif index > 0 and position in new_ids:
            expected += [""] * (id_col + 1 - len(expected))
            expected[id_col] = new_ids[position]
        if [f.value for f in new.fields] != expected:
            raise EditError(f"edit changed the CSV record at line {old.line} beyond its ID")
