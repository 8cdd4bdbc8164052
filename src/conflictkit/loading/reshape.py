"""Actors long and wide. ACLED stores up to four kinds of actor per event in six columns (actor1,
its '; '-joined associates, their type inter1; the same for side 2). Counting events per actor
needs one row per actor: `to_long` gives that, `to_wide` puts the event back exactly.

Long form columns: event_id_cnty, role (actor1 / assoc_actor_1 / actor2 / assoc_actor_2),
position (1-based place in the associate list; 1 for actor1/actor2), actor, actor_type, then
every other column of the event. actor_type is the event's own inter1/inter2 for actor1/actor2;
an associated actor has its own type, from the actor registry in the event's country (a state's
forces abroad are External/Other forces), NA when the registry does not know the name: ACLED
records no type for associates, and their side's type would be wrong for e.g. a militia
associated with state forces. Every event has an actor1 row (actor NA if actor1 is blank) so
none disappears; an actor2 row exists when actor2 or inter2 is filled. Lists are split with
pyarrow, not per row; the registry is asked once per distinct name and country.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from conflictkit.errors import UsageError
from conflictkit.schema import vocab
from conflictkit.schema.columns import COLUMN_NAMES
from conflictkit.schema.vocab import LIST_SEPARATOR

if TYPE_CHECKING:
    import pandas as pd

    from conflictkit.reference.actors import ActorRegistry

ID = "event_id_cnty"
ROLES: tuple[str, ...] = ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2")
TYPE_OF_ROLE = {"actor1": "inter1", "assoc_actor_1": "inter1",
                "actor2": "inter2", "assoc_actor_2": "inter2"}
WIDE_ACTOR_COLUMNS: tuple[str, ...] = (*ROLES, "inter1", "inter2")
LONG_COLUMNS: tuple[str, ...] = ("role", "position", "actor", "actor_type")


def _require(frame: pd.DataFrame, columns, what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise UsageError(f"{what}: missing column(s) {', '.join(missing)}")


def _arrow_strings(values: pd.Series):
    """A text column as one contiguous Arrow string array (pandas may hand back chunks)."""
    import pyarrow as pa

    array = pa.array(values.astype("str"), type=pa.string(), from_pandas=True)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _split_lists(values: pd.Series) -> tuple[np.ndarray, pd.Series, np.ndarray]:
    """(row of each item, the items, 1-based position of each item) of a '; '-list column."""
    import pandas as pd
    import pyarrow.compute as pc

    present = np.flatnonzero(values.notna().to_numpy())
    text = _arrow_strings(values.iloc[present])
    lists = pc.split_pattern(text, pattern=LIST_SEPARATOR)
    parents = pc.list_parent_indices(lists).to_numpy()
    offsets = lists.offsets.to_numpy()
    position = np.arange(len(parents)) - offsets[parents] + 1
    items = pd.Series(pd.array(pc.list_flatten(lists), dtype="str"))
    return present[parents], items, position


def _type_dtype(frame: pd.DataFrame):
    """The dtype actor_type takes: the inter columns' own (categories of both united), so a
    loaded frame keeps its categorical and a frame of numeric codes keeps numbers."""
    import pandas as pd

    first, second = frame["inter1"].dtype, frame["inter2"].dtype
    if isinstance(first, pd.CategoricalDtype) or isinstance(second, pd.CategoricalDtype):
        levels: list = []
        for dtype in (first, second):
            if isinstance(dtype, pd.CategoricalDtype):
                levels += [c for c in dtype.categories if c not in levels]
        return pd.CategoricalDtype([*levels, *(v for v in vocab.INTER_LABELS.values()
                                               if v not in levels)])
    if pd.api.types.is_numeric_dtype(first) and pd.api.types.is_numeric_dtype(second):
        return pd.Int8Dtype()
    return pd.StringDtype(na_value=np.nan)


def _registry_types(items: pd.Series, countries: pd.Series, registry: ActorRegistry,
                    dtype) -> pd.Series:
    """Associated actors' types from the registry (NA when unknown), in `dtype`'s form."""
    import pandas as pd

    codes = registry.inter_codes(items.reset_index(drop=True), countries.reset_index(drop=True))
    if isinstance(dtype, pd.Int8Dtype):
        return codes.astype(dtype)
    return codes.map(dict(vocab.INTER_LABELS)).astype(dtype)


def to_long(df: pd.DataFrame, *, registry: ActorRegistry | None = None) -> pd.DataFrame:
    """One row per actor of each event, with its role and actor type.

    Columns: event_id_cnty, role, position, actor, actor_type, then the event's other columns.
    actor_type is inter1/inter2 for actor1/actor2; an associated actor gets its own type from
    the actor registry (`registry`, default the package's; pass ``ck.ActorRegistry.load(
    extra=["reference/actors.csv"])`` for a dataset's own actors) in the event's country, and
    NA when the registry does not know it (ACLED gives associates no type). `to_wide` inverts
    it exactly.

    >>> long = ck.to_long(df)
    >>> long.groupby(["actor", "actor_type"], observed=True)["event_id_cnty"].nunique()
    """
    import pandas as pd

    _require(df, (ID, *WIDE_ACTOR_COLUMNS), "to_long")
    ids = df[ID]
    if ids.isna().any() or not ids.is_unique:
        raise UsageError(f"to_long: {ID} must be filled and unique (to_wide regroups by it)")
    if registry is None:
        from conflictkit.reference.actors import ActorRegistry

        registry = ActorRegistry.default()
    frame = df.reset_index(drop=True)
    dtype = _type_dtype(frame)
    countries = (frame["country"].astype(object) if "country" in frame.columns
                 else pd.Series([None] * len(frame), dtype=object))
    rows, roles, positions, actors, types = [], [], [], [], []

    def add(row: np.ndarray, role: str, position: np.ndarray, actor: pd.Series) -> None:
        rows.append(row)
        roles.append(np.full(len(row), ROLES.index(role), dtype=np.int8))
        positions.append(position)
        actors.append(actor.reset_index(drop=True))
        if role.startswith("assoc"):
            types.append(_registry_types(actor, countries.take(row), registry, dtype))
        else:
            types.append(frame[TYPE_OF_ROLE[role]].take(row).reset_index(drop=True)
                         .astype(dtype))

    every = np.arange(len(frame))
    add(every, "actor1", np.ones(len(frame), dtype=np.int64), frame["actor1"])
    side2 = np.flatnonzero((frame["actor2"].notna() | frame["inter2"].notna()).to_numpy())
    add(side2, "actor2", np.ones(len(side2), dtype=np.int64), frame["actor2"].take(side2))
    for role in ("assoc_actor_1", "assoc_actor_2"):
        row, items, position = _split_lists(frame[role])
        add(row, role, position, items)

    row = np.concatenate(rows)
    role = np.concatenate(roles)
    position = np.concatenate(positions)
    order = np.lexsort((position, role, row))
    row = row[order]
    actor = pd.concat(actors, ignore_index=True).take(order).reset_index(drop=True)
    actor_type = pd.concat(types, ignore_index=True).take(order).reset_index(drop=True)
    rest = [c for c in frame.columns if c not in WIDE_ACTOR_COLUMNS and c != ID]
    out = frame[[ID]].take(row).reset_index(drop=True)
    out["role"] = pd.Categorical.from_codes(role[order], categories=list(ROLES))
    out["position"] = position[order].astype(np.int16)
    out["actor"] = actor.astype("str") if actor.dtype == object else actor
    out["actor_type"] = actor_type
    tail = frame[rest].take(row).reset_index(drop=True)
    return pd.concat([out, tail], axis=1)


def _per_event(values: pd.Series, codes: np.ndarray, n: int) -> pd.Series:
    """Values placed at their event's position (first one wins), NA where an event has none."""
    keep = ~_duplicated(codes)
    return values[keep].set_axis(codes[keep]).reindex(np.arange(n)).reset_index(drop=True)


def _duplicated(codes: np.ndarray) -> np.ndarray:
    seen = np.zeros(len(codes), dtype=bool)
    _, first = np.unique(codes, return_index=True)
    seen[first] = True
    return ~seen


def _joined(values: pd.Series, codes: np.ndarray, n: int) -> pd.Series:
    """'; '-join the items of each event (rows already in event, position order)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    present, counts = np.unique(codes, return_counts=True)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    items = _arrow_strings(values)
    joined = pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets), items), LIST_SEPARATOR)
    series = pd.Series(pd.array(joined, dtype="str"), index=present)
    return series.reindex(np.arange(n)).reset_index(drop=True)


def to_wide(long: pd.DataFrame) -> pd.DataFrame:
    """The inverse of `to_long`: one row per event, in order of first appearance, ACLED columns
    in ACLED order (others after them). Rows may come in any order; `position` orders the
    associate lists; inter1/inter2 come from the actor1/actor2 rows.

    >>> long = ck.to_long(df)
    >>> long = long[~long["actor"].isin(["Wagner Group"])]  # e.g. drop one associate
    >>> wide = ck.to_wide(long)  # the events again, without it
    """
    import pandas as pd

    _require(long, (ID, *LONG_COLUMNS), "to_wide")
    role_text = long["role"].astype("str")
    bad = ~role_text.isin(ROLES)
    if bad.any():
        raise UsageError(f"to_wide: unknown role(s) {sorted(role_text[bad].unique())[:5]}; "
                         f"expected {', '.join(ROLES)}")
    frame = long.reset_index(drop=True)
    event, uniques = pd.factorize(frame[ID], use_na_sentinel=False)
    n = len(uniques)
    role = role_text.map({r: i for i, r in enumerate(ROLES)}).to_numpy(dtype=np.int64)
    position = frame["position"].to_numpy(dtype=np.int64)
    order = np.lexsort((position, role, event))
    frame, event, role = frame.take(order).reset_index(drop=True), event[order], role[order]

    for single in ("actor1", "actor2"):
        rows = role == ROLES.index(single)
        if _duplicated(event[rows]).any():
            first = event[rows][_duplicated(event[rows])][0]
            raise UsageError(f"to_wide: event {uniques[first]!r} has more than one {single} row")

    first_row = np.unique(event, return_index=True)[1]
    rest = [c for c in frame.columns if c not in LONG_COLUMNS and c not in WIDE_ACTOR_COLUMNS]
    wide = frame[rest].take(first_row).reset_index(drop=True)
    for name in ROLES:
        rows = role == ROLES.index(name)
        if name.startswith("assoc"):
            wide[name] = _joined(frame["actor"][rows], event[rows], n)
        else:
            wide[name] = _per_event(frame["actor"][rows], event[rows], n)
    for side, inter in (("1", "inter1"), ("2", "inter2")):
        # the event's own type is actor1's / actor2's (associates carry the registry's)
        rows = role == ROLES.index(f"actor{side}")
        wide[inter] = _per_event(frame["actor_type"][rows], event[rows], n)
    acled = [c for c in COLUMN_NAMES if c in wide.columns]
    return wide[acled + [c for c in wide.columns if c not in acled]]
