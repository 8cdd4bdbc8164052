"""``conflictkit diff OLD NEW``: the events added, deleted and modified between two releases,
with the changed fields (old and new values) of every modification.

The new release is read whole; the old one is streamed through the same column-wise
comparison a build uses (`compare.compare_tables`), so the two always agree on what changed.
The counts by country and event type and the Markdown are the change set's
(`changeset.ChangeSet`), the same a pull request's check shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conflictkit.builders.release.changeset import (
    LISTED_EVENTS,
    PREVIOUS_COLUMNS,
    ChangeSet,
    change_set,
)
from conflictkit.builders.release.compare import ID, compare_tables
from conflictkit.builders.release.previous import file_batches, read_ids
from conflictkit.builders.release.write import gather_rows
from conflictkit.layout.release import event_files, read_events


@dataclass
class DiffResult:
    old: Path
    new: Path
    old_rows: int
    new_rows: int
    added: list[str]
    deleted: list[str]
    # one entry per modified event: its ID and {column: (old value, new value)}
    modified: list[tuple[str, dict[str, tuple[Any, Any]]]]
    field_counts: dict[str, int]
    changes: ChangeSet

    @property
    def identical(self) -> bool:
        return not (self.added or self.deleted or self.modified)

    def summary(self) -> dict[str, int]:
        return {"old_events": self.old_rows, "new_events": self.new_rows,
                "added": len(self.added), "deleted": len(self.deleted),
                "modified": len(self.modified),
                "unchanged": self.new_rows - len(self.added) - len(self.modified)}

    def text(self, limit: int | None = None) -> str:
        """Added, deleted and modified events (at most `limit`, default 200, listed per section,
        modified ones with each changed field old -> new), the fields changed, then the
        counts."""
        limit = 200 if limit is None else limit
        lines: list[str] = []

        def listing(title: str, items: list[str], total: int) -> None:
            lines.append(f"{title} ({total}):")
            lines.extend(f"  {item}" for item in items)
            if total > len(items):
                lines.append(f"  ... and {total - len(items)} more (--limit, or --format json "
                             "for all)")

        listing("added", self.added[:limit], len(self.added))
        listing("deleted", self.deleted[:limit], len(self.deleted))
        listing("modified", [
            f"{event_id}: " + "; ".join(f"{c}: {o!r} -> {n!r}" for c, (o, n) in fields.items())
            for event_id, fields in self.modified[:limit]], len(self.modified))
        if self.field_counts:
            lines.append("fields changed: " + ", ".join(
                f"{c} ({n})" for c, n in self.field_counts.items()))
        s = self.summary()
        lines.append(f"{self.old} -> {self.new}: {s['added']} added, {s['deleted']} deleted, "
                     f"{s['modified']} modified, {s['unchanged']} unchanged")
        return "\n".join(lines) + "\n"

    def markdown(self, limit: int | None = None) -> str:
        """The change summary a pull request's check shows, for these two releases (at most
        `limit` events listed per section, default `LISTED_EVENTS`)."""
        limit = LISTED_EVENTS if limit is None else limit
        return self.changes.markdown(
            title=f"Changes from {self.old.name} to {self.new.name}", listed=limit,
            more="`conflictkit diff --format json` lists every event, with old and new values.")

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": str(self.old),
            "new": str(self.new),
            "summary": self.summary(),
            "fields_changed": self.field_counts,
            "added": self.added,
            "deleted": self.deleted,
            "modified": [
                {"event_id_cnty": event_id,
                 "changes": {c: {"old": old, "new": new} for c, (old, new) in fields.items()}}
                for event_id, fields in self.modified
            ],
        }


def diff_releases(old_dir: str | Path, new_dir: str | Path) -> DiffResult:
    """Compare two release directories (either layout each)."""
    old_path, new_path = Path(old_dir), Path(new_dir)
    old_files = event_files(old_path)
    new = read_events(new_path)
    previous = read_ids(old_files, PREVIOUS_COLUMNS)
    comparison = compare_tables(new, file_batches(old_files), old_ids=previous.column(ID),
                                keep_old_modified=True)
    changes = change_set(new, previous, comparison, old=f"release {old_path.name}",
                         new_label=f"release {new_path.name}")
    added = gather_rows(new.select([ID]), comparison.added).column(ID).to_pylist()
    deleted = sorted(comparison.deleted.column(ID).to_pylist())
    ids = changes.modified.column(ID).to_pylist()
    return DiffResult(
        old=old_path, new=new_path, old_rows=comparison.old_rows, new_rows=comparison.new_rows,
        added=added, deleted=deleted, modified=list(zip(ids, changes.values(), strict=True)),
        field_counts=comparison.field_change_counts(), changes=changes,
    )
