"""The CSV reader's passes: the fast threaded pass must give exactly what the careful one gives.

`read_raw_table` tries a threaded pass that ends records at line ends, falls back to allowing line
breaks inside quoted values when pyarrow's chunker and parser disagree, and re-reads
single-threaded when a row cannot be read (only that pass numbers bad rows). Each file below is
read both ways; frames, line numbers and problems must agree, and the passes taken must be the
cheapest ones that are exact for that file.
"""

from __future__ import annotations

import mmap
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conflictkit.builders.importers import table as table_module
from conflictkit.builders.importers.table import read_raw_table

HEADER = "event_id_cnty,event_date,actor1,notes,fatalities"


def _row(k: int, notes: str = "Clashes near the river.") -> str:
    return f'SYR{k},2018-02-07,Military Forces of Syria (2000-),"{notes}",{k % 7}'


def _passes(monkeypatch) -> list[tuple[bool, bool]]:
    """Record (threads, newlines_in_values) of every pass the reader makes."""
    taken: list[tuple[bool, bool]] = []
    original = table_module._arrow_pass

    def spy(*args, threads: bool, newlines_in_values: bool, **kwargs):
        taken.append((threads, newlines_in_values))
        return original(*args, threads=threads, newlines_in_values=newlines_in_values, **kwargs)

    monkeypatch.setattr(table_module, "_arrow_pass", spy)
    return taken


def _careful(monkeypatch, path: Path):
    """The file read by the single-threaded, line-breaks-allowed pass only."""
    original = table_module._arrow_pass

    def only_careful(*args, threads: bool, newlines_in_values: bool, **kwargs):
        return original(*args, threads=False, newlines_in_values=True, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(table_module, "_arrow_pass", only_careful)
        return read_raw_table(path)


def _same(fast, careful) -> None:
    pd.testing.assert_frame_equal(fast.frame, careful.frame)
    np.testing.assert_array_equal(fast.lines, careful.lines)
    np.testing.assert_array_equal(fast.newlines, careful.newlines)
    assert fast.records == careful.records
    assert fast.problems == careful.problems


def _write(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "export.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_clean_file_takes_one_threaded_pass(tmp_path, monkeypatch):
    monkeypatch.setattr(table_module, "_BLOCK", 4096)  # many blocks, read in parallel
    path = _write(tmp_path, [_row(k) for k in range(2000)])
    taken = _passes(monkeypatch)
    fast = read_raw_table(path)
    assert taken == [(True, False)]
    assert fast.records == 2000
    assert fast.lines.tolist() == list(range(2, 2002))
    _same(fast, _careful(monkeypatch, path))


def test_line_breaks_across_blocks_fall_back_to_the_quoted_newline_pass(tmp_path, monkeypatch):
    monkeypatch.setattr(table_module, "_BLOCK", 4096)
    rows = [_row(k, "Shelling\nnear the river,\r\nthen a raid.") for k in range(2000)]
    path = _write(tmp_path, rows)
    taken = _passes(monkeypatch)
    fast = read_raw_table(path)
    assert taken == [(True, False), (True, True)]
    assert fast.records == 2000
    # each record spans three physical lines
    assert fast.lines[:3].tolist() == [2, 5, 8]
    _same(fast, _careful(monkeypatch, path))


def test_unreadable_row_is_read_again_single_threaded_for_its_line(tmp_path, monkeypatch):
    monkeypatch.setattr(table_module, "_BLOCK", 4096)
    rows = [_row(k) for k in range(2000)]
    rows[1234] = "SYR1234,2018-02-07,only three fields"
    path = _write(tmp_path, rows)
    taken = _passes(monkeypatch)
    fast = read_raw_table(path)
    assert taken[-1] == (False, True)
    assert fast.records == 2000
    [problem] = [p for p in fast.problems if p["rule"] == "unreadable_record"]
    assert problem["line"] == 1236  # header on line 1, record k on line k + 2
    _same(fast, _careful(monkeypatch, path))


def test_a_carriage_return_inside_a_value_on_a_block_boundary(tmp_path, monkeypatch):
    # found by the property below: the fast pass took the CR for a line end without noticing
    monkeypatch.setattr(table_module, "_BLOCK", 256)
    notes = ["", "", "", ';"—', ";;;;", ";;;;", ';;;;"', '\r,,,"——']
    path = _write(tmp_path, [_row(k, note.replace('"', '""')) for k, note in enumerate(notes)])
    taken = _passes(monkeypatch)
    fast = read_raw_table(path)
    assert taken[0] == (True, True)  # a lone CR: straight to the pass that allows line breaks
    assert fast.frame["c3"].iloc[-1] == '\r,,,"——' and fast.frame["c0"].iloc[-1] == "SYR7"
    _same(fast, _careful(monkeypatch, path))


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=40).map(lambda b: b.replace(b"\x00", b"\r")),
       before=st.integers(0, 8))
def test_a_lone_carriage_return_is_found_across_windows(tmp_path, monkeypatch, data, before):
    window = mmap.ALLOCATIONGRANULARITY
    monkeypatch.setattr(table_module, "_MAP_WINDOW", window)
    # the bytes under test sit across the first window's end (``before`` of them ahead of it)
    content = b"x" * (window - min(before, len(data))) + data
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    expected = re.search(rb"\r(?!\n)", content) is not None
    assert table_module._has_lone_cr(path, "utf-8") is expected


_notes = st.text(
    alphabet=st.sampled_from(list("ab ,;\"\n\r") + ["é", "—"]), min_size=0, max_size=30)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(notes=st.lists(_notes, min_size=1, max_size=80), block=st.sampled_from([256, 1024]))
def test_any_notes_read_the_same_by_every_pass(tmp_path, monkeypatch, notes, block):
    monkeypatch.setattr(table_module, "_BLOCK", block)
    rows = [_row(k, note.replace('"', '""')) for k, note in enumerate(notes)]
    path = _write(tmp_path, rows)
    fast = read_raw_table(path)
    _same(fast, _careful(monkeypatch, path))
    assert fast.records == len(notes)


@pytest.mark.parametrize("typed", [False, True])
def test_typed_read_matches_text_read_of_numbers(tmp_path, typed):
    path = _write(tmp_path, [_row(k) for k in range(50)])
    result = read_raw_table(path, typed=(lambda header: {4: "int32"}) if typed else None)
    assert result.meta["typed_read"] is typed
    values = result.frame["c4"].astype("Int64").tolist()
    assert values == [k % 7 for k in range(50)]
