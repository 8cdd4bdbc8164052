"""coerce_events: text in, canonical frame out; every value that cannot convert is reported."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictkit.errors import ConflictkitError
from conflictkit.schema.arrow import PANDAS_DTYPES
from conflictkit.schema.coerce import coerce_events
from conflictkit.schema.columns import COLUMN_NAMES


def test_missing_columns_added_and_dtypes_canonical():
    df, problems = coerce_events(pd.DataFrame({"country": ["Syria"]}))
    assert list(df.columns) == list(COLUMN_NAMES)
    assert {c: str(t) for c, t in df.dtypes.items()} == PANDAS_DTYPES
    assert problems.empty and df["event_date"].isna().all()


def test_text_values_convert():
    raw = pd.DataFrame({"event_date": ["2018-02-07"], "fatalities": ["12"], "latitude": ["35.29"],
                        "inter1": ["8"], "inter2": ["1"], "interaction": ["18"], "iso": ["760"],
                        "actor2": [""], "notes": [" padded "]})
    df, problems = coerce_events(raw)
    assert problems.empty
    row = df.iloc[0]
    assert row["event_date"] == pd.Timestamp("2018-02-07")
    assert (row["fatalities"], row["iso"], row["latitude"]) == (12, 760, 35.29)
    assert (row["inter1"], row["inter2"]) == ("External/Other forces", "State forces")
    assert row["interaction"] == "State forces-External/Other forces"
    assert pd.isna(row["actor2"])  # "" is missing
    assert row["notes"] == " padded "  # whitespace is reported by validation, not stripped


def test_legacy_zero_inter2_means_no_actor2_and_bad_codes_stay_for_validation():
    df, problems = coerce_events(pd.DataFrame({"inter2": ["0"], "interaction": ["21"]}))
    assert problems.empty
    assert pd.isna(df.loc[0, "inter2"]) and df.loc[0, "interaction"] == "21"


@pytest.mark.parametrize("column,value", [
    ("event_date", "2018-2-7"), ("event_date", "07/02/2018"), ("event_date", "2018-02-30"),
    ("event_date", "2018-02-07T10:00"), ("fatalities", "2.5"), ("fatalities", " 3"),
    ("fatalities", "many"), ("time_precision", "300"), ("latitude", "inf"), ("latitude", "x"),
    ("latitude", "nan"), ("iso", "1e3"),
])
def test_unconvertible_values_are_reported(column, value):
    raw = pd.DataFrame({"event_id_cnty": ["SYR1", "SYR2"], column: ["", value]})
    df, problems = coerce_events(raw, files=["f.csv", "f.csv"], lines=[2, 3])
    assert len(problems) == 1
    row = problems.iloc[0]
    assert (row["record"], row["column"], row["rule"], row["value"]) == (1, column, "type", value)
    assert (row["file"], row["line"], row["event_id"]) == ("f.csv", 3, "SYR2")
    assert pd.isna(df.loc[1, column])


def test_python_values_from_yaml():
    raw = pd.DataFrame({"event_date": [dt.date(2018, 2, 7), dt.datetime(2018, 2, 7, 5)],
                        "fatalities": [3, True], "actor1": ["A", False],
                        "latitude": [1.5, 2]}, dtype=object)
    df, problems = coerce_events(raw)
    assert df.loc[0, "event_date"] == pd.Timestamp("2018-02-07")
    assert sorted(problems["column"]) == ["actor1", "event_date", "fatalities"]
    assert "quote the value" in problems.set_index("column").loc["actor1", "message"]


def test_unknown_columns_raise():
    with pytest.raises(ConflictkitError, match="fatalaties"):
        coerce_events(pd.DataFrame({"fatalaties": ["1"]}))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(st.integers(-10**12, 10**12).map(str), st.text(max_size=6)),
                min_size=1, max_size=20))
def test_integers_round_trip_or_are_reported(values):
    df, problems = coerce_events(pd.DataFrame({"fatalities": values}))
    bad = set(problems["record"])
    for i, text in enumerate(values):
        if i in bad or text == "":
            assert pd.isna(df.loc[i, "fatalities"])
        else:
            assert int(df.loc[i, "fatalities"]) == int(float(text))
            assert -(2**31) <= int(float(text)) < 2**31
