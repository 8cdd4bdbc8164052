"""derive_columns: blank derived columns are filled, present ones kept, failures named."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictkit.builders.derive import derive_columns
from conflictkit.reference.gazetteer import Place
from conflictkit.schema import vocab
from conflictkit.schema.coerce import coerce_events


def frame(**columns) -> pd.DataFrame:
    """A canonical frame from text columns (the way contributions arrive)."""
    n = max(len(v) for v in columns.values())
    raw = pd.DataFrame({k: pd.Series(v, dtype="str") for k, v in columns.items()},
                       index=pd.RangeIndex(n))
    events, problems = coerce_events(raw)
    assert problems.empty, problems
    return events


class SmallGazetteer:
    """A two-country gazetteer with the interface of conflictkit.reference.gazetteer."""

    places = (
        Place("Khasham", "Syria", "Deir ez Zor", "Deir ez Zor", 35.29, 40.41),
        Place("Springfield", "United States", "Illinois", "Sangamon", 39.8, -89.6),
        Place("Springfield", "United States", "Missouri", "Greene", 37.2, -93.3),
    )

    def find(self, country, location, admin1=None):
        return [p for p in self.places if p.country == country and p.name == location
                and (admin1 is None or p.admin1 == admin1)]

    def admin1_names(self, country):
        return sorted({p.admin1 for p in self.places if p.country == country})

    def admin1_centroid(self, country, admin1):
        return (35.0, 40.0) if admin1 == "Deir ez Zor" else None


def test_year_disorder_iso_region_from_their_sources():
    events = frame(event_date=["2018-02-07", "2021-05-03"],
                   sub_event_type=["Mob violence", "Excessive force against protesters"],
                   country=["Syria", "Nigeria"])
    out, problems = derive_columns(events, gazetteer=SmallGazetteer())
    assert problems.empty
    assert out["year"].tolist() == [2018, 2021]
    assert out["disorder_type"].tolist() == ["Political violence",
                                             "Political violence; Demonstrations"]
    assert out["iso"].tolist() == [760, 566]
    assert out["region"].tolist() == ["Middle East", "Western Africa"]


def test_a_country_acled_does_not_name_so_says_what_to_write():
    events = frame(country=["DR Congo", "Nigerai", "Nigeria"])
    out, problems = derive_columns(events)
    messages = dict(zip(problems["record"], problems["message"], strict=True))
    assert set(problems["rule"]) == {"unknown_country"} and set(messages) == {0, 1}
    assert "write 'Democratic Republic of Congo'" in messages[0]
    assert "did you mean 'Nigeria'" in messages[1]
    assert out["iso"].isna().tolist() == [True, True, False]


def test_present_values_are_never_overwritten():
    events = frame(event_date=["2018-02-07"], year=["2017"], sub_event_type=["Armed clash"],
                   disorder_type=["Demonstrations"], country=["Syria"], iso=["4"],
                   actor1=["Military Forces of Syria (2000-)"], inter1=["Rebel group"])
    out, _ = derive_columns(events)
    row = out.iloc[0]
    assert (row["year"], row["disorder_type"], row["iso"], row["inter1"]) == (
        2017, "Demonstrations", 4, "Rebel group")


def test_state_forces_abroad_are_external_and_interaction_is_ordered():
    events = frame(actor1=["Military Forces of the United States (2017-2021)"],
                   actor2=["Military Forces of Syria (2000-)"], country=["Syria"])
    out, problems = derive_columns(events)
    assert problems.empty
    row = out.iloc[0]
    assert row["inter1"] == "External/Other forces" and row["inter2"] == "State forces"
    assert row["interaction"] == "State forces-External/Other forces"


def test_civilian_targeting_of_protesters_on_either_side():
    events = frame(actor1=["Protesters (Kenya)", "Police Forces of Kenya (2013-)"],
                   actor2=["Police Forces of Kenya (2013-)", "Protesters (Kenya)"],
                   sub_event_type=["Excessive force against protesters"] * 2,
                   country=["Kenya"] * 2)
    out, problems = derive_columns(events)
    assert problems.empty, problems
    assert out["civilian_targeting"].tolist() == [vocab.CIVILIAN_TARGETING] * 2


def test_civilian_targeting_only_for_civilians_in_political_violence():
    events = frame(actor1=["Unidentified Armed Group (Nigeria)"] * 3,
                   actor2=["Civilians (Nigeria)", "Civilians (Nigeria)", None],
                   sub_event_type=["Attack", "Looting/property destruction", "Armed clash"],
                   country=["Nigeria"] * 3)
    out, problems = derive_columns(events)
    assert problems.empty
    assert out["interaction"].iloc[0] == "Political militia-Civilians"
    assert out["civilian_targeting"].tolist()[0] == vocab.CIVILIAN_TARGETING
    assert out["civilian_targeting"].isna().tolist()[1:] == [True, True]


def test_unknown_actor_is_an_error_naming_it_with_suggestions():
    events = frame(event_id_cnty=["SYR1", "SYR2"],
                   actor1=["Military Forces of Syria (2000-)", "Islamic Stat (Syria)"],
                   country=["Syria", "Syria"])
    out, problems = derive_columns(events, files=["a.yaml", "a.yaml"], lines=[1, 9])
    assert pd.isna(out["inter1"].iloc[1]) and pd.isna(out["interaction"].iloc[1])
    (row,) = problems.to_dict(orient="records")
    assert (row["file"], row["line"], row["record"], row["event_id"], row["column"],
            row["rule"]) == ("a.yaml", 9, 1, "SYR2", "inter1", "unknown_actor_type")
    assert "'Islamic Stat (Syria)'" in row["message"] and "did you mean" in row["message"]


def test_places_filled_from_the_gazetteer_or_named_as_errors():
    events = frame(event_id_cnty=["SYR1", "USA1", "USA2", "SYR2", "SYR3"],
                   country=["Syria", "United States", "United States", "Syria", "Syria"],
                   location=["Khasham", "Springfield", "Springfield", "Atlantis",
                             "Deir ez Zor"],
                   admin1=[None, None, "Missouri", None, None])
    out, problems = derive_columns(events, gazetteer=SmallGazetteer())
    assert out.loc[0, ["latitude", "longitude"]].tolist() == [35.29, 40.41]
    assert out.loc[0, "admin2"] == "Deir ez Zor" and out.loc[0, "geo_precision"] == 1
    assert out.loc[2, "admin2"] == "Greene" and out.loc[2, "latitude"] == 37.2
    assert out.loc[4, "geo_precision"] == 3 and out.loc[4, "admin1"] == "Deir ez Zor"
    by_record = {r["record"]: r for r in problems.to_dict(orient="records")}
    assert by_record[1]["rule"] == "ambiguous_place"
    assert "Illinois" in by_record[1]["message"] and "Missouri" in by_record[1]["message"]
    assert by_record[3]["rule"] == "unknown_place"
    assert pd.isna(out.loc[1, "latitude"]) and pd.isna(out.loc[3, "latitude"])


def test_any_character_in_a_place_is_looked_up_as_written():
    # a unit separator in a value once split a joined lookup key into four parts
    events = frame(event_id_cnty=["SYR1", "SYR2"], country=["Syria", "Syria"],
                   location=["Khas\x1fham", "Khasham"], admin1=["\x1f", None])
    out, problems = derive_columns(events, gazetteer=SmallGazetteer())
    assert out.loc[1, ["latitude", "longitude"]].tolist() == [35.29, 40.41]
    assert problems.loc[problems["record"] == 0, "rule"].tolist() == ["unknown_place"]


def test_given_coordinates_are_not_looked_up():
    class Exploding:
        def __getattr__(self, name):
            raise AssertionError("gazetteer used")

    events = frame(country=["Syria"], location=["Nowhere"], latitude=["35"], longitude=["40"])
    out, problems = derive_columns(events, gazetteer=Exploding())
    assert problems.empty and out.loc[0, "latitude"] == 35


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(sorted(vocab.INTER_LABELS)),
                          st.sampled_from([None, *sorted(vocab.INTER_LABELS)])),
                min_size=1, max_size=20))
def test_interaction_matches_the_vocabulary_function(pairs):
    events = frame(inter1=[vocab.INTER_LABELS[a] for a, _ in pairs],
                   inter2=[vocab.INTER_LABELS[b] if b else None for _, b in pairs])
    out, _ = derive_columns(events)
    expected = [vocab.interaction_label(vocab.interaction_code(a, b)) for a, b in pairs]
    assert out["interaction"].tolist() == expected


@pytest.mark.skipif(not __import__("importlib").util.find_spec(
    "conflictkit.reference.gazetteer"), reason="gazetteer not available")
def test_real_gazetteer_fills_a_known_town():
    events = frame(country=["Nigeria"], location=["Gusau"], admin1=["Zamfara"])
    out, problems = derive_columns(events)
    assert problems.empty, problems.to_dict(orient="records")
    assert abs(out.loc[0, "latitude"] - 12.16) < 0.2
