"""Spreadsheet cells to text: the column-at-a-time conversion must equal the cell-by-cell one."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictkit.builders.importers.spreadsheet import cell_text, column_text

_cells = {
    "text": st.one_of(st.just(""), st.text(max_size=8)),
    "numbers": st.one_of(st.just(""), st.floats(allow_nan=False, allow_infinity=False),
                         st.integers(-(2**60), 2**60),
                         st.sampled_from([0.0, -0.0, 35.5, 1e15, 1e16, 1e-5, 2.0**53, 100.0])),
    "dates": st.one_of(st.just(""), st.dates(dt.date(1600, 1, 1), dt.date(2100, 1, 1)),
                       st.datetimes(dt.datetime(1600, 1, 1), dt.datetime(2100, 1, 1))),
}


@settings(max_examples=150, deadline=None)
@given(data=st.data(), kinds=st.lists(st.sampled_from(sorted(_cells)), min_size=1, max_size=2,
                                      unique=True))
def test_column_conversion_equals_cell_by_cell(data, kinds):
    cell = st.one_of(st.none(), *[_cells[k] for k in kinds], st.booleans())
    values = data.draw(st.lists(cell, max_size=30))
    got = column_text(values).tolist()
    want = [cell_text(v) for v in values]
    assert [None if g != g else g for g in got] == want  # NaN stands for missing


@pytest.mark.parametrize(("values", "want"), [
    ([1.0, 35.5, None, ""], ["1", "35.5", None, None]),
    ([dt.datetime(2018, 2, 7), dt.datetime(2018, 2, 7, 12, 30), ""],
     ["2018-02-07", "2018-02-07 12:30:00", None]),
    (["SYR1", "", None], ["SYR1", None, None]),
    ([True, 1.0], ["TRUE", "1"]),
])
def test_cells_read_as_a_csv_export_would_write_them(values, want):
    got = column_text(values).tolist()
    assert [None if g != g else g for g in got] == want
