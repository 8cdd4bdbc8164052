"""End to end through the command line: a dataset repository on disk -> release, verify,
diff, info, with their exit codes and both output formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from inprocess import run
from test_release_fixtures import make_events

TOML = """[dataset]
name = "cli-test"
title = "CLI test events"
licence = "CC-BY-4.0"
citation = "CLI test events ({version})."

[release]
partition = "none"
"""

CANDIDATES = """\
- event_id_cnty: SYR9001
  event_date: 2024-03-01
  time_precision: 1
  event_type: Protests
  sub_event_type: Peaceful protest
  actor1: Protesters (Syria)
  country: Syria
  admin1: Damascus
  location: Damascus
  latitude: 33.5102
  longitude: 36.2913
  geo_precision: 1
  source: Reuters
  source_scale: International
  notes: On 1 March 2024, people protested in Damascus.
  fatalities: 0
  status: candidate
- event_id_cnty: SYR9002
  event_date: 2024-03-02
  time_precision: 9
  event_type: Protests
  sub_event_type: Armed clash
  actor1: Protesters (Syria)
  country: Syria
  location: Damascus
  latitude: 33.5102
  longitude: 36.2913
  geo_precision: 1
  source: Reuters
  source_scale: International
  notes: A broken candidate that must not block the release.
  fatalities: 0
  status: candidate
"""


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    root = tmp_path / "ds"
    (root / "events").mkdir(parents=True)
    (root / "conflictkit.toml").write_text(TOML)
    make_events(20).to_csv(root / "events" / "batch.csv", index=False, date_format="%Y-%m-%d")
    (root / "events" / "candidates.yaml").write_text(CANDIDATES)
    return root


def test_release_verify_info_diff_end_to_end(dataset: Path, capsys) -> None:
    code, out, err = run(capsys, "release", dataset, "--version", "1.0.0",
                         "--timestamp", "2024-01-01")
    assert code == 0, err
    assert err == ""  # the summary is the command's report: stdout
    assert "released 1.0.0" in out and "20 events: 20 added" in out
    assert "2 candidates left out" in out
    release = dataset / "releases" / "1.0.0"
    package = json.loads((release / "datapackage.json").read_text())
    assert package["name"] == "cli-test" and package["citation"] == "CLI test events (1.0.0)."
    assert package["conflictkit"]["candidates_left_out"] == 2
    assert len(package["conflictkit"]["rules_fingerprint"]) == 64  # validated by read_dataset
    provenance_files = set(__import__("pyarrow.parquet", fromlist=["x"]).read_table(
        release / "provenance.parquet").column("file").to_pylist())
    assert provenance_files == {"events/batch.csv"}

    code, out, err = run(capsys, "verify", release)
    assert code == 0 and "OK" in out

    # edit one event, delete one, then release again (json output)
    csv = dataset / "events" / "batch.csv"
    lines = csv.read_text().splitlines(keepends=True)
    deleted_id = lines[3].split(",")[0]
    edited = lines[1].replace("Town 0", "Town Zero")
    csv.write_text("".join([lines[0], edited, lines[2], *lines[4:]]))
    code, out, err = run(capsys, "release", dataset, "-V", "1.1.0", "--timestamp",
                         "2024-02-01T00:00:00Z", "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    assert document["changes"] == {"added": 0, "modified": 1, "deleted": 1, "unchanged": 18}
    assert document["previous"] == "1.0.0"

    code, out, _ = run(capsys, "diff", release, dataset / "releases" / "1.1.0", "-f", "json")
    assert code == 0
    diff = json.loads(out)
    assert diff["deleted"] == [deleted_id]
    assert diff["modified"][0]["changes"] == {"location": {"old": "Town 0", "new": "Town Zero"}}

    code, out, _ = run(capsys, "diff", release, dataset / "releases" / "1.1.0")
    assert code == 0 and "location: 'Town 0' -> 'Town Zero'" in out
    assert "0 added, 1 deleted, 1 modified, 18 unchanged" in out

    code, out, _ = run(capsys, "info", dataset / "releases" / "1.1.0", "--format", "json")
    info = json.loads(out)
    assert code == 0 and info["events"] == 19 and sum(info["by_country"].values()) == 19
    code, out, _ = run(capsys, "info", dataset / "releases" / "1.1.0")
    assert code == 0 and "19 events" in out and "by event type:" in out


def test_invalid_events_refuse_the_release_with_the_validate_report(dataset: Path,
                                                                   capsys) -> None:
    csv = dataset / "events" / "batch.csv"
    lines = csv.read_text().splitlines(keepends=True)
    lines[2] = lines[2].replace("Reuters; Local Media", "=HYPERLINK(1)")
    csv.write_text("".join(lines))
    code, out, err = run(capsys, "release", dataset, "--version", "1.0.0")
    assert code == 1
    assert "refused" in out and "batch.csv" in out and "line 3" in out
    assert "1 rejected" in out
    assert not (dataset / "releases" / "1.0.0").exists()
    code, out, _ = run(capsys, "release", dataset, "--version", "1.0.0", "--format", "json")
    assert code == 1 and json.loads(out)["ok"] is False


def test_existing_version_and_bad_options_exit_codes(dataset: Path, capsys) -> None:
    assert run(capsys, "release", dataset, "--version", "1.0.0", "--timestamp", "1")[0] == 0
    code, _, err = run(capsys, "release", dataset, "--version", "1.0.0", "--timestamp", "2")
    assert code == 1 and "already exists" in err
    code, _, err = run(capsys, "release", dataset, "--version", "../x")
    assert code == 2 and "invalid release version" in err
    code, _, err = run(capsys, "release", dataset, "--version", "2.0.0", "--timestamp", "soon")
    assert code == 2 and "invalid timestamp" in err
    code, _, err = run(capsys, "release", dataset, "--version", "2.0.0", "--partition", "month")
    assert code == 2
    code, _, err = run(capsys, "release", dataset / "missing", "--version", "2.0.0")
    assert code == 2 and "no such dataset" in err
    code, _, err = run(capsys, "verify", dataset / "nothing-here")
    assert code == 2


def test_verify_exit_1_names_the_changed_file(dataset: Path, capsys) -> None:
    assert run(capsys, "release", dataset, "--version", "1.0.0", "--timestamp", "1")[0] == 0
    notes = dataset / "releases" / "1.0.0" / "CHANGELOG.md"
    notes.chmod(0o644)
    notes.write_text(notes.read_text() + "\ntampered\n")
    code, out, err = run(capsys, "verify", dataset / "releases" / "1.0.0")
    assert code == 1 and "CHANGELOG.md: checksum" in out and "FAILED" in out
    code, out, _ = run(capsys, "verify", dataset / "releases" / "1.0.0", "--format", "json")
    document = json.loads(out)
    assert code == 1 and document["ok"] is False
    assert [p["file"] for p in document["problems"]] == ["CHANGELOG.md"]


def test_out_option_and_partition_option(dataset: Path, tmp_path: Path, capsys) -> None:
    out_root = tmp_path / "published"
    code, _, err = run(capsys, "release", dataset, "--version", "2024-05-01", "--out", out_root,
                       "--partition", "year", "--timestamp", "2024-05-01", "--quiet")
    assert code == 0, err
    assert (out_root / "2024-05-01" / "events").is_dir()
    assert run(capsys, "verify", out_root / "2024-05-01")[0] == 0


@pytest.mark.parametrize("command", ["release", "verify", "diff", "info"])
def test_every_command_has_help(command: str, capsys) -> None:
    code, out, _ = run(capsys, command, "--help")
    assert code == 0 and "Usage" in out
