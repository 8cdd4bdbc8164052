"""Actor registry: names, inter codes (state forces at home vs abroad), aliases, extensions."""

from __future__ import annotations

from importlib import resources

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictkit.errors import InputFileError
from conflictkit.reference.actors import ActorRegistry, alias_key
from conflictkit.reference.countries import country_names

REG = ActorRegistry.default()
SOME_NAMES = list(REG.names[::37])
COUNTRIES = list(country_names()[::5])


def test_seed_list_is_loaded_without_malformed_names() -> None:
    assert len(REG.names) >= 5900
    assert "Civilians (" not in REG.names
    assert REG.inter_code("Taliban", "Afghanistan") == 2
    assert REG.inter_code("QSD: Syrian Democratic Forces", "Syria") == 2


@pytest.mark.parametrize(
    ("name", "country", "code"),
    [
        ("Military Forces of Russia (2000-)", "Ukraine", 8),
        ("Military Forces of Russia (2000-)", "Russia", 1),
        ("Military Forces of Russia (2000-) Air Force", "Syria", 8),
        ("Military Forces of the United States (2021-)", "Syria", 8),
        ("Military Forces of the United States (2021-)", "United States", 1),
        ("Police Forces of Israel (2021-) Prison Guards", "Palestine", 8),
        ("Police Forces of Israel (2021-) Prison Guards", "Israel", 1),
        ("Government of Turkey (2016-)", "Turkey", 1),
        ("Government of Turkey (2016-)", "Türkiye", 1),
        ("Military Forces of Democratic Republic of Congo (2001-)", "DR Congo", 1),
        # not in the seen list: the pattern alone decides
        ("Military Forces of Tuvalu (2020-)", "Tuvalu", 1),
        ("Police Forces of Tuvalu (2020-)", "Fiji", 8),
        ("Civilians (Tuvalu)", "Tuvalu", 7),
        ("Protesters (Tuvalu)", "Tuvalu", 6),
        ("Rioters (Tuvalu)", "Tuvalu", 5),
        ("Unidentified Armed Group (Tuvalu)", "Tuvalu", 3),
        ("Sole Perpetrator (Tuvalu)", "Tuvalu", 3),
        ("Fulani Ethnic Militia (Tuvalu)", "Tuvalu", 4),
        ("Civilians (International)", "Syria", 7),
        # a de facto state ACLED codes as state forces: the registry's code stands
        ("Military Forces of Artsakh (2007-)", "Azerbaijan", 1),
    ],
)
def test_inter_code(name: str, country: str, code: int) -> None:
    assert REG.inter_code(name, country) == code


def test_unknown_names_have_no_code() -> None:
    assert REG.inter_code("Nobody In Particular", "Syria") is None
    assert REG.inter_code("Civilians (Atlantis)", "Syria") is None
    assert not REG.known(pd.Series(["Civilians (Atlantis)"])).iloc[0]


def test_known_is_vectorised_and_keeps_index() -> None:
    names = pd.Series(
        ["Taliban", None, "Civilians (Kenya)", "ISIL", "Military Forces of Chad (1990-)"],
        index=[10, 11, 12, 13, 14],
        dtype="str",
    )
    assert REG.known(names).tolist() == [True, False, True, False, True]
    assert list(REG.known(names).index) == [10, 11, 12, 13, 14]


def test_inter_codes_handles_missing_names_and_countries() -> None:
    names = pd.Series(["Military Forces of Syria (2000-)", None, "Taliban", "Nobody"], dtype="str")
    countries = pd.Series(["Syria", "Syria", None, "Iraq"], dtype="str")
    out = REG.inter_codes(names, countries)
    assert str(out.dtype) == "Int8"
    assert out.iloc[0] == 1 and out.iloc[2] == 2
    assert pd.isna(out.iloc[1]) and pd.isna(out.iloc[3])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.sampled_from(SOME_NAMES), st.text(max_size=10), st.none()),
            st.one_of(st.sampled_from(COUNTRIES), st.none()),
        ),
        max_size=25,
    )
)
def test_vectorised_agrees_with_scalar(pairs: list) -> None:
    names = pd.Series([p[0] for p in pairs], dtype="object")
    countries = pd.Series([p[1] for p in pairs], dtype="object")
    out = REG.inter_codes(names, countries)
    for (name, country), got in zip(pairs, out, strict=True):
        expected = None if name is None else REG.inter_code(name, country)
        assert (pd.isna(got) and expected is None) or got == expected


@pytest.mark.parametrize(
    ("alias", "country", "year", "name"),
    [
        ("ISIL", "Syria", None, "Islamic State (Syria)"),
        ("Daesh", "Iraq", None, "Islamic State (Iraq)"),
        ("IS", "Nigeria", None, "Islamic State (West Africa)"),
        ("the US-led coalition", "Syria", None, "Global Coalition Against Daesh"),
        ("U.S.-led coalition", "Iraq", None, "Global Coalition Against Daesh"),
        ("Syrian government forces", "Syria", 2018, "Military Forces of Syria (2000-)"),
        ("pro-Assad fighters", "Syria", 2018, "Militia (Pro-Government)"),
        ("HTS", "Syria", None, "HTS: Hayat Tahrir al Sham"),
        ("Hayat Tahrir al Sham", None, None, "HTS: Hayat Tahrir al Sham"),
        ("security forces", "Afghanistan", 2018, "Military Forces of Afghanistan (2014-)"),
        ("security forces", "Afghanistan", 2022, "Military Forces of Afghanistan (2021-)"),
        ("police", "United States", None, "Police Forces of the United States (2021-)"),
        ("gunmen", "Nigeria", None, "Unidentified Armed Group (Nigeria)"),
        ("protesters", "Tuvalu", None, "Protesters (Tuvalu)"),
        ("civilians", "Syria", None, "Civilians (Syria)"),
        ("Al-Shabaab", "Somalia", None, "Al Shabaab"),
    ],
)
def test_alias_resolution(alias: str, country: str | None, year: int | None, name: str) -> None:
    assert REG.canonical(alias, country, year) == name
    actor = REG.lookup(alias, country, year)
    assert actor is not None and actor.matched == "alias"


def test_ambiguous_alias_is_not_guessed() -> None:
    assert REG.canonical("ISIL") is None  # which branch depends on the country
    assert "Islamic State (Syria)" in REG.alias_candidates("ISIL")
    assert REG.canonical("security forces") is None  # whose forces?


def test_alias_resolves_to_an_actor_with_the_event_country_rule() -> None:
    actor = REG.lookup("the US-led coalition", "Syria")
    assert actor is not None and actor.inter == 8 and actor.inter_label == "External/Other forces"


def test_state_forces_by_year() -> None:
    assert REG.state_forces("Syria") == "Military Forces of Syria (2000-)"
    assert REG.state_forces("Kenya", 2010) == "Military Forces of Kenya (2002-2013)"
    assert REG.state_forces("Kenya", 2015) == "Military Forces of Kenya (2013-)"
    assert REG.state_forces("Tuvalu") == "Military Forces of Tuvalu"
    assert REG.state_forces("Syria", kind="Police") == "Police Forces of Syria (2000-)"


def test_every_explicit_alias_points_at_a_registry_name_or_template() -> None:
    with resources.files("conflictkit").joinpath("data", "actor_aliases.csv").open() as fh:
        aliases = pd.read_csv(fh, keep_default_na=False)
    names = set(REG.names)
    for target in aliases["actor"]:
        assert "{" in target or target in names, target


@settings(deadline=None)
@given(st.sampled_from(SOME_NAMES))
def test_names_resolve_to_themselves_and_aliases_ignore_case(name: str) -> None:
    assert REG.canonical(name) == name
    key = alias_key(name)
    assert alias_key(name.upper()) == key and alias_key(name.lower()) == key


@pytest.mark.parametrize(
    ("typo", "expected"),
    [
        ("Miltary Forces of Syria", "Military Forces of Syria (2000-)"),
        ("Al Shabab", "Al Shabaab"),
        ("Protestors (Kenya)", "Protesters (Kenya)"),
        ("Hezbolah", "Hezbollah"),
    ],
)
def test_suggest(typo: str, expected: str) -> None:
    assert REG.suggest(typo)[0] == expected


def test_suggest_nothing_for_noise() -> None:
    assert REG.suggest("") == []
    assert len(REG.suggest("Taliban", n=2)) <= 2


def test_extra_actor_file_extends_and_overrides(tmp_path) -> None:
    extra = tmp_path / "actors.csv"
    extra.write_text(
        "actor,inter,aliases\n"
        "Local Defence Committee (Tuvalu),Identity militia,LDC; the committee\n"
        "Taliban,3,\n",
        encoding="utf-8",
    )
    reg = ActorRegistry.load(extra=[extra])
    assert reg.inter_code("Local Defence Committee (Tuvalu)", "Tuvalu") == 4
    assert reg.canonical("LDC") == "Local Defence Committee (Tuvalu)"
    assert reg.canonical("the committee") == "Local Defence Committee (Tuvalu)"
    assert reg.inter_code("Taliban", "Afghanistan") == 3
    assert reg.names.count("Taliban") == 1
    assert reg.known(pd.Series(["Local Defence Committee (Tuvalu)"])).iloc[0]
    assert ActorRegistry.default().inter_code("Taliban", "Afghanistan") == 2


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("actor,inter\nSome Group,9\n", ":2: inter '9'"),
        ("actor,inter\nSome Group,Rebels\n", ":2: inter 'Rebels'"),
        ("actor,inter\n,1\n", ":2: empty actor name"),
        ("name,type\nX,1\n", ":1: missing column(s) actor, inter"),
    ],
)
def test_bad_extra_files_name_file_and_line(tmp_path, content: str, fragment: str) -> None:
    extra = tmp_path / "actors.csv"
    extra.write_text(content, encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        ActorRegistry.load(extra=[extra])
    assert fragment in str(info.value)
    assert str(extra) in str(info.value)


def test_missing_extra_file_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(InputFileError, match="not found"):
        ActorRegistry.load(extra=[tmp_path / "nope.csv"])


@pytest.mark.parametrize(
    ("alias", "country", "year", "name", "inter"),
    [
        ("Syrian troops", "Syria", 2018, "Military Forces of Syria (2000-)", 1),
        ("Russian warplanes", "Syria", 2018, "Military Forces of Russia (2000-)", 8),
        ("US forces", "Syria", 2018, "Military Forces of the United States (2017-)", 8),
        ("Nigerian police", "Nigeria", 2020, "Police Forces of Nigeria (2015-)", 1),
        ("Kenyan protesters", "Kenya", None, "Protesters (Kenya)", 6),
        ("Israeli forces", "Palestine", 2022, "Military Forces of Israel (2021-)", 8),
    ],
)
def test_demonym_aliases_name_the_demonyms_state_not_the_event_country(
    alias: str, country: str, year: int | None, name: str, inter: int
) -> None:
    actor = REG.lookup(alias, country, year)
    assert actor is not None
    assert (actor.name, actor.inter) == (name, inter)


def test_every_demonym_names_an_acled_country() -> None:
    from conflictkit.reference.countries import resolve_country

    with resources.files("conflictkit").joinpath("data", "demonyms.csv").open() as fh:
        table = pd.read_csv(fh, keep_default_na=False)
    assert all(resolve_country(c) == c for c in table["country"])


@pytest.mark.parametrize(("kind", "code"), [("Civilians", 7), ("Protesters", 6), ("Rioters", 5),
                                            ("Unidentified Armed Group", 3)])
def test_generic_actors_exist_for_every_acled_country(kind: str, code: int) -> None:
    # country names with parentheses or commas ("Cocos (Keeling) Islands") included
    names = [f"{kind} ({country})" for country in country_names()]
    registry = ActorRegistry.default()
    assert registry.known(pd.Series(names)).all()
    codes = registry.inter_codes(pd.Series(names), pd.Series(list(country_names())))
    assert (codes == code).all()


@pytest.mark.parametrize("template", ["Military Forces of {} (2000-)", "Police Forces of {}",
                                      "Government of {} (1999-2004)",
                                      "Military Forces of {} (2000-) Republican Guard"])
def test_state_forces_of_every_acled_country_are_state_at_home_external_abroad(
        template: str) -> None:
    # "Military Forces of Cocos (Keeling) Islands (2000-)": the country's own parentheses are
    # part of its name, the year range is not
    countries = list(country_names())
    names = pd.Series([template.format(c) for c in countries])
    registry = ActorRegistry.default()
    assert (registry.inter_codes(names, pd.Series(countries)) == 1).all()
    abroad = pd.Series(countries[1:] + countries[:1])
    assert (registry.inter_codes(names, abroad) == 8).all()
