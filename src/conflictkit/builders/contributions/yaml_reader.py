"""YAML contribution files: one event mapping, a list of them, or several ``---`` documents.

Why an event-level reader instead of ``yaml.safe_load``:
- memory stays bounded: records are built one at a time from the parser's event stream, never a
  whole node tree, and aliases are rejected as they appear, so a "billion laughs" file costs
  nothing (nothing is ever expanded);
- each record keeps the 1-based line where its mapping starts (and each key its own line);
- values keep the text as written. YAML 1.1 would turn ``no`` into False, ``0123`` into 83 and
  ``1_000`` into 1000; a contribution's values are ACLED text and ``coerce_events`` converts them,
  so a bare date ``2018-02-07`` arrives as that text, while ``2018-02-07 10:00`` arrives as text
  too and is rejected by the date check with a message saying why;
- only the standard tags are allowed (no ``!!python/object``), nested mappings or lists where a
  scalar belongs are errors naming the key, and after a syntax error the reader resumes at the
  next ``---`` so later documents are still read and counted.

The C parser (libyaml through ``yaml.CSafeLoader``) is used when PyYAML was built with it.
"""

from __future__ import annotations

import json
import re
from array import array
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)

from conflictkit.builders.contributions.fields import (
    ALLOWED_KEYS,
    NESTED_SIDE_FIELDS,
    unknown_key_message,
)
from conflictkit.builders.contributions.source import FileRecords, scalar_text
from conflictkit.problems import catalogue as P

Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
USING_C_LOADER: bool = Loader is not yaml.SafeLoader

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_STD = "tag:yaml.org,2002:"
_ALLOWED_TAGS = frozenset({None, "!", *(_STD + t for t in
                                       ("str", "int", "float", "bool", "null", "timestamp"))})
_COLLECTION_TAGS = frozenset({None, "!", _STD + "map", _STD + "seq"})
_DOC_START = re.compile(r"^---(?:[ \t]|$)", re.MULTILINE)
#: Bounds for the one nested side field (provenance): depth and number of scalars.
_MAX_DEPTH, _MAX_ITEMS = 16, 100_000


class _Stop(Exception):
    """Structural problem that ends the current record (after it was reported)."""


class _Reader:
    """Walks the parser's events for one chunk of text; ``offset`` is its first line - 1."""

    def __init__(self, text: str, fr: FileRecords, offset: int) -> None:
        self.loader = Loader(text)
        self.get = self.loader.get_event
        self.fr = fr
        self.offset = offset
        self.last_line = offset + 1

    def line(self, event: Any) -> int:
        return event.start_mark.line + 1 + self.offset

    def run(self) -> None:
        get = self.get
        event = get()
        if type(event) is not StreamStartEvent:  # pragma: no cover - libyaml always starts so
            return
        while True:
            event = get()
            if type(event) is StreamEndEvent:
                return
            if type(event) is DocumentStartEvent:
                self.document(get())
                end = get()
                if type(end) is not DocumentEndEvent:  # pragma: no cover - parser guarantees
                    return

    def document(self, root: Any) -> None:
        """A document is one event mapping, a list of them (bare, or under a single `events:`
        key, as many YAML files wrap their records), or empty."""
        kind = type(root)
        if kind is MappingStartEvent:
            first = self.get()
            if type(first) is ScalarEvent and first.value == "events":
                value = self.get()
                if type(value) is SequenceStartEvent:
                    self.sequence()
                    self.rest_of_wrapper()
                    return
                self.push_back(first, value)
            else:
                self.push_back(first)
            self.mapping(root)
        elif kind is SequenceStartEvent:
            self.sequence()
        elif kind is ScalarEvent:
            if not (root.implicit[0] and root.value in _NULLS):
                self.fr.unreadable_record(
                    self.line(root), "document is plain text, not an event mapping or a list "
                    "of them", scalar_text(root.value))
        else:  # alias at the root
            self.fr.unreadable_record(self.line(root), "YAML aliases (*name) are not allowed")

    def sequence(self) -> None:
        """The items of a list of events, up to its end."""
        get = self.get
        while True:
            item = get()
            if type(item) is SequenceEndEvent:
                return
            if type(item) is MappingStartEvent:
                self.mapping(item)
            else:
                self.fr.unreadable_record(
                    self.line(item), "list item is not an event mapping (key: value lines)",
                    self.describe(item))

    def rest_of_wrapper(self) -> None:
        """Keys after `events: [...]`: not events, so each is reported and skipped."""
        while True:
            key = self.get()
            if type(key) is MappingEndEvent:
                return
            what = self.describe(key)
            self.describe(self.get())
            self.fr.problem(P.UNKNOWN_KEY, line=self.line(key), record=-1, column="",
                            value=what, message=f"key {what!r} beside 'events:' is not part of "
                            "any event and is ignored; put event columns inside each event")

    def push_back(self, *events: Any) -> None:
        """Hand `events` out again before the parser's next ones (one-record lookahead)."""
        pending = list(events)
        source = self.loader.get_event

        def get() -> Any:
            if pending:
                return pending.pop(0)
            self.get = source
            return source()

        self.get = get

    def describe(self, event: Any) -> str:
        """Say what an unexpected node was, skipping over it if it is a collection."""
        kind = type(event)
        if kind is ScalarEvent:
            return scalar_text(event.value)
        if kind is AliasEvent:
            return f"*{event.anchor}"
        self.skip(event)
        return "a list" if kind is SequenceStartEvent else "a mapping"

    def skip(self, start: Any) -> bool:
        """Consume a collection's events without building anything; True if it used aliases."""
        depth, get, aliases = 1, self.get, False
        while depth:
            kind = type(get())
            if kind is MappingStartEvent or kind is SequenceStartEvent:
                depth += 1
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                depth -= 1
            elif kind is AliasEvent:
                aliases = True
        return aliases

    def mapping(self, start: MappingStartEvent) -> None:
        """One event record: scalar keys, scalar values (text as written)."""
        fr, get = self.fr, self.get
        index = len(fr.records)
        line = self.line(start)
        record: dict[str, Any] = {}
        offsets: list[int] = []
        if start.tag not in _COLLECTION_TAGS:
            fr.problem(P.YAML_TAG, line=line, record=index, value=start.tag,
                       message=f"YAML tag {start.tag!r} is not allowed; write plain values")
        base = self.offset + 1
        while True:
            key_event = get()
            kind = type(key_event)
            if kind is MappingEndEvent:
                break
            key_line = key_event.start_mark.line + base
            if kind is not ScalarEvent:
                what = self.describe(key_event)
                fr.problem(P.YAML_KEY, line=key_line, record=index, value=what,
                           message="a key must be a plain column name, not " + what)
                self.describe(get())
                continue
            key = key_event.value
            value_event = get()
            if type(value_event) is ScalarEvent and value_event.tag is None:  # the usual case
                value = value_event.value
                if value_event.implicit[0] and value in _NULLS:
                    value = None
            else:
                value = self.value(key, value_event, index)
            if key in record:
                fr.problem(P.DUPLICATE_KEY, line=key_line, record=index, column=key,
                           value=scalar_text(value),
                           message=f"key {key!r} appears twice in this record; keep one")
                record[key] = value
                continue
            if key not in ALLOWED_KEYS:
                fr.problem(P.UNKNOWN_KEY, line=key_line, record=index, column=key,
                           value=scalar_text(value) if value is not None else "",
                           message=unknown_key_message(key))
            offsets.append(key_line - line)
            record[key] = value
        fr.add_record(record, line)
        fr.key_lines.append(array("I", offsets))

    def value(self, key: str, event: Any, index: int) -> str | None:
        kind = type(event)
        line = self.line(event)
        if kind is ScalarEvent:
            if event.tag not in _ALLOWED_TAGS:
                self.fr.problem(P.YAML_TAG, line=line, record=index, column=key,
                                value=event.tag,
                                message=f"YAML tag {event.tag!r} is not allowed; write the "
                                "plain value")
                return None
            if event.tag == _STD + "null" or (event.implicit[0] and event.value in _NULLS):
                return None
            return event.value
        if kind is AliasEvent:
            self.fr.problem(P.YAML_ALIAS, line=line, record=index, column=key,
                            value=f"*{event.anchor}",
                            message="YAML aliases (*name) are not allowed in contribution "
                            "files; write the value out")
            return None
        if key in NESTED_SIDE_FIELDS:
            try:
                built = self.nested(event, key, [0])
            except _Stop as stop:
                self.fr.problem(P.NESTED_VALUE, line=line, record=index, column=key,
                                message=str(stop))
                return None
            return json.dumps(built, ensure_ascii=False, sort_keys=False)
        what = "a list" if kind is SequenceStartEvent else "a mapping"
        if self.skip(event):
            what += " using YAML aliases (*name), which are not allowed"
        if event.tag not in _COLLECTION_TAGS:
            self.fr.problem(P.YAML_TAG, line=line, record=index, column=key,
                            value=event.tag,
                            message=f"YAML tag {event.tag!r} is not allowed; write the plain "
                            "value")
            return None
        hint = (" (write several values as one text separated by '; ')"
                if kind is SequenceStartEvent else "")
        self.fr.problem(P.NESTED_VALUE, line=line, record=index, column=key, value=what,
                        message=f"{key}: expected a single value, found {what}{hint}")
        return None

    def nested(self, event: Any, path: str, count: list[int], depth: int = 0) -> Any:
        """Build a bounded nested value (mappings, lists, text) for a nested side field."""
        if depth > _MAX_DEPTH:
            self.skip(event)
            raise _Stop(f"{path}: nested deeper than {_MAX_DEPTH} levels")
        count[0] += 1
        if count[0] > _MAX_ITEMS:
            raise _Stop(f"{path}: more than {_MAX_ITEMS:,} values")
        kind = type(event)
        if kind is ScalarEvent:
            if event.tag not in _ALLOWED_TAGS:
                raise _Stop(f"{path}: YAML tag {event.tag!r} is not allowed")
            if event.tag == _STD + "null" or (event.implicit[0] and event.value in _NULLS):
                return None
            return event.value
        if kind is AliasEvent:
            raise _Stop(f"{path}: YAML aliases (*name) are not allowed")
        get = self.get
        if kind is SequenceStartEvent:
            items: list[Any] = []
            while type(child := get()) is not SequenceEndEvent:
                items.append(self.nested(child, f"{path}[{len(items)}]", count, depth + 1))
            return items
        result: dict[str, Any] = {}
        while type(key := get()) is not MappingEndEvent:
            if type(key) is not ScalarEvent:
                raise _Stop(f"{path}: keys must be plain text")
            result[key.value] = self.nested(get(), f"{path}.{key.value}", count, depth + 1)
        return result


def read_yaml(text: str, path: str) -> FileRecords:
    """Every event record in a YAML text, with lines; never raises on bad input."""
    fr = FileRecords(path, key_lines=[])
    chunk, offset = text, 0
    while chunk is not None:
        chunk, offset = _read_chunk(chunk, fr, offset)
    if not fr.records and not fr.problems:
        fr.problem(P.EMPTY_FILE, line=0,
                   message="no event records in this file (it is empty or only comments)")
    return fr


def _read_chunk(text: str, fr: FileRecords, offset: int) -> tuple[str | None, int]:
    """Read until the end or a syntax error; on error return the text after the next '---'."""
    reader = _Reader(text, fr, offset)
    try:
        reader.run()
        return None, offset
    except _Stop:  # pragma: no cover - _Stop is caught where it is raised
        return None, offset
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        local = min(mark.line if mark is not None else 0, text.count("\n"))
        # the record being read when the parser failed is counted as unreadable: drop what was
        # already reported about it
        fr.problems = [p for p in fr.problems if p["record"] < len(fr.records)]
        problem = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context", None)
        reason = f"{context}, {problem}" if context else problem
        # resume at the next document start at or after the error line, always moving forward
        match = _DOC_START.search(text, max(_line_start(text, local), 1))
        rest = " (reading resumed at the next '---')" if match else \
            " (the rest of the file was not read)"
        fr.unreadable_record(local + 1 + offset, f"malformed YAML: {reason}{rest}")
        if match is None:
            return None, offset
        return text[match.start():], offset + text.count("\n", 0, match.start())
    finally:
        reader.loader.dispose()


def _line_start(text: str, line: int) -> int:
    """Character offset where 0-based ``line`` starts (len(text) when past the end)."""
    pos = 0
    for _ in range(line):
        nxt = text.find("\n", pos)
        if nxt < 0:
            return len(text)
        pos = nxt + 1
    return pos
