"""ck.load: typed frames, filters pushed into the Parquet scan, both release layouts, bad input."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_load_data import COUNTRIES, make_events, sort_release, write_release

import conflictkit as ck
from conflictkit.errors import ConflictkitError, InputFileError, UsageError
from conflictkit.loading.dtypes import as_typed
from conflictkit.reference.countries import country_names
from conflictkit.schema import vocab
from conflictkit.schema.columns import COLUMN_NAMES

N = 2400


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return make_events(N, seed=11)


@pytest.fixture(scope="module", params=["single", "year"])
def release(request, events, tmp_path_factory):
    return write_release(events, tmp_path_factory.mktemp(request.param), layout=request.param,
                         row_group_size=60)


def expected(events: pd.DataFrame, mask, release=None) -> pd.DataFrame:
    """What load must return: the selected events, typed, in storage order (release order;
    year first for the partitioned layout, whose files are read year by year)."""
    ordered = sort_release(events[mask])
    if release is not None and (release / "events").is_dir():
        ordered = ordered.sort_values("year", kind="stable", ignore_index=True)
    return as_typed(ordered)


def test_public_functions_stay_functions_whatever_was_imported_first():
    """A submodule named like a function would replace it on the package once imported."""
    import importlib
    import types

    import conflictkit.api as api
    import conflictkit.loading as loading

    for name in ("load", "update", "to_long", "to_wide", "aggregate"):
        first = getattr(ck, name)
        for module in [*loading._MODULE_OF.values(), "conflictkit.api"]:
            importlib.import_module(module)
        assert isinstance(getattr(ck, name), types.FunctionType), name
        # ck.load is the one that also reads exports; the others are loading's own
        home = api if name == "load" else loading
        assert getattr(ck, name) is first and getattr(home, name) is first


def test_load_everything_is_typed_and_complete(release, events):
    df = ck.load(release)
    pd.testing.assert_frame_equal(df, expected(events, slice(None), release))
    assert list(df.columns) == list(COLUMN_NAMES)
    assert str(df["event_date"].dtype) == "datetime64[s]"
    assert str(df["fatalities"].dtype) == "Int32" and str(df["year"].dtype) == "Int16"
    assert str(df["latitude"].dtype) == "Float64" and str(df["notes"].dtype) == "str"
    assert list(df["event_type"].cat.categories) == list(vocab.EVENT_TYPES)
    assert list(df["sub_event_type"].cat.categories) == list(vocab.ALL_SUB_EVENT_TYPES)
    assert list(df["interaction"].cat.categories) == list(vocab.INTERACTION_LABELS.values())
    assert list(df["country"].cat.categories) == list(country_names())
    assert list(df["region"].cat.categories) == list(vocab.REGIONS.values())


FILTER_CASES = {
    "countries": (dict(countries=["Syria", "Yemen"]),
                  lambda e: e["country"].isin(["Syria", "Yemen"])),
    "country alias": (dict(countries="Syrian Arab Republic"), lambda e: e["country"] == "Syria"),
    "start": (dict(start="2022-07-01"), lambda e: e["event_date"] >= "2022-07-01"),
    "end as date": (dict(end=dt.date(2019, 3, 31)), lambda e: e["event_date"] <= "2019-03-31"),
    "year bounds": (dict(start="2020", end="2020"), lambda e: e["year"] == 2020),
    # years as numbers are whole years too: end=2021 runs to 31 December 2021
    "int years": (dict(start=2020, end=2021), lambda e: e["year"].between(2020, 2021)),
    "numpy int end": (dict(end=np.int64(2019)), lambda e: e["event_date"] <= "2019-12-31"),
    "month bounds": (dict(start="2021-02", end="2021-02"),
                     lambda e: e["event_date"].between("2021-02-01", "2021-02-28")),
    "datetime start": (dict(start=dt.datetime(2023, 5, 4, 13, 0)),
                       lambda e: e["event_date"] >= "2023-05-04"),
    "timestamp end": (dict(end=pd.Timestamp("2018-09-30 23:00")),
                      lambda e: e["event_date"] <= "2018-09-30"),
    "numpy start": (dict(start=np.datetime64("2023-11-15")),
                    lambda e: e["event_date"] >= "2023-11-15"),
    "event types": (dict(event_types=["battles", "Riots"]),
                    lambda e: e["event_type"].isin(["Battles", "Riots"])),
    "sub-event types": (dict(sub_event_types="Air/drone strike"),
                        lambda e: e["sub_event_type"] == "Air/drone strike"),
}


@pytest.mark.parametrize("case", FILTER_CASES, ids=list(FILTER_CASES))
def test_each_filter_matches_a_pandas_selection(release, events, case):
    kwargs, select = FILTER_CASES[case]
    df = ck.load(release, **kwargs)
    assert len(df) > 0
    pd.testing.assert_frame_equal(df, expected(events, select(events), release))


def test_actor_filter_matches_whole_list_items_not_substrings(release, events):
    name = "Islamic State (Syria)"
    df = ck.load(release, actors=name)
    sep = vocab.LIST_SEPARATOR
    in_list = [events[c].fillna("").map(lambda v: name in v.split(sep))
               for c in ("assoc_actor_1", "assoc_actor_2")]
    mask = (events["actor1"] == name) | (events["actor2"] == name) | in_list[0] | in_list[1]
    assert in_list[0].any()  # the data really exercises the assoc-list match
    pd.testing.assert_frame_equal(df, expected(events, mask.to_numpy(dtype=bool), release))
    assert ck.load(release, actors="Islamic State").empty  # a prefix is not a name


def test_combined_filters_and_column_selection(release, events):
    df = ck.load(release, countries=["Nigeria"], start="2019-06-01", end="2021-12-31",
                 event_types=["Battles", "Violence against civilians"],
                 columns=["fatalities", "event_id_cnty", "event_type"])
    mask = ((events["country"] == "Nigeria") & (events["event_date"] >= "2019-06-01")
            & (events["event_date"] <= "2021-12-31")
            & events["event_type"].isin(["Battles", "Violence against civilians"]))
    want = expected(events, mask, release)[["fatalities", "event_id_cnty", "event_type"]]
    assert list(df.columns) == ["fatalities", "event_id_cnty", "event_type"]
    pd.testing.assert_frame_equal(df, want.reset_index(drop=True))


def test_empty_result_keeps_dtypes_and_full_categories(release):
    full = ck.load(release, countries="Syria", end="2018-01-31")
    empty = ck.load(release, countries="Syria", start="2030-01-01")
    assert empty.empty and list(empty.columns) == list(COLUMN_NAMES)
    # source_scale is an open set (token combinations): its levels are the observed ones
    closed = [c for c in COLUMN_NAMES if c != "source_scale"]
    assert empty[closed].dtypes.equals(full[closed].dtypes)
    assert str(empty["source_scale"].dtype) == "category"
    assert list(empty["event_type"].cat.categories) == list(vocab.EVENT_TYPES)
    none = ck.load(release, countries="Germany")  # a real country with no events here
    assert none.empty and none[closed].dtypes.equals(full[closed].dtypes)


def test_country_year_reads_few_row_groups(release, events):
    df = ck.load(release, countries="Iraq", start="2020", end="2020")
    info = df.attrs["load"]
    assert len(df) == ((events["country"] == "Iraq") & (events["year"] == 2020)).sum()
    if (release / "events").is_dir():  # one year's file, and only part of it
        assert info["files_read"] == 1 < info["files_total"]
        assert info["row_groups_read"] < info["row_groups_total"]
    else:
        assert info["row_groups_read"] < info["row_groups_total"] / 4


def _corrupt_row_group(path, group: int) -> None:
    """Overwrite every column chunk of one row group with junk bytes (file stays openable)."""
    meta = pq.ParquetFile(path).metadata.row_group(group)
    data = bytearray(path.read_bytes())
    for j in range(meta.num_columns):
        col = meta.column(j)
        start = col.dictionary_page_offset or col.data_page_offset
        data[start:start + col.total_compressed_size] = b"\xff" * col.total_compressed_size
    path.write_bytes(bytes(data))


def test_pushdown_never_touches_pruned_row_groups(events, tmp_path):
    """Proof by sabotage: a row group holding no Syria rows is destroyed; reading Syria still
    works (so its bytes were never read) while reading everything fails."""
    root = write_release(events, tmp_path / "r", row_group_size=60)
    path = root / "events.parquet"
    countries = pq.read_table(path, columns=["country"])["country"].to_pylist()
    group = 0  # release order: the first groups are Iraq
    assert "Syria" not in countries[:60]
    _corrupt_row_group(path, group)
    syria = ck.load(root, countries="Syria")
    assert len(syria) == (events["country"] == "Syria").sum()
    with pytest.raises(InputFileError):
        ck.load(root)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    countries=st.none() | st.lists(st.sampled_from(COUNTRIES), min_size=1, max_size=3),
    start=st.none() | st.dates(dt.date(2017, 6, 1), dt.date(2024, 6, 1)),
    span=st.none() | st.integers(0, 900),
    event_types=st.none() | st.lists(st.sampled_from(vocab.EVENT_TYPES), min_size=1, max_size=3),
)
def test_any_filter_combination_equals_the_pandas_selection(
    release, events, countries, start, span, event_types
):
    end = start + dt.timedelta(days=span) if start is not None and span is not None else None
    df = ck.load(release, countries=countries, start=start, end=end, event_types=event_types)
    mask = pd.Series(True, index=events.index)
    if countries is not None:
        mask &= events["country"].isin(countries)
    if start is not None:
        mask &= events["event_date"] >= pd.Timestamp(start)
    if end is not None:
        mask &= events["event_date"] <= pd.Timestamp(end)
    if event_types is not None:
        mask &= events["event_type"].isin(event_types)
    pd.testing.assert_frame_equal(df, expected(events, mask, release))


def test_a_bare_parquet_file_and_a_dataset_directory_load(events, tmp_path):
    root = write_release(events, tmp_path / "r", layout="year")
    direct = ck.load(root / "events" / "year=2021" / "part-0.parquet", countries="Mexico")
    as_dir = ck.load(root / "events", countries="Mexico", start="2021", end="2021")
    pd.testing.assert_frame_equal(direct, as_dir)
    assert len(direct) == ((events["country"] == "Mexico") & (events["year"] == 2021)).sum()


@pytest.mark.parametrize("keep_year", [False, True])
def test_partitioned_release_with_one_year_or_year_in_the_files(events, tmp_path, keep_year):
    """The year comes from the directory name (the release's layout), or from the files when other
    tools also keep it there; a release holding a single year is still partitioned."""
    one_year = events[events["year"] == 2019]
    root = write_release(one_year, tmp_path / "one", layout="year", keep_year=keep_year)
    df = ck.load(root, countries="Iraq")
    assert (df["year"] == 2019).all()
    assert len(df) == (one_year["country"] == "Iraq").sum()
    root = write_release(events, tmp_path / "all", layout="year", keep_year=keep_year)
    df = ck.load(root, start="2019", end="2019")
    assert (df["year"] == 2019).all() and len(df) == len(one_year)
    assert df.attrs["load"]["files_read"] == 1


def test_verify_checks_the_release_checksums(events, tmp_path):
    root = write_release(events, tmp_path / "r")
    assert len(ck.load(root, verify=True)) == N
    with open(root / "deletions.csv", "a") as handle:
        handle.write("SYR999999,1700000000\n")
    with pytest.raises(ConflictkitError, match="deletions.csv: checksum differs"):
        ck.load(root, verify=True)
    with pytest.raises(UsageError, match="needs a release"):
        ck.load(root / "events.parquet", verify=True)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(countries="Narnia"), "unknown country"),
        (dict(countries="Syira"), "did you mean Syria"),
        (dict(event_types="Battle"), "unknown value"),
        (dict(sub_event_types=["Armed clash", "Skirmish"]), "'Skirmish'"),
        (dict(columns=["event_date", "date"]), "unknown column"),
        (dict(start="2020-13-01"), "not a date"),
        (dict(start="2021", end="2020"), "after end"),
        (dict(start=2021, end=2020), "start 2021-01-01 is after end 2020-12-31"),
        (dict(start=20201), "not a year"),
        (dict(end=True), "expected a date or a year"),
        (dict(start=2020.5), "expected a date, 'YYYY-MM-DD' or a year"),
        (dict(countries=[]), "empty list"),
    ],
)
def test_bad_arguments_are_usage_errors(release, kwargs, message):
    with pytest.raises(UsageError, match=message):
        ck.load(release, **kwargs)


def test_bad_sources_give_clear_errors(tmp_path, events):
    with pytest.raises(UsageError, match="no such file"):
        ck.load(tmp_path / "nope.parquet")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputFileError, match="empty"):
        ck.load(empty)
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(InputFileError, match="binary"):
        ck.load(garbage)
    other = tmp_path / "other.csv"
    other.write_text("id,name,value\n1,a,2\n")
    with pytest.raises(InputFileError, match="not Parquet, a release or a known export"):
        ck.load(other)
    wrong = tmp_path / "wrong.parquet"
    pq.write_table(pa.table({"id": [1, 2], "name": ["a", "b"]}), wrong)
    with pytest.raises(InputFileError, match="not an ACLED events table"):
        ck.load(wrong)
    fake = tmp_path / "fake.parquet"
    fake.write_bytes(b"PAR1" + b"\x00" * 100)
    with pytest.raises(InputFileError):
        ck.load(fake)
    write_release(events.iloc[:20], tmp_path / "releases" / "1.0.0")
    write_release(events.iloc[:30], tmp_path / "releases" / "1.1.0")
    with pytest.raises(UsageError, match=r"several releases \(1.0.0, 1.1.0\)"):
        ck.load(tmp_path / "releases")
    (tmp_path / "emptydir").mkdir()
    with pytest.raises(UsageError, match="neither a release"):
        ck.load(tmp_path / "emptydir")


def test_a_dataset_repository_loads_its_latest_release_and_says_which(events, tmp_path):
    from conflictkit.builders.scaffold import init_dataset

    repo = tmp_path / "repo"
    init_dataset(repo)
    with pytest.raises(UsageError, match="without a release yet"):
        ck.load(repo)
    write_release(events.iloc[:50], repo / "releases" / "1.9.0")
    latest = write_release(events.iloc[:80], repo / "releases" / "1.10.0")  # version order
    with pytest.warns(ck.LatestReleaseWarning, match=r"loading its latest release, .*1\.10\.0"
                      ) as caught:
        df = ck.load(repo, countries="Syria")
    assert caught[0].filename == __file__  # points at the caller, not at conflictkit
    pd.testing.assert_frame_equal(df, ck.load(latest, countries="Syria"))
    info = df.attrs["load"]
    assert (info["release"], info["version"], info["dataset"]) == (str(latest), "1.10.0",
                                                                   str(repo))
    # a release directory is loaded as itself, quietly
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ck.load(latest).attrs["load"]["dataset"] is None


def test_incomplete_table_loads_the_columns_it_has(events, tmp_path):
    from conflictkit.schema.arrow import to_arrow_table

    path = tmp_path / "part.parquet"
    pq.write_table(to_arrow_table(events).select(["event_id_cnty", "country", "fatalities"]), path)
    with pytest.raises(InputFileError, match="missing column"):
        ck.load(path)
    df = ck.load(path, countries="Yemen", columns=["event_id_cnty", "fatalities"])
    assert len(df) == (events["country"] == "Yemen").sum()


def test_release_opens_in_duckdb_and_polars(events, tmp_path):
    duckdb = pytest.importorskip("duckdb")
    pl = pytest.importorskip("polars")
    root = write_release(events, tmp_path / "r")
    want = len(ck.load(root, countries="Syria", start="2020", end="2020"))
    path = str(root / "events.parquet")
    got = duckdb.sql(f"SELECT count(*) FROM '{path}' WHERE country = 'Syria' AND year = 2020")
    assert got.fetchall()[0][0] == want
    frame = pl.scan_parquet(path).filter(
        (pl.col("country") == "Syria") & (pl.col("event_date").dt.year() == 2020)).collect()
    assert frame.height == want and frame.schema["event_date"] == pl.Date
    partitioned = write_release(events, tmp_path / "p", layout="year")
    glob = str(partitioned / "events" / "*" / "*.parquet")
    got = duckdb.sql(f"SELECT count(*) FROM read_parquet('{glob}', hive_partitioning = true) "
                     "WHERE country = 'Syria' AND year = 2020")
    assert got.fetchall()[0][0] == want


def test_export_csv_loads_like_the_release(events, tmp_path):
    pytest.importorskip("conflictkit.builders.importers.acled")
    root = write_release(events, tmp_path / "r")
    csv = tmp_path / "export.csv"
    sort_release(events).to_csv(csv, index=False, date_format="%Y-%m-%d")
    from_csv = ck.load(csv, countries="Ukraine", start="2022")
    from_parquet = ck.load(root, countries="Ukraine", start="2022")
    pd.testing.assert_frame_equal(from_csv, from_parquet)
    shutil.rmtree(root)


def test_export_with_bad_rows_warns_and_keeps_the_rest(events, tmp_path):
    pytest.importorskip("conflictkit.builders.importers.acled")
    sample = sort_release(events.iloc[:50]).astype({"event_type": "str"})
    sample.loc[3, "event_type"] = "Skirmish"
    csv = tmp_path / "export.csv"
    sample.to_csv(csv, index=False, date_format="%Y-%m-%d")
    with pytest.warns(UserWarning, match="1 record"):
        df = ck.load(csv)
    assert len(df) == 49 and df.attrs["load"]["rejected"] == 1
    assert sample.loc[3, "event_id_cnty"] not in set(df["event_id_cnty"])
    assert df.attrs["report"].rejected == 1


def test_ucdp_ged_csv_is_recognised_from_its_header(tmp_path):
    fixture = Path(__file__).parent / "fixtures" / "import" / "ucdp_ged.csv"
    if not fixture.is_file():
        pytest.skip("UCDP fixture not present")
    renamed = tmp_path / "export.txt"  # the name says nothing: the header decides
    renamed.write_bytes(fixture.read_bytes())
    df = ck.load(renamed)
    assert df.attrs["load"]["format"] == "ucdp" and len(df) > 0
    assert list(df["event_type"].cat.categories) == list(vocab.EVENT_TYPES)
    congo = ck.load(renamed, countries="DR Congo")
    assert set(congo["country"].astype(str)) == {"Democratic Republic of Congo"}
    assert 0 < len(congo) < len(df)


actor_names = [name for name, _ in __import__("test_load_data").ACTORS]


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    countries=st.none() | st.lists(st.sampled_from(COUNTRIES), min_size=1, max_size=2),
    start=st.none() | st.dates(dt.date(2018, 1, 1), dt.date(2023, 12, 31)),
    sub_event_types=st.none() | st.lists(st.sampled_from(vocab.ALL_SUB_EVENT_TYPES),
                                         min_size=1, max_size=6),
    actors=st.none() | st.lists(st.sampled_from(actor_names), min_size=1, max_size=2),
)
def test_export_mask_and_parquet_pushdown_select_the_same_events(
    release, events, countries, start, sub_event_types, actors
):
    """Exports are filtered by a pandas mask, Parquet by an Arrow expression: same rows."""
    from conflictkit.loading.filters import make_filters, pandas_mask

    kwargs = dict(countries=countries, start=start, sub_event_types=sub_event_types,
                  actors=actors)
    typed = as_typed(events)
    masked = typed[pandas_mask(typed, make_filters(**kwargs)).to_numpy()]
    loaded = ck.load(release, columns=["event_id_cnty"], **kwargs)
    assert sorted(loaded["event_id_cnty"]) == sorted(masked["event_id_cnty"])


def test_loading_parquet_stays_lean(release):
    """`import conflictkit; ck.load(release)` must not pay for pandera, the importers or
    rapidfuzz: a researcher's one line is timed whole-process."""
    import subprocess
    import sys

    code = (
        "import sys, conflictkit as ck\n"
        f"df = ck.load({str(release)!r}, countries='Syria', start='2020', end='2020')\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules}"
        " & {'pandera', 'rapidfuzz', 'polars', 'duckdb', 'typer'})\n"
        "heavy += [m for m in sys.modules if m.startswith('conflictkit.builders.importers')]\n"
        "print(len(df), heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    rows, heavy = done.stdout.strip().split(" ", 1)
    assert int(rows) > 0 and heavy == "[]"
