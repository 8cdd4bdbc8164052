"""The pandera form of the event schema, generated from COLUMNS and the rule list.

The schema validates a *check frame*: the 31 ACLED columns (dtype checks from the declaration)
plus one key column per rule (`<rule id>:<column>`), built by the rule's `pandera_key`. Every
cross-field rule is a column check on its derived key, never a dataframe-level check, so
pandera's lazy report has one failure row per failing record and rule (not one per cell).

This engine is independent of the fast one (`validate.validate_events`) except for the rule
declarations; a test holds the two to the same answers. It is slower, so it is not the default.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

import numpy as np

from conflictkit.problems import catalogue as P
from conflictkit.problems.report import Report
from conflictkit.problems.rows import concat_problems, problem_rows
from conflictkit.schema.arrow import PANDAS_DTYPES
from conflictkit.schema.columns import COLUMNS
from conflictkit.schema.rules import RULES, RULES_BY_KEY, Rule

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pa


def _dtype(name: str) -> object:
    import numpy as np
    import pandas as pd

    dtype = PANDAS_DTYPES[name]
    if dtype == "str":
        return pd.StringDtype(na_value=np.nan)
    return dtype


def pandera_schema(
    *, today: np.datetime64 | None = None, rules: Sequence[Rule] = RULES
) -> pa.DataFrameSchema:
    """The DataFrameSchema: ACLED columns with their dtypes, then one checked key per rule."""
    import pandera.pandas as pa

    from conflictkit.schema.validate import today_of

    day = today_of(today)
    columns: dict[str, pa.Column] = {
        c.name: pa.Column(_dtype(c.name), nullable=True, required=True,
                          description=c.description, title=c.name)
        for c in COLUMNS
    }
    for rule in rules:
        columns[rule.key] = pa.Column(nullable=True, checks=[rule.pandera_check(day)],
                                      description=rule.description)
    return pa.DataFrameSchema(columns, ordered=False, strict=False, name="acled_events")


def check_frame(df: pd.DataFrame, rules: Sequence[Rule] = RULES,
                origins: Sequence[object] | np.ndarray | None = None) -> pd.DataFrame:
    """The frame pandera validates: the ACLED columns plus every rule's key column (rules
    that depend on an event's origin read it from the frame's attrs)."""
    import pandas as pd

    if origins is not None:
        df = df.copy(deep=False)
        df.attrs["origins"] = np.asarray(origins, dtype=object)
    keys = {rule.key: rule.pandera_key(df) for rule in rules}
    return pd.concat([df, pd.DataFrame(keys, index=df.index)], axis=1)


def validate_with_pandera(
    df: pd.DataFrame,
    *,
    files: Sequence[str] | np.ndarray | None = None,
    lines: Sequence[int] | np.ndarray | None = None,
    today: date | datetime | str | np.datetime64 | None = None,
    rules: Sequence[Rule] = RULES,
    origins: Sequence[object] | np.ndarray | str | None = None,
) -> Report:
    """Validate with the generated pandera schema; same Report shape as `validate_events`."""
    import pandera.errors

    from conflictkit.schema.validate import canonical, today_of

    frame, type_problems = canonical(df)
    if isinstance(origins, str):
        origins = np.full(len(frame), origins, dtype=object)
    schema = pandera_schema(today=today_of(today), rules=rules)
    parts: list[pd.DataFrame | None] = [type_problems]
    try:
        schema.validate(check_frame(frame, rules, origins), lazy=True)
    except pandera.errors.SchemaErrors as exc:
        parts += _problems_of(exc.failure_cases, frame, files, lines)
    n_files = len(set(np.asarray(files, dtype=object).tolist())) if files is not None else 0
    return Report(records=len(frame), problems=concat_problems(parts), files=n_files)


def _problems_of(failures: pd.DataFrame, frame: pd.DataFrame, files, lines) -> list:
    """pandera failure cases -> problem rows (one per failing record and rule)."""
    out = []
    for key, group in failures.groupby("column", sort=False):
        rule = RULES_BY_KEY.get(str(key))
        index = group["index"].dropna().astype("int64").to_numpy()
        if rule is None:  # a dtype or presence failure of an ACLED column itself
            out.append(problem_rows(np.ones(len(frame), dtype=bool)[:1], P.TYPE,
                                    column=str(key), values=None,
                                    message=f"{key}: " + "; ".join(
                                        group["check"].astype(str).unique()),
                                    files=None, lines=None))
            continue
        mask = np.zeros(len(frame), dtype=bool)
        mask[np.unique(index)] = True
        out.append(problem_rows(mask, rule.problem, column=rule.column,
                                values=frame[rule.column], message=rule.description,
                                event_ids=frame["event_id_cnty"], files=files, lines=lines))
    return out
