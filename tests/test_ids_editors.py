"""Property tests for the in-place ID editors: any layout survives, only ID text changes.

Each test writes random events in a random but valid layout, assigns IDs with the format's
editor, and checks (1) the file reads back as the same events with the IDs where they belong,
in the same key order, and (2) byte-exactness: undoing the ID edits gives the original text
(YAML), or the result equals what the same writer produces for the expected records (CSV, JSON).
"""

from __future__ import annotations

import csv
import io
import json
import re

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conflictkit.builders.ids.csv_ids import CsvEditor
from conflictkit.builders.ids.json_ids import JsonEditor
from conflictkit.builders.ids.yaml_ids import YamlEditor

KEYS = ["event_date", "country", "notes", "fatalities", "actor1", "location", "source", "tags"]
ID_STATES = ["absent", "empty", "quoted", "tilde", "null", "existing"]
ID_TOKENS = {"empty": "", "quoted": ' ""', "tilde": " ~", "null": " null"}
# YAML allows only printable characters in a stream; leave out the rest
text_values = st.text(alphabet=st.characters(
    codec="utf-8", exclude_categories=("Cs", "Cc", "Cf", "Co", "Cn", "Zl", "Zp")), max_size=20)
plain_values = st.from_regex(r"[A-Za-z][A-Za-z0-9 ]{0,15}[A-Za-z0-9]", fullmatch=True)


@st.composite
def yaml_events(draw):
    count = draw(st.integers(1, 5))
    events = []
    for _ in range(count):
        keys = draw(st.lists(st.sampled_from([k for k in KEYS if k != "country"]),
                             unique=True, max_size=4))
        keys.insert(draw(st.integers(0, len(keys))), "country")
        values = {k: draw(plain_values | text_values | st.integers(0, 10_000)) for k in keys}
        values["country"] = draw(st.sampled_from(["Syria", "Kenya", "DR Congo", "'Iraq'"]))
        state = draw(st.sampled_from(ID_STATES))
        id_at = draw(st.integers(0, len(keys)))
        events.append({"keys": keys, "values": values, "state": state, "id_at": id_at,
                       "comments": draw(st.lists(st.booleans(), min_size=len(keys) + 2,
                                                 max_size=len(keys) + 2)),
                       "flow": draw(st.booleans()) and state == "absent"})
    layout = draw(st.sampled_from(["list", "docs", "single"] if count == 1 else ["list", "docs"]))
    return events, layout, draw(st.sampled_from([2, 4])), draw(st.sampled_from(["\n", "\r\n"]))


def is_single_quoted(value) -> bool:
    """A sampled value written as a single-quoted YAML scalar ('Iraq'), not text starting with '."""
    return isinstance(value, str) and re.fullmatch(r"'[^']*'", value) is not None


def render_value(value) -> str:
    if isinstance(value, int):
        return str(value)
    if is_single_quoted(value):
        return value  # already a single-quoted scalar
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9 ]*[A-Za-z0-9]", value) and value not in {
            "null", "Null", "NULL", "true", "false", "True", "False", "yes", "no", "on", "off",
            "Yes", "No", "On", "Off", "YES", "NO", "TRUE", "FALSE", "ON", "OFF", "y", "n", "Y",
            "N"}:
        return value
    return json.dumps(value, ensure_ascii=False)  # JSON strings are double-quoted YAML scalars


def render_yaml(events, layout: str, indent: int, nl: str) -> str:
    lines = ["# generated events, keep this header"]
    for number, event in enumerate(events):
        pairs = [(k, render_value(event["values"][k])) for k in event["keys"]]
        if event["state"] == "existing":
            pairs.insert(event["id_at"], ("event_id_cnty", f"SYR{number + 1}"))
        elif event["state"] != "absent":
            pairs.insert(event["id_at"], ("event_id_cnty", ID_TOKENS[event["state"]]))
        if layout == "docs":
            lines.append("---")
        if event["flow"]:
            body = ", ".join(f"{k}: {v}" for k, v in pairs)
            lines.append(("- " if layout == "list" else "") + "{" + body + "}")
            continue
        pad = " " * indent if layout == "list" else ""
        for i, (key, value) in enumerate(pairs):
            comment = event["comments"][i] if i < len(event["comments"]) else False
            if key == "event_id_cnty" and event["state"] != "existing":
                text = f"{key}:{value}"
            else:
                text = f"{key}: {value}"
            if comment:
                text += "   # note " + str(i)
            first = "-" + " " * (indent - 1) if i == 0 else pad
            prefix = first if layout == "list" else ""
            lines.append(prefix + text)
            if event["comments"][-1] and i == 0:
                lines.append(pad + "# a comment line inside the event")
        lines.append("")
    return nl.join(lines) + nl


def expected_data(events, new_ids: dict[int, str]):
    out = []
    for number, event in enumerate(events):
        record = {}
        for k in event["keys"]:
            v = event["values"][k]
            record[k] = v[1:-1] if is_single_quoted(v) else v
        pairs = list(record.items())
        if event["state"] == "existing":
            pairs.insert(event["id_at"], ("event_id_cnty", f"SYR{number + 1}"))
        elif event["state"] == "absent":
            pairs.insert(0, ("event_id_cnty", new_ids[number]))
        else:
            pairs.insert(event["id_at"], ("event_id_cnty", new_ids[number]))
        out.append(pairs)
    return out


def undo_yaml(text: str, events, new_ids: dict[int, str], nl: str) -> str:
    for number, event in enumerate(events):
        if number not in new_ids:
            continue
        new_id = new_ids[number]
        if event["state"] == "absent":
            pattern = (rf"event_id_cnty: {new_id}, " if event["flow"]
                       else rf"event_id_cnty: {new_id}{re.escape(nl)} *")
            text, n = re.subn(pattern, "", text, count=1)
        else:
            text, n = re.subn(rf"event_id_cnty: ?{new_id}(?!\d)",
                              "event_id_cnty:" + ID_TOKENS[event["state"]], text, count=1)
        assert n == 1, (new_id, text)
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yaml_events())
def test_yaml_layouts_survive_assignment(case) -> None:
    events, layout, indent, nl = case
    text = render_yaml(events, layout, indent, nl)
    editor = YamlEditor()
    scan = editor.scan(text)
    assert len(scan.slots) == len(events)
    new_ids = {s.position: f"KEN{500 + s.position}" for s in scan.slots if s.existing_id is None}
    assert set(new_ids) == {i for i, e in enumerate(events) if e["state"] != "existing"}
    out = editor.apply(text, scan, new_ids)
    docs = [d for d in yaml.safe_load_all(out) if d is not None]
    records = docs[0] if layout == "list" else docs
    assert [list(r.items()) for r in records] == expected_data(events, new_ids)
    assert undo_yaml(out, events, new_ids, nl) == text
    # a second pass finds every event numbered and changes nothing
    again = editor.scan(out)
    assert all(s.existing_id is not None for s in again.slots)


# no bare "\r": Python's csv writer leaves it unquoted with a "\n" terminator, which makes a
# file no reader can split correctly (quoted CRLF is covered by the end-to-end tests)
cell_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",),
                                           exclude_characters="\x00\r"), max_size=12)


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.lists(cell_text, min_size=2, max_size=2), min_size=1, max_size=6),
       with_id=st.booleans(), quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
       terminator=st.sampled_from(["\n", "\r\n"]), existing=st.lists(st.booleans(), min_size=6,
                                                                    max_size=6))
def test_csv_files_keep_every_other_byte(rows, with_id, quoting, terminator, existing) -> None:
    def write(records):
        buffer = io.StringIO()
        csv.writer(buffer, quoting=quoting, lineterminator=terminator).writerows(records)
        return buffer.getvalue()

    countries = ["Syria", "Kenya", "Iraq"]
    header = ["notes", "country", "source"]
    body = [[r[0], countries[i % 3], r[1]] for i, r in enumerate(rows)]
    if with_id:
        header = ["event_date", "event_id_cnty", *header]
        body = [["2020-01-01", f"XYZ{i}" if existing[i] else "", *r] for i, r in enumerate(body)]
    text = write([header, *body])
    editor = CsvEditor()
    scan = editor.scan(text)
    assert [s.country for s in scan.slots] == [r[-2] for r in body]
    new_ids = {s.position: f"NEW{s.position}" for s in scan.slots if s.existing_id is None}
    out = editor.apply(text, scan, new_ids)
    if with_id:
        expected = [header] + [[r[0], r[1] or new_ids[i], *r[2:]] for i, r in enumerate(body)]
    else:
        expected = [["event_id_cnty", *header]] + [[new_ids[i], *r] for i, r in enumerate(body)]
    assert list(csv.reader(io.StringIO(out, newline=""))) == expected
    assert out == write(expected)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | cell_text,
    lambda inner: st.lists(inner, max_size=3), max_leaves=5)


@settings(max_examples=150, deadline=None)
@given(objects=st.lists(st.dictionaries(st.sampled_from(KEYS[2:]), json_values, max_size=4),
                        min_size=1, max_size=4),
       states=st.lists(st.sampled_from(["absent", "null", "blank", "existing"]), min_size=4,
                       max_size=4),
       indent=st.sampled_from([None, 2, 4, "\t"]),
       separators=st.sampled_from([None, (",", ":"), (", ", ": ")]),
       ensure_ascii=st.booleans(), as_array=st.booleans())
def test_json_files_keep_layout(objects, states, indent, separators, ensure_ascii,
                                as_array) -> None:
    if not as_array:
        objects = objects[:1]
    if indent is not None and separators == (", ", ": "):
        separators = None  # trailing spaces at line ends: a single member cannot reveal them
    events = []
    for i, obj in enumerate(objects):
        event = {"country": "Syria", **obj}
        if states[i] != "absent":
            value = {"null": None, "blank": "", "existing": f"SYR{i + 1}"}[states[i]]
            event = {**event, "event_id_cnty": value}
        events.append(event)

    def dump(document) -> str:
        return json.dumps(document, indent=indent, separators=separators,
                          ensure_ascii=ensure_ascii)

    text = dump(events if as_array else events[0])
    editor = JsonEditor()
    scan = editor.scan(text)
    new_ids = {s.position: f"SYR{100 + s.position}" for s in scan.slots if s.existing_id is None}
    out = editor.apply(text, scan, new_ids)
    expected = []
    for i, event in enumerate(events):
        if "event_id_cnty" in event:
            event = {**event, "event_id_cnty": event["event_id_cnty"] or new_ids[i]}
        else:
            event = {"event_id_cnty": new_ids[i], **event}
        expected.append(event)
    assert out == dump(expected if as_array else expected[0])


def test_round_trip_fallback_keeps_comments_and_order(monkeypatch) -> None:
    """When the splice cannot be used, ruamel.yaml's round trip writes the IDs instead."""
    from conflictkit.builders.ids import yaml_ids
    from conflictkit.builders.ids.model import EditError

    def refuse(*_args, **_kwargs):
        raise EditError("layout not spliceable")

    monkeypatch.setattr(yaml_ids.YamlEditor, "_edit", staticmethod(refuse))
    text = "# header\n- country: Syria  # where\n  fatalities: 3\n\n# next\n- country: Kenya\n"
    editor = YamlEditor()
    out = editor.apply(text, editor.scan(text), {0: "SYR1", 1: "KEN1"})
    assert out == ("# header\n- event_id_cnty: SYR1\n  country: Syria  # where\n"
                   "  fatalities: 3\n\n# next\n- event_id_cnty: KEN1\n  country: Kenya\n")
