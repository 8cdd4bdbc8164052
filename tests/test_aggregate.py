"""ck.aggregate: events and fatalities per Saturday-start week, month or year, per place."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_load_data import make_events

import conflictkit as ck
from conflictkit.errors import UsageError
from conflictkit.loading.dtypes import as_typed
from conflictkit.loading.periods import period_start


def small() -> pd.DataFrame:
    """Six hand-made events; 2024-01-05 is a Friday, 2024-01-06 a Saturday."""
    return as_typed(pd.DataFrame({
        "event_date": pd.to_datetime(["2024-01-05", "2024-01-06", "2024-01-12", "2024-01-06",
                                      "2024-02-01", "2024-01-06"]),
        "country": ["Syria", "Syria", "Syria", "Syria", "Syria", "Yemen"],
        "region": ["Middle East"] * 6,
        "admin1": ["Aleppo", "Aleppo", "Aleppo", None, "Aleppo", "Sanaa"],
        "event_type": ["Battles", "Battles", "Riots", "Battles", "Battles", "Protests"],
        "fatalities": pd.array([3, 2, 0, 1, 5, 0], dtype="Int32"),
        "latitude": pd.array([36.0, 36.2, 36.4, 35.0, 36.0, 15.3], dtype="Float64"),
        "longitude": pd.array([37.0, 37.2, 37.4, 38.0, 37.0, 44.2], dtype="Float64"),
    }))


def rows(frame: pd.DataFrame) -> list[list]:
    return [[None if pd.isna(v) else (v.strftime("%Y-%m-%d") if hasattr(v, "strftime") else v)
             for v in r] for r in frame.astype(object).values.tolist()]


def test_weekly_counts_by_hand():
    out = ck.aggregate(small(), by=["country", "admin1"], freq="week")
    assert list(out.columns) == ["WEEK", "REGION", "COUNTRY", "ADMIN1", "EVENTS", "FATALITIES",
                                 "CENTROID_LATITUDE", "CENTROID_LONGITUDE"]
    assert rows(out) == [
        ["2023-12-30", "Middle East", "Syria", "Aleppo", 1, 3, 36.0, 37.0],
        ["2024-01-06", "Middle East", "Syria", "Aleppo", 2, 2, 36.3, 37.3],
        ["2024-01-06", "Middle East", "Syria", None, 1, 1, 35.0, 38.0],
        ["2024-01-06", "Middle East", "Yemen", "Sanaa", 1, 0, 15.3, 44.2],
        ["2024-01-27", "Middle East", "Syria", "Aleppo", 1, 5, 36.0, 37.0],
    ]


def test_monthly_and_yearly_with_event_type_split():
    monthly = ck.aggregate(small(), by="country", freq="month", split_event_types=True)
    assert rows(monthly[["MONTH", "COUNTRY", "EVENT_TYPE", "EVENTS", "FATALITIES"]]) == [
        ["2024-01-01", "Syria", "Battles", 3, 6],
        ["2024-01-01", "Syria", "Riots", 1, 0],
        ["2024-01-01", "Yemen", "Protests", 1, 0],
        ["2024-02-01", "Syria", "Battles", 1, 5],
    ]
    yearly = ck.aggregate(small(), by="country", freq="year")
    assert rows(yearly[["YEAR", "COUNTRY", "EVENTS", "FATALITIES"]]) == [
        [2024, "Syria", 5, 11], [2024, "Yemen", 1, 0]]


def test_split_by_sub_event_type_has_acled_key_columns():
    df = as_typed(make_events(300, seed=4))
    out = ck.aggregate(df, by=["country", "admin1"], split_event_types="sub_event_type")
    assert {"DISORDER_TYPE", "EVENT_TYPE", "SUB_EVENT_TYPE"} <= set(out.columns)
    assert out["EVENTS"].sum() == len(df)


@settings(max_examples=60, deadline=None)
@given(st.dates(pd.Timestamp("1990-01-01").date(), pd.Timestamp("2040-01-01").date()))
def test_week_label_is_the_saturday_on_or_before(day):
    label = period_start(pd.Series(pd.to_datetime([day]).astype("datetime64[s]")), "week")[0]
    assert label.weekday() == 5  # Saturday
    assert 0 <= (pd.Timestamp(day) - label).days <= 6


@pytest.mark.parametrize("freq", ["week", "month", "year"])
def test_totals_are_preserved(freq):
    df = as_typed(make_events(800, seed=6))
    df.loc[df.index[:10], "admin1"] = pd.NA
    out = ck.aggregate(df, by=["country", "admin1"], freq=freq, split_event_types=True)
    assert out["EVENTS"].sum() == len(df)
    assert out["FATALITIES"].sum() == df["fatalities"].sum()


def test_bad_arguments():
    with pytest.raises(UsageError, match="freq"):
        ck.aggregate(small(), freq="day")
    with pytest.raises(UsageError, match="missing column"):
        ck.aggregate(small(), by=["admin2"])
    with pytest.raises(UsageError, match="split_event_types"):
        ck.aggregate(small(), split_event_types="actor")
