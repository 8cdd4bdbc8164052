"""What changed since the previous release, counted by country and event type.

Which events were added, modified and deleted comes from a `compare.Comparison`: the build's
own (the one that set the timestamps and wrote the changelog), or, for two finished releases,
one read from their IDs and timestamps (`comparison_from_timestamps`), which agrees with it
without decoding every column of six million rows. Fatalities before and after are summed from
each release's own table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from conflictkit.builders.release.compare import (
    COMPARED_COLUMNS,
    DELETED_COLUMNS,
    ID,
    Comparison,
    compare_tables,
)
from conflictkit.builders.report.summary import (
    blank_label,
    column_or_blank,
    fatalities_of,
    text_of,
)


@dataclass(frozen=True)
class Changes:
    """The change section of the report."""

    previous_version: str
    previous_events: int
    events: int
    added: int
    modified: int
    deleted: int
    fatalities_before: int
    fatalities_now: int
    fatalities_added: int  # in added events
    fatalities_deleted: int | None  # in deleted events (None: the previous table has no IDs)
    by_country: pd.DataFrame
    by_event_type: pd.DataFrame

    @property
    def unchanged(self) -> int:
        return self.events - self.added - self.modified

    @property
    def fatalities_delta(self) -> int:
        return self.fatalities_now - self.fatalities_before


def _count(values: pa.ChunkedArray | pa.Array, name: str, label: str) -> pd.DataFrame:
    table = pa.table({name: values}).group_by(name, use_threads=False).aggregate(
        [([], "count_all")])
    frame = pd.DataFrame({name: table.column(name).to_pylist(),
                          label: table.column("count_all").to_numpy().astype(np.int64)})
    return blank_label(frame, name, [label])


def _sums(table: pa.Table, name: str, prefix: str) -> pd.DataFrame:
    grouped = pa.table({name: text_of(column_or_blank(table, name)),
                        "f": fatalities_of(table)}).group_by(name, use_threads=False).aggregate(
        [([], "count_all"), ("f", "sum")])
    frame = pd.DataFrame({name: grouped.column(name).to_pylist(),
                          f"events_{prefix}": grouped.column("count_all").to_numpy(),
                          f"fatalities_{prefix}": grouped.column("f_sum").to_numpy()})
    return blank_label(frame, name, [f"events_{prefix}", f"fatalities_{prefix}"])


def _by(name: str, events: pa.Table, previous: pa.Table, comparison: Comparison) -> pd.DataFrame:
    """One row per value of `name` that gained, lost or changed events or fatalities."""
    key = text_of(column_or_blank(events, name)).combine_chunks()
    parts = [
        _sums(previous, name, "before"),
        _sums(events, name, "now"),
        _count(key.take(pa.array(comparison.added, pa.int64())), name, "added"),
        _count(key.take(pa.array(comparison.modified, pa.int64())), name, "modified"),
        _count(text_of(column_or_blank(comparison.deleted, name)), name, "deleted"),
    ]
    frame = parts[0]
    for part in parts[1:]:
        frame = frame.merge(part, on=name, how="outer")
    counts = ["added", "modified", "deleted", "events_before", "events_now",
              "fatalities_before", "fatalities_now"]
    frame[counts] = frame[counts].fillna(0).astype(np.int64)
    frame["fatalities_delta"] = frame["fatalities_now"] - frame["fatalities_before"]
    frame["changed"] = frame["added"] + frame["modified"] + frame["deleted"]
    frame = frame[(frame["changed"] > 0) | (frame["fatalities_delta"] != 0)]
    frame = frame.sort_values(["changed", name], ascending=[False, True], kind="stable")
    return frame[[name, "added", "modified", "deleted", "events_before", "events_now",
                  "fatalities_before", "fatalities_now", "fatalities_delta"]] \
        .reset_index(drop=True)


def _deleted_fatalities(previous: pa.Table, comparison: Comparison) -> int | None:
    """Fatalities of the deleted events (None when the previous table has no IDs)."""
    deleted = comparison.deleted
    if deleted.num_rows == 0:
        return 0
    if "fatalities" in deleted.column_names:
        return int(pc.sum(fatalities_of(deleted)).as_py() or 0)
    if ID not in previous.column_names or "fatalities" not in previous.column_names:
        return None
    # the previous IDs (many) are looked up among the deleted ones (few)
    gone = pc.is_in(previous.column(ID).cast(pa.string()),
                    value_set=deleted.column(ID).cast(pa.string()).combine_chunks())
    return int(pc.sum(fatalities_of(previous).filter(gone)).as_py() or 0)


def comparison_from_timestamps(events: pa.Table, previous: pa.Table) -> Comparison:
    """Added, modified and deleted events between two releases from IDs and timestamps.

    A build gives every added or changed event the release time, keeps the timestamp of every
    other, and refuses a release time that is not after every timestamp before it. So an event
    in both releases changed since `previous` exactly when its timestamp is later than the
    latest timestamp among `previous`'s events (an event with the previous release's time was
    added or changed in it). Against the release just before, this is the build's comparison;
    against an older one, an event edited and then edited back also counts as modified. Which
    columns changed is not known this way. `events` needs event_id_cnty and timestamp;
    `previous` also country, event_type and fatalities.
    """
    new_ids = events.column(ID).cast(pa.string()).combine_chunks()
    old_ids = previous.column(ID).cast(pa.string()).combine_chunks()
    # one hash table, on the new IDs: where each old event is now (-1: deleted)
    found = pc.fill_null(pc.index_in(old_ids, value_set=new_ids), -1)
    new_position = found.to_numpy(zero_copy_only=False).astype(np.int64)
    kept = new_position >= 0
    old_position = np.full(events.num_rows, -1, dtype=np.int64)
    old_position[new_position[kept]] = np.flatnonzero(kept)
    old_stamps = pc.fill_null(previous.column("timestamp").cast(pa.int64()), 0) \
        .to_numpy(zero_copy_only=False)
    latest = int(old_stamps.max()) if len(old_stamps) else 0
    stamps = pc.fill_null(events.column("timestamp").cast(pa.int64()), 0) \
        .to_numpy(zero_copy_only=False)
    present = old_position >= 0
    old_timestamp = np.zeros(events.num_rows, dtype=np.int64)
    old_timestamp[present] = old_stamps[old_position[present]]
    keep = [c for c in (*DELETED_COLUMNS, "fatalities") if c in previous.column_names]
    return Comparison(
        new_rows=events.num_rows, old_rows=previous.num_rows, old_position=old_position,
        modified=np.flatnonzero(present & (stamps > latest)), changed_columns={},
        old_timestamp=old_timestamp, deleted=previous.filter(pa.array(~kept)).select(keep),
        columns=(),
    )


SAMPLE = 1000


def _check_alignment(events: pa.Table, previous: pa.Table, comparison: Comparison) -> None:
    """Fail on a comparison that indexes another row order than `events` (e.g. one already
    `reordered` into release order): a sample of "added" rows must have IDs the previous
    release lacks, a sample of "modified" rows IDs it has."""
    ids = events.column(ID)
    old_ids = previous.column(ID).cast(pa.string())
    for rows, expected in ((comparison.added, False), (comparison.modified, True)):
        if not len(rows):
            continue
        sample = ids.take(pa.array(rows[:: max(len(rows) // SAMPLE, 1)], pa.int64()))
        sample = sample.cast(pa.string()).unique()
        # the big side (previous IDs) is looked up in the small one (the sample)
        found = pc.count_distinct(old_ids.filter(pc.is_in(old_ids, value_set=sample))).as_py()
        if found != (len(sample) if expected else 0):
            raise ValueError("the comparison does not index the rows of `events` as given "
                             "(pass the comparison made with this table, before `reordered`)")


def summarise_changes(events: pa.Table, previous: pa.Table, previous_version: str,
                      comparison: Comparison | None = None) -> Changes:
    """Changes from `previous` (that release's events) to `events`.

    `comparison` must index the rows of `events` as given (`Comparison.new_rows` equal to its
    row count); without it, both tables are compared here: column by column when both have
    every ACLED column, else by IDs and timestamps (`comparison_from_timestamps`). `previous`
    needs at least country, event_type and fatalities (and event_id_cnty for the fatalities
    of deleted events).
    """
    if comparison is None:
        columns = set(events.column_names) & set(previous.column_names)
        if set(COMPARED_COLUMNS) <= columns:
            comparison = compare_tables(events, previous, old_ids=previous.column(ID))
        elif {ID, "timestamp"} <= columns:
            comparison = comparison_from_timestamps(events, previous)
        else:
            raise ValueError("comparing releases needs event_id_cnty and timestamp (or every "
                             "ACLED column) in both tables")
    if comparison.new_rows != events.num_rows:
        raise ValueError(f"the comparison covers {comparison.new_rows} events, "
                         f"the events table has {events.num_rows}")
    if ID in previous.column_names:
        _check_alignment(events, previous, comparison)
    fatalities = fatalities_of(events)
    added_fatalities = fatalities.combine_chunks().take(pa.array(comparison.added, pa.int64()))
    return Changes(
        previous_version=previous_version,
        previous_events=previous.num_rows,
        events=events.num_rows,
        added=len(comparison.added),
        modified=len(comparison.modified),
        deleted=comparison.deleted.num_rows,
        fatalities_before=int(pc.sum(fatalities_of(previous)).as_py() or 0),
        fatalities_now=int(pc.sum(fatalities).as_py() or 0),
        fatalities_added=int(pc.sum(added_fatalities).as_py() or 0),
        fatalities_deleted=_deleted_fatalities(previous, comparison),
        by_country=_by("country", events, previous, comparison),
        by_event_type=_by("event_type", events, previous, comparison),
    )
