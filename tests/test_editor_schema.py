"""The editor schema works where editors read it: `init` writes it and wires VS Code and
yaml-language-server to it, and check-jsonschema (ECMA-262 regexes, as editors) accepts every
good example and rejects each bad one at the property, and for the rule, that `conflictkit
validate` names."""

from __future__ import annotations

import fnmatch
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest
from test_examples import BAD, DATASET, EXAMPLES

from conflictkit.builders.scaffold import init_dataset
from conflictkit.layout.dataset import EDITOR_SCHEMA
from conflictkit.schema.codebook import contribution_json_schema, document

jsonschema = pytest.importorskip("jsonschema")

# bad example -> (where check-jsonschema must report it, the rule the schema names: None where
# plain JSON Schema keywords say it, additionalProperties or an enum)
EDITOR_BAD: dict[str, tuple[str, str | None]] = {
    "wrong-sub-event.yaml": ("$.sub_event_type", "sub_event_of_event_type"),
    "wrong-disorder-type.yaml": ("$.disorder_type", "disorder_of_sub_event"),
    "wrong-region.yaml": ("$.region", "region_of_country"),
    "inter-without-actor.json": ("$.events[0].inter2", "inter_blank_iff_actor_blank"),
    "bad-source-scale.yaml": ("$.source_scale", "list_tokens"),
    "bad-event-id.yaml": ("$.event_id_cnty", "id_pattern"),
    "bad-date.json": ("$[0].event_date", "type"),
    "typo-key.yaml": ("$", None),
    "impossible-interaction.yaml": ("$.interaction", None),
}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("editor") / "ds"
    init_dataset(root)
    return root


def check_jsonschema(schema: Path, files: list[Path]) -> dict:
    """check-jsonschema's JSON report on `files` (run as editors' rules: its default ECMA-262
    regex engine in unicode mode)."""
    run = subprocess.run([sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema),
                          "-o", "json", *map(str, files)],
                         capture_output=True, text=True, check=False, timeout=120)
    assert run.returncode in (0, 1), run.stderr
    report = json.loads(run.stdout)
    assert not report.get("parse_errors"), report["parse_errors"]
    return report


def yaml_documents(path: Path, folder: Path) -> list[Path]:
    """A multi-document YAML file as one file per document (check-jsonschema reads one
    document a file; yaml-language-server checks each document of a file on its own)."""
    text = path.read_text(encoding="utf-8")
    parts = [p for p in re.split(r"(?m)^---[ \t]*$", text) if re.search(r"(?m)^\w", p)]
    if len(parts) <= 1:
        return [path]
    out = []
    for i, part in enumerate(parts):
        out.append(folder / f"{path.stem}-{i}.yaml")
        out[-1].write_text(part, encoding="utf-8")
    return out


# --------------------------------------------------------------------------------- init wiring


def test_init_writes_the_schema_codebook_prints(dataset: Path) -> None:
    written = dataset / EDITOR_SCHEMA
    assert written.read_text(encoding="utf-8") == document("jsonschema")
    # the example dataset carries the same file: regenerate it when the schema changes
    # (`conflictkit codebook --format jsonschema -o examples/dataset/.conflictkit/...`)
    assert (DATASET / EDITOR_SCHEMA).read_text(encoding="utf-8") == document("jsonschema")


def test_the_id_resolves_to_the_schema_file_itself(dataset: Path) -> None:
    """`$id` is relative: against the file's own URI (what VS Code, yaml-language-server and
    check-jsonschema read it from) it names that file, on any checkout, offline."""
    location = (dataset / EDITOR_SCHEMA).resolve().as_uri()
    assert urljoin(location, contribution_json_schema()["$id"]) == location


def test_vscode_maps_every_event_file_to_the_schema(dataset: Path) -> None:
    settings = json.loads((dataset / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    schema_path = "./" + EDITOR_SCHEMA
    assert (dataset / schema_path).is_file()
    yaml_globs = settings["yaml.schemas"][schema_path]
    (json_entry,) = settings["json.schemas"]
    assert json_entry["url"] == schema_path
    for name, globs in (("events/a.yaml", yaml_globs), ("events/2024/x/b.yml", yaml_globs),
                        ("events/2024/c.json", json_entry["fileMatch"])):
        assert any(fnmatch.fnmatch(name, g.replace("**/", "*")) or fnmatch.fnmatch(name, g)
                   for g in globs), (name, globs)
    extensions = json.loads((dataset / ".vscode" / "extensions.json").read_text())
    assert "redhat.vscode-yaml" in extensions["recommendations"]


def test_the_example_event_names_its_schema_for_yaml_language_server(dataset: Path) -> None:
    example = dataset / "events" / "example.yaml"
    first = example.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, first
    assert (example.parent / match[1]).resolve() == (dataset / EDITOR_SCHEMA).resolve()


def test_the_schema_file_is_never_read_as_events(dataset: Path, monkeypatch, capsys) -> None:
    from conflictkit.cli import main

    monkeypatch.setattr(sys, "argv", ["conflictkit", "validate", str(dataset), "--format",
                                      "json"])
    with pytest.raises(SystemExit) as stop:
        main()
    report = json.loads(capsys.readouterr().out)
    assert stop.value.code == 0 and report["summary"]["files"] == 1  # events/example.yaml


# ------------------------------------------------------------------------- check-jsonschema


def test_check_jsonschema_accepts_the_schema_itself(dataset: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "check_jsonschema", "--check-metaschema",
                          str(dataset / EDITOR_SCHEMA)], capture_output=True, text=True,
                         check=False, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


def test_check_jsonschema_accepts_every_good_example(dataset: Path, tmp_path: Path) -> None:
    files: list[Path] = [dataset / "events" / "example.yaml"]
    for path in sorted((DATASET / "events").rglob("*")):
        if path.suffix in (".yaml", ".yml"):
            files += yaml_documents(path, tmp_path)
        elif path.suffix == ".json":
            files.append(path)
    files.append(EXAMPLES / "incoming" / "syria-damascus-2018-04-14.yaml")
    # the token with a space that Python's re.escape made unreadable for ECMA-262
    scale = tmp_path / "local-partner.yaml"
    scale.write_text((dataset / "events" / "example.yaml").read_text(encoding="utf-8").replace(
        "source_scale: International", "source_scale: Local partner-New media"))
    files.append(scale)
    assert len(files) >= 9
    report = check_jsonschema(dataset / EDITOR_SCHEMA, files)
    assert report["status"] == "ok", report["errors"]


def test_check_jsonschema_rejects_each_bad_example_for_its_reason(dataset: Path) -> None:
    bad = sorted(p for p in (EXAMPLES / "bad").iterdir() if p.suffix in (".yaml", ".json"))
    assert {p.name for p in bad} == set(EDITOR_BAD)  # every YAML/JSON bad example is here
    report = check_jsonschema(dataset / EDITOR_SCHEMA, bad)
    found: dict[str, set[str]] = {}
    for error in report["errors"]:
        found.setdefault(Path(error["filename"]).name, set()).add(error["path"])
    for name, (path, _) in EDITOR_BAD.items():
        assert found.get(name) == {path}, (name, found.get(name))  # that property and no other
        column = BAD[name][0]  # what `conflictkit validate` names
        assert path.endswith(f".{column}") or (path == "$" and any(
            column in e["message"] for e in report["errors"] if e["filename"].endswith(name)))


@pytest.mark.parametrize("name", sorted(n for n, (_, rule) in EDITOR_BAD.items() if rule))
def test_the_failing_clause_names_the_rule_validate_reports(name: str) -> None:
    """Each bad example fails a clause whose editor message names its problem code, the code
    `conflictkit validate` reports for that file."""
    schema = contribution_json_schema()
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    path = EXAMPLES / "bad" / name
    if path.suffix == ".json":
        instance = json.loads(path.read_text(encoding="utf-8"))
    else:
        import yaml

        instance = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        instance = _typed(instance)
    errors = list(validator.iter_errors(instance))
    assert errors
    rules = set()
    for error in errors:
        clause = schema
        for step in list(error.absolute_schema_path)[:-1]:
            clause = clause[step] if not (isinstance(clause, dict) and "$ref" in clause) \
                else _deref(schema, clause)[step]
        message = clause.get("errorMessage") or clause.get("patternErrorMessage") or ""
        rules.update(re.findall(r"\((\w+)\)$", message))
    assert rules == {EDITOR_BAD[name][1]} == {BAD[name][1]}, rules


def _deref(schema: dict, node: dict) -> dict:
    target = schema
    for part in node["$ref"].removeprefix("#/").split("/"):
        target = target[part]
    return target


def _typed(value):
    """YAML read as text (dates stay text, as editors read YAML 1.2), numbers made numbers."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d+\.\d+", value):
        return float(value)
    return value
