"""A report as people and CI read it: text grouped by file, GitHub workflow annotations, and the
Markdown step summary. JSON is `Report.to_dict`.

Each function returns text; the CLI decides where it goes (a command's report to stdout) and
whether it may use colour (a terminal, and no NO_COLOR).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from conflictkit.problems.report import Report

#: Text output lists at most this many problems (JSON lists all).
TEXT_PROBLEM_LIMIT = 1000
#: GitHub shows about 10 annotations per step; print a few more, most useful first.
GITHUB_ANNOTATION_LIMIT = 50
#: Rows of the problem table in the step summary.
SUMMARY_ROWS = 200

_COLOURS = {"error": "31", "warning": "33"}  # ANSI red, yellow


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def useful_order(problems: pd.DataFrame) -> pd.DataFrame:
    """Errors first; within them the first occurrence of each (code, column) before repeats, so
    the few annotations or lines a reader sees cover every kind of problem."""
    frame = problems.copy()
    frame["_severity"] = (frame["severity"] != "error").astype(int)
    frame["_repeat"] = frame.groupby(["severity", "rule", "column"], sort=False).cumcount()
    frame["_repeat"] = (frame["_repeat"] > 0).astype(int)
    frame = frame.sort_values(["_severity", "_repeat", "file", "line", "record"], kind="stable")
    return frame.drop(columns=["_severity", "_repeat"])


def _where(row: dict) -> str:
    if row["line"]:
        return f"line {row['line']}"
    if row["record"] >= 0:
        return f"record {row['record'] + 1}"
    return "file"


def text(report: Report, *, title: str = "", limit: int = TEXT_PROBLEM_LIMIT,
         color: bool = False) -> str:
    """Problems grouped by file (each naming line, event, column, code, message, value), at
    most `limit` of them chosen by `useful_order`, then the summary line."""
    problems = report.problems
    lines = [title] if title else []
    shown = problems
    if len(problems) > limit:
        shown = useful_order(problems).head(limit).sort_values(["file", "line", "record"],
                                                              kind="stable")
    for file, group in shown.groupby("file", sort=False):
        lines.append(_paint(str(file) or "<input>", "1", color))
        for row in group.sort_values(["line", "record"], kind="stable").to_dict("records"):
            ident = f" {row['event_id']}" if row["event_id"] else ""
            col = f" [{row['column']}]" if row["column"] else ""
            value = f" (value: {row['value']!r})" if row["value"] != "" else ""
            severity = _paint(row["severity"], _COLOURS.get(row["severity"], "0"), color)
            lines.append(f"  {_where(row)}{ident}{col} {severity} {row['rule']}: "
                         f"{row['message']}{value}")
    if len(shown) < len(problems):
        lines.append(f"... and {len(problems) - len(shown)} more problems (--format json lists "
                     "all)")
    lines.append(report.summary_line())
    return "\n".join(lines) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(report: Report, *, limit: int = GITHUB_ANNOTATION_LIMIT) -> str:
    """Workflow annotations (``::error file=...,line=...,title=...::message``), errors first,
    then the summary line."""
    problems = useful_order(report.problems)
    lines = []
    for row in problems.head(limit).to_dict("records"):
        kind = "error" if row["severity"] == "error" else "warning"
        props = []
        if row["file"]:
            props.append(f"file={_escape_property(row['file'])}")
        if row["line"]:
            props.append(f"line={row['line']}")
        title = row["rule"] + (f" ({row['column']})" if row["column"] else "")
        props.append(f"title={_escape_property(title)}")
        value = f" (value: {row['value']!r})" if row["value"] != "" else ""
        message = f"{row['event_id'] + ': ' if row['event_id'] else ''}{row['message']}{value}"
        lines.append(f"::{kind} {','.join(props)}::{_escape_data(message)}")
    if len(problems) > limit:
        lines.append(f"... and {len(problems) - limit} more problems (see the step summary, "
                     "or run with --format text)")
    lines.append(report.summary_line())
    return "\n".join(lines) + "\n"


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def step_summary(report: Report, *, title: str = "conflictkit validate",
                 rows: int = SUMMARY_ROWS) -> str:
    """The Markdown a workflow appends to $GITHUB_STEP_SUMMARY: counts, then a table of the
    most useful problems."""
    s = report.summary()
    lines = [f"## {title}", "",
             f"**{s['records']} records: {s['accepted']} valid, {s['rejected']} rejected, "
             f"{s['warnings']} warnings**", ""]
    if not report.problems.empty:
        lines += ["| file | line | event | column | code | severity | message |",
                  "|---|---:|---|---|---|---|---|"]
        for row in useful_order(report.problems).head(rows).to_dict("records"):
            lines.append(f"| {_cell(row['file'])} | {row['line'] or ''} | {row['event_id']} | "
                         f"{row['column']} | {row['rule']} | {row['severity']} | "
                         f"{_cell(row['message'])} |")
        if len(report.problems) > rows:
            lines.append(f"\n… and {len(report.problems) - rows} more problems.")
    return "\n".join(lines) + "\n"
