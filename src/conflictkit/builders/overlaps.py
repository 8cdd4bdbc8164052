"""Records of one event that more than one import holds, folded into one event.

Overlapping imports are normal: two ACLED exports covering the same months, three pulls of one
UCDP file, an export that lists an event twice. An imported event keeps the ID its source gave
it, so the same ID in two imported records is the same event: identical records are one event
(the copies are dropped and counted), and records that differ keep the newer one by the
source's ``timestamp`` (ACLED's "last modified"; on a tie, the later record in path and file
order), with the older versions named in the kept event's ``superseded`` provenance. That is
how ACLED's own updates work, and it is never a duplicate that blocks a release.

Hand-coded records are never merged: two of them with one ID are an error a person must fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from conflictkit.schema.columns import COLUMN_NAMES

if TYPE_CHECKING:
    import pandas as pd

#: older versions a kept event names; the rest are counted
NAMED = 5


@dataclass
class Overlaps:
    """Which records stay, and what was folded."""

    keep: np.ndarray  # False for a record folded into another
    identical: int  # exact copies dropped
    superseded: int  # older versions dropped
    groups: np.ndarray  # positions of every record whose ID another eligible record shares
    notes: dict[int, str]  # kept position -> the older versions it replaced

    @property
    def folded(self) -> int:
        return self.identical + self.superseded


def fold_same_ids(events: pd.DataFrame, eligible: np.ndarray | None,
                  files: Sequence[str] | np.ndarray, lines: Sequence[int] | np.ndarray,
                  *, maybe_shared: np.ndarray | None = None) -> Overlaps:
    """Fold the eligible records (imported ones; all when None) that share an event ID.

    ``maybe_shared``: a mask holding at least every record whose ID another record has (the
    rows the uniqueness rule flagged, and blank-string IDs), so that a batch without repeated
    IDs costs no hashing of a million IDs.
    """
    import pandas as pd

    n = len(events)
    keep = np.ones(n, dtype=bool)
    if maybe_shared is not None and not maybe_shared.any():
        return Overlaps(keep, 0, 0, np.empty(0, dtype=np.int64), {})
    ids = events["event_id_cnty"]
    mask = ids.notna().to_numpy() if eligible is None else (eligible & ids.notna().to_numpy())
    if maybe_shared is not None:
        mask = mask & maybe_shared
    positions = np.flatnonzero(mask)
    codes, _ = pd.factorize(ids.iloc[positions])
    shared = np.bincount(codes)[codes] > 1 if len(codes) else np.zeros(0, dtype=bool)
    if not shared.any():
        return Overlaps(keep, 0, 0, np.empty(0, dtype=np.int64), {})
    rows = positions[shared]
    content = pd.util.hash_pandas_object(events.iloc[rows][list(COLUMN_NAMES)], index=False)
    stamps = pd.to_numeric(events["timestamp"].iloc[rows], errors="coerce").to_numpy(
        dtype="float64", na_value=-np.inf)  # no timestamp: older than any
    frame = pd.DataFrame({"row": rows, "id": codes[shared], "content": content.to_numpy(),
                          "stamp": stamps})
    copies = frame.duplicated(["id", "content"]).to_numpy()
    versions = frame.loc[~copies].sort_values(["id", "stamp", "row"], kind="stable")
    newest = ~versions.duplicated("id", keep="last").to_numpy()
    older = versions.loc[~newest]
    keep[frame.loc[copies, "row"].to_numpy()] = False
    keep[older["row"].to_numpy()] = False
    notes: dict[int, str] = {}
    if len(older):
        winner = versions.loc[newest].set_index("id")["row"]
        files_a = np.asarray(files, dtype=object)
        lines_a = np.asarray(lines, dtype="int64")
        for code, group in older.groupby("id", sort=False)["row"]:
            named = [f"{files_a[r]}:{lines_a[r]}" if lines_a[r] else str(files_a[r])
                     for r in group.to_numpy()[:NAMED]]
            more = f" and {len(group) - NAMED} more" if len(group) > NAMED else ""
            notes[int(winner[code])] = (f"replaces an older version of this event at "
                                        f"{', '.join(named)}{more}")
    return Overlaps(keep, int(copies.sum()), int(len(older)), rows, notes)


def renumber(problems: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """Problems of the kept records, their record numbers shifted to the kept rows; problems
    of dropped records go with them (file-level ones stay)."""
    record = problems["record"].to_numpy()
    on_row = record >= 0
    dropped = np.zeros(len(problems), dtype=bool)
    dropped[on_row] = ~keep[record[on_row]]
    kept = problems.loc[~dropped].copy()
    new_position = np.cumsum(keep) - 1
    rows = kept["record"].to_numpy()
    kept["record"] = np.where(rows >= 0, new_position[np.clip(rows, 0, None)], rows)
    return kept.reset_index(drop=True)
