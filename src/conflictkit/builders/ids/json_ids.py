"""Event IDs in JSON contribution files (one object or an array of objects), in place.

The file is walked with `json.JSONDecoder.raw_decode` for every key and value, which yields each
event object's span and each member's value span without re-serialising anything. A missing ID
becomes the object's first member, written with the object's own spacing (the whitespace before
its first key, the colon style of its first member); a null or blank ID value is replaced. Key
order, indentation, escapes and number formats elsewhere are untouched.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

from conflictkit.builders.ids.model import (
    COUNTRY_COLUMN,
    ID_COLUMN,
    EditError,
    ScanResult,
    Slot,
    blank,
    splice,
)

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class Member:
    key: str
    key_start: int
    key_end: int
    value_start: int
    value_end: int
    value: Any


@dataclass(frozen=True)
class JsonObject:
    start: int  # the "{"
    end: int  # just past the "}"
    members: tuple[Member, ...]


class _Walker:
    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [m.start() for m in re.finditer("\n", text)]

    def line(self, index: int) -> int:
        return bisect_right(self.newlines, index - 1) + 1

    def skip(self, index: int) -> int:
        match = _WS.match(self.text, index)
        assert match is not None
        return match.end()

    def fail(self, index: int, message: str) -> EditError:
        return EditError(f"malformed JSON at line {self.line(index)}: {message}")

    def value(self, index: int) -> tuple[Any, int]:
        try:
            return _DECODER.raw_decode(self.text, index)
        except json.JSONDecodeError as exc:
            raise self.fail(exc.pos, exc.msg) from exc
        except RecursionError as exc:
            raise self.fail(index, "nested too deeply") from exc

    def obj(self, start: int) -> JsonObject:
        text, members = self.text, []
        i = self.skip(start + 1)
        if text.startswith("}", i):
            return JsonObject(start, i + 1, ())
        while True:
            if not text.startswith('"', i):
                raise self.fail(i, "expected a quoted key")
            key, after_key = self.value(i)
            colon = self.skip(after_key)
            if not text.startswith(":", colon):
                raise self.fail(colon, "expected ':' after a key")
            value_start = self.skip(colon + 1)
            value, value_end = self.value(value_start)
            members.append(Member(key, i, after_key, value_start, value_end, value))
            i = self.skip(value_end)
            if text.startswith(",", i):
                i = self.skip(i + 1)
                continue
            if text.startswith("}", i):
                return JsonObject(start, i + 1, tuple(members))
            raise self.fail(i, "expected ',' or '}'")

    def events(self) -> tuple[list[JsonObject], list[dict[str, Any]]]:
        text, notes = self.text, []
        i = self.skip(0)
        objects: list[JsonObject] = []
        if text.startswith("{", i):
            objects.append(self.obj(i))
            i = objects[-1].end
        elif text.startswith("[", i):
            i = self.skip(i + 1)
            while not text.startswith("]", i):
                if text.startswith("{", i):
                    objects.append(self.obj(i))
                    i = objects[-1].end
                else:
                    _, end = self.value(i)
                    notes.append({"line": self.line(i), "what": "array item"})
                    i = end
                i = self.skip(i)
                if text.startswith(",", i):
                    i = self.skip(i + 1)
                elif not text.startswith("]", i):
                    raise self.fail(i, "expected ',' or ']'")
            i += 1
        elif i < len(text):
            raise self.fail(i, "expected an event object or an array of them")
        if self.skip(i) < len(text):
            raise self.fail(self.skip(i), "extra data after the JSON document")
        return objects, notes


def _member(obj: JsonObject, key: str) -> Member | None:
    return next((m for m in obj.members if m.key == key), None)


class JsonEditor:
    """Scan and edit JSON contribution files."""

    def scan(self, text: str) -> ScanResult:
        walker = _Walker(text)
        objects, notes = walker.events()
        slots = []
        for position, obj in enumerate(objects):
            id_member = _member(obj, ID_COLUMN)
            country_member = _member(obj, COUNTRY_COLUMN)
            existing = None if id_member is None or blank(id_member.value) else id_member.value
            if existing is not None and not isinstance(existing, str):
                existing = json.dumps(existing)
            country = country_member.value if country_member is not None else None
            slots.append(Slot(position, walker.line(obj.start),
                              country if isinstance(country, str) and not blank(country) else None,
                              existing, obj))
        return ScanResult(slots, notes)

    def apply(self, text: str, scan: ScanResult, new_ids: dict[int, str]) -> str:
        if not new_ids:
            return text
        edits = [self._edit(text, scan.slots[p].locator, i) for p, i in new_ids.items()]
        result = splice(text, edits)
        _check(text, result, new_ids)
        return result

    @staticmethod
    def _edit(text: str, obj: JsonObject, new_id: str) -> tuple[int, int, str]:
        literal = json.dumps(new_id)
        member = _member(obj, ID_COLUMN)
        if member is not None:
            return member.value_start, member.value_end, literal
        if not obj.members:
            return obj.start + 1, obj.start + 1, f'"{ID_COLUMN}": {literal}'
        first = obj.members[0]
        colon = text[first.key_end:first.value_start]
        if len(obj.members) > 1:  # copy the object's own separator, e.g. ",\n    " or ", "
            separator = text[first.value_end:obj.members[1].key_start]
        else:
            gap = text[obj.start + 1:first.key_start]
            separator = "," + (gap if "\n" in gap else (" " if colon.endswith(" ") else ""))
        return first.key_start, first.key_start, f'"{ID_COLUMN}"{colon}{literal}{separator}'


class _Object(list):
    """A JSON object read as its (key, value) pairs, in order, duplicates kept."""


def _events_of(document: Any) -> list[_Object]:
    if isinstance(document, _Object):
        return [document]
    if isinstance(document, list):
        return [item for item in document if isinstance(item, _Object)]
    return []


def _check(before: str, after: str, new_ids: dict[int, str]) -> None:
    """The edited document must parse to the same members, plus the IDs where they belong."""
    try:
        old_events = _events_of(json.loads(before, object_pairs_hook=_Object))
        new_events = _events_of(json.loads(after, object_pairs_hook=_Object))
    except (json.JSONDecodeError, RecursionError) as exc:
        raise EditError(f"edit produced invalid JSON: {exc}") from exc
    if len(old_events) != len(new_events):
        raise EditError("edit changed the number of events")
    for position, (old, new) in enumerate(zip(old_events, new_events, strict=True)):
        expected = list(old)
        if position in new_ids:
            keys = [key for key, _ in expected]
            if ID_COLUMN in keys:
                expected[keys.index(ID_COLUMN)] = (ID_COLUMN, new_ids[position])
            else:
                expected.insert(0, (ID_COLUMN, new_ids[position]))
        if list(new) != expected:
            raise EditError(f"edit changed event {position + 1} beyond its ID")
