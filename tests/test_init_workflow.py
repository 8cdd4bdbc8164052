"""The workflow `conflictkit init` writes installs the conflictkit that wrote it: from the
package index when it came from one, from the recorded source otherwise (PEP 610
direct_url.json), and when no runner can reach that source it says what to fill in and its
install step fails with that message. The distribution's metadata is faked; the workflow's
install step is run by bash with a stand-in `python` that records what pip was asked for."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conflictkit.builders import installed
from conflictkit.builders.installed import install_source
from conflictkit.builders.scaffold import init_dataset

GIT_COMMIT = "3f2a1b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a"


class FakeDistribution:
    """An installed distribution as importlib.metadata shows it: a version and, unless it came
    from an index, a direct_url.json."""

    def __init__(self, version: str, direct_url: dict | str | None) -> None:
        self.version = version
        self._direct_url = direct_url

    def read_text(self, filename: str) -> str | None:
        if filename != "direct_url.json" or self._direct_url is None:
            return None
        return self._direct_url if isinstance(self._direct_url, str) else json.dumps(
            self._direct_url)


INDEX = FakeDistribution("0.3.1", None)
VCS = FakeDistribution("0.3.2.dev4", {
    "url": "https://ghp_secrettoken@github.com/example-org/conflictkit.git",
    "vcs_info": {"vcs": "git", "requested_revision": "main", "commit_id": GIT_COMMIT}})
LOCAL = FakeDistribution("0.3.2", {"url": "file:///home/someone/src/conflictkit",
                                   "dir_info": {"editable": True}})


def write_workflow(tmp_path: Path, monkeypatch, distribution: FakeDistribution) -> dict:
    """init a dataset with `distribution` as the installed conflictkit; its parsed workflow."""
    monkeypatch.setattr(installed.metadata, "distribution", lambda name: distribution)
    root = tmp_path / "ds"
    init_dataset(root)
    text = (root / ".github/workflows/validate.yml").read_text()
    assert "secrettoken" not in text and "/home/someone" not in text  # nothing private
    return {"text": text, **yaml.safe_load(text)}


def run_install_step(workflow: dict, tmp_path: Path) -> tuple[subprocess.CompletedProcess, str]:
    """The "Install conflictkit" step as a runner runs it (bash -eo pipefail, the workflow's
    env), with `python` replaced by a script that records its arguments."""
    step = next(s for s in workflow["jobs"]["validate"]["steps"]
                if s.get("name") == "Install conflictkit")
    stand_in = tmp_path / "bin"
    stand_in.mkdir()
    record = tmp_path / "pip-args"
    (stand_in / "python").write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {record}\n')
    (stand_in / "python").chmod(0o755)
    env = {"PATH": f"{stand_in}{os.pathsep}{os.environ['PATH']}",
           **{k: str(v) for k, v in workflow["env"].items()}}
    result = subprocess.run([shutil.which("bash") or "bash", "--noprofile", "--norc", "-eo",
                             "pipefail", "-c", step["run"]], env=env, capture_output=True,
                            text=True, timeout=60)
    return result, record.read_text() if record.exists() else ""


def test_index_install_pins_the_version(tmp_path: Path, monkeypatch) -> None:
    workflow = write_workflow(tmp_path, monkeypatch, INDEX)
    assert workflow["env"]["CONFLICTKIT"] == "conflictkit==0.3.1"
    assert "installed from a package index" in workflow["text"]
    result, pip = run_install_step(workflow, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert pip.splitlines() == ["-m", "pip", "install", "conflictkit==0.3.1"]


def test_vcs_install_installs_the_same_commit_without_credentials(tmp_path: Path,
                                                                  monkeypatch) -> None:
    workflow = write_workflow(tmp_path, monkeypatch, VCS)
    requirement = ("conflictkit @ git+https://github.com/example-org/conflictkit.git"
                   f"@{GIT_COMMIT}")
    assert workflow["env"]["CONFLICTKIT"] == requirement
    result, pip = run_install_step(workflow, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert pip.splitlines() == ["-m", "pip", "install", requirement]


def test_local_install_says_what_to_fill_in_and_the_step_fails(tmp_path: Path,
                                                               monkeypatch) -> None:
    workflow = write_workflow(tmp_path, monkeypatch, LOCAL)
    assert workflow["env"]["CONFLICTKIT"] == ""
    comment = workflow["text"].split("CONFLICTKIT:")[0]
    assert "installed from a local folder (editable)" in comment
    assert "cannot install it from there" in comment
    assert '"conflictkit==0.3.2"' in comment and "git+https://github.com/OWNER" in comment
    result, pip = run_install_step(workflow, tmp_path)
    assert result.returncode == 1
    assert pip == ""  # pip is never asked to install nothing
    assert result.stdout.startswith("::error file=.github/workflows/validate.yml::CONFLICTKIT "
                                    "is empty: set it")
    # filling it in is all it takes
    workflow["env"]["CONFLICTKIT"] = "conflictkit==0.3.2"
    shutil.rmtree(tmp_path / "bin")
    result, pip = run_install_step(workflow, tmp_path)
    assert result.returncode == 0 and pip.splitlines()[-1] == "conflictkit==0.3.2"


@pytest.mark.parametrize("direct_url,kind,requirement", [
    ({"url": "https://files.example.org/conflictkit-0.3.2-py3-none-any.whl",
      "archive_info": {"hashes": {"sha256": "ab" * 32}}}, "archive",
     "conflictkit @ https://files.example.org/conflictkit-0.3.2-py3-none-any.whl#sha256="
     + "ab" * 32),
    ({"url": "file:///tmp/dist/conflictkit-0.3.2-py3-none-any.whl", "archive_info": {}},
     "local", ""),
    ({"url": "ssh://git@github.com/example-org/conflictkit.git",
      "vcs_info": {"vcs": "git", "commit_id": GIT_COMMIT}, "subdirectory": "python"}, "vcs",
     f"conflictkit @ git+https://github.com/example-org/conflictkit.git@{GIT_COMMIT}"
     "#subdirectory=python"),
    ({"url": "file:///home/someone/conflictkit", "vcs_info": {"vcs": "git",
                                                             "commit_id": GIT_COMMIT}},
     "local", ""),
    ("{not json", "unknown", ""),
])
def test_other_recorded_sources(direct_url, kind, requirement) -> None:
    source = install_source(FakeDistribution("0.3.2", direct_url))
    assert (source.kind, source.requirement) == (kind, requirement)


def test_the_real_installation_is_recognised() -> None:
    # this checkout is installed editable (make install-dev): a local folder, nothing to pin
    source = install_source()
    assert source.kind in ("local", "index", "vcs", "archive")
    if source.kind == "local":
        assert source.requirement == ""


def test_the_validate_step_publishes_the_changes(tmp_path: Path, monkeypatch) -> None:
    workflow = write_workflow(tmp_path, monkeypatch, INDEX)
    steps = workflow["jobs"]["validate"]["steps"]
    validate = next(s for s in steps if s.get("name") == "Validate events")
    assert "conflictkit validate events --format github" in validate["run"]
    assert '--diff-json "$RUNNER_TEMP/conflictkit-changes.json"' in validate["run"]
    upload = next(s for s in steps if str(s.get("uses", "")).startswith(
        "actions/upload-artifact@"))
    # kept even when validation fails (that is when a reviewer wants it)
    assert upload["if"] == "${{ !cancelled() }}"
    assert upload["with"]["path"] == "${{ runner.temp }}/conflictkit-changes.json"
    assert upload["with"]["if-no-files-found"] == "ignore"  # no release yet: no file
