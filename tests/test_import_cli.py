"""`conflictkit import acled|ucdp`: outputs, report formats and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

from conflictkit.schema.arrow import arrow_schema

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "conflictkit.cli", "import", *args],
                          capture_output=True, text=True, timeout=120)


def test_writes_events_and_provenance(tmp_path):
    out = tmp_path / "syria.parquet"
    run = _run("acled", str(FIXTURES / "acled_current.csv"), "-o", str(out), "--today",
               "2025-01-01")
    assert run.returncode == 0, run.stderr
    events = pq.read_table(out)
    assert events.schema.equals(arrow_schema())
    assert events.num_rows == 5
    side = pq.read_table(tmp_path / "syria.provenance.parquet").to_pandas()
    assert side["event_id_cnty"].tolist()[0] == "SYR31599"
    assert side["review"].isna().all()
    repairs = pq.read_table(tmp_path / "syria.repairs.parquet").to_pandas()
    assert list(repairs.columns) == ["event_id_cnty", "column", "repair", "original"]
    assert set(repairs["repair"]) == {"crowd_size"}
    assert "5 records: 5 valid, 0 rejected" in run.stdout  # the report: stdout
    assert "repairs in 2 events: crowd_size 2" in run.stdout
    assert "wrote 5 events to" in run.stderr and "wrote" not in run.stdout  # status: stderr

def test_json_report_and_exit_1_when_rows_are_rejected():
    run = _run("acled", str(FIXTURES / "acled_legacy.csv"), "--format", "json", "--today",
               "2025-01-01")
    assert run.returncode == 1
    document = json.loads(run.stdout)
    assert document["summary"]["records"] == 8
    assert document["summary"]["rejected"] == 1
    assert document["import"]["era"] == "acled-legacy"
    assert document["import"]["repairs"] == {"legacy_event_type": 7, "legacy_event_id": 1}
    assert document["import"]["events_to_review"] == 1
    rejected = [p for p in document["problems"] if p["severity"] == "error"]
    assert rejected[0]["line"] == 9 and rejected[0]["event_id"] == "KEN1206"


def test_ucdp_import_runs():
    run = _run("ucdp", str(FIXTURES / "ucdp_ged.csv"), "-f", "json", "--today", "2025-01-01")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["summary"]["accepted"] == 4


def test_wrong_kind_of_file_is_exit_1_with_a_message():
    run = _run("acled", str(FIXTURES / "ucdp_ged.csv"))
    assert run.returncode == 1
    assert "is not an ACLED export" in run.stderr and "Traceback" not in run.stderr


def test_usage_errors_are_exit_2(tmp_path):
    assert _run("acled", str(tmp_path / "nope.csv")).returncode == 2
    assert _run("gdelt", str(FIXTURES / "acled_current.csv")).returncode == 2
    bad_day = _run("acled", str(FIXTURES / "acled_current.csv"), "--today", "soon")
    assert bad_day.returncode == 2


def test_help():
    run = _run("--help")
    assert run.returncode == 0 and "--out" in run.stdout


def test_rejected_rows_are_left_out_of_the_file_written_during_validation(tmp_path):
    """The output is started with every row before the checks; a file with rejects must end
    up holding the accepted rows only, in the side table's order."""
    out = tmp_path / "legacy.parquet"
    run = _run("acled", str(FIXTURES / "acled_legacy.csv"), "-o", str(out), "--today",
               "2025-01-01")
    assert run.returncode == 1
    events = pq.read_table(out).to_pandas()
    side = pq.read_table(tmp_path / "legacy.provenance.parquet").to_pandas()
    assert len(events) == len(side) == 7
    assert "KEN1206" not in set(events["event_id_cnty"])
    assert events["event_id_cnty"].tolist() == side["event_id_cnty"].tolist()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "legacy.parquet", "legacy.provenance.parquet", "legacy.repairs.parquet"]
    repairs = pq.read_table(tmp_path / "legacy.repairs.parquet").to_pandas()
    assert set(repairs["event_id_cnty"]) <= set(events["event_id_cnty"])
    assert "repairs in 7 events: legacy_event_type 7, legacy_event_id 1" in run.stdout
    assert "1 events kept for review" in run.stdout


def test_ucdp_output_is_written_too(tmp_path):
    out = tmp_path / "ged.parquet"
    run = _run("ucdp", str(FIXTURES / "ucdp_ged.csv"), "-o", str(out), "--today", "2025-01-01")
    assert run.returncode == 0, run.stderr
    assert pq.read_table(out).num_rows == 4


def test_failed_write_leaves_no_files_and_no_traceback(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the output directory should be")
    run = _run("acled", str(FIXTURES / "acled_current.csv"), "-o", str(blocker / "x.parquet"),
               "--today", "2025-01-01")
    assert run.returncode == 1
    assert "Traceback" not in run.stderr and "unexpected" not in run.stderr
    assert f"cannot write {blocker / 'x.parquet'}" in run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-dir"]


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, int]]:
    """name -> (file, exit code): broken files exit 1, readable ones import."""
    text = (FIXTURES / "acled_current.csv").read_text(encoding="utf-8")
    header, *rows = text.splitlines()
    legacy = (FIXTURES / "acled_legacy.csv").read_text(encoding="utf-8").splitlines()
    files = {
        "every_row_broken": ("\n".join([header] + [",".join(r.split(",")[:5]) for r in rows]),
                             "utf-8", 1),
        "two_eras": ("\n".join([header, *rows, *legacy]), "utf-8", 1),
        "utf16_bom": (text, "utf-16", 0),
        "utf16le_no_bom": (text, "utf-16-le", 0),
        "giant_field": ("\n".join([header, rows[0].replace(
            "US-led coalition", "US-led " + "very " * 1_300_000 + "coalition"), *rows[1:]]),
            "utf-8", 0),
    }
    out = {}
    for name, (content, encoding, code) in files.items():
        path = tmp_path / f"{name}.csv"
        path.write_bytes((content + "\n").encode(encoding))
        out[name] = (path, code)
    return out


def test_bad_input_gives_a_message_an_exit_code_and_counts_that_add_up(tmp_path):
    for name, (path, code) in _bad_inputs(tmp_path).items():
        run = _run("acled", str(path), "--format", "json", "--today", "2025-01-01")
        assert run.returncode == code, (name, run.stderr)
        assert "Traceback" not in run.stderr
        summary = json.loads(run.stdout)["summary"]
        assert summary["accepted"] + summary["rejected"] == summary["records"], name
        if code:
            assert summary["rejected"] and json.loads(run.stdout)["problems"], name
        else:
            assert summary["accepted"] == 5, name
