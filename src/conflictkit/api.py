"""The functions ``import conflictkit as ck`` offers that span the layers.

`load` reads releases and Parquet through `conflictkit.loading` and existing exports (ACLED of
any era, UCDP GED) through the importers' registry; `plot` draws a frame with the release
report's charts. `loading` itself never imports the builders, so this is where they meet.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from conflictkit.loading.filters import DateLike
    from conflictkit.problems.report import Report


def read_export(path: Path) -> tuple[pd.DataFrame, Report, str]:
    """An export recognised from its header and imported: (accepted events, report, format)."""
    from conflictkit.builders.importers.detect import detect_file
    from conflictkit.builders.importers.registry import FORMATS_BY_NAME
    from conflictkit.errors import InputFileError

    found = detect_file(path)
    # a spreadsheet's header is only read by the reader; ACLED is the format shipped as XLSX
    name = "acled" if found.kind == "spreadsheet" else found.kind
    if name not in FORMATS_BY_NAME:
        raise InputFileError(str(path), "not Parquet, a release or a known export ("
                             f"{', '.join(FORMATS_BY_NAME)}): {found.reason}")
    result = FORMATS_BY_NAME[name].read(path)
    return result.events, result.report, name


def load(
    source: str | Path,
    *,
    countries: str | Iterable[str] | None = None,
    start: DateLike | None = None,
    end: DateLike | None = None,
    event_types: str | Iterable[str] | None = None,
    sub_event_types: str | Iterable[str] | None = None,
    actors: str | Iterable[str] | None = None,
    columns: str | Iterable[str] | None = None,
    verify: bool = False,
) -> pd.DataFrame:
    """Events as a typed pandas frame, filtered while they are read.

    source: a release directory; a dataset repository (a folder with conflictkit.toml: its
    latest release, named by a `LatestReleaseWarning` and ``df.attrs["load"]["release"]``); a
    Parquet file or folder; or an ACLED export (any era, CSV/XLSX) or UCDP GED CSV, recognised
    from its header. countries: ACLED names or aliases ("DR Congo"); start/end: inclusive
    bounds as dates, "YYYY-MM-DD" / "YYYY-MM" / "YYYY" text or a year (2020: the whole year, so
    end=2021 runs to 31 December 2021); event_types/sub_event_types: ACLED vocabulary
    (case-insensitive); actors: exact actor names, matched in actor1, actor2 and the assoc
    lists; columns: ACLED columns to return, in the order given (all 31 by default); verify:
    check the release's SHA256SUMS first. Returns event_date as datetime64[s], vocabulary
    columns as categoricals with every declared level, nullable integers and `str` text, on a
    RangeIndex. ``df.attrs["load"]`` says what was read (and skipped); for an export,
    ``df.attrs["report"]`` lists the records that could not be imported.

    >>> df = ck.load("releases/1.1.0", countries="Syria", start=2018, end=2019)
    >>> battles = ck.load("my-dataset", event_types="Battles")  # its latest release
    >>> old = ck.load("acled_export.csv", columns=["event_date", "country", "fatalities"])
    """
    from conflictkit.loading.read import load as load_events

    options: dict[str, Any] = {
        "countries": countries, "start": start, "end": end, "event_types": event_types,
        "sub_event_types": sub_event_types, "actors": actors, "columns": columns,
        "verify": verify}
    return load_events(source, read_export=read_export, **options)


def plot(df: pd.DataFrame, kind: str = "timeline", *, top: int = 15) -> Figure:
    """One chart of the release report, drawn for this frame (e.g. one filtered selection).

    kind: "timeline" (events and fatalities per month by event type), "map", "countries",
    "admin1", "actors" (the `top` with most events, events beside fatalities), "disorder",
    "source_scale" or "precision". Returns a matplotlib Figure drawn as the report draws it
    (the same code, whatever your matplotlib style): a notebook shows it, ``fig.savefig(...)``
    writes it. Needs only the columns the chart reads, so ``ck.load(..., columns=[...])``
    frames work.

    >>> syria = ck.load("releases/1.1.0", countries="Syria", start=2018, end=2019)
    >>> fig = ck.plot(syria, kind="timeline")
    >>> ck.plot(syria, kind="admin1", top=10).savefig("syria-admin1.png", dpi=150)
    """
    import pandas as pd
    import pyarrow as pa

    from conflictkit.builders.report.plots import KINDS, plot_events
    from conflictkit.errors import ConflictkitError, UsageError

    if not isinstance(df, pd.DataFrame):
        raise UsageError(f"plot: df must be a DataFrame of events, got {type(df).__name__}")
    if kind not in KINDS:
        raise UsageError(f"plot: unknown kind {kind!r}; one of: "
                         + "; ".join(f"{k.name} ({k.description})" for k in KINDS.values()))
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise UsageError(f"plot: top must be a positive whole number, got {top!r}")
    needed = KINDS[kind].columns
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise UsageError(f"plot: kind {kind!r} needs column(s) {', '.join(missing)}, which "
                         "the frame lacks (load them with ck.load's columns=)")
    if df.empty:
        raise ConflictkitError("plot: the frame holds no events, so there is nothing to draw")
    try:
        table = pa.Table.from_pandas(df[list(needed)], preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError) as exc:
        raise UsageError(f"plot: the columns {', '.join(needed)} are not an events table's "
                         f"({exc}); load the frame with ck.load") from exc
    fig = plot_events(table, kind, top=top)
    if fig is None:
        what = "dated events" if kind == "timeline" else "events with coordinates"
        raise ConflictkitError(f"plot: the frame holds no {what} to draw a {kind}")
    return fig
