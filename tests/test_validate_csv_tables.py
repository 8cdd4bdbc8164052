"""CSV tables given to validate: a CSV with every ACLED column (an export, a release's
events.csv) is checked as it stands, like a Parquet table, with the line of each record; any
other CSV is a contribution."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conflictkit.builders.contributions import check_paths
from conflictkit.builders.release.gather import release_dataset
from conflictkit.layout.dataset import is_table_header
from conflictkit.schema.columns import COLUMN_NAMES

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "dataset"
EXE = Path(sys.executable).with_name("conflictkit")


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example dataset's release (events.parquet, events.csv, provenance ...)."""
    root = tmp_path_factory.mktemp("release")
    dataset = root / "dataset"
    shutil.copytree(EXAMPLE, dataset, ignore=shutil.ignore_patterns("releases"))
    return release_dataset(dataset, version="1.0.0", out=root / "out",
                           timestamp=1_700_000_000, partition="none").path


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _problems(path: Path) -> list[tuple]:
    report = check_paths([path]).report
    return [(p.line, p.rule, p.column, p.severity)
            for p in report.problems.itertuples(index=False)]


def test_the_rule_is_the_complete_acled_header() -> None:
    assert is_table_header(COLUMN_NAMES)
    assert is_table_header(["id", *reversed(COLUMN_NAMES), "actor_dyad"])
    assert not is_table_header(COLUMN_NAMES[:-1])  # no timestamp: a contribution


def test_a_release_events_csv_is_checked_like_its_parquet(release: Path) -> None:
    csv_batch = check_paths([release / "events.csv"])
    parquet_batch = check_paths([release / "events.parquet"])
    assert csv_batch.report.summary() == parquet_batch.report.summary()
    assert csv_batch.report.ok
    assert (csv_batch.side["origin"] == parquet_batch.side["origin"]).all()
    assert csv_batch.side["line"].tolist() == list(range(2, len(csv_batch.events) + 2))
    events = csv_batch.events.astype(object).where(csv_batch.events.notna(), None)
    expected = parquet_batch.events.astype(object).where(parquet_batch.events.notna(), None)
    assert events.equals(expected)


def test_a_table_csv_is_checked_as_it_stands_with_lines(release: Path, tmp_path: Path) -> None:
    header, rows = _rows(release / "events.csv")
    rows[1][header.index("year")] = ""  # a contribution would have it derived
    rows[2][header.index("interaction")] = "State forces-Rebel group"  # wrong for its actors
    table = _write(tmp_path / "export.csv", [*header, "actor_dyad"],
                   [[*r, "x"] for r in rows])
    found = _problems(table)
    assert (3, "required", "year", "error") in found
    assert any(line == 4 and column == "interaction" for line, _r, column, _s in found)
    # a column that is not ACLED's: noted once for the file, not an error on every record
    assert [p for p in found if p[1] == "unknown_column"] == [
        (0, "unknown_column", "actor_dyad", "warning")]
    # the same rows without timestamp are a contribution: the year is derived, the extra column
    # is an error on every record
    del header[header.index("timestamp")]
    contribution = _write(tmp_path / "contribution.csv", [*header, "actor_dyad"],
                          [[*r[:-1], "x"] for r in rows])
    found = _problems(contribution)
    assert not any(rule == "required" and column == "year" for _l, rule, column, _s in found)
    assert sum(rule == "unknown_key" for _l, rule, _c, _s in found) == len(rows)


def test_unknown_actors_in_a_table_are_counted_per_name(release: Path, tmp_path: Path) -> None:
    header, rows = _rows(release / "events.csv")
    for row in rows[:3]:
        row[header.index("assoc_actor_1")] = "Nobody Known Militia"
    found = check_paths([_write(tmp_path / "t.csv", header, rows)]).report.problems
    unknown = found[(found["rule"] == "unknown_actor") & (found["value"] == "Nobody Known Militia")]
    assert len(unknown) == 1 and "(3 records)" in unknown["message"].iloc[0]


def test_a_malformed_row_of_a_table_is_reported_with_its_line(release: Path,
                                                              tmp_path: Path) -> None:
    text = (release / "events.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    text[3] = text[3].replace(",", ',"x"y,', 1)  # one field too many (and a stray "y")
    path = tmp_path / "broken.csv"
    path.write_text("".join(text), encoding="utf-8")
    report = check_paths([path]).report
    bad = report.problems[report.problems["rule"] == "unreadable_record"]
    assert bad["line"].tolist() == [4] and "has 32 fields" in bad["message"].iloc[0]
    assert report.records == len(text) - 1 and report.rejected >= 1


def test_a_table_is_read_as_the_importer_reads_it(release: Path, tmp_path: Path) -> None:
    """A table skips the strict-quoting pass (contribution files keep it): stray characters
    after a closing quote stay in the value, as `conflictkit import acled` keeps them; a quote
    left open joins rows into one with too many fields, reported with its line."""
    header, rows = _rows(release / "events.csv")
    lines = _write(tmp_path / "t.csv", header, rows).read_text(encoding="utf-8").splitlines(
        keepends=True)
    notes = rows[0][header.index("notes")]
    lines[1] = lines[1].replace(f'"{notes}"' if f'"{notes}"' in lines[1] else notes,
                                f'"{notes}"x', 1)
    path = tmp_path / "stray.csv"
    path.write_text("".join(lines), encoding="utf-8")
    batch = check_paths([path])
    assert batch.events["notes"].iloc[0] == notes + "x"
    lines[2] = lines[2].replace(",", ',"open', 1)
    path.write_text("".join(lines), encoding="utf-8")
    report = check_paths([path]).report
    bad = report.problems[report.problems["rule"] == "unreadable_record"]
    assert bad["line"].tolist() == [3]


def test_cli_validates_a_release_events_csv(release: Path) -> None:
    done = subprocess.run([str(EXE), "validate", str(release / "events.csv"), "--format",
                           "json", "-q"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["ok"] and document["summary"]["records"] > 0
