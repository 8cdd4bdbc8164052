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
    codebook_markdown,
    contribution_json_schema,
    datapackage_resource,
    table_schema,
)
from conflictkit.schema.columns import COLUMN_NAMES, COLUMNS, SIDE_FIELDS
from conflictkit.schema.pandera_schema import pandera_schema
from conflictkit.schema.rules import RULES, rules_for


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


def test_contribution_json_schema_follows_columns():
    schema = contribution_json_schema()
    assert schema["$schema"].endswith("2020-12/schema")
    assert list(schema["properties"])[:31] == list(COLUMN_NAMES)
    assert list(schema["properties"])[31:] == list(SIDE_FIELDS)
    assert schema["additionalProperties"] is False
    required = set(schema["required"])
    for c in COLUMNS:
        prop = schema["properties"][c.name]
        assert prop["description"] == c.description
        assert (c.name in required) == (c.required and not c.derived
                                        and c.name != "event_id_cnty")
        text = json.dumps(prop)
        for value in _enum(c):
            assert json.dumps(value) in text


def test_contribution_json_schema_accepts_and_rejects():
    jsonschema = pytest.importorskip("jsonschema")
    schema = contribution_json_schema()
    record = {k: v for k, v in GOOD.items() if v is not None}
    jsonschema.validate(record, schema)
    jsonschema.validate({**record, "inter1": 8, "status": "candidate"}, schema)
    for bad in ({**record, "fatalaties": 1}, {**record, "event_type": "Riot"},
                {**record, "latitude": "35"}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)


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
