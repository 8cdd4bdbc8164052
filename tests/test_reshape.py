"""ck.to_long / ck.to_wide: one row per actor, and back exactly."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_load_data import make_events

import conflictkit as ck
from conflictkit.errors import UsageError
from conflictkit.loading.dtypes import as_typed
from conflictkit.schema import vocab

SEP = vocab.LIST_SEPARATOR


def test_long_has_one_row_per_actor_with_role_and_type():
    wide = pd.DataFrame({
        "event_id_cnty": ["SYR1", "SYR2"],
        "event_date": pd.to_datetime(["2020-01-01", "2020-01-02"]).astype("datetime64[s]"),
        "actor1": ["Military Forces of Syria (2000-2024)", "Protesters (Syria)"],
        "assoc_actor_1": [f"Hezbollah{SEP}Wagner Group", None],
        "inter1": ["State forces", "Protesters"],
        "actor2": ["Islamic State (Syria)", None],
        "assoc_actor_2": ["Tribal Militia", None],
        "inter2": ["Rebel group", None],
        "fatalities": pd.array([4, 0], dtype="Int32"),
    }).astype({c: "str" for c in ("event_id_cnty", "actor1", "assoc_actor_1", "inter1",
                                   "actor2", "assoc_actor_2", "inter2")})
    long = ck.to_long(wide)
    shown = long[["event_id_cnty", "role", "position", "actor", "actor_type"]].astype(
        {"role": "str", "position": int}).astype(object)
    assert shown.where(shown.notna(), None).values.tolist() == [
        ["SYR1", "actor1", 1, "Military Forces of Syria (2000-2024)", "State forces"],
        # associates have their own type from the actor registry, not their side's
        ["SYR1", "assoc_actor_1", 1, "Hezbollah", "Political militia"],
        ["SYR1", "assoc_actor_1", 2, "Wagner Group", "External/Other forces"],
        ["SYR1", "actor2", 1, "Islamic State (Syria)", "Rebel group"],
        ["SYR1", "assoc_actor_2", 1, "Tribal Militia", None],  # unknown to the registry: NA
        ["SYR2", "actor1", 1, "Protesters (Syria)", "Protesters"],
    ]
    assert long["fatalities"].tolist() == [4, 4, 4, 4, 4, 0]  # other columns carried along
    assert list(long["role"].cat.categories) == [
        "actor1", "assoc_actor_1", "actor2", "assoc_actor_2"]
    pd.testing.assert_frame_equal(ck.to_wide(long), wide)


def test_associated_actors_take_their_type_in_the_events_country(tmp_path):
    """A state's forces are State forces at home and External/Other forces abroad; a dataset's
    own actors.csv extends the registry; numeric actor types stay numeric."""
    wide = as_typed(make_events(2, seed=1).assign(
        event_id_cnty=["SYR1", "UKR1"], country=["Syria", "Ukraine"],
        actor1=["Military Forces of Syria (2000-2024)", "Military Forces of Ukraine (2019-)"],
        inter1=["State forces", "State forces"],
        assoc_actor_1=[f"Military Forces of Russia (2000-){SEP}Local Defence Group X",
                       "Military Forces of Russia (2000-)"],
        actor2=[None, None], inter2=[None, None], assoc_actor_2=[None, None],
        interaction=["State forces only", "State forces only"]))
    long = ck.to_long(wide)
    assoc = long[long["role"] == "assoc_actor_1"]
    assert assoc["actor_type"].astype(object).where(assoc["actor_type"].notna(), None).tolist() \
        == ["External/Other forces", None, "External/Other forces"]
    extra = tmp_path / "actors.csv"
    extra.write_text("actor,inter\nLocal Defence Group X,4\n")
    registry = ck.ActorRegistry.load(extra=[extra])
    assoc = ck.to_long(wide, registry=registry).query("role == 'assoc_actor_1'")
    assert assoc["actor_type"].tolist()[1] == "Identity militia"
    pd.testing.assert_frame_equal(ck.to_wide(ck.to_long(wide, registry=registry)), wide)
    numeric = wide.assign(inter1=pd.array([1, 1], dtype="Int8"),
                          inter2=pd.array([pd.NA, pd.NA], dtype="Int8"))
    codes = ck.to_long(numeric).query("role == 'assoc_actor_1'")["actor_type"]
    assert str(codes.dtype) == "Int8" and codes.tolist()[0] == 8


def test_round_trip_on_loaded_events_with_categoricals():
    df = as_typed(make_events(400, seed=8))
    long = ck.to_long(df)
    expected_rows = (1 + df["assoc_actor_1"].str.count(SEP).add(1).fillna(0)
                     + (df["actor2"].notna() | df["inter2"].notna())
                     + df["assoc_actor_2"].str.count(SEP).add(1).fillna(0)).sum()
    assert len(long) == expected_rows
    assert str(long["actor_type"].dtype) == "category"
    pd.testing.assert_frame_equal(ck.to_wide(long), df)
    shuffled = long.sample(frac=1, random_state=3)
    back = ck.to_wide(shuffled).set_index("event_id_cnty").loc[df["event_id_cnty"]]
    pd.testing.assert_frame_equal(back.reset_index(), df)


names = st.text(alphabet=st.characters(codec="utf-8", exclude_characters=";"), min_size=0,
                max_size=12)
lists = st.none() | st.lists(names, min_size=1, max_size=4).map(SEP.join)
types = st.none() | st.sampled_from(list(vocab.INTER_LABELS.values()))
row = st.fixed_dictionaries({
    "actor1": st.none() | names, "assoc_actor_1": lists, "inter1": types,
    "actor2": st.none() | names, "assoc_actor_2": lists, "inter2": types,
    "notes": st.none() | st.text(max_size=20),
})


@settings(max_examples=150, deadline=None)
@given(st.lists(row, max_size=8))
def test_to_wide_inverts_to_long(rows):
    """Any actor values, blank or not, with any list lengths (empty items included)."""
    frame = pd.DataFrame(rows, columns=["actor1", "assoc_actor_1", "inter1", "actor2",
                                        "assoc_actor_2", "inter2", "notes"])
    frame.insert(0, "event_id_cnty", [f"SYR{i}" for i in range(len(frame))])
    frame = frame.astype("str")
    long = ck.to_long(frame)
    assert (long["role"] == "actor1").sum() == len(frame)
    back = ck.to_wide(long)
    pd.testing.assert_frame_equal(back, frame[back.columns.tolist()])
    assert sorted(back.columns) == sorted(frame.columns)


def test_reshape_rejects_ambiguous_input():
    df = make_events(5, seed=1)
    with pytest.raises(UsageError, match="unique"):
        ck.to_long(pd.concat([df, df.iloc[:1]]))
    with pytest.raises(UsageError, match="missing column"):
        ck.to_long(df.drop(columns="inter2"))
    long = ck.to_long(df)
    with pytest.raises(UsageError, match="more than one actor1"):
        ck.to_wide(pd.concat([long, long[long["role"] == "actor1"].iloc[:1]]))
    bad = long.astype({"role": "str"})
    bad.loc[0, "role"] = "actor3"
    with pytest.raises(UsageError, match="unknown role"):
        ck.to_wide(bad)
