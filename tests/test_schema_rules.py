"""Every rule passes a valid record and catches a record that breaks it (both engines)."""

from __future__ import annotations

import pytest
from schema_cases import BREAKERS, GOOD, TODAY, broken_records, frame

from conflictkit.schema.pandera_schema import validate_with_pandera
from conflictkit.schema.rules import RULES, RULES_BY_KEY
from conflictkit.schema.validate import validate_events


def _keys(report) -> set[tuple[str, str]]:
    return set(zip(report.problems["rule"], report.problems["column"], strict=True))


def test_good_record_is_valid():
    report = validate_events(frame([GOOD]), today=TODAY)
    assert report.ok, report.problems.to_dict(orient="records")
    assert (report.records, report.accepted, report.rejected) == (1, 1, 0)


def test_every_rule_has_a_breaker():
    """A new rule without a failing-record recipe fails here."""
    missing = {r.id for r in RULES} - set(BREAKERS) - {"unique", "inter_blank_iff_actor_blank"}
    assert not missing


@pytest.mark.parametrize("key", sorted(RULES_BY_KEY))
def test_rule_catches_a_broken_record(key):
    rule = RULES_BY_KEY[key]
    good = validate_events(frame([GOOD]), today=TODAY)
    assert (rule.id, rule.column) not in _keys(good)
    bad_frame = frame(broken_records(rule, GOOD))
    report = validate_events(bad_frame, today=TODAY)
    assert (rule.id, rule.column) in _keys(report), report.problems[["rule", "column", "value"]]
    row = report.problems[(report.problems["rule"] == rule.id)
                          & (report.problems["column"] == rule.column)].iloc[0]
    assert row["severity"] == "error" and row["message"]
    assert report.rejected >= 1 and report.records == len(bad_frame)


@pytest.mark.parametrize("key", sorted(RULES_BY_KEY))
def test_pandera_engine_agrees_on_broken_record(key):
    rule = RULES_BY_KEY[key]
    bad_frame = frame(broken_records(rule, GOOD))
    fast = validate_events(bad_frame, today=TODAY)
    slow = validate_with_pandera(bad_frame, today=TODAY)
    def as_set(r):
        return (set(zip(r.problems["record"], r.problems["rule"], r.problems["column"],
                                    strict=True)))
    assert as_set(fast) == as_set(slow)


def test_one_row_per_record_and_rule():
    records = [dict(GOOD, event_id_cnty=f"SYR{i}", latitude=120.0, event_type="Battles")
               for i in range(1, 4)]
    report = validate_events(frame(records), today=TODAY)
    assert not report.problems.duplicated(["record", "rule", "column"]).any()
    assert set(report.problems["record"]) == {0, 1, 2}
    lat = report.problems[report.problems["column"] == "latitude"]
    assert list(lat["value"]) == ["120.0"] * 3
    assert list(lat["event_id"]) == ["SYR1", "SYR2", "SYR3"]


def test_files_and_lines_are_copied():
    bad = dict(GOOD, latitude=95.0, event_id_cnty="SYR2")
    report = validate_events(frame([GOOD, bad]), files=["a.yaml", "b.yaml"], lines=[1, 40],
                             today=TODAY)
    row = report.problems.iloc[0]
    assert (row["file"], row["line"], row["record"]) == ("b.yaml", 40, 1)
    assert report.files == 2


def test_specific_messages_name_the_expected_value():
    bad = dict(GOOD, event_type="Battles")
    report = validate_events(frame([bad]), today=TODAY)
    msg = report.problems.set_index("rule").loc["sub_event_of_event_type", "message"]
    assert "Explosions/Remote violence" in msg and "Battles" in msg
    bad = dict(GOOD, region="Europe")
    msg = validate_events(frame([bad]), today=TODAY).problems["message"].iloc[0]
    assert "Middle East" in msg


@pytest.mark.parametrize("interaction,ok", [
    ("State forces-External/Other forces", True),
    ("External/Other forces-State forces", False),   # larger code first: not a label
    ("State forces only", False),                     # actor2 present
])
def test_interaction_order(interaction, ok):
    report = validate_events(frame([dict(GOOD, interaction=interaction)]), today=TODAY)
    assert report.ok is ok


def test_civilians_written_last_and_targeting_allowed():
    record = dict(GOOD, sub_event_type="Attack", event_type="Violence against civilians",
                  actor2="Civilians (Syria)", inter2="Civilians", assoc_actor_2=None,
                  interaction="External/Other forces-Civilians",
                  civilian_targeting="Civilian targeting")
    report = validate_events(frame([record]), today=TODAY)
    assert report.ok, report.problems[["rule", "column", "message"]]


@pytest.mark.parametrize("protesters_first", [True, False])
def test_excessive_force_against_protesters_is_civilian_targeting(protesters_first):
    """ACLED counts violence against unarmed protesters as civilian targeting (its exports set
    the column on every Excessive force against protesters event, protesters on either side)."""
    protesters = {"actor": "Protesters (Syria)", "inter": "Protesters"}
    police = {"actor": "Police Forces of Syria (2000-)", "inter": "State forces"}
    first, second = (protesters, police) if protesters_first else (police, protesters)
    record = dict(GOOD, sub_event_type="Excessive force against protesters",
                  event_type="Protests", disorder_type="Political violence; Demonstrations",
                  actor1=first["actor"], inter1=first["inter"], assoc_actor_1=None,
                  actor2=second["actor"], inter2=second["inter"], assoc_actor_2=None,
                  interaction="State forces-Protesters",
                  civilian_targeting="Civilian targeting")
    report = validate_events(frame([record]), today=TODAY)
    assert report.ok, report.problems[["rule", "column", "message"]]


def test_strategic_development_cannot_target_civilians():
    record = dict(GOOD, sub_event_type="Looting/property destruction",
                  event_type="Strategic developments", disorder_type="Strategic developments",
                  actor2="Civilians (Syria)", inter2="Civilians", assoc_actor_2=None,
                  interaction="External/Other forces-Civilians",
                  civilian_targeting="Civilian targeting")
    report = validate_events(frame([record]), today=TODAY)
    assert list(report.problems["rule"]) == ["civilian_targeting_needs_civilians"]


def test_kosovo_iso_zero_and_prefix():
    from conflictkit.reference.countries import countries

    row = countries().set_index("country").loc["Kosovo"]
    record = dict(GOOD, country="Kosovo", iso=0, region=row["region"],
                  event_id_cnty=f"{row['prefix']}12")
    assert validate_events(frame([record]), today=TODAY).ok


def test_future_is_relative_to_today():
    record = dict(GOOD, event_date="2025-06-01", year=2025)
    assert validate_events(frame([record]), today="2025-06-01").ok
    report = validate_events(frame([record]), today="2025-05-31")
    assert list(report.problems["rule"]) == ["not_in_future"]


def test_unicode_whitespace_and_c1_controls_are_caught():
    for value, rule in [("Khasham\u00a0", "no_surrounding_whitespace"),
                        ("\u3000Khasham", "no_surrounding_whitespace"),
                        ("\ufeffKhasham", "no_surrounding_whitespace"),
                        ("Khasham\ufeff", "no_surrounding_whitespace"),
                        ("Khasham\u2029", "no_surrounding_whitespace"),
                        ("Kha\u0085sham", "no_control_characters"),
                        ("Kha\x7fsham", "no_control_characters")]:
        report = validate_events(frame([dict(GOOD, location=value)]), today=TODAY)
        assert (rule, "location") in _keys(report), value
    clean = dict(GOOD, location="Ségou", admin1="Bogotá", notes="Côte d'Ivoire: °C «ok»",
                 admin2="Kha\ufeffsham", admin3="Ｋhasham\uff3f")
    assert validate_events(frame([clean]), today=TODAY).ok


@pytest.mark.parametrize("value,ok", [
    ("Reuters", True), ("Reuters; AFP", True), ("Reuters;AFP", False), ("Reuters; AFP;", False),
    ("; Reuters", False), ("Reuters ; AFP", False), ("Reuters;  AFP", False),
])
def test_list_separator(value, ok):
    report = validate_events(frame([dict(GOOD, source=value)]), today=TODAY)
    assert (("list_items", "source") not in _keys(report)) is ok


def test_duplicate_ids_with_leading_zeros_are_distinct():
    records = [dict(GOOD, event_id_cnty="SYR012"), dict(GOOD, event_id_cnty="SYR12")]
    assert validate_events(frame(records), today=TODAY).ok
    records = [dict(GOOD, event_id_cnty="SYR012"), dict(GOOD, event_id_cnty="SYR012")]
    report = validate_events(frame(records), today=TODAY)
    assert list(report.problems["rule"]) == ["unique", "unique"]
