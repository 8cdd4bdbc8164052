"""Drift tests: every generated artefact follows the declaration (COLUMNS, vocab, rules)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from schema_cases import GOOD, frame

from conflictkit.reference.countries import country_names
from conflictkit.schema import vocab
from conflictkit.schema.arrow import (
    PANDAS_DTYPES,
    arrow_schema,
    empty_events,
    from_arrow_table,
    to_arrow_table,
)
from conflictkit.schema.codebook import (
    CONTRIBUTION_SCHEMA_FILE,
    UNEXPRESSED_RULES,
    codebook_markdown,
    contribution_json_schema,
    datapackage_resource,
    table_schema,
)
from conflictkit.schema.columns import COLUMN_NAMES, COLUMNS, SIDE_FIELDS
from conflictkit.schema.pandera_schema import pandera_schema
from conflictkit.schema.rules import RULES, Combination, rules_for


def _enum(c):
    return list(country_names()) if c.name == "country" else list(c.vocabulary or [])


def test_arrow_schema_follows_columns():
    schema = arrow_schema()
    assert schema.names == list(COLUMN_NAMES)
    for c, f in zip(COLUMNS, schema, strict=True):
        assert f.type == pa.type_for_alias(c.arrow_type)
        assert f.metadata[b"description"].decode() == c.description


def test_pandas_dtypes_follow_columns():
    assert list(PANDAS_DTYPES) == list(COLUMN_NAMES)
    for c in COLUMNS:
        assert PANDAS_DTYPES[c.name] == ("str" if c.kind == "string" else c.pandas_dtype)
    assert {k: str(v) for k, v in empty_events().dtypes.items()} == PANDAS_DTYPES


def test_arrow_round_trip_without_pandas_metadata(tmp_path):
    df = frame([GOOD, {**GOOD, "event_id_cnty": "SYR2", "actor2": None, "latitude": None,
                       "event_date": None}])
    table = to_arrow_table(df)
    assert table.schema.metadata is None
    assert table.schema.equals(arrow_schema(), check_metadata=True)
    pq.write_table(table, tmp_path / "e.parquet")
    back = from_arrow_table(pq.read_table(tmp_path / "e.parquet"))
    pd.testing.assert_frame_equal(back, df)


def test_to_arrow_table_requires_all_columns():
    with pytest.raises(KeyError, match="notes"):
        to_arrow_table(frame([GOOD]).drop(columns=["notes"]))


def test_pandera_schema_follows_columns_and_rules():
    schema = pandera_schema()
    names = list(schema.columns)
    assert names[:31] == list(COLUMN_NAMES)
    assert names[31:] == [r.key for r in RULES]
    for c in COLUMNS:
        declared = pd.api.types.pandas_dtype(PANDAS_DTYPES[c.name])
        if c.kind == "date":  # pandera's pandas engine keeps no datetime unit: kind only
            assert pd.api.types.is_datetime64_dtype(schema.columns[c.name].dtype.type)
        else:
            assert schema.columns[c.name].dtype.type == declared
        assert schema.columns[c.name].description == c.description
        if _enum(c):
            (check,) = schema.columns[f"vocabulary:{c.name}"].checks
            assert sorted(check.statistics["allowed_values"]) == sorted(_enum(c))


def test_table_schema_follows_columns():
    schema = table_schema()
    assert schema["primaryKey"] == ["event_id_cnty"]
    assert [f["name"] for f in schema["fields"]] == list(COLUMN_NAMES)
    for c, f in zip(COLUMNS, schema["fields"], strict=True):
        assert f["type"] == c.kind and f["description"] == c.description
        constraints = f.get("constraints", {})
        assert constraints.get("required", False) == c.required
        assert constraints.get("enum", []) == _enum(c)
        assert constraints.get("minimum") == c.minimum
        assert constraints.get("maximum") == c.maximum
    scale = next(f for f in schema["fields"] if f["name"] == "source_scale")
    pattern = re.compile(scale["constraints"]["pattern"])
    assert pattern.fullmatch("National-International")
    assert not pattern.fullmatch("National-Global")


def test_datapackage_resource_carries_counts():
    res = datapackage_resource(path="events.parquet", bytes=10, hash="ab", rows=3)
    assert res["format"] == "parquet" and res["hash"] == "sha256:ab" and res["rows"] == 3
    assert res["schema"] == table_schema()


def _walk(node, path=()):
    """Every (path, dict) of a JSON document."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, (*path, i))


def test_contribution_json_schema_follows_columns():
    schema = contribution_json_schema()
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["$id"] == CONTRIBUTION_SCHEMA_FILE
    event = schema["definitions"]["event"]
    assert list(event["properties"])[:31] == list(COLUMN_NAMES)
    assert list(event["properties"])[31:] == list(SIDE_FIELDS)
    assert event["additionalProperties"] is False
    required = set(event["required"])
    for c in COLUMNS:
        prop = event["properties"][c.name]
        assert prop["description"] == c.description
        assert (c.name in required) == (c.required and not c.derived
                                        and c.name != "event_id_cnty")
        text = json.dumps(prop)
        for value in _enum(c):
            assert json.dumps(value) in text


def test_every_cross_field_rule_is_expressed_or_says_why_not():
    """A new cross-field rule fails here until the editor schema expresses it (if/then) or
    UNEXPRESSED_RULES gives the reason."""
    combinations = {r.key: r for r in RULES if isinstance(r, Combination)}
    assert set(UNEXPRESSED_RULES) <= set(combinations)  # no stale entries
    comments = [node["$comment"] for _, node in _walk(contribution_json_schema())
                if "$comment" in node]
    for key, rule in combinations.items():
        expressed = [c for c in comments if c == f"rule {rule.id}: {rule.description}"]
        assert bool(expressed) != (key in UNEXPRESSED_RULES), key
    for name in ("sub_event_of_event_type", "disorder_of_sub_event",
                 "inter_blank_iff_actor_blank", "region_of_country"):
        assert any(c.startswith(f"rule {name}:") for c in comments), name


def test_cross_field_clauses_enumerate_the_vocabulary():
    """event_type -> sub_event_type and sub_event_type -> disorder_type, value for value."""
    clauses = {}
    for _, node in _walk(contribution_json_schema()):
        if "if" in node and "enum" in json.dumps(node["if"]):
            (first,) = node["if"]["required"]
            (second, then), = node["then"]["properties"].items()
            for value in node["if"]["properties"][first]["enum"]:
                clauses[(first, value, second)] = [v for v in then["enum"] if v is not None]
    for event, subs in vocab.SUB_EVENT_TYPES.items():
        assert clauses[("event_type", event, "sub_event_type")] == list(subs)
    for sub, disorder in vocab.DISORDER_TYPE_OF_SUB_EVENT.items():
        assert clauses[("sub_event_type", sub, "disorder_type")] == [disorder]


def test_every_pattern_is_an_ecma_262_regex():
    """Editors and check-jsonschema read `pattern` as ECMA-262 in unicode mode, which refuses
    Python's escapes (re.escape gives `Local\\ partner`): compile each one that way."""
    regress = pytest.importorskip("regress")
    patterns = [node["pattern"] for _, node in _walk(contribution_json_schema())
                if isinstance(node.get("pattern"), str)]
    assert len(patterns) >= 3  # event_id_cnty, event_date, source_scale
    for pattern in patterns:
        regress.Regex(pattern, flags="u")  # raises RegressError when invalid
    scale = regress.Regex(contribution_json_schema()["definitions"]["event"]["properties"]
                          ["source_scale"]["pattern"], flags="u")
    assert scale.find("Local partner-New media") and scale.find("International")
    assert not scale.find("National-Global") and not scale.find("National - International")


def test_contribution_json_schema_accepts_and_rejects():
    jsonschema = pytest.importorskip("jsonschema")
    schema = contribution_json_schema()
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    record = {k: v for k, v in GOOD.items() if v is not None}
    for good in (record, {**record, "inter1": 8, "status": "candidate", "coder": None},
                 [record, record], {"events": [record]}, []):
        assert not list(validator.iter_errors(good)), good

    def failures(document):
        return sorted((e.json_path, e.validator) for e in validator.iter_errors(document))

    assert failures({**record, "fatalaties": 1}) == [("$", "additionalProperties")]
    assert failures({**record, "event_type": "Riot"}) == [("$.event_type", "enum")]
    assert failures({**record, "latitude": "35"}) == [("$.latitude", "type")]
    # cross-field rules, wherever the event sits in the file
    wrong = {**record, "event_type": "Protests"}  # GOOD is an Air/drone strike
    assert failures(wrong) == [("$.sub_event_type", "enum")]
    assert failures([record, wrong]) == [("$[1].sub_event_type", "enum")]
    assert failures({"events": [wrong]}) == [("$.events[0].sub_event_type", "enum")]
    assert failures({**record, "disorder_type": "Demonstrations"}) == [
        ("$.disorder_type", "enum")]
    assert failures({**record, "region": "Europe"}) == [("$.region", "enum")]
    no_actor2 = {k: v for k, v in record.items() if k not in ("actor2", "inter2")}
    assert failures({**no_actor2, "inter2": "State forces"}) == [("$.inter2", "type")]
    assert failures({**no_actor2, "actor2": None, "inter2": 1}) == [("$.inter2", "type")]
    assert not failures({**record, "inter2": None})  # derived: filled from actor2
    assert failures({"events": [record], "source": "x"}) == [("$", "additionalProperties")]


def test_markdown_codebook_follows_columns():
    text = codebook_markdown()
    positions = [text.index(f"## {i}. `{c.name}`") for i, c in enumerate(COLUMNS, 1)]
    assert positions == sorted(positions)
    for i, c in enumerate(COLUMNS):
        end = positions[i + 1] if i + 1 < len(positions) else len(text)
        section = text[positions[i]:end]
        assert c.description in section
        for value in _enum(c):
            assert f"- {value}\n" in section
        for rule in rules_for(c.name):
            if not rule.id.startswith("no_"):
                assert rule.description in section
    for label in vocab.INTERACTION_LABELS.values():
        assert f"| {label} |" in text


@pytest.mark.parametrize("fmt,check", [
    ("markdown", lambda out: out.startswith("# Event table codebook")),
    ("datapackage", lambda out: json.loads(out)["resources"][0]["schema"] == table_schema()),
    ("jsonschema", lambda out: json.loads(out) == contribution_json_schema()),
])
def test_codebook_command(fmt, check, tmp_path):
    run = subprocess.run([sys.executable, "-m", "conflictkit.cli", "codebook", "--format", fmt],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert check(run.stdout)
    target = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "conflictkit.cli", "codebook", "-f", fmt, "-o",
                          str(target)], capture_output=True, text=True, check=False)
    assert run.returncode == 0 and target.read_text(encoding="utf-8") == \
        (run.stdout or target.read_text(encoding="utf-8"))


def test_codebook_command_bad_usage():
    run = subprocess.run([sys.executable, "-m", "conflictkit.cli", "codebook", "--format", "pdf"],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 2 and "Traceback" not in run.stderr


def test_arrow_types_are_declared():
    assert all(isinstance(f.type, pa.DataType) for f in arrow_schema())
