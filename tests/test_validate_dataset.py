"""`conflictkit validate --dataset DIR`: the pre-commit hook passes only the changed files, and
the rest of the dataset still takes part in the cross-file rules (duplicate IDs, the latest
release's deleted IDs) without its own problems being reported."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from gusau import gusau_event

from conflictkit.builders.contributions import check_paths
from conflictkit.builders.scaffold import init_dataset
from conflictkit.errors import UsageError

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def event(id: str, date: str = "2021-06-12") -> str:
    return gusau_event(id, date)


def hook_entries() -> dict[str, list[str]]:
    """The hook's command as the dataset template and the published hook declare it."""
    template = REPO / "src/conflictkit/data/templates/dataset/dot-pre-commit-config.yaml"
    local = yaml.safe_load(template.read_text())["repos"][0]["hooks"][0]["entry"]
    published = next(h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
                     if h["id"] == "conflictkit-validate")["entry"]
    return {"template": shlex.split(local), "published": shlex.split(published)}


def run_hook(entry: list[str], root: Path, *changed: str) -> subprocess.CompletedProcess[str]:
    """What pre-commit does: the entry plus the changed files, from the repository root."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run([*entry, *changed], cwd=root, capture_output=True, text=True,
                          timeout=120, env=env)


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    root = tmp_path / "ds"
    init_dataset(root)
    (root / "events" / "example.yaml").unlink()
    (root / "events" / "2021").mkdir()
    (root / "events" / "2021" / "old.yaml").write_text(
        "# published long ago\n" + event("NIG90001") + event("NIG90002", "2021-06-13"))
    return root


@pytest.mark.parametrize("which", ["template", "published"])
def test_hook_catches_an_id_shared_with_an_unchanged_file(dataset: Path, which: str) -> None:
    (dataset / "events" / "new.yaml").write_text(event("NIG90002", "2021-07-01"))
    entry = hook_entries()[which]
    result = run_hook(entry, dataset, "events/new.yaml")
    assert result.returncode == 1, result.stdout + result.stderr
    # the changed file's record is the error, and it names where the other copy is
    assert "events/new.yaml" in result.stdout
    assert "NIG90002 is also used at events/2021/old.yaml:19" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "1 records: 0 valid, 1 rejected, 0 warnings"
    # the bare command (what the hook ran before) does not see the other file
    assert run_hook(["conflictkit", "validate"], dataset, "events/new.yaml").returncode == 0


def test_other_files_problems_are_not_reported(dataset: Path) -> None:
    # an unchanged file that is broken, and two unchanged files that share an ID: none of it
    # is the changed file's business
    (dataset / "events" / "broken.yaml").write_text("- {unclosed\n")
    (dataset / "events" / "copy.yaml").write_text(event("NIG90001", "2021-08-01"))
    (dataset / "events" / "new.yaml").write_text(event("NIG90003", "2021-07-01"))
    result = run_hook(hook_entries()["template"], dataset, "events/new.yaml")
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().splitlines()[-1] == "1 records: 1 valid, 0 rejected, 0 warnings"
    assert "broken.yaml" not in result.stdout and "copy.yaml" not in result.stdout


def test_several_changed_files_and_an_imported_batch(dataset: Path) -> None:
    imports = dataset / "imports"
    imports.mkdir()
    pq.write_table(pa.table({"event_id_cnty": ["NIG5", "NIG90004", "NIG7"]}),
                   imports / "acled.parquet")
    (dataset / "events" / "a.yaml").write_text(event("NIG90004", "2021-07-01"))
    (dataset / "events" / "b.csv").write_text("event_id_cnty,notes\nNIG90001,x\n")
    result = check_paths([dataset / "events" / "a.yaml", dataset / "events" / "b.csv"],
                         dataset=None, rest_of_dataset=True)
    duplicates = result.report.problems
    duplicates = duplicates[duplicates["rule"] == "duplicate_id"]
    by_id = dict(zip(duplicates["event_id"], duplicates["message"], strict=True))
    assert set(by_id) == {"NIG90004", "NIG90001"}
    # a batch row is named by its position in that batch; a file's record by its line
    assert "imports/acled.parquet record 1" in by_id["NIG90004"]
    assert "events/2021/old.yaml:2" in by_id["NIG90001"]
    assert result.report.records == 2  # the others are read, not counted


def test_the_given_files_are_not_their_own_others(dataset: Path) -> None:
    # the changed file is also under events/: reading the rest must skip it, by any spelling
    result = check_paths([Path(os.path.relpath(dataset / "events/2021/old.yaml"))],
                         rest_of_dataset=True)
    assert result.report.ok, result.report.problems


def test_latest_release_deletions_are_checked_with_dataset(dataset: Path) -> None:
    release = dataset / "releases" / "1.0.0"
    release.mkdir(parents=True)
    pq.write_table(pa.table({"event_id_cnty": ["NIG90001", "NIG90002"]}),
                   release / "events.parquet")
    (release / "deletions.csv").write_text("event_id_cnty,deleted_timestamp\nNIG77,1\n")
    (dataset / "events" / "new.yaml").write_text(event("NIG77", "2021-07-01"))
    result = run_hook(hook_entries()["template"], dataset, "events/new.yaml", "--format",
                      "json")
    document = json.loads(result.stdout)
    assert result.returncode == 1
    assert [p["rule"] for p in document["problems"]] == ["deleted_id_reused"]


def test_dataset_option_usage_errors(tmp_path: Path, dataset: Path) -> None:
    (dataset / "events" / "new.yaml").write_text(event("NIG90003"))
    result = run_hook(["conflictkit", "validate", "--dataset", "nowhere"], dataset,
                      "events/new.yaml")
    assert result.returncode == 2 and "nowhere" in result.stderr
    plain = tmp_path / "plain"
    plain.mkdir()
    result = run_hook(["conflictkit", "validate", "--dataset", str(plain)], dataset,
                      "events/new.yaml")
    assert result.returncode == 2 and "not a dataset repository" in result.stderr
    assert "Traceback" not in result.stderr
    with pytest.raises(UsageError):
        check_paths([plain], rest_of_dataset=True)


# --- the cheap ID read of unchanged YAML files ------------------------------------------------

SCANNED = {
    "list": event("SYR1") + event("SYR2", "2021-06-13"),
    "quoted and commented": ('- event_id_cnty: "SYR3"\n  notes: a\n'
                             "- event_id_cnty: 'SYR''4'   # edited\n  notes: b\n"
                             "- notes: c\n  event_id_cnty: SYR#5  # not first, hash inside\n"),
    "blank ids": "- event_id_cnty:\n  notes: a\n- event_id_cnty: ~\n- notes: no id at all\n",
    "wrapper and documents": ("events:\n  - event_id_cnty: SYR6\n    notes: x\n---\n"
                              "event_id_cnty: SYR7\nnotes: single\n"),
    "crlf": event("SYR8").replace("\n", "\r\n"),
    "number": "- event_id_cnty: 123\n  notes: x\n",
    "folded notes": "- event_id_cnty: SYR9\n  notes: >-\n    On 7 February, a strike.\n",
}
DECLINED = {
    "flow record": "- {event_id_cnty: SYR1, notes: x}\n",
    "mentioned in notes": "- event_id_cnty: SYR1\n  notes: the event_id_cnty was wrong\n",
    "commented out": "- event_id_cnty: SYR1\n# - event_id_cnty: SYR2\n",
    "anchor": "- event_id_cnty: &x SYR1\n",
    "escaped": '- event_id_cnty: "SYR\\u0031"\n',
    "quoted key": '- "event_id_cnty": SYR1\n',
}


def reader_ids(text: str) -> list[tuple[str, int]]:
    from conflictkit.builders.contributions.yaml_reader import read_yaml

    records = read_yaml(text, "x.yaml")
    return [(r["event_id_cnty"], records.line_of(i, ("event_id_cnty",)))
            for i, r in enumerate(records.records) if r.get("event_id_cnty") is not None]


def scanned_ids(text: str) -> list[tuple[str, int]] | None:
    from conflictkit.builders.contributions.idscan import scan_yaml_ids

    found = scan_yaml_ids(text)
    return None if found is None else [(i, n) for i, n in zip(*found, strict=True)
                                       if i is not None]


@pytest.mark.parametrize("name", sorted(SCANNED))
def test_the_id_scan_reads_what_the_reader_reads(name: str) -> None:
    text = SCANNED[name]
    assert scanned_ids(text) == reader_ids(text)


@pytest.mark.parametrize("name", sorted(DECLINED))
def test_the_id_scan_declines_what_it_cannot_vouch_for(name: str) -> None:
    assert scanned_ids(DECLINED[name]) is None


def test_the_id_scan_on_every_yaml_event_file_in_the_repository() -> None:
    files = [p for folder in ("examples", "tests/fixtures", "src/conflictkit/data/templates")
             for p in (REPO / folder).rglob("*.y*ml") if "workflows" not in p.parts
             and not p.name.startswith((".", "dot-"))]
    assert len(files) >= 8
    scanned_files = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        scanned = scanned_ids(text)
        assert scanned is None or scanned == reader_ids(text), path
        scanned_files += scanned is not None
    assert scanned_files >= 7  # the template's style (folded notes) is scanned, not parsed


def test_an_id_the_scan_imagines_is_not_reported(dataset: Path) -> None:
    # a note written as a block scalar whose line reads like the key: the scan sees an ID
    # there, the parser a note; the file is read again before it is named, and is not
    (dataset / "events" / "noted.yaml").write_text(
        "- event_id_cnty: NIG90009\n  notes: |\n    event_id_cnty: NIG90003\n")
    assert scanned_ids((dataset / "events" / "noted.yaml").read_text()) == [
        ("NIG90009", 1), ("NIG90003", 3)]
    (dataset / "events" / "new.yaml").write_text(event("NIG90003", "2021-07-01"))
    result = run_hook(hook_entries()["template"], dataset, "events/new.yaml")
    assert result.returncode == 0, result.stdout
    # while a real clash with the same file is named
    (dataset / "events" / "new.yaml").write_text(event("NIG90009", "2021-07-01"))
    result = run_hook(hook_entries()["template"], dataset, "events/new.yaml")
    assert result.returncode == 1 and "also used at events/noted.yaml:1;" in result.stdout


def test_a_declined_file_is_still_read_with_its_reader(dataset: Path) -> None:
    (dataset / "events" / "flow.yaml").write_text(
        "- {event_id_cnty: NIG90001, notes: 'a flow-style record'}\n")
    (dataset / "events" / "new.yaml").write_text(event("NIG90001", "2021-07-01"))
    result = run_hook(hook_entries()["template"], dataset, "events/new.yaml")
    assert result.returncode == 1
    assert "also used at events/2021/old.yaml:2, events/flow.yaml:1" in result.stdout


def test_imported_batches_of_one_event_are_not_duplicates(dataset: Path) -> None:
    # two pulls of one export (each with its provenance, as `conflictkit import -o` writes):
    # the same ID in both is one event, folded; a hand-coded copy of it is a duplicate
    imports = dataset / "imports"
    imports.mkdir()
    for name in ("2023.parquet", "2024.parquet"):
        ids = pa.table({"event_id_cnty": ["NIG501", "NIG502"]})
        pq.write_table(ids, imports / name)
        pq.write_table(ids, imports / name.replace(".parquet", ".provenance.parquet"))
    result = check_paths([imports / "2024.parquet"], rest_of_dataset=True)
    assert "duplicate_id" not in set(result.report.problems["rule"])
    (dataset / "events" / "new.yaml").write_text(event("NIG501", "2021-07-01"))
    result = run_hook(hook_entries()["template"], dataset, "events/new.yaml")
    assert result.returncode == 1
    assert ("NIG501 is also used at imports/2023.parquet record 0, imports/2024.parquet "
            "record 0") in result.stdout
