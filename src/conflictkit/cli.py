"""The conflictkit commands: each parses its options, calls one library function, shows what
it returns and exits. Streams, colour, exit codes and error messages are `console`'s (together
the only code that prints or exits). Heavy libraries are imported inside command bodies, so
``--help`` answers at once.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from conflictkit import __version__
from conflictkit.builders.importers.registry import FORMATS
from conflictkit.console import (
    append_step_summary,
    colour,
    deliver,
    done,
    emit_json,
    progress,
    run,
    show,
    status,
)

# plain help (no boxes, no "<bool>" beside flags): it reads the same in a pipe and a terminal
app = typer.Typer(name="conflictkit", no_args_is_help=True, pretty_exceptions_enable=False,
                  rich_markup_mode=None, help="Build, validate, publish and load conflict-event "
                  "datasets in the ACLED format.")
ids_app = typer.Typer(help="Event IDs (event_id_cnty): assign them to new events.",
                      no_args_is_help=True, rich_markup_mode=None)
app.add_typer(ids_app, name="ids")

Fmt = Literal["text", "json"]
ImportFormat = Literal[tuple(f.name for f in FORMATS)]  # type: ignore[valid-type]
FormatOption = Annotated[Fmt, typer.Option(
    "--format", "-f", help="text, or json: one document on stdout")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress or status lines.")]


def _arg(metavar: str, help_text: str) -> Any:
    """A required argument named as the help shows it."""
    return typer.Argument(help=help_text, show_default=False, metavar=metavar)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"conflictkit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
          ) -> None:
    """Build, validate, publish and load conflict-event datasets in the ACLED format."""


@app.command("validate")
def validate_command(
    paths: Annotated[list[Path], _arg(
        "PATH", "Contribution files or folders (YAML/CSV/JSON), Parquet tables, release "
        "directories, or a dataset repository.")],
    release: Annotated[Path | None, typer.Option(
        "--release", help="A release (directory, its releases/ folder, or its events.parquet): "
        "a deleted ID must not come back (error); a published ID is an edit (warning).")] = None,
    fmt: Annotated[Literal["text", "json", "github"], typer.Option(
        "--format", "-f", help="text, json (one document) or github (workflow annotations and "
        "$GITHUB_STEP_SUMMARY; with --release, the summary also shows what the dataset's "
        "files change against it)")] = "text",
    strict: Annotated[bool, typer.Option(
        "--strict", help="Unknown actors are errors, not warnings (also [validate] strict = "
        "true in the dataset's conflictkit.toml).")] = False,
    max_file_mb: Annotated[float, typer.Option(
        "--max-file-mb", min=0.001, help="Refuse a YAML or JSON file larger than this (MiB); "
        "CSV files are read column-wise, whatever their size.",
    )] = 200,
    dataset: Annotated[Path | None, typer.Option(
        "--dataset", help="The dataset repository the files belong to (the pre-commit hook "
        "passes the changed files and --dataset .): the IDs of its other event files are read "
        "too, so an ID a given file shares with one of them is an error naming it (their own "
        "problems are not reported); without --release, its latest release is checked "
        "against as well.")] = None,
    diff_json: Annotated[Path | None, typer.Option(
        "--diff-json", help="With --release: write to this JSON file what the dataset's files "
        "change against the release: every event added, modified (old and new values) and "
        "deleted, counts by country and event type, fatalities.")] = None,
    quiet: QuietOption = False,
) -> None:
    """Check contribution files and tables against ACLED's rules and across records.

    A CSV whose header names all 31 ACLED columns (an export, a release's events.csv) is a
    table, checked as it stands like a Parquet table; any other CSV is a contribution file
    (derived columns filled when left out). Exit 0 when every record is valid (warnings
    allowed), 1 when any is rejected, 2 on a usage error. The last line of the report reads
    "N records: A valid, R rejected, W warnings".
    """
    from conflictkit.builders.validation import validate_paths
    from conflictkit.problems import render

    changes = "required" if diff_json else "if-dataset" if fmt == "github" else "none"
    with progress(fmt, quiet) as say:
        result = validate_paths(paths, release=release, dataset=dataset, strict=strict,
                                max_file_mb=max_file_mb, changes=changes, diff_json=diff_json,
                                progress=say)
    if fmt == "json":
        emit_json(result.report.to_dict())
    elif fmt == "github":
        show(render.github(result.report))
        append_step_summary(result.step_summary(diff_json))
    else:
        show(render.text(result.report, color=colour()))
    done(result.report.ok)


@ids_app.command("assign")
def ids_assign_command(
    dataset: Annotated[Path, _arg("DATASET", "The dataset repository (its folder).")],
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Show the IDs that would be assigned; write nothing.")] = False,
    release: Annotated[Path | None, typer.Option(
        "--release", help="Release whose IDs (and deleted IDs) must not be reused; default: "
        "the dataset's latest.")] = None,
    fmt: FormatOption = "text",
    quiet: QuietOption = False,
) -> None:
    """Give every event without event_id_cnty the next free number for its country's prefix.

    Numbers never reuse one seen in the dataset's files, its imports/ or its latest release
    (events and deletions). IDs are written into the files in place: comments, key order,
    quoting and formatting are kept, each file replaced atomically. Events with a missing or
    unknown country are reported and left without an ID (exit 1).
    """
    from conflictkit.builders.ids import assign_ids

    result = assign_ids(dataset, release=release, dry_run=dry_run)
    emit_json(result.to_dict()) if fmt == "json" else show(result.text(quiet=quiet))
    done(result.report.ok)


@app.command("init")
def init_command(
    directory: Annotated[Path, _arg("DIRECTORY", "Folder for the dataset (new or empty).")],
    name: Annotated[str | None, typer.Option(
        "--name", help="Machine name of the dataset (lower case, digits, . _ -); default: from "
        "the folder name.")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Allow a non-empty folder; existing files are kept.")] = False,
    fmt: FormatOption = "text",
    quiet: QuietOption = False,
) -> None:
    """Scaffold a dataset repository: conflictkit.toml, events/ (with an example), reference/,
    articles/, CONTRIBUTING.md, a GitHub workflow that validates pull requests, and a pre-commit
    configuration."""
    from conflictkit.builders.scaffold import init_dataset

    result = init_dataset(directory, name=name, force=force)
    if fmt == "json":
        emit_json(result.to_dict())
    elif not quiet:
        show(result.text())


@app.command("import")
def import_command(
    source: Annotated[ImportFormat, _arg("FORMAT", "What the file is: " + "; ".join(
        f"{f.name}: {f.label}" for f in FORMATS) + ".")],
    file: Annotated[Path, _arg("FILE", "The export: CSV/TSV (any encoding) or XLSX.")],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Write accepted events to OUT (Parquet, ACLED columns), their "
        "provenance to OUT.provenance.parquet and every repair with its original value to "
        "OUT.repairs.parquet; without it, only report.")] = None,
    today: Annotated[str | None, typer.Option(
        "--today", help="Dates after this day (YYYY-MM-DD) are in the future; default: today "
        "(UTC).")] = None,
    fmt: FormatOption = "text",
    quiet: QuietOption = False,
) -> None:
    """Convert an existing export (ACLED of any era, UCDP GED) into canonical events.

    Every record ends up accepted or rejected with its file, line, column, problem and value.
    Exit 0 when every record was accepted (warnings allowed), 1 when any was rejected or the
    file is not of that kind, 2 on a usage error.
    """
    from conflictkit.builders.importers.output import import_file

    with progress(fmt, quiet) as say:
        result = import_file(source, file, out=out, today=today, progress=say)
    if fmt == "json":
        emit_json(result.to_dict())
    else:
        show(result.text(str(file), color=colour()))
        status(result.status(), quiet or not result.written)
    done(result.report.ok)


@app.command("release")
def release_command(
    dataset: Annotated[Path, _arg("DATASET", "The dataset repository (its folder).")],
    version: Annotated[str, typer.Option(
        "--version", "-V", show_default=False, help="Release version: a semantic version "
        "(1.2.0) or a date (2024-05-01); must sort after the existing ones.")],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Output root; the release goes to OUT/VERSION/. Default: [release] "
        "directory of conflictkit.toml (releases/).")] = None,
    timestamp: Annotated[str | None, typer.Option(
        "--timestamp", help="Release time (Unix seconds or ISO 8601) given to new and modified "
        "events; default $SOURCE_DATE_EPOCH, else now.")] = None,
    partition: Annotated[Literal["auto", "year", "none"] | None, typer.Option(
        "--partition", help="events.parquet (none), events/year=YYYY/ (year), or year above 2M "
        "events (auto). Default: conflictkit.toml, else auto.")] = None,
    fmt: FormatOption = "text",
    quiet: QuietOption = False,
) -> None:
    """Build an immutable release DATASET/releases/VERSION/ from every reviewed event.

    Candidates (status: candidate) are left out and counted. Invalid events refuse the release
    with the same report as `validate` (exit 1); an existing version, a broken previous release
    or a failed write is exit 1 with nothing published.
    """
    from conflictkit.builders.release.build import ReleaseRefused
    from conflictkit.builders.release.gather import release_dataset

    try:
        with progress(fmt, quiet) as say:
            result = release_dataset(dataset, version=version, out=out, timestamp=timestamp,
                                     partition=partition, progress=say)
    except ReleaseRefused as exc:
        emit_json(exc.report.to_dict()) if fmt == "json" else show(
            exc.text(version, color=colour()))
        done(False)
    emit_json(result.to_dict()) if fmt == "json" else show(result.text())


@app.command("verify")
def verify_command(
    release: Annotated[Path, _arg("RELEASE", "A release directory.")],
    fmt: FormatOption = "text",
    quiet: QuietOption = False,
) -> None:
    """Recompute a release's checksums, row counts and schemas; exit 1 naming any file that
    differs from what was published."""
    from conflictkit.builders.release.verify import verify_release

    result = verify_release(release)
    emit_json(result.to_dict()) if fmt == "json" else show(result.text(quiet=quiet))
    done(result.ok)


@app.command("diff")
def diff_command(
    old: Annotated[Path, _arg("OLD", "The older release directory.")],
    new: Annotated[Path, _arg("NEW", "The newer release directory.")],
    limit: Annotated[int | None, typer.Option(
        "--limit", min=0, show_default=False, help="List at most this many events per section "
        "(default: 200 in text, 20 in markdown; json lists all).")] = None,
    fmt: Annotated[Literal["text", "json", "markdown"], typer.Option(
        "--format", "-f", help="text, json (one document on stdout) or markdown (counts by "
        "country and event type, fatalities and the first events: what a pull request's "
        "check shows)")] = "text",
    quiet: QuietOption = False,
) -> None:
    """Events added, deleted and modified between two releases, with each modification's
    changed fields (old -> new)."""
    from conflictkit.builders.release.diff import diff_releases

    result = diff_releases(old, new)
    if fmt == "json":
        emit_json(result.to_dict())
    else:
        show(result.markdown(limit) if fmt == "markdown" else result.text(limit))


@app.command("info")
def info_command(
    release: Annotated[Path, _arg("RELEASE", "A release directory.")],
    fmt: FormatOption = "text",
    quiet: QuietOption = False,
) -> None:
    """Summarise a release: events by country, year and event type."""
    from conflictkit.builders.release.info import info_text, release_info

    info = release_info(release)
    emit_json(info) if fmt == "json" else show(info_text(info))


@app.command("report")
def report_command(
    release: Annotated[Path, _arg("RELEASE", "A release directory.")],
    out: Annotated[Path, typer.Option(
        "--output", "-o", help="The HTML file to write (replaced atomically).")] = Path(
            "report.html"),
    previous: Annotated[Path | None, typer.Option(
        "--previous", help="An earlier release of the same dataset: the page then shows what "
        "was added, modified and deleted since, by country and event type.")] = None,
    fmt: FormatOption = "text",
    quiet: QuietOption = False,
) -> None:
    """Write one self-contained HTML page about a release: headline counts, events and
    fatalities per month, a map, top countries, admin1 units and actors, disorder types and
    source scales, data quality and changes. The page needs no network and no script."""
    from conflictkit.builders.report import write_report

    with progress(fmt, quiet) as say:
        result = write_report(release, out, previous=previous, progress=say)
    emit_json(result.to_dict()) if fmt == "json" else status(result.status(), quiet)


@app.command("extract")
def extract_command(
    articles: Annotated[list[str], _arg(
        "ARTICLE", "Article files (plain text or HTML); '-' reads stdin. A header block "
        "(title:, date:, url:, outlet:) may precede the text.")],
    published: Annotated[str | None, typer.Option(
        "--published", help="Publication date (YYYY-MM-DD); relative dates resolve against "
        "it. Default: the article's header.")] = None,
    source: Annotated[str | None, typer.Option(
        "--source", help="The outlet, e.g. 'Deutsche Welle'.")] = None,
    url: Annotated[str | None, typer.Option("--url", help="The article's URL.")] = None,
    fmt: Annotated[Literal["yaml", "json"], typer.Option(
        "--format", "-f", help="yaml or json contribution records")] = "yaml",
    out: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the records to this file instead of stdout.")] = None,
    extractor: Annotated[Literal["rules", "llm"], typer.Option(
        "--extractor", help="rules (offline, default) or llm (an OpenAI-compatible endpoint: "
        "CONFLICTKIT_LLM_BASE_URL, _MODEL, _API_KEY)")] = "rules",
    quiet: QuietOption = False,
) -> None:
    """Propose candidate ACLED events from news articles, each field traced to its sentence.

    Output is a contribution file (status: candidate) that `conflictkit validate` checks.
    Exit 0 when every article was read (even with no event in it), 1 when one could not be
    read, 2 on a usage error.
    """
    from conflictkit.builders.extract.output import dump
    from conflictkit.builders.extract.run import extract_paths

    run = extract_paths(articles, published=published, source=source, url=url,
                        extractor=extractor, stdin=sys.stdin.buffer)
    typer.echo(run.text(quiet=quiet), nl=False, err=True)
    deliver(dump(run.records, fmt), out, what=f"{len(run.records)} records", quiet=quiet)
    done(not run.errors)


@app.command("codebook")
def codebook_command(
    fmt: Annotated[Literal["markdown", "datapackage", "jsonschema", "problems",
                           "problems-json"], typer.Option(
        "--format", "-f", help="markdown (the codebook), datapackage (Frictionless v2 package "
        "of the events table), jsonschema (a contribution file, for editors), problems or "
        "problems-json (every problem code a report can carry)")] = "markdown",
    out: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write to this file instead of stdout.")] = None,
    quiet: QuietOption = False,
) -> None:
    """Print the documentation generated from the schema and the problem catalogue."""
    from conflictkit.schema.codebook import document

    deliver(document(fmt), out, what=fmt, quiet=quiet, usage=True)


def main() -> None:
    """Console entry point."""
    run(app)


if __name__ == "__main__":
    main()
