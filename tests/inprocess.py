"""The real entry point run in the test's own process (fast, and coverage sees it)."""

from __future__ import annotations

import sys

import pytest

from conflictkit.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    """``conflictkit ARGS``; returns (exit code, stdout, stderr)."""
    old = sys.argv
    sys.argv = ["conflictkit", *map(str, args)]
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        sys.argv = old
    out, err = capsys.readouterr()
    return code, out, err
