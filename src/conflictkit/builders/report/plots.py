"""One chart of the release report for any events table: what ``ck.plot`` draws.

Each kind pairs the report's summary of the events (`summary`) with its chart (`charts`,
`eventmap`), so a researcher's filtered frame is drawn exactly as the report draws a release,
as a matplotlib Figure to show in a notebook or save. Nothing here is drawn differently from
the page; only the "top N" cut is the caller's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from conflictkit.builders.report import charts, eventmap, summary

if TYPE_CHECKING:
    import pyarrow as pa
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class Kind:
    """A chart `plot_events` can draw: the columns it reads and how it draws them."""

    name: str
    description: str
    columns: tuple[str, ...]
    draw: Callable[[pa.Table, int], Figure | None]


def _timeline(table: pa.Table, top: int) -> Figure | None:
    monthly = summary.monthly(table, summary.fatalities_of(table))
    return None if monthly.empty else charts.timeline_figure(monthly)


def _map(table: pa.Table, top: int) -> Figure | None:
    lat = summary.column_or_blank(table, "latitude").to_numpy(zero_copy_only=False)
    lon = summary.column_or_blank(table, "longitude").to_numpy(zero_copy_only=False)
    return eventmap.map_figure(lon.astype(float), lat.astype(float))


def _top(frame: pd.DataFrame, label: str, top: int, title: str) -> Figure | None:
    if frame.empty:
        return None
    fig = charts.top_bars_figure(frame.head(top), label)
    fig.suptitle(title, x=0.0, ha="left", fontweight="bold")
    return fig


def _countries(table: pa.Table, top: int) -> Figure | None:
    country = summary.text_of(summary.column_or_blank(table, "country"))
    frame = summary.grouped({"country": country}, summary.fatalities_of(table))
    return _top(frame, "country", top, f"Top {min(top, len(frame))} of {len(frame)} countries")


def _admin1(table: pa.Table, top: int) -> Figure | None:
    frame = summary.grouped(
        {"country": summary.text_of(summary.column_or_blank(table, "country")),
         "admin1": summary.text_of(summary.column_or_blank(table, "admin1"))},
        summary.fatalities_of(table))
    if frame["country"].nunique() > 1:  # the same admin1 name may exist in two countries
        frame = frame.assign(admin1=frame["admin1"] + " (" + frame["country"] + ")")
    return _top(frame, "admin1", top, f"Top {min(top, len(frame))} of {len(frame)} admin1 units")


def _actors(table: pa.Table, top: int) -> Figure | None:
    frame = summary.actors(table, summary.fatalities_of(table))
    return _top(frame, "actor", top, f"Top {min(top, len(frame))} of {len(frame)} actors "
                                     "(actor1 or actor2)")


def _disorder(table: pa.Table, top: int) -> Figure | None:
    frame = summary.grouped(
        {"disorder_type": summary.text_of(summary.column_or_blank(table, "disorder_type"))},
        summary.fatalities_of(table))
    if frame.empty:
        return None
    return charts.bars_figure(frame, "disorder_type", "Events by disorder type",
                              charts.DISORDER_COLOURS, width=charts.WIDTH)


def _source_scale(table: pa.Table, top: int) -> Figure | None:
    scales = summary.grouped(
        {"source_scale": summary.text_of(summary.column_or_blank(table, "source_scale"))},
        None, dropna=False)
    scales = summary.ordered(summary.blank_label(scales, "source_scale", ["events"]), "events",
                             ["source_scale"]).head(top)
    return charts.bars_figure(scales, "source_scale", "Events by source scale",
                              width=charts.WIDTH)


def _precision(table: pa.Table, top: int) -> Figure | None:
    return charts.precision_figure(summary.precision(table, "geo_precision"),
                                   summary.precision(table, "time_precision"))


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("timeline", "events and reported fatalities per month, stacked by event type",
         ("event_date", "event_type", "fatalities"), _timeline),
    Kind("map", "event locations, binned into cells", ("latitude", "longitude"), _map),
    Kind("countries", "events and fatalities of the top countries", ("country", "fatalities"),
         _countries),
    Kind("admin1", "events and fatalities of the top admin1 units",
         ("country", "admin1", "fatalities"), _admin1),
    Kind("actors", "events and fatalities of the top actors (actor1 or actor2)",
         ("actor1", "actor2", "fatalities"), _actors),
    Kind("disorder", "events by disorder type", ("disorder_type", "fatalities"), _disorder),
    Kind("source_scale", "events by source scale", ("source_scale",), _source_scale),
    Kind("precision", "share of events by geo and time precision",
         ("geo_precision", "time_precision"), _precision),
)}


def plot_events(table: pa.Table, kind: str, *, top: int = summary.TOP) -> Figure | None:
    """The report's `kind` chart of the events in `table` (columns of `KINDS[kind]`), drawn
    with the report's settings whatever the caller's matplotlib style; None when there is
    nothing to draw (no dated events for a timeline, no coordinates for a map)."""
    with charts.drawing():
        return KINDS[kind].draw(table, top)
