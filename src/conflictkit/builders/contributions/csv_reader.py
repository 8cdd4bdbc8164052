"""CSV contribution files: an ACLED header (any subset of columns, any order) and one event a row.

The standard library's csv reader in strict mode is used because it reports the physical line of
every record (quoted newlines inside notes included) and rejects malformed quoting, which a
contributor needs to hear about, instead of silently joining rows. Blank lines are skipped; an
empty field is a blank value. A row whose field count differs from the header's is unreadable (its
values cannot be matched to columns) and is counted as such.
"""

from __future__ import annotations

import csv
import io

from conflictkit.builders.contributions.fields import ALLOWED_KEYS, unknown_key_message
from conflictkit.builders.contributions.source import FileRecords, scalar_text
from conflictkit.problems import catalogue as P


def read_csv(text: str, path: str) -> FileRecords:
    """Every event record in a CSV text, with the physical line each starts on."""
    fr = FileRecords(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    header_line = 1
    previous_end = 0  # physical line the previous record ended on
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            start = previous_end + 1
            previous_end = reader.line_num
            if header is None:
                fr.unreadable_record(start, f"malformed CSV header: {exc}")
                return fr
            fr.unreadable_record(start, f"malformed CSV: {exc}")
            continue
        start = previous_end + 1
        previous_end = reader.line_num
        if not row:  # blank line
            continue
        if header is None:
            header, header_line = _check_header(fr, row, start), start
            if header is None:
                return fr
            continue
        if len(row) != len(header):
            if len(row) > len(header) and not any(row[len(header):]):
                row = row[: len(header)]  # trailing empty fields (a spreadsheet's extra commas)
            else:
                fr.unreadable_record(
                    start, f"row has {len(row)} fields but the header has {len(header)}; "
                    "check for an unquoted comma or a missing field",
                    scalar_text(",".join(row)))
                continue
        record = {key: (value if value != "" else None) for key, value in zip(header, row,
                                                                               strict=True)}
        index = fr.add_record(record, start)
        for key in header:
            if key not in ALLOWED_KEYS:
                value = record[key]
                fr.problem(P.UNKNOWN_KEY, line=start, record=index, column=key,
                           value="" if value is None else scalar_text(value),
                           message=unknown_key_message(key))
    if header is None:
        fr.problem(P.EMPTY_FILE, line=0, message="no header and no records in this file")
    elif not fr.records and not fr.unreadable:
        fr.problem(P.EMPTY_FILE, line=header_line, severity="warning",
                   message="the file has a header but no event records")
    return fr


def _check_header(fr: FileRecords, header: list[str], line: int) -> list[str] | None:
    """The header without a spreadsheet's trailing empty columns; None (reported) when unusable.

    Duplicate or empty column names make every row ambiguous, so the file is refused.
    """
    while header and header[-1] == "":
        header = header[:-1]
    if not header:
        fr.unreadable_record(line, "the header is empty")
        return None
    seen: set[str] = set()
    for name in header:
        if name in seen:
            fr.unreadable_record(line, f"column {name!r} appears twice in the header; no rows "
                                 "were read", name)
            return None
        seen.add(name)
    if "" in seen:
        fr.unreadable_record(line, "the header has an empty column name; no rows were read",
                             ",".join(header))
        return None
    return header
