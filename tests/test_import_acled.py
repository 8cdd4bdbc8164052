"""ACLED importer: every era, and every kind of damage real exports show."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conflictkit.builders.importers.acled import read_acled
from conflictkit.errors import InputFileError
from conflictkit.schema.columns import COLUMN_NAMES

FIXTURES = Path(__file__).parent / "fixtures" / "import"
TODAY = dt.date(2025, 1, 1)
CURRENT = FIXTURES / "acled_current.csv"


def _read(path: Path):
    return read_acled(path, today=TODAY)


def _write(tmp_path: Path, text: str, name: str = "export.csv", encoding: str = "utf-8",
           newline: str = "\n") -> Path:
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def _current_text() -> str:
    return CURRENT.read_text(encoding="utf-8")


def _rules(result) -> list[str]:
    return result.report.problems["rule"].tolist()


def _accounted(result, records: int) -> None:
    s = result.report.summary()
    assert s["records"] == records
    assert s["accepted"] + s["rejected"] == records
    assert len(result.events) == s["accepted"] == len(result.side)


def test_current_export_with_the_seed_event():
    result = _read(CURRENT)
    _accounted(result, 5)
    assert result.report.ok
    assert list(result.events.columns) == list(COLUMN_NAMES)
    seed = result.events.set_index("event_id_cnty").loc["SYR31599"]
    assert seed["event_date"] == pd.Timestamp("2018-02-07")
    assert seed["sub_event_type"] == "Air/drone strike"
    assert seed["fatalities"] == 100
    assert seed["interaction"] == "State forces-External/Other forces"
    assert result.events["event_date"].dtype == "datetime64[s]"
    assert result.side["line"].tolist() == [2, 3, 4, 5, 6]
    assert result.meta["era"] == "acled"


def test_crowd_size_moves_from_notes_to_tags():
    events = _read(CURRENT).events.set_index("event_id_cnty")
    assert events.loc["SYR31650", "tags"] == "crowd size=around 200"
    assert not events.loc["SYR31650", "notes"].endswith("]")
    assert events.loc["SYR31650", "notes"].endswith("Afrin.")
    assert events.loc["KEN5530", "tags"] == "crowd size=no report"


def test_crowd_size_is_appended_to_existing_tags(tmp_path):
    text = _current_text().replace(
        "[size=around 200]\",0,,", "[size=around 200]\",0,women targeted,")
    events = _read(_write(tmp_path, text)).events.set_index("event_id_cnty")
    assert events.loc["SYR31650", "tags"] == "women targeted; crowd size=around 200"


def test_numeric_inter_and_interaction_codes():
    result = _read(FIXTURES / "acled_current_numeric_inter.csv")
    assert result.report.ok
    assert result.events["inter1"].tolist() == ["External/Other forces", "Rebel group"]
    assert result.events["interaction"].tolist() == [
        "State forces-External/Other forces", "Rebel group-Civilians"]


def test_api_v3_era_derives_missing_columns_and_todays_regions():
    result = _read(FIXTURES / "acled_api_v3.csv")
    _accounted(result, 3)
    assert result.report.ok, result.report.problems
    events = result.events.set_index("event_id_cnty")
    assert events.loc["PAK52411", "region"] == "South Asia"
    assert events.loc["PHL4417", "region"] == "Southeast Asia"
    # ACLED has since moved Afghanistan: the region is derived from the country again
    assert events.loc["AFG31277", "region"] == "Caucasus and Central Asia"
    assert events.loc["AFG31277", "disorder_type"] == "Demonstrations"
    assert events.loc["AFG31277", "tags"] == "crowd size=dozens"
    assert pd.isna(events.loc["AFG31277", "inter2"])  # 0 meant "no second actor"
    side = result.side.set_index("event_id_cnty")
    assert side.loc["PAK52411", "data_id"] == "6958843"
    assert side.loc["PAK52411", "source_region"] == "Southern Asia"
    assert side.loc["PAK52411", "iso3"] == "PAK"


def test_legacy_era_maps_event_types_and_rejects_the_unmappable():
    result = _read(FIXTURES / "acled_legacy.csv")
    _accounted(result, 8)
    events = result.events.set_index("event_id_cnty")
    assert events.loc["ALG1417", ["event_type", "sub_event_type"]].tolist() == [
        "Riots", "Violent demonstration"]
    assert events.loc["KEN1201", "sub_event_type"] == "Peaceful protest"
    assert events.loc["KEN1202", "sub_event_type"] == "Grenade"
    assert events.loc["KEN1204", "sub_event_type"] == "Armed clash"
    assert events.loc["KEN1205", "sub_event_type"] == "Arrests"
    assert events.loc["ALG1416", "event_date"] == pd.Timestamp("2001-04-18")
    assert events.loc["ALG1416", "assoc_actor_1"] is pd.NA or pd.isna(
        events.loc["ALG1416", "assoc_actor_1"])
    assert events.loc["ALG1416", "assoc_actor_2"] == "Berber Ethnic Group (Algeria)"
    problems = result.report.problems
    # Riots/Protests between soldiers and a militia: neither Riots nor Protests fits
    rejected = problems[problems["severity"] == "error"]
    assert rejected["event_id"].tolist() == ["KEN1206"]
    assert rejected["rule"].tolist() == ["legacy_event_type_unmapped"]
    assert rejected["line"].tolist() == [9]
    assert "KEN1206" not in events.index
    # Remote violence with no weapon named: kept, by the actor-type rule, flagged for review
    assert events.loc["KEN1203", ["event_type", "sub_event_type"]].tolist() == [
        "Explosions/Remote violence", "Remote explosive/landmine/IED"]
    side = result.side.set_index("event_id_cnty")
    assert "no weapon" in side.loc["KEN1203", "review"]
    assert side["review"].notna().sum() == 1
    # mapped legacy types and rewritten IDs are repairs, not warnings
    assert not problems["rule"].isin(["legacy_event_type", "event_id_rewritten"]).any()
    repairs = result.repairs
    legacy = repairs[repairs["repair"] == "legacy_event_type"]
    assert set(legacy["event_id_cnty"]) == set(events.index)
    assert legacy.set_index("event_id_cnty").loc["KEN1201", "original"] == "Riots/Protests"
    assert result.meta["repairs"]["legacy_event_type"] == 7
    # the file has no source_scale: one file-level warning, not one error per row
    missing = problems[problems["rule"] == "missing_column"]
    assert missing["column"].tolist() == ["source_scale"]
    # an old real-time ID ("1417RTA") becomes prefix + number, the original kept aside
    assert side.loc["ALG1417", "source_event_id"] == "1417RTA"
    ids = repairs[repairs["repair"] == "legacy_event_id"]
    assert ids[["event_id_cnty", "column", "original"]].values.tolist() == [
        ["ALG1417", "event_id_cnty", "1417RTA"]]
    assert side.loc["KEN1201", "source_event_type"] == "Riots/Protests"
    assert side.loc["KEN1201", "gwno"] == "501"


@pytest.mark.parametrize("encoding,newline,bom", [
    ("utf-8", "\r\n", True), ("utf-8", "\n", True), ("cp1252", "\r\n", False),
    ("utf-16", "\r\n", False),
])
def test_encodings_and_line_endings(tmp_path, encoding, newline, bom):
    text = _current_text().replace("Khasham,Khasham", "Khasham,Khashām") if encoding != \
        "cp1252" else _current_text().replace("Westlands", "Westlands Café")
    path = tmp_path / "export.csv"
    data = text.replace("\n", newline).encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    result = _read(path)
    _accounted(result, 5)
    assert result.report.ok, result.report.problems
    locations = set(result.events["location"]) | set(result.events["admin2"].dropna())
    assert ("Khashām" in locations) or ("Westlands Café" in locations)
    assert result.events.loc[0, "event_id_cnty"] == "SYR31599"


def test_utf8_with_a_corrupt_byte_keeps_the_event_for_review(tmp_path):
    data = _current_text().replace("Khasham,Khasham", "Khashām,Khasham").encode("utf-8")
    data = data.replace(b"Konduga,,", b"Kond\xffuga,,")
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    result = _read(path)
    _accounted(result, 5)
    assert result.report.ok
    side = result.side.set_index("event_id_cnty")
    assert side["review"].notna().tolist() == [False, False, True, False, False]
    assert "not valid UTF-8" in side.loc["NIG11890", "review"]
    assert "admin2" in side.loc["NIG11890", "review"]
    assert result.events.set_index("event_id_cnty").loc["NIG11890", "admin2"] == \
        "Kond\ufffduga"


def test_newlines_and_quotes_inside_notes_keep_line_numbers(tmp_path):
    text = _current_text().replace(
        "US-led coalition aircraft struck", 'US-led ""coalition""\naircraft\r\nstruck')
    result = _read(_write(tmp_path, text))
    _accounted(result, 5)
    notes = result.events.loc[0, "notes"]
    assert 'US-led "coalition" aircraft struck' in notes
    assert result.side["line"].tolist() == [2, 5, 6, 7, 8]
    assert result.report.problems.empty  # a repair, not a warning
    breaks = result.repairs[result.repairs["repair"] == "line_break"]
    assert breaks[["event_id_cnty", "column"]].values.tolist() == [["SYR31599", "notes"]]
    assert "coalition\"\naircraft\r\nstruck" in breaks["original"].iloc[0]


def test_trailing_empty_columns_and_row_number_column(tmp_path):
    lines = _current_text().splitlines()
    lines = [f'"",{lines[0]},,'] + [f"{i},{line},," for i, line in enumerate(lines[1:], 1)]
    result = _read(_write(tmp_path, "\n".join(lines) + "\n"))
    _accounted(result, 5)
    assert result.report.ok, result.report.problems
    assert result.meta["row_number_column"] is True
    assert result.meta["empty_columns_dropped"] == 2
    assert set(result.side.columns) == {"event_id_cnty", "review", "file", "line",
                                        "source_era"}


def test_extra_columns_are_kept_aside_and_reported(tmp_path):
    lines = _current_text().splitlines()
    lines = [lines[0] + ",coder,source_url"] + [f"{line},ab,https://x.org/{i}"
                                                 for i, line in enumerate(lines[1:])]
    result = _read(_write(tmp_path, "\n".join(lines) + "\n"))
    _accounted(result, 5)
    assert result.report.ok
    extra = result.report.problems[result.report.problems["rule"] == "extra_column"]
    assert extra["column"].tolist() == ["coder", "source_url"]
    assert result.side["source_url"].tolist()[:2] == ["https://x.org/0", "https://x.org/1"]


def test_a_trimmed_export_lacking_a_required_column_is_rejected_and_says_why(tmp_path):
    # today's exports record source_scale: an export without it is incomplete (the schema lets
    # only an era that never recorded a column leave it blank), so its events would not
    # validate, and the import rejects them rather than hand on what no release accepts;
    # derived columns it lacks are filled and say nothing
    frame = pd.read_csv(CURRENT, dtype=str, keep_default_na=False)
    path = tmp_path / "export.csv"
    frame.drop(columns=["source_scale", "disorder_type", "interaction"]).to_csv(path, index=False)
    result = _read(path)
    _accounted(result, 5)
    assert result.report.accepted == 0
    problems = result.report.problems
    [absent] = problems[problems["rule"] == "absent_required_column"].to_dict("records")
    assert absent["column"] == "source_scale" and absent["record"] == -1
    assert "export the data again with all columns" in absent["message"]
    per_event = problems[problems["rule"] == "required"]
    assert set(per_event["column"]) == {"source_scale"} and len(per_event) == 5
    assert not problems["column"].isin(["disorder_type", "interaction"]).any()


def test_truncated_last_row_is_rejected_and_the_rest_kept(tmp_path):
    text = _current_text().rstrip("\n")
    cut = text[: text.rindex("threw stones")]  # inside the quoted notes of the last record
    result = _read(_write(tmp_path, cut))
    _accounted(result, 5)
    assert result.report.accepted == 4
    problem = result.report.problems.query("rule == 'unreadable_record'")
    assert problem["line"].tolist() == [6]
    assert "truncated" in problem["message"].iloc[0]
    assert "unterminated quote" in problem["message"].iloc[0]


def test_short_and_long_rows_in_the_middle(tmp_path):
    lines = _current_text().splitlines()
    lines[2] = ",".join(lines[2].split(",")[:5])
    lines[3] = lines[3] + ",surplus,cells"
    result = _read(_write(tmp_path, "\n".join(lines) + "\n"))
    _accounted(result, 5)
    bad = result.report.problems.query("rule == 'unreadable_record'")
    assert bad["line"].tolist() == [3, 4]
    assert "has 5 fields" in bad["message"].iloc[0]


def test_blank_lines_are_skipped_but_lines_stay_right(tmp_path):
    lines = _current_text().splitlines()
    text = "\n".join(lines[:3] + ["", ",,,,"] + lines[3:]) + "\n\n"
    result = _read(_write(tmp_path, text))
    _accounted(result, 5)
    assert result.side["line"].tolist() == [2, 3, 6, 7, 8]


def test_dates_in_every_format_and_an_unreadable_one(tmp_path):
    text = _current_text()
    for old, new in [("07 February 2018", "2018-02-07"), ("09 February 2018", "9-Feb-18"),
                     ("12 February 2018", "12/02/2018"), ("14 February 2018", "14-02-18"),
                     ("16 February 2018", "sometime in Feb")]:
        text = text.replace(old, new)
    result = _read(_write(tmp_path, text))
    _accounted(result, 5)
    assert result.events["event_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2018-02-07", "2018-02-09", "2018-02-12", "2018-02-14"]
    bad = result.report.errors
    assert bad["rule"].tolist() == ["date_format"]
    assert bad["value"].tolist() == ["sometime in Feb"]


def test_semicolon_delimited_export(tmp_path):
    frame = pd.read_csv(CURRENT, dtype=str, keep_default_na=False)
    path = tmp_path / "export.csv"
    frame.to_csv(path, index=False, sep=";")
    result = _read(path)
    assert result.meta["delimiter"] == ";"
    assert result.report.ok and len(result.events) == 5


def test_xlsx_export(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    frame = pd.read_csv(CURRENT, dtype=str, keep_default_na=False)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        values = list(row)
        values[1] = dt.datetime.strptime(values[1], "%d %B %Y")  # a real date cell
        for i in (2, 15, 28, 30):  # numbers as numbers
            values[i] = int(values[i])
        values[22], values[23] = float(values[22]), float(values[23])
        sheet.append([v if v != "" else None for v in values])
    path = tmp_path / "export.xlsx"
    book.save(path)
    result = _read(path)
    _accounted(result, 5)
    assert result.report.ok, result.report.problems
    seed = result.events.set_index("event_id_cnty").loc["SYR31599"]
    assert seed["event_date"] == pd.Timestamp("2018-02-07")
    assert seed["latitude"] == 35.2901
    assert result.side["line"].tolist() == [2, 3, 4, 5, 6]


def test_two_files_joined_with_their_headers(tmp_path):
    lines = _current_text().splitlines()
    legacy = (FIXTURES / "acled_legacy.csv").read_text().splitlines()
    text = "\n".join(lines[:3] + [lines[0]] + lines[3:] + legacy[:2]) + "\n"
    result = _read(_write(tmp_path, text))
    problems = result.report.problems
    headers = problems[problems["rule"] == "embedded_header"]
    assert sorted(headers["line"].tolist()) == [4, 8]
    assert not result.report.ok
    # the repeated same-layout header is skipped, the legacy row cannot be read
    _accounted(result, 6)
    assert problems.query("rule == 'unreadable_record'")["line"].tolist() == [9]


def test_rows_after_a_second_layout_header_are_said_to_belong_to_it(tmp_path):
    """The last rows of a joined file are of the other era, not a truncated record."""
    lines = _current_text().splitlines()
    legacy = (FIXTURES / "acled_legacy.csv").read_text().splitlines()
    text = "\n".join(lines[:3] + legacy[:3]) + "\n"
    result = _read(_write(tmp_path, text))
    problems = result.report.problems
    _accounted(result, 4)
    rows = problems.query("rule == 'unreadable_record'")
    assert rows["line"].tolist() == [5, 6]
    assert all("like the second header at line 4" in m for m in rows["message"])
    assert not any("truncated" in m for m in problems["message"])


@pytest.mark.parametrize("content,message", [
    (b"", "empty"),
    (b"\x00\x01\x02garbage\x00" * 50, "binary"),
    (b"PAR1\x00\x00", "Parquet"),
    (b"name,age,city\nAda,36,London\n", "not an ACLED export"),
])
def test_files_that_are_not_acled_exports(tmp_path, content, message):
    path = tmp_path / "thing.csv"
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=message):
        _read(path)


def test_a_ucdp_file_points_to_the_other_importer():
    with pytest.raises(InputFileError, match="import ucdp"):
        _read(FIXTURES / "ucdp_ged.csv")


def test_header_only_file(tmp_path):
    result = _read(_write(tmp_path, _current_text().splitlines()[0] + "\n"))
    _accounted(result, 0)
    assert result.events.empty and list(result.events.columns) == list(COLUMN_NAMES)


def test_a_bad_number_falls_back_to_a_text_read_and_is_reported(tmp_path):
    assert _read(CURRENT).meta["typed_read"] is True
    text = _current_text().replace(",5,,1618524157", ",about 5,,1618524157")
    result = _read(_write(tmp_path, text))
    _accounted(result, 5)
    assert result.meta["typed_read"] is False
    bad = result.report.errors
    assert bad[["line", "column", "rule", "value"]].values.tolist() == [
        [4, "fatalities", "type", "about 5"]]


_CELLS = st.one_of(st.text(max_size=12), st.sampled_from(
    ["", '"', '""', "\n", ",", "07 February 2018", "1", "-3", "Syria", "SYR1", "Battles"]))


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(rows=st.lists(st.lists(_CELLS, max_size=34), max_size=6), header=st.booleans(),
       encoding=st.sampled_from(["utf-8", "cp1252", "utf-16"]))
def test_any_damage_is_a_clear_error_or_fully_accounted_for(tmp_path_factory, rows, header,
                                                           encoding):
    lines = ([_current_text().splitlines()[0]] if header else []) + [",".join(r) for r in rows]
    path = tmp_path_factory.mktemp("fuzz") / "export.csv"
    try:
        path.write_bytes("\n".join(lines).encode(encoding))
    except UnicodeEncodeError:
        return
    try:
        result = read_acled(path, today=TODAY)
    except InputFileError:
        return
    s = result.report.summary()
    assert s["accepted"] + s["rejected"] == s["records"]
    assert len(result.events) == s["accepted"] == len(result.side)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.binary(min_size=1, max_size=400))
def test_arbitrary_bytes_never_raise_anything_else(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("bytes") / "export.csv"
    path.write_bytes(data)
    try:
        result = read_acled(path, today=TODAY)
    except InputFileError as exc:
        assert str(path) in str(exc)  # the message names the file
        return
    s = result.report.summary()
    assert s["accepted"] + s["rejected"] == s["records"]


def test_cp1252_bytes_inside_a_broken_row(tmp_path, capfd):
    text = _current_text().replace("Westlands", "Westlands Café").rstrip("\n")
    path = tmp_path / "export.csv"
    path.write_bytes(text[: text.rindex("threw stones")].encode("cp1252"))
    result = _read(path)
    _accounted(result, 5)
    assert result.meta["encoding"] == "cp1252"
    assert result.report.problems.query("rule == 'unreadable_record'")["line"].tolist() == [6]
    assert "Exception" not in capfd.readouterr().err


@pytest.mark.parametrize("fixture", ["acled_current.csv", "acled_api_v3.csv",
                                     "acled_legacy.csv", "acled_current_numeric_inter.csv"])
def test_fast_path_equals_the_full_schema_conversion(monkeypatch, fixture):
    """Columns the reader already made canonical skip coerce_events: same frame either way."""
    import conflictkit.builders.importers.acled as acled_module
    from conflictkit.builders.importers import common

    fast = _read(FIXTURES / fixture)

    def full(*args, **kwargs):
        kwargs["clean_text"] = False
        return common.finish(*args, **kwargs)

    monkeypatch.setattr(acled_module, "finish", full)
    slow = _read(FIXTURES / fixture)
    pd.testing.assert_frame_equal(fast.events, slow.events)
    assert fast.report.summary() == slow.report.summary()


@pytest.mark.parametrize("damaged", [False, True])
def test_line_numbers_across_many_read_blocks(tmp_path, monkeypatch, damaged):
    """A file read in many small blocks, quoted line breaks throughout: good rows keep their
    physical lines, and a damaged row in the middle gets its own line."""
    from conflictkit.builders.importers import table

    monkeypatch.setattr(table, "_BLOCK", 4096)
    header, *rows = _current_text().splitlines()
    records = []
    for k in range(60):
        for j, row in enumerate(rows):
            old_id = row.split(",", 1)[0]
            row = row.replace(old_id, f"{old_id.rstrip('0123456789')}{100_000 + 5 * k + j}", 1)
            if j == 0 and k % 3 == 0:
                row = row.replace("US-led coalition aircraft struck",
                                  'US-led ""coalition""\naircraft\r\nstruck')
            records.append(row)
    short = 157
    if damaged:
        records[short] = ",".join(records[short].split(",")[:5])
    expected, line = [], 2
    for record in records:
        expected.append(line)
        line += 1 + record.count("\n")
    result = _read(_write(tmp_path, "\n".join([header, *records]) + "\n"))
    _accounted(result, len(records))
    good = [n for i, n in enumerate(expected) if not (damaged and i == short)]
    assert result.side["line"].tolist() == good
    bad = result.report.problems.query("rule == 'unreadable_record'")
    assert bad["line"].tolist() == ([expected[short]] if damaged else [])


@pytest.mark.parametrize(("kenya_ids", "accepted", "warned"), [
    (("KNY5521", "KNY5530"), 5, True),   # one unknown prefix for all of Kenya: trust the export
    (("KNY5521", "KEN5530"), 4, False),  # mixed: the odd one out is an error
    (("SOM5521", "SOM5530"), 3, False),  # another country's prefix: errors
])
def test_an_export_consistent_unknown_id_prefix_is_kept_with_one_warning(
        tmp_path, kenya_ids, accepted, warned):
    text = _current_text().replace("KEN5521", kenya_ids[0]).replace("KEN5530", kenya_ids[1])
    result = _read(_write(tmp_path, text))
    _accounted(result, 5)
    assert len(result.events) == accepted
    problems = result.report.problems
    notes = problems[problems["rule"] == "id_prefix_from_export"]
    assert len(notes) == (1 if warned else 0)
    if warned:
        assert notes["severity"].tolist() == ["warning"] and notes["value"].tolist() == ["KNY"]
        assert "Kenya" in notes["message"].iloc[0] and "'KEN'" in notes["message"].iloc[0]
        assert result.report.ok
    else:
        errors = problems[problems["rule"] == "id_prefix_of_country"]
        assert len(errors) == 5 - accepted
