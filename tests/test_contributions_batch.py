"""read_contributions / read_dataset: the Python API other parts (release) build on."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from gusau import gusau_event
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conflictkit.builders.contributions import (
    read_contributions,
    read_dataset,
)
from conflictkit.errors import UsageError
from conflictkit.layout.release import SIDE_COLUMNS
from conflictkit.schema.arrow import to_arrow_table
from conflictkit.schema.columns import COLUMN_NAMES

FIXTURES = Path(__file__).parent / "fixtures" / "contrib"


def test_batch_frames_are_aligned_and_canonical():
    batch = read_contributions([FIXTURES])
    assert list(batch.events.columns) == list(COLUMN_NAMES)
    assert list(batch.side.columns) == list(SIDE_COLUMNS)
    assert len(batch.events) == len(batch.side) == batch.report.records == 4
    assert batch.report.ok
    # side fields never become event columns, and they are kept per record
    candidate = batch.side.index[batch.side["status"] == "candidate"]
    assert batch.events.loc[candidate, "event_id_cnty"].tolist() == ["SYR90002"]
    assert batch.side["coder"].notna().sum() == 2
    assert str(batch.events["event_date"].dtype) == "datetime64[s]"
    assert batch.valid_mask().all()


def test_read_dataset_gathers_events_imports_reference_and_config(tmp_path):
    root = tmp_path / "ds"
    (root / "events" / "2021").mkdir(parents=True)
    (root / "imports").mkdir()
    (root / "reference").mkdir()
    (root / "conflictkit.toml").write_text('name = "demo"\n[release]\nformat = "parquet"\n')
    (root / "events" / "2021" / "a.yaml").write_text(
        gusau_event("NIG90101", item=False).replace("Unidentified Armed Group (Nigeria)",
                                            "Gusau Night Watch"), encoding="utf-8")
    (root / "reference" / "actors.csv").write_text("actor,inter,aliases\nGusau Night Watch,4,\n")
    imported = read_contributions([FIXTURES / "good.yaml"])
    pq.write_table(to_arrow_table(imported.events), root / "imports" / "batch.parquet")

    batch = read_dataset(root)
    assert batch.config["name"] == "demo"
    assert batch.report.records == 3 and batch.report.ok, batch.report.problems
    row = batch.events.index[batch.events["actor1"] == "Gusau Night Watch"][0]
    assert batch.events.loc[row, "inter1"] == "Identity militia"
    assert batch.events.loc[row, "interaction"] == "Identity militia-Civilians"
    assert set(batch.side["file"]) == {f"{root}/events/2021/a.yaml",
                                       f"{root}/imports/batch.parquet"}


def test_read_dataset_rejects_bad_config(tmp_path):
    (tmp_path / "conflictkit.toml").write_text("name = [unclosed\n")
    with pytest.raises(UsageError, match="malformed TOML"):
        read_dataset(tmp_path)


def test_every_record_counted_across_readers_and_tables(tmp_path):
    (tmp_path / "a.yaml").write_text(gusau_event("NIG1", item=False) + "---\n- 5\n",
                                     encoding="utf-8")
    (tmp_path / "b.json").write_text('[{"event_id_cnty": "NIG2"}, 7]', encoding="utf-8")
    (tmp_path / "c.parquet").write_bytes(b"PAR1 not really")
    batch = read_contributions([tmp_path])
    r = batch.report
    assert r.records == 1 + 1 + 1 + 1 + 1  # NIG1, "- 5", NIG2, 7, the broken parquet
    assert r.records == r.accepted + r.rejected
    assert r.accepted == 1 and r.files == 3


def test_unknown_actors_in_tables_are_summarised_per_name(tmp_path):
    text = "".join("---\n" + gusau_event(f"NIG{i}", item=False).replace(
        "source: Daily Trust", "source: Daily Trust\nassoc_actor_1: Night Guards Of Nowhere")
        .replace("2021-06-12", f"2021-06-{10 + i}") for i in range(1, 4))
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    contributed = read_contributions([tmp_path / "a.yaml"])
    per_record = contributed.report.problems
    assert (per_record["rule"] == "unknown_actor").sum() == 3  # contributions: one per record
    pq.write_table(to_arrow_table(contributed.events), tmp_path / "t.parquet")
    table = read_contributions([tmp_path / "t.parquet"]).report.problems
    (row,) = table[table["rule"] == "unknown_actor"].to_dict(orient="records")
    assert row["record"] == -1 and row["value"] == "Night Guards Of Nowhere"
    assert "(3 records)" in row["message"]
    strict = read_contributions([tmp_path / "t.parquet"], strict=True).report
    assert strict.rejected == 3


_keys = st.sampled_from([*COLUMN_NAMES, "status", "fatalaties", "x", "provenance"])
# (a NUL byte makes the whole file binary: one unreadable record, tested with the readers; a
# lone surrogate cannot be written as UTF-8 at all, and JSON's escape for it is tested there)
_values = st.one_of(st.none(),
                    st.text(st.characters(blacklist_characters="\x00",
                                          blacklist_categories=("Cs",)), max_size=12),
                    st.integers(-5, 10**12).map(str),
                    st.sampled_from(["2021-06-12", "Nigeria", "Attack", "1", "yes", "35.5"]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.lists(st.dictionaries(_keys, _values, max_size=10), max_size=5),
       st.sampled_from(["yaml", "json", "csv"]))
def test_random_records_never_raise_and_are_all_counted(tmp_path, records, fmt):
    import csv
    import json

    import yaml

    path = tmp_path / f"r.{fmt}"
    if fmt == "yaml":
        path.write_text(yaml.safe_dump(records, allow_unicode=True), encoding="utf-8")
    elif fmt == "json":
        path.write_text(json.dumps(records), encoding="utf-8")
    else:
        header = sorted({k for r in records for k in r}) or ["notes"]
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            for r in records:
                writer.writerow(["" if r.get(k) is None else r[k] for k in header])
    batch = read_contributions([path])
    r = batch.report
    assert r.records == r.accepted + r.rejected
    assert r.records == len(records)
    assert len(batch.events) == len(batch.side) == len(records)


@pytest.mark.parametrize(("blank", "echoes"), [
    ("sub_event_type", ("disorder_type",)),
    ("actor1", ("inter1", "interaction")),
    ("country", ("iso", "region")),
])
def test_a_blank_source_is_reported_once_not_again_for_what_derives_from_it(
        tmp_path, blank, echoes):
    text = "\n".join(line for line in gusau_event("NIG1", item=False).splitlines()
                      if not line.startswith(f"{blank}:"))
    (tmp_path / "e.yaml").write_text(text + "\n")
    problems = read_contributions([tmp_path]).report.problems
    errors = problems[problems["severity"] == "error"]
    assert (blank, "required") in set(zip(errors["column"], errors["rule"], strict=True))
    assert not set(echoes) & set(errors.loc[errors["rule"] == "required", "column"])
