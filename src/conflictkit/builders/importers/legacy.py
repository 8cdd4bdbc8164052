"""Map ACLED's legacy event types (files up to 2018) onto today's event and sub-event types.

The mapping is data (`data/importers/acled_legacy_event_types.csv`, documented in the README
beside it): ordered rules per legacy type, each with a condition on the actor types, fatalities
or notes, the event/sub-event it gives and its outcome: `same` (the same category under today's
names), `inferred` (read from the actor types or a cue in the notes), `review` (no cue: a
default chosen by a documented rule, and the event is flagged for review) or `reject` (no
sub-event can be chosen). Every mapped event is a repair (`repairs.LEGACY_EVENT_TYPE`), not a
warning; only `reject` reaches the report. Rules are evaluated as column masks over the rows
that need them.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

from conflictkit.builders.importers.common import blank_text
from conflictkit.problems import catalogue as P
from conflictkit.schema import vocab

if TYPE_CHECKING:
    import pandas as pd

DATA_FILE = "acled_legacy_event_types.csv"
_CLAUSE = re.compile(r"^(?P<column>inter1|inter2|fatalities|notes)(?P<op>=|>|~)(?P<value>.*)$")


@dataclass(frozen=True)
class Rule:
    legacy_event_type: str
    when: tuple[tuple[str, str, str], ...]
    event_type: str
    sub_event_type: str
    outcome: str  # one of OUTCOMES
    reason: str

    @property
    def maps(self) -> bool:
        """Whether the rule gives an event and sub-event type (every outcome but reject)."""
        return self.outcome != REJECT


SAME, INFERRED, REVIEW, REJECT = "same", "inferred", "review", "reject"
OUTCOMES = (SAME, INFERRED, REVIEW, REJECT)


@cache
def rules() -> tuple[Rule, ...]:
    """The mapping rules in file order (validated against the vocabularies on load)."""
    path = resources.files("conflictkit").joinpath("data", "importers", DATA_FILE)
    out = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            clauses = []
            for clause in filter(None, (c.strip() for c in row["when"].split(" & "))):
                match = _CLAUSE.match(clause)
                if match is None:
                    raise ValueError(f"{DATA_FILE}: cannot read condition {clause!r}")
                value = match["value"]
                if match["column"] == "notes":  # groups as non-capturing: only a test
                    value = re.sub(r"\((?!\?)", "(?:", value)
                clauses.append((match["column"], match["op"], value))
            rule = Rule(row["legacy_event_type"], tuple(clauses), row["event_type"],
                        row["sub_event_type"], row["outcome"], row["reason"])
            if rule.outcome not in OUTCOMES:
                raise ValueError(f"{DATA_FILE}: outcome {rule.outcome!r} is not one of "
                                 f"{', '.join(OUTCOMES)}")
            if rule.maps and \
                    vocab.EVENT_TYPE_OF_SUB_EVENT.get(rule.sub_event_type) != rule.event_type:
                raise ValueError(f"{DATA_FILE}: {rule.sub_event_type!r} is not a sub-event of "
                                 f"{rule.event_type!r}")
            out.append(rule)
    return tuple(out)


def legacy_event_types() -> tuple[str, ...]:
    return tuple(dict.fromkeys(r.legacy_event_type for r in rules()))


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().casefold())


def _inter_codes(values: pd.Series) -> pd.Series:
    """Actor-type codes from numbers ("5", "5.0") or labels ("Rioters"); NA when blank."""
    import pandas as pd

    labels = {label.casefold(): code for label, code in vocab.INTER_CODES.items()}
    uniques = values.dropna().unique()
    mapping: dict[str, int] = {}
    for value in uniques:
        text = str(value).strip()
        number = text[:-2] if text.endswith(".0") else text
        if number.isdigit():
            mapping[value] = int(number)
        elif text.casefold() in labels:
            mapping[value] = labels[text.casefold()]
    codes = pd.to_numeric(values.map(mapping), errors="coerce")
    return codes.fillna(0).astype("int16")


@dataclass
class LegacyMapping:
    """Result of mapping one frame: which rows changed and what the report should say."""

    mapped: np.ndarray  # rows whose event type was a legacy one
    source_event_type: pd.Series  # the original value (NA where not mapped)
    rule_index: np.ndarray  # index into rules() per row, -1 where not mapped
    counts: dict[tuple[str, str, str], int]  # (legacy, event, sub) -> rows

    def outcome_rows(self, *outcomes: str) -> np.ndarray:
        """Rows mapped by a rule of one of `outcomes`."""
        chosen = [i for i, r in enumerate(rules()) if r.outcome in outcomes]
        return self.mapped & np.isin(self.rule_index, chosen)

    def review(self) -> pd.Series | None:
        """The reason to review each event mapped by a `review` rule (NA elsewhere), or None."""
        import pandas as pd

        rows = self.outcome_rows(REVIEW)
        if not rows.any():
            return None
        table = rules()
        text = np.array([f"legacy event type {r.legacy_event_type!r} read as {r.event_type} / "
                         f"{r.sub_event_type}: {r.reason}" for r in table] + [None],
                        dtype=object)
        pick = np.where(rows, self.rule_index, len(table))
        return pd.Series(text[pick], index=self.source_event_type.index, dtype="str")


def map_legacy_event_types(frame: pd.DataFrame) -> LegacyMapping:
    """Rewrite legacy `event_type` values in place and fill `sub_event_type` where it is blank.

    `frame` holds ACLED columns as text (event_type, sub_event_type, inter1, inter2, fatalities,
    notes; absent ones count as blank). Rows whose event type is legacy but that already carry a
    sub-event are left alone (the validation checks the pair).
    """
    import pandas as pd

    n = len(frame)
    rule_index = np.full(n, -1, dtype=np.int32)
    empty = blank_text(n, frame.index)
    event = frame.get("event_type", empty)
    sub = frame.get("sub_event_type", empty)
    # only rows without a sub-event can carry a legacy type: most files have none such
    open_rows = sub.isna().to_numpy() & event.notna().to_numpy()
    if not open_rows.any():
        return LegacyMapping(np.zeros(n, dtype=bool), empty, rule_index, {})
    keys = {_key(t): t for t in legacy_event_types()}
    uniques = event[open_rows].unique()
    canon = {u: keys[_key(u)] for u in uniques if _key(u) in keys}
    if not canon:
        return LegacyMapping(np.zeros(n, dtype=bool), empty, rule_index, {})
    legacy = event.map(canon)
    # "Violence against civilians" is also a current type: legacy only when it has no sub-event
    candidate = legacy.notna().to_numpy() & sub.isna().to_numpy()
    if not candidate.any():
        return LegacyMapping(np.zeros(n, dtype=bool), empty, rule_index, {})
    sub_rows = np.flatnonzero(candidate)
    part = frame.iloc[sub_rows]
    part_legacy = legacy.iloc[sub_rows].to_numpy(dtype=object)
    inter1 = _inter_codes(part["inter1"]) if "inter1" in part else None
    inter2 = _inter_codes(part["inter2"]) if "inter2" in part else None
    fatalities = (pd.to_numeric(part["fatalities"], errors="coerce").fillna(0).to_numpy()
                  if "fatalities" in part else np.zeros(len(part)))
    notes = part.get("notes", None)
    assigned = np.full(len(part), -1, dtype=np.int32)
    for index, rule in enumerate(rules()):
        todo = (assigned < 0) & (part_legacy == rule.legacy_event_type)
        if not todo.any():
            continue
        for column, _op, value in rule.when:
            if column in ("inter1", "inter2"):
                codes = inter1 if column == "inter1" else inter2
                got = np.zeros(len(part), dtype=np.int64) if codes is None else \
                    codes.to_numpy(dtype=np.int64)
                todo &= got == (int(value) if value else 0)
            elif column == "fatalities":
                todo &= fatalities > float(value)
            elif notes is not None:
                rows = np.flatnonzero(todo)
                todo[rows] = notes.iloc[rows].str.contains(value, case=False, regex=True) \
                    .to_numpy(dtype=bool, na_value=False)
            else:
                todo &= False
        assigned[todo] = index
    rule_index[sub_rows] = assigned
    table = rules()
    mapped = rule_index >= 0
    new_event = np.array([r.event_type or None for r in table] + [None], dtype=object)
    new_sub = np.array([r.sub_event_type or None for r in table] + [None], dtype=object)
    pick = np.where(mapped, rule_index, len(table))
    source = event.where(pd.Series(mapped, index=frame.index))
    ok = mapped & np.array([r.maps for r in table] + [False])[pick]
    frame["event_type"] = event.mask(pd.Series(ok, index=frame.index),
                                     pd.Series(new_event[pick], index=frame.index, dtype="str"))
    frame["sub_event_type"] = sub.mask(pd.Series(ok, index=frame.index),
                                       pd.Series(new_sub[pick], index=frame.index, dtype="str"))
    counts: dict[tuple[str, str, str], int] = {}
    for index, count in zip(*np.unique(rule_index[mapped], return_counts=True), strict=True):
        rule = table[int(index)]
        key = (rule.legacy_event_type, rule.event_type, rule.sub_event_type)
        counts[key] = counts.get(key, 0) + int(count)
    return LegacyMapping(mapped, source.astype("str"), rule_index, counts)


def legacy_problem_rows(result: LegacyMapping, *, files, lines, event_ids) -> list:
    """Report rows: an error per event no rule gives a sub-event (mapped events are repairs)."""
    import pandas as pd

    from conflictkit.problems.rows import problem_rows

    mask = result.outcome_rows(REJECT)
    if not mask.any():
        return []
    table = rules()
    text = np.array([f"legacy event type {r.legacy_event_type!r}: {r.reason}" for r in table],
                    dtype=object)
    messages = pd.Series(text[result.rule_index[mask]], dtype="str")
    return [problem_rows(mask, P.LEGACY_EVENT_TYPE_UNMAPPED, column="sub_event_type",
                         values=result.source_event_type, message=messages,
                         event_ids=event_ids, files=files, lines=lines)]
