"""`aggregate`: events and fatalities per period and place, shaped like ACLED's aggregated files.

ACLED's weekly aggregates label each week by "the Saturday marking the start of that week"
(Saturday to Friday), so `freq="week"` does the same: WEEK is the Saturday on or before the event
date. MONTH is the first day of the month and YEAR the calendar year. Columns are upper case as
in ACLED's aggregated files: the period, REGION (when grouping by country), the `by` columns,
EVENT_TYPE (and SUB_EVENT_TYPE, DISORDER_TYPE) when split, EVENTS, FATALITIES,
CENTROID_LATITUDE, CENTROID_LONGITUDE. ACLED's centroid is the admin area's geographic centre;
without admin polygons conflictkit gives the mean position of the group's events instead.

Only groups with events appear (as in ACLED's files); an event whose `by` value is blank is
counted in a blank group, not dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

import numpy as np

from conflictkit.errors import UsageError

if TYPE_CHECKING:
    import pandas as pd

Freq = Literal["week", "month", "year"]
PERIOD_COLUMN = {"week": "WEEK", "month": "MONTH", "year": "YEAR"}
SATURDAY = 5  # pandas dayofweek: Monday 0 ... Sunday 6
SPLITS = {
    False: (),
    True: ("event_type",),
    "event_type": ("event_type",),
    "sub_event_type": ("disorder_type", "event_type", "sub_event_type"),
}


def period_start(dates: pd.Series, freq: Freq) -> pd.Series:
    """The period label of each date: Saturday-start week, first of month, or year."""
    import pandas as pd

    if freq == "year":
        return dates.dt.year.astype("Int16")
    values = dates.to_numpy(dtype="datetime64[s]")
    if freq == "month":
        start = values.astype("datetime64[M]").astype("datetime64[s]")
    else:
        days = values.astype("datetime64[D]")
        # 1970-01-01 was a Thursday (dayofweek 3): days since then give the weekday directly
        weekday = (days.astype("int64") + 3) % 7
        start = (days - ((weekday - SATURDAY) % 7)).astype("datetime64[s]")
    return pd.Series(start, index=dates.index)


def aggregate(
    df: pd.DataFrame,
    by: str | Iterable[str] = ("country", "admin1"),
    freq: Freq = "week",
    split_event_types: bool | str = False,
) -> pd.DataFrame:
    """Events and fatalities per `freq` period and `by` group, shaped like ACLED's aggregated
    files (upper-case columns; weeks start on Saturday, as ACLED's do).

    by: columns to group by (country adds REGION); freq: "week", "month" or "year";
    split_event_types: True (or "event_type") adds EVENT_TYPE to the key; "sub_event_type"
    adds DISORDER_TYPE, EVENT_TYPE and SUB_EVENT_TYPE, the key of ACLED's aggregated file.
    Centroids are the mean position of the group's events (no admin polygons offline).

    >>> weekly = ck.aggregate(df, by=["country", "admin1"], freq="week", split_event_types=True)
    >>> yearly = ck.aggregate(df, by="country", freq="year")
    """
    import pandas as pd

    if freq not in PERIOD_COLUMN:
        raise UsageError(f"freq must be one of {', '.join(PERIOD_COLUMN)}, got {freq!r}")
    if split_event_types not in SPLITS:
        raise UsageError("split_event_types must be False, True, 'event_type' or "
                         f"'sub_event_type', got {split_event_types!r}")
    keys = [by] if isinstance(by, str) else list(by)
    split = [c for c in SPLITS[split_event_types] if c not in keys]
    needed = ["event_date", "fatalities", *keys, *split]
    missing = [c for c in dict.fromkeys(needed) if c not in df.columns]
    if missing:
        raise UsageError(f"aggregate: missing column(s) {', '.join(missing)}")
    if "country" in keys and "region" in df.columns and "region" not in keys:
        keys = ["region", *keys]
    period = PERIOD_COLUMN[freq]
    dates = df["event_date"]
    if not pd.api.types.is_datetime64_any_dtype(dates):
        raise UsageError("aggregate: event_date must be a datetime column (use ck.load)")

    work = pd.DataFrame({period: period_start(dates, freq)}, index=df.index)
    group_keys = [period, *keys, *split]
    for name in group_keys[1:]:
        work[name] = df[name]
    work["_fatalities"] = df["fatalities"].astype("Float64")
    has_coords = "latitude" in df.columns and "longitude" in df.columns
    if has_coords:
        work["_lat"] = df["latitude"].astype("Float64")
        work["_lon"] = df["longitude"].astype("Float64")
    grouped = work.groupby(group_keys, observed=True, dropna=False, sort=True)
    out = grouped.size().rename("EVENTS").to_frame()
    out["FATALITIES"] = grouped["_fatalities"].sum(min_count=0).astype("Int64")
    if has_coords:
        out["CENTROID_LATITUDE"] = grouped["_lat"].mean().round(4)
        out["CENTROID_LONGITUDE"] = grouped["_lon"].mean().round(4)
    out = out.reset_index()
    out["EVENTS"] = out["EVENTS"].astype(np.int64)
    return out.rename(columns={k: k.upper() for k in group_keys[1:]})
