"""The filters `load` takes, checked once and expressed twice: as an Arrow expression (pushed into
the Parquet scan, where row-group statistics prune whole groups) and as a pandas mask (for
exports, which have to be read whole anyway). Both come from the same `Filters`, so a CSV and a
Parquet copy of a release give the same rows for the same call.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from conflictkit.errors import UsageError
from conflictkit.schema import vocab

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow.compute as pc

#: a date bound: a date or datetime, ISO text ("2020-03-01", "2020-03", "2020") or a year (2020)
DateLike = str | int | dt.date | dt.datetime

_YEAR = re.compile(r"^\d{4}$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True)
class Filters:
    """Checked, canonical filter values; None means "no filter on this column"."""

    countries: tuple[str, ...] | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    event_types: tuple[str, ...] | None = None
    sub_event_types: tuple[str, ...] | None = None
    actors: tuple[str, ...] | None = None

    @property
    def empty(self) -> bool:
        return all(getattr(self, f) is None for f in self.__dataclass_fields__)

    def columns(self) -> set[str]:
        """Columns the filter reads (they need not be among the columns returned)."""
        needed: set[str] = set()
        if self.countries is not None:
            needed.add("country")
        if self.start is not None or self.end is not None:
            needed.add("event_date")
        if self.event_types is not None:
            needed.add("event_type")
        if self.sub_event_types is not None:
            needed.add("sub_event_type")
        if self.actors is not None:
            needed.update(("actor1", "assoc_actor_1", "actor2", "assoc_actor_2"))
        return needed


def _as_tuple(name: str, value: str | Iterable[str]) -> tuple[str, ...]:
    items = (value,) if isinstance(value, str) else tuple(value)
    if not items:
        raise UsageError(f"{name}: an empty list would select nothing; pass None for no filter")
    for item in items:
        if not isinstance(item, str):
            raise UsageError(f"{name}: expected names (str), got {item!r}")
    return tuple(dict.fromkeys(items))


def parse_date(value: DateLike, *, name: str, end: bool) -> dt.date:
    """A date bound from a date, a datetime, ISO text or a year; a year (2020 or "2020") and a
    month ("2020-03") are whole periods: start takes their first day, end their last, so
    ``start=2020, end=2021`` is 1 January 2020 to 31 December 2021."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise UsageError(f"{name}: expected a date or a year, got {value!r}")
    if hasattr(value, "__index__") and not isinstance(value, str):  # int, numpy integer
        year = int(value)  # type: ignore[arg-type]
        if not dt.MINYEAR <= year <= dt.MAXYEAR:
            raise UsageError(f"{name}: {value!r} is not a year (1 to 9999)")
        return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
    if type(value).__name__ == "datetime64":  # numpy scalar
        import numpy as np

        if np.isnat(value):
            raise UsageError(f"{name}: NaT is not a date")
        return value.astype("datetime64[D]").item()
    if not isinstance(value, str):
        raise UsageError(f"{name}: expected a date, 'YYYY-MM-DD' or a year, got {value!r}")
    text = value.strip()
    try:
        if _YEAR.match(text):
            year = int(text)
            return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
        month = _MONTH.match(text)
        if month:
            year, mon = int(month[1]), int(month[2])
            day = calendar.monthrange(year, mon)[1] if end else 1
            return dt.date(year, mon, day)
        if len(text) > 10 and text[10] in "T ":  # a timestamp: its day
            text = text[:10]
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise UsageError(
            f"{name}: {value!r} is not a date (use YYYY-MM-DD, YYYY-MM or YYYY)"
        ) from exc


def _resolve_vocab(name: str, values: tuple[str, ...], allowed: Iterable[str]) -> tuple[str, ...]:
    """Exact vocabulary values, matched case-insensitively; unknown ones are a usage error."""
    by_lower = {a.casefold(): a for a in allowed}
    resolved, unknown = [], []
    for value in values:
        hit = by_lower.get(value.strip().casefold())
        if hit:
            resolved.append(hit)
        else:
            unknown.append(value)
    if unknown:
        raise UsageError(
            f"{name}: unknown value(s) {', '.join(map(repr, unknown))}; "
            f"expected one of: {', '.join(by_lower.values())}"
        )
    return tuple(dict.fromkeys(resolved))


def _resolve_countries(values: tuple[str, ...]) -> tuple[str, ...]:
    from conflictkit.reference.countries import countries, resolve_country

    resolved, unknown = [], []
    for value in values:
        hit = resolve_country(value)
        if hit:
            resolved.append(hit)
        else:
            unknown.append(value)
    if unknown:
        from rapidfuzz import process

        names = countries()["country"].astype(str).tolist()
        hints = []
        for value in unknown:
            close = [m[0] for m in process.extract(value, names, limit=3, score_cutoff=60)]
            hints.append(f"{value!r}" + (f" (did you mean {', '.join(close)}?)" if close else ""))
        raise UsageError(f"countries: unknown country {'; '.join(hints)}")
    return tuple(dict.fromkeys(resolved))


def make_filters(
    *,
    countries: str | Iterable[str] | None = None,
    start: DateLike | None = None,
    end: DateLike | None = None,
    event_types: str | Iterable[str] | None = None,
    sub_event_types: str | Iterable[str] | None = None,
    actors: str | Iterable[str] | None = None,
) -> Filters:
    """Check every filter argument up front, before any file is opened."""
    start_date = parse_date(start, name="start", end=False) if start is not None else None
    end_date = parse_date(end, name="end", end=True) if end is not None else None
    if start_date and end_date and start_date > end_date:
        raise UsageError(f"start {start_date} is after end {end_date}")
    return Filters(
        countries=_resolve_countries(_as_tuple("countries", countries))
        if countries is not None else None,
        start=start_date,
        end=end_date,
        event_types=_resolve_vocab("event_types", _as_tuple("event_types", event_types),
                                   vocab.EVENT_TYPES) if event_types is not None else None,
        sub_event_types=_resolve_vocab(
            "sub_event_types", _as_tuple("sub_event_types", sub_event_types),
            vocab.ALL_SUB_EVENT_TYPES) if sub_event_types is not None else None,
        actors=_as_tuple("actors", actors) if actors is not None else None,
    )


def _list_item_pattern(names: tuple[str, ...]) -> str:
    """Regex matching a whole item of a '; '-separated list, for any of `names`."""
    sep = re.escape(vocab.LIST_SEPARATOR)
    alternatives = "|".join(re.escape(n) for n in names)
    return f"(?:^|{sep})(?:{alternatives})(?:{sep}|$)"


def arrow_expression(filters: Filters, *, year_partition: bool = False) -> pc.Expression | None:
    """The filters as one Arrow expression; None when there is nothing to filter.

    `year_partition` adds a condition on the `year` partition key so a hive-partitioned release
    skips whole directories (year is derived from event_date, so the condition is implied).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    parts: list[Any] = []
    if filters.countries is not None:
        parts.append(pc.field("country").isin(pa.array(filters.countries, pa.string())))
    if filters.start is not None:
        parts.append(pc.field("event_date") >= pa.scalar(filters.start, pa.date32()))
        if year_partition:
            parts.append(pc.field("year") >= pa.scalar(filters.start.year, pa.int16()))
    if filters.end is not None:
        parts.append(pc.field("event_date") <= pa.scalar(filters.end, pa.date32()))
        if year_partition:
            parts.append(pc.field("year") <= pa.scalar(filters.end.year, pa.int16()))
    if filters.event_types is not None:
        parts.append(pc.field("event_type").isin(pa.array(filters.event_types, pa.string())))
    if filters.sub_event_types is not None:
        parts.append(
            pc.field("sub_event_type").isin(pa.array(filters.sub_event_types, pa.string()))
        )
    if filters.actors is not None:
        names = pa.array(filters.actors, pa.string())
        pattern = _list_item_pattern(filters.actors)
        actor = (
            pc.field("actor1").isin(names)
            | pc.field("actor2").isin(names)
            | pc.match_substring_regex(pc.field("assoc_actor_1"), pattern)
            | pc.match_substring_regex(pc.field("assoc_actor_2"), pattern)
        )
        # a null assoc list makes the `|` null (not false), which a filter drops: fill it
        parts.append(pc.if_else(pc.is_null(actor), False, actor))
    if not parts:
        return None
    expression = parts[0]
    for part in parts[1:]:
        expression = expression & part
    return expression


def pandas_mask(frame: pd.DataFrame, filters: Filters) -> pd.Series:
    """The same filters as a boolean mask over a typed frame (vectorised, no row loop)."""
    import pandas as pd

    mask = pd.Series(True, index=frame.index)
    if filters.countries is not None:
        mask &= frame["country"].isin(filters.countries).to_numpy(dtype=bool)
    if filters.start is not None:
        mask &= (frame["event_date"] >= pd.Timestamp(filters.start)).to_numpy(dtype=bool)
    if filters.end is not None:
        mask &= (frame["event_date"] <= pd.Timestamp(filters.end)).to_numpy(dtype=bool)
    if filters.event_types is not None:
        mask &= frame["event_type"].isin(filters.event_types).to_numpy(dtype=bool)
    if filters.sub_event_types is not None:
        mask &= frame["sub_event_type"].isin(filters.sub_event_types).to_numpy(dtype=bool)
    if filters.actors is not None:
        pattern = _list_item_pattern(filters.actors)
        hit = frame["actor1"].isin(filters.actors).to_numpy(dtype=bool, copy=True)
        hit |= frame["actor2"].isin(filters.actors).to_numpy(dtype=bool)
        for assoc in ("assoc_actor_1", "assoc_actor_2"):
            found = frame[assoc].astype("str").str.contains(pattern, regex=True)
            hit |= found.fillna(False).to_numpy(dtype=bool)
        mask &= hit
    return mask
