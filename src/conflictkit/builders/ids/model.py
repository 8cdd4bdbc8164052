"""What the format editors and the allocator share: one event slot in one file.

A `Slot` is an event found in a contribution file, with what ID assignment needs to know about
it (its country, the ID it already has) and an opaque `locator` that only the editor of its
format understands. Editors never decide numbers; the allocator never touches text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

ID_COLUMN = "event_id_cnty"
COUNTRY_COLUMN = "country"
# ACLED IDs are the country prefix followed by digits ("SYR31599"); letters then digits split
# uniquely, so "SU12" and "SUD12" never read as each other's.
ID_PATTERN = re.compile(r"^([A-Z]{2,4})([0-9]+)$")


@dataclass
class Slot:
    """One event record in a file.

    position: 0-based order of the record in its file; line: 1-based line where it starts.
    existing_id: the ID text it already carries (None when missing or blank).
    """

    position: int
    line: int
    country: str | None
    existing_id: str | None
    locator: Any = field(default=None, repr=False)


@dataclass
class ScanResult:
    """Events of one file, problems not about one event (rule, line, message), editor state."""

    slots: list[Slot]
    notes: list[dict[str, Any]] = field(default_factory=list)
    context: Any = None


class EditError(Exception):
    """An edit could not be made without changing more than the ID cells; nothing is written."""


class Editor(Protocol):
    """Reads the events of one format and writes IDs into its text, changing nothing else."""

    def scan(self, text: str) -> ScanResult: ...

    def apply(self, text: str, scan: ScanResult, new_ids: dict[int, str]) -> str:
        """Text with `new_ids` (slot position -> ID) written in; raises EditError if unsafe."""
        ...


def split_id(value: str) -> tuple[str, int] | None:
    """("SYR", 31599) for "SYR31599"; None when the text is not an ACLED-shaped ID."""
    match = ID_PATTERN.match(value)
    if match is None:
        return None
    return match.group(1), int(match.group(2))


def blank(value: object) -> bool:
    """A missing ID: absent, null, or only whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


def line_ending(text: str) -> str:
    """The file's own line ending, so inserted lines match it."""
    return "\r\n" if "\r\n" in text else "\n"


def splice(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Replace text[start:end] by each replacement; edits must not overlap."""
    pieces: list[str] = []
    cursor = 0
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1])):
        if start < cursor:
            raise EditError("overlapping edits")
        pieces.append(text[cursor:start])
        pieces.append(replacement)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)
