"""Checks across records, beside the single-table rules of ``validate_events``.

- ``duplicate_ids``: an ``event_id_cnty`` used by more than one record of the batch (across files
  or within one), each occurrence naming the others' file:line;
- ``release_id_clashes``: contribution IDs deleted in a release (error), and one summary warning
  for IDs a release already publishes (edits). Only the release's ``event_id_cnty`` column (and
  its deletions) are read, through the layout's readers, and the big side is looked up in the
  small one (``pc.is_in(release_ids, value_set=contribution_ids)``), which is what keeps a
  3M-event release under a second;
- ``likely_duplicates``: records with the same date, country, location, actors and sub-event type
  (warnings: two clashes at one place on one day are one ACLED event unless they differ);
- ``unknown_actors``: actor1/actor2 and associated actors that the registry does not know
  (warnings; errors with ``strict``). Actors whose type could not be derived are already errors
  from ``derive_columns`` and are not reported twice;
- ``candidates``: records with ``status: candidate`` (unreviewed, e.g. extracted) as warnings.

Each returns a problem frame (the Report's shape); nothing here prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from conflictkit.errors import ConflictkitError, UsageError
from conflictkit.layout.release import find_release, is_release, read_deletions, read_event_ids
from conflictkit.problems import catalogue as P
from conflictkit.problems.rows import concat_problems, problem_row, problem_rows

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from conflictkit.reference.actors import ActorRegistry

#: Fuzzy "did you mean" costs tens of milliseconds a name: only this many distinct names get one
#: per run (the ones a person reads first); the rest are still reported, without the hint.
SUGGESTIONS = 3

DUPLICATE_KEY: tuple[str, ...] = ("event_date", "country", "location", "actor1", "actor2",
                                  "sub_event_type")


def _where(files: np.ndarray, lines: np.ndarray, positions: np.ndarray) -> list[str]:
    return [f"{files[p] or '<input>'}:{lines[p]}" if lines[p] else f"{files[p]} record {p}"
            for p in positions]


def duplicate_ids(events: pd.DataFrame, files: Sequence[str], lines: Sequence[int]
                  ) -> pd.DataFrame:
    """Errors for IDs used by several records, naming where the other copies are."""
    ids = events["event_id_cnty"]
    dup = ids.notna() & ids.duplicated(keep=False)
    if not dup.any():
        return concat_problems([])
    files_a, lines_a = np.asarray(files, dtype=object), np.asarray(lines, dtype="int64")
    positions = np.flatnonzero(dup.to_numpy())
    groups = ids.iloc[positions].groupby(ids.iloc[positions], sort=False).groups
    messages = []
    for p in positions:
        others = [q for q in groups[ids.iat[p]] if q != p]
        where = ", ".join(_where(files_a, lines_a, np.asarray(others[:5])))
        more = f" and {len(others) - 5} more" if len(others) > 5 else ""
        messages.append(f"event_id_cnty {ids.iat[p]} is also used at {where}{more}; "
                        "every event needs its own ID")
    return concat_problems([problem_rows(dup.to_numpy(), P.DUPLICATE_ID, column="event_id_cnty",
                                         values=ids, message=messages,
                                         event_ids=ids, files=files, lines=lines)])


# ---------------------------------------------------------------------------------------------
# against a release
# ---------------------------------------------------------------------------------------------


class ReleaseIds:
    """A release's event IDs (and deleted IDs), read in a background thread.

    Reading 3M IDs from Parquet is most of what checking against a release costs, and pyarrow
    releases the GIL while it reads, so the read starts as soon as the release is named and
    overlaps with reading the contributions and loading the reference data. The release path
    is checked at once (a bad path is a UsageError before any work).
    """

    def __init__(self, release: str | Path) -> None:
        from concurrent.futures import ThreadPoolExecutor

        path = Path(release)
        if path.is_file() and path.parent.is_dir() and is_release(path.parent):
            path = path.parent  # the release's events.parquet, given for the release
        self.path = find_release(path, what="--release")
        self.name = self.path.name
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="release-ids")
        self._future = self._pool.submit(self._read)

    def _read(self) -> tuple[pa.ChunkedArray, pa.ChunkedArray | None]:
        try:
            deletions = read_deletions(self.path)
            ids = read_event_ids(self.path)
        except ConflictkitError as exc:
            raise UsageError(f"--release: {exc}") from exc
        return ids, deletions.column("event_id_cnty") if deletions.num_rows else None

    def get(self) -> tuple[pa.ChunkedArray, pa.ChunkedArray | None]:
        """(release IDs, deleted IDs or None); re-raises the reader's error."""
        try:
            return self._future.result()
        finally:
            self._pool.shutdown(wait=False)


def release_id_clashes(events: pd.DataFrame, release: ReleaseIds | Path, files: Sequence[str],
                       lines: Sequence[int]) -> pd.DataFrame:
    """Problems for contribution IDs the release has deleted or already publishes.

    A deleted ID coming back is an error on each record: deleted IDs are never reused. IDs the
    release already publishes are normal in a dataset repository (its events folder holds the
    published events, and an edited event keeps its ID), so they give one summary warning rather
    than a row per event; a new event that copies another's ID is caught as a duplicate within
    the dataset.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    from conflictkit.problems.report import problems_frame

    if not isinstance(release, ReleaseIds):
        release = ReleaseIds(release)
    ids = events["event_id_cnty"]
    small = pa.array(ids.dropna().unique(), type=pa.string())
    used, deleted = release.get()
    if len(small) == 0:
        return concat_problems([])

    def found_in(big: pa.ChunkedArray | None) -> np.ndarray:
        if big is None:
            return np.zeros(len(ids), dtype=bool)
        # the big side is looked up in the small one, never the other way round
        hits = pc.filter(big, pc.is_in(big, value_set=small))
        return ids.isin(set(hits.to_pylist())).to_numpy() if len(hits) else np.zeros(
            len(ids), dtype=bool)

    parts = []
    reused = found_in(deleted)
    if reused.any():
        messages = [f"event_id_cnty {i} was deleted in release {release.name}; deleted IDs are "
                    "never reused (leave it out and run `conflictkit ids assign`)"
                    for i in ids[reused]]
        parts.append(problem_rows(reused, P.DELETED_ID_REUSED, column="event_id_cnty",
                                  values=ids, message=messages, event_ids=ids, files=files,
                                  lines=lines))
    published = found_in(used) & ~reused
    if published.any():
        sample = ", ".join(ids[published].head(5))
        more = " ..." if published.sum() > 5 else ""
        parts.append(problems_frame([problem_row(
            P.RELEASE_PUBLISHED, column="event_id_cnty",
            message=f"{int(published.sum())} records carry IDs already published in release "
                    f"{release.name} ({sample}{more}): they edit those events. A new event "
                    "needs a new ID: leave event_id_cnty out and run `conflictkit ids assign`")]))
    return concat_problems(parts)


# ---------------------------------------------------------------------------------------------
# likely duplicates, actors, candidates
# ---------------------------------------------------------------------------------------------


def likely_duplicates(events: pd.DataFrame, files: Sequence[str], lines: Sequence[int]
                      ) -> pd.DataFrame:
    """Warnings for records that share date, country, location, both actors and sub-event."""
    complete = events[["event_date", "country", "location", "actor1"]].notna().all(axis=1)
    # cheap first pass on two columns; the full key only for the rows that share them
    near = (events.duplicated(["event_date", "location"], keep=False) & complete).to_numpy()
    dup = np.zeros(len(events), dtype=bool)
    if near.any():
        subset = events.loc[near, list(DUPLICATE_KEY)].astype("str").fillna("\x00")
        dup[np.flatnonzero(near)] = subset.duplicated(keep=False).to_numpy()
    if not dup.any():
        return concat_problems([])
    key = events[list(DUPLICATE_KEY)].iloc[np.flatnonzero(dup)].astype("str").fillna("\x00")
    key.index = np.flatnonzero(dup)
    files_a, lines_a = np.asarray(files, dtype=object), np.asarray(lines, dtype="int64")
    positions = np.flatnonzero(dup)
    groups = key.groupby(list(DUPLICATE_KEY), sort=False).indices
    first_of: dict[int, list[int]] = {}
    for members in groups.values():
        pos = positions[members]
        for p in pos:
            first_of[int(p)] = [int(q) for q in pos if q != p]
    messages = [
        "likely the same event as " + ", ".join(_where(files_a, lines_a,
                                                       np.asarray(first_of[p][:5])))
        + " (same date, country, location, actors and sub-event type); merge them or make "
          "the difference clear" for p in positions
    ]
    return concat_problems([problem_rows(dup, P.LIKELY_DUPLICATE, column="", values=None,
                                         message=messages, event_ids=events["event_id_cnty"],
                                         files=files, lines=lines, severity="warning")])


def unknown_actors(events: pd.DataFrame, actors: ActorRegistry, files: Sequence[str],
                   lines: Sequence[int], *, strict: bool = False,
                   already: pd.DataFrame | None = None,
                   summarise_from: int | None = None) -> pd.DataFrame:
    """Actors the registry does not know, one row per (record, column).

    ``already`` holds problems reported before (records whose actor type could not be derived
    are skipped for that actor column). Rows from ``summarise_from`` on are finished tables
    (Parquet, releases): unless ``strict``, they get one warning per (file, column, actor)
    with its record count instead of one per record, so a 3M-row table with a few thousand
    unregistered names says so in a few thousand lines, not millions.
    """
    import pandas as pd

    from conflictkit.schema.vocab import LIST_SEPARATOR

    severity = "error" if strict else "warning"
    parts: list[pd.DataFrame | None] = []
    skip: dict[str, set[int]] = {"actor1": set(), "actor2": set()}
    hinted: dict[str, list[str]] = {}  # "did you mean" for the first SUGGESTIONS names only
    if already is not None and not already.empty:
        hit = already[already["rule"] == P.UNKNOWN_ACTOR_TYPE.code]
        for column, records in hit.groupby("column")["record"]:
            skip[column.replace("inter", "actor")] = set(records)
    for column in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2"):
        values = events[column]
        codes, uniques = pd.factorize(values)  # -1 for blank; lookups per distinct value
        if len(uniques) == 0:
            continue
        distinct_values = pd.Series(uniques, dtype="str")
        if column.startswith("assoc"):
            names = distinct_values.str.split(LIST_SEPARATOR, regex=False).explode()
            names = names[names.notna() & (names != "")]
        else:
            names = distinct_values
        distinct = pd.Series(pd.unique(names), dtype="str")
        if distinct.empty:
            continue
        unknown = set(distinct[~actors.known(distinct).to_numpy()])
        if not unknown:
            continue
        bad_names = names[names.isin(unknown)]
        names_of: dict[int, list[str]] = {}  # distinct-value position -> its unknown names
        for position, name in zip(bad_names.index.to_numpy(), bad_names.to_numpy(),
                                  strict=True):
            names_of.setdefault(int(position), []).append(name)
        rows = np.flatnonzero(np.isin(codes, np.fromiter(names_of, dtype="int64")))
        if summarise_from is not None and not strict:
            table_rows = rows[rows >= summarise_from]
            parts.append(_summarise_unknown(column, codes[table_rows], table_rows, names_of,
                                            files))
            rows = rows[rows < summarise_from]
        records = [int(r) for r in rows if int(r) not in skip.get(column, ())]
        if not records:
            continue
        mask = np.zeros(len(events), dtype=bool)
        mask[np.asarray(records, dtype="int64")] = True
        messages = [_unknown_actor_message(column, names_of[int(codes[r])], actors, hinted)
                    for r in records]
        parts.append(problem_rows(mask, P.UNKNOWN_ACTOR, column=column, values=values,
                                  message=messages, event_ids=events["event_id_cnty"],
                                  files=files, lines=lines, severity=severity))
    return concat_problems(parts)


def _summarise_unknown(column: str, value_codes: np.ndarray, rows: np.ndarray,
                       names_of: dict[int, list[str]], files: Sequence[str]
                       ) -> pd.DataFrame | None:
    """One warning per (file, unknown name) of a table column, with how many records use it."""
    import pandas as pd

    if rows.size == 0:
        return None
    frame = pd.DataFrame({"file": np.asarray(files, dtype=object)[rows], "value": value_codes})
    counts = frame.value_counts(sort=False).reset_index(name="n")
    counts["name"] = [names_of[int(v)] for v in counts["value"]]
    counts = counts.explode("name").groupby(["file", "name"], sort=True)["n"].sum()
    counts = counts.reset_index()
    return pd.DataFrame({
        "file": counts["file"].astype("str"), "line": 0, "record": -1, "event_id": "",
        "column": column, "rule": P.UNKNOWN_ACTOR.code, "value": counts["name"].astype("str"),
        "message": [f"{column}: {name!r} is not in the actor registry ({n:,} records); use "
                    "the registry's name or add the actor to reference/actors.csv"
                    for name, n in zip(counts["name"], counts["n"], strict=True)],
        "severity": "warning"})


def _unknown_actor_message(column: str, names: list[str], actors: ActorRegistry,
                           hinted: dict[str, list[str]]) -> str:
    parts = []
    for name in names:
        if name not in hinted and len(hinted) < SUGGESTIONS:
            hinted[name] = actors.suggest(name, 3)
        hints = hinted.get(name)
        hint = f" (did you mean {', '.join(repr(h) for h in hints)}?)" if hints else ""
        parts.append(f"{name!r}{hint}")
    return (f"{column}: not in the actor registry: {'; '.join(parts)}; use the registry's name "
            "or add the actor to reference/actors.csv")


def candidates(side: pd.DataFrame, event_ids: pd.Series) -> pd.DataFrame:
    """Warnings for unreviewed (``status: candidate``) records: a release leaves them out."""
    mask = (side["status"] == "candidate").fillna(False).to_numpy()
    return concat_problems([problem_rows(
        mask, P.CANDIDATE, column="status", values=side["status"],
        message="candidate event (not yet reviewed): a release leaves it out until a person "
                "reviews it and removes `status: candidate`",
        event_ids=event_ids, files=side["file"].to_numpy(), lines=side["line"].to_numpy(),
        severity="warning")])


def all_crosschecks(events: pd.DataFrame, side: pd.DataFrame, *, actors: ActorRegistry,
                    release: ReleaseIds | Path | None = None, strict: bool = False,
                    already: pd.DataFrame | None = None,
                    tables_from: int | None = None) -> pd.DataFrame:
    """Every cross-record check over one batch (rows from ``tables_from`` on are tables)."""
    files, lines = side["file"].to_numpy(), side["line"].to_numpy()
    parts: list[Any] = [duplicate_ids(events, files, lines)]
    if release is not None:
        parts.append(release_id_clashes(events, release, files, lines))
    parts.append(likely_duplicates(events, files, lines))
    parts.append(unknown_actors(events, actors, files, lines, strict=strict, already=already,
                                summarise_from=tables_from))
    parts.append(candidates(side, events["event_id_cnty"]))
    return concat_problems(parts)
