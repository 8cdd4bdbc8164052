"""The fast engine and the generated pandera schema agree; a broken field is always named."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schema_cases import BREAKERS, TODAY, broken_records, frame

from conflictkit.reference.countries import countries
from conflictkit.schema import vocab
from conflictkit.schema.pandera_schema import pandera_schema, validate_with_pandera
from conflictkit.schema.rules import RULES
from conflictkit.schema.validate import validate_events

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _as_set(report) -> set[tuple[int, str, str]]:
    p = report.problems
    return set(zip(p["record"], p["rule"], p["column"], strict=True))


@pytest.fixture(scope="module")
def generate():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from generate import generate_events
    finally:
        sys.path.remove(str(BENCHMARKS))
    return generate_events


@pytest.mark.parametrize("bad_fraction", [0.0, 0.05])
def test_engines_agree_on_generated_frames(generate, bad_fraction):
    df = generate(3000, seed=7, bad_fraction=bad_fraction)
    fast = validate_events(df, today=TODAY)
    slow = validate_with_pandera(df, today=TODAY)
    assert _as_set(fast) == _as_set(slow)
    assert fast.records == slow.records == 3000
    assert fast.ok is (bad_fraction == 0)
    if bad_fraction:
        # every corrupted row is caught, and nothing else is
        assert 3000 * bad_fraction <= fast.rejected <= 3000 * bad_fraction + 1


def test_threads_give_the_same_report(generate, monkeypatch):
    from conflictkit.schema import validate as module

    df = generate(60_000, seed=3, bad_fraction=0.01)
    monkeypatch.setattr(module, "THREADS", 1)
    one = validate_events(df, today=TODAY)
    monkeypatch.setattr(module, "THREADS", 2)
    two = validate_events(df, today=TODAY)
    assert one.problems.equals(two.problems)


def test_pandera_schema_is_column_checks_only():
    schema = pandera_schema()
    assert not schema.checks  # no dataframe-level checks (they explode into per-cell rows)
    for rule in RULES:
        assert rule.key in schema.columns


# ---------------------------------------------------------------------------------------------
# property: valid events stay valid; one broken field is named with its rule
# ---------------------------------------------------------------------------------------------

_COUNTRIES = countries()[["country", "region", "iso", "prefix"]].to_dict(orient="records")
_SAFE = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N"),
                                       include_characters=" '(),./"),
                min_size=1, max_size=30).map(str.strip).filter(bool)


@st.composite
def events(draw) -> dict:
    sub = draw(st.sampled_from(vocab.ALL_SUB_EVENT_TYPES))
    c = draw(st.sampled_from(_COUNTRIES))
    day = draw(st.dates(min_value=np.datetime64("1997-01-01").astype(object),
                        max_value=np.datetime64(TODAY).astype(object)))
    i1 = draw(st.integers(1, 8))
    i2 = draw(st.one_of(st.none(), st.integers(1, 8)))
    political = vocab.DISORDER_TYPE_OF_SUB_EVENT[sub] in (vocab.POLITICAL_VIOLENCE,
                                                         vocab.PV_AND_DEMONSTRATIONS)
    civilians = vocab.CIVILIANS_CODE in (i1, i2)
    target = draw(st.booleans()) and political and civilians
    listed = st.lists(_SAFE, min_size=1, max_size=3).map(vocab.LIST_SEPARATOR.join)
    return {
        "event_id_cnty": f"{c['prefix']}{draw(st.integers(1, 10**9))}",
        "event_date": day.isoformat(), "year": day.year,
        "time_precision": draw(st.integers(1, 3)),
        "disorder_type": vocab.DISORDER_TYPE_OF_SUB_EVENT[sub],
        "event_type": vocab.EVENT_TYPE_OF_SUB_EVENT[sub], "sub_event_type": sub,
        "actor1": draw(_SAFE), "assoc_actor_1": draw(st.one_of(st.none(), listed)),
        "inter1": vocab.INTER_LABELS[i1],
        "actor2": draw(_SAFE) if i2 else None,
        "assoc_actor_2": draw(st.one_of(st.none(), listed)) if i2 else None,
        "inter2": vocab.INTER_LABELS[i2] if i2 else None,
        "interaction": vocab.INTERACTION_LABELS[vocab.interaction_code(i1, i2)],
        "civilian_targeting": vocab.CIVILIAN_TARGETING if target else None,
        "iso": int(c["iso"]), "region": c["region"], "country": c["country"],
        "admin1": draw(st.one_of(st.none(), _SAFE)), "admin2": draw(st.one_of(st.none(), _SAFE)),
        "admin3": draw(st.one_of(st.none(), _SAFE)), "location": draw(_SAFE),
        "latitude": draw(st.floats(-90, 90)), "longitude": draw(st.floats(-180, 180)),
        "geo_precision": draw(st.integers(1, 3)), "source": draw(listed),
        "source_scale": "-".join(draw(st.lists(st.sampled_from(vocab.SOURCE_SCALE_TOKENS),
                                               min_size=1, max_size=3))),
        "notes": draw(_SAFE), "fatalities": draw(st.integers(0, 10_000)),
        "tags": draw(st.one_of(st.none(), listed)),
        "timestamp": draw(st.integers(0, 2**40)),
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events())
def test_generated_events_are_valid(event):
    report = validate_events(frame([event]), today=TODAY)
    assert report.ok, report.problems[["rule", "column", "value"]].to_dict(orient="records")


_BREAKABLE = [r for r in RULES if r.id in BREAKERS or r.id in ("unique",
                                                               "inter_blank_iff_actor_blank")]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events(), st.sampled_from(_BREAKABLE))
def test_breaking_one_field_is_reported(event, rule):
    bad = frame(broken_records(rule, event))
    report = validate_events(bad, today=TODAY)
    named = {(r, c) for r, c in zip(report.problems["rule"], report.problems["column"],
                                    strict=True)}
    assert (rule.id, rule.column) in named
    assert report.rejected >= 1
    assert report.accepted + report.rejected == report.records
