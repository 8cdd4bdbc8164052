"""What a pull request changes against the latest release, as CI shows it: `validate --release
--format github` adds it to the step summary (capped), `--diff-json` writes all of it, the
workflow `init` writes runs both, and `diff --format markdown` renders two releases the same way.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from gusau import gusau_event
from test_release_fixtures import make_events

from conflictkit.builders.release.changeset import LISTED_EVENTS, TABLE_ROWS
from conflictkit.builders.release.pending import files_table, pending_changes
from conflictkit.builders.scaffold import init_dataset
from conflictkit.layout.release import read_events
from conflictkit.schema.arrow import to_arrow_table

BIN = Path(sys.executable).parent
EXE = BIN / "conflictkit"
NEW_EVENT = gusau_event("NIG90001", "2021-06-12", fatalities=7)


def ck(*args: str | Path, cwd: Path, env: dict[str, str] | None = None
       ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(EXE), *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={**os.environ, **(env or {})})


def rewrite_csv(path: Path, change) -> None:
    """Apply `change(rows)` to a CSV file's rows (header first) and write it back."""
    rows = list(csv.reader(io.StringIO(path.read_text())))
    change(rows)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue())


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    """A dataset with release 1.0.0 of 20 events (events/batch.csv) and an imported batch,
    then a pull request's changes: SYR6 deleted, NIG2's fatalities and notes edited, NIG90001
    added in a new file, and a candidate (left out, as a release leaves it out)."""
    root = tmp_path / "ds"
    init_dataset(root)
    (root / "events" / "example.yaml").unlink()
    make_events(20).to_csv(root / "events" / "batch.csv", index=False, date_format="%Y-%m-%d")
    (root / "imports").mkdir()
    imported = make_events(3, seed=5, start_number=500)
    pq.write_table(to_arrow_table(imported), root / "imports" / "old-export.parquet")
    assert ck("release", root, "--version", "1.0.0", "--timestamp", "2024-01-01",
              cwd=root).returncode == 0

    def edit(rows: list[list[str]]) -> None:
        header = rows[0]
        ids = [r[0] for r in rows]
        edited = rows[ids.index("NIG2")]
        edited[header.index("fatalities")] = str(int(edited[header.index("fatalities")]) + 5)
        edited[header.index("notes")] += " Updated toll."
        del rows[ids.index("SYR6")]

    rewrite_csv(root / "events" / "batch.csv", edit)
    (root / "events" / "new.yaml").write_text(NEW_EVENT)
    (root / "events" / "candidate.yaml").write_text(
        NEW_EVENT.replace("NIG90001", "NIG90002").replace("2021-06-12", "2021-06-20")
        + "  status: candidate\n")
    return root


def release_facts(root: Path) -> tuple[dict, dict]:
    """(fatalities by ID, country by ID) of release 1.0.0, read independently."""
    table = read_events(root / "releases" / "1.0.0").to_pandas()
    return (dict(zip(table["event_id_cnty"], table["fatalities"], strict=True)),
            dict(zip(table["event_id_cnty"], table["country"], strict=True)))


#: how a runner starts a `run:` step: GitHub's default shell, and `shell: bash`
SHELLS = {"default": ["bash", "-e"], "bash": ["bash", "--noprofile", "--norc", "-eo", "pipefail"]}


def run_workflow_step(root: Path, tmp_path: Path, shell: str = "bash"
                      ) -> tuple[subprocess.CompletedProcess, Path, Path]:
    """The workflow's "Validate events" step, run as a runner runs it."""
    workflow = yaml.safe_load((root / ".github/workflows/validate.yml").read_text())
    step = next(s for s in workflow["jobs"]["validate"]["steps"]
                if s.get("name") == "Validate events")
    runner_temp = tmp_path / f"runner-temp-{shell}"
    runner_temp.mkdir()
    summary = tmp_path / f"step-summary-{shell}.md"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
           "RUNNER_TEMP": str(runner_temp), "GITHUB_STEP_SUMMARY": str(summary)}
    result = subprocess.run([*SHELLS[shell], "-c", step["run"]], cwd=root, env=env,
                            capture_output=True, text=True, timeout=300)
    return result, summary, runner_temp / "conflictkit-changes.json"


def test_the_workflow_step_summarises_the_changes_and_writes_the_artifact(dataset: Path,
                                                                         tmp_path: Path) -> None:
    result, summary, artifact = run_workflow_step(dataset, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    text = summary.read_text()
    # the problems first, then the changes
    assert text.index("## conflictkit validate") < text.index("## Changes against release 1.0.0")
    # the imported batch (not under events/) is not "deleted"; the candidate is not "added"
    assert "**1 added, 1 modified, 1 deleted**" in text
    assert "Not compared: 1 candidate event (a release leaves candidates out" in text
    old_fatalities, _ = release_facts(dataset)
    net = 7 + 5 - int(old_fatalities["SYR6"])
    assert f"Fatalities: {'+' if net > 0 else '−'}{abs(net)} (added +7, modified +5, " \
           f"deleted −{old_fatalities['SYR6']})" in text
    assert "| Nigeria | 1 | 1 |  | +12 |" in text
    assert "Fields changed: fatalities (1), notes (1)" in text
    assert "| NIG90001 | Nigeria | Violence against civilians | 2021-06-12 | 7 | " \
           "events/new.yaml:1 |" in text
    assert "| NIG2 | Nigeria |" in text and "| notes, fatalities | " in text
    assert "| SYR6 | Syria |" in text
    assert "conflictkit-changes.json` (--diff-json)" not in text  # nothing was cut

    document = json.loads(artifact.read_text())
    assert document["summary"] == {"old_events": 23, "new_events": 23, "added": 1,
                                   "modified": 1, "deleted": 1, "unchanged": 21}
    assert [e["event_id_cnty"] for e in document["added"]] == ["NIG90001"]
    assert [e["event_id_cnty"] for e in document["deleted"]] == ["SYR6"]
    (modified,) = document["modified"]
    assert modified["fields"] == ["notes", "fatalities"]
    old = int(old_fatalities["NIG2"])
    assert modified["changes"]["fatalities"] == {"old": old, "new": old + 5}
    assert modified["changes"]["notes"]["new"].endswith(" Updated toll.")
    assert document["fatalities"]["net"] == net
    assert document["left_out"] == {"candidates": 1, "imports_folded": 0, "repeated_ids": 0}


@pytest.mark.parametrize("shell", sorted(SHELLS))
def test_without_a_release_the_step_passes_and_writes_no_artifact(tmp_path: Path,
                                                                  shell: str) -> None:
    root = tmp_path / "fresh"
    init_dataset(root)
    result, summary, artifact = run_workflow_step(root, tmp_path, shell)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Changes against" not in summary.read_text() and not artifact.exists()


def test_the_summary_is_capped_and_the_json_lists_everything(dataset: Path,
                                                             tmp_path: Path) -> None:
    from conflictkit.reference.countries import countries

    many = make_events(60, seed=9, start_number=7000)
    names = countries()["country"].tolist()[:30]
    many["country"] = [names[i % 30] for i in range(60)]  # 30 countries: more than the cap
    many.to_csv(dataset / "events" / "more.csv", index=False, date_format="%Y-%m-%d")
    out = tmp_path / "changes.json"
    summary = tmp_path / "summary.md"
    result = ck("validate", "events", "--release", "releases", "--format", "github",
                "--diff-json", out, cwd=dataset, env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 1  # the relabelled countries are invalid; they still count
    text = summary.read_text()
    added = text.split("**Added** (61, first 20)")[1].split("**Modified**")[0]
    assert added.count("\n| ") == LISTED_EVENTS + 1  # header + the first 20
    document = json.loads(out.read_text())
    # 32 countries changed (the 30, Nigeria, Syria): 15 shown, the rest in one row
    assert len(document["added"]) == 61 and len(document["by_country"]) == 32
    assert f"| … {32 - TABLE_ROWS} more |" in text
    assert "`changes.json` (--diff-json) lists every event" in text
    # the counts the cut table shows still add up: shown rows plus the "more" row
    country = text.split("| country |")[1].split("\n\n")[0]
    cells = [line.split("|")[2].strip() for line in country.splitlines()[2:]]
    assert sum(int(c.replace(",", "")) for c in cells if c) == 61


def test_untrusted_values_cannot_break_the_summary(dataset: Path) -> None:
    events = make_events(1, seed=3, start_number=8000)
    events["country"] = "<img src=x>|Narnia"
    table = to_arrow_table(events).to_pandas()
    side = pd.DataFrame({"file": ["events/x.csv"], "line": [2], "status": [None],
                         "origin": ["contribution"]})
    changes = pending_changes(files_table(table, side), dataset / "releases" / "1.0.0")
    text = changes.markdown(title="t")
    assert "<img" not in text and "&lt;img src=x&gt;\\|Narnia" in text


def test_diff_markdown_renders_two_releases_like_the_pull_request(dataset: Path,
                                                                  tmp_path: Path) -> None:
    out = tmp_path / "pr.json"
    summary = tmp_path / "summary.md"
    assert ck("validate", "events", "--release", "releases", "--format", "github",
              "--diff-json", out, cwd=dataset,
              env={"GITHUB_STEP_SUMMARY": str(summary)}).returncode == 0
    assert ck("release", dataset, "--version", "1.1.0", "--timestamp", "2024-02-01",
              cwd=dataset).returncode == 0
    result = ck("diff", "releases/1.0.0", "releases/1.1.0", "--format", "markdown",
                cwd=dataset)
    assert result.returncode == 0, result.stderr
    diff = result.stdout
    assert diff.startswith("## Changes from 1.0.0 to 1.1.0\n")
    pr = summary.read_text().split("## Changes against release 1.0.0")[1]

    def tables(text: str) -> list[str]:
        """The counts, fatalities and count tables (the listings differ by the file column)."""
        lines = text.splitlines()
        kept = [line for line in lines if line.startswith(("**", "Fatalities", "Fields",
                                                           "| country", "| event type"))]
        counts = [line for line in lines if line.startswith("| ") and "|---" not in line
                  and not line.startswith(("| event |", "| NIG", "| SYR"))]
        return [line.split(" (")[0] for line in kept] + counts

    assert tables(diff) == tables(pr)
    # and the JSON of diff agrees with the pull request's artifact on every event
    document = json.loads(ck("diff", "releases/1.0.0", "releases/1.1.0", "-f", "json",
                             cwd=dataset).stdout)
    pr_document = json.loads(out.read_text())
    assert document["added"] == [e["event_id_cnty"] for e in pr_document["added"]]
    assert document["deleted"] == [e["event_id_cnty"] for e in pr_document["deleted"]]
    assert document["modified"][0]["changes"] == pr_document["modified"][0]["changes"]


def test_usage_errors_write_nothing(dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "changes.json"
    result = ck("validate", "events", "--diff-json", out, cwd=dataset)
    assert result.returncode == 2 and "give --release too" in result.stderr
    result = ck("validate", "events", "--release", "releases", "--diff-json",
                tmp_path / "missing" / "c.json", cwd=dataset)
    assert result.returncode == 2 and "no such folder" in result.stderr
    loose = tmp_path / "loose"
    loose.mkdir()
    (loose / "a.yaml").write_text(NEW_EVENT)
    result = ck("validate", "a.yaml", "--release", dataset / "releases", "--diff-json", out,
                cwd=loose)
    assert result.returncode == 2 and "not in a dataset repository" in result.stderr
    assert not out.exists()
    # a folder where the file should go: a clear error, no stray temporary file
    (tmp_path / "adir").mkdir()
    result = ck("validate", "events", "--release", "releases", "--diff-json",
                tmp_path / "adir", cwd=dataset)
    assert result.returncode == 1 and "cannot write" in result.stderr
    assert "Traceback" not in result.stderr
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    # a broken release: a usage error naming it, not a traceback
    broken = dataset / "releases" / "2.0.0"
    broken.mkdir()
    (broken / "events.parquet").write_text("not parquet")
    result = ck("validate", "events", "--release", broken, "--format", "github", cwd=dataset)
    assert result.returncode == 2 and "2.0.0" in result.stderr
    assert "Traceback" not in result.stderr


def test_partitioned_release_and_repeated_ids(dataset: Path, tmp_path: Path) -> None:
    # a release of the files as they now are, in the year layout
    assert ck("release", dataset, "--version", "1.0.1", "--partition", "year", "--out",
              tmp_path / "parts", "--timestamp", "2024-01-02", cwd=dataset).returncode == 0
    assert (tmp_path / "parts" / "1.0.1" / "events").is_dir()
    # then one more edit, and a second file reusing NIG90001
    rewrite_csv(dataset / "events" / "batch.csv",
                lambda rows: rows[1].__setitem__(rows[0].index("location"), "Town Zero"))
    (dataset / "events" / "copy.yaml").write_text(NEW_EVENT.replace("fatalities: 7",
                                                                    "fatalities: 9"))
    out = tmp_path / "c.json"
    result = ck("validate", "events", "--release", tmp_path / "parts" / "1.0.1",
                "--diff-json", out, cwd=dataset)
    assert result.returncode == 1  # NIG90001 twice: rejected, and compared once
    document = json.loads(out.read_text())
    assert document["left_out"]["repeated_ids"] == 1
    assert (document["summary"]["added"], document["summary"]["deleted"]) == (0, 0)
    changes = {e["event_id_cnty"]: e["changes"] for e in document["modified"]}
    # the first record with the repeated ID (events/copy.yaml, in path order) is compared
    assert changes == {"SYR1": {"location": {"old": "Town 0", "new": "Town Zero"}},
                       "NIG90001": {"fatalities": {"old": 7, "new": 9}}}


def test_an_imported_batch_is_compared_whether_or_not_it_has_the_release_types(
        dataset: Path, tmp_path: Path) -> None:
    from conflictkit.builders.release.pending import batch_table

    batch = dataset / "imports" / "old-export.parquet"
    assert batch_table(batch, "imports/old-export.parquet") is not None  # read as it stands
    summaries = []
    for loose in (False, True):
        if loose:  # another tool's table: every column text, read as validate reads it
            table = pq.read_table(batch)
            pq.write_table(table.cast(pa.schema([pa.field(f.name, pa.string())
                                                 for f in table.schema])), batch)
            assert batch_table(batch, "x") is None
        out = tmp_path / f"changes-{loose}.json"
        assert ck("validate", "events", "--release", "releases", "--diff-json", out,
                  cwd=dataset).returncode == 0
        document = json.loads(out.read_text())
        summaries.append((document["summary"], document["fatalities"]))
    assert summaries[0] == summaries[1]
    assert summaries[0][0]["deleted"] == 1  # the imported events are not deleted either way


def test_overlapping_imports_are_folded_as_a_release_folds_them(dataset: Path,
                                                                tmp_path: Path) -> None:
    # a later pull of the same export: one event revised (newer timestamp), one identical.
    # Each batch has its provenance beside it, as `conflictkit import -o` writes it: that is
    # what makes its events imported (and so folded, not duplicates)
    def provenance(batch: Path) -> None:
        ids = pq.read_table(batch, columns=["event_id_cnty"]).column("event_id_cnty")
        pq.write_table(pa.table({"event_id_cnty": ids, "line": list(range(2, len(ids) + 2))}),
                       batch.with_name(batch.stem + ".provenance.parquet"))

    provenance(dataset / "imports" / "old-export.parquet")
    old = pq.read_table(dataset / "imports" / "old-export.parquet").to_pandas()
    newer = old.iloc[:2].copy()
    revised = newer.index[0]
    newer.loc[revised, "fatalities"] = int(newer.loc[revised, "fatalities"]) + 4
    newer.loc[revised, "timestamp"] = 1_700_000_000  # the old versions have none: older
    # named to sort after the old batch: path order alone would keep the old version
    pq.write_table(to_arrow_table(newer), dataset / "imports" / "z-newer.parquet")
    provenance(dataset / "imports" / "z-newer.parquet")
    out = tmp_path / "c.json"
    result = ck("validate", "events", "--release", "releases", "--diff-json", out,
                cwd=dataset)
    assert result.returncode == 0, result.stdout
    document = json.loads(out.read_text())
    assert document["left_out"]["imports_folded"] == 2
    revised_id = newer.loc[revised, "event_id_cnty"]
    changes = {e["event_id_cnty"]: e["changes"] for e in document["modified"]}
    assert changes[revised_id] == {"fatalities": {
        "old": int(old.loc[revised, "fatalities"]),
        "new": int(old.loc[revised, "fatalities"]) + 4}}
    # and a release of these files agrees
    assert ck("release", dataset, "--version", "1.1.0", "--timestamp", "2024-02-01",
              cwd=dataset).returncode == 0
    release = json.loads(ck("diff", "releases/1.0.0", "releases/1.1.0", "-f", "json",
                            cwd=dataset).stdout)
    assert release["summary"] == document["summary"]
    assert {m["event_id_cnty"] for m in release["modified"]} == set(changes)
