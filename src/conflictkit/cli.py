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
from contextlib import nullcontext
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from conflictkit import __version__
from conflictkit.errors import ConflictkitError, UsageError

if TYPE_CHECKING:
    from conflictkit.problems.report import Report

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


#: Text output lists at most this many problems (json lists all).
TEXT_PROBLEM_LIMIT = 1000
#: GitHub shows about 10 annotations per step; print a few more, most useful first.
GITHUB_ANNOTATION_LIMIT = 50


def _useful_order(problems: Any) -> Any:
    """Errors first; within them the first occurrence of each (rule, column) before repeats, so
    the few annotations or lines a reader sees cover every kind of problem."""
    frame = problems.copy()
    frame["_severity"] = (frame["severity"] != "error").astype(int)
    frame["_repeat"] = frame.groupby(["severity", "rule", "column"], sort=False).cumcount()
    frame["_repeat"] = (frame["_repeat"] > 0).astype(int)
    frame = frame.sort_values(["_severity", "_repeat", "file", "line", "record"], kind="stable")
    return frame.drop(columns=["_severity", "_repeat"])


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
    shown = problems
    if len(problems) > TEXT_PROBLEM_LIMIT:
        shown = _useful_order(problems).head(TEXT_PROBLEM_LIMIT)
        shown = shown.sort_values(["file", "line", "record"], kind="stable")
    colours = {"error": "red", "warning": "yellow"}
    for file, group in shown.groupby("file", sort=False):
        err(typer.style(f"{file or '<input>'}", bold=True))
        for row in group.sort_values(["line", "record"], kind="stable").to_dict(orient="records"):
            ident = f" {row['event_id']}" if row["event_id"] else ""
            col = f" [{row['column']}]" if row["column"] else ""
            value = f" (value: {row['value']!r})" if row["value"] != "" else ""
            if row["line"]:
                where = f"line {row['line']}"
            elif row["record"] >= 0:
                where = f"record {row['record'] + 1}"
            else:
                where = "file"
            severity = typer.style(row["severity"], fg=colours.get(row["severity"]))
            err(f"  {where}{ident}{col} {severity} {row['rule']}: {row['message']}{value}")
    if len(shown) < len(problems):
        err(f"... and {len(problems) - len(shown)} more problems (--format json lists all)")
    err(report.summary_line())


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _render_github(report: Report) -> None:
    """Workflow annotations, errors first (GitHub shows about 10 per step), plus a step summary."""
    problems = _useful_order(report.problems)
    for row in problems.head(GITHUB_ANNOTATION_LIMIT).to_dict(orient="records"):
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
        typer.echo(f"::{kind} {','.join(props)}::{_escape_data(message)}")
    if len(problems) > GITHUB_ANNOTATION_LIMIT:
        typer.echo(f"... and {len(problems) - GITHUB_ANNOTATION_LIMIT} more problems (see the "
                   "step summary, or run with --format text)")
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
        for row in _useful_order(report.problems).head(200).to_dict(orient="records"):
            msg = str(row["message"]).replace("|", "\\|").replace("\n", " ")
            lines.append(f"| {row['file']} | {row['line'] or ''} | {row['event_id']} | "
                         f"{row['column']} | {row['rule']} | {row['severity']} | {msg} |")
        if len(report.problems) > 200:
            lines.append(f"\n… and {len(report.problems) - 200} more problems.")
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


# --------------------------------------------------------------------------------------------
# Commands. Each section belongs to one part of the flow; keep imports inside the bodies.
# --------------------------------------------------------------------------------------------


# ---- contributions (part B1): `validate` ------------------------------------------------------


@app.command("validate")
def validate_command(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Contribution files or folders (YAML/CSV/JSON), Parquet tables, "
                       "release directories, or a dataset repository.", show_default=False),
    ],
    release: Annotated[
        Path | None,
        typer.Option("--release", help="A release directory (or its events.parquet): a deleted "
                     "ID must not come back (error); a published ID is reported as an edit "
                     "(warning)."),
    ] = None,
    fmt: Annotated[
        ValidateFormat,
        typer.Option("--format", "-f", help="text (stderr), json (one document on stdout) or "
                     "github (workflow annotations + $GITHUB_STEP_SUMMARY)"),
    ] = ValidateFormat.text,
    strict: Annotated[
        bool, typer.Option("--strict", help="Unknown actors are errors, not warnings (also "
                           "set by [validate] strict = true in the dataset's conflictkit.toml)."),
    ] = False,
    max_file_mb: Annotated[
        float,
        typer.Option("--max-file-mb", min=0.001, help="Refuse a contribution file larger than "
                     "this (MiB)."),
    ] = 200,
    quiet: QuietOption = False,
) -> None:
    """Check contribution files and tables against ACLED's rules and across records.

    Exit 0 when every record is valid (warnings allowed), 1 when any record is rejected,
    2 on a usage error. The last text line reads "N records: A valid, R rejected, W warnings".
    """
    from conflictkit.builders.contributions import find_dataset_root, read_contributions
    from conflictkit.builders.contributions.batch import read_config, reference_for
    from conflictkit.builders.crosscheck import ReleaseIds

    if release is not None and not release.exists():
        raise UsageError(f"--release {release}: no such file or directory")
    # the release's IDs are read in the background while the rest loads
    release_ids = ReleaseIds(release) if release is not None else None
    root = find_dataset_root(paths)
    if fmt == ValidateFormat.text and not quiet and sys.stderr.isatty():
        err(f"validating {', '.join(str(p) for p in paths)}"
            + (f" (dataset {root})" if root else ""))
    actors, gazetteer = reference_for(root)
    if root is not None:  # the dataset's conflictkit.toml may ask for [validate] strict = true
        strict = strict or bool(read_config(root).get("validate", {}).get("strict", False))
    targets: list[Path] = []
    for path in paths:
        if root is not None and path.resolve() == root and path.is_dir():
            targets += [p for p in (path / "events", path / "imports") if p.is_dir()]
        else:
            targets.append(path)
    batch = read_contributions(targets, actors=actors, gazetteer=gazetteer, release=release_ids,
                               strict=strict, max_file_mb=max_file_mb)
    render_report(batch.report, fmt.value)
    raise typer.Exit(EXIT_OK if batch.report.ok else EXIT_INVALID)


# ---- event IDs and scaffolding (part B2): `ids assign`, `init` ----------------------------------

ids_app = typer.Typer(help="Event IDs (event_id_cnty): assign them to new events.",
                      no_args_is_help=True)
app.add_typer(ids_app, name="ids")


@ids_app.command("assign")
def ids_assign_command(
    dataset: Annotated[
        Path, typer.Argument(help="The dataset repository (the folder holding events/).",
                             show_default=False),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the IDs that would be assigned; write nothing."),
    ] = False,
    release: Annotated[
        Path | None,
        typer.Option("--release", help="Release directory whose IDs (and deleted IDs) must not be "
                     "reused; default: the latest under DATASET/releases/."),
    ] = None,
    fmt: FormatOption = ReportFormat.text,
    quiet: QuietOption = False,
) -> None:
    """Give every event without event_id_cnty the next free number for its country's prefix.

    Numbers never reuse one seen in the dataset's files, its imports/ or its latest release
    (events and deletions.csv). IDs are written into the files in place: comments, key order,
    quoting and formatting are kept, each file is replaced atomically. Events with a missing or
    unknown country are reported and left without an ID (exit 1).
    """
    from conflictkit.builders.ids import assign_ids

    result = assign_ids(dataset, release=release, dry_run=dry_run)
    if fmt == ReportFormat.json:
        emit_json(result.to_dict())
    else:
        verb = "would assign" if dry_run else "assigned"
        if not quiet:
            for a in result.assignments:
                err(f"{a.file}:{a.line}  {a.event_id}  ({a.country})")
        problems = result.report.problems
        for row in problems.to_dict(orient="records"):
            where = row["file"] + (f":{row['line']}" if row["line"] else "")
            value = f" (value: {row['value']!r})" if row["value"] else ""
            err(f"{where}  {row['severity']} {row['rule']}: {row['message']}{value}")
        summary = result.to_dict()["summary"]
        ranges = ", ".join(f"{p}{lo}" + (f"-{p}{hi}" if hi != lo else "")
                           for p, (lo, hi) in sorted(result.ranges.items()))
        def n(count: int, noun: str) -> str:
            return f"{count} {noun}{'' if count == 1 else 's'}"

        err(f"{n(summary['events'], 'event')} in {n(summary['files'], 'file')}: {verb} "
            f"{n(summary['assigned'], 'ID')}" + (f" ({ranges})" if ranges else "")
            + f" in {n(summary['files_changed'], 'file')}, {summary['had_id']} already had one, "
            f"{summary['unnumbered']} left without an ID"
            + (f"; release checked: {result.release}" if result.release else ""))
    raise typer.Exit(EXIT_OK if result.report.ok else EXIT_INVALID)


@app.command("init")
def init_command(
    directory: Annotated[
        Path, typer.Argument(help="Folder to create the dataset repository in (new or empty).",
                             show_default=False),
    ],
    name: Annotated[
        str | None,
        typer.Option("--name", help="Machine name of the dataset (lower case, digits, . _ -); "
                     "default: from the folder name."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Allow a non-empty folder; existing files are kept."),
    ] = False,
    fmt: FormatOption = ReportFormat.text,
) -> None:
    """Scaffold a dataset repository: conflictkit.toml, events/ (with an example), reference/,
    articles/, CONTRIBUTING.md, a GitHub workflow that validates pull requests, and a pre-commit
    configuration.
    """
    from conflictkit.builders.scaffold import init_dataset

    result = init_dataset(directory, name=name, force=force)
    if fmt == ReportFormat.json:
        emit_json(result.to_dict())
        return
    for path in result.created:
        err(f"  created {(directory / path).as_posix()}")
    for path in result.skipped:
        err(f"  kept    {(directory / path).as_posix()} (already there)")
    err(f"dataset {result.name!r} ready in {directory}. Next: edit events/, then "
        f"`conflictkit validate {directory / 'events'}` and `conflictkit ids assign {directory}`.")


# ---- importers (part D1): `import acled|ucdp` ----------------------------------------------------


from conflictkit.builders.importers.registry import FORMATS as _FORMATS  # noqa: E402 (light)

ImportSource = StrEnum("ImportSource", {f.name: f.name for f in _FORMATS})  # type: ignore[misc]


@app.command("import")
def import_command(
    source: Annotated[
        ImportSource,
        typer.Argument(help="What the file is: " + "; ".join(
            f"{f.name}: {f.label}" for f in _FORMATS) + ".", show_default=False),
    ],
    file: Annotated[
        Path,
        typer.Argument(help="The export: CSV/TSV (any encoding) or XLSX.", show_default=False),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write accepted events to OUT (Parquet, ACLED columns), "
                     "provenance to OUT.provenance.parquet and every repair with its original "
                     "value to OUT.repairs.parquet; without it only report."),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option("--today", help="Dates after this day (YYYY-MM-DD) are in the future; "
                     "default: today (UTC)."),
    ] = None,
    fmt: FormatOption = ReportFormat.text,
    quiet: QuietOption = False,
) -> None:
    """Convert an existing ACLED or UCDP GED export into canonical events, with a reject report.

    Every record ends up accepted or rejected with its file, line, column, rule and value. Exit 0
    when every record was accepted (warnings allowed), 1 when any was rejected or the file is not
    of that kind, 2 on a usage error.
    """
    import datetime as dt

    from conflictkit.builders.importers.output import ImportWriter

    if not file.exists():
        raise UsageError(f"{file}: no such file")
    day = None
    if today is not None:
        try:
            day = dt.date.fromisoformat(today)
        except ValueError:
            raise UsageError(f"--today {today!r}: not a date YYYY-MM-DD") from None
    say = _progress_printer(not quiet and fmt == ReportFormat.text and sys.stderr.isatty())
    from conflictkit.builders.importers.registry import format_named

    with ImportWriter(out) if out is not None else nullcontext() as writer:
        result = format_named(source.value).read(file, today=day, progress=say, writer=writer)
        written = writer.commit(result) if writer is not None else None
    if fmt == ReportFormat.json:
        document = result.to_dict()
        document["written"] = [str(p) for p in written] if written else []
        emit_json(document)
    else:
        meta = result.meta
        detected = [meta.get("era_label", ""), meta.get("encoding", ""),
                    ", ".join(f"{k} ({v})" for k, v in meta.get("date_formats", {}).items())]
        title = f"{file}: " + "; ".join(d for d in detected if d)
        render_report(result.report, "text", title=title)
        err(_repairs_line(result.meta))
        if written:
            err(f"wrote {len(result.events)} events to {written[0]}, provenance to "
                f"{written[1]} and repairs to {written[2]}")
    raise typer.Exit(EXIT_OK if result.report.ok else EXIT_INVALID)


def _repairs_line(meta: dict[str, Any]) -> str:
    """The import's repairs by kind, and the events kept for review, in one line."""
    counts = meta.get("repairs") or {}
    review = meta.get("events_to_review", 0)
    tail = f"; {review:,} events kept for review (provenance column 'review')" if review else ""
    if not counts:
        return f"repairs: none{tail}"
    kinds = ", ".join(f"{code} {count:,}" for code, count in counts.items())
    return f"repairs in {meta.get('events_repaired', 0):,} events: {kinds}{tail}"


# ---- releases (part C): `release`, `verify`, `diff`, `info` --------------------------------------


class PartitionMode(StrEnum):
    auto = "auto"
    year = "year"
    none = "none"


def _progress_printer(enabled: bool) -> Any:
    """Step messages with elapsed seconds on stderr (only for a terminal, and not --quiet)."""
    if not enabled:
        return None
    import time

    start = time.monotonic()

    def say(step: str) -> None:
        err(f"[{time.monotonic() - start:6.1f}s] {step}")

    return say


@app.command("release")
def release_command(
    dataset: Annotated[
        Path, typer.Argument(help="The dataset repository (events/, imports/, conflictkit.toml).",
                             show_default=False),
    ],
    version: Annotated[
        str, typer.Option("--version", "-V", help="Release version: a semantic version "
                          "(1.2.0) or a date (2024-05-01); must sort after existing ones.",
                          show_default=False),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Output root; the release goes to OUT/VERSION/. "
                     "Default: release.directory of conflictkit.toml (releases/)."),
    ] = None,
    timestamp: Annotated[
        str | None,
        typer.Option("--timestamp", help="Release time (Unix seconds or ISO 8601) given to new "
                     "and modified events; default $SOURCE_DATE_EPOCH, else now."),
    ] = None,
    partition: Annotated[
        PartitionMode | None,
        typer.Option("--partition", help="events.parquet (none), events/year=YYYY/ (year), or "
                     "year above 2M events (auto). Default: conflictkit.toml, else auto."),
    ] = None,
    fmt: FormatOption = ReportFormat.text,
    quiet: QuietOption = False,
) -> None:
    """Build an immutable release DATASET/releases/VERSION/ from every reviewed event.

    Candidates (status: candidate) are left out and counted. Invalid events refuse the release
    with the same report as `validate` (exit 1); an existing version, a broken previous release
    or a failed write is exit 1 with nothing published.
    """
    from conflictkit.builders.release.build import ReleaseRefused
    from conflictkit.builders.release.gather import release_dataset

    if not dataset.is_dir():
        raise UsageError(f"{dataset}: no such dataset directory")
    say = _progress_printer(not quiet and fmt == ReportFormat.text and sys.stderr.isatty())
    try:
        result = release_dataset(dataset, version=version, out=out, timestamp=timestamp,
                                 partition=partition.value if partition else None, progress=say)
    except ReleaseRefused as exc:
        render_report(exc.report, fmt.value, title=f"release {version} refused: invalid events")
        raise typer.Exit(EXIT_INVALID) from None
    if fmt == ReportFormat.json:
        emit_json(result.to_dict())
        return
    c = result.changes
    err(f"released {result.version} -> {result.path} ({result.rows} events: {c.added} added, "
        f"{c.modified} modified, {c.deleted} deleted, {c.unchanged} unchanged"
        + (f"; {result.candidates_left_out} candidates left out" if result.candidates_left_out
           else "") + ")")
    err(f"previous release: {result.previous or 'none'}; timestamp {result.released_at}; "
        f"layout {result.layout}; {len(result.files)} files in SHA256SUMS")
    for warning in result.warnings:
        err(f"warning: {warning}")


@app.command("verify")
def verify_command(
    release: Annotated[Path, typer.Argument(help="A release directory.", show_default=False)],
    fmt: FormatOption = ReportFormat.text,
    quiet: QuietOption = False,
) -> None:
    """Recompute a release's checksums, row counts and schema; exit 1 naming any file that
    differs from what was published."""
    from conflictkit.builders.release.verify import verify_release

    result = verify_release(release)
    if fmt == ReportFormat.json:
        emit_json(result.to_dict())
    else:
        for problem in result.found:
            err(f"{problem['file']}: {problem['rule']}: {problem['message']}")
        if result.ok:
            if not quiet:
                err(f"{release}: OK ({len(result.files)} files match SHA256SUMS; "
                    f"{max(result.rows.get('events.csv', 0), 0)} events)")
        else:
            err(f"{release}: FAILED ({len(result.found)} problems)")
    raise typer.Exit(EXIT_OK if result.ok else EXIT_INVALID)


@app.command("diff")
def diff_command(
    old: Annotated[Path, typer.Argument(help="The older release directory.", show_default=False)],
    new: Annotated[Path, typer.Argument(help="The newer release directory.", show_default=False)],
    limit: Annotated[
        int, typer.Option("--limit", min=0, help="Text output: list at most this many events "
                          "per section (json lists all)."),
    ] = 200,
    fmt: FormatOption = ReportFormat.text,
) -> None:
    """Events added, deleted and modified between two releases, with each modification's
    changed fields (old -> new)."""
    from conflictkit.builders.release.diff import diff_releases

    result = diff_releases(old, new)
    if fmt == ReportFormat.json:
        emit_json(result.to_dict())
        return
    s = result.summary()

    def listing(title: str, items: list[str], total: int) -> None:
        err(f"{title} ({total}):")
        for item in items:
            err(f"  {item}")
        if total > len(items):
            err(f"  ... and {total - len(items)} more (--limit, or --format json for all)")

    listing("added", result.added[:limit], len(result.added))
    listing("deleted", result.deleted[:limit], len(result.deleted))
    listing("modified", [
        f"{event_id}: " + "; ".join(f"{c}: {o!r} -> {n!r}" for c, (o, n) in fields.items())
        for event_id, fields in result.modified[:limit]
    ], len(result.modified))
    if result.field_counts:
        err("fields changed: " + ", ".join(f"{c} ({n})" for c, n in result.field_counts.items()))
    err(f"{old} -> {new}: {s['added']} added, {s['deleted']} deleted, {s['modified']} modified, "
        f"{s['unchanged']} unchanged")


@app.command("info")
def info_command(
    release: Annotated[Path, typer.Argument(help="A release directory.", show_default=False)],
    fmt: FormatOption = ReportFormat.text,
) -> None:
    """Summarise a release: events by country, year and event type."""
    from conflictkit.builders.release.info import release_info

    info = release_info(release)
    if fmt == ReportFormat.json:
        emit_json(info)
        return
    title = " ".join(str(info[k]) for k in ("name", "version") if info.get(k))
    err(f"{title or release}: {info['events']} events in {info['countries']} countries, "
        f"{info['first_event_date']} to {info['last_event_date']}; {info['deletions']} deleted "
        f"IDs; layout {info['layout']}" + (f"; created {info['created']}"
                                           if info.get("created") else ""))
    if info.get("changes"):
        ch = info["changes"]
        err(f"changes since {info.get('previous') or 'nothing (first release)'}: "
            f"{ch['added']} added, {ch['modified']} modified, {ch['deleted']} deleted")
    for key, label in (("by_event_type", "event type"), ("by_year", "year"),
                       ("by_country", "country")):
        err(f"\nby {label}:")
        width = max((len(k) for k in info[key]), default=0)
        for name, count in info[key].items():
            err(f"  {name:<{width}}  {count:>9}")


# ---- extraction (part E): `extract` ------------------------------------------------------------


class ExtractFormat(StrEnum):
    yaml = "yaml"
    json = "json"


class ExtractorChoice(StrEnum):
    rules = "rules"
    llm = "llm"


@app.command("extract")
def extract_command(
    articles: Annotated[
        list[str],
        typer.Argument(help="Article files (plain text or HTML); '-' reads stdin. A header "
                       "block (title:, date:, url:, outlet:) may precede the text.",
                       show_default=False),
    ],
    published: Annotated[
        str | None,
        typer.Option("--published", help="Publication date (YYYY-MM-DD); relative dates such "
                     "as 'on Wednesday' resolve against it. Default: the article's header."),
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="The outlet, e.g. 'Deutsche Welle'."),
    ] = None,
    url: Annotated[str | None, typer.Option("--url", help="The article's URL.")] = None,
    fmt: Annotated[
        ExtractFormat,
        typer.Option("--format", "-f", help="yaml or json contribution records (stdout or -o)"),
    ] = ExtractFormat.yaml,
    out: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the records to this file."),
    ] = None,
    extractor: Annotated[
        ExtractorChoice,
        typer.Option("--extractor", help="rules (offline, default) or llm (an OpenAI-compatible "
                     "endpoint set by CONFLICTKIT_LLM_BASE_URL / _MODEL / _API_KEY)"),
    ] = ExtractorChoice.rules,
    quiet: QuietOption = False,
) -> None:
    """Propose candidate ACLED events from news articles, each field traced to its sentence.

    Output is a contribution file (status: candidate) that `conflictkit validate` checks.
    Exit 0 when every article was read (even with no event in it), 1 when an article could not
    be read, 2 on a usage error.
    """
    from datetime import date as _date

    from conflictkit.builders.extract import ArticleError, extract_text, read_bytes
    from conflictkit.builders.extract.output import dump, to_records

    when = None
    if published is not None:
        try:
            when = _date.fromisoformat(published)
        except ValueError:
            raise UsageError(f"--published {published!r}: expected YYYY-MM-DD") from None
    chosen = None
    if extractor == ExtractorChoice.llm:
        from conflictkit.builders.extract.llm import LLMExtractor

        chosen = LLMExtractor.from_env()
    for name in articles:
        if name != "-" and not Path(name).is_file():
            raise UsageError(f"{name}: no such file")
    records: list[dict[str, Any]] = []
    failed = 0
    for name in articles:
        try:
            data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
            label = "<stdin>" if name == "-" else name
            result = extract_text(read_bytes(data, label), published=when, source=source,
                                  url=url, name=label, extractor=chosen)
        except ArticleError as exc:
            err(f"error: {exc}")
            failed += 1
            continue
        found = to_records(result)
        records.extend(found)
        if not quiet:
            for warning in result.warnings:
                err(f"{label}: warning: {warning}")
            err(f"{label}: {len(found)} candidate event{'s' if len(found) != 1 else ''}")
    text = dump(records, fmt.value)
    if out is not None:
        out.write_text(text, encoding="utf-8")
        if not quiet:
            err(f"wrote {len(records)} records to {out}")
    else:
        typer.echo(text, nl=False)
    raise typer.Exit(EXIT_INVALID if failed else EXIT_OK)


# ---- schema (part A): `codebook` ---------------------------------------------------------------


class CodebookFormat(StrEnum):
    markdown = "markdown"
    datapackage = "datapackage"
    jsonschema = "jsonschema"


@app.command("codebook")
def codebook_command(
    fmt: Annotated[
        CodebookFormat,
        typer.Option("--format", "-f", help="markdown (the codebook), datapackage (Frictionless "
                     "v2 data package with the events table schema) or jsonschema (JSON Schema "
                     "for one contribution record)"),
    ] = CodebookFormat.markdown,
    out: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout."),
    ] = None,
) -> None:
    """Print the documentation generated from the schema declaration."""
    from conflictkit.schema import codebook

    if fmt == CodebookFormat.markdown:
        text = codebook.codebook_markdown()
    else:
        document = (codebook.datapackage() if fmt == CodebookFormat.datapackage
                    else codebook.contribution_json_schema())
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if out is None:
        typer.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{out}: cannot write ({exc.strerror or exc})") from None
    err(f"wrote {fmt.value} to {out}")


def main() -> None:
    """Console entry point: run the app, turning known errors into messages and exit codes."""
    try:
        # with standalone_mode=False click returns (not raises) a command's typer.Exit code
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else EXIT_OK)
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
