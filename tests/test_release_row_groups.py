"""Row groups of a release: a big country gets groups of its own, so loads of it (and of its
neighbours) decode no rows of another country's straddling group."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_load_data import make_events, sort_release

import conflictkit as ck
from conflictkit.builders.release import write
from conflictkit.builders.release.write import row_group_bounds, write_events_parquet
from conflictkit.schema.arrow import to_arrow_table


@settings(max_examples=200, deadline=None)
@given(lengths=st.lists(st.integers(1, 120), min_size=1, max_size=25),
       size=st.integers(4, 64), offset=st.integers(0, 5))
def test_bounds_cover_every_row_once_and_keep_big_keys_apart(lengths, size, offset):
    keys = np.concatenate([np.full(n, k) for k, n in enumerate(lengths)])
    keys = np.r_[np.full(offset, -5), keys]  # rows before `start` are not ours
    groups = list(row_group_bounds(keys, offset, len(keys), size))
    # contiguous, in order, nothing missing, nothing over `size`
    assert groups[0][0] == offset and groups[-1][1] == len(keys)
    assert all(a < b for a, b in groups)
    assert all(b1 == a2 for (_, b1), (a2, _) in zip(groups, groups[1:], strict=False))
    assert all(b - a <= size for a, b in groups)
    for key, n in enumerate(lengths):
        holding = [(a, b) for a, b in groups if (keys[a:b] == key).any()]
        if n * 4 >= size:  # big: its groups hold it alone, split evenly
            assert all((keys[a:b] == key).all() for a, b in holding)
            sizes = [b - a for a, b in holding]
            assert max(sizes) - min(sizes) <= 1
        else:  # small: never split
            assert len(holding) == 1


def test_empty_range_has_no_groups():
    assert list(row_group_bounds(np.array([1, 2]), 1, 1, 10)) == []


@pytest.mark.parametrize("partitioned", [False, True])
def test_a_country_year_load_reads_only_that_country_groups(tmp_path, monkeypatch, partitioned):
    monkeypatch.setitem(write._PARQUET_OPTIONS, "row_group_size", 40)
    countries = ("Iraq", "Syria", "Yemen", "Lebanon", "Jordan")
    events = make_events(3000, seed=3, countries=countries)
    order = ["year", "country", "event_date", "event_id_cnty"] if partitioned else None
    ordered = (events.sort_values(order, kind="stable", ignore_index=True) if order
               else sort_release(events))
    write_events_parquet(tmp_path, to_arrow_table(ordered), partitioned=partitioned)
    (tmp_path / "deletions.csv").write_text("event_id_cnty,deleted_timestamp\n")
    files = sorted(tmp_path.rglob("*.parquet"))
    for path in files:  # every group holds one country: all are big here (~600 a country)
        meta = pq.ParquetFile(path).metadata
        names = [meta.schema.column(i).name for i in range(meta.num_columns)]
        column = names.index("country")
        for g in range(meta.num_row_groups):
            stats = meta.row_group(g).column(column).statistics
            assert stats.min == stats.max
            assert meta.row_group(g).num_rows <= 40
    df = ck.load(tmp_path, countries="Syria", start="2020", end="2020")
    wanted = (events["country"] == "Syria") & (events["year"] == 2020)
    assert len(df) == wanted.sum()
    # exactly the groups holding Syria's 2020 rows are read: no neighbour straddles into them
    path = tmp_path / "events" / "year=2020" / "part-0.parquet" if partitioned else files[0]
    holding = 0
    for g in range(pq.ParquetFile(path).num_row_groups):
        group = pq.ParquetFile(path).read_row_group(g, columns=["country", "event_date"])
        rows = group.to_pandas()
        holding += bool(((rows["country"] == "Syria")
                         & (pd.to_datetime(rows["event_date"]).dt.year == 2020)).any())
    assert df.attrs["load"]["row_groups_read"] == holding
