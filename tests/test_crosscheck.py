"""Cross-record checks: duplicate IDs, likely duplicates, unknown actors.

The reports are summarised (one row per group of likely duplicates, messages naming at most
SHOWN other records) and must stay so however large a group is; the property tests compare the
records flagged with a brute-force reference on random small frames.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictkit.builders.contributions import read_contributions
from conflictkit.builders.crosscheck import (
    DUPLICATE_KEY,
    SHOWN,
    duplicate_ids,
    likely_duplicates,
)

KEY_VALUES = {"event_date": "2021-06-12", "country": "Nigeria", "location": "Gusau",
              "actor1": "Unidentified Armed Group (Nigeria)", "actor2": "Civilians (Nigeria)",
              "sub_event_type": "Attack"}


def events(n: int, **columns: object) -> pd.DataFrame:
    """n records with the columns the duplicate checks read; each column is one value for all
    records or a list of n values (None for blank)."""
    data: dict[str, pd.Series] = {}
    for name in ("event_id_cnty", *DUPLICATE_KEY):
        value = columns.get(name, KEY_VALUES.get(name))
        values = value if isinstance(value, list | np.ndarray) else [value] * n
        if name == "event_date":
            data[name] = pd.Series(pd.to_datetime(pd.Series(values))).astype("datetime64[s]")
        else:
            data[name] = pd.Series(values, dtype="str")
    return pd.DataFrame(data)


def where(file: str, line: int, record: int) -> str:
    """How a message names a record (tables have no line: their record number instead)."""
    return f"{file or '<input>'}:{line}" if line else f"{file or '<input>'} record {record}"


_LIKELY = re.compile(r"^likely the same event as (?P<named>.+?)(?: and (?P<more>[\d,]+) more)? "
                     r"\((?P<size>[\d,]+) records with the same date, country, location, "
                     r"actors and sub-event type\); merge them or make the difference clear$")
_ID = re.compile(r"^event_id_cnty (?P<id>\S+) is also used at (?P<named>.+?)"
                 r"(?: and (?P<more>[\d,]+) more)?; every event needs its own ID$")


def _number(text: str | None) -> int:
    return int(text.replace(",", "")) if text else 0


# ---- likely duplicates -----------------------------------------------------------------------


def test_a_group_of_three_is_one_row_naming_the_others():
    frame = events(4, location=["Gusau", "Gusau", "Kano", "Gusau"],
                   event_id_cnty=["NIG1", "NIG2", "NIG3", "NIG4"])
    out = likely_duplicates(frame, ["a.yaml", "a.yaml", "a.yaml", "b.yaml"], [1, 20, 40, 3])
    (row,) = out.to_dict(orient="records")
    assert (row["file"], row["line"], row["record"], row["event_id"], row["rule"],
            row["severity"], row["column"]) == ("a.yaml", 1, 0, "NIG1", "likely_duplicate",
                                                "warning", "")
    assert row["message"] == (
        "likely the same event as a.yaml:20, b.yaml:3 (3 records with the same date, country, "
        "location, actors and sub-event type); merge them or make the difference clear")


def test_records_differing_in_any_key_column_or_missing_one_are_not_grouped():
    for name in DUPLICATE_KEY:
        other = "2021-06-13" if name == "event_date" else "something else"
        frame = events(2, **{name: [KEY_VALUES[name], other]})
        assert likely_duplicates(frame, ["a.yaml"] * 2, [1, 2]).empty, name
    # a blank date, country, location or actor1 is no key at all (it is an error elsewhere) ...
    for name in ("event_date", "country", "location", "actor1"):
        assert likely_duplicates(events(2, **{name: None}), ["a"] * 2, [1, 2]).empty, name
    # ... but two events with no actor2 (or no sub-event) are alike in that
    for name in ("actor2", "sub_event_type"):
        assert len(likely_duplicates(events(2, **{name: None}), ["a"] * 2, [1, 2])) == 1


def test_many_groups_of_two_are_one_row_each_naming_the_partner():
    pairs = 100_000
    n = 2 * pairs
    frame = events(n, location=np.repeat(np.arange(pairs), 2).astype(str).astype(object))
    lines = np.arange(1, n + 1)
    files = np.where(np.arange(n) % 2, "b.yaml", "a.yaml").astype(object)
    start = time.perf_counter()
    out = likely_duplicates(frame, files, lines)
    elapsed = time.perf_counter() - start
    assert out["record"].tolist() == list(range(0, n, 2))
    expected = [f"likely the same event as b.yaml:{r + 2} (2 records " for r in range(0, n, 2)]
    assert [m[: len(e)] for m, e in zip(out["message"], expected, strict=True)] == expected
    assert elapsed < 20, elapsed  # vectorised: well under a second on a shared 2-core machine


def test_a_group_of_50000_is_one_short_row():
    n = 50_000
    frame = events(n + 1, location=["Gusau"] * n + ["Kano"])
    start = time.perf_counter()
    out = likely_duplicates(frame, ["t.parquet"] * (n + 1), [0] * (n + 1))
    elapsed = time.perf_counter() - start
    (row,) = out.to_dict(orient="records")
    assert row["record"] == 0
    assert row["message"].startswith(
        "likely the same event as t.parquet record 1, t.parquet record 2, t.parquet record 3, "
        "t.parquet record 4, t.parquet record 5 and 49,994 more (50,000 records with the same")
    assert elapsed < 20, elapsed  # a per-pair version needs minutes and tens of GiB here


_pick = st.sampled_from


@st.composite
def _frames(draw: st.DrawFn) -> tuple[pd.DataFrame, list[str], list[int]]:
    n = draw(st.integers(0, 40))
    pools = {"event_date": ["2021-06-12", "2021-06-13", None], "country": ["Nigeria", None],
             "location": ["Gusau", "Kano", None], "actor1": ["A", "B", None],
             "actor2": ["C", None], "sub_event_type": ["Attack", "Grenade", None],
             "event_id_cnty": ["NIG1", "NIG01", "NIG2", "SYR1", None]}
    columns = {name: draw(st.lists(_pick(pool), min_size=n, max_size=n))
               for name, pool in pools.items()}
    files = [f"f{draw(st.integers(0, 2))}.yaml" for _ in range(n)]
    lines = [i + 1 if draw(st.booleans()) else 0 for i in range(n)]  # 0: a table row
    return events(n, **columns), files, lines


def _reference_groups(frame: pd.DataFrame, columns: tuple[str, ...], required: tuple[str, ...]
                      ) -> dict[tuple, list[int]]:
    """Brute force: records with equal values in every column (blank equal to blank) and no
    blank in ``required``, as lists in record order, for keys shared by two or more."""
    records = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        if all(record[c] is not None for c in required):
            groups[tuple(record[c] for c in columns)].append(i)
    return {k: v for k, v in groups.items() if len(v) >= 2}


@settings(max_examples=150, deadline=None)
@given(_frames())
def test_likely_duplicate_groups_match_a_brute_force_reference(case):
    frame, files, lines = case
    out = likely_duplicates(frame, files, lines)
    groups = _reference_groups(frame, DUPLICATE_KEY,
                               ("event_date", "country", "location", "actor1"))
    first = {members[0]: members for members in groups.values()}
    # exactly one row per group, on its first record; together they cover every shared record
    assert sorted(out["record"]) == sorted(first)
    covered = [r for record in out["record"] for r in first[record]]
    assert len(covered) == len(set(covered)) == sum(len(m) for m in groups.values())
    for row in out.to_dict(orient="records"):
        members = first[row["record"]]
        assert (row["file"], row["line"]) == (files[members[0]], lines[members[0]])
        match = _LIKELY.match(row["message"])
        assert match, row["message"]
        assert _number(match["size"]) == len(members)
        assert match["named"] == ", ".join(where(files[r], lines[r], r)
                                           for r in members[1:SHOWN + 1])
        assert _number(match["more"]) == max(0, len(members) - 1 - SHOWN)


# ---- duplicate IDs ---------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(_frames())
def test_every_copy_of_a_repeated_id_is_an_error_naming_the_others(case):
    frame, files, lines = case
    out = duplicate_ids(frame, files, lines)
    groups = _reference_groups(frame, ("event_id_cnty",), ("event_id_cnty",))
    group_of = {r: members for members in groups.values() for r in members}
    assert out["record"].tolist() == sorted(group_of)  # one row per copy, in record order
    assert set(out["severity"]) <= {"error"} and set(out["rule"]) <= {"duplicate_id"}
    for row in out.to_dict(orient="records"):
        record, members = row["record"], group_of[row["record"]]
        match = _ID.match(row["message"])
        assert match, row["message"]
        assert match["id"] == row["value"] == row["event_id"] == frame["event_id_cnty"][record]
        others = [r for r in members if r != record]
        assert match["named"] == ", ".join(where(files[r], lines[r], r)
                                           for r in others[:SHOWN])
        assert _number(match["more"]) == max(0, len(others) - SHOWN)


def test_a_group_of_50000_ids_builds_few_distinct_messages_and_short_ones():
    n = 50_000
    frame = events(n + 2, event_id_cnty=["NIG7"] * n + ["NIG8", "NIG9"])
    files, lines = ["a.yaml"] * (n + 2), list(range(1, n + 3))
    start = time.perf_counter()
    out = duplicate_ids(frame, files, lines)
    elapsed = time.perf_counter() - start
    assert out["record"].tolist() == list(range(n))
    # the first SHOWN + 1 records each leave themselves out; every later one reads the same
    assert out["message"].nunique() == SHOWN + 1
    assert out["message"].iat[n - 1] == (
        "event_id_cnty NIG7 is also used at a.yaml:1, a.yaml:2, a.yaml:3, a.yaml:4, a.yaml:5 "
        "and 49,994 more; every event needs its own ID")
    assert out["message"].iat[2] == (
        "event_id_cnty NIG7 is also used at a.yaml:1, a.yaml:2, a.yaml:4, a.yaml:5, a.yaml:6 "
        "and 49,994 more; every event needs its own ID")
    assert elapsed < 20, elapsed


EVENT = """\
event_id_cnty: {id}
event_date: 2021-06-{day}
time_precision: 1
event_type: Violence against civilians
sub_event_type: Attack
actor1: Unidentified Armed Group (Nigeria)
actor2: Civilians (Nigeria)
country: Nigeria
admin1: Zamfara
location: Gusau
latitude: 12.1628
longitude: 6.6614
geo_precision: 1
source: Daily Trust
source_scale: National
notes: On {day} June 2021, gunmen attacked villagers near Gusau (Zamfara).
fatalities: 2
"""


def test_repeated_ids_reject_every_copy_and_the_counts_add_up(tmp_path: Path):
    days = [10, 11, 12, 13, 14, 15, 16, 17]
    ids = ["NIG5"] * 7 + ["NIG6"]
    (tmp_path / "a.yaml").write_text("---\n".join(EVENT.format(id=i, day=d)
                                                  for i, d in zip(ids, days, strict=True)),
                                     encoding="utf-8")
    (tmp_path / "b.yaml").write_text(EVENT.format(id="NIG5", day=20), encoding="utf-8")
    report = read_contributions([tmp_path / "a.yaml", tmp_path / "b.yaml"]).report
    dup = report.problems[report.problems["rule"] == "duplicate_id"]
    assert len(dup) == 8 and report.rejected == 8 and report.accepted == 1
    assert report.records == report.accepted + report.rejected == 9
    assert not (report.problems["rule"] == "unique").any()  # the plainer repeat is dropped
    b_row = dup[dup["file"].str.endswith("b.yaml")].iloc[0]
    assert b_row["message"].endswith(" and 2 more; every event needs its own ID")
    assert re.search(r"a\.yaml:1, ", b_row["message"]), b_row["message"]
