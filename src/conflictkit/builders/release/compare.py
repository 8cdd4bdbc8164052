"""Compare two versions of the event table by ID: added, deleted, modified and what changed.

Used by `release` (which events keep their timestamp) and `diff`. "Modified" means any ACLED
column other than ``timestamp`` differs (a blank on both sides is equal). Everything is
column-wise Arrow compute: the old table is streamed batch by batch (a 3M-event release is
never held twice in memory), each batch is aligned with the new rows by an ID lookup
(`pyarrow.compute.index_in`, one hash table built once) and compared a column at a time, which
gives the changed fields of every modification for free and has no hash collisions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from conflictkit.builders.release.write import gather_rows
from conflictkit.schema.columns import COLUMN_NAMES

ID = "event_id_cnty"
# the columns a change is judged on: every ACLED column but the one a release recomputes
COMPARED_COLUMNS: tuple[str, ...] = tuple(c for c in COLUMN_NAMES if c != "timestamp")
# what is kept of a deleted event (enough for the changelog's counts)
DELETED_COLUMNS: tuple[str, ...] = (ID, "country", "event_type", "event_date", "timestamp")


@dataclass
class Comparison:
    """The outcome of comparing a new table (rows in its own order) with an old one.

    Arrays are indexed by the new table's rows unless named otherwise.
    """

    new_rows: int
    old_rows: int
    # position of each new row's ID in the old table, -1 for added events
    old_position: np.ndarray
    # new-row positions of modified events (ascending) and, per compared column, which of them
    # changed that column (aligned with `modified`)
    modified: np.ndarray
    changed_columns: dict[str, np.ndarray]
    # the old timestamp of every new row (0 where the event is new)
    old_timestamp: np.ndarray
    # deleted events: the rows of the old table whose ID is gone (DELETED_COLUMNS)
    deleted: pa.Table
    # old values of the modified events, aligned with `modified` (only when asked for)
    old_modified: pa.Table | None = None
    columns: tuple[str, ...] = field(default=COMPARED_COLUMNS)

    @property
    def added(self) -> np.ndarray:
        """New-row positions of events whose ID the old table did not have."""
        return np.flatnonzero(self.old_position < 0)

    @property
    def unchanged_count(self) -> int:
        return self.new_rows - len(self.added) - len(self.modified)

    def changed_field_names(self) -> list[list[str]]:
        """For each modified event (aligned with `modified`), the names of its changed columns."""
        names: list[list[str]] = [[] for _ in range(len(self.modified))]
        for column in self.columns:
            for i in np.flatnonzero(self.changed_columns[column]):
                names[i].append(column)
        return names

    def changed_fields(self) -> pa.Array:
        """For each modified event (aligned with `modified`), its changed columns joined with
        ", ", built column-wise (no Python per event)."""
        parts = [pc.if_else(pa.array(self.changed_columns[c]), pa.scalar(c),
                            pa.scalar(None, pa.string())) for c in self.columns]
        if not parts:
            return pa.array([""] * len(self.modified), pa.string())
        return pc.binary_join_element_wise(*parts, ", ", null_handling="skip")

    def reordered(self, order: np.ndarray | None) -> Comparison:
        """The same comparison with new rows renumbered by `order` (order[k] is the current
        position of the row that goes k-th), e.g. into release order."""
        if order is None:
            return self
        rank = np.empty(self.new_rows, dtype=np.int64)
        rank[order] = np.arange(self.new_rows)
        modified_rank = rank[self.modified]
        perm = np.argsort(modified_rank, kind="stable")
        return Comparison(
            new_rows=self.new_rows, old_rows=self.old_rows,
            old_position=self.old_position[order], modified=modified_rank[perm],
            changed_columns={c: v[perm] for c, v in self.changed_columns.items()},
            old_timestamp=self.old_timestamp[order], deleted=self.deleted,
            old_modified=None if self.old_modified is None
            else self.old_modified.take(pa.array(perm)),
            columns=self.columns,
        )

    def field_change_counts(self) -> dict[str, int]:
        """How many modified events changed each column (columns with no change left out)."""
        counts = {c: int(self.changed_columns[c].sum()) for c in self.columns}
        return {c: n for c, n in counts.items() if n}


def _differs(a: pa.Array | pa.ChunkedArray, b: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Element-wise "a and b differ", a null equal only to a null."""
    equal = pc.fill_null(pc.equal(a, b), False)
    both_null = pc.and_(pc.is_null(a), pc.is_null(b))
    same = pc.or_(equal, both_null)
    return np.asarray(pc.invert(same).to_numpy(zero_copy_only=False), dtype=bool)


def compare_tables(
    new: pa.Table,
    old_batches: Iterable[pa.RecordBatch] | pa.Table,
    *,
    old_ids: pa.Array | pa.ChunkedArray,
    keep_old_modified: bool = False,
) -> Comparison:
    """Compare `new` with an old table given as batches in the order of `old_ids`.

    `old_ids` is the old table's event_id_cnty column (read once, cheaply); the batches carry
    the full rows, in the same order, and are consumed one at a time. IDs must be unique on
    each side (validation guarantees it for a release).
    """
    columns = tuple(c for c in COMPARED_COLUMNS if c in new.column_names)
    new_ids = new.column(ID).combine_chunks()
    old_ids = old_ids.combine_chunks() if isinstance(old_ids, pa.ChunkedArray) else old_ids
    old_rows = len(old_ids)

    # where each old ID sits among the new rows (-1: deleted); the inverse gives new -> old
    found = pc.fill_null(pc.index_in(old_ids, value_set=new_ids), -1)
    new_position = found.to_numpy(zero_copy_only=False).astype(np.int64)
    old_position = np.full(new.num_rows, -1, dtype=np.int64)
    kept = new_position >= 0
    old_position[new_position[kept]] = np.flatnonzero(kept)

    # only modified rows are recorded: their old positions and a flag per compared column
    changed_at: list[np.ndarray] = []
    changed_flags: list[np.ndarray] = []
    old_timestamp_by_old = np.zeros(old_rows, dtype=np.int64)
    deleted_parts: list[pa.Table] = []
    old_modified_parts: list[pa.Table] = []

    offset = 0
    for batch in _batches(old_batches):
        length = batch.num_rows
        where = new_position[offset:offset + length]
        present = where >= 0
        if "timestamp" in batch.schema.names:
            stamps = batch.column("timestamp").to_numpy(zero_copy_only=False)
            old_timestamp_by_old[offset:offset + length] = np.nan_to_num(stamps, nan=0)
        if not present.all():
            gone = pa.array(~present)
            deleted_parts.append(
                pa.Table.from_batches([batch]).filter(gone)
                .select([c for c in DELETED_COLUMNS if c in batch.schema.names])
            )
        if present.any():
            # new rows aligned with this batch: one take, no filtered copy of the old batch.
            # Where the old event is gone a neighbour stands in (masked out below), which
            # keeps the positions ascending when both sides are in release order
            stand_in = where.copy()
            stand_in[~present] = np.maximum.accumulate(np.where(present, where, -1))[~present]
            stand_in[stand_in < 0] = where[present][0]
            new_part = gather_rows(new, stand_in, contiguous=False)
            flags = np.empty((len(columns), length), dtype=bool)
            for i, column in enumerate(columns):
                if column not in batch.schema.names:
                    flags[i] = present
                else:
                    flags[i] = _differs(new_part.column(column), batch.column(column)) & present
            row_changed = flags.any(axis=0)
            if row_changed.any():
                changed_at.append(np.flatnonzero(row_changed) + offset)
                changed_flags.append(flags[:, row_changed])
                if keep_old_modified:
                    old_modified_parts.append(
                        pa.Table.from_batches([batch]).filter(pa.array(row_changed)))
        offset += length
    if offset != old_rows:
        raise ValueError(f"old batches hold {offset} rows but {old_rows} old IDs were given")

    # modified events in new-row order (ascending), with the columns each one changed
    modified_old = np.concatenate(changed_at) if changed_at else np.empty(0, np.int64)
    flags_all = np.concatenate(changed_flags, axis=1) if changed_flags else \
        np.empty((len(columns), 0), dtype=bool)
    modified_new = new_position[modified_old]
    by_new = np.argsort(modified_new, kind="stable")
    modified = modified_new[by_new]
    changed_columns = {c: flags_all[i, by_new] for i, c in enumerate(columns)}

    old_timestamp = np.zeros(new.num_rows, dtype=np.int64)
    has_old = old_position >= 0
    old_timestamp[has_old] = old_timestamp_by_old[old_position[has_old]]

    old_modified = None
    if keep_old_modified and old_modified_parts:
        old_modified = pa.concat_tables(old_modified_parts).take(pa.array(by_new))

    return Comparison(
        new_rows=new.num_rows,
        old_rows=old_rows,
        old_position=old_position,
        modified=modified,
        changed_columns=changed_columns,
        old_timestamp=old_timestamp,
        deleted=_concat(deleted_parts),
        old_modified=old_modified,
        columns=columns,
    )


def _batches(source: Iterable[pa.RecordBatch] | pa.Table) -> Iterator[pa.RecordBatch]:
    if isinstance(source, pa.Table):
        yield from source.to_batches(max_chunksize=100_000)
    else:
        yield from source


def _concat(parts: list[pa.Table]) -> pa.Table:
    if not parts:
        from conflictkit.schema.arrow import arrow_schema

        schema = arrow_schema()
        return pa.schema([schema.field(c) for c in DELETED_COLUMNS]).empty_table()
    return pa.concat_tables(parts, promote_options="permissive")
