"""Date parsing for imports: every format ACLED files have used, ambiguity by column majority."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictkit.builders.importers.dates import DATE_FORMATS, parse_dates


def _parse(values):
    return parse_dates(pd.Series(values, dtype="str"))


@pytest.mark.parametrize("text", [
    "2018-02-07", "07 February 2018", "7 February 2018", "07-February-2018", "7-Feb-18",
    "07/02/2018", "07-02-18", "2018-02-07 00:00:00", "2018-02-07 00:00:00.000", "43138",
    "7 feb 2018", "February 7, 2018",
])
def test_every_acled_form_of_the_seed_date(text):
    parsed = _parse([text])
    assert parsed.values.iloc[0] == pd.Timestamp("2018-02-07")
    assert not parsed.unreadable.any()


def test_issue_examples():
    parsed = _parse(["01-January-2015", "29/12/2015", "9-May-20", "31-12-19"])
    assert list(parsed.values.dt.strftime("%Y-%m-%d")) == [
        "2015-01-01", "2015-12-29", "2020-05-09", "2019-12-31"]


def test_ambiguous_values_follow_the_columns_majority_order():
    # 13/01 and 25/12 can only be day first; 05/06 is then read as 5 June
    parsed = _parse(["13/01/2016", "25/12/2015", "05/06/2019"])
    assert parsed.values.iloc[2] == pd.Timestamp("2019-06-05")
    assert parsed.ambiguous.tolist() == [False, False, True]
    assert "DD/MM/YYYY" in parsed.describe_choices()[0]


def test_month_first_majority_wins_and_contradictions_are_flagged():
    parsed = _parse(["12/25/2015", "01/31/2016", "02/28/2016", "05/06/2019", "13/01/2016"])
    assert parsed.values.iloc[3] == pd.Timestamp("2019-05-06")  # read month first
    assert parsed.minority.tolist() == [False, False, False, False, True]
    assert parsed.values.iloc[4] == pd.Timestamp("2016-01-13")  # its only reading


def test_no_evidence_defaults_to_day_first():
    parsed = _parse(["05/06/2019", "01/02/2019"])
    assert parsed.values.iloc[0] == pd.Timestamp("2019-06-05")
    assert "no unambiguous value" in parsed.describe_choices()[0]


def test_same_day_and_month_is_not_ambiguous():
    parsed = _parse(["12/12/2015"])
    assert not parsed.ambiguous.any()


def test_blank_and_garbage():
    parsed = _parse(["", None, "not a date", "2018-02-30", "  2018-02-07 "])
    assert parsed.unreadable.tolist() == [False, False, True, True, False]
    assert parsed.values.iloc[4] == pd.Timestamp("2018-02-07")
    assert parsed.values.isna().tolist() == [True, True, True, True, False]


def test_row_counts_per_format():
    parsed = _parse(["2018-02-07"] * 3 + ["7 February 2018"])
    assert parsed.formats == {"YYYY-MM-DD": 3, "D Month YYYY": 1}


# formats that read every date the same way whatever else is in the column
_UNAMBIGUOUS = [f for f in DATE_FORMATS if not f.family]
_dates = st.dates(min_value=dt.date(1970, 1, 1), max_value=dt.date(2060, 12, 31))


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(_UNAMBIGUOUS), st.lists(_dates, min_size=1, max_size=30))
def test_format_then_parse_round_trips(fmt, dates):
    texts = [d.strftime(fmt.pattern) for d in dates]
    parsed = _parse(texts)
    assert list(parsed.values.dt.date) == dates
    assert not parsed.unreadable.any()


@settings(max_examples=150, deadline=None)
@given(st.sampled_from([f for f in DATE_FORMATS if f.family]), st.lists(_dates, min_size=1,
                                                                        max_size=30))
def test_ambiguous_family_round_trips_with_one_telling_value(fmt, dates):
    # one value whose day is > 12 tells the column's order; the rest follow it
    anchor = dt.date(2015, 12, 29)
    if "%y" in fmt.pattern:
        dates = [d for d in dates if 1970 <= d.year <= 2068] or [anchor]
    texts = [d.strftime(fmt.pattern) for d in [anchor, *dates]]
    parsed = _parse(texts)
    assert list(parsed.values.dt.date) == [anchor, *dates]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=25)), max_size=20))
def test_garbage_never_raises_and_is_accounted_for(values):
    parsed = parse_dates(pd.Series(values, dtype="str"))
    assert len(parsed.values) == len(values)
    blank = np.array([v is None or v.strip() == "" for v in values], dtype=bool)
    read = parsed.values.notna().to_numpy()
    # every non-blank value is either read or flagged unreadable, never both
    assert np.all(read ^ parsed.unreadable | blank)
    assert not np.any(read & parsed.unreadable)
