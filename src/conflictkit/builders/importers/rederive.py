"""Derived columns an export carries that disagree with their sources, derived again.

For contribution files a wrong derived value is an error the contributor fixes. In an import the
file is someone else's export: disorder_type `Demostrations` beside a valid `Peaceful protest`
is a typo in a column that only restates the sub-event, so the import writes what the source
derives, records the file's value (`repairs.REDERIVED`) and keeps the event. When the source
itself is invalid (an unknown sub-event type, an unknown country) nothing is derived and the
event is rejected for the source by the schema's rules.

    year                from event_date
    disorder_type       from sub_event_type
    iso, region         from country
    interaction         from inter1 and inter2
    civilian_targeting  from disorder_type and the actor types (set exactly when Civilians or
                        Protesters are among them in political violence: see schema.rules)

inter1/inter2 are not derived again: the actor registry is not ACLED's word on an actor's type.
Everything is compared as small integer codes (`pyarrow.compute.index_in` against the
vocabulary), so a clean million-row import pays a few hash look-ups per column.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from conflictkit.builders.importers import repairs as R
from conflictkit.schema import vocab

if TYPE_CHECKING:
    import pandas as pd

_INTER = tuple(vocab.INTER_LABELS.values())  # code i + 1 -> _INTER[i]
_INTERACTIONS = tuple(vocab.INTERACTION_LABELS.values())
_SUBS = vocab.ALL_SUB_EVENT_TYPES
_DISORDERS = vocab.DISORDER_TYPES
_TARGETS = (vocab.CIVILIANS_CODE, vocab.INTER_CODES["Protesters"])
_PV = (vocab.POLITICAL_VIOLENCE, vocab.PV_AND_DEMONSTRATIONS)


@cache
def _interaction_table() -> np.ndarray:
    """(inter1 code, inter2 code or 0) -> 1-based position in `_INTERACTIONS`."""
    table = np.zeros((9, 9), dtype=np.int64)
    for c1 in vocab.INTER_LABELS:
        for c2 in (0, *vocab.INTER_LABELS):
            label = vocab.INTERACTION_LABELS[vocab.interaction_code(c1, c2)]
            table[c1, c2] = _INTERACTIONS.index(label) + 1
    return table


@cache
def _disorder_table() -> np.ndarray:
    """1-based sub-event position -> 1-based disorder position (0 for none)."""
    out = np.zeros(len(_SUBS) + 1, dtype=np.int64)
    for i, sub in enumerate(_SUBS):
        out[i + 1] = _DISORDERS.index(vocab.DISORDER_TYPE_OF_SUB_EVENT[sub]) + 1
    return out


def rederive(events: pd.DataFrame, log: R.RepairLog) -> None:
    """Replace, in place, derived values that disagree with their (valid) sources."""
    import pandas as pd

    from conflictkit.reference.countries import countries

    if events.empty:
        return
    # year from event_date
    date, year = events["event_date"], events["year"]
    expect = pd.Series(date.dt.year, index=events.index).astype("Int16")
    bad = (date.notna() & year.notna() & (year != expect)).to_numpy(dtype=bool, na_value=False)
    if bad.any():
        log.add(R.REDERIVED, "year", bad, year)
        events["year"] = year.mask(bad, expect)
    # disorder_type from sub_event_type
    sub = _codes(events["sub_event_type"], _SUBS)
    _rederive_text(events, "disorder_type", _DISORDERS, _disorder_table()[sub], sub > 0, log)
    # iso and region from country
    table = countries()
    country = _codes(events["country"], tuple(table["country"]))
    known = country > 0
    regions = tuple(sorted(set(table["region"])))
    region_of = np.concatenate([[0], [regions.index(r) + 1 for r in table["region"]]])
    _rederive_text(events, "region", regions, region_of[country], known, log)
    iso_of = np.concatenate([[0], table["iso"].to_numpy(dtype="int64", na_value=0)])
    iso = events["iso"]
    current = iso.to_numpy(dtype="float64", na_value=np.nan)
    bad = known & ~np.isnan(current) & (current != iso_of[country])
    if bad.any():
        log.add(R.REDERIVED, "iso", bad, iso)
        events["iso"] = iso.mask(bad, pd.Series(pd.array(iso_of[country], dtype="Int16"),
                                                index=events.index))
    # interaction from the two actor types
    c1 = _codes(events["inter1"], _INTER)
    c2 = _codes(events["inter2"], _INTER)
    blank2 = events["inter2"].isna().to_numpy()
    typed = (c1 > 0) & ((c2 > 0) | blank2)
    _rederive_text(events, "interaction", _INTERACTIONS, _interaction_table()[c1, c2], typed,
                   log)
    # civilian_targeting from the disorder type (as now repaired) and the actor types
    disorder = _codes(events["disorder_type"], _DISORDERS)
    pv = np.isin(disorder, [_DISORDERS.index(d) + 1 for d in _PV])
    wanted = (pv & (np.isin(c1, _TARGETS) | np.isin(c2, _TARGETS))).astype(np.int64)
    _rederive_text(events, "civilian_targeting", (vocab.CIVILIAN_TARGETING,), wanted,
                   typed & (disorder > 0), log, blank_when_zero=True)


def _codes(values: pd.Series, categories: tuple[str, ...]) -> np.ndarray:
    """1-based position of each value in `categories`; 0 where blank or not among them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from conflictkit.builders.importers.cleaning import as_arrow

    found = pc.index_in(as_arrow(values), value_set=pa.array(categories, pa.large_string()))
    return pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64) + 1


def _rederive_text(events: pd.DataFrame, column: str, labels: tuple[str, ...],
                   expected: np.ndarray, judged: np.ndarray, log: R.RepairLog,
                   blank_when_zero: bool = False) -> None:
    """Where `judged` (the source is valid) and the column holds a value other than
    labels[expected - 1], write that label (or a blank, for expected 0 with
    `blank_when_zero`)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    from conflictkit.builders.importers.cleaning import as_arrow

    original = events[column]
    present = original.notna().to_numpy()
    current = _codes(original, labels)
    usable = expected > 0 if not blank_when_zero else np.ones(len(expected), dtype=bool)
    bad = judged & usable & present & (current != expected)
    if not bad.any():
        return
    rows = np.flatnonzero(bad)
    names = np.array([None, *labels], dtype=object)
    log.add(R.REDERIVED, column, rows, original)
    mask = np.zeros(len(original), dtype=bool)
    mask[rows] = True
    replaced = pc.replace_with_mask(as_arrow(original), pa.array(mask),
                                    pa.array(names[expected[rows]], pa.large_string()))
    events[column] = pd.Series(pd.array(replaced, dtype="str"), index=original.index)
