"""`update`: bring a local copy of the events up to date from a newer release, the way ACLED's
R package (acledR's `acled_update`) does: drop deleted events, replace events the release holds
with a newer timestamp, append events the copy does not have, and say what it did.

Returns `(frame, UpdateSummary)` rather than tucking the summary into `df.attrs`: attrs do not
survive most pandas operations, and a tuple makes the caller see the counts.

It never goes backwards: a release made before the newest change the frame holds (its
datapackage.json release time, or the newest timestamp among its events and deletions) would
bring back events deleted since and undo later edits, so `update` refuses it, naming both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from conflictkit.errors import ConflictkitError, InputFileError, UsageError
from conflictkit.layout.release import read_datapackage, read_deletions, read_events
from conflictkit.loading.source import resolve_source
from conflictkit.schema.columns import COLUMNS_BY_NAME

if TYPE_CHECKING:
    import pandas as pd

ID, TIMESTAMP = "event_id_cnty", "timestamp"


@dataclass(frozen=True)
class UpdateSummary:
    """What `update` did, in events (rows of the local frame / of the release), returned beside
    the frame because most pandas operations drop ``df.attrs``.

    >>> df, summary = ck.update(df, "releases/1.2.0")
    >>> summary.added, summary.replaced, summary.deleted
    >>> summary.to_dict()  # JSON-ready, for a log
    """

    release: str
    before: int  # rows in the local frame
    after: int  # rows in the result
    added: int  # in the release, not in the local frame
    replaced: int  # in both, the release's timestamp newer (or the local one missing)
    deleted: int  # local rows whose ID the release lists as deleted
    unchanged: int  # in both, the local copy already current
    not_in_release: int  # local rows the release neither has nor deletes (kept as they are)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return (f"{self.release}: {self.added} added, {self.replaced} replaced, "
                f"{self.deleted} deleted, {self.unchanged} unchanged, "
                f"{self.not_in_release} not in the release; {self.before} -> {self.after} events")


def _read_deletions(source: Any) -> pd.Index:
    """Deleted IDs from a deletions.csv path, a frame with event_id_cnty, or an iterable of IDs."""
    import pandas as pd

    if source is None:
        return pd.Index([], dtype="str")
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            raise UsageError(f"{path}: no such deletions file")
        try:
            frame = pd.read_csv(path, usecols=[ID], keep_default_na=False, na_values=[""])
        except ValueError as exc:
            raise InputFileError(str(path), f"not a deletions table with an {ID} column: {exc}",
                                 line=1) from exc
        source = frame
    if isinstance(source, pd.DataFrame):
        if ID not in source.columns:
            raise UsageError(f"deletions: the frame has no {ID} column")
        source = source[ID]
    if not isinstance(source, Iterable):
        raise UsageError(f"deletions: expected a path, a frame or IDs, got {source!r}")
    values = source if isinstance(source, pd.Series) else list(source)
    return pd.Index(pd.Series(values, dtype="str").dropna().unique())


def _check_frame(frame: pd.DataFrame, what: str) -> None:
    for column in (ID, TIMESTAMP):
        if column not in frame.columns:
            raise UsageError(f"{what} has no {column!r} column; update matches events by "
                             f"{ID} and compares {TIMESTAMP}")


def _utc(stamp: float) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(int(stamp), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def release_time(release_dir: Path) -> int | None:
    """When a release was made (Unix seconds): datapackage.json's release timestamp, else the
    newest timestamp among its events and deletions (no event in it can be newer)."""
    import pyarrow.compute as pc

    recorded = (read_datapackage(release_dir).get("conflictkit") or {}).get("release_timestamp")
    if isinstance(recorded, int) and not isinstance(recorded, bool):
        return recorded
    stamps = [pc.max(read_events(release_dir, columns=[TIMESTAMP]).column(TIMESTAMP)).as_py(),
              pc.max(read_deletions(release_dir).column("deleted_timestamp")).as_py()]
    known = [int(s) for s in stamps if s is not None]
    return max(known) if known else None


def _refuse_older(local: pd.DataFrame, release_dir: Path, label: str) -> None:
    """A UsageError when the release was made before the newest change the frame holds."""
    import pandas as pd

    newest = local[TIMESTAMP].astype("Float64").max()
    if pd.isna(newest):  # no timestamps: nothing to compare
        return
    made = release_time(release_dir)
    if made is None or made >= newest:
        return
    loaded = (local.attrs.get("load") or {}).get("release")
    origin = f", loaded from {loaded}" if loaded else ""
    raise UsageError(
        f"update: {label} (release {release_dir.name}, made {_utc(made)}) is older than the "
        f"frame, which holds events changed at {_utc(newest)}{origin}; updating from it would "
        "bring back events deleted since and undo later changes. Update from a newer release, "
        "or load this one afresh with ck.load")


def update(
    df: pd.DataFrame,
    release: str | Path | pd.DataFrame,
    *,
    deletions: Any = None,
    **filters: Any,
) -> tuple[pd.DataFrame, UpdateSummary]:
    """Bring a local copy up to date from a newer release, as acled_update does: drop deleted
    events, replace those the release holds with a newer timestamp, add the new ones.

    Returns `(updated copy of df, UpdateSummary)`; `df` itself is not modified. release: a
    release directory or a dataset repository (its latest release; its events and
    deletions.csv are read; `filters` such as countries=, start=, event_types= are passed to
    `load`, so a copy that holds one country is updated with that country only), or a frame of
    newer events (then `deletions` may give the deleted IDs: a deletions.csv path, a frame with
    event_id_cnty or a list of IDs). A release older than the frame (made before its newest
    change) is a UsageError naming both: it would bring back deleted events. Rows kept from df
    stay in their order and the release's replacing and new events follow, in release order.
    Columns are df's; ACLED columns get the load dtypes.

    >>> df = ck.load("releases/1.1.0", countries="Syria")
    >>> df, summary = ck.update(df, "releases/1.2.0", countries="Syria")
    >>> print(summary)  # releases/1.2.0: 3 added, 1 replaced, 1 deleted, ...
    """
    import pandas as pd

    from conflictkit.loading.dtypes import as_typed
    from conflictkit.loading.read import load

    if not isinstance(df, pd.DataFrame):
        raise UsageError(f"update: df must be a DataFrame, got {type(df).__name__}")
    _check_frame(df, "the local frame")
    acled_columns = [c for c in df.columns if c in COLUMNS_BY_NAME]
    local = as_typed(df).reset_index(drop=True)
    local.attrs = dict(df.attrs)
    if isinstance(release, pd.DataFrame):
        if filters:
            raise UsageError("update: filters apply to a release directory, not to a frame")
        newer = as_typed(release[[c for c in acled_columns if c in release.columns]])
        label = "<frame>"
    else:
        label = str(release)
        release_dir = resolve_source(release).release  # a dataset repository: its latest
        if release_dir is not None:
            _refuse_older(local, release_dir, label)
        newer = load(release, columns=acled_columns, **filters)
        if deletions is None and release_dir is not None:
            deletions = read_deletions(release_dir).column(ID).to_pylist()
    _check_frame(newer, "the release")
    new_ids = pd.Index(newer[ID].astype("str"))
    if new_ids.hasnans or not new_ids.is_unique:
        dupes = new_ids[new_ids.duplicated()].unique()[:5].tolist()
        raise ConflictkitError(f"{label}: {ID} is missing or repeated in the release "
                               f"(e.g. {dupes}); cannot match events by ID")

    deleted_ids = _read_deletions(deletions)
    deleted_ids = deleted_ids[new_ids.get_indexer(deleted_ids) < 0]  # re-published: not deleted

    local_ids = local[ID].astype("str")
    position = new_ids.get_indexer(local_ids)  # row of each local event in the release, or -1
    in_release = position >= 0
    is_deleted = local_ids.isin(deleted_ids).to_numpy(dtype=bool)  # big.isin(small)
    new_stamp = newer[TIMESTAMP].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    local_stamp = local[TIMESTAMP].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    matched_stamp = np.where(in_release, new_stamp[np.maximum(position, 0)], np.nan)
    replace = in_release & (np.isnan(local_stamp) | (matched_stamp > local_stamp))

    seen = np.zeros(len(newer), dtype=bool)
    seen[position[in_release]] = True
    added = np.flatnonzero(~seen)

    # as acled_update does: drop what is replaced or deleted, append the release's rows
    kept = local[~(is_deleted | replace)]
    incoming = np.union1d(position[replace], added)  # sorted: release order
    result = pd.concat([kept, newer.take(incoming)], ignore_index=True)[list(local.columns)]

    summary = UpdateSummary(
        release=label,
        before=len(local),
        after=len(result),
        added=len(added),
        replaced=int(replace.sum()),
        deleted=int(is_deleted.sum()),
        unchanged=int((in_release & ~replace).sum()),
        not_in_release=int((~in_release & ~is_deleted).sum()),
    )
    return result, summary
