"""ck.plot: the release report's charts, drawn from Python for one (filtered) frame."""

from __future__ import annotations

import io

import matplotlib as mpl
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from matplotlib.figure import Figure
from test_load_data import make_events, write_release

import conflictkit as ck
from conflictkit.builders.report import charts, eventmap, summary
from conflictkit.builders.report.plots import KINDS
from conflictkit.errors import ConflictkitError, UsageError


@pytest.fixture(scope="module")
def df(tmp_path_factory) -> pd.DataFrame:
    root = write_release(make_events(600, seed=4), tmp_path_factory.mktemp("plot") / "1.0.0")
    return ck.load(root)


def _svg(fig: Figure, label: str = "label") -> str:
    """The figure as the report writes it (its SVG ids come from the report's settings)."""
    with charts.drawing():
        return charts.to_svg(fig, "k", label)


def _bar_labels_and_widths(ax) -> tuple[list[str], list[float]]:
    labels = [t.get_text() for t in ax.get_yticklabels()]
    widths = [p.get_width() for p in ax.patches]
    return labels, widths


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_draws_a_figure_that_renders(df, kind):
    fig = ck.plot(df, kind=kind)
    assert isinstance(fig, Figure) and fig.axes
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=40)
    assert buffer.getvalue().startswith(b"\x89PNG")


def test_the_chart_is_the_reports_own(df):
    """Same code, same drawing: ck.plot's figure gives the SVG the report embeds."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    with charts.drawing():
        report_timeline = charts.timeline(summary.monthly(table, summary.fatalities_of(table)),
                                          key="k")
        lon = df["longitude"].to_numpy(dtype=float, na_value=np.nan)
        lat = df["latitude"].to_numpy(dtype=float, na_value=np.nan)
        report_map = eventmap.event_map(lon, lat, key="k")
    timeline = _svg(ck.plot(df, kind="timeline"), "Events and fatalities per month by event type")
    assert timeline == report_timeline
    assert _svg(ck.plot(df, kind="map"), "Map of event locations") == report_map


def test_top_bars_count_the_frames_events(df):
    fig = ck.plot(df, kind="countries", top=3)
    events, fatalities = fig.axes
    labels, widths = _bar_labels_and_widths(events)
    counts = df.groupby("country", observed=True).size()
    expected = counts.sort_values(ascending=False, kind="stable").head(3)
    assert labels == list(expected.index) and widths == expected.tolist()
    deaths = df.groupby("country", observed=True)["fatalities"].sum()
    assert _bar_labels_and_widths(fatalities)[1] == deaths[labels].tolist()


def test_a_filtered_frame_is_drawn_alone(df):
    syria = df[df["country"] == "Syria"]
    labels, widths = _bar_labels_and_widths(ck.plot(syria, kind="admin1").axes[0])
    assert set(labels) <= set(syria["admin1"]) and sum(widths) == len(syria)
    # several countries: an admin1 is named with its country
    labels, _ = _bar_labels_and_widths(ck.plot(df, kind="admin1", top=50).axes[0])
    assert all(label.endswith(")") for label in labels)


def test_the_users_matplotlib_style_does_not_change_the_chart(df):
    plain = _svg(ck.plot(df, kind="disorder"))
    with mpl.rc_context({"font.size": 20, "axes.facecolor": "black", "lines.linewidth": 9}):
        styled = _svg(ck.plot(df, kind="disorder"))
    assert styled == plain


def test_a_frame_with_only_the_needed_columns(df, tmp_path):
    slim = df[["event_date", "event_type", "fatalities"]]
    assert isinstance(ck.plot(slim), Figure)


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda d: ck.plot(d, kind="pie"), UsageError, r"unknown kind 'pie'; one of: timeline"),
    (lambda d: ck.plot(d[["country"]], kind="timeline"), UsageError,
     "needs column.s. event_date, event_type, fatalities"),
    (lambda d: ck.plot(d, kind="countries", top=0), UsageError, "top must be a positive"),
    (lambda d: ck.plot(d.iloc[:0]), ConflictkitError, "holds no events"),
    (lambda d: ck.plot(d.assign(latitude=np.nan), kind="map"), ConflictkitError,
     "no events with coordinates"),
    (lambda d: ck.plot(d.to_dict()), UsageError, "must be a DataFrame"),
])
def test_bad_calls_are_clear_errors(df, call, error, message):
    with pytest.raises(error, match=message):
        call(df)
