"""``conflictkit info RELEASE``: what a release holds, counted by country, year and event type.

Reads only the four columns it counts (Arrow group-by), plus datapackage.json for the version,
creation time and changes, so it is quick on a large release in either layout.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from conflictkit.layout.release import (
    check_release_dir,
    layout_name,
    read_datapackage,
    read_deletions,
    read_events,
)


def _counts(table: pa.Table, column: str) -> dict[str, int]:
    grouped = table.group_by(column, use_threads=False).aggregate([([], "count_all")])
    keys = grouped.column(column).to_pylist()
    values = grouped.column("count_all").to_pylist()
    pairs = sorted(zip(keys, values, strict=True), key=lambda kv: (kv[0] is None, kv[0]))
    return {("" if k is None else str(k)): int(v) for k, v in pairs}


def release_info(release_dir: str | Path) -> dict[str, Any]:
    """A JSON-ready summary: version, dates, totals and counts by country/year/event type."""
    release = check_release_dir(release_dir)
    table = read_events(release, columns=["country", "year", "event_type", "event_date"])
    document: dict[str, Any] = {"release": str(release)}
    meta = read_datapackage(release)
    if meta:
        extra = meta.get("conflictkit", {})
        document.update({
            "name": meta.get("name"), "version": meta.get("version"),
            "created": meta.get("created"), "previous": extra.get("previous_version"),
            "changes": extra.get("changes"),
        })
    dates = table.column("event_date")
    first, last = pc.min(dates).as_py(), pc.max(dates).as_py()
    document.update({
        "layout": layout_name(release),
        "events": table.num_rows,
        "deletions": read_deletions(release).num_rows,
        "first_event_date": first.isoformat() if first else None,
        "last_event_date": last.isoformat() if last else None,
        "countries": len(set(table.column("country").unique().to_pylist()) - {None}),
        "by_country": _counts(table, "country"),
        "by_year": _counts(table, "year"),
        "by_event_type": _counts(table, "event_type"),
    })
    return document


def info_text(info: dict[str, Any]) -> str:
    """`release_info`'s summary as text: the headline, the changes, then counts by event type,
    year and country."""
    title = " ".join(str(info[k]) for k in ("name", "version") if info.get(k))
    lines = [f"{title or info['release']}: {info['events']} events in {info['countries']} "
             f"countries, {info['first_event_date']} to {info['last_event_date']}; "
             f"{info['deletions']} deleted IDs; layout {info['layout']}"
             + (f"; created {info['created']}" if info.get("created") else "")]
    if info.get("changes"):
        ch = info["changes"]
        lines.append(f"changes since {info.get('previous') or 'nothing (first release)'}: "
                     f"{ch['added']} added, {ch['modified']} modified, {ch['deleted']} deleted")
    for key, label in (("by_event_type", "event type"), ("by_year", "year"),
                       ("by_country", "country")):
        lines += ["", f"by {label}:"]
        width = max((len(k) for k in info[key]), default=0)
        lines += [f"  {name:<{width}}  {count:>9}" for name, count in info[key].items()]
    return "\n".join(lines) + "\n"
