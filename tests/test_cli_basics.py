"""The CLI answers --help and --version instantly: without importing pandas or pandera."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conflictkit import __version__

PROBE = """
import sys
from conflictkit.cli import main
sys.argv = ["conflictkit", *{args!r}]
try:
    main()
except SystemExit:
    pass
heavy = sorted(m for m in ("pandas", "pandera", "pyarrow", "numpy") if m in sys.modules)
print("HEAVY=" + ",".join(heavy), file=sys.stderr)
"""


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PROBE.format(args=list(args))],
        capture_output=True, text=True, timeout=60,
    )


@pytest.mark.parametrize("args", [["--help"], ["--version"]])
def test_help_and_version_do_not_import_heavy_libraries(args: list[str]) -> None:
    result = _run(*args)
    assert "HEAVY=\n" in result.stderr or result.stderr.rstrip().endswith("HEAVY="), result.stderr


def test_version_prints_package_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "conflictkit.cli", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"conflictkit {__version__}"


def test_every_command_has_help() -> None:
    from typer.main import get_command

    from conflictkit.cli import app

    group = get_command(app)
    for name in group.list_commands(None):  # type: ignore[arg-type]
        result = subprocess.run(
            [sys.executable, "-m", "conflictkit.cli", *name.split(), "--help"],
            capture_output=True, text=True, timeout=60,
        )
        assert result.returncode == 0, (name, result.stderr)
        assert "Usage" in result.stdout


def test_unknown_command_is_a_usage_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "conflictkit.cli", "no-such-command"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
