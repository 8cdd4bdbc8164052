"""The conflictkit command line: the only module that prints or exits.

Conventions every command keeps:
- heavy libraries (pandas, pyarrow, pandera) are imported inside the command body, never at
  module level, so `--help` and `--version` answer instantly;
- exit 0 success, 1 bad data, 2 bad usage; never a traceback (`main` turns any ConflictkitError
  into a one-line message);
- commands that report take `--format text|json`: json is one document on stdout, human output
  and progress go to stderr.
"""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from conflictkit import __version__
from conflictkit.errors import ConflictkitError, UsageError

if TYPE_CHECKING:
    from conflictkit.schema.report import Report

app = typer.Typer(
    name="conflictkit",
    help="Build, validate, publish and load conflict-event datasets in the ACLED format.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class ReportFormat(StrEnum):
    text = "text"
    json = "json"


class ValidateFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


FormatOption = Annotated[
    ReportFormat,
    typer.Option("--format", "-f", help="text (stderr) or json (one document on stdout)"),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress output.")]


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"conflictkit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version_callback, is_eager=True,
                     help="Show the version and exit."),
    ] = False,
) -> None:
    """Build, validate, publish and load conflict-event datasets in the ACLED format."""


# --------------------------------------------------------------------------------------------
# Output helpers shared by the commands
# --------------------------------------------------------------------------------------------


def err(message: str) -> None:
    """Human output goes to stderr so stdout stays clean for --format json."""
    typer.echo(message, err=True)


def emit_json(document: Any) -> None:
    typer.echo(json.dumps(document, ensure_ascii=False, indent=2, default=str))


def _location(row: Any) -> str:
    where = row["file"] or "<input>"
    if row["line"]:
        where += f":{row['line']}"
    return where


def render_report(report: Report, fmt: str, *, title: str = "") -> None:
    """Show a report as text (grouped by file, stderr), json (stdout) or GitHub annotations."""
    if fmt == "json":
        emit_json(report.to_dict())
        return
    problems = report.problems
    if fmt == "github":
        _render_github(report)
        return
    if title:
        err(title)
    for file, group in problems.groupby("file", sort=False):
        err(f"{file or '<input>'}")
        for row in group.sort_values(["line", "record"]).to_dict(orient="records"):
            ident = f" {row['event_id']}" if row["event_id"] else ""
            col = f" [{row['column']}]" if row["column"] else ""
            value = f" (value: {row['value']!r})" if row["value"] != "" else ""
            line = f"line {row['line']}" if row["line"] else "record"
            err(f"  {line}{ident}{col} {row['severity']} {row['rule']}: {row['message']}{value}")
    err(report.summary_line())


def _render_github(report: Report) -> None:
    """Workflow annotations, errors first (GitHub shows about 10 per step), plus a step summary."""
    problems = report.problems.copy()
    problems["_order"] = (problems["severity"] != "error").astype(int)
    problems = problems.sort_values(["_order", "file", "line"], kind="stable")
    for row in problems.to_dict(orient="records"):
        kind = "error" if row["severity"] == "error" else "warning"
        props = []
        if row["file"]:
            props.append(f"file={row['file']}")
        if row["line"]:
            props.append(f"line={row['line']}")
        props.append(f"title={row['rule']}" + (f" ({row['column']})" if row["column"] else ""))
        value = f" (value: {row['value']!r})" if row["value"] != "" else ""
        message = f"{row['event_id'] + ': ' if row['event_id'] else ''}{row['message']}{value}"
        message = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        typer.echo(f"::{kind} {','.join(props)}::{message}")
    typer.echo(report.summary_line())
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_path:
        _append_step_summary(Path(summary_path), report)


def _append_step_summary(path: Path, report: Report) -> None:
    s = report.summary()
    lines = [
        "## conflictkit validate",
        "",
        f"**{s['records']} records: {s['accepted']} valid, {s['rejected']} rejected, "
        f"{s['warnings']} warnings**",
        "",
    ]
    if not report.problems.empty:
        lines += ["| file | line | event | column | rule | severity | message |",
                  "|---|---:|---|---|---|---|---|"]
        for row in report.problems.head(200).to_dict(orient="records"):
            msg = str(row["message"]).replace("|", "\\|")
            lines.append(f"| {row['file']} | {row['line'] or ''} | {row['event_id']} | "
                         f"{row['column']} | {row['rule']} | {row['severity']} | {msg} |")
        if len(report.problems) > 200:
            lines.append(f"\n… and {len(report.problems) - 200} more problems.")
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


# --------------------------------------------------------------------------------------------
# Commands. Each section belongs to one part of the flow; keep imports inside the bodies.
# --------------------------------------------------------------------------------------------


def main() -> None:
    """Console entry point: run the app, turning known errors into messages and exit codes."""
    try:
        app(standalone_mode=False)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except UsageError as exc:
        err(f"error: {exc}")
        sys.exit(EXIT_USAGE)
    except ConflictkitError as exc:
        err(f"error: {exc}")
        sys.exit(EXIT_INVALID)
    except KeyboardInterrupt:
        err("interrupted")
        sys.exit(130)
    except typer.Abort:
        err("aborted")
        sys.exit(EXIT_INVALID)
    except typer.exceptions.TyperException as exc:
        # typer's own usage errors (unknown command, bad option): its message, its exit code (2)
        exc.show()  # type: ignore[attr-defined]
        sys.exit(getattr(exc, "exit_code", EXIT_USAGE))
    except Exception as exc:  # noqa: BLE001 - the promise is "never a traceback"
        if os.environ.get("CONFLICTKIT_DEBUG"):
            raise
        err(f"error: unexpected {type(exc).__name__}: {exc} "
            "(set CONFLICTKIT_DEBUG=1 for details, and please report it)")
        sys.exit(EXIT_INVALID)

if __name__ == "__main__":
    main()
