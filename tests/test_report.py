"""The release report: its figures against pandas, its changes against `diff`, byte-identical
output, a page that references nothing outside itself, and every kind of bad input (no events,
one event, another dataset's release, a read-only folder) with a clear message and no file."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from inprocess import run
from test_release_fixtures import make_events, make_side

from conflictkit import atomic
from conflictkit.builders.release.build import build_release, working_table
from conflictkit.builders.release.compare import ID, compare_tables
from conflictkit.builders.release.diff import diff_releases
from conflictkit.builders.release.metadata import DatasetMetadata
from conflictkit.builders.release.write import sort_order
from conflictkit.builders.report import render_report, write_report
from conflictkit.builders.report.changes import comparison_from_timestamps, summarise_changes
from conflictkit.builders.report.charts import check_font
from conflictkit.builders.report.eventmap import COLUMNS, bins, extent_of
from conflictkit.builders.report.render import ReportMeta
from conflictkit.builders.report.summary import summarise
from conflictkit.errors import ConflictkitError
from conflictkit.layout.release import read_deletions, read_events, read_repairs
from conflictkit.schema.arrow import from_arrow_table

T1, T2 = 1_704_067_200, 1_706_745_600
META = DatasetMetadata(name="report-test", title="Report test events",
                       licenses=[{"name": "CC-BY-4.0"}], citation="Report test ({version}).")


def _second(events: pd.DataFrame) -> pd.DataFrame:
    """Edit two events (one's fatalities, one's country data), delete three, add four."""
    new = events.copy()
    new.loc[1, "fatalities"] = new.loc[1, "fatalities"] + 40
    new.loc[5, "notes"] = "A corrected description of the event."
    new = new.drop(index=[2, 3, 4])
    return pd.concat([new, make_events(4, seed=7, start_number=900)], ignore_index=True)


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """releases/1.0.0 (60 events) and releases/1.1.0 (edits, deletions, additions)."""
    root = tmp_path_factory.mktemp("report") / "releases"
    first = make_events(60, seed=3)
    build_release(first, make_side(first), root=root, version="1.0.0", timestamp=T1,
                  metadata=META, partition="none")
    second = _second(first)
    build_release(second, make_side(second), root=root, version="1.1.0", timestamp=T2,
                  metadata=META, partition="none", candidates_left_out=2)
    return root


@pytest.fixture(scope="module")
def page(releases: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("page") / "report.html"
    write_report(releases / "1.1.0", out, previous=releases / "1.0.0")
    return out.read_text(encoding="utf-8")


# ---- the figures are right ---------------------------------------------------------------------


def test_summary_tables_match_pandas(releases: Path) -> None:
    table = read_events(releases / "1.1.0")
    frame = table.to_pandas()
    s = summarise(table)
    assert s.headline.events == len(frame)
    assert s.headline.fatalities == frame["fatalities"].sum()
    assert s.headline.countries == frame["country"].nunique()
    by_country = frame.groupby("country").agg(events=("country", "size"),
                                              fatalities=("fatalities", "sum"))
    got = s.countries.set_index("country")
    pd.testing.assert_frame_equal(got.sort_index(), by_country.sort_index(), check_dtype=False)
    # ordered by events, ties by name
    assert list(s.countries["events"]) == sorted(s.countries["events"], reverse=True)
    actors = pd.concat([frame["actor1"], frame["actor2"]]).dropna().value_counts()
    assert dict(zip(s.actors["actor"], s.actors["events"], strict=True)) == actors.to_dict()
    months = pd.to_datetime(frame["event_date"]).dt.to_period("M")
    per_month = s.monthly.groupby("month")["events"].sum()
    assert per_month.sum() == len(frame)
    assert per_month[per_month > 0].to_dict() == {
        np.datetime64(str(p), "M"): n for p, n in months.value_counts().items()}
    assert s.monthly.groupby("month")["fatalities"].sum().sum() == frame["fatalities"].sum()
    geo = s.quality.geo_precision.set_index("precision")["events"]
    assert geo.to_dict() == frame["geo_precision"].value_counts().to_dict()


def test_changes_agree_with_diff(releases: Path) -> None:
    new, old = read_events(releases / "1.1.0"), read_events(releases / "1.0.0")
    changes = summarise_changes(new, old, "1.0.0")
    diff = diff_releases(releases / "1.0.0", releases / "1.1.0").summary()
    assert (changes.added, changes.modified, changes.deleted) == (4, 2, 3)
    assert (changes.added, changes.modified, changes.deleted) == \
        (diff["added"], diff["modified"], diff["deleted"])
    for frame in (changes.by_country, changes.by_event_type):
        assert frame[["added", "modified", "deleted"]].sum().tolist() == [4, 2, 3]
        assert frame["fatalities_delta"].sum() == changes.fatalities_delta
    assert changes.fatalities_delta == \
        new.column("fatalities").to_numpy().sum() - old.column("fatalities").to_numpy().sum()
    deleted = set(diff_releases(releases / "1.0.0", releases / "1.1.0").deleted)
    old_frame = old.to_pandas()
    assert changes.fatalities_deleted == \
        old_frame.loc[old_frame[ID].isin(deleted), "fatalities"].sum()


def test_timestamps_give_the_builds_comparison(releases: Path, tmp_path: Path) -> None:
    """Against the release just before, and against an older one, as long as no edit was
    undone in between."""
    third = from_arrow_table(read_events(releases / "1.1.0"))
    third.loc[10, "fatalities"] += 1
    root = tmp_path / "releases"
    shutil.copytree(releases, root)
    build_release(third, None, root=root, version="1.2.0", timestamp=T2 + 86_400,
                  metadata=META)
    for old, new in (("1.0.0", "1.1.0"), ("1.1.0", "1.2.0"), ("1.0.0", "1.2.0")):
        new_table, old_table = read_events(root / new), read_events(root / old)
        exact = compare_tables(new_table, old_table, old_ids=old_table.column(ID))
        fast = comparison_from_timestamps(new_table, old_table)
        assert np.array_equal(fast.old_position, exact.old_position), (old, new)
        assert np.array_equal(fast.modified, exact.modified), (old, new)
        assert sorted(fast.deleted.column(ID).to_pylist()) == \
            sorted(exact.deleted.column(ID).to_pylist())
    assert len(fast.modified) == 3  # two edits in 1.1.0, one in 1.2.0


def test_a_comparison_in_another_row_order_is_refused(releases: Path) -> None:
    """The likely slip in a build: its comparison put into release order, its table not."""
    table = working_table(_second(make_events(60, seed=3)))  # input order
    old = read_events(releases / "1.0.0")
    comparison = compare_tables(table, old, old_ids=old.column(ID))
    summarise_changes(table, old, "1.0.0", comparison)  # aligned: fine
    order = sort_order(table, partitioned=False)
    assert order is not None
    with pytest.raises(ValueError, match="does not index the rows"):
        summarise_changes(table, old, "1.0.0", comparison.reordered(order))


def test_the_page_shows_every_section(page: str) -> None:
    for heading in ("In numbers", "Over time", "Where", "Who", "What", "Data quality",
                    "Changes since 1.0.0"):
        assert f">{heading}</h2>" in page
    assert "Report test events" in page and "Cite as: Report test (1.1.0)." in page
    labels = re.findall(r'<svg[^>]*aria-label="([^"]+)"', page)
    assert labels == ["Events and fatalities per month by event type", "Map of event locations",
                      "Events and fatalities by country", "Events by disorder type",
                      "Events by source scale", "Share of events by geo and time precision",
                      "Changes since the previous release by event type"]
    # 2 candidates left out (recorded by the build); nothing imported, no review column
    assert "2 candidate events" in page
    assert "None: no value needed repairing." in page
    assert "provenance.parquet has no review column" in page
    assert 'class="value">4</div><div class="label">events added' in page


def test_the_page_references_nothing_outside_itself(page: str) -> None:
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert "default-src 'none'" in page  # the browser refuses any request the page might make
    for attribute, target in re.findall(r'\b(src|href)="([^"]*)"', page):
        assert target.startswith(("#", "data:")), (attribute, target)
    assert not re.search(r"url\((?!#)", page)
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "element ids must be unique across the inlined SVGs"
    for target in re.findall(r'href="#([^"]+)"', page) + re.findall(r"url\(#([^)]+)\)", page):
        assert target in ids


def test_same_contents_give_the_same_bytes_in_any_row_order(releases: Path) -> None:
    new, old = read_events(releases / "1.1.0"), read_events(releases / "1.0.0")
    meta = ReportMeta(name="x", version="1.1.0", released_at=T2, previous_version="1.0.0")
    first = render_report(new, meta=meta, previous=old)
    order = np.random.default_rng(1).permutation(new.num_rows)
    shuffled = new.take(pa.array(order))
    assert render_report(shuffled, meta=meta, previous=old) == first


def test_bytes_do_not_depend_on_the_users_matplotlib_settings(releases: Path, page: str,
                                                              tmp_path: Path) -> None:
    """Another process, an empty font cache and a matplotlibrc with another style."""
    config = tmp_path / "mpl"
    config.mkdir()
    (config / "matplotlibrc").write_text("font.family: serif\nfont.size: 14\n"
                                         "axes.facecolor: black\nsvg.hashsalt: other\n")
    out = tmp_path / "again.html"
    code = ("import sys; from conflictkit.builders.report import write_report; "
            "write_report(sys.argv[1], sys.argv[2], previous=sys.argv[3])")
    subprocess.run([sys.executable, "-c", code, str(releases / "1.1.0"), str(out),
                    str(releases / "1.0.0")], check=True, env={**os.environ,
                                                                "MPLCONFIGDIR": str(config)})
    assert out.read_text(encoding="utf-8") == page


def test_text_is_drawn_with_matplotlibs_own_font() -> None:
    check_font()  # raises if a system copy of DejaVu Sans would be used


def test_build_metadata_matches_what_the_release_records(releases: Path) -> None:
    document = json.loads((releases / "1.1.0" / "datapackage.json").read_text())
    recorded = ReportMeta.from_datapackage(document)
    built = ReportMeta.for_build(META, version="1.1.0", released_at=T2,
                                 previous_version="1.0.0", candidates_left_out=2,
                                 changes=document["conflictkit"]["changes"])
    assert built == recorded


def test_the_builds_inputs_give_the_page_the_command_writes(releases: Path,
                                                            tmp_path: Path) -> None:
    """What a build holds (its working table in input order, its own comparison, the
    metadata it records) renders the same bytes as `conflictkit report NEW --previous OLD`."""
    table = working_table(_second(make_events(60, seed=3)))  # as the fixture built 1.1.0
    old = read_events(releases / "1.0.0")
    comparison = compare_tables(table, old, old_ids=old.column(ID))
    html = render_report(
        table,
        meta=ReportMeta.for_build(META, version="1.1.0", released_at=T2,
                                  previous_version="1.0.0", candidates_left_out=2),
        provenance=pq.read_table(releases / "1.1.0" / "provenance.parquet"),
        deletions=read_deletions(releases / "1.1.0"),
        repairs=read_repairs(releases / "1.1.0"),
        previous=old.select([ID, "country", "event_type", "fatalities"]),
        comparison=comparison)
    out = tmp_path / "report.html"
    write_report(releases / "1.1.0", out, previous=releases / "1.0.0")
    assert html == out.read_text(encoding="utf-8")


def test_map_bins_stay_bounded_for_many_events() -> None:
    rng = np.random.default_rng(0)
    lon, lat = rng.uniform(-180, 180, 300_000), rng.uniform(-60, 75, 300_000)
    extent = extent_of(lon, lat)
    x, y, counts, _ = bins(lon, lat, extent)
    assert counts.sum() == 300_000
    assert len(counts) <= (COLUMNS + 1) * (COLUMNS + 1)
    assert ((x >= extent.west) & (x <= extent.east) & (y >= extent.south)
            & (y <= extent.north)).all()


# ---- data quality inputs that may or may not be there -------------------------------------------


def test_repairs_and_review_notes_are_shown_when_recorded(releases: Path, tmp_path: Path) -> None:
    release = tmp_path / "1.1.0"
    shutil.copytree(releases / "1.1.0", release)
    for path in release.iterdir():
        path.chmod(0o644)
    ids = read_events(release, [ID]).column(ID).to_pylist()
    pq.write_table(pa.table({
        ID: [ids[0], ids[0], ids[1]],
        "column": ["country", "notes", "country"],
        "repair": ["renamed country", "line breaks", "renamed country"],
        "original": ["Cote d'Ivoire", "a\nb", "Burma"],
    }), release / "repairs.parquet")
    provenance = pq.read_table(release / "provenance.parquet")
    review = ["coordinates far from admin1"] * 3 + [None] * (provenance.num_rows - 3)
    origin = ["import"] * 10 + ["hand-coded"] * (provenance.num_rows - 10)
    provenance = provenance.append_column("review", pa.array(review, pa.string()))
    provenance = provenance.append_column("origin", pa.array(origin, pa.string()))
    pq.write_table(provenance, release / "provenance.parquet")
    out = tmp_path / "report.html"
    write_report(release, out)
    page = out.read_text(encoding="utf-8")
    assert "3 repairs to 2 events" in page
    assert "<td>renamed country</td><td class=\"n\">2</td>" in page
    assert "3 events (" in page and "coordinates far from admin1" in page
    assert "<h3>Origin of the events</h3>" in page and "hand-coded" in page
    # without --previous the counts the build recorded are shown
    assert "As recorded by the build: 4 added, 2 modified, 3 deleted" in page


def test_a_blank_source_scale_is_explained(releases: Path, tmp_path: Path) -> None:
    release = tmp_path / "1.1.0"
    shutil.copytree(releases / "1.1.0", release)
    for path in release.iterdir():
        path.chmod(0o644)

    def page_of() -> str:
        write_report(release, tmp_path / "r.html")
        return (tmp_path / "r.html").read_text(encoding="utf-8")

    assert "never recorded a source scale" not in page_of()
    events = pq.read_table(release / "events.parquet")
    scale = events.schema.get_field_index("source_scale")
    blank = pa.array([None] * 2 + events.column(scale).to_pylist()[2:],
                     events.schema.field(scale).type)
    pq.write_table(events.set_column(scale, events.schema.field(scale), blank),
                   release / "events.parquet")
    page = page_of()
    assert "(blank): imported from sources that never recorded a source scale" in page
    assert "UCDP Georeferenced Event Dataset" in page


# ---- bad input ---------------------------------------------------------------------------------


def test_a_release_with_no_events(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_release(make_events(0), None, root=tmp_path / "r", version="1.0.0", timestamp=T1,
                  metadata=META)
    code, _, err = run(capsys, "report", tmp_path / "r" / "1.0.0", "-o", tmp_path / "e.html")
    assert code == 0, err
    page = (tmp_path / "e.html").read_text(encoding="utf-8")
    assert "This release holds no events." in page and "No event has coordinates" in page
    assert "This is the first release" in page


def test_a_release_with_one_event(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_release(make_events(1), None, root=tmp_path / "r", version="1.0.0", timestamp=T1,
                  metadata=META)
    code, _, err = run(capsys, "report", tmp_path / "r" / "1.0.0", "-o", tmp_path / "one.html")
    assert code == 0, err
    page = (tmp_path / "one.html").read_text(encoding="utf-8")
    assert '<div class="value">1</div><div class="label">events</div>' in page
    assert 'aria-label="Map of event locations"' in page


def test_a_partitioned_release(tmp_path: Path) -> None:
    events = make_events(30, seed=5)
    build_release(events, None, root=tmp_path / "r", version="1.0.0", timestamp=T1,
                  metadata=META, partition="year")
    result = write_report(tmp_path / "r" / "1.0.0", tmp_path / "p.html")
    assert result.events == 30
    assert '<div class="value">30</div>' in (tmp_path / "p.html").read_text(encoding="utf-8")


def test_a_previous_release_of_another_dataset_is_refused(
        releases: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = make_events(5, seed=9)
    build_release(other, None, root=tmp_path / "other", version="0.9.0", timestamp=T1 - 100,
                  metadata=DatasetMetadata(name="another-dataset"))
    out = tmp_path / "r.html"
    code, _, err = run(capsys, "report", releases / "1.1.0", "--previous",
                       tmp_path / "other" / "0.9.0", "-o", out)
    assert code == 1
    assert "is a release of the dataset 'another-dataset'" in err and "Traceback" not in err
    assert not out.exists()


def test_a_later_or_identical_previous_is_a_usage_error(
        releases: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.html"
    code, _, err = run(capsys, "report", releases / "1.0.0", "--previous", releases / "1.1.0",
                       "-o", out)
    assert code == 2 and "is not earlier than" in err
    code, _, err = run(capsys, "report", releases / "1.1.0", "--previous", releases / "1.1.0",
                       "-o", out)
    assert code == 2 and "is the release itself" in err
    assert not out.exists()


def test_not_a_release_is_a_usage_error(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "report", tmp_path / "missing", "-o", tmp_path / "r.html")
    assert code == 2 and "no such release directory" in err
    code, _, err = run(capsys, "report", tmp_path, "-o", tmp_path / "r.html")
    assert code == 1 and "no events in this release" in err


def test_a_read_only_folder_is_a_clear_error_and_leaves_nothing(
        releases: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
    else:  # root ignores permissions: the folder refuses new files instead
        real_open = os.open

        def deny(path, flags, *args, **kwargs):
            if Path(path).parent == folder and flags & os.O_CREAT:
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", deny)
    try:
        code, out, err = run(capsys, "report", releases / "1.1.0", "-o", folder / "r.html",
                             "--format", "json")
    finally:
        folder.chmod(0o755)
    # with --format json the error is JSON too, on stdout
    assert code == 1 and err == ""
    error = json.loads(out)["error"]
    assert f"cannot write the report to {folder / 'r.html'}: permission denied" in error["message"]
    assert list(folder.iterdir()) == []


def test_a_failed_write_keeps_the_old_report_whole(releases: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "report.html"
    out.write_text("the old report")

    def full_disk(src: str, dst: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", full_disk)
    with pytest.raises(ConflictkitError, match="no space left on device; nothing was written"):
        write_report(releases / "1.1.0", out)
    assert out.read_text() == "the old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_json_output_and_quiet(releases: Path, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.html"
    code, stdout, err = run(capsys, "report", releases / "1.1.0", "-o", out, "--format", "json")
    assert code == 0 and err == ""
    document = json.loads(stdout)
    assert document["ok"] and document["events"] == 61 and document["bytes"] == out.stat().st_size
    code, stdout, err = run(capsys, "report", releases / "1.1.0", "-o", out, "-q")
    assert (code, stdout, err) == (0, "", "")
