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
from gusau import gusau_event
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictkit.builders.contributions import read_contributions
from conflictkit.builders.crosscheck import (
    DUPLICATE_KEY,
    SHOWN,
    duplicate_ids,
    likely_duplicates,
    unknown_actors,
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


def test_repeated_ids_reject_every_copy_and_the_counts_add_up(tmp_path: Path):
    days = [10, 11, 12, 13, 14, 15, 16, 17]
    ids = ["NIG5"] * 7 + ["NIG6"]
    (tmp_path / "a.yaml").write_text("---\n".join(gusau_event(i, f"2021-06-{d}", item=False)
                                                  for i, d in zip(ids, days, strict=True)),
                                     encoding="utf-8")
    (tmp_path / "b.yaml").write_text(gusau_event("NIG5", "2021-06-20", item=False),
                                     encoding="utf-8")
    report = read_contributions([tmp_path / "a.yaml", tmp_path / "b.yaml"]).report
    dup = report.problems[report.problems["rule"] == "duplicate_id"]
    assert len(dup) == 8 and report.rejected == 8 and report.accepted == 1
    assert report.records == report.accepted + report.rejected == 9
    assert not (report.problems["rule"] == "unique").any()  # the plainer repeat is dropped
    b_row = dup[dup["file"].str.endswith("b.yaml")].iloc[0]
    assert b_row["message"].endswith(" and 2 more; every event needs its own ID")
    assert re.search(r"a\.yaml:1, ", b_row["message"]), b_row["message"]


# ---- unknown actors --------------------------------------------------------------------------

ACTOR_COLUMNS = ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")


class Registry:
    """The two methods unknown_actors uses, over a fixed set of names; counts suggestions."""

    def __init__(self, names: set[str]) -> None:
        self.names = names
        self.suggested: list[str] = []

    def known(self, names: pd.Series) -> pd.Series:
        return names.isin(self.names)

    def suggest(self, name: str, n: int = 3) -> list[str]:
        self.suggested.append(name)
        return [name.upper()]


def actor_events(n: int, **columns: list[str | None]) -> pd.DataFrame:
    data = {"event_id_cnty": pd.Series([f"NIG{i}" for i in range(n)], dtype="str")}
    for name in ACTOR_COLUMNS:
        data[name] = pd.Series(columns.get(name, [None] * n), dtype="str")
    return pd.DataFrame(data)


def test_unknown_actors_one_row_per_record_and_column_with_hints_for_the_first_names():
    frame = actor_events(5, actor1=["x", "Known", "y", "x", "z"],
                         assoc_actor_1=[None, "Known; q", None, "w", None])
    registry = Registry({"Known"})
    out = unknown_actors(frame, registry, ["a.yaml"] * 5, [1, 5, 9, 13, 17])
    rows = list(zip(out["record"], out["column"], out["value"], strict=True))
    assert rows == [(0, "actor1", "x"), (1, "assoc_actor_1", "Known; q"), (2, "actor1", "y"),
                    (3, "actor1", "x"), (3, "assoc_actor_1", "w"), (4, "actor1", "z")]
    assert registry.suggested == ["x", "y", "z"]  # SUGGESTIONS names, first met first
    keys = zip(out["record"], out["column"], strict=True)
    messages = dict(zip(keys, out["message"], strict=True))
    assert messages[0, "actor1"] == messages[3, "actor1"] == (
        "actor1: not in the actor registry: 'x' (did you mean 'X'?); use the registry's name "
        "or add the actor to reference/actors.csv")
    assert messages[1, "assoc_actor_1"].startswith("assoc_actor_1: not in the actor registry: "
                                                   "'q'; use")  # no hint left for q
    assert set(out["severity"]) == {"warning"}
    strict = unknown_actors(frame, Registry({"Known"}), ["a.yaml"] * 5, [1] * 5, strict=True)
    assert set(strict["severity"]) == {"error"} and len(strict) == len(out)


def test_actors_whose_type_was_not_derived_are_not_reported_twice():
    frame = actor_events(3, actor1=["x", "x", "x"], actor2=["y", "y", "y"])
    already = pd.DataFrame({"record": [1], "column": ["inter1"],
                            "rule": ["unknown_actor_type"]})
    out = unknown_actors(frame, Registry(set()), ["a"] * 3, [1, 2, 3], already=already)
    assert list(zip(out["record"], out["column"], strict=True)) == [
        (0, "actor1"), (0, "actor2"), (1, "actor2"), (2, "actor1"), (2, "actor2")]


def test_table_rows_are_summarised_per_file_and_name_unless_strict():
    frame = actor_events(6, actor1=["x", "x", "x", "x", "x", "K"],
                         assoc_actor_2=[None, None, "x; y", "y", "y", "y; K"])
    files = ["a.yaml", "a.yaml", "t.parquet", "t.parquet", "u.parquet", "u.parquet"]
    out = unknown_actors(frame, Registry({"K"}), files, [1, 9, 0, 0, 0, 0], summarise_from=2)
    per_record = out[out["record"] >= 0]
    assert list(zip(per_record["record"], per_record["column"], strict=True)) == [
        (0, "actor1"), (1, "actor1")]
    summary = out[out["record"] < 0]
    counts = {(f, c, v): int(re.search(r"\((\d+) records\)", m).group(1))
              for f, c, v, m in zip(summary["file"], summary["column"], summary["value"],
                                    summary["message"], strict=True)}
    assert counts == {("t.parquet", "actor1", "x"): 2, ("u.parquet", "actor1", "x"): 1,
                      ("t.parquet", "assoc_actor_2", "x"): 1,
                      ("t.parquet", "assoc_actor_2", "y"): 2,
                      ("u.parquet", "assoc_actor_2", "y"): 2}
    assert set(summary["line"]) == {0} and set(summary["severity"]) == {"warning"}
    strict = unknown_actors(frame, Registry({"K"}), files, [1, 9, 0, 0, 0, 0], strict=True,
                            summarise_from=2)
    assert (strict["record"] >= 0).all() and len(strict) == 5 + 4


def test_a_million_records_with_few_names_cost_few_distinct_values():
    n = 1_000_000
    names = np.array(["x", "y", "K", None], dtype=object)
    frame = actor_events(n, actor1=list(names[np.arange(n) % 4]),
                         assoc_actor_1=list(np.array(["x; K", None], dtype=object)[
                             np.arange(n) % 2]))
    files, lines = np.full(n, "t.parquet", dtype=object), np.zeros(n, dtype="int64")
    registry = Registry({"K"})
    start = time.perf_counter()
    summary = unknown_actors(frame, registry, files, lines, summarise_from=0)
    strict = unknown_actors(frame, registry, files, lines, strict=True)
    elapsed = time.perf_counter() - start
    assert sorted(zip(summary["column"], summary["value"], strict=True)) == [
        ("actor1", "x"), ("actor1", "y"), ("assoc_actor_1", "x")]
    assert len(strict) == n // 2 + n // 2 and strict["message"].nunique() == 3
    assert registry.suggested == ["x", "y"]  # hints per distinct name, not per record
    assert elapsed < 60, elapsed


_ACTOR_VALUES = {"actor1": ["K", "x", "y", "", None], "actor2": ["K", "y", None],
                 "assoc_actor_1": ["K", "x; K", "x; y", "y; y", "K; ", "", None],
                 "assoc_actor_2": ["x", "y; x", None]}


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_unknown_actors_match_a_brute_force_reference(data):
    n = data.draw(st.integers(0, 30))
    columns = {c: data.draw(st.lists(_pick(v), min_size=n, max_size=n))
               for c, v in _ACTOR_VALUES.items()}
    frame = actor_events(n, **columns)
    files = [f"f{data.draw(st.integers(0, 1))}" for _ in range(n)]
    strict = data.draw(st.booleans())
    summarise_from = data.draw(st.none() | st.integers(0, n))
    skipped = {c: set(data.draw(st.lists(st.integers(0, max(n - 1, 0)), max_size=3)) if n else [])
               for c in ("inter1", "inter2")}
    already = pd.DataFrame([{"record": r, "column": c, "rule": "unknown_actor_type"}
                            for c, records in skipped.items() for r in records],
                           columns=["record", "column", "rule"])
    registry = Registry({"K"})
    out = unknown_actors(frame, registry, files, [i + 1 for i in range(n)], strict=strict,
                         already=already, summarise_from=summarise_from)

    per_record_to = n if summarise_from is None or strict else summarise_from
    rows, summary, first_names = {}, defaultdict(int), []
    for column in ACTOR_COLUMNS:
        for r, value in enumerate(columns[column]):
            if value is None:
                continue
            names = [x for x in value.split("; ") if x] if column.startswith("assoc") else [value]
            unknown = [x for x in names if x not in registry.names]
            if not unknown:
                continue
            if r >= per_record_to:
                for name in unknown:
                    summary[files[r], column, name] += 1
            elif r not in skipped.get(column.replace("actor", "inter"), ()):
                rows[r, column] = unknown
                for name in unknown:
                    if name not in first_names:
                        first_names.append(name)
    got_rows = out[out["record"] >= 0]
    assert sorted(zip(got_rows["record"], got_rows["column"], strict=True)) == sorted(rows)
    for record, column, message in zip(got_rows["record"], got_rows["column"],
                                       got_rows["message"], strict=True):
        plain = re.sub(r" \(did you mean [^)]*\?\)", "", message)
        assert plain == (f"{column}: not in the actor registry: "
                         f"{'; '.join(repr(x) for x in rows[record, column])}; use the "
                         "registry's name or add the actor to reference/actors.csv")
    assert set(got_rows["severity"]) <= {"error" if strict else "warning"}
    got_summary = out[out["record"] < 0]
    assert {(f, c, v): int(re.search(r"\((\d+) records\)", m).group(1))
            for f, c, v, m in zip(got_summary["file"], got_summary["column"],
                                  got_summary["value"], got_summary["message"], strict=True)
            } == dict(summary)
    assert registry.suggested == first_names[:3]
