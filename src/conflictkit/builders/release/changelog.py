"""``CHANGELOG.md`` of a release: what was added, modified and deleted since the previous one.

Counts are grouped by country and event type (Arrow group-by); IDs are listed (modified ones
with the columns that changed), up to a limit per section so a first release of millions of
events does not produce a changelog as big as the data.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from conflictkit.builders.release.compare import ID, Comparison
from conflictkit.builders.release.timestamps import iso_utc
from conflictkit.builders.release.write import gather_rows
from conflictkit.schema.vocab import EVENT_TYPES

MAX_LISTED_IDS = 100_000


@dataclass(frozen=True)
class ChangeCounts:
    added: int
    modified: int
    deleted: int
    unchanged: int

    def to_dict(self) -> dict[str, int]:
        return {"added": self.added, "modified": self.modified, "deleted": self.deleted,
                "unchanged": self.unchanged}


def counts_of(comparison: Comparison) -> ChangeCounts:
    return ChangeCounts(len(comparison.added), len(comparison.modified),
                        comparison.deleted.num_rows, comparison.unchanged_count)


def count_table(table: pa.Table) -> list[tuple[str, str, int]]:
    """(country, event_type, events) for a table with those columns, sorted."""
    if table.num_rows == 0:
        return []
    grouped = table.select(["country", "event_type"]).group_by(
        ["country", "event_type"], use_threads=False).aggregate([([], "count_all")])
    rows = zip(grouped.column("country").to_pylist(), grouped.column("event_type").to_pylist(),
               grouped.column("count_all").to_pylist(), strict=True)
    return sorted(((c or "", e or "", int(n)) for c, e, n in rows), key=lambda r: (r[0], r[1]))


def _pivot_markdown(counts: list[tuple[str, str, int]]) -> list[str]:
    """A country x event type table of counts, with totals."""
    if not counts:
        return []
    present = {e for _, e, _ in counts}
    types = [e for e in EVENT_TYPES if e in present] + sorted(present - set(EVENT_TYPES))
    by_country: dict[str, dict[str, int]] = {}
    for country, event_type, n in counts:
        by_country.setdefault(country, {})[event_type] = n
    lines = ["| country | " + " | ".join(types) + " | total |",
             "|---|" + "---:|" * (len(types) + 1)]
    totals = dict.fromkeys(types, 0)
    for country in sorted(by_country):
        cells = by_country[country]
        for t in types:
            totals[t] += cells.get(t, 0)
        lines.append(f"| {country or '(blank)'} | "
                     + " | ".join(str(cells.get(t, 0) or "") for t in types)
                     + f" | {sum(cells.values())} |")
    lines.append("| **total** | " + " | ".join(str(totals[t]) for t in types)
                 + f" | {sum(totals.values())} |")
    return lines


def _too_many(count: int, limit: int) -> str:
    return (f"{count} IDs, more than the {limit} listed here; see `conflictkit diff` (or, for "
            "added and modified events, their `timestamp`) for the IDs.")


def _id_paragraph(ids: pa.Array | pa.ChunkedArray, limit: int) -> list[str]:
    if len(ids) == 0:
        return []
    if len(ids) > limit:
        return [_too_many(len(ids), limit)]
    return [", ".join(ids.to_pylist())]


def modified_lines(ids: pa.Array, comparison: Comparison) -> pa.Array:
    """``"- ID: col, col"`` for each modified event, built column-wise."""
    return pc.binary_join_element_wise(pa.scalar("- "), ids, pa.scalar(": "),
                                       comparison.changed_fields(), "")


def render_changelog(
    *,
    name: str,
    version: str,
    previous: str | None,
    released_at: int,
    events: pa.Table,
    comparison: Comparison,
    candidates_left_out: int = 0,
    max_ids: int = MAX_LISTED_IDS,
) -> str:
    """The Markdown changelog. `events` is the new release's table (with ID, country,
    event_type) in the row order `comparison` refers to."""
    counts = counts_of(comparison)
    since = f"since {previous}" if previous else "(first release: every event is new)"
    lines = [
        f"# {name} {version}",
        "",
        f"Released {iso_utc(released_at)} (timestamp {released_at}); {events.num_rows} events. "
        f"Changes {since}:",
        "",
        f"- added: {counts.added}",
        f"- modified: {counts.modified}",
        f"- deleted: {counts.deleted}",
        f"- unchanged: {counts.unchanged}",
    ]
    if candidates_left_out:
        lines.append(f"- candidate events left out (awaiting review): {candidates_left_out}")
    lines.append("")
    lines.append("Added and modified events carry this release's timestamp; deleted IDs are "
                 "listed in deletions.csv and are never reused.")

    for title, positions in (("Added", comparison.added), ("Modified", comparison.modified)):
        lines += ["", f"## {title} ({len(positions)})"]
        if not len(positions):
            lines += ["", "None."]
            continue
        subset = gather_rows(events.select([ID, "country", "event_type"]), positions)
        lines += ["", *_pivot_markdown(count_table(subset))]
        if title == "Modified":
            field_counts = comparison.field_change_counts()
            lines += ["", "Columns changed: " + ", ".join(
                f"{c} ({n})" for c, n in sorted(field_counts.items(),
                                                 key=lambda kv: (-kv[1], kv[0])))]
            if len(positions) > max_ids:
                lines += ["", _too_many(len(positions), max_ids)]
            else:
                ids = subset.column(ID).combine_chunks()
                lines += ["", *modified_lines(ids, comparison).to_pylist()]
        else:
            lines += ["", *_id_paragraph(subset.column(ID), max_ids)]

    deleted = comparison.deleted
    lines += ["", f"## Deleted ({deleted.num_rows})"]
    if deleted.num_rows == 0:
        lines += ["", "None."]
    else:
        ids = deleted.column(ID).take(pc.sort_indices(deleted, [(ID, "ascending")]))
        lines += ["", *_pivot_markdown(count_table(deleted)), "", *_id_paragraph(ids, max_ids)]
    return "\n".join(lines) + "\n"
