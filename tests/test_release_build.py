"""Building releases through the Python API: contents, timestamps, deletions, reproducibility,
both layouts, and every way a build can be refused or fail without leaving a release behind."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from test_release_fixtures import make_events, make_side

from conflictkit.builders.release import build as build_module
from conflictkit.builders.release import write as write_module
from conflictkit.builders.release.build import ReleaseRefused, build_release
from conflictkit.builders.release.metadata import DatasetMetadata
from conflictkit.builders.release.verify import verify_release
from conflictkit.errors import ConflictkitError, UsageError
from conflictkit.layout.release import RELEASE_FILES, open_release_dataset, read_events
from conflictkit.schema.arrow import arrow_schema, from_arrow_table
from conflictkit.schema.columns import COLUMN_NAMES

T1 = 1_704_067_200  # 2024-01-01
T2 = 1_706_745_600  # 2024-02-01
T3 = 1_709_251_200  # 2024-03-01
META = DatasetMetadata(name="test-events", title="Test events",
                       licenses=[{"name": "CC-BY-4.0"}])


def _build(events, root, version, ts, side=None, **kw):
    return build_release(events, side if side is not None else make_side(events), root=root,
                         version=version, timestamp=ts, metadata=META, **kw)


def _files(path: Path) -> dict[str, bytes]:
    return {p.relative_to(path).as_posix(): p.read_bytes()
            for p in sorted(path.rglob("*")) if p.is_file()}


def _leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name != ".release.lock")


def _second(events: pd.DataFrame) -> pd.DataFrame:
    """Edit event 1, delete event 2, add two events."""
    new = events.copy()
    new.loc[1, "fatalities"] = 321
    new = new.drop(index=[2])
    return pd.concat([new, make_events(2, seed=7, start_number=900)], ignore_index=True)


# ---- contents of a first release ---------------------------------------------------------------


def test_first_release_files_and_contents(tmp_path: Path) -> None:
    events = make_events(40)
    result = _build(events, tmp_path, "1.0.0", T1)
    release = tmp_path / "1.0.0"
    assert result.path == release
    names = sorted(p.name for p in release.iterdir())
    assert names == sorted(["events.parquet", "events.csv", "deletions.csv",
                            "provenance.parquet", "repairs.parquet", "report.html",
                            "datapackage.json",
                            "codebook.md", "CHANGELOG.md", "SHA256SUMS"])
    assert result.changes.added == 40 and result.previous is None

    parquet = pq.ParquetFile(release / "events.parquet")
    schema = parquet.schema_arrow
    assert schema.names == list(COLUMN_NAMES)
    assert [f.type for f in schema] == [f.type for f in arrow_schema()]
    assert b"pandas" not in (schema.metadata or {})
    assert parquet.metadata.row_group(0).column(0).compression == "ZSTD"
    table = parquet.read()
    keys = table.select(["country", "event_date", "event_id_cnty"]).to_pylist()
    assert keys == sorted(keys, key=lambda r: (r["country"], r["event_date"],
                                               r["event_id_cnty"]))
    assert set(table.column("timestamp").to_pylist()) == {T1}
    back = from_arrow_table(table).drop(columns="timestamp")
    original = events.drop(columns="timestamp").set_index("event_id_cnty")
    pd.testing.assert_frame_equal(back.set_index("event_id_cnty").loc[original.index], original)


def test_csv_is_rfc4180_lf_iso_dates_and_reads_back_equal(tmp_path: Path) -> None:
    events = make_events(25)
    events.loc[0, "notes"] = 'A "quoted" phrase, commas; semicolons and ünïcödé'
    _build(events, tmp_path, "1.0.0", T1)
    raw = (tmp_path / "1.0.0" / "events.csv").read_bytes()
    assert b"\r\n" not in raw and raw.endswith(b"\n")
    header = raw.split(b"\n", 1)[0].decode()
    assert header.replace('"', "").split(",") == list(COLUMN_NAMES)
    assert raw.decode("utf-8")  # UTF-8
    csv_table = pa_csv.read_csv(io.BytesIO(raw), convert_options=pa_csv.ConvertOptions(
        column_types=arrow_schema(), strings_can_be_null=True))
    parquet_table = read_events(tmp_path / "1.0.0")
    assert csv_table.cast(parquet_table.schema).equals(parquet_table)
    first_date = csv_table.column("event_date")[0].as_py().isoformat()
    assert f",{first_date}," in raw.decode()


def test_datapackage_records_files_schema_versions_and_release_time(tmp_path: Path) -> None:
    events = make_events(15)
    _build(events, tmp_path, "1.0.0", T1)
    release = tmp_path / "1.0.0"
    document = json.loads((release / "datapackage.json").read_text())
    assert document["version"] == "1.0.0"
    assert document["created"] == "2024-01-01T00:00:00Z"
    assert document["licenses"] == [{"name": "CC-BY-4.0"}]
    assert document["sources"]
    software = document["conflictkit"]["software"]
    assert software["pyarrow"] == pa.__version__ and software["pandas"] == pd.__version__
    by_path = {r["path"]: r for r in document["resources"]}
    for path in ("events.parquet", "events.csv", "deletions.csv", "provenance.parquet"):
        data = (release / path).read_bytes()
        # Parquet resources carry no bytes: frictionless cannot count them (it reads Parquet
        # through pyarrow) and would call any number wrong; the hash pins them all the same
        assert by_path[path].get("bytes", len(data)) == len(data)
        assert ("bytes" in by_path[path]) == path.endswith(".csv")
        assert by_path[path]["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert by_path["events.parquet"]["rows"] == 15 == by_path["events.csv"]["rows"]
    fields = [f["name"] for f in by_path["events.parquet"]["schema"]["fields"]]
    assert fields == list(COLUMN_NAMES)


def test_sha256sums_is_checkable_by_sha256sum(tmp_path: Path) -> None:
    _build(make_events(5), tmp_path, "1.0.0", T1)
    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum not installed")
    run = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path / "1.0.0",
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count(": OK") == len([f for f in RELEASE_FILES if f.in_checksums])


def test_provenance_is_keyed_by_id_in_event_order(tmp_path: Path) -> None:
    events = make_events(20)
    side = make_side(events, file="events/hand.yaml")
    _build(events, tmp_path, "1.0.0", T1, side=side)
    provenance = pq.read_table(tmp_path / "1.0.0" / "provenance.parquet").to_pandas()
    published = read_events(tmp_path / "1.0.0", columns=["event_id_cnty"])
    assert provenance["event_id_cnty"].tolist() == published.column(0).to_pylist()
    expected = dict(zip(events["event_id_cnty"], side["source_url"], strict=True))
    assert all(expected[i] == u for i, u in zip(provenance["event_id_cnty"],
                                                provenance["source_url"], strict=True))
    assert set(provenance["file"]) == {"events/hand.yaml"}
    assert "event_date" not in provenance.columns


def test_row_groups_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(write_module._PARQUET_OPTIONS, "row_group_size", 10)
    _build(make_events(35), tmp_path, "1.0.0", T1)
    meta = pq.read_metadata(tmp_path / "1.0.0" / "events.parquet")
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    assert sum(sizes) == 35 and max(sizes) <= 10
    # a country big enough for groups of its own (>= 10 / 4 events) shares none of them
    table = pq.read_table(tmp_path / "1.0.0" / "events.parquet", columns=["country"])
    countries = table.column("country").to_pylist()
    counts = {c: countries.count(c) for c in set(countries)}
    first = 0
    for size in sizes:
        inside = set(countries[first:first + size])
        assert len(inside) == 1 or all(counts[c] * 4 < 10 for c in inside)
        first += size


# ---- later releases ---------------------------------------------------------------------------


def test_timestamps_and_deletions_across_three_releases(tmp_path: Path) -> None:
    v1 = make_events(30)
    _build(v1, tmp_path, "1.0.0", T1)
    v2 = _second(v1)
    result = _build(v2, tmp_path, "1.1.0", T2)
    assert result.previous == "1.0.0"
    assert result.changes.to_dict() == {"added": 2, "modified": 1, "deleted": 1,
                                        "unchanged": 28}
    stamps = dict(zip(*read_events(tmp_path / "1.1.0", columns=["event_id_cnty", "timestamp"])
                      .to_pydict().values(), strict=True))
    edited, deleted = v1.loc[1, "event_id_cnty"], v1.loc[2, "event_id_cnty"]
    assert stamps[edited] == T2
    assert all(stamps[i] == T2 for i in v2["event_id_cnty"].iloc[-2:])
    assert stamps[v1.loc[0, "event_id_cnty"]] == T1
    assert deleted not in stamps

    v3 = v2[v2["event_id_cnty"] != v1.loc[5, "event_id_cnty"]]
    _build(v3, tmp_path, "1.2.0", T3)
    deletions = pa_csv.read_csv(tmp_path / "1.2.0" / "deletions.csv").to_pylist()
    assert deletions == [{"event_id_cnty": deleted, "deleted_timestamp": T2},
                         {"event_id_cnty": v1.loc[5, "event_id_cnty"], "deleted_timestamp": T3}]
    stamps3 = dict(zip(*read_events(tmp_path / "1.2.0", columns=["event_id_cnty", "timestamp"])
                       .to_pydict().values(), strict=True))
    assert stamps3[edited] == T2  # unchanged since 1.1.0: keeps 1.1.0's time
    changelog = (tmp_path / "1.2.0" / "CHANGELOG.md").read_text()
    assert "since 1.1.0" in changelog and v1.loc[5, "event_id_cnty"] in changelog


def test_rebuilding_an_unchanged_dataset_changes_no_timestamp(tmp_path: Path) -> None:
    events = make_events(20)
    _build(events, tmp_path, "1.0.0", T1)
    result = _build(events.sample(frac=1, random_state=3), tmp_path, "1.0.1", T2)
    assert result.changes.to_dict() == {"added": 0, "modified": 0, "deleted": 0,
                                        "unchanged": 20}
    assert (tmp_path / "1.0.0" / "events.parquet").read_bytes() == \
        (tmp_path / "1.0.1" / "events.parquet").read_bytes()


def test_a_deleted_id_cannot_come_back(tmp_path: Path) -> None:
    v1 = make_events(10)
    _build(v1, tmp_path, "1.0.0", T1)
    _build(v1.drop(index=[3]), tmp_path, "1.1.0", T2)
    with pytest.raises(ReleaseRefused) as caught:
        _build(v1, tmp_path, "1.2.0", T3)
    problems = caught.value.report.problems
    assert problems["rule"].tolist() == ["deleted_id_reused"]
    assert problems["event_id"].tolist() == [v1.loc[3, "event_id_cnty"]]
    assert problems["file"].tolist() == ["events/batch.yaml"]
    assert not (tmp_path / "1.2.0").exists()


def test_release_time_must_follow_the_previous_release(tmp_path: Path) -> None:
    events = make_events(5)
    _build(events, tmp_path, "1.0.0", T2)
    with pytest.raises(UsageError, match="not after the latest timestamp"):
        _build(_second(events), tmp_path, "1.1.0", T1)
    assert _leftovers(tmp_path) == ["1.0.0"]


# ---- reproducibility and layouts --------------------------------------------------------------


@pytest.mark.parametrize("partition", ["none", "year"])
def test_same_inputs_give_byte_identical_releases(tmp_path: Path, partition: str) -> None:
    events = make_events(60)
    for root in ("a", "b"):
        _build(events, tmp_path / root, "1.0.0", T1, partition=partition)
        _build(_second(events), tmp_path / root, "1.1.0", T2, partition=partition)
    for version in ("1.0.0", "1.1.0"):
        first = _files(tmp_path / "a" / version)
        second = _files(tmp_path / "b" / version)
        assert first.keys() == second.keys()
        for name in first:
            assert first[name] == second[name], name


def test_input_order_does_not_change_the_bytes(tmp_path: Path) -> None:
    events = make_events(50)
    _build(events, tmp_path / "a", "1.0.0", T1)
    order = np.random.default_rng(11).permutation(len(events))
    shuffled = events.iloc[order].reset_index(drop=True)
    side = make_side(events).iloc[order].reset_index(drop=True)
    _build(shuffled, tmp_path / "b", "1.0.0", T1, side=side)
    assert _files(tmp_path / "a/1.0.0") == _files(tmp_path / "b/1.0.0")


def test_year_partitioned_layout_holds_the_same_events(tmp_path: Path) -> None:
    events = make_events(80)
    _build(events, tmp_path / "single", "1.0.0", T1, partition="none")
    result = _build(events, tmp_path / "parts", "1.0.0", T1, partition="year")
    release = tmp_path / "parts" / "1.0.0"
    assert result.layout == "year" and not (release / "events.parquet").exists()
    years = sorted(int(p.parent.name.split("=")[1])
                   for p in release.glob("events/year=*/part-0.parquet"))
    assert years == sorted(events["year"].unique().tolist())
    one = pq.read_schema(release / f"events/year={years[0]}/part-0.parquet")
    assert "year" not in one.names and len(one.names) == 30
    single = read_events(tmp_path / "single" / "1.0.0")
    parts = read_events(release)
    key = [("event_id_cnty", "ascending")]
    assert parts.sort_by(key).equals(single.sort_by(key))
    assert open_release_dataset(release).schema.names == list(COLUMN_NAMES)
    assert verify_release(release).ok
    later = _build(_second(events), tmp_path / "parts", "1.1.0", T2, partition="year")
    assert later.changes.modified == 1 and later.changes.deleted == 1


def test_pandas_duckdb_and_pyarrow_read_the_partitioned_layout(tmp_path: Path) -> None:
    events = make_events(30)
    _build(events, tmp_path, "1.0.0", T1, partition="year")
    events_dir = tmp_path / "1.0.0" / "events"
    frame = pd.read_parquet(events_dir)
    assert len(frame) == 30 and sorted(frame["year"].astype(int).unique()) == \
        sorted(events["year"].unique())
    duckdb = pytest.importorskip("duckdb")
    rows = duckdb.sql(f"select count(*), min(year) from read_parquet('{events_dir}/*/*.parquet',"
                      " hive_partitioning=true)").fetchall()
    assert rows == [(30, events["year"].min())]


def test_auto_partition_switches_above_the_threshold(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build_module, "AUTO_PARTITION_ROWS", 20)
    assert _build(make_events(15), tmp_path / "a", "1.0.0", T1).layout == "single"
    assert _build(make_events(25), tmp_path / "b", "1.0.0", T1).layout == "year"


# ---- refusals and failures leave nothing behind -----------------------------------------------


def test_invalid_events_are_refused_with_the_validation_report(tmp_path: Path) -> None:
    events = make_events(10)
    events.loc[4, "sub_event_type"] = "Peaceful protest"  # not a sub-event of its event type
    events.loc[4, "event_type"] = "Battles"
    events.loc[6, "latitude"] = 123.0
    with pytest.raises(ReleaseRefused) as caught:
        _build(events, tmp_path, "1.0.0", T1)
    report = caught.value.report
    assert report.rejected == 2 and report.records == 10
    assert set(report.errors["event_id"]) == {events.loc[4, "event_id_cnty"],
                                              events.loc[6, "event_id_cnty"]}
    assert set(report.errors["file"]) == {"events/batch.yaml"}
    assert set(report.errors["line"]) == {50, 70}
    assert _leftovers(tmp_path) == []


def test_an_existing_version_is_never_overwritten(tmp_path: Path) -> None:
    events = make_events(10)
    _build(events, tmp_path, "1.0.0", T1)
    before = _files(tmp_path / "1.0.0")
    with pytest.raises(ConflictkitError, match="already exists"):
        _build(_second(events), tmp_path, "1.0.0", T2)
    assert _files(tmp_path / "1.0.0") == before
    assert _leftovers(tmp_path) == ["1.0.0"]


def test_a_corrupted_previous_release_stops_the_build(tmp_path: Path) -> None:
    events = make_events(10)
    _build(events, tmp_path, "1.0.0", T1)
    target = tmp_path / "1.0.0" / "events.parquet"
    target.chmod(0o644)
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(ConflictkitError, match="events.parquet does not match its checksum"):
        _build(_second(events), tmp_path, "1.1.0", T2)
    assert _leftovers(tmp_path) == ["1.0.0"]


@pytest.mark.parametrize("missing", ["SHA256SUMS", "events.parquet"])
def test_an_incomplete_previous_release_stops_the_build(tmp_path: Path, missing: str) -> None:
    events = make_events(10)
    _build(events, tmp_path, "1.0.0", T1)
    (tmp_path / "1.0.0" / missing).unlink()
    with pytest.raises(ConflictkitError, match="not a complete release|no events"):
        _build(_second(events), tmp_path, "1.1.0", T2)
    assert _leftovers(tmp_path) == ["1.0.0"]


def test_a_full_disk_leaves_no_release_and_no_staging(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def full(self, year, chunk: pa.Table) -> None:
        calls.append(chunk.num_rows)
        if len(calls) == 2:  # the disk fills up in the middle of the file
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(self, year, chunk)

    real_write = write_module.CsvSink.write
    monkeypatch.setitem(write_module._PARQUET_OPTIONS, "row_group_size", 3)
    monkeypatch.setattr(write_module.CsvSink, "write", full)
    with pytest.raises(ConflictkitError, match="events.csv failed: no space left on device"):
        _build(make_events(10), tmp_path, "1.0.0", T1)
    assert _leftovers(tmp_path) == []


def test_an_interrupt_while_writing_leaves_nothing(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(self, year, chunk: pa.Table) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(write_module.ParquetSink, "write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _build(make_events(10), tmp_path, "1.0.0", T1)
    assert _leftovers(tmp_path) == []


def test_unwritable_output_directory_is_a_clear_error(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "out"
    root.mkdir()
    if os.geteuid() != 0:
        root.chmod(0o555)
    else:  # root ignores permissions: fail the first write into the root instead
        real_open = os.open

        def deny(path, flags, *args, **kwargs):
            if Path(path).parent == root and flags & os.O_CREAT:
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", deny)
    try:
        with pytest.raises(ConflictkitError, match="cannot write to .*permission denied"):
            _build(make_events(5), root, "1.0.0", T1)
    finally:
        root.chmod(0o755)
    assert list(root.iterdir()) == []


def test_a_second_build_at_once_is_refused(tmp_path: Path) -> None:
    tmp_path.joinpath(".release.lock").touch()
    fd = os.open(tmp_path / ".release.lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(ConflictkitError, match="another release build is running"):
            _build(make_events(5), tmp_path, "1.0.0", T1)
    finally:
        os.close(fd)
    assert _leftovers(tmp_path) == []


def test_staging_left_by_a_killed_build_is_cleaned_up(tmp_path: Path) -> None:
    stale = tmp_path / ".staging-1.0.0-dead"
    stale.mkdir()
    (stale / "events.csv").write_text("half")
    _build(make_events(5), tmp_path, "1.0.0", T1)
    assert _leftovers(tmp_path) == ["1.0.0"]


def test_published_files_are_read_only(tmp_path: Path) -> None:
    _build(make_events(5), tmp_path, "1.0.0", T1)
    modes = {p.name: p.stat().st_mode & 0o777 for p in (tmp_path / "1.0.0").iterdir()
             if p.is_file()}
    assert all(mode & 0o222 == 0 for mode in modes.values()), modes


def test_side_frame_must_align_with_events(tmp_path: Path) -> None:
    events = make_events(5)
    with pytest.raises(ValueError, match="side frame"):
        build_release(events, make_side(events).iloc[:3], root=tmp_path, version="1.0.0",
                      timestamp=T1)
    assert np.array_equal(events.index, np.arange(5))


# ---- incremental validation ---------------------------------------------------------------------


def test_a_later_release_checks_changed_events_against_unchanged_rules(tmp_path: Path) -> None:
    v1 = make_events(30)
    assert _build(v1, tmp_path, "1.0.0", T1).validation == "full"
    v2 = _second(v1)
    v2.loc[0, "latitude"] = 95.0  # an edit that breaks a rule
    with pytest.raises(ReleaseRefused) as caught:
        _build(v2, tmp_path, "1.1.0", T2)
    errors = caught.value.report.errors
    assert errors["event_id"].tolist() == [v1.loc[0, "event_id_cnty"]]
    assert errors["record"].tolist() == [0] and errors["line"].tolist() == [10]
    assert caught.value.report.records == len(v2)
    assert _build(_second(v1), tmp_path, "1.1.0", T2).validation == "incremental"


def test_a_repeated_id_is_caught_even_when_one_copy_is_unchanged(tmp_path: Path) -> None:
    v1 = make_events(10)
    _build(v1, tmp_path, "1.0.0", T1)
    copy = v1.iloc[[4]].copy()
    copy["notes"] = "Same ID, another event."
    with pytest.raises(ReleaseRefused) as caught:
        _build(pd.concat([v1, copy], ignore_index=True), tmp_path, "1.1.0", T2)
    errors = caught.value.report.errors
    assert set(errors["record"]) == {4, 10}
    assert set(errors["event_id"]) == {v1.loc[4, "event_id_cnty"]}


def test_unchanged_events_are_revalidated_when_the_rules_are_not_known_to_match(
        tmp_path: Path) -> None:
    v1 = make_events(10)
    v1.loc[3, "fatalities"] = -5  # published without validation
    _build(v1, tmp_path, "1.0.0", T1, validate="none")
    document = json.loads((tmp_path / "1.0.0" / "datapackage.json").read_text())
    assert document["conflictkit"]["rules_fingerprint"] is None
    with pytest.raises(ReleaseRefused) as caught:
        _build(v1, tmp_path, "1.1.0", T2)  # unchanged, but the old rules are unknown: full
    assert caught.value.report.errors["event_id"].tolist() == [v1.loc[3, "event_id_cnty"]]


def test_changed_rules_mean_full_validation(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    v1 = make_events(10)
    _build(v1, tmp_path, "1.0.0", T1)
    monkeypatch.setattr(build_module, "rules_fingerprint", lambda: "other rules")
    assert _build(_second(v1), tmp_path, "1.1.0", T2).validation == "full"


def test_frames_not_backed_by_arrow_give_the_same_release(tmp_path: Path) -> None:
    events = make_events(20)
    _build(events, tmp_path / "a", "1.0.0", T1)
    python_backed = events.copy()
    python_backed["notes"] = python_backed["notes"].astype(pd.StringDtype("python"))
    _build(python_backed, tmp_path / "b", "1.0.0", T1)
    assert _files(tmp_path / "a/1.0.0") == _files(tmp_path / "b/1.0.0")


def test_validation_in_slices_reports_what_one_pass_does(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    from conflictkit.schema.validate import validate_events

    events = make_events(40)
    events.loc[3, "latitude"] = 99.0
    events.loc[17, "event_type"] = "Battles"  # sub-event no longer fits
    events.loc[30, "event_id_cnty"] = events.loc[2, "event_id_cnty"]  # repeated across slices
    events.loc[11, "event_id_cnty"] = events.loc[12, "event_id_cnty"]  # repeated in one slice
    side = make_side(events)
    monkeypatch.setattr(build_module, "VALIDATION_SLICE", 7)
    sliced = build_module.validate_for_release(events, side)
    whole = validate_events(events, files=side["file"].to_numpy(),
                            lines=side["line"].to_numpy())
    key = ["record", "rule", "column", "event_id", "line", "file", "value"]
    assert sorted(map(tuple, sliced.problems[key].to_numpy().tolist())) == \
        sorted(map(tuple, whole.problems[key].to_numpy().tolist()))
    assert sliced.records == 40 and sliced.rejected == whole.rejected


def test_an_empty_dataset_makes_a_valid_empty_release(tmp_path: Path) -> None:
    empty = make_events(0)
    result = _build(empty, tmp_path, "0.1.0", T1, partition="year")
    assert result.rows == 0 and result.layout == "single"
    assert verify_release(tmp_path / "0.1.0").ok
    header = (tmp_path / "0.1.0" / "events.csv").read_text()
    assert header.count("\n") == 1 and header.startswith('"event_id_cnty"')
    later = _build(make_events(5), tmp_path, "0.2.0", T2)
    assert later.changes.added == 5 and later.previous == "0.1.0"
