"""The terminal side of the command line: which stream gets what, colour, exit codes, and
errors as messages (as JSON when the command line asked for JSON). `conflictkit.cli` declares
the commands and calls these; together they are the only code that prints or exits.

- a command's report goes to stdout (text, or one JSON document), so pipes and redirection
  work; status and progress lines go to stderr and ``-q`` silences them;
- colour only on a terminal, never with NO_COLOR set (https://no-color.org);
- exit 0 success, 1 bad data, 2 bad usage, never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path
from typing import Any

import typer

from conflictkit.atomic import write_atomic
from conflictkit.errors import ConflictkitError, UsageError

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def colour() -> bool:
    """Whether stdout may carry colour: a terminal, and NO_COLOR unset."""
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def show(text: str) -> None:
    """A command's report: stdout."""
    typer.echo(text, nl=False, color=colour())


def status(text: str, quiet: bool = False) -> None:
    """A status line: stderr, unless quiet."""
    if not quiet:
        typer.echo(text, err=True)


def emit_json(document: Any) -> None:
    """One JSON document on stdout."""
    typer.echo(json_text(document))


def json_text(document: Any) -> str:
    """The document indented by two spaces, except that a list of flat objects (a report's
    problems) puts each object on one line: the standard library encodes indented JSON in
    Python, ~50x slower than its C encoder, which a report of 100k problems makes seconds."""
    compact = json.JSONEncoder(ensure_ascii=False, default=str).encode  # one encoder for all

    def flat(value: Any) -> bool:
        return isinstance(value, dict) and not any(isinstance(v, dict | list)
                                                   for v in value.values())

    if not isinstance(document, dict):
        return json.dumps(document, ensure_ascii=False, indent=2, default=str)
    parts = []
    for key, value in document.items():
        if isinstance(value, list) and value and all(flat(v) for v in value):
            items = ",\n".join("    " + compact(v) for v in value)
            text = "[\n" + items + "\n  ]"
        else:
            text = json.dumps(value, ensure_ascii=False, indent=2, default=str)
            text = text.replace("\n", "\n  ")
        parts.append(f"  {compact(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}" if parts else "{}"


def done(ok: bool) -> None:
    """Exit 0 when the data was fine, 1 when it was not."""
    raise typer.Exit(EXIT_OK if ok else EXIT_INVALID)


class Progress:
    """A progress line on stderr for long work: a spinner, the current step and the elapsed
    time, shown only once the work has taken about a second (quick commands stay silent) and
    erased when it ends. Call it with each step's name; use it as a context manager."""

    #: seconds before anything is shown
    DELAY = 1.0

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._step = "working"
        self._live: Any = None
        self._task: Any = None
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def __call__(self, step: str) -> None:
        if not self.enabled:
            return
        with self._lock:
            self._step = step
            if self._live is not None:
                self._live.update(self._task, description=step)

    def _open(self) -> None:
        from rich.console import Console
        from rich.progress import Progress as Bar
        from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

        with self._lock:
            if not self.enabled:
                return
            console = Console(stderr=True, no_color="NO_COLOR" in os.environ)
            self._live = Bar(SpinnerColumn(), TextColumn("{task.description}"),
                             TimeElapsedColumn(), console=console, transient=True)
            self._live.start()
            self._task = self._live.add_task(self._step, total=None)

    def __enter__(self) -> Progress:
        if self.enabled:
            self._timer = threading.Timer(self.DELAY, self._open)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            self.enabled = False
            if self._live is not None:
                self._live.stop()
                self._live = None


def progress(fmt: str, quiet: bool) -> Progress:
    """A progress line for a terminal, with text output and not quiet (else it shows nothing)."""
    return Progress(enabled=not quiet and fmt == "text" and sys.stderr.isatty())


def write_output(text: str, out: Path, *, usage: bool = False) -> None:
    """`text` into the file a user named; a failure names the file (exit 2 when the path is
    the user's mistake, else 1)."""
    try:
        write_atomic(out, text.encode("utf-8"))
    except OSError as exc:
        error = UsageError if usage else ConflictkitError
        raise error(f"cannot write {out}: {exc.strerror or exc}") from None


def deliver(text: str, out: Path | None, *, what: str, quiet: bool = False,
            usage: bool = False) -> None:
    """`text` on stdout, or into the file ``out`` with a status line saying ``what`` went
    there (a write failure is exit 2 with ``usage``, else 1)."""
    if out is None:
        typer.echo(text, nl=False)
        return
    write_output(text, out, usage=usage)
    status(f"wrote {what} to {out}", quiet)


def append_step_summary(markdown: str) -> None:
    """Add to the GitHub Actions step summary, when the run has one."""
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(markdown)


def _wants_json(argv: list[str]) -> bool:
    """Whether the command line asked for --format json (errors are then JSON too)."""
    pairs = zip(argv, [*argv[1:], ""], strict=True)
    return "--format=json" in argv or any(a in ("--format", "-f") and b == "json"
                                         for a, b in pairs)


def _fail(message: str, code: int) -> None:
    if _wants_json(sys.argv[1:]):
        emit_json({"ok": False, "error": {"exit": code, "message": message}})
    else:
        typer.echo(f"error: {message}", err=True)
    sys.exit(code)


def run(app: typer.Typer) -> None:
    """Run the app, turning every error into a message and an exit code."""
    try:
        # with standalone_mode=False click returns (not raises) a command's typer.Exit code
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else EXIT_OK)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except UsageError as exc:
        _fail(str(exc), EXIT_USAGE)
    except ConflictkitError as exc:
        _fail(str(exc), EXIT_INVALID)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except typer.Abort:
        _fail("aborted", EXIT_INVALID)
    except typer.exceptions.TyperException as exc:  # click's usage errors: exit 2
        if _wants_json(sys.argv[1:]):
            _fail(exc.format_message(), getattr(exc, "exit_code", EXIT_USAGE))
        exc.show()  # type: ignore[attr-defined]
        sys.exit(getattr(exc, "exit_code", EXIT_USAGE))
    except Exception as exc:  # noqa: BLE001 - the promise is "never a traceback"
        if os.environ.get("CONFLICTKIT_DEBUG"):
            raise
        _fail(f"unexpected {type(exc).__name__}: {exc} (set CONFLICTKIT_DEBUG=1 for details, "
              "and please report it)", EXIT_INVALID)
