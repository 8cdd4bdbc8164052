"""ck.update: deletions dropped, newer events replaced by ID, new ones appended, counts reported."""

from __future__ import annotations

import pandas as pd
import pytest
from test_load_data import make_events, write_release

import conflictkit as ck
from conflictkit.errors import UsageError
from conflictkit.loading import UpdateSummary


@pytest.fixture()
def scenario(tmp_path):
    """A local copy of 300 events and a newer release that changed, deleted and added some.

    - 0..9: in the release with a newer timestamp and new fatalities (replaced)
    - 10..14: listed in deletions.csv, gone from the release (deleted)
    - 15..19: the release's copy is OLDER than the local one (kept: local is current)
    - 20..24: not in the release and not deleted (kept, counted as not in the release)
    - 25..299: identical (unchanged)
    - 40 new events (added)
    """
    base = make_events(340, seed=21)
    local = base.iloc[:300].reset_index(drop=True)
    new = base.iloc[300:].reset_index(drop=True)
    newer = local.copy()
    newer.loc[0:9, "timestamp"] += 1_000_000
    newer.loc[0:9, "fatalities"] = 999
    newer.loc[15:19, "timestamp"] -= 500
    newer.loc[15:19, "fatalities"] = 555
    deleted = local.loc[10:14, "event_id_cnty"]
    newer = newer.drop(index=list(range(10, 25)))
    newer = pd.concat([newer, local.loc[15:19].assign(
        timestamp=local.loc[15:19, "timestamp"] - 500, fatalities=555)])
    release_events = pd.concat([newer, new], ignore_index=True)
    deletions = pd.DataFrame({"event_id_cnty": deleted.astype("str"),
                              "deleted_timestamp": 1_700_000_000})
    root = write_release(release_events, tmp_path / "rel", deletions=deletions)
    return local, new, root


def test_update_reports_and_applies_each_kind_of_change(scenario):
    local, new, root = scenario
    result, summary = ck.update(local, root)
    assert isinstance(summary, UpdateSummary)
    assert summary.to_dict() == {
        "release": str(root), "before": 300, "after": 300 - 5 + 40,
        "added": 40, "replaced": 10, "deleted": 5, "unchanged": 280, "not_in_release": 5,
    }
    assert "40 added, 10 replaced, 5 deleted" in str(summary)
    ids = result["event_id_cnty"]
    assert ids.is_unique and len(result) == summary.after
    by_id = result.set_index("event_id_cnty")
    assert (by_id.loc[local["event_id_cnty"][0:10], "fatalities"] == 999).all()
    assert not ids.isin(local["event_id_cnty"][10:15]).any()
    assert (by_id.loc[local["event_id_cnty"][15:20], "fatalities"]
            == local["fatalities"][15:20].to_numpy()).all()  # release copy older: kept local
    assert local["event_id_cnty"][20:25].isin(ids).all()
    assert ids.isin(new["event_id_cnty"]).sum() == 40
    # as acled_update: kept rows in their order, then the release's replacing and new events
    kept = local["event_id_cnty"].drop(index=range(0, 15)).tolist()
    assert ids.tolist()[: len(kept)] == kept
    incoming = ck.load(root, columns=["event_id_cnty"])["event_id_cnty"]
    incoming = incoming[incoming.isin(set(new["event_id_cnty"]) | set(local["event_id_cnty"][:10]))]
    assert ids.tolist()[len(kept):] == incoming.tolist()
    assert local.equals(scenario[0])  # input untouched


def test_update_result_equals_a_fresh_load_of_the_release_scope(scenario):
    local, _, root = scenario
    result, _ = ck.update(local, root)
    fresh = ck.load(root).set_index("event_id_cnty").sort_index()
    got = result.set_index("event_id_cnty").sort_index()
    in_release = got.index.isin(fresh.index)
    pd.testing.assert_frame_equal(got[in_release & ~got.index.isin(
        local["event_id_cnty"][15:20])], fresh.drop(index=local["event_id_cnty"][15:20]))
    assert str(result["event_type"].dtype) == "category"


def test_update_twice_changes_nothing_more(scenario):
    local, _, root = scenario
    once, _ = ck.update(local, root)
    twice, summary = ck.update(once, root)
    assert (summary.added, summary.replaced, summary.deleted) == (0, 0, 0)
    pd.testing.assert_frame_equal(once, twice)


def test_update_with_filters_stays_in_scope(scenario):
    local, new, root = scenario
    syria = local[local["country"] == "Syria"].reset_index(drop=True)
    result, summary = ck.update(syria, root, countries="Syria")
    assert set(result["country"].astype(str)) == {"Syria"}
    assert summary.added == (new["country"] == "Syria").sum()


def test_update_from_a_frame_with_deletion_ids(scenario):
    local, new, _ = scenario
    newer = local.iloc[:3].copy()
    newer["timestamp"] += 10
    newer["notes"] = "revised"
    result, summary = ck.update(local, pd.concat([newer, new.iloc[:2]]),
                                deletions=[local["event_id_cnty"][299]])
    assert (summary.added, summary.replaced, summary.deleted) == (2, 3, 1)
    revised = result.set_index("event_id_cnty").loc[newer["event_id_cnty"], "notes"]
    assert (revised == "revised").all()
    assert summary.not_in_release == 300 - 3 - 1


def test_missing_local_timestamp_counts_as_stale(scenario):
    local, _, root = scenario
    local = local.copy()
    local["timestamp"] = local["timestamp"].astype("Int64")
    local.loc[100, "timestamp"] = pd.NA
    _, summary = ck.update(local, root)
    assert summary.replaced == 11


def test_update_needs_ids_and_timestamps(scenario, tmp_path):
    local, _, root = scenario
    with pytest.raises(UsageError, match="timestamp"):
        ck.update(local.drop(columns="timestamp"), root)
    with pytest.raises(UsageError, match="no such file"):
        ck.update(local, tmp_path / "missing")
    with pytest.raises(UsageError, match="filters apply to a release directory"):
        ck.update(local, local.iloc[:2], countries="Syria")


@pytest.mark.parametrize("partition", ["none", "year"])
def test_update_reproduces_the_next_release_built_by_the_release_writer(tmp_path, partition):
    """Integration with the release writer: two real releases (timestamps and deletions.csv
    written by build_release); updating a copy of the first gives the second, event for event."""
    build = pytest.importorskip("conflictkit.builders.release.build")
    base = make_events(400, seed=31)
    first = base.iloc[:360].reset_index(drop=True)
    second = base.iloc[:360].copy()
    second.loc[0:19, "fatalities"] = second.loc[0:19, "fatalities"] + 7  # modified
    second = second.drop(index=range(20, 30))  # deleted
    second = pd.concat([second, base.iloc[360:]], ignore_index=True)  # added
    root = tmp_path / "releases"
    build.build_release(first, root=root, version="1.0.0", timestamp=1_700_000_000,
                        partition=partition)
    build.build_release(second, root=root, version="1.1.0", timestamp=1_700_086_400,
                        partition=partition)
    local = ck.load(root / "1.0.0", verify=True)
    updated, summary = ck.update(local, root / "1.1.0")
    assert (summary.added, summary.replaced, summary.deleted) == (40, 20, 10)
    fresh = ck.load(root / "1.1.0", verify=True)
    pd.testing.assert_frame_equal(
        updated.set_index("event_id_cnty").sort_index(),
        fresh.set_index("event_id_cnty").sort_index(),
    )


def test_update_refuses_an_older_release_instead_of_bringing_back_deleted_events(tmp_path):
    """A frame loaded from 1.1.0 "updated" from 1.0.0 would get back the events 1.1.0 deleted
    and lose its edits; update refuses, naming both."""
    build = pytest.importorskip("conflictkit.builders.release.build")
    base = make_events(120, seed=5)
    second = base.copy()
    second.loc[0:4, "fatalities"] = 99
    second = second.drop(index=range(5, 10))
    root = tmp_path / "repo" / "releases"
    (tmp_path / "repo" / "conflictkit.toml").parent.mkdir(parents=True)
    (tmp_path / "repo" / "conflictkit.toml").write_text('[dataset]\nname = "x"\n')
    build.build_release(base, root=root, version="1.0.0", timestamp=1_700_000_000)
    build.build_release(second, root=root, version="1.1.0", timestamp=1_700_086_400)
    current = ck.load(root / "1.1.0")
    with pytest.raises(UsageError) as refused:
        ck.update(current, root / "1.0.0")
    message = str(refused.value)
    assert "release 1.0.0, made 2023-11-14T22:13:20Z" in message
    assert "changed at 2023-11-15T22:13:20Z, loaded from" in message and "1.1.0" in message
    assert "bring back events deleted" in message
    # the same frame updates from its own release or a newer one, and from the repository
    _, same = ck.update(current, root / "1.1.0")
    assert (same.added, same.replaced, same.deleted) == (0, 0, 0)
    older = ck.load(root / "1.0.0")
    with pytest.warns(ck.LatestReleaseWarning):
        updated, summary = ck.update(older, tmp_path / "repo")
    assert (summary.replaced, summary.deleted) == (5, 5)  # deletions.csv of the latest
    assert len(updated) == 115
    # without datapackage.json the release's own newest timestamp tells its age
    stripped = tmp_path / "stripped"
    write_release(ck.load(root / "1.0.0"), stripped)
    with pytest.raises(UsageError, match="is older than the frame"):
        ck.update(current, stripped)
