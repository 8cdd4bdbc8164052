"""JSON contribution files: one event object, an array of them, an object whose only key
``events`` holds that array (as YAML files may wrap theirs), or objects one after another.

Each element of a top-level array (or each top-level object) is decoded separately with
``JSONDecoder.raw_decode``, which gives its start offset, hence its line, and confines a syntax
error to that record. Numbers are kept as the text written (``parse_int=str``) so ``coerce_events``
judges them the same way as CSV and YAML values; ``NaN``/``Infinity`` are refused, booleans are
an error (no ACLED column is boolean), nested objects or arrays where a scalar belongs are errors
naming the key, and a duplicate key in one object is an error rather than a silent overwrite.
"""

from __future__ import annotations

import json
import re
from typing import Any

from conflictkit.builders.contributions.fields import (
    ALLOWED_KEYS,
    NESTED_SIDE_FIELDS,
    unknown_key_message,
)
from conflictkit.builders.contributions.source import FileRecords, scalar_text
from conflictkit.problems import catalogue as P

_WS = " \t\n\r"
# a "\ud800" escape with no partner decodes to a lone surrogate, which no UTF-8 text can hold
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Pairs(list):
    """A JSON object as its (key, value) pairs in order, so duplicate keys stay visible."""


def _pairs(pairs: list[tuple[str, Any]]) -> _Pairs:
    return _Pairs(pairs)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


_DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_int=str, parse_float=str,
                            parse_constant=_no_constant)


def read_json(text: str, path: str) -> FileRecords:
    """Every event record in a JSON text, with the line each starts on.

    Each key's own line is found only for records a problem is reported on (`key_line_finder`):
    scanning every object's tokens would triple the reading time.
    """
    fr = FileRecords(path)
    spans: list[tuple[int, int]] = []
    _read_elements(fr, text, spans)

    found: dict[int, list[int]] = {}

    def key_lines(index: int) -> list[int]:
        if index not in found:  # a record with several problems is scanned once
            start, end = spans[index]
            found[index] = _key_offsets(text, start, end, list(fr.records[index]))
        return found[index]

    fr.key_line_finder = key_lines
    return fr


def _read_elements(fr: FileRecords, text: str, spans: list[tuple[int, int]]) -> None:
    """Records of the whole text into `fr`; `spans` gets each record's (start, end) offsets."""
    pos = _skip(text, 0)
    if pos >= len(text):
        fr.problem(P.EMPTY_FILE, line=0, message="no event records in this file (it is empty)")
        return
    lines = _LineCounter(text)
    wrapper = _WRAPPER.match(text, pos)
    if wrapper:  # {"events": [...]}: the list under its one key, as in YAML
        end = _read_array(fr, text, wrapper.end() - 1, lines, spans)
        if end < 0:
            return
        end = _skip(text, end)
        if end < len(text) and text[end] == "}" and _skip(text, end + 1) >= len(text):
            return
        fr.unreadable_record(lines.at(end), "malformed JSON: the object holding 'events' may "
                             "hold nothing else; put event columns inside each event")
        return
    if text[pos] == "[":
        end = _read_array(fr, text, pos, lines, spans)
        if end >= 0 and _skip(text, end) < len(text):
            fr.unreadable_record(lines.at(end), "unexpected text after the array")
        return
    while pos < len(text):  # one object, or several one after another (JSON Lines)
        pos = _element(fr, text, pos, lines, spans)
        if pos < 0:
            return
        pos = _skip(text, pos)
    return


#: a file that is one object whose first key is "events" holding an array
_WRAPPER = re.compile(r'\{\s*"events"\s*:\s*\[')


def _read_array(fr: FileRecords, text: str, pos: int, lines: _LineCounter,
                spans: list[tuple[int, int]]) -> int:
    """The records of the array opening at ``pos``; the offset after its ``]``, or -1 when
    reading had to stop (the problem is reported)."""
    pos = _skip(text, pos + 1)
    if pos < len(text) and text[pos] == "]":
        fr.problem(P.EMPTY_FILE, line=lines.at(pos), severity="warning",
                   message="the array holds no event records")
        return pos + 1
    while pos < len(text):
        pos = _element(fr, text, pos, lines, spans)
        if pos < 0:
            return -1
        pos = _skip(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos = _skip(text, pos + 1)
            continue
        if pos < len(text) and text[pos] == "]":
            return pos + 1
        fr.unreadable_record(lines.at(pos), "malformed JSON: expected ',' or ']' after a "
                             "record (the rest of the file was not read)")
        return -1
    fr.unreadable_record(lines.at(len(text)), "malformed JSON: the array is not closed")
    return -1


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WS:
        pos += 1
    return pos


class _LineCounter:
    """1-based line of an offset; offsets are asked for in increasing order, so count forward."""

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.line = text, 0, 1

    def at(self, offset: int) -> int:
        if offset < self.pos:
            return self.text.count("\n", 0, offset) + 1
        self.line += self.text.count("\n", self.pos, offset)
        self.pos = offset
        return self.line


def _element(fr: FileRecords, text: str, pos: int, lines: _LineCounter,
             spans: list[tuple[int, int]]) -> int:
    """Decode one record at ``pos``; return the offset after it, or -1 when reading must stop."""
    line = lines.at(pos)
    try:
        value, end = _DECODER.raw_decode(text, pos)
    except json.JSONDecodeError as exc:
        fr.unreadable_record(exc.lineno, f"malformed JSON: {exc.msg} (column {exc.colno}; the "
                             "rest of the file was not read)")
        return -1
    except (ValueError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        fr.unreadable_record(line, f"malformed JSON: {reason} (the rest of the file was not read)")
        return -1
    if not isinstance(value, _Pairs):
        fr.unreadable_record(line, "expected an event object ({...}), found "
                             + ("an array" if isinstance(value, list) else "a single value"),
                             "" if isinstance(value, list) else scalar_text(value))
        return end
    _record(fr, value, line)
    spans.append((pos, end))
    return end


def _record(fr: FileRecords, pairs: _Pairs, line: int) -> None:
    index = len(fr.records)
    record: dict[str, Any] = {}
    for key, value in pairs:
        key = _SURROGATE.sub("\ufffd", key)
        text = _scalar(fr, key, value, line, index)
        if text is not None and _SURROGATE.search(text):
            text = _SURROGATE.sub("\ufffd", text)
            fr.problem(P.ENCODING, line=line, record=index, column=key,
                       value=scalar_text(text),
                       message=f"{key}: holds an unpaired UTF-16 surrogate escape (\\ud800-"
                               "\\udfff), which is not a character; shown as U+FFFD")
        if key in record:
            fr.problem(P.DUPLICATE_KEY, line=line, record=index, column=key,
                       value=scalar_text(text) if text is not None else "",
                       message=f"key {key!r} appears twice in this record; keep one")
        elif key not in ALLOWED_KEYS:
            fr.problem(P.UNKNOWN_KEY, line=line, record=index, column=key,
                       value=scalar_text(text) if text is not None else "",
                       message=unknown_key_message(key))
        record[key] = text
    fr.add_record(record, line)


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]]')


def _key_offsets(text: str, start: int, end: int, keys: list[str]) -> list[int]:
    """Lines from the object at text[start:end] to each of `keys` (its own keys, first
    occurrence): strings followed by ':' at depth one; keys of nested values are skipped."""
    found: dict[str, int] = {}
    depth, line, last = 0, 0, start
    for token in _TOKEN.finditer(text, start, end):
        first = token.group()[0]
        if first in "{[":
            depth += 1
        elif first in "}]":
            depth -= 1
        elif depth == 1:
            after = token.end()
            while after < end and text[after] in _WS:
                after += 1
            if after < end and text[after] == ":":
                line += text.count("\n", last, token.start())
                last = token.start()
                key = _SURROGATE.sub("\ufffd", json.loads(token.group()))
                found.setdefault(key, line)
    return [found.get(key, 0) for key in keys]


def _scalar(fr: FileRecords, key: str, value: Any, line: int, index: int) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        fr.problem(P.TYPE, line=line, record=index, column=key, value=str(value).lower(),
                   message=f"{key}: a JSON true/false is not a valid value for this column")
        return None
    if key in NESTED_SIDE_FIELDS:
        return json.dumps(_plain(value), ensure_ascii=False)
    is_array = not isinstance(value, _Pairs)
    what = "an array" if is_array else "an object"
    hint = " (write several values as one text separated by '; ')" if is_array else ""
    fr.problem(P.NESTED_VALUE, line=line, record=index, column=key, value=what,
               message=f"{key}: expected a single value, found {what}{hint}")
    return None


def _plain(value: Any) -> Any:
    """Object-pair lists back to dicts, for a nested side field kept as JSON text."""
    if isinstance(value, _Pairs):
        return {k: _plain(v) for k, v in value}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
