"""Event IDs in YAML contribution files, written without disturbing anything else.

The file is composed (not constructed) with PyYAML's C loader when present: node marks give the
exact character span of every event mapping and of its `event_id_cnty` value, and composing never
expands aliases, so an alias bomb costs nothing. The ID is then spliced into the text: a new
`event_id_cnty: ID` line becomes the first key of the mapping (same indentation; flow mappings get
it after the brace), or an empty/null value is replaced. Every other byte stays as it was:
comments, key order, quoting, blank lines, line endings.

Every edit is checked by composing the result again: same documents, same events, same keys and
values, the ID where it belongs. If a layout defeats the splice (exotic anchors, tags, explicit
keys), ruamel.yaml's round-trip dumper is the fallback (comments and order kept, spacing may be
normalised) under the same check; if that fails too the file is left untouched and reported.
"""

from __future__ import annotations

import io
from typing import Any

import yaml

from conflictkit.builders.ids.model import (
    COUNTRY_COLUMN,
    ID_COLUMN,
    EditError,
    ScanResult,
    Slot,
    blank,
    line_ending,
    splice,
)

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NULL_TAG = "tag:yaml.org,2002:null"
_STR_TAG = "tag:yaml.org,2002:str"


def _compose(text: str) -> list[yaml.Node | None]:
    try:
        return list(yaml.compose_all(text, Loader=_Loader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise EditError(f"malformed YAML at line {line}: {problem}") from exc


def _event_nodes(docs: list[yaml.Node | None], notes: list[dict[str, Any]]) -> list[Any]:
    """Event mappings in file order: a document that is a mapping, or mappings in a list."""
    events: list[Any] = []
    for doc in docs:
        if doc is None:
            continue
        if isinstance(doc, yaml.MappingNode):
            events.append(doc)
        elif isinstance(doc, yaml.SequenceNode):
            for item in doc.value:
                if isinstance(item, yaml.MappingNode):
                    events.append(item)
                else:
                    notes.append({"line": item.start_mark.line + 1, "what": "list item"})
        elif not (isinstance(doc, yaml.ScalarNode) and doc.tag == _NULL_TAG):
            notes.append({"line": doc.start_mark.line + 1,
                          "what": "document (neither an event nor a list of them)"})
    return events


def _pairs(node: yaml.MappingNode) -> dict[str, tuple[Any, Any]]:
    """First occurrence of each plain-text key -> (key node, value node)."""
    out: dict[str, tuple[Any, Any]] = {}
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and isinstance(key.value, str):
            out.setdefault(key.value, (key, value))
    return out


def _scalar_text(node: Any) -> str | None:
    if isinstance(node, yaml.ScalarNode) and node.tag != _NULL_TAG:
        return str(node.value)
    return None


def _signature(node: yaml.MappingNode) -> list[tuple[Any, ...]]:
    """What must survive an edit: every key with its tag and scalar value, in order."""
    sig: list[tuple[Any, ...]] = []
    for key, value in node.value:
        key_sig = ((key.tag, key.value) if isinstance(key, yaml.ScalarNode)
                   else (type(key).__name__,))
        if isinstance(value, yaml.ScalarNode):
            sig.append((key_sig, value.tag, value.value))
        else:
            sig.append((key_sig, type(value).__name__, len(value.value)))
    return sig


class YamlEditor:
    """Scan and edit YAML contribution files (one event, a list, or several documents)."""

    def scan(self, text: str) -> ScanResult:
        notes: list[dict[str, Any]] = []
        events = _event_nodes(_compose(text), notes)
        slots = []
        for position, node in enumerate(events):
            pairs = _pairs(node)
            id_value = pairs.get(ID_COLUMN, (None, None))[1]
            existing = _scalar_text(id_value)
            if existing is not None and blank(existing):
                existing = None
            if id_value is not None and not isinstance(id_value, yaml.ScalarNode):
                existing = f"<{type(id_value).__name__}>"
            country = _scalar_text(pairs.get(COUNTRY_COLUMN, (None, None))[1])
            slots.append(Slot(position, node.start_mark.line + 1, country, existing, node))
        return ScanResult(slots, notes)

    def apply(self, text: str, scan: ScanResult, new_ids: dict[int, str]) -> str:
        if not new_ids:
            return text
        try:
            result = splice(text, [self._edit(text, scan.slots[p].locator, i)
                                   for p, i in new_ids.items()])
            _check(text, result, new_ids)
            return result
        except EditError:
            result = _round_trip(text, new_ids)
            _check(text, result, new_ids)
            return result

    @staticmethod
    def _edit(text: str, node: yaml.MappingNode, new_id: str) -> tuple[int, int, str]:
        pairs = _pairs(node)
        if ID_COLUMN in pairs:
            value = pairs[ID_COLUMN][1]
            if not isinstance(value, yaml.ScalarNode):
                raise EditError("event_id_cnty holds a structure, not text")
            start, end = value.start_mark.index, value.end_mark.index
            replacement = new_id
            # `event_id_cnty:` with nothing after the colon needs a space before the value
            if start == end and (start == 0 or text[start - 1] not in " \t"):
                replacement = " " + replacement
            if end < len(text) and text[end] not in " \t\r\n,}]":
                replacement += " "
            return start, end, replacement
        if not node.value:
            raise EditError("empty mapping")
        first_key = node.value[0][0]
        key_start = first_key.start_mark.index
        if node.flow_style:
            brace = node.start_mark.index
            gap = text[brace + 1:key_start]
            separator = gap if ("\n" in gap and not gap.strip(" \t\r\n")) else " "
            return key_start, key_start, f"{ID_COLUMN}: {new_id},{separator}"
        indent = " " * first_key.start_mark.column
        return key_start, key_start, f"{ID_COLUMN}: {new_id}{line_ending(text)}{indent}"


def _check(before: str, after: str, new_ids: dict[int, str]) -> None:
    """The edited text must hold the same events, keys and values, plus the new IDs."""
    old_events = _event_nodes(_compose(before), [])
    try:
        new_events = _event_nodes(_compose(after), [])
    except EditError as exc:
        raise EditError(f"edit produced invalid YAML: {exc}") from exc
    if len(old_events) != len(new_events):
        raise EditError("edit changed the number of events")
    for position, (old, new) in enumerate(zip(old_events, new_events, strict=True)):
        expected = _signature(old)
        if position in new_ids:
            id_sig = (((_STR_TAG, ID_COLUMN)), _STR_TAG, new_ids[position])
            keys = [s[0] for s in expected]
            if (_STR_TAG, ID_COLUMN) in keys:
                expected[keys.index((_STR_TAG, ID_COLUMN))] = id_sig
            else:
                expected.insert(0, id_sig)
        if _signature(new) != expected:
            raise EditError(f"edit changed event {position + 1} beyond its ID")


def _round_trip(text: str, new_ids: dict[int, str]) -> str:
    """ruamel.yaml round trip: keeps comments and key order; may normalise spacing."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.width = 1_000_000
    docs = list(rt.load_all(text))
    position = 0
    for doc in docs:
        items = [doc] if isinstance(doc, CommentedMap) else (
            doc if isinstance(doc, list) else [])
        for item in items:
            if not isinstance(item, CommentedMap):
                continue
            if position in new_ids:
                if ID_COLUMN in item:
                    item[ID_COLUMN] = new_ids[position]
                else:
                    item.insert(0, ID_COLUMN, new_ids[position])
            position += 1
    out = io.StringIO()
    rt.explicit_start = len(docs) > 1 or text.lstrip().startswith("---")
    rt.dump_all(docs, out)
    result = out.getvalue()
    return result.replace("\n", "\r\n") if line_ending(text) == "\r\n" else result
