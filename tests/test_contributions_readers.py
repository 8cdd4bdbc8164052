"""The YAML, CSV and JSON readers: records, lines, and every kind of bad input as a problem."""

from __future__ import annotations

import csv
import io
import json
import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conflictkit.builders.contributions import read_file
from conflictkit.builders.contributions.csv_reader import CsvColumns, read_csv
from conflictkit.builders.contributions.json_reader import read_json
from conflictkit.builders.contributions.source import FileRejected, decode
from conflictkit.builders.contributions.yaml_reader import USING_C_LOADER, read_yaml
from conflictkit.schema.columns import COLUMN_NAMES

FIXTURES = Path(__file__).parent / "fixtures" / "contrib"


def problems(fr) -> list[dict]:
    """A reader's problem rows as dicts (a CSV reader keeps some as frames), in line order."""
    rows = list(fr.problems)
    for frame in getattr(fr, "problem_frames", []):
        rows += frame.to_dict(orient="records")
    return sorted(rows, key=lambda p: (p["line"], p["record"]))


def rules(fr) -> list[tuple[int, str]]:
    return [(p["line"], p["rule"]) for p in problems(fr)]


def records(fr) -> list[dict]:
    """Records as mappings, blanks as None: YAML/JSON readers' own, a CSV reader's columns."""
    if isinstance(fr, CsvColumns):
        if fr.frame is None:
            return []
        return [{k: (None if v is None or v != v else v) for k, v in row.items()}
                for row in fr.frame.astype(object).to_dict(orient="records")]
    return fr.records


# ---------------------------------------------------------------------------------------------
# YAML
# ---------------------------------------------------------------------------------------------


def test_yaml_list_documents_and_lines():
    text = ("# comment\n"
            "- event_id_cnty: SYR1\n  notes: a\n"
            "- event_id_cnty: SYR2\n  notes: b\n"
            "---\n"
            "event_id_cnty: SYR3\n"
            "---\n"
            "# only a comment\n")
    fr = read_yaml(text, "f.yaml")
    assert [r["event_id_cnty"] for r in fr.records] == ["SYR1", "SYR2", "SYR3"]
    assert fr.lines == [2, 4, 7]
    assert fr.problems == [] and fr.unreadable == 0


def test_yaml_events_under_an_events_key_are_read_with_their_lines():
    text = ("events:\n"
            "  - event_id_cnty: SYR1\n    notes: a\n"
            "  - event_id_cnty: SYR2\n    notes: b\n"
            "---\n"
            "events: not a list\n")
    fr = read_yaml(text, "f.yaml")
    assert [r.get("event_id_cnty") for r in fr.records] == ["SYR1", "SYR2", None]
    assert fr.lines == [2, 4, 7]
    # a scalar under "events" is no wrapper: that document is one record with an unknown key
    assert rules(fr) == [(7, "unknown_key")]


def test_yaml_keys_beside_the_events_list_are_reported_not_read_as_an_event():
    text = "source: Reuters\nevents:\n  - event_id_cnty: SYR1\n"
    fr = read_yaml(text, "f.yaml")
    assert len(fr.records) == 1  # not a wrapper (events is not the first key): one record
    text = "events:\n  - event_id_cnty: SYR1\nsource: Reuters\n"
    fr = read_yaml(text, "f.yaml")
    assert [r["event_id_cnty"] for r in fr.records] == ["SYR1"]
    [problem] = fr.problems
    assert (problem["line"], problem["rule"], problem["value"]) == (3, "unknown_key", "source")


def test_yaml_values_keep_the_text_as_written():
    """YAML 1.1 would turn these into booleans, octal numbers or dates; we keep the text."""
    text = ("notes: no\nlocation: On\nfatalities: 0123\nevent_date: 2018-02-07\n"
            "tags: ~\nadmin1: ''\nsource: 'null'\n")
    (record,) = read_yaml(text, "f").records
    assert record == {"notes": "no", "location": "On", "fatalities": "0123",
                      "event_date": "2018-02-07", "tags": None, "admin1": "", "source": "null"}


def test_yaml_uses_the_c_loader_when_libyaml_is_built_in():
    from conflictkit.builders.contributions import yaml_reader

    if yaml.__with_libyaml__:
        assert USING_C_LOADER and yaml_reader.Loader is yaml.CSafeLoader


def test_yaml_unknown_key_gets_a_did_you_mean_and_its_line():
    fr = read_yaml("event_id_cnty: SYR1\nfatalaties: 3\n", "f")
    (problem,) = fr.problems
    assert (problem["line"], problem["rule"], problem["column"]) == (2, "unknown_key",
                                                                     "fatalaties")
    assert "did you mean 'fatalities'" in problem["message"]
    assert fr.records == [{"event_id_cnty": "SYR1", "fatalaties": "3"}]


def test_yaml_billion_laughs_is_rejected_without_expansion():
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 30):  # 9**30 items if expanded
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    fr = read_yaml("\n".join(lines) + "\n", "bomb.yaml")
    assert len(fr.records) == 1
    assert {p["rule"] for p in fr.problems} >= {"nested_value", "unknown_key"}


def test_yaml_alias_for_a_scalar_is_an_error():
    fr = read_yaml("- notes: &n hello\n- notes: *n\n", "f")
    assert rules(fr) == [(2, "yaml_alias")]
    assert fr.records[1] == {"notes": None}


def test_yaml_arbitrary_tags_are_refused():
    text = "notes: !!python/object/apply:os.system ['echo hi']\nlocation: !custom x\n"
    fr = read_yaml(text, "f")
    assert rules(fr) == [(1, "yaml_tag"), (2, "yaml_tag")]


def test_yaml_nested_value_names_the_key():
    fr = read_yaml("source: [Reuters, AFP]\nactor1: {name: x}\n", "f")
    assert [(p["column"], p["rule"]) for p in fr.problems] == [("source", "nested_value"),
                                                              ("actor1", "nested_value")]
    assert "'; '" in fr.problems[0]["message"]


def test_yaml_provenance_may_be_nested_and_is_kept_as_json():
    fr = read_yaml("notes: x\nprovenance:\n  fatalities: {sentence: 2, start: 5}\n", "f")
    assert fr.problems == []
    assert json.loads(fr.records[0]["provenance"]) == {"fatalities": {"sentence": "2",
                                                                      "start": "5"}}


def test_yaml_duplicate_key_is_an_error():
    fr = read_yaml("notes: a\nnotes: b\n", "f")
    assert rules(fr) == [(2, "duplicate_key")]


def test_yaml_syntax_error_resumes_at_next_document():
    text = "notes: a\n---\nnotes: [broken\n---\nnotes: c\n"
    fr = read_yaml(text, "f")
    assert [r["notes"] for r in fr.records] == ["a", "c"]
    assert fr.lines == [1, 5]
    assert fr.unreadable == 1
    (problem,) = fr.problems
    assert problem["rule"] == "unreadable_record" and "malformed YAML" in problem["message"]
    assert 3 <= problem["line"] <= 4


@pytest.mark.parametrize("text", ["", "# nothing\n", "---\n...\n"])
def test_yaml_empty_file(text):
    fr = read_yaml(text, "f")
    assert rules(fr) == [(0, "empty_file")] and fr.records == []


def test_yaml_scalar_documents_and_list_items_are_unreadable_records():
    fr = read_yaml("just text\n---\n- 5\n- [1, 2]\n- notes: ok\n", "f")
    assert fr.unreadable == 3
    assert [r["notes"] for r in fr.records] == ["ok"]


def test_yaml_deep_nesting_does_not_crash():
    fr = read_yaml("notes: " + "[" * 50_000 + "]" * 50_000 + "\n", "f")
    # libyaml refuses absurd depth itself; either way it is one reported record, no crash
    assert len(fr.records) + fr.unreadable == 1
    assert fr.problems[0]["rule"] in ("nested_value", "unreadable_record")


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------


def test_csv_physical_lines_count_quoted_newlines_and_blank_lines():
    text = ('event_id_cnty,notes\r\n'
            'SYR1,"two\r\nlines"\r\n'
            '\r\n'
            'SYR2,x\r\n')
    fr = read_csv(text, "f.csv")
    assert fr.columnar
    assert [r["event_id_cnty"] for r in records(fr)] == ["SYR1", "SYR2"]
    assert fr.lines.tolist() == [2, 5]
    assert records(fr)[0]["notes"] == "two\r\nlines"


def test_csv_empty_fields_are_blank_and_whitespace_is_kept():
    fr = read_csv("notes,admin1\n x ,\n", "f")
    assert records(fr) == [{"notes": " x ", "admin1": None}]


def test_csv_unknown_header_is_an_error_on_every_record():
    fr = read_csv("notes,fatalaties\na,1\nb,\n", "f")
    assert rules(fr) == [(2, "unknown_key"), (3, "unknown_key")]
    assert "did you mean 'fatalities'" in problems(fr)[0]["message"]


def test_csv_wrong_field_count_and_bad_quotes_are_unreadable_records():
    text = 'notes,admin1\na,b\nc\n"d"e,f\ng,h\n'
    fr = read_csv(text, "f")
    assert not fr.columnar  # a quote closed before "e": the strict reader says where
    assert [r["notes"] for r in records(fr)] == ["a", "g"]
    assert fr.unreadable == 2
    assert [p["line"] for p in problems(fr)] == [3, 4]
    assert "malformed CSV" in problems(fr)[1]["message"]


def test_csv_wrong_field_count_is_read_column_wise():
    fr = read_csv('notes,admin1\na,b\nc\n"d\ne",f\ng,h,i\nj,k\n', "f")
    assert fr.columnar
    assert [r["notes"] for r in records(fr)] == ["a", "d\ne", "j"]
    assert fr.lines.tolist() == [2, 4, 7]
    assert [(p["line"], p["value"]) for p in problems(fr)] == [(3, "c"), (6, "g,h,i")]
    assert fr.unreadable == 2


def test_csv_trailing_empty_columns_from_spreadsheets_are_ignored():
    fr = read_csv("notes,admin1,,\na,b,,\n", "f")
    assert records(fr) == [{"notes": "a", "admin1": "b"}] and problems(fr) == []
    fr = read_csv("notes,admin1,,\na,b,,\nc,d,e,\n", "f")
    assert records(fr) == [{"notes": "a", "admin1": "b"}]
    assert [(p["line"], p["value"]) for p in problems(fr)] == [(3, "c,d,e,")]


def test_csv_rows_of_bare_commas_are_records_and_blank_lines_are_not():
    fr = read_csv("notes,admin1\na,b\n,\n\n\r\nc,d\n\n", "f")
    assert fr.columnar
    assert records(fr) == [{"notes": "a", "admin1": "b"}, {"notes": None, "admin1": None},
                           {"notes": "c", "admin1": "d"}]
    assert fr.lines.tolist() == [2, 3, 6]


def test_csv_duplicate_header_refuses_the_file():
    fr = read_csv("notes,notes\na,b\n", "f")
    assert records(fr) == [] and fr.unreadable == 1


def test_csv_unterminated_quote():
    fr = read_csv('notes\n"never closed\nmore\n', "f")
    assert fr.unreadable == 1 and "malformed CSV" in fr.problems[0]["message"]
    fr = read_csv('notes,admin1\na,b\n"never closed,x\nmore,y\n', "f")
    assert records(fr) == [{"notes": "a", "admin1": "b"}]
    assert rules(fr) == [(3, "unreadable_record")] and "unexpected end of data" in (
        fr.problems[0]["message"])


def test_csv_header_only_is_a_warning():
    fr = read_csv("notes,admin1\n", "f")
    assert [(p["rule"], p["severity"]) for p in fr.problems] == [("empty_file", "warning")]


def test_csv_not_utf8_and_nul_bytes_name_their_line(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"notes,admin1\na,b\ncaf\xe9,x\n")
    fr = read_csv(path)
    assert fr.unreadable == 1 and rules(fr) == [(3, "unreadable_file")]
    assert "not valid UTF-8" in fr.problems[0]["message"]
    path.write_bytes(b"notes,admin1\n" + b"a,b\n" * 30_000 + b"c\x00,d\n")
    fr = read_csv(path)
    assert rules(fr) == [(30_002, "unreadable_file")] and "NUL" in fr.problems[0]["message"]


def test_csv_files_are_not_capped_in_size(tmp_path):
    path = tmp_path / "many.csv"
    path.write_text("notes,admin1\n" + "a,b\n" * 1000)
    fr = read_file(path, max_file_mb=0.001)  # the cap is for YAML and JSON
    assert len(fr) == 1000 and fr.unreadable == 0


def _same(text: str) -> None:
    """The columnar reader and the strict record-by-record reader give the same result."""
    fast, exact = read_csv(text, "f"), read_csv(text, "f", columnar=False)
    assert records(fast) == records(exact)
    assert fast.lines.tolist() == exact.lines.tolist()
    assert fast.unreadable == exact.unreadable
    keep = ("line", "record", "rule", "value", "message", "severity")
    assert [{k: p[k] for k in keep} for p in problems(fast)] == [
        {k: p[k] for k in keep} for p in problems(exact)]


@pytest.mark.parametrize("text", [
    'notes,admin1\na,b\nc\n"d"e,f\ng,h\n',  # a quote closed too early
    'notes,admin1\n"a"b"c,d\ne,f\n',
    'notes,admin1\n""b,d\ne,f\n',  # an empty quoted value, then more
    'notes,admin1\n"x,"y\nz,w\n',  # a quote closed after a comma inside a value
    'notes,admin1\na,b\n"never closed,x\nmore,y\n',
    'notes,admin1\nab"c,d\ne,f\n',  # a quote inside an unquoted value is a character
    'notes,admin1\na,b\rc,d\n',  # a lone carriage return ends a line
    '\n\nnotes,admin1\na,b\n',  # blank lines before the header
    '"no\ntes",admin1\na,b\n',  # a line break inside a header name
    'notes\na\n\n""\nb\n',  # one column: blank lines and empty values
    'notes,admin1,,\na,b\nc,d,,\n',  # rows shorter than a header with trailing commas
    'notes,admin1\r\na,"b\r\nc"\r\n\r\n,\r\nd,e',
    'notes,admin1\na,b,,\nc,d\n',
])
def test_csv_columnar_reader_matches_the_strict_reader(text):
    _same(text)


_cells = st.text(alphabet='ab ,"\n\r', max_size=6)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_cells, min_size=1, max_size=4), min_size=1, max_size=6),
       st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_csv_columnar_reader_matches_the_strict_reader_on_random_files(rows, end, raw):
    """Well-formed files (written by the csv module) and raw joins of cells (often malformed)."""
    buffer = io.StringIO(newline="")
    if raw:
        buffer.write("notes,admin1\n" + end.join(",".join(r) for r in rows))
    else:
        writer = csv.writer(buffer, lineterminator=end)
        writer.writerow(["notes", "admin1"])
        writer.writerows(rows)
    _same(buffer.getvalue())


# ---------------------------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------------------------


def test_json_array_lines_per_object():
    text = '[\n  {"event_id_cnty": "SYR1"},\n\n  {"event_id_cnty": "SYR2",\n "notes": "x"}\n]\n'
    fr = read_json(text, "f.json")
    assert fr.lines == [2, 4]
    assert fr.records[1] == {"event_id_cnty": "SYR2", "notes": "x"}


def test_json_events_under_an_events_key_are_read_as_in_yaml():
    text = ('{\n  "events": [\n    {"event_id_cnty": "SYR1"},\n'
            '    {"event_id_cnty": "SYR2"}\n  ]\n}\n')
    fr = read_json(text, "f.json")
    assert [r["event_id_cnty"] for r in fr.records] == ["SYR1", "SYR2"]
    assert fr.lines == [3, 4] and fr.problems == []
    assert rules(read_json('{"events": []}', "f")) == [(1, "empty_file")]
    # the wrapper holds the list only: another key is reported, the events before it kept
    fr = read_json('{"events": [{"notes": "a"}],\n "source": "Reuters"}', "f")
    assert fr.records == [{"notes": "a"}] and fr.unreadable == 1
    assert fr.problems[0]["line"] == 1 and "nothing else" in fr.problems[0]["message"]
    # "events" that is not a list, or not the first key: one record with an unknown key
    for text in ('{"events": "x"}', '{"notes": "a", "events": [{"notes": "b"}]}'):
        fr = read_json(text, "f")
        assert len(fr.records) == 1 and "unknown_key" in [p["rule"] for p in fr.problems]


def test_json_numbers_keep_their_text_and_lines_of_json_lines():
    fr = read_json('{"latitude": 35.2901, "fatalities": 100}\n{"fatalities": 1e2}\n', "f")
    assert fr.records == [{"latitude": "35.2901", "fatalities": "100"}, {"fatalities": "1e2"}]
    assert fr.lines == [1, 2]


def test_json_bad_values():
    fr = read_json('{"notes": true, "source": ["a"], "actor1": {"x": 1}, "tags": null}', "f")
    assert [(p["column"], p["rule"]) for p in fr.problems] == [
        ("notes", "type"), ("source", "nested_value"), ("actor1", "nested_value")]
    assert fr.records == [{"notes": None, "source": None, "actor1": None, "tags": None}]


def test_json_syntax_error_reports_its_line_and_keeps_earlier_records():
    fr = read_json('[{"notes": "a"},\n {"notes": "b"\n "x": 1}]', "f")
    assert [r["notes"] for r in fr.records] == ["a"]
    assert fr.unreadable == 1 and fr.problems[0]["line"] == 3


def test_json_nan_and_deep_nesting_are_refused():
    assert read_json('{"latitude": NaN}', "f").unreadable == 1
    assert read_json("[" * 100_000, "f").unreadable == 1


def test_json_duplicate_and_unknown_keys():
    fr = read_json('{"notes": "a", "notes": "b", "fatalaties": 1}', "f")
    assert [p["rule"] for p in fr.problems] == ["duplicate_key", "unknown_key"]


# ---------------------------------------------------------------------------------------------
# files: encodings, binary, size
# ---------------------------------------------------------------------------------------------


def test_bom_and_crlf_are_accepted(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffnotes,admin1\r\nCôte,x\r\n".encode())
    fr = read_file(path)
    assert records(fr) == [{"notes": "Côte", "admin1": "x"}] and problems(fr) == []


@pytest.mark.parametrize("data,needle", [
    (b"notes: a\x00b\n", "binary"),
    (b"\xff\xfen\x00o\x00", "UTF-16"),
    (b"notes: caf\xe9\n", "UTF-8"),
])
def test_undecodable_files_are_refused(data, needle):
    with pytest.raises(FileRejected, match=needle):
        decode(data)


def test_binary_and_oversized_files_are_one_unreadable_file_each(tmp_path):
    binary = tmp_path / "x.yaml"
    binary.write_bytes(bytes(range(256)) * 4)
    fr = read_file(binary)
    assert fr.unreadable == 1 and "binary" in fr.problems[0]["message"]
    assert fr.problems[0]["rule"] == "unreadable_file"  # the whole file, counted as one record
    big = tmp_path / "big.json"
    with big.open("wb") as fh:  # sparse: 1 GiB on disk costs nothing and is never read
        fh.truncate(2**30)
    fr = read_file(big, max_file_mb=200)
    assert fr.unreadable == 1 and "above the 200 MiB limit" in fr.problems[0]["message"]


def test_fixture_files_read_cleanly():
    for path in sorted(FIXTURES.glob("good.*")):
        fr = read_file(path)
        assert records(fr) and problems(fr) == [], path


# ---------------------------------------------------------------------------------------------
# properties: random valid records round-trip; junk never raises
# ---------------------------------------------------------------------------------------------

_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1,
                max_size=30).filter(lambda s: s.strip() == s and s != "")
_records = st.lists(
    st.dictionaries(st.sampled_from(COLUMN_NAMES), _text, min_size=1, max_size=8),
    min_size=1, max_size=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_records)
def test_yaml_round_trip(records):
    text = yaml.safe_dump(records, allow_unicode=True, sort_keys=False)
    fr = read_yaml(text, "f")
    assert fr.problems == [] and fr.records == records


@settings(max_examples=60, deadline=None)
@given(_records)
def test_json_round_trip(records):
    fr = read_json(json.dumps(records, ensure_ascii=False, indent=1), "f")
    assert fr.problems == [] and fr.records == records


@settings(max_examples=60, deadline=None)
@given(_records)
def test_csv_round_trip_with_physical_lines(records):
    header = sorted({k for r in records for k in r}, key=COLUMN_NAMES.index)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    starts = []
    for record in records:
        starts.append(buffer.getvalue().count("\n") + 1)
        writer.writerow([record.get(k, "") for k in header])
    fr = read_csv(buffer.getvalue(), "f")
    assert problems(fr) == []
    assert globals()["records"](fr) == [{k: r.get(k) for k in header} for r in records]
    assert fr.lines.tolist() == starts


_junk = st.one_of(st.text(max_size=300),
                  st.text(alphabet=string.printable + "[]{}:-&*!|>'\",\n", max_size=300))


@settings(max_examples=150, deadline=None)
@given(_junk)
def test_junk_never_raises(text):
    for reader in (read_yaml, read_csv, read_json):
        fr = reader(text, "junk")
        for problem in problems(fr):
            assert problem["rule"] and problem["message"]
        # the CSV reader reads the file itself: a NUL character makes it an unreadable file
        assert fr.unreadable == sum(p["rule"] in ("unreadable_record", "unreadable_file")
                                    for p in fr.problems)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=200))
def test_junk_bytes_never_raise_anything_but_file_rejected(data):
    try:
        text = decode(data)
    except FileRejected:
        return
    for reader in (read_yaml, read_csv, read_json):
        reader(text, "junk")


def test_json_unpaired_surrogate_escape_is_an_encoding_error_not_a_crash():
    fr = read_json('[{"event_id_cnty": "SYR\\ud8001", "notes": "ok \\ud83d\\ude00"}, {}]', "f.json")
    assert len(fr.records) == 2
    assert fr.records[0]["event_id_cnty"] == "SYR\ufffd1"
    assert fr.records[0]["notes"] == "ok \U0001F600"  # a proper pair is a character
    assert [(p["rule"], p["column"]) for p in fr.problems] == [("encoding", "event_id_cnty")]


def test_json_problems_point_at_their_key_line(tmp_path):
    from conflictkit.builders.contributions import read_contributions

    text = ('[\n  {\n    "event_id_cnty": "NIG1",\n'
            '    "notes": "a \\"quoted\\": {x} [y]",\n'
            '    "provenance": {"a": {"fatalities": 1},\n                   "c": 2},\n'
            '    "source_scale": "Natoinal",\n'
            '    "fatalaties": 2\n  }\n]\n')
    fr = read_json(text, "f.json")
    assert fr.lines == [2]
    # nested keys and quoted text are skipped
    assert [fr.line_of(0, (k,)) for k in fr.records[0]] == [3, 4, 5, 7, 8]
    path = tmp_path / "e.json"
    path.write_text(text)
    problems = read_contributions([path]).report.problems.set_index("rule")
    assert problems.loc["list_tokens", "line"] == 7
    assert problems.loc["unknown_key", "line"] == 8
