"""`conflictkit validate` end to end: the real CLI on real files in a temporary directory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from gusau import gusau_event

FIXTURES = Path(__file__).parent / "fixtures" / "contrib"
EXE = Path(sys.executable).with_name("conflictkit")


def run(*args: str, cwd: Path, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(EXE), "validate", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, env={**os.environ, **(env or {})})


def event(id: str = "NIG90001", date: str = "2021-06-12") -> str:
    return gusau_event(id, date)


@pytest.fixture
def work(tmp_path: Path) -> Path:
    return tmp_path


def test_valid_files_exit_0_with_the_summary_line(work):
    shutil.copytree(FIXTURES, work / "events")
    result = run("events", cwd=work)
    assert result.returncode == 0, result.stdout
    # the report goes to stdout (so `validate | grep` and `> file` work); nothing else there
    last = result.stdout.strip().splitlines()[-1]
    assert last == "4 records: 4 valid, 0 rejected, 1 warnings"
    assert "candidate" in result.stdout and result.stderr == ""


def test_json_format_is_one_document_on_stdout(work):
    (work / "a.yaml").write_text(event() + "  fatalaties: 3\n", encoding="utf-8")
    result = run("a.yaml", "--format", "json", cwd=work)
    assert result.returncode == 1
    doc = json.loads(result.stdout)
    assert doc["summary"]["records"] == 1 and doc["summary"]["rejected"] == 1
    (problem,) = [p for p in doc["problems"] if p["rule"] == "unknown_key"]
    assert problem == {"file": "a.yaml", "line": 18, "record": 0, "event_id": "NIG90001",
                       "column": "fatalaties", "rule": "unknown_key", "value": "3",
                       "message": problem["message"], "severity": "error"}
    assert "did you mean 'fatalities'" in problem["message"]


def test_text_output_names_file_line_rule_and_value(work):
    bad = event().replace("Attack", "Air/drone strike").replace("2021-06-12", "12/06/2021")
    (work / "bad.yaml").write_text(bad, encoding="utf-8")
    result = run("bad.yaml", cwd=work)
    assert result.returncode == 1
    assert "bad.yaml" in result.stdout
    # each problem points at its own key's line
    assert "line 2 NIG90001 [event_date] error" in result.stdout and "12/06/2021" in result.stdout
    assert "line 5 NIG90001 [sub_event_type] error" in result.stdout
    assert "YYYY-MM-DD" in result.stdout
    assert "[year]" not in result.stdout  # not derivable from a rejected date: not repeated
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("1 records: 0 valid, 1 rejected")


def test_records_in_equal_accepted_plus_rejected_with_unreadable_records(work):
    text = event("NIG90001") + "- 5\n- {unclosed\n---\n" + event("NIG90002", "2021-06-13")
    (work / "mixed.yaml").write_text(text, encoding="utf-8")
    (work / "rows.csv").write_text("event_id_cnty,notes\nNIG90003,x\nNIG90004\n",
                                   encoding="utf-8")
    result = run(".", "--format", "json", cwd=work)
    doc = json.loads(result.stdout)
    s = doc["summary"]
    assert result.returncode == 1
    assert s["records"] == s["accepted"] + s["rejected"]
    assert s["records"] == 2 + 2 + 1 + 1  # two events, two unreadable YAML items, two CSV rows
    unreadable = [p for p in doc["problems"] if p["rule"] == "unreadable_record"]
    assert {(p["file"], p["line"]) for p in unreadable} >= {("rows.csv", 3)}


def test_duplicate_ids_across_files_name_each_other(work):
    (work / "a.yaml").write_text(event("NIG90001"), encoding="utf-8")
    (work / "b.yaml").write_text("# another\n" + event("NIG90001", "2021-06-20"),
                                 encoding="utf-8")
    result = run("a.yaml", "b.yaml", "--format", "json", cwd=work)
    doc = json.loads(result.stdout)
    dup = [p for p in doc["problems"] if p["rule"] == "duplicate_id"]
    assert result.returncode == 1
    assert {(p["file"], p["line"]) for p in dup} == {("a.yaml", 1), ("b.yaml", 2)}
    assert any("b.yaml:2" in p["message"] for p in dup)


def test_likely_duplicates_and_unknown_actors_are_warnings_strict_makes_actors_errors(work):
    text = (event("NIG90001") + event("NIG90002")
            + event("NIG90003").replace("Daily Trust", "Punch")
            .replace("actor2: Civilians (Nigeria)", "actor2: Civilians (Nigeria)\n"
                     "  assoc_actor_1: Zamfara Vigilante Brigade Of Nowhere"))
    (work / "a.yaml").write_text(text, encoding="utf-8")
    result = run("a.yaml", "--format", "json", cwd=work)
    doc = json.loads(result.stdout)
    rules = {(p["rule"], p["severity"]) for p in doc["problems"]}
    assert result.returncode == 0, doc["problems"]
    assert ("likely_duplicate", "warning") in rules and ("unknown_actor", "warning") in rules
    strict = run("a.yaml", "--strict", "--format", "json", cwd=work)
    assert strict.returncode == 1
    assert ("unknown_actor", "error") in {(p["rule"], p["severity"])
                                          for p in json.loads(strict.stdout)["problems"]}


def test_release_ids_are_not_reused(work):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    release = work / "releases" / "1.0.0"
    release.mkdir(parents=True)
    pq.write_table(pa.table({"event_id_cnty": ["NIG1", "NIG90001", "SYR5"]}),
                   release / "events.parquet")
    (release / "deletions.csv").write_text("event_id_cnty,deleted_timestamp\nNIG90002,1\n")
    (work / "a.yaml").write_text(event("NIG90001") + event("NIG90002", "2021-06-13")
                                 + event("NIG90003", "2021-06-14"), encoding="utf-8")
    result = run("a.yaml", "--release", str(release), "--format", "json", cwd=work)
    doc = json.loads(result.stdout)
    clash = {p["event_id"]: p for p in doc["problems"] if p["rule"] == "deleted_id_reused"}
    published = [p for p in doc["problems"] if p["rule"] == "release_published"]
    assert result.returncode == 1
    # a deleted ID is never reused; a published one is an edit of that event (one warning)
    assert set(clash) == {"NIG90002"} and clash["NIG90002"]["severity"] == "error"
    assert "deleted" in clash["NIG90002"]["message"]
    assert len(published) == 1 and published[0]["severity"] == "warning"
    assert "1 records" in published[0]["message"] and "NIG90001" in published[0]["message"]
    (work / "b.yaml").write_text(event("NIG90001"), encoding="utf-8")
    edit_only = run("b.yaml", "--release", str(release), cwd=work)
    assert edit_only.returncode == 0, edit_only.stderr


def test_release_layouts_partitioned_and_latest_of_a_releases_folder(work):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from conflictkit.builders.contributions import read_contributions
    from conflictkit.schema.arrow import to_arrow_table

    (work / "a.yaml").write_text(event("NIG90001"), encoding="utf-8")
    table = to_arrow_table(read_contributions([work / "a.yaml"]).events)
    for version, ids in (("1.9.0", ["NIG7"]), ("1.10.0", ["NIG90001"])):
        part = work / "releases" / version / "events" / "year=2021"
        part.mkdir(parents=True)
        rows = table.set_column(0, "event_id_cnty", pa.array(ids))
        pq.write_table(rows.drop_columns(["year"]), part / "part-0.parquet")
        (work / "releases" / version / "SHA256SUMS").write_text("")
    # 1.10.0 is the latest (natural version order, not text order) and it uses NIG90001
    result = run("a.yaml", "--release", "releases", "--format", "json", cwd=work)
    clash = [p for p in json.loads(result.stdout)["problems"]
             if p["rule"] == "release_published"]
    assert result.returncode == 0 and "1.10.0" in clash[0]["message"]
    assert run("a.yaml", "--release", "releases/1.9.0", cwd=work).returncode == 0
    # a partitioned release given as a PATH is validated as a table, year from the folders
    whole = run("releases/1.10.0", "--format", "json", cwd=work)
    assert whole.returncode == 0, whole.stdout
    assert json.loads(whole.stdout)["summary"]["records"] == 1


def test_github_annotations_errors_first_and_step_summary(work):
    (work / "a.yaml").write_text(event("NIG90001") + event("NIG90002").replace(
        "fatalities: 2", "fatalities: -4") + "  status: candidate\n", encoding="utf-8")
    summary = work / "summary.md"
    result = run("a.yaml", "--format", "github", cwd=work,
                 env={"GITHUB_STEP_SUMMARY": str(summary)})
    lines = result.stdout.splitlines()
    assert result.returncode == 1
    assert lines[0].startswith("::error file=a.yaml,line=")
    assert any(line.startswith("::warning ") for line in lines)
    kinds = [line.split(" ", 1)[0] for line in lines if line.startswith("::")]
    assert kinds == sorted(kinds)  # every ::error before any ::warning
    text = summary.read_text(encoding="utf-8")
    assert "conflictkit validate" in text and "2 records: 1 valid, 1 rejected" in text


@pytest.mark.parametrize("name,data,needle", [
    ("empty.yaml", b"", "no event records"),
    ("binary.yaml", bytes(range(256)), "binary"),
    ("latin1.csv", "notes\ncaf\xe9\n".encode("latin-1"), "UTF-8"),
    ("bomb.yaml", b"a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n", "not allowed"),
    ("nested.json", b'{"notes": {"deep": [1, 2]}}', "expected a single value"),
    ("broken.json", b'[{"notes": "x",}]', "malformed JSON"),
    ("broken.csv", b'notes,admin1\n"a"b,c\n', "malformed CSV"),
    ("absurd.yaml", event().replace("fatalities: 2", "fatalities: 99999999999").encode(),
     "fatalities"),
])
def test_bad_input_exits_1_with_a_clear_message(work, name, data, needle):
    (work / name).write_bytes(data)
    result = run(name, cwd=work)
    assert result.returncode == 1, result.stdout
    assert needle in result.stdout
    assert "Traceback" not in result.stdout + result.stderr and name in result.stdout


def test_oversized_file_is_refused_not_read(work):
    with (work / "huge.yaml").open("wb") as fh:
        fh.truncate(2**30)  # sparse 1 GiB
    result = run("huge.yaml", "--max-file-mb", "50", cwd=work)
    assert result.returncode == 1
    assert "above the 50 MiB limit" in result.stdout


def test_an_empty_folder_passes_with_a_warning(work):
    (work / "events").mkdir()
    result = run("events", cwd=work)
    assert result.returncode == 0
    assert "no_files" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "0 records: 0 valid, 0 rejected, 1 warnings"


def test_usage_errors_exit_2(work):
    assert run("missing.yaml", cwd=work).returncode == 2
    (work / "notes.txt").write_text("x")
    assert run("notes.txt", cwd=work).returncode == 2
    (work / "a.yaml").write_text(event())
    assert run("a.yaml", "--release", "nowhere", cwd=work).returncode == 2
    assert run("a.yaml", "--format", "xml", cwd=work).returncode == 2


def test_parquet_table_and_dataset_reference_extensions(work):
    pytest.importorskip("pyarrow")
    from conflictkit.builders.contributions import read_contributions
    from conflictkit.schema.arrow import to_arrow_table

    (work / "events").mkdir()
    (work / "events" / "a.yaml").write_text(event(), encoding="utf-8")
    batch = read_contributions([work / "events"])
    assert batch.report.ok, batch.report.problems
    import pyarrow.parquet as pq

    pq.write_table(to_arrow_table(batch.events), work / "table.parquet")
    result = run("table.parquet", "--format", "json", cwd=work)
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout)["summary"]["records"] == 1

    # a dataset's reference/actors.csv makes a local actor known (no warning)
    dataset = work / "ds"
    (dataset / "events").mkdir(parents=True)
    (dataset / "reference").mkdir()
    (dataset / "conflictkit.toml").write_text('name = "test"\n')
    local = event().replace("Unidentified Armed Group (Nigeria)", "Zamfara Local Guard")
    (dataset / "events" / "a.yaml").write_text(local, encoding="utf-8")
    unknown = run("ds/events/a.yaml", "--format", "json", cwd=work)
    assert json.loads(unknown.stdout)["summary"]["rejected"] == 1  # inter1 cannot be derived
    (dataset / "reference" / "actors.csv").write_text(
        "actor,inter,aliases\nZamfara Local Guard,3,\n", encoding="utf-8")
    # [validate] strict = true in conflictkit.toml makes unknown actors errors
    (dataset / "events" / "b.yaml").write_text(event("NIG90002", "2021-06-20").replace(
        "Daily Trust", "Punch") .replace("actor2: Civilians (Nigeria)",
                                        "actor2: Civilians (Nigeria)\n  assoc_actor_1: Nobody"),
        encoding="utf-8")
    assert run("ds", cwd=work).returncode == 0
    (dataset / "conflictkit.toml").write_text('name = "test"\n[validate]\nstrict = true\n')
    assert run("ds", cwd=work).returncode == 1
    (dataset / "events" / "b.yaml").unlink()
    for target in ("ds", "ds/events", "ds/events/a.yaml"):
        result = run(target, "--format", "json", cwd=work)
        assert result.returncode == 0, (target, result.stdout)
        assert json.loads(result.stdout)["summary"] == {
            "files": 1, "records": 1, "accepted": 1, "rejected": 0, "errors": 0,
            "warnings": 0}
