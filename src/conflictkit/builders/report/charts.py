"""Charts as static, inline SVG drawn by matplotlib: readable without JavaScript, and the same
bytes on every machine. Each chart is a `*_figure` function (a matplotlib Figure, which
`ck.plot` hands to researchers) and its SVG form for the page.

Byte-stability: figures are drawn with matplotlib's own defaults (never the user's
matplotlibrc or style) plus `RC`; text is drawn as glyph outlines from the DejaVu Sans that
matplotlib ships (never a system font), the SVG's ``<metadata>`` (creation date) is dropped and
element ids come from a fixed salt; each figure's ids are then prefixed with its key so that
several SVGs live in one HTML page without clashing. No raster images: every mark is a path.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from conflictkit.schema import vocab

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH = 10.0  # inches; 720 SVG points, scaled to the page width by CSS
FONT = "DejaVu Sans"
RC: dict[str, Any] = {
    "svg.hashsalt": "conflictkit-report",
    "svg.fonttype": "path",
    "font.family": [FONT],
    "font.size": 9.0,
    "axes.titlesize": 10.0,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#8c8c8c",
    "axes.labelcolor": "#333333",
    "xtick.color": "#555555",
    "ytick.color": "#555555",
    "axes.grid": True,
    "grid.color": "#e4e4e4",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "legend.frameon": False,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "path.simplify": True,
    "path.simplify_threshold": 0.3,
}

# Okabe-Ito colours (distinguishable with the common colour-vision deficiencies)
EVENT_TYPE_COLOURS: dict[str, str] = {
    "Battles": "#D55E00",
    "Explosions/Remote violence": "#E69F00",
    "Violence against civilians": "#CC79A7",
    "Protests": "#0072B2",
    "Riots": "#56B4E9",
    "Strategic developments": "#009E73",
    "(blank)": "#999999",
}
DISORDER_COLOURS: dict[str, str] = {
    vocab.POLITICAL_VIOLENCE: "#D55E00",
    vocab.DEMONSTRATIONS: "#0072B2",
    vocab.PV_AND_DEMONSTRATIONS: "#7E57A8",
    vocab.STRATEGIC_DEVELOPMENTS: "#009E73",
}
NEUTRAL = "#4C6A92"
CHANGE_COLOURS = {"added": "#009E73", "modified": "#E69F00", "deleted": "#B8312F"}


@contextmanager
def drawing() -> Iterator[None]:
    """matplotlib's defaults plus `RC`, whatever the caller's own settings; restored after."""
    import matplotlib as mpl

    with mpl.rc_context():
        mpl.rcdefaults()
        mpl.rcParams.update(RC)
        yield


def check_font() -> None:
    """Fail loudly if the text font would not be the DejaVu Sans matplotlib ships (a system
    copy of another version would change the glyph outlines, hence the bytes)."""
    from pathlib import Path

    import matplotlib as mpl
    from matplotlib import font_manager

    for weight in ("normal", "bold"):
        found = Path(font_manager.findfont(font_manager.FontProperties(family=FONT,
                                                                       weight=weight)))
        if Path(mpl.get_data_path()) not in found.parents:
            raise RuntimeError(f"matplotlib picked {found} for {FONT}, not its own copy")


def figure(height: float, width: float = WIDTH) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


_ID = re.compile(r'\bid="([^"]+)"')
_HREF = re.compile(r'(xlink:href|href)="#([^"]+)"')
_URL = re.compile(r"url\(#([^)]+)\)")
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_ROOT = re.compile(r'<svg([^>]*?) width="[^"]*" height="[^"]*"')


def to_svg(fig: Figure, key: str, label: str) -> str:
    """The figure as an SVG element for inline use: ids prefixed with `key`, scalable to the
    page width, with `label` as its accessible name."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    text = _METADATA.sub("", text)
    text = _ID.sub(lambda m: f'id="{key}-{m.group(1)}"', text)
    text = _HREF.sub(lambda m: f'{m.group(1)}="#{key}-{m.group(2)}"', text)
    text = _URL.sub(lambda m: f"url(#{key}-{m.group(1)})", text)
    from html import escape

    text = _ROOT.sub(lambda m: f'<svg{m.group(1)} class="chart" role="img" '
                               f'aria-label="{escape(label)}"', text, count=1)
    return text.strip() + "\n"


def counts_axis(axis: Any, *, signed: bool = False) -> None:
    """Ticks at whole numbers, written with thousands separators."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True, nbins=6))
    axis.set_major_formatter(FuncFormatter(
        lambda v, _: (f"{v:+,.0f}" if signed and v else f"{v:,.0f}").replace("-", "−")))


def step_outline(edges: np.ndarray, bottom: np.ndarray, top: np.ndarray) -> np.ndarray:
    """The polygon of one stacked step layer (month i spans edges[i]..edges[i+1]), without
    repeated or collinear vertices: runs of equal months cost no bytes in the SVG."""
    left, right = edges[:-1], edges[1:]
    upper = np.column_stack([left, top, right, top]).reshape(-1, 2)
    # back along the bottom, last month first, each month from its right edge to its left
    lower = np.column_stack([right, bottom, left, bottom])[::-1].reshape(-1, 2)
    points = np.concatenate([upper, lower])
    keep = np.r_[True, np.any(points[1:] != points[:-1], axis=1)]
    points = points[keep]
    before, after = np.roll(points, 1, axis=0), np.roll(points, -1, axis=0)
    inline = (((before[:, 0] == points[:, 0]) & (after[:, 0] == points[:, 0]))
              | ((before[:, 1] == points[:, 1]) & (after[:, 1] == points[:, 1])))
    return points[~inline]


def timeline(monthly: pd.DataFrame, key: str = "timeline") -> str:
    """Events and fatalities per month, stacked by event type (`timeline_figure`), as SVG."""
    return to_svg(timeline_figure(monthly), key, "Events and fatalities per month by event type")


def timeline_figure(monthly: pd.DataFrame) -> Figure:
    """Events and fatalities per month, stacked by event type, drawn as step areas (one
    polygon per event type, whatever the number of months)."""
    from matplotlib import dates as mdates
    from matplotlib.collections import PolyCollection
    from matplotlib.patches import Patch

    months = np.sort(monthly["month"].unique()).astype("datetime64[M]")
    edges = mdates.date2num(np.append(months, months[-1] + 1).astype("datetime64[D]"))
    order = [t for t in EVENT_TYPE_COLOURS if t in set(monthly["event_type"])]
    fig = figure(5.6)
    axes = fig.subplots(2, 1, sharex=True)
    for ax, measure, title in ((axes[0], "events", "Events per month"),
                               (axes[1], "fatalities", "Reported fatalities per month")):
        wide = monthly.pivot(index="month", columns="event_type", values=measure) \
            .reindex(index=months, columns=order).fillna(0).to_numpy(dtype=float)
        bottom = np.zeros(len(months))
        layers, colours = [], []
        for i, name in enumerate(order):
            top = bottom + wide[:, i]
            if wide[:, i].any():
                layers.append(step_outline(edges, bottom, top))
                colours.append(EVENT_TYPE_COLOURS[name])
            bottom = top
        # one collection, limits set below: add_patch would walk every vertex in Python
        ax.add_collection(PolyCollection(layers, facecolors=colours, linewidths=0),
                          autolim=False)
        ax.set_title(title)
        ax.set_ylim(0, max(bottom.max() * 1.05, 1))
        counts_axis(ax.yaxis)
    span = edges[-1] - edges[0]
    axes[1].set_xlim(edges[0] - span * 0.01, edges[-1] + span * 0.01)
    axes[1].xaxis_date()
    locator = mdates.AutoDateLocator(minticks=4, maxticks=12)
    axes[1].xaxis.set_major_locator(locator)
    axes[1].xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    handles = [Patch(facecolor=EVENT_TYPE_COLOURS[name], label=name) for name in order]
    axes[0].legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.12), ncols=3,
                   fontsize=8.5, handlelength=1.2, borderaxespad=0)
    return fig


def _hbars(ax: Axes, labels: Sequence[str], values: Sequence[float],
           colours: Sequence[str] | str, *, show_labels: bool = True) -> None:
    """Horizontal bars, first label at the top, each value written at the end of its bar."""
    y = np.arange(len(labels))
    bars = ax.barh(y, values, color=colours, height=0.7)
    if show_labels:  # axes sharing y: the labelled one sets the ticks and inverts, once
        ax.set_yticks(y, labels)
        ax.invert_yaxis()
    else:
        ax.tick_params(axis="y", labelleft=False)
    ax.grid(axis="y", visible=False)
    ax.bar_label(bars, labels=[f"{v:,.0f}" for v in values], padding=3, fontsize=8)
    top = max(values) if len(values) else 0
    ax.set_xlim(0, top * 1.18 if top > 0 else 1)
    counts_axis(ax.xaxis)
    ax.tick_params(axis="y", length=0)


def top_bars(frame: pd.DataFrame, label: str, key: str, title: str) -> str:
    """Events and fatalities side by side (`top_bars_figure`), as SVG."""
    return to_svg(top_bars_figure(frame, label), key, title)


def top_bars_figure(frame: pd.DataFrame, label: str) -> Figure:
    """Events and fatalities side by side for the rows of `frame` (already in order)."""
    labels = [_short(v) for v in frame[label]]
    fig = figure(0.9 + 0.24 * len(labels))
    left, right = fig.subplots(1, 2, sharey=True, width_ratios=[1.1, 1])
    _hbars(left, labels, frame["events"].tolist(), NEUTRAL)
    _hbars(right, labels, frame["fatalities"].tolist(), "#B8312F", show_labels=False)
    left.set_title("Events")
    right.set_title("Reported fatalities")
    return fig


def _short(text: str, limit: int = 38) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bars(frame: pd.DataFrame, label: str, key: str, title: str,
         colours: dict[str, str] | None = None, width: float = WIDTH / 2) -> str:
    """One horizontal bar per row of `frame` (`bars_figure`), as SVG."""
    return to_svg(bars_figure(frame, label, title, colours, width), key, title)


def bars_figure(frame: pd.DataFrame, label: str, title: str,
                colours: dict[str, str] | None = None, width: float = WIDTH / 2) -> Figure:
    """One horizontal bar per row of `frame` (events), in its order, for half the page."""
    labels = [_short(v, 34) for v in frame[label]]
    fig = figure(0.75 + 0.27 * max(len(labels), 1), width=width)
    ax = fig.subplots()
    fill = [colours.get(v, "#999999") for v in frame[label]] if colours else NEUTRAL
    _hbars(ax, labels, frame["events"].tolist(), fill)
    ax.set_title(title)
    return fig


PRECISION_COLOURS = ("#1b7837", "#7fbf7b", "#d9b0d6", "#bbbbbb")


def precision(geo: pd.DataFrame, time: pd.DataFrame, key: str = "precision") -> str:
    """Share of events at each geo and time precision (`precision_figure`), as SVG."""
    return to_svg(precision_figure(geo, time), key, "Share of events by geo and time precision")


def precision_figure(geo: pd.DataFrame, time: pd.DataFrame) -> Figure:
    """Share of events at each geo and time precision, as two 100% bars (code 1 = most
    precise, 3 = least; the legend says what each code means for places and for dates)."""
    from matplotlib.patches import Patch

    fig = figure(2.0)
    ax = fig.subplots()
    rows = (("Where (geo_precision)", geo), ("When (time_precision)", time))
    for y, (_, frame) in enumerate(rows):
        total = max(int(frame["events"].sum()), 1)
        left = 0.0
        for code, events in zip(frame["precision"], frame["events"], strict=True):
            share = events / total * 100
            index = int(code) - 1 if pd.notna(code) and 1 <= code <= 3 else 3
            ax.barh(y, share, left=left, color=PRECISION_COLOURS[index], height=0.62,
                    edgecolor="white", linewidth=0.8)
            if share >= 4:
                ax.text(left + share / 2, y, f"{share:.0f}%", ha="center", va="center",
                        fontsize=8, color="white" if index == 0 else "#1a1a1a")
            left += share
    ax.set_yticks([0, 1], [name for name, _ in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of events")
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="y", length=0)
    labels = ("1: town / day", "2: near a town, district / week", "3: larger region / month",
              "blank")
    shown = [i for i in range(4) if i < 3 or geo["precision"].isna().any()
             or time["precision"].isna().any()]
    fig.legend(handles=[Patch(facecolor=PRECISION_COLOURS[i], label=labels[i]) for i in shown],
               loc="outside lower center", ncols=len(shown), fontsize=8)
    return fig


def changes(by_type: pd.DataFrame, key: str = "changes") -> str:
    """Events added, modified and deleted, and the fatalities delta, per event type."""
    labels = [_short(v, 30) for v in by_type["event_type"]]
    fig = figure(1.1 + 0.42 * max(len(labels), 1))
    left, right = fig.subplots(1, 2, sharey=True, width_ratios=[1.3, 1])
    y = np.arange(len(labels))
    height = 0.26
    for i, kind in enumerate(("added", "modified", "deleted")):
        values = by_type[kind].to_numpy()
        bars = left.barh(y + (i - 1) * height, values, height=height,
                         color=CHANGE_COLOURS[kind], label=kind)
        left.bar_label(bars, labels=[f"{v:,}" if v else "" for v in values], padding=2,
                       fontsize=7)
    left.set_yticks(y, labels)
    left.invert_yaxis()
    left.grid(axis="y", visible=False)
    left.tick_params(axis="y", length=0)
    top = by_type[["added", "modified", "deleted"]].to_numpy().max() if len(by_type) else 0
    left.set_xlim(0, top * 1.2 if top > 0 else 1)
    counts_axis(left.xaxis)
    left.set_title("Events added, modified, deleted")
    fig.legend(handles=left.containers, labels=["added", "modified", "deleted"],
               loc="outside lower left", ncols=3, fontsize=8)
    delta = by_type["fatalities_delta"].to_numpy()
    bars = right.barh(y, delta, height=0.6,
                      color=["#B8312F" if d > 0 else "#4C6A92" for d in delta])
    right.bar_label(bars, labels=[f"{d:+,}".replace("-", "−") if d else "0" for d in delta],
                    padding=2, fontsize=7)
    right.axvline(0, color="#555555", linewidth=0.8)
    low, high = (min(delta.min(), 0), max(delta.max(), 0)) if len(delta) else (0, 0)
    pad = max(high - low, 1) * 0.3  # room for the labels at the bar ends
    right.set_xlim(low - (pad if low < 0 else pad / 6), high + (pad if high > 0 else pad / 6))
    counts_axis(right.xaxis, signed=True)
    right.tick_params(axis="y", labelleft=False)
    right.grid(axis="y", visible=False)
    right.set_title("Fatalities delta")
    return to_svg(fig, key, "Changes since the previous release by event type")
