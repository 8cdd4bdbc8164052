"""Checks across records, beside the single-table rules of ``validate_events``.

- ``duplicate_ids``: an ``event_id_cnty`` used by more than one record of the batch (across files
  or within one), or by a file of the dataset that is not being checked (`OtherIds`, read IDs
  only): an error on each copy in the batch, naming where the first few others are;
- ``release_id_clashes``: contribution IDs deleted in a release (error), and one summary warning
  for IDs a release already publishes (edits). Only the release's ``event_id_cnty`` column (and
  its deletions) are read, through the layout's readers, and the big side is looked up in the
  small one (``pc.is_in(release_ids, value_set=contribution_ids)``), which is what keeps a
  3M-event release under a second;
- ``likely_duplicates``: records with the same date, country, location, actors and sub-event type
  (one warning per group: two clashes at one place on one day are one ACLED event unless they
  differ);
- ``unknown_actors``: actor1/actor2 and associated actors that the registry does not know
  (warnings; errors with ``strict``). Actors whose type could not be derived are already errors
  from ``derive_columns`` and are not reported twice;
- ``candidates``: records with ``status: candidate`` (unreviewed, e.g. extracted) as warnings.

Each returns a problem frame (the Report's shape); nothing here prints. The checks across records
work on codes of distinct keys (``pandas.factorize``), counts and one stable sort, so time and
memory grow with the rows and the distinct keys, never with the square of a group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from conflictkit.errors import ConflictkitError, UsageError
from conflictkit.layout.release import find_release, is_release, read_deletions, read_event_ids
from conflictkit.problems import catalogue as P
from conflictkit.problems.rows import concat_problems, file_names, problem_row, problem_rows

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from conflictkit.reference.actors import ActorRegistry

#: Fuzzy "did you mean" costs tens of milliseconds a name: only this many distinct names get one
#: per run (the ones a person reads first); the rest are still reported, without the hint.
SUGGESTIONS = 3

DUPLICATE_KEY: tuple[str, ...] = ("event_date", "country", "location", "actor1", "actor2",
                                  "sub_event_type")


#: Other records a message names: enough to find the copies; the rest are counted, never listed,
#: so a message stays one line however large its group.
SHOWN = 5


@dataclass(frozen=True)
class _Groups:
    """Records that share a key, sorted by group and, within a group, by record.

    Sizes and ranks per member instead of a list per group: both duplicate checks build their
    messages from these arrays, in O(n) memory whatever the size of a group.
    """

    positions: np.ndarray  # record positions, grouped, in record order within a group
    group: np.ndarray  # dense group id of each, ascending with the group's first record
    rank: np.ndarray  # 0 for a group's first record, 1 for its second ...
    sizes: np.ndarray  # records per group
    starts: np.ndarray  # index into `positions` of each group's first record


def _key_codes(frame: pd.DataFrame, columns: Sequence[str],
               positions: np.ndarray | None = None) -> np.ndarray:
    """One code per row (of ``positions``, or every row), equal exactly where every column is
    equal (NA equal to NA): each column factorized, the codes combined pairwise and factorized
    again, so a code stays below the row count (no overflow, ``bincount``-able) and nothing is
    sorted or grouped."""
    import pandas as pd

    codes = np.zeros(len(frame) if positions is None else positions.size, dtype=np.int64)
    for i, name in enumerate(columns):
        values = frame[name] if positions is None else frame[name].iloc[positions]
        column, uniques = pd.factorize(values)  # NA -> -1
        if i == 0:
            codes = column.astype(np.int64) + 1
        else:
            codes, _ = pd.factorize(codes * (len(uniques) + 1) + (column + 1))
    return codes.astype(np.int64, copy=False)


def _shared(codes: np.ndarray, positions: np.ndarray) -> _Groups:
    """The groups of two or more records among ``positions`` (ascending) with equal ``codes``
    (>= 0): a count per code, one stable sort, no per-group Python."""
    import pandas as pd

    keep = np.bincount(codes)[codes] >= 2
    dense, _ = pd.factorize(codes[keep])  # ids in order of each group's first record
    order = np.argsort(dense, kind="stable")
    group = dense[order].astype(np.int64, copy=False)
    sizes = np.bincount(group)
    starts = np.cumsum(sizes) - sizes
    return _Groups(positions[keep][order], group, np.arange(group.size) - starts[group], sizes,
                   starts)


def _locations(files: Sequence[str], lines: Sequence[int], positions: np.ndarray,
               records: np.ndarray | None = None) -> pa.Array:
    """``file:line`` of each record, or ``file record N`` for a table row (it has no line);
    N is the row's position, or its entry in ``records`` when given."""
    import pyarrow as pa
    import pyarrow.compute as pc

    file = pc.fill_null(pa.array(np.asarray(files, dtype=object)[positions], type=pa.string()),
                        "")
    file = pc.if_else(pc.equal(file, ""), "<input>", file)
    line = np.asarray(lines, dtype="int64")[positions]
    number = positions if records is None else records[positions]
    at_line = pc.binary_join_element_wise(file, pc.cast(pa.array(line), pa.string()), ":")
    at_record = pc.binary_join_element_wise(file, pc.cast(pa.array(number), pa.string()),
                                            " record ")
    return pc.if_else(pa.array(line != 0), at_line, at_record)


def _head_locations(groups: _Groups, files: Sequence[str], lines: Sequence[int],
                    records: np.ndarray | None = None) -> tuple[pa.Array, np.ndarray]:
    """Locations of each group's first ``SHOWN + 1`` records (the only ones a message names)
    and, per member, the index of its location (-1 for the later members)."""
    head = np.flatnonzero(groups.rank <= SHOWN)
    index = np.full(groups.positions.size, -1, dtype=np.int64)
    index[head] = np.arange(head.size)
    return _locations(files, lines, groups.positions[head], records), index


def _named(locations: pa.Array, slots: list[np.ndarray]) -> pa.Array:
    """The locations of each message's slots joined with ", " (a slot of -1 is left out)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = [locations.take(pa.array(slot, mask=slot < 0)) for slot in slots]
    return pc.binary_join_element_wise(*parts, ", ", null_handling="skip")


def _counted(counts: np.ndarray, template: str, zero: str = "") -> pa.Array:
    """``template`` formatted with each count (``zero`` for 0); formatted once per distinct
    count, which are few (the sizes of groups)."""
    import pyarrow as pa

    distinct, inverse = np.unique(counts, return_inverse=True)
    texts = [template.format(int(c)) if c else zero for c in distinct]
    return pa.array(texts, type=pa.string()).take(pa.array(inverse.reshape(-1)))


def _slot(groups: _Groups, index: np.ndarray, group: np.ndarray, rank: np.ndarray
          ) -> np.ndarray:
    """The location index of the member of ``rank`` in each ``group`` (-1 past its size)."""
    inside = rank < groups.sizes[group]
    at = np.minimum(groups.starts[group] + rank, groups.positions.size - 1)
    return np.where(inside, index[at], -1)


@dataclass(frozen=True)
class OtherIds:
    """Event IDs used by the rest of the dataset (files that are not being checked) and where
    each one is. They take part in the duplicate-ID check, so an ID a checked file shares
    with an unchanged file is caught, but are never reported themselves."""

    ids: pa.Array  # string; null where a record has no ID
    files: np.ndarray  # object: the file as a message names it
    lines: np.ndarray  # int64: 1-based line, 0 for a table row
    records: np.ndarray  # int64: a table row's position in its file ("file record N")
    imported: np.ndarray  # bool: from an imported batch (with its provenance)

    def __len__(self) -> int:
        return len(self.ids)

    def sharing(self, ids: pd.Series, imported: np.ndarray | None = None) -> OtherIds:
        """Only the entries whose ID one of ``ids`` uses (the other IDs cannot clash); an
        imported entry only when a record that was not imported (``imported`` False) uses it:
        imported records of one event are folded, never duplicates."""
        import pyarrow as pa
        import pyarrow.compute as pc

        def used_by(values: pd.Series) -> np.ndarray:
            small = pa.array(values.dropna().unique(), type=pa.string())
            # the big side (the dataset's IDs) is looked up in the small one (the records)
            found = pc.fill_null(pc.is_in(self.ids, value_set=small), False)
            return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)

        mask = used_by(ids)
        if self.imported.any() and imported is not None and imported.any():
            mask = np.where(self.imported, used_by(ids[~imported]), mask)
        keep = pa.array(mask)
        return OtherIds(self.ids.filter(keep), self.files[mask], self.lines[mask],
                        self.records[mask], self.imported[mask])


def duplicate_ids(events: pd.DataFrame, files: Sequence[str], lines: Sequence[int],
                  others: OtherIds | None = None, imported: np.ndarray | None = None, *,
                  maybe_shared: np.ndarray | None = None) -> pd.DataFrame:
    """An error on every record whose event_id_cnty another record also uses.

    Every copy is an error (which one keeps the ID is the contributor's call), so every copy is
    rejected and records = accepted + rejected holds. Each message names up to ``SHOWN`` of the
    other copies and counts the rest. Messages are built once per group and variant, never per
    pair: a group's first ``SHOWN + 1`` records each name the others among them, and every later
    record shares the message of the group's record of rank ``SHOWN`` (the first ``SHOWN``
    records, none of them itself). Time O(n log n), memory O(n), whatever the group sizes.

    ``others`` (the rest of the dataset) join the groups after the records, so a message names
    them too; only the records get problem rows. ``imported`` marks the records from imported
    batches (an imported record and an imported other of one ID are one event, folded).
    ``maybe_shared``: a mask holding at least every record whose ID another record uses (the
    rows the schema's uniqueness rule flagged, blank IDs): only those are hashed.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    ids = events["event_id_cnty"]
    n = len(events)
    rows = np.arange(n) if maybe_shared is None else np.flatnonzero(maybe_shared[:n])
    records = None
    if others is not None and len(others):
        others = others.sharing(ids, imported)
    if others is not None and len(others):
        if maybe_shared is not None:  # the uniqueness rule saw this batch only
            sharing = pc.is_in(pa.array(ids, type=pa.string()), value_set=others.ids.unique())
            shared = np.asarray(pc.fill_null(sharing, False).to_numpy(zero_copy_only=False),
                                dtype=bool)
            rows = np.union1d(rows, np.flatnonzero(shared))
        rows = np.concatenate([rows, n + np.arange(len(others), dtype=rows.dtype)])
        ids = pd.concat([ids.reset_index(drop=True),
                         pd.Series(others.ids.to_pylist(), dtype=ids.dtype)], ignore_index=True)
        files = np.concatenate([np.asarray(files, dtype=object), others.files])
        lines = np.concatenate([np.asarray(lines, dtype="int64"), others.lines])
        records = np.concatenate([np.arange(n, dtype=np.int64), others.records])
    if rows.size < 2:
        return concat_problems([])
    codes, _ = pd.factorize(ids.iloc[rows])  # exact text: SYR012 and SYR12 are different IDs
    present = rows[codes >= 0]
    if present.size < 2:
        return concat_problems([])
    groups = _shared(codes[codes >= 0], present)
    if groups.positions.size == 0:
        return concat_problems([])
    locations, index = _head_locations(groups, files, lines, records)
    head = np.flatnonzero(groups.rank <= SHOWN)
    group, rank = groups.group[head], groups.rank[head]
    # the j-th other record of a head member: rank j, or j + 1 once past the member itself
    slots = [_slot(groups, index, group, j + (j >= rank)) for j in range(SHOWN)]
    others_count = groups.sizes[group] - 1
    text = pc.binary_join_element_wise(
        "event_id_cnty ", pa.array(ids.iloc[groups.positions[head]], type=pa.string()),
        " is also used at ", _named(locations, slots),
        _counted(others_count - np.minimum(others_count, SHOWN), " and {:,} more"),
        "; every event needs its own ID", "")
    messages = np.asarray(text.to_numpy(zero_copy_only=False), dtype=object)
    later = index[np.minimum(groups.starts[groups.group] + SHOWN, groups.positions.size - 1)]
    message_of = np.where(groups.rank <= SHOWN, index, later)
    at_record = np.empty(len(ids), dtype=np.int64)
    at_record[groups.positions] = message_of
    mask = np.zeros(len(ids), dtype=bool)
    mask[groups.positions] = True
    mask, at_record = mask[:n], at_record[:n]  # the others get no rows of their own
    return concat_problems([problem_rows(mask, P.DUPLICATE_ID, column="event_id_cnty",
                                         values=ids, message=messages[at_record[mask]],
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
    """One warning per group of records that share date, country, location, both actors and
    sub-event type: two clashes at one place on one day are one ACLED event unless they differ.

    The row is the group's first record (its file, line and ID); the message says how many
    records share the key and names up to ``SHOWN`` of the others, counting the rest. The other
    members get no row of their own: real exports hold thousands of legitimately similar events,
    and a row per member (or per pair) would bury the report and cost memory with the square of
    a group. Warnings reject nothing, so the record counts are the same either way. Time
    O(n log n) and memory O(n) in the rows, whatever the group sizes.
    """
    import pyarrow.compute as pc

    complete = events[["event_date", "country", "location", "actor1"]].notna().all(axis=1)
    # cheap first pass on two columns; the full key only for the rows that share them
    pairs = _key_codes(events, ("event_date", "location"))
    near = np.flatnonzero(complete.to_numpy() & (np.bincount(pairs)[pairs] >= 2))
    if near.size < 2:
        return concat_problems([])
    groups = _shared(_key_codes(events, DUPLICATE_KEY, near), near)
    if groups.positions.size == 0:
        return concat_problems([])
    locations, index = _head_locations(groups, files, lines)
    every_group = np.arange(groups.sizes.size)
    slots = [_slot(groups, index, every_group, np.full(every_group.size, j))
             for j in range(1, SHOWN + 1)]
    others = groups.sizes - 1
    text = pc.binary_join_element_wise(
        "likely the same event as ", _named(locations, slots),
        _counted(others - np.minimum(others, SHOWN), " and {:,} more"),
        _counted(groups.sizes, " ({:,} records with the same date, country, location, actors "
                               "and sub-event type)"),
        "; merge them or make the difference clear", "")
    mask = np.zeros(len(events), dtype=bool)
    mask[groups.positions[groups.starts]] = True  # ascending: group ids follow first records
    return concat_problems([problem_rows(mask, P.LIKELY_DUPLICATE, column="", values=None,
                                         message=np.asarray(text.to_numpy(zero_copy_only=False),
                                                            dtype=object),
                                         event_ids=events["event_id_cnty"], files=files,
                                         lines=lines)])


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

    Everything is decided per distinct value (``pandas.factorize``) and broadcast to the records
    through the codes: the registry lookup, the names a value holds and its message. Python
    loops run over distinct values, never over records.
    """
    import pandas as pd

    severity = "error" if strict else "warning"
    n = len(events)
    parts: list[pd.DataFrame | None] = []
    skip = _skipped(already, n)
    hinted: dict[str, list[str]] = {}  # "did you mean" for the first SUGGESTIONS names only
    per_record_to = n if summarise_from is None or strict else summarise_from
    file_codes: tuple[np.ndarray, Any] | None = None  # the files factorized once, if needed
    for column in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2"):
        values = events[column]
        codes, uniques = pd.factorize(values)  # -1 for blank; lookups per distinct value
        if len(uniques) == 0:
            continue
        bad_names = _unknown_names(column, uniques, actors)  # index: value code
        if bad_names.empty:
            continue
        bad_value = np.zeros(len(uniques) + 1, dtype=bool)  # the last slot: code -1 (blank)
        bad_value[bad_names.index.to_numpy()] = True
        bad = bad_value[codes]
        if per_record_to < n:
            table = bad.copy()
            table[:per_record_to] = False
            if file_codes is None:
                file_codes = pd.factorize(np.asarray(files, dtype=object))
            parts.append(_summarise_unknown(column, codes, table, bad_names, file_codes))
            bad[per_record_to:] = False
        if column in skip:
            bad &= ~skip[column]
        if not bad.any():
            continue
        record_codes = codes[bad]
        reported = pd.unique(record_codes)  # in order of each value's first reported record
        names_of: dict[int, list[str]] = {}
        wanted = bad_names[bad_names.index.isin(reported)]
        for code, name in zip(wanted.index.to_numpy(), wanted.to_numpy(), strict=True):
            names_of.setdefault(int(code), []).append(name)
        message_of = np.empty(len(uniques), dtype=object)
        for code in reported:  # record order, so the first names a person reads get the hints
            message_of[code] = _unknown_actor_message(column, names_of[int(code)], actors,
                                                      hinted)
        parts.append(problem_rows(bad, P.UNKNOWN_ACTOR, column=column, values=values,
                                  message=message_of[record_codes],
                                  event_ids=events["event_id_cnty"], files=files, lines=lines,
                                  severity=severity))
    return concat_problems(parts)


def _skipped(already: pd.DataFrame | None, n: int) -> dict[str, np.ndarray]:
    """Per actor column, the records whose actor type could not be derived (already errors)."""
    skip: dict[str, np.ndarray] = {}
    if already is None or already.empty:
        return skip
    hit = already[already["rule"] == P.UNKNOWN_ACTOR_TYPE.code]
    for column, records in hit.groupby("column")["record"]:
        found = records.to_numpy(dtype="int64")
        mask = skip.setdefault(str(column).replace("inter", "actor"), np.zeros(n, dtype=bool))
        mask[found[(found >= 0) & (found < n)]] = True
    return skip


def _unknown_names(column: str, uniques: Any, actors: ActorRegistry) -> pd.Series:
    """The names the registry does not know, indexed by the position of the distinct value
    holding them (associated actors hold several, ``; ``-separated, in their order). Split and
    encoded in Arrow: the registry is asked once per distinct name, nothing per record."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    from conflictkit.schema.vocab import LIST_SEPARATOR

    names = pa.array(np.asarray(uniques, dtype=object), type=pa.large_string())
    holder = np.arange(len(names), dtype=np.int64)
    if column.startswith("assoc"):
        lists = pc.split_pattern(names, LIST_SEPARATOR)
        holder = pc.list_parent_indices(lists).to_numpy().astype(np.int64, copy=False)
        names = pc.list_flatten(lists)
        filled = pc.fill_null(pc.not_equal(names, ""), False)
        names, holder = names.filter(filled), holder[filled.to_numpy(zero_copy_only=False)]
    if not len(names):
        return pd.Series([], dtype="str")
    encoded = pc.dictionary_encode(names)
    distinct = pd.Series(pd.array(encoded.dictionary, dtype="str"))
    known = actors.known(distinct).to_numpy(dtype=bool)
    unknown = ~known[encoded.indices.to_numpy(zero_copy_only=False)]
    return pd.Series(pd.array(names.filter(pa.array(unknown)), dtype="str"),
                     index=holder[unknown])


def _summarise_unknown(column: str, codes: np.ndarray, rows: np.ndarray, bad_names: pd.Series,
                       files: tuple[np.ndarray, Any]) -> pd.DataFrame | None:
    """One warning per (file, unknown name) of a table column, with how many records use it:
    records counted per (file, value) code pair (``files``: each record's file code and the
    files), so only the distinct pairs become a frame."""
    import pandas as pd

    file_codes, file_values = files
    at = np.flatnonzero(rows & (file_codes >= 0))  # a record without a file is not counted
    if at.size == 0:
        return None
    width = int(codes.max()) + 1
    pairs = file_codes[at].astype(np.int64) * width + codes[at]
    if len(file_values) * width <= 4 * at.size + 65_536:  # a count per possible pair
        counted = np.bincount(pairs, minlength=len(file_values) * width)
        keys = np.flatnonzero(counted)
        numbers = counted[keys]
    else:
        keys, numbers = np.unique(pairs, return_counts=True)
    counts = pd.DataFrame({"file": np.asarray(file_values, dtype=object)[keys // width],
                           "value": keys % width, "n": numbers})
    named = pd.DataFrame({"value": bad_names.index.to_numpy(dtype="int64"),
                          "name": bad_names.to_numpy()})
    counts = counts.merge(named, on="value").groupby(["file", "name"], sort=True)["n"].sum()
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
    if not mask.any():
        return concat_problems([])
    return concat_problems([problem_rows(
        mask, P.CANDIDATE, column="status", values=side["status"],
        message="candidate event (not yet reviewed): a release leaves it out until a person "
                "reviews it and removes `status: candidate`",
        event_ids=event_ids, files=file_names(side["file"]), lines=side["line"].to_numpy(),
        severity="warning")])


def record_crosschecks(events: pd.DataFrame, side: pd.DataFrame, *, actors: ActorRegistry,
                       release: ReleaseIds | Path | None = None, strict: bool = False,
                       already: pd.DataFrame | None = None,
                       tables_from: int | None = None) -> pd.DataFrame:
    """The cross-record checks that need nothing the schema's rules find (all but duplicate
    IDs), so a batch can run them beside `validate_events`: a release's IDs, likely
    duplicates, unknown actors, candidates (see `all_crosschecks`)."""
    files, lines = file_names(side["file"]), side["line"].to_numpy()
    parts: list[Any] = []
    if release is not None:
        parts.append(release_id_clashes(events, release, files, lines))
    parts.append(likely_duplicates(events, files, lines))
    parts.append(unknown_actors(events, actors, files, lines, strict=strict, already=already,
                                summarise_from=tables_from))
    parts.append(candidates(side, events["event_id_cnty"]))
    return concat_problems(parts)


def all_crosschecks(events: pd.DataFrame, side: pd.DataFrame, *, actors: ActorRegistry,
                    release: ReleaseIds | Path | None = None, strict: bool = False,
                    already: pd.DataFrame | None = None,
                    tables_from: int | None = None,
                    others: OtherIds | None = None,
                    maybe_shared: np.ndarray | None = None,
                    checked: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every cross-record check over one batch (rows from ``tables_from`` on are tables);
    ``others``: the IDs of the rest of the dataset, for the duplicate-ID check;
    ``maybe_shared``: see `duplicate_ids`; ``checked``: what `record_crosschecks` already
    found for these arguments (computed here when None)."""
    files, lines = file_names(side["file"]), side["line"].to_numpy()
    imported = (side["origin"] == "import").to_numpy(dtype=bool, na_value=False) \
        if others is not None and "origin" in side else None
    duplicates = duplicate_ids(events, files, lines, others, imported, maybe_shared=maybe_shared)
    if checked is None:
        checked = record_crosschecks(events, side, actors=actors, release=release,
                                     strict=strict, already=already, tables_from=tables_from)
    return concat_problems([duplicates, checked])
