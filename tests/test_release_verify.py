"""verify, diff and info on real releases in both layouts."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from test_release_fixtures import make_events, make_side

from conflictkit.builders.release.build import build_release
from conflictkit.builders.release.diff import diff_releases
from conflictkit.builders.release.info import release_info
from conflictkit.builders.release.verify import verify_release
from conflictkit.errors import UsageError

T1, T2 = 1_704_067_200, 1_706_745_600


@pytest.fixture(scope="module", params=["none", "year"])
def releases(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """Two releases: 1.0.0 (40 events) and 1.1.0 (2 edited, 1 deleted, 3 added)."""
    root = tmp_path_factory.mktemp(f"releases-{request.param}")
    v1 = make_events(40)
    build_release(v1, make_side(v1), root=root, version="1.0.0", timestamp=T1,
                  partition=request.param)
    v2 = v1.copy()
    v2.loc[0, "fatalities"] = 1234
    v2.loc[0, "admin2"] = "New district"
    v2.loc[7, "notes"] = "Rewritten notes."
    v2 = v2.drop(index=[9])
    v2 = pd.concat([v2, make_events(3, seed=4, start_number=700)], ignore_index=True)
    build_release(v2, make_side(v2), root=root, version="1.1.0", timestamp=T2,
                  partition=request.param)
    return root, v1, v2


def _writable_copy(src: Path, dst: Path) -> Path:
    import shutil

    shutil.copytree(src, dst)
    for p in dst.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    return dst


def test_fresh_releases_verify(releases) -> None:
    root, _, _ = releases
    for version in ("1.0.0", "1.1.0"):
        result = verify_release(root / version)
        assert result.ok, result.found
        assert result.rows["events.csv"] == (40 if version == "1.0.0" else 42)
        assert all(f["ok"] for f in result.files)


@pytest.mark.parametrize("victim", ["events.csv", "deletions.csv", "provenance.parquet",
                                    "datapackage.json", "CHANGELOG.md", "codebook.md",
                                    "events-parquet"])
def test_any_changed_byte_names_its_file(releases, tmp_path: Path, victim: str) -> None:
    root, _, _ = releases
    release = _writable_copy(root / "1.1.0", tmp_path / "copy")
    if victim == "events-parquet":
        target = sorted(release.glob("events*.parquet")) + sorted(release.glob("events/*/*"))
        target = target[0]
    else:
        target = release / victim
    data = bytearray(target.read_bytes())
    data[len(data) // 3] ^= 0x01
    target.write_bytes(bytes(data))
    result = verify_release(release)
    assert not result.ok
    name = target.relative_to(release).as_posix()
    assert {"file": name, "rule": "checksum"} in [
        {"file": p["file"], "rule": p["rule"]} for p in result.found]


def test_missing_and_unlisted_files_are_reported(releases, tmp_path: Path) -> None:
    root, _, _ = releases
    release = _writable_copy(root / "1.0.0", tmp_path / "copy")
    (release / "CHANGELOG.md").unlink()
    (release / "extra.txt").write_text("sneaked in")
    rules = {(p["file"], p["rule"]) for p in verify_release(release).found}
    assert ("CHANGELOG.md", "missing_file") in rules
    assert ("extra.txt", "unlisted_file") in rules


def test_consistently_rewritten_checksums_still_fail_on_rows_and_schema(
        releases, tmp_path: Path) -> None:
    """Someone edits events.csv and updates SHA256SUMS: datapackage.json and the row count
    (and the schema of a bad value) still give it away."""
    import hashlib

    root, _, _ = releases
    release = _writable_copy(root / "1.0.0", tmp_path / "copy")
    csv = release / "events.csv"
    lines = csv.read_text().splitlines(keepends=True)
    lines[1] = lines[1].replace(",20", ",not-a-date-20", 1)
    csv.write_text("".join(lines[:-1]))
    sums = (release / "SHA256SUMS").read_text().splitlines()
    digest = hashlib.sha256(csv.read_bytes()).hexdigest()
    sums = [f"{digest}  events.csv" if s.endswith("  events.csv") else s for s in sums]
    (release / "SHA256SUMS").write_text("\n".join(sums) + "\n")
    rules = {(p["file"], p["rule"]) for p in verify_release(release).found}
    assert ("events.csv", "datapackage_mismatch") in rules
    assert ("events.csv", "file_schema") in rules


def test_schema_drift_in_parquet_is_reported(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    from conflictkit.layout.checksums import sha256_file

    events = make_events(10)
    build_release(events, make_side(events), root=tmp_path / "r", version="1.0.0",
                  timestamp=T1, partition="none")
    release = _writable_copy(tmp_path / "r" / "1.0.0", tmp_path / "copy")
    table = pq.read_table(release / "events.parquet")
    table = table.set_column(table.schema.get_field_index("fatalities"), "fatalities",
                             table.column("fatalities").cast("int64"))
    pq.write_table(table, release / "events.parquet")
    sums = (release / "SHA256SUMS").read_text().splitlines()
    digest = sha256_file(release / "events.parquet")
    sums = [f"{digest}  events.parquet" if s.endswith("  events.parquet") else s for s in sums]
    (release / "SHA256SUMS").write_text("\n".join(sums) + "\n")
    problems = verify_release(release).found
    assert any(p["file"] == "events.parquet" and p["rule"] == "file_schema"
               and "fatalities is int64" in p["message"] for p in problems)


def test_verify_of_a_non_release_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        verify_release(tmp_path / "nowhere")
    result = verify_release(tmp_path)
    assert [p["rule"] for p in result.found] == ["missing_file"]


def test_diff_lists_added_deleted_and_modified_with_values(releases) -> None:
    root, v1, v2 = releases
    result = diff_releases(root / "1.0.0", root / "1.1.0")
    assert sorted(result.added) == sorted(v2["event_id_cnty"].iloc[-3:])
    assert result.deleted == [v1.loc[9, "event_id_cnty"]]
    modified = dict(result.modified)
    assert set(modified) == {v1.loc[0, "event_id_cnty"], v1.loc[7, "event_id_cnty"]}
    first = modified[v1.loc[0, "event_id_cnty"]]
    assert first == {"admin2": (None, "New district"),
                     "fatalities": (int(v1.loc[0, "fatalities"]), 1234)}
    assert modified[v1.loc[7, "event_id_cnty"]]["notes"][1] == "Rewritten notes."
    assert result.field_counts == {"admin2": 1, "notes": 1, "fatalities": 1}
    document = json.loads(json.dumps(result.to_dict(), default=str))
    assert document["summary"] == {"old_events": 40, "new_events": 42, "added": 3,
                                   "deleted": 1, "modified": 2, "unchanged": 37}


def test_diff_of_a_release_with_itself_is_empty(releases) -> None:
    root, _, _ = releases
    assert diff_releases(root / "1.1.0", root / "1.1.0").identical


def test_info_counts_match_the_data(releases) -> None:
    root, _, v2 = releases
    info = release_info(root / "1.1.0")
    assert info["events"] == len(v2) and info["version"] == "1.1.0"
    assert info["by_country"] == {k: int(v) for k, v in
                                  v2["country"].value_counts().sort_index().items()}
    assert info["by_event_type"] == {k: int(v) for k, v in
                                     v2["event_type"].value_counts().sort_index().items()}
    assert info["by_year"] == {str(k): int(v) for k, v in
                               v2["year"].value_counts().sort_index().items()}
    assert info["deletions"] == 1
    assert info["changes"] == {"added": 3, "modified": 2, "deleted": 1, "unchanged": 37}
    assert info["first_event_date"] == v2["event_date"].min().date().isoformat()
