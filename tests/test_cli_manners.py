"""Command-line manners: how conflictkit behaves in a terminal, a pipe and a script."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.main import get_command

from conflictkit import console
from conflictkit.cli import app


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-m", "conflictkit", *args], capture_output=True,
                          text=True, timeout=120, env={**os.environ, **env})


def _commands() -> list[tuple[str, object]]:
    group = get_command(app)
    out = []
    for name in group.list_commands(None):  # type: ignore[arg-type]
        command = group.get_command(None, name)  # type: ignore[arg-type]
        subs = getattr(command, "commands", None)
        if subs:
            out += [(f"{name} {sub}", cmd) for sub, cmd in subs.items()]
        else:
            out.append((name, command))
    return out


def test_python_m_conflictkit_is_the_command_line() -> None:
    result = run("--help")
    assert result.returncode == 0 and "Usage: " in result.stdout
    assert "--install-completion" in result.stdout  # shell completion can be installed


@pytest.mark.parametrize("name", [name for name, _ in _commands()])
def test_every_command_is_quiet_on_request_and_its_help_is_plain(name: str) -> None:
    command = dict(_commands())[name]
    options = {opt for param in command.params for opt in param.opts}  # type: ignore[attr-defined]
    assert {"-q", "--quiet"} <= options, name
    text = run(*name.split(), "--help").stdout
    assert "<bool>" not in text and "╭" not in text, text


def test_errors_are_json_when_json_was_asked_for(tmp_path: Path) -> None:
    missing = run("validate", str(tmp_path / "nothing"), "--format", "json")
    assert missing.returncode == 2 and missing.stderr == ""
    document = json.loads(missing.stdout)
    assert document["ok"] is False and "no such file" in document["error"]["message"]
    assert document["error"]["exit"] == 2
    bad_option = run("verify", str(tmp_path), "--format", "json", "--no-such-option")
    assert bad_option.returncode == 2 and json.loads(bad_option.stdout)["ok"] is False
    plain = run("validate", str(tmp_path / "nothing"))
    assert plain.returncode == 2 and plain.stdout == "" and "error:" in plain.stderr


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert console.colour()
    monkeypatch.setenv("NO_COLOR", "1")
    assert not console.colour()
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert not console.colour()


def test_no_colour_codes_in_a_pipe(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- event_date: 2018-02-07\n  country: Syria\n")
    result = run("validate", str(bad))
    assert result.returncode == 1 and "\x1b[" not in result.stdout + result.stderr


def test_progress_shows_only_after_a_delay_and_is_gone_at_the_end(monkeypatch) -> None:
    monkeypatch.setattr(console.Progress, "DELAY", 0.05)
    with console.Progress(enabled=True) as say:
        say("quick step")
        assert say._live is None  # nothing shown for work under the delay
        time.sleep(0.3)
        say("a long step")
        assert say._live is not None
    assert say._live is None  # erased when the work ends
    with console.Progress(enabled=False) as say:
        time.sleep(0.1)
        say("never shown")
        assert say._live is None
