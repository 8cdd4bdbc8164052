"""`ids assign` end to end: numbering rules, in-place edits that keep every other byte, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conflictkit.builders.ids import assign_ids, latest_release
from conflictkit.cli import main

YAML_FILE = """\
# Events from the Deir ez Zor front. Keep this comment.
- event_date: 2018-02-07   # the night of 7-8 February
  country: Syria
  notes: "On 7 February 2018, coalition aircraft struck."

# an event that already has an ID
- event_id_cnty: SYR3
  country: Syria

-   country: 'Syria'
    event_id_cnty:
    fatalities: 3
- {country: Kenya, fatalities: 0}
"""

YAML_EXPECTED = """\
# Events from the Deir ez Zor front. Keep this comment.
- event_id_cnty: SYR900000016
  event_date: 2018-02-07   # the night of 7-8 February
  country: Syria
  notes: "On 7 February 2018, coalition aircraft struck."

# an event that already has an ID
- event_id_cnty: SYR3
  country: Syria

-   country: 'Syria'
    event_id_cnty: SYR900000017
    fatalities: 3
- {event_id_cnty: KEN900000001, country: Kenya, fatalities: 0}
"""


def write_release(root: Path, version: str, ids: list[str], deleted: list[str]) -> Path:
    release = root / "releases" / version
    release.mkdir(parents=True)
    table = pa.table({"event_id_cnty": ids, "country": ["Syria"] * len(ids)})
    pq.write_table(table, release / "events.parquet")
    lines = ["event_id_cnty,deleted_timestamp", *[f"{i},1700000000" for i in deleted]]
    (release / "deletions.csv").write_text("\n".join(lines) + "\n")
    return release


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    root = tmp_path / "ds"
    (root / "events" / "b").mkdir(parents=True)
    (root / "events" / "a.yaml").write_text(YAML_FILE)
    # CRLF, a BOM, quoted newlines and commas, a blank line, no ID column
    (root / "events" / "b" / "more.csv").write_bytes(
        "\ufeffevent_date,country,notes\r\n"
        '2020-01-01,Iraq,"two\r\nlines, and ""quotes"""\r\n'
        "\r\n"
        "2020-01-02,Atlantis,unknown country\r\n"
        "2020-01-03,DR Congo,alias of a country\r\n".encode())
    (root / "events" / "c.json").write_text(
        '[\n  {\n    "country": "Syria",\n    "fatalities": 1.50\n  },\n'
        '  {"event_id_cnty": null, "country": "Iraq", "notes": "caf\\u00e9"}\n]\n')
    # the release knows SYR900000010, and SYR900000015 was deleted: the next Syrian number is
    # 900000016 (the dataset's own range; SYR3 below it is an older ID, kept as it is)
    write_release(root, "1.0.0", ["SYR900000010", "SYR900000002", "IRQ900000004"],
                  ["SYR900000015"])
    return root


def run_cli(args: list[str], monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The console entry point in-process: exit code (as main() maps errors), stdout, stderr."""
    monkeypatch.setattr(sys, "argv", ["conflictkit", *args])
    with pytest.raises(SystemExit) as stop:
        main()
    out = capsys.readouterr()
    return int(stop.value.code or 0), out.out, out.err


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_numbers_follow_dataset_release_and_deletions(dataset: Path) -> None:
    result = assign_ids(dataset)
    got = [(Path(a.file).relative_to(dataset).as_posix(), a.line, a.event_id)
           for a in result.assignments]
    # file path order (a.yaml < b/more.csv < c.json), then position in the file
    assert got == [
        ("events/a.yaml", 2, "SYR900000016"),
        ("events/a.yaml", 10, "SYR900000017"),
        ("events/a.yaml", 13, "KEN900000001"),
        ("events/b/more.csv", 2, "IRQ900000005"),  # the release used IRQ900000004
        ("events/b/more.csv", 6, "DRC900000001"),
        ("events/c.json", 2, "SYR900000018"),
        ("events/c.json", 6, "IRQ900000006"),
    ]
    assert result.release is not None and result.release.endswith("1.0.0")
    problems = result.report.problems
    assert list(problems["rule"]) == ["unknown_country"]
    assert problems.loc[0, "value"] == "Atlantis"
    assert problems.loc[0, "line"] == 5
    assert not result.report.ok


def test_yaml_edits_keep_every_other_byte(dataset: Path) -> None:
    assign_ids(dataset)
    assert (dataset / "events" / "a.yaml").read_text() == YAML_EXPECTED


def test_csv_edits_keep_bom_crlf_quoting(dataset: Path) -> None:
    assign_ids(dataset)
    assert (dataset / "events" / "b" / "more.csv").read_bytes() == (
        "\ufeffevent_id_cnty,event_date,country,notes\r\n"
        'IRQ900000005,2020-01-01,Iraq,"two\r\nlines, and ""quotes"""\r\n'
        "\r\n"
        ",2020-01-02,Atlantis,unknown country\r\n"
        "DRC900000001,2020-01-03,DR Congo,alias of a country\r\n").encode()


def test_json_edits_keep_order_and_indentation(dataset: Path) -> None:
    assign_ids(dataset)
    assert (dataset / "events" / "c.json").read_text() == (
        '[\n  {\n    "event_id_cnty": "SYR900000018",\n    "country": "Syria",\n'
        '    "fatalities": 1.50\n  },\n'
        '  {"event_id_cnty": "IRQ900000006", "country": "Iraq", "notes": "caf\\u00e9"}\n]\n')


def test_second_run_changes_nothing(dataset: Path) -> None:
    assign_ids(dataset)
    before = snapshot(dataset)
    again = assign_ids(dataset)
    assert again.assignments == []
    assert again.files_changed == []
    assert snapshot(dataset) == before


def test_dry_run_writes_nothing(dataset: Path) -> None:
    before = snapshot(dataset)
    result = assign_ids(dataset, dry_run=True)
    assert len(result.assignments) == 7
    assert snapshot(dataset) == before


def test_latest_release_by_version_order_not_text_order(dataset: Path) -> None:
    # 1.10.0 is newer than 1.9.0 (text order says otherwise); only the latest counts
    write_release(dataset, "1.9.0", ["SYR900000900"], [])
    write_release(dataset, "1.10.0", ["SYR900000040"], ["SYR900000041"])
    (dataset / "releases" / ".tmp-1.11.0").mkdir()  # a half-built release is never a release
    assert latest_release(dataset) == dataset / "releases" / "1.10.0"
    first = assign_ids(dataset).assignments[0]
    assert first.event_id == "SYR900000042"


def test_release_directory_from_config(dataset: Path) -> None:
    (dataset / "conflictkit.toml").write_text('[release]\ndirectory = "published"\n')
    (dataset / "releases").rename(dataset / "published")
    assert latest_release(dataset) == dataset / "published" / "1.0.0"
    assert assign_ids(dataset).assignments[0].event_id == "SYR900000016"


def test_broken_latest_release_is_an_error_not_a_fallback(dataset: Path, monkeypatch,
                                                          capsys) -> None:
    (dataset / "releases" / "2.0.0").mkdir()  # newest version, but no events in it
    before = snapshot(dataset)
    code, _, err = run_cli(["ids", "assign", str(dataset)], monkeypatch, capsys)
    assert code == 1
    assert "2.0.0" in err and "not a release directory" in err
    assert snapshot(dataset) == before  # nothing numbered from an incomplete picture


def test_explicit_release_and_partitioned_layout(dataset: Path, tmp_path: Path) -> None:
    release = tmp_path / "elsewhere" / "2.0.0"
    part = release / "events" / "year=2018"
    part.mkdir(parents=True)
    pq.write_table(pa.table({"event_id_cnty": ["SYR900000070", "KEN900000009"]}),
                   part / "part-0.parquet")
    result = assign_ids(dataset, release=release)
    ids = {a.event_id for a in result.assignments}
    assert {"SYR900000071", "KEN900000010"} <= ids
    # the explicit release replaces the dataset's own latest (which knew SYR900000015)
    assert "SYR900000016" not in ids


def test_imports_count_as_seen(dataset: Path) -> None:
    (dataset / "imports").mkdir()
    pq.write_table(pa.table({"event_id_cnty": ["KEN900000077"]}),
                   dataset / "imports" / "acled.parquet")
    ids = {a.event_id for a in assign_ids(dataset).assignments}
    assert "KEN900000078" in ids


def test_unreadable_files_are_reported_and_others_still_numbered(dataset: Path) -> None:
    (dataset / "events" / "broken.yaml").write_text("- country: Syria\n  notes: [unclosed\n")
    (dataset / "events" / "binary.csv").write_bytes(b"\x00\x01\x02PK")
    result = assign_ids(dataset)
    rules = result.report.problems.set_index("file")["rule"].to_dict()
    assert rules[str(dataset / "events" / "broken.yaml")] == "unreadable_file"
    assert rules[str(dataset / "events" / "binary.csv")] == "unreadable_file"
    assert len(result.assignments) == 7
    assert (dataset / "events" / "broken.yaml").read_text().startswith("- country: Syria\n")


def test_missing_country_and_malformed_existing_id(tmp_path: Path) -> None:
    root = tmp_path / "ds"
    (root / "events").mkdir(parents=True)
    (root / "events" / "x.yaml").write_text(
        "- notes: no country here\n- event_id_cnty: syr-12\n  country: Syria\n"
        "- country: Syria\n")
    result = assign_ids(root)
    rules = sorted(result.report.problems["rule"])
    assert rules == ["id_format", "missing_country"]
    assert [a.event_id for a in result.assignments] == ["SYR900000001"]


def test_usage_errors_exit_2(tmp_path: Path, monkeypatch, capsys) -> None:
    code, _, err = run_cli(["ids", "assign", str(tmp_path)], monkeypatch, capsys)
    assert code == 2
    assert "not a dataset directory" in err
    (tmp_path / "events").mkdir()
    code, _, err = run_cli(["ids", "assign", str(tmp_path), "--release", str(tmp_path / "nope")],
                           monkeypatch, capsys)
    assert code == 2
    assert "release directory not found" in err


def test_cli_json_document_and_exit_code(dataset: Path, monkeypatch, capsys) -> None:
    code, out, _ = run_cli(["ids", "assign", str(dataset), "--format", "json"], monkeypatch,
                           capsys)
    assert code == 1  # one event has an unknown country
    document = json.loads(out)
    assert document["summary"]["assigned"] == 7
    assert document["summary"]["unnumbered"] == 1
    assert document["ranges"]["SYR"] == [900000016, 900000018]
    assert document["problems"][0]["rule"] == "unknown_country"


def test_cli_end_to_end_process(dataset: Path) -> None:
    (dataset / "events" / "b" / "more.csv").unlink()  # leave only numberable events
    command = [sys.executable, "-m", "conflictkit.cli", "ids", "assign", str(dataset)]
    dry = subprocess.run([*command, "--dry-run"], capture_output=True, text=True, check=False)
    assert dry.returncode == 0, dry.stdout
    assert "would assign 5 IDs" in dry.stdout
    assert dry.stderr == ""
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout
    assert "assigned 5 IDs (IRQ900000005, KEN900000001, SYR900000016-SYR900000018)" in done.stdout
    again = subprocess.run(command, capture_output=True, text=True, check=False)
    assert "assigned 0 IDs" in again.stdout


def test_own_numbers_start_above_every_imported_range(dataset: Path) -> None:
    """ACLED's numbers (and UCDP's, from 800,000,000) never reach the dataset's own range, so
    a new event's ID can never be taken by a later import of the same source."""
    (dataset / "imports").mkdir()
    pq.write_table(pa.table({"event_id_cnty": ["KEN31599", "KEN800412345"]}),
                   dataset / "imports" / "acled.parquet")
    ids = {a.event_id for a in assign_ids(dataset).assignments}
    assert "KEN900000001" in ids  # imported numbers lie below the range: they do not count


def test_the_range_start_is_configurable_but_never_into_imported_ranges(dataset: Path,
                                                                       monkeypatch,
                                                                       capsys) -> None:
    (dataset / "conflictkit.toml").write_text("[ids]\nfirst_number = 950000000\n")
    ids = {a.event_id for a in assign_ids(dataset, dry_run=True).assignments}
    assert "KEN950000000" in ids
    (dataset / "conflictkit.toml").write_text("[ids]\nfirst_number = 5000\n")
    code, _, err = run_cli(["ids", "assign", str(dataset)], monkeypatch, capsys)
    assert code == 2 and "first_number" in err
