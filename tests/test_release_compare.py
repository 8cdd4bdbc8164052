"""The column-wise comparison behind release timestamps, the changelog and diff."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st
from test_release_fixtures import make_events

from conflictkit.builders.release.changelog import render_changelog
from conflictkit.builders.release.compare import COMPARED_COLUMNS, compare_tables
from conflictkit.builders.release.timestamps import assign_timestamps
from conflictkit.schema.arrow import to_arrow_table

EDITABLE = {
    "fatalities": lambda v: (0 if pd.isna(v) else int(v)) + 1,
    "notes": lambda v: f"{v} (updated)",
    "admin2": lambda v: "Some district" if pd.isna(v) else pd.NA,
    "latitude": lambda v: float(v) + 0.0001,
    "event_date": lambda v: v + pd.Timedelta(days=1),
    "tags": lambda v: "crowd size=no report" if pd.isna(v) else pd.NA,
}


def _compare(new: pd.DataFrame, old: pd.DataFrame, batch_rows: int = 7, keep: bool = False):
    old_table = to_arrow_table(old)
    return compare_tables(to_arrow_table(new), old_table.to_batches(max_chunksize=batch_rows),
                          old_ids=old_table.column("event_id_cnty"), keep_old_modified=keep)


def _naive(new: pd.DataFrame, old: pd.DataFrame) -> tuple[set, set, dict[str, set[str]]]:
    """Row-by-row reference: added IDs, deleted IDs, modified ID -> changed columns."""
    old_by_id = {r["event_id_cnty"]: r for r in old.to_dict(orient="records")}
    new_ids = set(new["event_id_cnty"])
    added = new_ids - set(old_by_id)
    deleted = set(old_by_id) - new_ids
    modified: dict[str, set[str]] = {}
    for row in new.to_dict(orient="records"):
        before = old_by_id.get(row["event_id_cnty"])
        if before is None:
            continue
        changed = {c for c in COMPARED_COLUMNS
                   if not ((pd.isna(row[c]) and pd.isna(before[c])) or row[c] == before[c])}
        if changed:
            modified[row["event_id_cnty"]] = changed
    return added, deleted, modified


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 40),
    edits=st.lists(st.tuples(st.integers(0, 39), st.sampled_from(sorted(EDITABLE))),
                   max_size=15),
    drops=st.lists(st.integers(0, 39), max_size=8),
    new_events=st.integers(0, 5),
    shuffle_seed=st.integers(0, 1000),
)
def test_comparison_matches_a_row_by_row_reference(n, edits, drops, new_events, shuffle_seed):
    old = make_events(n, seed=1)
    new = old.copy()
    for row, column in edits:
        if row < n:
            new.loc[row, column] = EDITABLE[column](new.loc[row, column])
    new = new.drop(index=[d for d in set(drops) if d < n])
    new = pd.concat([new, make_events(new_events, seed=2, start_number=10_000)],
                    ignore_index=True)
    new = new.sample(frac=1, random_state=shuffle_seed).reset_index(drop=True)

    result = _compare(new, old)
    added, deleted, modified = _naive(new, old)
    ids = new["event_id_cnty"].to_numpy()
    assert set(ids[result.added]) == added
    assert set(result.deleted.column("event_id_cnty").to_pylist()) == deleted
    got = dict(zip(ids[result.modified], map(set, result.changed_field_names()), strict=True))
    assert got == modified
    assert result.unchanged_count == len(new) - len(added) - len(modified)


def test_timestamps_kept_for_unchanged_and_renewed_for_added_and_modified() -> None:
    old = make_events(10)
    old["timestamp"] = pd.array(np.arange(10) + 1_000, dtype="Int64")
    new = old.copy()
    new.loc[2, "fatalities"] = 500
    new.loc[5, "timestamp"] = 42  # a timestamp change alone is not a modification
    new = pd.concat([new, make_events(1, seed=5, start_number=77)], ignore_index=True)
    result = _compare(new, old)
    stamps = assign_timestamps(result, now=9_999)
    expected = [1_000 + i for i in range(10)] + [9_999]
    expected[2] = 9_999
    assert stamps.tolist() == expected
    assert result.modified.tolist() == [2]


def test_old_values_of_modified_rows_line_up_with_new_rows() -> None:
    old = make_events(30)
    new = old.copy().iloc[::-1].reset_index(drop=True)  # different order than the old table
    new.loc[new["event_id_cnty"] == old.loc[3, "event_id_cnty"], "fatalities"] = 777
    new.loc[new["event_id_cnty"] == old.loc[20, "event_id_cnty"], "notes"] = "rewritten"
    result = _compare(new, old, batch_rows=4, keep=True)
    ids = new["event_id_cnty"].to_numpy()[result.modified].tolist()
    old_ids = result.old_modified.column("event_id_cnty").to_pylist()
    assert ids == old_ids
    assert sorted(ids) == sorted([old.loc[3, "event_id_cnty"], old.loc[20, "event_id_cnty"]])


def test_changelog_lists_counts_ids_and_changed_columns() -> None:
    old = make_events(12)
    new = old.copy()
    new.loc[0, "fatalities"] = 99
    new.loc[0, "notes"] = "new notes"
    new = new.drop(index=[4]).reset_index(drop=True)
    new = pd.concat([new, make_events(2, seed=3, start_number=500)], ignore_index=True)
    table = to_arrow_table(new)
    result = _compare(new, old)
    text = render_changelog(name="demo", version="1.1.0", previous="1.0.0",
                            released_at=1_714_521_600, events=table, comparison=result)
    assert "- added: 2\n- modified: 1\n- deleted: 1\n- unchanged: 10" in text
    assert f"- {old.loc[0, 'event_id_cnty']}: notes, fatalities" in text
    assert old.loc[4, "event_id_cnty"] in text.split("## Deleted")[1]
    for event_id in new["event_id_cnty"].iloc[-2:]:
        assert event_id in text.split("## Added")[1].split("## Modified")[0]
    assert "| **total** |" in text


def test_changelog_does_not_list_millions_of_ids() -> None:
    new = make_events(30)
    result = _compare(new, new.iloc[:0])
    text = render_changelog(name="demo", version="1.0.0", previous=None, released_at=0,
                            events=to_arrow_table(new), comparison=result, max_ids=10)
    assert "30 IDs, more than the 10 listed here" in text
    assert new.loc[5, "event_id_cnty"] not in text.split("## Added")[1]


def test_null_equals_null_but_not_a_value() -> None:
    old = make_events(3)
    new = old.copy()
    new.loc[0, "admin2"] = "X"  # null -> value
    result = _compare(new, old)
    assert result.modified.tolist() == [0]
    assert result.changed_columns["admin2"].tolist() == [True]
    assert isinstance(result.deleted, pa.Table) and result.deleted.num_rows == 0


@settings(max_examples=60, deadline=None)
@given(
    layout=st.lists(st.integers(0, 9), min_size=1, max_size=6),
    picks=st.lists(st.integers(0, 10_000), max_size=40),
)
def test_chunk_aware_take_equals_arrow_take(layout: list[int], picks: list[int]) -> None:
    from conflictkit.builders.release.write import take_rows

    total = sum(layout)
    if total == 0:
        return
    values = [f"row {i}" if i % 3 else None for i in range(total)]
    chunks, start = [], 0
    for length in layout:
        chunks.append(pa.array(values[start:start + length], pa.string()))
        start += length
    table = pa.table({"s": pa.chunked_array(chunks, pa.string()),
                      "n": pa.chunked_array([pa.array(range(total))])})
    indices = np.array([p % total for p in picks], dtype=np.int64)
    got = take_rows(table, indices)
    assert got.column("s").to_pylist() == [values[i] for i in indices]
    assert got.column("n").to_pylist() == indices.tolist()


@settings(max_examples=60, deadline=None)
@given(
    layout=st.lists(st.integers(1, 60), min_size=1, max_size=5),
    runs=st.lists(st.tuples(st.integers(0, 10_000), st.integers(1, 40)), min_size=1,
                  max_size=12),
    contiguous=st.booleans(),
)
def test_gather_rows_equals_arrow_take(layout: list[int], runs: list[tuple[int, int]],
                                       contiguous: bool) -> None:
    """Runs of consecutive rows (sliced) mixed with stray rows (taken) come out in order."""
    from conflictkit.builders.release.write import gather_rows

    total = sum(layout)
    values = [f"v{i}" if i % 5 else None for i in range(total)]
    chunks, start = [], 0
    for length in layout:
        chunks.append(pa.array(values[start:start + length], pa.string()))
        start += length
    table = pa.table({"s": pa.chunked_array(chunks, pa.string()),
                      "n": pa.chunked_array([pa.array(range(total), pa.int64())])})
    indices = np.concatenate([
        (np.arange(first % total, first % total + length) % total) for first, length in runs])
    got = gather_rows(table, indices, contiguous=contiguous)
    assert got.column("s").to_pylist() == [values[i] for i in indices]
    assert got.column("n").to_pylist() == indices.tolist()
    if contiguous:
        assert all(c.num_chunks <= 1 for c in got.columns)
