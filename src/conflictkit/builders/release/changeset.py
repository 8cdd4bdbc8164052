"""What changed between two versions of the events table: counted, listed and rendered once.

Two commands show changes: ``conflictkit diff OLD NEW`` (two releases) and ``conflictkit
validate --release`` on a pull request (a dataset's files against its latest release). Both
compare with `compare.compare_tables` (the comparison a release build makes), count with the
report's `summarise_changes` (by country and by event type, with the fatalities) and render
here: Markdown capped to a readable size (the step summary, ``diff --format markdown``) and a
JSON document that lists everything (the workflow's artifact). Listings are built column-wise;
only what is printed becomes Python values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from conflictkit.builders.release.compare import ID, Comparison
from conflictkit.builders.release.write import gather_rows
from conflictkit.builders.report.changes import Changes, summarise_changes

#: Events listed per section (added, modified, deleted) in Markdown; JSON lists all.
LISTED_EVENTS = 20
#: Rows of each count table (by country, by event type) in Markdown; JSON has all.
TABLE_ROWS = 15
#: Columns a listed event shows (read from the release: the previous table needs them).
LISTED_COLUMNS: tuple[str, ...] = (ID, "country", "event_type", "event_date", "fatalities")
#: Columns of the previous release a change set reads.
PREVIOUS_COLUMNS: list[str] = list(LISTED_COLUMNS)
#: What a change set may leave out of the comparison, as Markdown says it (one, several).
LEFT_OUT: dict[str, tuple[str, str]] = {
    "candidates": ("candidate event", "candidate events"),
    "imports_folded": ("imported record of an event another import also holds",
                       "imported records of events other imports also hold"),
    "repeated_ids": ("record repeating another record's ID",
                     "records repeating another record's ID"),
}
_LEFT_OUT_WHY = {"candidates": "a release leaves candidates out until they are reviewed",
                 "imports_folded": "folded as a release folds them: the newest version counts",
                 "repeated_ids": "only the first record with an ID is compared"}
#: Where an event is in the files (a pull request's events have it; a release's do not).
WHERE_COLUMNS: tuple[str, ...] = ("file", "line")


@dataclass
class ChangeSet:
    """Events added, modified (with the fields that changed) and deleted from `old` to `new`.

    ``added``, ``modified`` and ``deleted`` are Arrow tables of `LISTED_COLUMNS` (plus file
    and line when the new events come from files); ``modified`` also has ``fields`` (the
    changed columns, ", "-joined) and ``old_fatalities``. ``new_modified`` / ``old_modified``
    hold the whole rows of the modified events, for their old and new values.
    """

    old: str
    new: str
    counts: Changes
    added: pa.Table
    modified: pa.Table
    deleted: pa.Table
    field_counts: dict[str, int]
    new_modified: pa.Table
    old_modified: pa.Table | None
    changed_columns: dict[str, np.ndarray]
    left_out: dict[str, int] = field(default_factory=dict)

    @property
    def identical(self) -> bool:
        return not (self.added.num_rows or self.modified.num_rows or self.deleted.num_rows)

    def fatalities(self) -> dict[str, int]:
        """Fatalities gained with added events, changed in modified ones, lost with deleted
        ones, and the net change (the sum)."""
        c = self.counts
        deleted = int(c.fatalities_deleted or 0)
        net = c.fatalities_delta
        return {"added": c.fatalities_added, "modified": net - c.fatalities_added + deleted,
                "deleted": -deleted, "net": net}

    def summary(self) -> dict[str, int]:
        c = self.counts
        return {"old_events": c.previous_events, "new_events": c.events, "added": c.added,
                "modified": c.modified, "deleted": c.deleted, "unchanged": c.unchanged}

    def values(self) -> list[dict[str, tuple[Any, Any]]]:
        """Per modified event (in ``modified`` order), its changed columns' old and new values."""
        return modified_values(self.new_modified, self.old_modified, self.changed_columns)

    def to_dict(self) -> dict[str, Any]:
        """Everything, for JSON: counts, tables, and every event with its changes."""
        modified = _records(self.modified)
        for row, changes in zip(modified, self.values(), strict=True):
            row["fields"] = row["fields"].split(", ") if row["fields"] else []
            row["changes"] = {c: {"old": old, "new": new} for c, (old, new) in changes.items()}
        return {
            "old": self.old,
            "new": self.new,
            "summary": self.summary(),
            "fatalities": self.fatalities(),
            "fields_changed": self.field_counts,
            "left_out": self.left_out,
            "by_country": _frame_records(self.counts.by_country),
            "by_event_type": _frame_records(self.counts.by_event_type),
            "added": _records(self.added),
            "modified": modified,
            "deleted": _records(self.deleted),
        }

    def markdown(self, *, title: str, listed: int = LISTED_EVENTS, rows: int = TABLE_ROWS,
                 more: str = "") -> str:
        """The change summary as Markdown: counts, fatalities, the country and event type
        tables (top `rows`), the fields changed, and up to `listed` events per section;
        `more` is the sentence saying where the rest is (e.g. the artifact)."""
        return render_markdown(self, title=title, listed=listed, rows=rows, more=more)


def modified_values(new_rows: pa.Table, old_rows: pa.Table | None,
                    changed_columns: dict[str, np.ndarray]) -> list[dict[str, tuple[Any, Any]]]:
    """Per modified event, its changed columns with old and new values (column by column:
    only changed cells become Python values)."""
    changes: list[dict[str, tuple[Any, Any]]] = [{} for _ in range(new_rows.num_rows)]
    if not new_rows.num_rows or old_rows is None:
        return changes
    for column, flags in changed_columns.items():
        if not flags.any():
            continue
        where = pa.array(flags.nonzero()[0])
        olds = old_rows.column(column).take(where).to_pylist()
        news = new_rows.column(column).take(where).to_pylist()
        for i, old, new in zip(where.to_pylist(), olds, news, strict=True):
            changes[i][column] = (old, new)
    return changes


def _present(table: pa.Table, names: tuple[str, ...]) -> list[str]:
    return [n for n in names if n in table.column_names]


def change_set(new: pa.Table, previous: pa.Table, comparison: Comparison, *, old: str,
               new_label: str, left_out: dict[str, int] | None = None) -> ChangeSet:
    """The change set of `comparison` (made with `new` as given, ``keep_old_modified`` for
    the old values). `new`: the new events (every ACLED column, plus file and line when they
    come from files); `previous`: the old release's `PREVIOUS_COLUMNS`."""
    counts = summarise_changes(new, previous, old, comparison)
    keep = _present(new, LISTED_COLUMNS + WHERE_COLUMNS)
    added = gather_rows(new.select(keep), comparison.added)
    new_modified = gather_rows(new, comparison.modified)
    old_modified = comparison.old_modified
    modified = new_modified.select(keep).append_column("fields", comparison.changed_fields())
    old_fatalities = (old_modified.column("fatalities") if old_modified is not None
                      else pa.nulls(modified.num_rows, pa.int64()))
    modified = modified.append_column("old_fatalities", old_fatalities)
    # the deleted events' rows of the previous table (the big side looked up in the small one)
    gone = pc.is_in(previous.column(ID).cast(pa.string()),
                    value_set=comparison.deleted.column(ID).cast(pa.string()).combine_chunks())
    deleted = previous.filter(gone).select(_present(previous, LISTED_COLUMNS))
    return ChangeSet(old=old, new=new_label, counts=counts, added=added, modified=modified,
                     deleted=deleted, field_counts=comparison.field_change_counts(),
                     new_modified=new_modified, old_modified=old_modified,
                     changed_columns=comparison.changed_columns, left_out=dict(left_out or {}))


# ---------------------------------------------------------------------------------------------
# rendering
# ---------------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A JSON-ready scalar (dates as YYYY-MM-DD)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10] if not hasattr(value, "hour") or not (
            value.hour or value.minute or value.second) else value.isoformat()
    return value


def _records(table: pa.Table) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in row.items()} for row in table.to_pylist()]


def _frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: (int(v) if isinstance(v, np.integer) else v) for k, v in row.items()}
            for row in frame.to_dict(orient="records")]


def _cell(value: Any) -> str:
    """A table cell: pipes escaped, one line, no HTML (values come from a pull request)."""
    if value is None:
        return ""
    text = str(_plain(value))
    return (text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")
            .replace(">", "&gt;").replace("\r", " ").replace("\n", " "))


def _signed(n: int) -> str:
    return f"+{n:,}" if n > 0 else f"{n:,}".replace("-", "−")


def _count(n: int) -> str:
    return f"{n:,}" if n else ""


def _counts_table(frame: pd.DataFrame, name: str, heading: str, rows: int) -> list[str]:
    """One count table (by country or event type), its top `rows` rows and a total row."""
    if frame.empty:
        return []
    lines = [f"| {heading} | added | modified | deleted | fatalities |",
             "|---|---:|---:|---:|---:|"]
    for row in frame.head(rows).to_dict(orient="records"):
        lines.append(f"| {_cell(row[name])} | {_count(row['added'])} | "
                     f"{_count(row['modified'])} | {_count(row['deleted'])} | "
                     f"{_signed(int(row['fatalities_delta'])) if row['fatalities_delta'] else ''}"
                     " |")
    if len(frame) > rows:
        rest = frame.iloc[rows:]
        lines.append(f"| … {len(rest):,} more | {_count(int(rest['added'].sum()))} | "
                     f"{_count(int(rest['modified'].sum()))} | "
                     f"{_count(int(rest['deleted'].sum()))} | "
                     f"{_signed(int(rest['fatalities_delta'].sum()))} |")
    return lines


def _where(row: dict[str, Any]) -> str:
    file, line = row.get("file"), row.get("line")
    if not file:
        return ""
    return f"{file}:{line}" if line else str(file)


def _listing(title: str, table: pa.Table, listed: int, kind: str) -> list[str]:
    total = table.num_rows
    if not total:
        return []
    where = "file" in table.column_names
    head = ["event", "country", "event type", "date"]
    if kind == "modified":
        head += ["fields changed", "fatalities"]
    else:
        head += ["fatalities"]
    head += ["file"] if where else []
    lines = [f"**{title}** ({total:,}{', first ' + format(listed, ',') if total > listed else ''})",
             "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in table.slice(0, listed).to_pylist():
        cells = [row[ID] or "(no ID yet)", row.get("country"), row.get("event_type"),
                 row.get("event_date")]
        if kind == "modified":
            old, new = row.get("old_fatalities"), row.get("fatalities")
            fatalities = f"{old} → {new}" if old != new else new
            cells += [row.get("fields"), fatalities]
        else:
            cells += [row.get("fatalities")]
        cells += [_where(row)] if where else []
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return [*lines, ""]


def render_markdown(changes: ChangeSet, *, title: str, listed: int = LISTED_EVENTS,
                    rows: int = TABLE_ROWS, more: str = "") -> str:
    """See `ChangeSet.markdown`."""
    c = changes.counts
    lines = [f"## {title}", ""]
    if changes.identical:
        lines += [f"No changes: the {c.events:,} events of {changes.new} match the "
                  f"{c.previous_events:,} of {changes.old}."]
    else:
        f = changes.fatalities()
        lines += [f"**{c.added:,} added, {c.modified:,} modified, {c.deleted:,} deleted** "
                  f"({c.events:,} events in {changes.new}, {c.previous_events:,} in "
                  f"{changes.old}; {c.unchanged:,} unchanged)", "",
                  f"Fatalities: {_signed(f['net'])} (added {_signed(f['added'])}, "
                  f"modified {_signed(f['modified'])}, deleted {_signed(f['deleted'])})"]
    left_out = [f"{n:,} {LEFT_OUT.get(what, (what, what))[n != 1]} "
                f"({_LEFT_OUT_WHY.get(what, 'left out')})"
                for what, n in changes.left_out.items() if n]
    if left_out:
        lines += ["", f"Not compared: {'; '.join(left_out)}."]
    if changes.identical:
        return "\n".join(lines) + "\n"
    for frame, name, heading in ((c.by_country, "country", "country"),
                                 (c.by_event_type, "event_type", "event type")):
        table = _counts_table(frame, name, heading, rows)
        lines += ["", *table] if table else []
    if changes.field_counts:
        ranked = sorted(changes.field_counts.items(), key=lambda kv: (-kv[1], kv[0]))
        lines += ["", "Fields changed: " + ", ".join(f"{n} ({k:,})" for n, k in ranked)]
    lines.append("")
    for section, table in (("Added", changes.added), ("Modified", changes.modified),
                           ("Deleted", changes.deleted)):
        lines += _listing(section, table, listed, section.lower())
    hidden = sum(max(t.num_rows - listed, 0)
                 for t in (changes.added, changes.modified, changes.deleted))
    if hidden or len(c.by_country) > rows or len(c.by_event_type) > rows:
        lines.append(more or "The JSON output lists every event, with old and new values.")
    return "\n".join(lines).rstrip("\n") + "\n"
