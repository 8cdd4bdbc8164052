"""`conflictkit init` end to end, and the pre-commit hook this repository publishes."""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from conflictkit.builders.ids import assign_ids
from conflictkit.builders.scaffold import dataset_name, init_dataset
from conflictkit.cli import main
from conflictkit.schema.columns import COLUMN_NAMES, DERIVED_COLUMNS
from conflictkit.schema.vocab import ALL_SUB_EVENT_TYPES, INTER_LABELS

REPO = Path(__file__).resolve().parents[1]
EXPECTED_FILES = {
    "conflictkit.toml", "CONTRIBUTING.md", "README.md", ".gitignore", ".pre-commit-config.yaml",
    ".github/workflows/validate.yml", "events/example.yaml", "reference/actors.csv",
    "reference/places.csv", "reference/README.md", "articles/README.md",
    ".vscode/settings.json", ".vscode/extensions.json", ".conflictkit/contribution.schema.json",
}


def run_cli(args: list[str], monkeypatch, capsys) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["conflictkit", *args])
    with pytest.raises(SystemExit) as stop:
        main()
    out = capsys.readouterr()
    return int(stop.value.code or 0), out.out, out.err


def test_init_creates_a_complete_repository(tmp_path: Path, monkeypatch, capsys) -> None:
    target = tmp_path / "Sahel Events"
    code, out, _ = run_cli(["init", str(target), "--format", "json"], monkeypatch, capsys)
    assert code == 0
    document = json.loads(out)
    assert set(document["created"]) == EXPECTED_FILES
    assert document["name"] == "sahel-events"
    files = {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}
    assert files == EXPECTED_FILES
    for leftover in target.rglob("*"):
        if leftover.is_file():
            text = leftover.read_text(encoding="utf-8")
            assert not re.search(r"(?<!\$)\{\{\s*[a-z_]+\s*\}\}", text), leftover


def test_config_names_the_dataset_and_release_settings(tmp_path: Path) -> None:
    init_dataset(tmp_path / "x", name="west-africa.v2")
    config = tomllib.loads((tmp_path / "x" / "conflictkit.toml").read_text())
    dataset = config["dataset"]
    assert dataset["name"] == "west-africa.v2"
    assert dataset["title"] == "West Africa V2"
    assert dataset["licence"] and dataset["citation"]
    assert config["release"]["directory"] == "releases"
    assert config["release"]["include_candidates"] is False


def test_workflow_validates_every_pull_request(tmp_path: Path) -> None:
    init_dataset(tmp_path)
    workflow = yaml.safe_load((tmp_path / ".github/workflows/validate.yml").read_text())
    # YAML 1.1 reads the key `on` as True
    triggers = workflow.get("on", workflow.get(True))
    assert "pull_request" in triggers
    steps = workflow["jobs"]["validate"]["steps"]
    commands = "\n".join(step.get("run", "") for step in steps)
    assert "pip install" in commands
    assert "conflictkit validate events --format github" in commands


def test_pre_commit_config_runs_validate_on_event_files(tmp_path: Path) -> None:
    init_dataset(tmp_path)
    config = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text())
    hook = config["repos"][0]["hooks"][0]
    assert hook["id"] == "conflictkit-validate"
    # the changed files are checked against the rest of the dataset (test_validate_dataset.py)
    assert hook["entry"] == "conflictkit validate --dataset ."
    assert re.search(hook["files"], "events/2024/a.yaml")


def test_repository_publishes_the_pre_commit_hook() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "conflictkit-validate")
    assert hook["language"] == "python"
    assert hook["entry"] == "conflictkit validate --dataset ."
    files = re.compile(hook["files"])
    for path in ("events/a.yaml", "events/x/b.yml", "events/c.csv", "events/2024/d.json"):
        assert files.search(path), path
    for path in ("docs/a.yaml", "events/readme.md", "README.md", "myevents/a.yaml"):
        assert not files.search(path), path


def test_contributing_guide_is_generated_from_the_schema(tmp_path: Path) -> None:
    init_dataset(tmp_path)
    guide = (tmp_path / "CONTRIBUTING.md").read_text()
    for column in COLUMN_NAMES:
        assert f"`{column}`" in guide
    for column in DERIVED_COLUMNS:
        assert re.search(rf"\| `{column}` \| derived \|", guide)
    for sub_event in ALL_SUB_EVENT_TYPES:
        assert f"| {sub_event} |" in guide
    for label in INTER_LABELS.values():
        assert label in guide
    assert "`source_url`" in guide and "`coder`" in guide
    assert "conflictkit ids assign" in guide


def test_refuses_a_non_empty_directory_unless_forced(tmp_path: Path, monkeypatch,
                                                     capsys) -> None:
    (tmp_path / "README.md").write_text("mine\n")
    code, _, err = run_cli(["init", str(tmp_path)], monkeypatch, capsys)
    assert code == 2
    assert "not empty" in err
    assert not (tmp_path / "conflictkit.toml").exists()
    code, out, err = run_cli(["init", str(tmp_path), "--force"], monkeypatch, capsys)
    assert code == 0
    assert (tmp_path / "README.md").read_text() == "mine\n"  # kept, not overwritten
    assert "kept" in out and (tmp_path / "conflictkit.toml").is_file()


def test_bad_arguments_are_usage_errors(tmp_path: Path, monkeypatch, capsys) -> None:
    code, _, err = run_cli(["init", str(tmp_path / "d"), "--name", "Not A Name"], monkeypatch,
                           capsys)
    assert code == 2 and "invalid dataset name" in err
    (tmp_path / "file").write_text("x")
    code, _, err = run_cli(["init", str(tmp_path / "file")], monkeypatch, capsys)
    assert code == 2 and "not a directory" in err


def test_dataset_name_slugs() -> None:
    assert dataset_name("My Dataset (2024)") == "my-dataset-2024"
    assert dataset_name("---") == "dataset"
    assert dataset_name("acled_subset.v1") == "acled_subset.v1"


def test_new_repository_works_with_ids_assign(tmp_path: Path) -> None:
    init_dataset(tmp_path)
    example = tmp_path / "events" / "example.yaml"
    text = example.read_text().replace("event_id_cnty: DEU1\n", "")
    (tmp_path / "events" / "second.yaml").write_text(text)
    result = assign_ids(tmp_path)
    assert [a.event_id for a in result.assignments] == ["DEU900000001"]  # own range
    assert result.report.ok


def test_example_event_validates(tmp_path: Path, monkeypatch, capsys) -> None:
    pytest.importorskip("conflictkit.schema.validate")
    pytest.importorskip("conflictkit.builders.contributions")
    init_dataset(tmp_path / "ds")
    code, out, err = run_cli(["validate", str(tmp_path / "ds"), "--format", "json"],
                             monkeypatch, capsys)
    document = json.loads(out)
    assert code == 0, err + out
    assert document["summary"]["records"] == 1
    assert document["summary"]["warnings"] == 0
