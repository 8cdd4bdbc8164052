"""What the report says about a release, as small tables computed from the big one.

Every figure is a column-wise Arrow or numpy aggregation (group-by, bincount), never a loop over
events, so a 3M-event release is summarised in about a second. Orders are total (count
descending, then name ascending), so the same events always give the same tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from conflictkit.schema import vocab

# the columns of the events table the report reads (a release read for the report needs no more)
REPORT_COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "time_precision", "disorder_type", "event_type", "actor1",
    "actor2", "country", "admin1", "latitude", "longitude", "geo_precision", "source_scale",
    "fatalities",
)
TOP = 15  # rows of each "top" table
ID_COLUMN = "event_id_cnty"
PRECISION_LABELS = {
    "geo_precision": {1: "1 the town", 2: "2 near a town / district", 3: "3 a larger region"},
    "time_precision": {1: "1 the day", 2: "2 the week", 3: "3 the month or less"},
}


@dataclass(frozen=True)
class Headline:
    """The counts at the top of the page."""

    events: int
    fatalities: int
    countries: int
    admin1_units: int
    actors: int
    first_date: str | None
    last_date: str | None
    events_with_fatalities: int


@dataclass(frozen=True)
class Quality:
    """Data-quality facts; a None table means the release does not record it."""

    repairs: pd.DataFrame | None  # column, repair, repairs, events
    repaired_events: int | None
    review: pd.DataFrame | None  # review (reason), events
    flagged_events: int | None
    origin: pd.DataFrame | None  # origin, events
    status: pd.DataFrame | None  # status, events
    candidates_left_out: int | None
    geo_precision: pd.DataFrame = field(default_factory=pd.DataFrame)  # precision, label, events
    time_precision: pd.DataFrame = field(default_factory=pd.DataFrame)


@dataclass(frozen=True)
class Summary:
    """Everything the report shows about the release itself (changes are in `changes`)."""

    headline: Headline
    monthly: pd.DataFrame  # month (datetime64[M]), event_type, events, fatalities
    countries: pd.DataFrame  # country, events, fatalities
    admin1: pd.DataFrame  # country, admin1, events, fatalities
    actors: pd.DataFrame  # actor, events, fatalities
    disorder: pd.DataFrame  # disorder_type, events, fatalities
    source_scale: pd.DataFrame  # source_scale, events
    quality: Quality
    deletions: int
    deleted_now: int | None
    latitude: np.ndarray
    longitude: np.ndarray


def column_or_blank(table: pa.Table, name: str) -> pa.ChunkedArray:
    if name in table.column_names:
        return table.column(name)
    return pa.chunked_array([pa.nulls(table.num_rows, pa.string())])


def fatalities_of(table: pa.Table) -> pa.ChunkedArray:
    return pc.fill_null(column_or_blank(table, "fatalities").cast(pa.int64()), 0)


def text_of(array: pa.ChunkedArray) -> pa.ChunkedArray:
    """A text column as plain strings (dictionary or large_string in). Empty values are left
    as they are (no copy of millions of strings): `grouped` drops them with the nulls."""
    if pa.types.is_dictionary(array.type):
        array = array.cast(array.type.value_type)
    if not pa.types.is_string(array.type):
        array = array.cast(pa.string())
    return array


def ordered(frame: pd.DataFrame, by: str, names: list[str]) -> pd.DataFrame:
    """Rows by `by` descending, then `names` ascending: a total, reproducible order."""
    return frame.sort_values([by, *names], ascending=[False] + [True] * len(names),
                             kind="stable").reset_index(drop=True)


def grouped(keys: dict[str, pa.ChunkedArray | pa.Array], fatalities: pa.ChunkedArray | None,
            *, dropna: bool = True) -> pd.DataFrame:
    """Events (and fatalities) per combination of key values, in a total order; with
    `dropna`, combinations with a blank (null or empty) key are left out."""
    columns = dict(keys)
    if fatalities is not None:
        columns["_fatalities"] = fatalities
    table = pa.table(columns)
    aggregations = [([], "count_all")]
    if fatalities is not None:
        aggregations.append(("_fatalities", "sum"))
    result = table.group_by(list(keys), use_threads=False).aggregate(aggregations)
    frame = pd.DataFrame({name: result.column(name).to_pylist() for name in keys})
    frame["events"] = result.column("count_all").to_numpy().astype(np.int64)
    if fatalities is not None:
        frame["fatalities"] = result.column("_fatalities_sum").to_numpy().astype(np.int64)
    if dropna:
        blank = frame[list(keys)].isna() | frame[list(keys)].eq("")
        frame = frame[~blank.any(axis=1)]
    return ordered(frame, "events", list(keys))


def headline(table: pa.Table, fatalities: pa.ChunkedArray, countries: pd.DataFrame,
             admin1: pd.DataFrame, actor_table: pd.DataFrame) -> Headline:
    """The counts at the top; distinct counts come from the grouped tables (no new pass)."""
    dates = column_or_blank(table, "event_date")
    first, last = pc.min(dates).as_py(), pc.max(dates).as_py()
    return Headline(
        events=table.num_rows,
        fatalities=int(pc.sum(fatalities).as_py() or 0),
        countries=len(countries),
        admin1_units=len(admin1),
        actors=len(actor_table),
        first_date=first.isoformat() if first else None,
        last_date=last.isoformat() if last else None,
        events_with_fatalities=int(pc.sum(pc.greater(fatalities, 0)).as_py() or 0),
    )


def monthly(table: pa.Table, fatalities: pa.ChunkedArray) -> pd.DataFrame:
    """Events and fatalities per calendar month and event type, every month of the range
    present (zeros included) so charts show gaps as gaps."""
    dates = column_or_blank(table, "event_date")
    if not pa.types.is_date32(dates.type):
        dates = dates.cast(pa.date32())
    valid = pc.is_valid(dates).to_numpy(zero_copy_only=False)
    days = pc.fill_null(dates.cast(pa.int32()), 0).to_numpy(zero_copy_only=False)
    types = text_of(column_or_blank(table, "event_type"))
    known = list(vocab.EVENT_TYPES)
    code = pc.fill_null(pc.index_in(types, value_set=pa.array(known)), len(known))
    codes = code.to_numpy(zero_copy_only=False).astype(np.int64)
    columns = ["month", "event_type", "events", "fatalities"]
    if not valid.any():
        return pd.DataFrame({c: [] for c in columns})
    day = np.asarray(days[valid], dtype="int64").astype("datetime64[D]")
    month = day.astype("datetime64[M]").astype(np.int64)
    first, last = int(month.min()), int(month.max())
    span = last - first + 1
    labels = [*known, "(blank)"]
    key = (month - first) * len(labels) + codes[valid]
    fatal = fatalities.to_numpy(zero_copy_only=False)[valid].astype(np.float64)
    counts = np.bincount(key, minlength=span * len(labels)).reshape(span, len(labels))
    sums = np.bincount(key, weights=fatal, minlength=span * len(labels)).reshape(span, len(labels))
    present = [i for i in range(len(labels)) if counts[:, i].any()]
    months = np.arange(first, last + 1).astype("datetime64[M]")
    frames = [pd.DataFrame({"month": months, "event_type": labels[i], "events": counts[:, i],
                            "fatalities": sums[:, i].astype(np.int64)}) for i in present]
    return pd.concat(frames, ignore_index=True)[columns]


def actors(table: pa.Table, fatalities: pa.ChunkedArray) -> pd.DataFrame:
    """Events per actor, as actor1 or actor2 (an event counts once for each of its actors)."""
    names = pa.chunked_array([*text_of(column_or_blank(table, "actor1")).chunks,
                              *text_of(column_or_blank(table, "actor2")).chunks], pa.string())
    both = pa.chunked_array([*fatalities.chunks, *fatalities.chunks], pa.int64())
    return grouped({"actor": names}, both)


def precision(table: pa.Table, column: str) -> pd.DataFrame:
    """Events per precision code (1-3, then blank), with its meaning."""
    values = column_or_blank(table, column).cast(pa.int64())
    frame = grouped({"precision": values}, None, dropna=False)
    frame["precision"] = frame["precision"].astype("Int64")
    frame = frame.sort_values("precision", na_position="last", kind="stable")
    labels = PRECISION_LABELS[column]
    frame["label"] = [labels.get(int(p), f"{p}") if pd.notna(p) else "blank"
                      for p in frame["precision"]]
    return frame[["precision", "label", "events"]].reset_index(drop=True)


def blank_label(frame: pd.DataFrame, name: str, extra: list[str]) -> pd.DataFrame:
    """Null and empty values of `name` as one "(blank)" row (`extra` columns summed)."""
    frame = frame.assign(**{name: frame[name].replace("", None).fillna("(blank)")})
    return frame.groupby(name, as_index=False)[extra].sum()


def quality(table: pa.Table, provenance: pa.Table | None, repairs: pa.Table | None,
            candidates_left_out: int | None) -> Quality:
    """Repairs made on import, review flags, origins, candidates and precision."""
    repair_table = repaired = None
    if repairs is not None and {"column", "repair"} <= set(repairs.column_names):
        repair_table = grouped({"column": text_of(repairs.column("column")),
                                "repair": text_of(repairs.column("repair"))}, None, dropna=False)
        repair_table = repair_table.rename(columns={"events": "repairs"})
        if ID_COLUMN in repairs.column_names:
            ids = text_of(repairs.column(ID_COLUMN))
            repaired = int(pc.count_distinct(pc.if_else(pc.equal(ids, ""), None, ids)).as_py())
    review = flagged = None
    if provenance is not None and "review" in provenance.column_names:
        reasons = text_of(provenance.column("review"))
        flagged = int(pc.sum(pc.fill_null(pc.not_equal(reasons, ""), False)).as_py() or 0)
        review = grouped({"review": reasons}, None)
    side: dict[str, pd.DataFrame | None] = {"origin": None, "status": None}
    for name in side:
        if provenance is not None and name in provenance.column_names:
            counts = grouped({name: text_of(provenance.column(name))}, None, dropna=False)
            side[name] = ordered(blank_label(counts, name, ["events"]), "events", [name])
    return Quality(
        repairs=repair_table, repaired_events=repaired, review=review, flagged_events=flagged,
        origin=side["origin"], status=side["status"], candidates_left_out=candidates_left_out,
        geo_precision=precision(table, "geo_precision"),
        time_precision=precision(table, "time_precision"),
    )


def summarise(table: pa.Table, *, provenance: pa.Table | None = None,
              deletions: pa.Table | None = None, repairs: pa.Table | None = None,
              candidates_left_out: int | None = None,
              released_at: int | None = None) -> Summary:
    """The report's tables for one release (events as an Arrow table, any column order)."""
    fatalities = fatalities_of(table)
    country = text_of(column_or_blank(table, "country"))
    deleted_now = None
    if deletions is not None and released_at is not None and deletions.num_rows:
        stamps = deletions.column("deleted_timestamp").cast(pa.int64())
        deleted_now = int(pc.sum(pc.equal(stamps, released_at)).as_py() or 0)
    elif deletions is not None and released_at is not None:
        deleted_now = 0
    lat = column_or_blank(table, "latitude").cast(pa.float64())
    lon = column_or_blank(table, "longitude").cast(pa.float64())
    countries = grouped({"country": country}, fatalities)
    admin1 = grouped({"country": country, "admin1": text_of(column_or_blank(table, "admin1"))},
                     fatalities)
    actor_table = actors(table, fatalities)
    scales = grouped({"source_scale": text_of(column_or_blank(table, "source_scale"))}, None,
                     dropna=False)
    return Summary(
        headline=headline(table, fatalities, countries, admin1, actor_table),
        monthly=monthly(table, fatalities),
        countries=countries,
        admin1=admin1,
        actors=actor_table,
        disorder=grouped({"disorder_type": text_of(column_or_blank(table, "disorder_type"))},
                         fatalities),
        source_scale=ordered(blank_label(scales, "source_scale", ["events"]), "events",
                             ["source_scale"]),
        quality=quality(table, provenance, repairs, candidates_left_out),
        deletions=0 if deletions is None else deletions.num_rows,
        deleted_now=deleted_now,
        latitude=lat.to_numpy(zero_copy_only=False).astype(np.float64),
        longitude=lon.to_numpy(zero_copy_only=False).astype(np.float64),
    )
