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
Everything is compared as the validation engine's own column codes (`schema.frame.Frame`, whose
features the validation then reuses), so a clean import pays a few array comparisons.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from conflictkit.builders.importers import repairs as R
from conflictkit.schema import vocab
from conflictkit.schema.frame import MISSING, Frame, domain

if TYPE_CHECKING:
    import pandas as pd

_PV = (vocab.POLITICAL_VIOLENCE, vocab.PV_AND_DEMONSTRATIONS)
_TARGETS = (vocab.INTER_LABELS[vocab.CIVILIANS_CODE], "Protesters")


def _positions(name: str) -> dict[object, int]:
    return {v: i for i, v in enumerate(domain(name))}


@cache
def _tables() -> dict[str, np.ndarray]:
    """Look-up tables from source codes (positions in the source's domain) to the derived
    column's code; -1 for no value."""
    from conflictkit.reference.countries import countries

    disorder = _positions("disorder_type")
    subs = domain("sub_event_type")
    out = {"disorder_type": np.array(
        [disorder[vocab.DISORDER_TYPE_OF_SUB_EVENT[s]] for s in subs], dtype=np.int64)}
    table = countries().set_index("country")
    regions = _positions("region")
    isos = table["iso"]
    out["region"] = np.array([regions[table.loc[c, "region"]] for c in domain("country")],
                             dtype=np.int64)
    out["iso"] = np.array([int(isos[c]) for c in domain("country")], dtype=np.int64)
    inters = domain("inter1")
    codes = {label: vocab.INTER_CODES[label] for label in inters}
    interactions = _positions("interaction")
    pairs = np.full((len(inters), len(inters) + 1), -1, dtype=np.int64)
    for i, first in enumerate(inters):
        for j, second in enumerate((None, *inters)):
            code = vocab.interaction_code(codes[first], codes.get(second) if second else None)
            pairs[i, j] = interactions[vocab.INTERACTION_LABELS[code]]
    out["interaction"] = pairs
    disorders = domain("disorder_type")
    out["pv"] = np.array([d in _PV for d in disorders], dtype=bool)
    out["targets"] = np.array([label in _TARGETS for label in inters], dtype=bool)
    return out


def rederive(events: pd.DataFrame, frame: Frame, log: R.RepairLog) -> set[str]:
    """Replace, in place, derived values that disagree with their (valid) sources; `frame` is
    a `Frame` over `events`. Returns the columns replaced in (the frame's features of those
    are then stale: `Frame.forget` them)."""
    import pandas as pd

    if events.empty:
        return set()
    tables = _tables()
    changed: set[str] = set()
    # year from event_date
    years, missing_year = frame.numeric("year")
    has_date = frame.present("event_date")
    expected_year = frame.years("event_date")
    bad = has_date & ~missing_year & (years != expected_year)
    if bad.any():
        year = events["year"]
        log.add(R.REDERIVED, "year", bad, year)
        events["year"] = year.mask(bad, pd.Series(expected_year, index=events.index).astype(
            "Int16"))
        changed.add("year")
    # disorder_type from sub_event_type
    sub = frame.codes("sub_event_type")
    disorder_changed = _replace(events, frame, "disorder_type", sub >= 0,
                                tables["disorder_type"][np.maximum(sub, 0)], log)
    if disorder_changed:
        changed.add("disorder_type")
    # region and iso from country
    country = frame.codes("country")
    known = country >= 0
    if _replace(events, frame, "region", known, tables["region"][np.maximum(country, 0)], log):
        changed.add("region")
    isos, missing_iso = frame.numeric("iso")
    expected_iso = tables["iso"][np.maximum(country, 0)]
    bad = known & ~missing_iso & (isos != expected_iso)
    if bad.any():
        iso = events["iso"]
        log.add(R.REDERIVED, "iso", bad, iso)
        events["iso"] = iso.mask(bad, pd.Series(pd.array(expected_iso, dtype="Int16"),
                                                index=events.index))
        changed.add("iso")
    # interaction from the two actor types (inter2 blank: "<type> only")
    inter1, inter2 = frame.codes("inter1"), frame.codes("inter2")
    typed = (inter1 >= 0) & ((inter2 >= 0) | (inter2 == MISSING))
    pair = tables["interaction"][np.maximum(inter1, 0), np.maximum(inter2 + 1, 0)]
    if _replace(events, frame, "interaction", typed, pair, log):
        changed.add("interaction")
    # civilian_targeting from the disorder type and the actor types
    if disorder_changed:  # the frame's codes are those of the values just replaced
        disorder = Frame(events[["disorder_type"]], today=frame.today).codes("disorder_type")
    else:
        disorder = frame.codes("disorder_type")
    targeted = np.zeros(len(events), dtype=bool)
    for codes in (inter1, inter2):
        targeted |= (codes >= 0) & tables["targets"][np.maximum(codes, 0)]
    pv = (disorder >= 0) & tables["pv"][np.maximum(disorder, 0)]
    wanted = np.where(pv & targeted, 0, -1)  # 0: "Civilian targeting", -1: blank
    judged = typed & (disorder >= 0)
    if _replace(events, frame, "civilian_targeting", judged, wanted, log, blank_allowed=True):
        changed.add("civilian_targeting")
    return changed


def _replace(events: pd.DataFrame, frame: Frame, column: str, judged: np.ndarray,
             expected: np.ndarray, log: R.RepairLog, blank_allowed: bool = False) -> bool:
    """Where the source is valid (`judged`) and the column holds a value other than the
    expected code's (a position in the column's domain; -1 blank, only with `blank_allowed`),
    write the expected value."""
    import pandas as pd
    import pyarrow as pa

    from conflictkit.builders.importers.textcolumns import as_arrow, replace_rows

    current = frame.codes(column)
    usable = judged if blank_allowed else judged & (expected >= 0)
    bad = usable & (current != MISSING) & (current != expected)
    if not bad.any():
        return False
    rows = np.flatnonzero(bad)
    labels = np.array([*domain(column), None], dtype=object)  # -1 -> None
    original = events[column]
    log.add(R.REDERIVED, column, rows, original)
    replaced = replace_rows(as_arrow(original), rows,
                            pa.array(labels[expected[rows]], pa.large_string()))
    events[column] = pd.Series(pd.array(replaced, dtype="str"), index=original.index)
    return True
