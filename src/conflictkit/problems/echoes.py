"""Dropping problems that only repeat an earlier one, by the catalogue's ``makes_redundant``.

A date no format reads also makes "year is required" fire; an unknown country leaves iso and
region blank; a column an export never had leaves "required" on every row. The first report says
it all, the echoes only bury it. Which problem silences which is declared per problem type in
`catalogue`; this module applies those declarations, vectorised, for every door alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from conflictkit.problems.catalogue import CATALOGUE, DERIVED, SAME
from conflictkit.schema.columns import DERIVES

if TYPE_CHECKING:
    import pandas as pd

#: codes of problem types that make others redundant
_CAUSES = tuple(code for code, kind in CATALOGUE.items() if kind.makes_redundant)
#: codes whose echoes include "any problem" on a cell: such a problem is never an echo itself
_CELL_CAUSES = tuple(code for code, kind in CATALOGUE.items()
                     if any(not echo.codes for echo in kind.makes_redundant))


def drop_echoes(problems: pd.DataFrame) -> pd.DataFrame:
    """``problems`` without repeats: one row per (file, record, column, code), and none that a
    cause on the same record (or, for a file-level cause, in the same file) makes redundant."""
    if problems.empty:
        return problems
    problems = _one_per_cell(problems)
    causes = problems[problems["rule"].isin(_CAUSES)]
    if causes.empty:
        return problems
    keys = _echo_keys(causes)
    rows = problems.reset_index(drop=True)
    rows["_row"] = np.arange(len(rows))
    keyed = rows[rows["record"] >= 0]
    echo = np.zeros(len(rows), dtype=bool)
    for per_file in (False, True):
        scoped = keys[(keys["record"] < 0) == per_file]
        on = ["file", "column"] if per_file else ["file", "record", "column"]
        for any_code in (True, False):
            part = scoped[(scoped["code"] == "") == any_code].drop(
                columns=["record"] if per_file else []).drop_duplicates()
            if part.empty:
                continue
            targets = keyed[~keyed["rule"].isin(_CELL_CAUSES)] if any_code else keyed
            if any_code:
                hit = targets.merge(part.drop(columns=["code"]), on=on)["_row"]
            else:
                hit = targets.merge(part.rename(columns={"code": "rule"}), on=[*on, "rule"])["_row"]
            echo[hit.to_numpy()] = True
    return rows.loc[~echo].drop(columns=["_row"]).reset_index(drop=True)


def _one_per_cell(problems: pd.DataFrame) -> pd.DataFrame:
    """One row per (file, record, column, code) for record problems: two steps may report the
    same fault (file-level rows are all kept)."""
    keyed = problems["record"] >= 0
    repeat = problems.duplicated(["file", "record", "column", "rule"]) & keyed
    return problems.loc[~repeat.to_numpy()] if repeat.any() else problems


def _echo_keys(causes: pd.DataFrame) -> pd.DataFrame:
    """(file, record, column, code) of every problem the causes make redundant; record -1 for
    a file-level cause (every record of its file), code "" for any code."""
    import pandas as pd

    parts = []
    for code, group in causes.groupby("rule", sort=False):
        base = group[["file", "record", "column"]]
        for echo in CATALOGUE[str(code)].makes_redundant:
            for spec in echo.columns:
                if spec == SAME:
                    cols = base
                elif spec == DERIVED:
                    cols = base.assign(column=base["column"].map(
                        lambda c: list(DERIVES.get(c, ())))).explode("column").dropna()
                else:
                    cols = base.assign(column=spec)
                for target in echo.codes or ("",):
                    parts.append(cols.assign(code=target))
    keys = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["file", "record", "column", "code"])
    keys["record"] = np.where(keys["record"] < 0, -1, keys["record"]).astype("int64")
    return keys.astype({"file": "str", "column": "str", "code": "str"}).drop_duplicates()
