"""What a pull request changes: a dataset's events as its files hold them, against a release.

The files' events are put through what a release build does with them before comparing:
candidates are left out (unless the dataset's ``[release] include_candidates``), the events
become the build's Arrow table (`build.working_table`, in the release schema) and are compared
with the release by `compare.compare_tables`, the release streamed batch by batch. So the counts
are what the next release would report: "deleted" is an event the release publishes that the
files no longer hold. Imported records of one event (overlapping imports: one ID) are folded as
a release folds them (`overlaps`: the newest by timestamp, the later on a tie); any other
repeated ID is compared once (its first record; the check rejects the copies); an event
without an ID is new.

The working table is Arrow from end to end: hand-coded events come from the checked frame
(`files_table`), and an imported batch already in the release schema is read as it stands
(`batch_table`), so a dataset of millions of imported events is never turned into pandas just
to be compared.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from conflictkit.builders.contributions.tables import has_provenance
from conflictkit.builders.release.build import working_table
from conflictkit.builders.release.changeset import PREVIOUS_COLUMNS, ChangeSet, change_set
from conflictkit.builders.release.compare import ID, compare_tables
from conflictkit.builders.release.gather import CANDIDATE
from conflictkit.builders.release.previous import file_batches, read_ids
from conflictkit.layout.release import event_files

if TYPE_CHECKING:
    import pandas as pd

#: how the files' side of the comparison is named
FILES_LABEL = "the dataset's files"
#: columns the working table carries beside ACLED's: where each event is, its status, and
#: whether it was imported (a file name is dictionary-encoded: a batch of millions of rows
#: names one file)
SIDE = (("file", pa.dictionary(pa.int32(), pa.string())), ("line", pa.int64()),
        ("status", pa.string()), ("imported", pa.bool_()))


def _release_schema() -> pa.Schema:
    from conflictkit.schema.arrow import arrow_schema

    return arrow_schema()


def _with_side(table: pa.Table, file: pa.Array, line: pa.Array, status: pa.Array,
               imported: pa.Array) -> pa.Table:
    for (name, kind), values in zip(SIDE, (file, line, status, imported), strict=True):
        table = table.append_column(pa.field(name, kind), values.cast(kind))
    return table


def files_table(events: pd.DataFrame, side: pd.DataFrame) -> pa.Table:
    """Checked events (a canonical frame and its side frame) as the working table: the release
    schema, then file, line (a contribution file's only: an imported event's line is its
    export's) and status."""
    table = working_table(events).cast(_release_schema())
    file = pa.array(side["file"].astype("str"), from_pandas=True).dictionary_encode()
    line = side["line"].to_numpy(dtype="float64", na_value=0).astype(np.int64)
    origin = side["origin"].astype("str") if "origin" in side else None
    if origin is not None:
        contribution = origin.eq("contribution").to_numpy(dtype=bool, na_value=False)
        line = np.where(contribution, line, 0)
    imported = (origin.eq("import").to_numpy(dtype=bool, na_value=False) if origin is not None
                else np.zeros(len(events), dtype=bool))
    status = pa.array(side["status"].astype("str"), from_pandas=True) if "status" in side \
        else pa.nulls(len(events), pa.string())
    return _with_side(table, file, pa.array(line), status, pa.array(imported))


def batch_table(path: Path, display: str) -> pa.Table | None:
    """An imported batch as the working table, read as it stands when every ACLED column has
    the release schema's type (what `conflictkit import` writes); None when it does not, or
    cannot be read (it is then read as `validate` reads it). Its events count as imported
    when its provenance sidecar lists them."""
    import pyarrow.parquet as pq

    schema = _release_schema()
    try:
        found = pq.read_schema(path)
        if any(found.get_field_index(f.name) < 0 or found.field(f.name).type != f.type
               for f in schema):
            return None
        table = pq.read_table(path, columns=schema.names).select(schema.names).cast(schema)
    except (OSError, pa.ArrowException):
        return None
    n = table.num_rows
    file = pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype=np.int32)),
                                          pa.array([display], pa.string()))
    imported = has_provenance(path, table.column(ID))
    return _with_side(table, file, pa.array(np.zeros(n, dtype=np.int64)),
                      pa.nulls(n, pa.string()), pa.array(np.full(n, imported)))


def _kept_rows(table: pa.Table) -> tuple[np.ndarray, int, int]:
    """Which rows a release would hold, by ID: (mask, imported records folded into another,
    other records repeating an ID). One hash lookup finds the repeated IDs; only their rows
    are looked at further."""
    import pandas as pd

    ids = table.column(ID).combine_chunks()
    first = pc.index_in(ids, value_set=ids).to_numpy(zero_copy_only=False)
    position = np.arange(len(ids))
    valid = ids.is_valid().to_numpy(zero_copy_only=False)
    repeated = valid & (np.nan_to_num(first, nan=-1).astype(np.int64) != position)
    keep = np.ones(len(ids), dtype=bool)
    if not repeated.any():
        return keep, 0, 0
    shared = pc.fill_null(pc.is_in(ids, value_set=ids.filter(pa.array(repeated)).unique()),
                          False)
    rows = np.flatnonzero(shared.to_numpy(zero_copy_only=False))
    stamps = table.column("timestamp").take(pa.array(rows)).to_numpy(zero_copy_only=False)
    group = pd.DataFrame({
        "row": rows, "id": ids.take(pa.array(rows)).to_pandas(),
        "imported": table.column("imported").take(pa.array(rows)).to_numpy(
            zero_copy_only=False),
        "stamp": np.nan_to_num(np.asarray(stamps, dtype="float64"), nan=-np.inf)})
    every_imported = group.groupby("id", sort=False)["imported"].transform("all")
    # overlapping imports: the newest version (the later record on a tie), as a release
    ordered = group[every_imported].sort_values(["id", "stamp", "row"], kind="stable")
    newest = ordered.drop_duplicates("id", keep="last")["row"].to_numpy()
    # any other repeated ID: its first record (the check rejects the copies)
    first_rows = group[~every_imported].drop_duplicates("id", keep="first")["row"].to_numpy()
    keep[rows] = False
    keep[newest] = True
    keep[first_rows] = True
    folded = int(every_imported.sum()) - len(newest)
    return keep, folded, int((~every_imported).sum()) - len(first_rows)


def pending_changes(table: pa.Table, release: str | Path, *,
                    include_candidates: bool = False) -> ChangeSet:
    """Compare the working `table` (`files_table` / `batch_table` parts, concatenated) with the
    release directory `release`: what a release built from these files would add, modify and
    delete."""
    status = pc.utf8_lower(pc.utf8_trim_whitespace(table.column("status")))
    candidate = (pc.fill_null(pc.equal(status, CANDIDATE), False)
                 .to_numpy(zero_copy_only=False).astype(bool)
                 if not include_candidates else np.zeros(table.num_rows, dtype=bool))
    kept, folded, repeated = _kept_rows(table)
    keep = ~candidate & kept
    if not keep.all():
        table = table.filter(pa.array(keep))

    release = Path(release)
    old_files = event_files(release)
    previous = read_ids(old_files, PREVIOUS_COLUMNS)
    comparison = compare_tables(table, file_batches(old_files), old_ids=previous.column(ID),
                                keep_old_modified=True)
    left_out = {"candidates": int(candidate.sum()), "imports_folded": folded,
                "repeated_ids": repeated}
    return change_set(table, previous, comparison, old=f"release {release.name}",
                      new_label=FILES_LABEL, left_out=left_out)
