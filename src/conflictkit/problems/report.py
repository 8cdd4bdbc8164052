"""The report every door returns: one row per (record, problem), never one per cell.

Contribution files, importers, extraction, releases and `verify` all report problems in this one
columnar shape (a frame, not one object per problem: a 3M-row check can find 30k of them), so
the renderers (text, JSON, GitHub annotations) show them all the same way. ``rule`` holds the
problem's code from `conflictkit.problems.catalogue`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from conflictkit.problems.catalogue import CATALOGUE

Severity = Literal["error", "warning"]

PROBLEM_COLUMNS: tuple[str, ...] = (
    "file",  # path of the file the record came from ("" when in memory)
    "line",  # 1-based line in that file (0 when unknown or file-level)
    "record",  # 0-based position of the record in the checked table (-1 for file-level problems)
    "event_id",  # event_id_cnty of the record, "" when absent
    "column",  # column the problem is about ("" for record- or file-level problems)
    "rule",  # the problem's code in the catalogue, e.g. "vocabulary", "date_format"
    "value",  # the offending value, as text
    "message",  # a sentence a person can act on
    "severity",  # "error" or "warning"
)
_TEXT = tuple(name for name in PROBLEM_COLUMNS if name not in ("line", "record"))

#: codes whose record-less problems each stand for one record that was never read
_UNREAD = tuple(code for code, kind in CATALOGUE.items() if kind.counts_as_record)


def empty_problems() -> pd.DataFrame:
    """An empty problem table with the right columns and dtypes."""
    frame = pd.DataFrame({name: pd.Series([], dtype="str") for name in PROBLEM_COLUMNS})
    frame["line"] = frame["line"].astype("int64")
    frame["record"] = frame["record"].astype("int64")
    return frame


def undeclared_codes(problems: pd.DataFrame) -> set[str]:
    """Codes in ``problems`` that the catalogue does not declare (should be none)."""
    return set(problems["rule"].unique().tolist()) - set(CATALOGUE) if len(problems) else set()


def problems_frame(rows: list[dict[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """Normalise problem rows (dicts or a partial frame) to the full problem-table shape.

    Every row must carry a declared code; an undeclared one is a bug and raises ValueError.
    """
    frame = pd.DataFrame(rows) if not isinstance(rows, pd.DataFrame) else rows.copy()
    if frame.empty:
        return empty_problems()
    defaults: dict[str, Any] = {"file": "", "line": 0, "record": -1, "event_id": "",
                                "column": "", "rule": "", "value": "", "message": "",
                                "severity": "error"}
    for name, default in defaults.items():
        if name not in frame.columns:
            frame[name] = default
    frame = frame[list(PROBLEM_COLUMNS)]
    for name in ("line", "record"):
        frame[name] = pd.to_numeric(frame[name], errors="coerce").fillna(0).astype("int64")
    for name in _TEXT:
        frame[name] = frame[name].fillna("").astype("str")
    unknown = undeclared_codes(frame)
    if unknown:
        raise ValueError(f"undeclared problem codes: {', '.join(sorted(unknown))}")
    return frame.reset_index(drop=True)


@dataclass
class Report:
    """What a check found: counts of records and every problem.

    `records` counts every record read, so records == accepted + rejected always holds; a record
    is rejected when it has at least one error (warnings do not reject). `problems` is one row
    per problem: file, line, record, event_id, column, rule, severity, value, message.

    >>> report = ck.validate_events(df)
    >>> report.ok, report.accepted, report.rejected
    >>> report.problems.groupby(["rule", "column"]).size()
    """

    records: int = 0
    problems: pd.DataFrame = field(default_factory=empty_problems)
    files: int = 0

    @property
    def errors(self) -> pd.DataFrame:
        return self.problems[self.problems["severity"] == "error"]

    @property
    def warnings(self) -> pd.DataFrame:
        return self.problems[self.problems["severity"] == "warning"]

    @property
    def rejected(self) -> int:
        """Records with at least one error, plus records that could not be read at all."""
        errors = self.errors
        record = errors["record"].to_numpy()
        keyed = errors[record >= 0]
        unread = int(((record < 0) & errors["rule"].isin(_UNREAD).to_numpy()).sum())
        return int(keyed.drop_duplicates(["file", "record"]).shape[0]) + unread

    @property
    def accepted(self) -> int:
        return self.records - self.rejected

    @property
    def ok(self) -> bool:
        return self.errors.empty

    def rejected_rows(self, n: int) -> np.ndarray:
        """A boolean mask over ``n`` rows: True where a row has an error."""
        errors = self.errors
        rows = errors["record"].to_numpy(dtype=np.int64)
        mask = np.zeros(n, dtype=bool)
        mask[rows[(rows >= 0) & (rows < n)]] = True
        return mask

    def extend(self, other: Report) -> Report:
        """Combine two reports over disjoint record sets."""
        parts = [p for p in (self.problems, other.problems) if not p.empty]
        problems = pd.concat(parts, ignore_index=True) if parts else empty_problems()
        return Report(self.records + other.records, problems, self.files + other.files)

    def add(self, rows: list[dict[str, Any]] | pd.DataFrame) -> None:
        """Append problems (dicts or a partial frame) to this report."""
        extra = problems_frame(rows)
        if not extra.empty:
            parts = [p for p in (self.problems, extra) if not p.empty]
            self.problems = pd.concat(parts, ignore_index=True)

    def summary(self) -> dict[str, int]:
        return {
            "files": self.files,
            "records": self.records,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
        }

    def summary_line(self) -> str:
        s = self.summary()
        return (f"{s['records']} records: {s['accepted']} valid, {s['rejected']} rejected, "
                f"{s['warnings']} warnings")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready document: the summary and every problem."""
        return {
            "ok": self.ok,
            "summary": self.summary(),
            "problems": _records(self.problems),
        }


def _records(problems: pd.DataFrame) -> list[dict[str, Any]]:
    """The problem rows as dicts of plain Python values (what `to_dict(orient="records")`
    gives, built from whole columns: ten times faster on a report of 100k problems)."""
    names = list(problems.columns)
    columns = []
    for name in names:
        values = problems[name]
        if name in ("line", "record"):
            columns.append(values.to_numpy(dtype="int64").tolist())
        elif values.hasnans:  # problem frames hold "" for blanks; None if one slipped in
            columns.append(values.astype(object).where(values.notna(), None).tolist())
        else:
            columns.append(values.tolist())
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]
