"""``conflictkit diff OLD NEW``: the events added, deleted and modified between two releases,
with the changed fields (old and new values) of every modification.

The new release is read whole; the old one is streamed through the same column-wise
comparison a build uses (`compare.compare_tables`), so the two always agree on what changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from conflictkit.builders.release.compare import ID, Comparison, compare_tables
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

    @property
    def identical(self) -> bool:
        return not (self.added or self.deleted or self.modified)

    def summary(self) -> dict[str, int]:
        return {"old_events": self.old_rows, "new_events": self.new_rows,
                "added": len(self.added), "deleted": len(self.deleted),
                "modified": len(self.modified),
                "unchanged": self.new_rows - len(self.added) - len(self.modified)}

    def text(self, limit: int = 200) -> str:
        """Added, deleted and modified events (at most `limit` listed per section, modified ones
        with each changed field old -> new), the fields changed, then the counts."""
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


def _modified_values(new: pa.Table, comparison: Comparison
                     ) -> list[tuple[str, dict[str, tuple[Any, Any]]]]:
    """Per modified event, its changed columns with old and new values (column by column)."""
    if not len(comparison.modified):
        return []
    new_rows = gather_rows(new, comparison.modified)
    old_rows = comparison.old_modified
    assert old_rows is not None and old_rows.num_rows == new_rows.num_rows
    ids = new_rows.column(ID).to_pylist()
    changes: list[dict[str, tuple[Any, Any]]] = [{} for _ in ids]
    for column in comparison.columns:
        flags = comparison.changed_columns[column]
        if not flags.any():
            continue
        where = pa.array(flags.nonzero()[0])
        olds = old_rows.column(column).take(where).to_pylist()
        news = new_rows.column(column).take(where).to_pylist()
        for i, old, new_value in zip(where.to_pylist(), olds, news, strict=True):
            changes[i][column] = (old, new_value)
    return list(zip(ids, changes, strict=True))


def diff_releases(old_dir: str | Path, new_dir: str | Path) -> DiffResult:
    """Compare two release directories (either layout each)."""
    old_path, new_path = Path(old_dir), Path(new_dir)
    old_files = event_files(old_path)
    new = read_events(new_path)
    old_ids = read_ids(old_files, [ID]).column(ID)
    comparison = compare_tables(new, file_batches(old_files), old_ids=old_ids,
                                keep_old_modified=True)
    added = gather_rows(new.select([ID]), comparison.added).column(ID).to_pylist()
    deleted = sorted(comparison.deleted.column(ID).to_pylist())
    return DiffResult(
        old=old_path, new=new_path, old_rows=comparison.old_rows, new_rows=comparison.new_rows,
        added=added, deleted=deleted, modified=_modified_values(new, comparison),
        field_counts=comparison.field_change_counts(),
    )
