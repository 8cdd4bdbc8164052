"""Release versions (names, order, which one is previous) and release times."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conflictkit.builders.release.timestamps import parse_timestamp, release_time
from conflictkit.errors import ConflictkitError, UsageError
from conflictkit.layout.versions import (
    check_version,
    existing_versions,
    previous_version,
    sort_versions,
)


def test_semantic_versions_sort_numerically_with_prereleases_first() -> None:
    versions = ["1.10.0", "1.9.0", "v2.0.0", "1.0.0", "1.0.0-rc.2", "1.0.0-rc.10", "0.9"]
    assert sort_versions(versions) == [
        "0.9", "1.0.0-rc.2", "1.0.0-rc.10", "1.0.0", "1.9.0", "1.10.0", "v2.0.0"]


def test_dates_sort_chronologically_even_without_zero_padding() -> None:
    assert sort_versions(["2024-10-01", "2024-5-15", "2023-12-31", "2024-05-01"]) == [
        "2023-12-31", "2024-05-01", "2024-5-15", "2024-10-01"]


@given(st.lists(st.tuples(st.integers(0, 300), st.integers(0, 300), st.integers(0, 300)),
                min_size=1, max_size=20, unique=True))
def test_semver_order_matches_numeric_tuples(triples: list[tuple[int, int, int]]) -> None:
    names = [".".join(map(str, t)) for t in triples]
    assert sort_versions(names) == [".".join(map(str, t)) for t in sorted(triples)]


@pytest.mark.parametrize("bad", ["", ".hidden", "../up", "a/b", "1.0 0", "x" * 80, "..", "-1"])
def test_unsafe_version_names_are_usage_errors(bad: str) -> None:
    with pytest.raises(UsageError):
        check_version(bad)


def test_previous_is_latest_existing_and_dot_dirs_are_ignored(tmp_path: Path) -> None:
    for name in ("1.0.0", "1.2.0", "1.10.0", ".staging-2.0.0-abc"):
        (tmp_path / name).mkdir()
    (tmp_path / "notes.txt").write_text("not a release")
    assert existing_versions(tmp_path) == ["1.0.0", "1.2.0", "1.10.0"]
    assert previous_version(tmp_path, "1.11.0") == "1.10.0"
    assert previous_version(tmp_path / "missing", "1.0.0") is None


def test_existing_version_is_refused(tmp_path: Path) -> None:
    (tmp_path / "1.0.0").mkdir()
    with pytest.raises(ConflictkitError, match="already exists"):
        previous_version(tmp_path, "1.0.0")


def test_version_sorting_before_an_existing_one_is_refused(tmp_path: Path) -> None:
    (tmp_path / "2.0.0").mkdir()
    with pytest.raises(UsageError, match="sorts before the existing release 2.0.0"):
        previous_version(tmp_path, "1.5.0")


@pytest.mark.parametrize(("text", "seconds"), [
    ("1714521600", 1714521600),
    ("2024-05-01", 1714521600),
    ("2024-05-01T00:00:00Z", 1714521600),
    ("2024-05-01T02:00:00+02:00", 1714521600),
    ("2024-05-01T00:00:00", 1714521600),
])
def test_timestamps_parse_unix_seconds_and_iso(text: str, seconds: int) -> None:
    assert parse_timestamp(text) == seconds


@pytest.mark.parametrize("bad", ["yesterday", "2024-13-01", "-5", "1.5"])
def test_bad_timestamps_are_usage_errors(bad: str) -> None:
    with pytest.raises(UsageError):
        parse_timestamp(bad)


def test_release_time_prefers_option_then_source_date_epoch() -> None:
    assert release_time("100", {"SOURCE_DATE_EPOCH": "200"}) == 100
    assert release_time(None, {"SOURCE_DATE_EPOCH": "200"}) == 200
    assert release_time(None, {}) > 1_700_000_000
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH"):
        release_time(None, {"SOURCE_DATE_EPOCH": "soon"})
