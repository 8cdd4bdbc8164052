"""Country table and name resolution: the facts other parts rely on (IDs, ISO codes, aliases)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conflictkit.reference import countries as c
from conflictkit.schema.vocab import REGIONS

TABLE = c.countries()
ALIAS_PAIRS = [
    (alias, country)
    for country, aliases in zip(TABLE["country"], TABLE["aliases"].fillna(""), strict=True)
    for alias in aliases.split("; ")
    if alias
]


def test_table_has_all_acled_countries_with_unique_codes() -> None:
    assert len(TABLE) == 243
    for column in ("country", "prefix", "iso2", "iso3", "iso"):
        assert TABLE[column].is_unique, column
    assert TABLE[["region", "region_id", "iso", "prefix", "iso3", "iso2"]].notna().all().all()
    assert TABLE["prefix"].str.fullmatch(r"[A-Z]{3}").all()


def test_regions_agree_with_the_schema_vocabulary() -> None:
    pairs = set(zip(TABLE["region_id"].astype(int), TABLE["region"], strict=True))
    assert pairs <= set(REGIONS.items())


@pytest.mark.parametrize(
    ("country", "iso", "prefix"),
    [
        ("Nigeria", 566, "NIG"),
        ("Niger", 562, "NIR"),
        ("Democratic Republic of Congo", 180, "DRC"),
        ("Burkina Faso", 854, "BFO"),
        ("South Africa", 710, "SAF"),
        ("Sudan", 729, "SUD"),
        ("Syria", 760, "SYR"),
        ("Kosovo", 0, "XKX"),
        ("Namibia", 516, "NAM"),
    ],
)
def test_iso_and_prefix(country: str, iso: int, prefix: str) -> None:
    assert c.iso_of(country) == iso
    assert c.prefix_of(country) == prefix
    assert c.country_of_prefix(prefix) == country


# (country, ISO numeric, event_id_cnty) in the same row of a real ACLED export (2016-2022 events
# of Africa, published on GitHub in a humanitarian dashboard's data): the prefixes ACLED uses,
# including the two that are neither ISO alpha-3 nor the country's first letters.
SEEN_IN_ACLED_EXPORTS = [
    ("Angola", 24, "ANG3162"), ("Burkina Faso", 854, "BFO6552"), ("Burundi", 108, "BUR8233"),
    ("Cameroon", 120, "CAO3829"), ("Central African Republic", 140, "CEN48130"),
    ("Chad", 148, "CHA1348"), ("Democratic Republic of Congo", 180, "DRC17007"),
    ("Guinea", 324, "GUI803"), ("Madagascar", 450, "MAG2086"), ("Niger", 562, "NIR14312"),
    ("Nigeria", 566, "NIG23175"), ("Sierra Leone", 694, "SIE4759"),
    ("South Africa", 710, "SAF12493"), ("Sudan", 729, "SUD13812"), ("Zimbabwe", 716, "ZIM5935"),
    ("Tanzania", 834, "TAZ786"), ("Mozambique", 508, "MZM2635"), ("Ethiopia", 231, "ETH8087"),
    ("Somalia", 706, "SOM31043"), ("South Sudan", 728, "SSD6756"), ("Libya", 434, "LBY10362"),
    ("Mali", 466, "MLI3830"), ("Uganda", 800, "UGA5969"), ("Kenya", 404, "KEN7731"),
    ("Senegal", 686, "SEN1103"),
]


@pytest.mark.parametrize(("country", "iso", "event_id"), SEEN_IN_ACLED_EXPORTS)
def test_prefixes_seen_in_real_acled_exports(country: str, iso: int, event_id: str) -> None:
    prefix = event_id.rstrip("0123456789")
    assert (c.iso_of(country), c.prefix_of(country)) == (iso, prefix)
    assert c.country_of_prefix(prefix) == country


# The twelve prefixes ACLED uses that the table once had as ISO alpha-3 (or guessed): observed in
# real exports (../shared/reference/acled_id_prefixes_seen.csv).
CORRECTED_FROM_EXPORTS = [
    ("Chile", "CHI"), ("Ivory Coast", "CDI"), ("Malawi", "MAW"), ("Mauritania", "MAA"),
    ("Nepal", "NEP"), ("Paraguay", "PAR"), ("Portugal", "POR"), ("Puerto Rico", "PRT"),
    ("Sri Lanka", "SRI"), ("Trinidad and Tobago", "TTQ"), ("Uruguay", "URU"), ("eSwatini", "SWA"),
]


@pytest.mark.parametrize(("country", "prefix"), CORRECTED_FROM_EXPORTS)
def test_prefixes_corrected_from_real_exports(country: str, prefix: str) -> None:
    assert c.prefix_of(country) == prefix
    assert c.country_of_prefix(prefix) == country


FACTS = Path(__file__).resolve().parents[2] / "shared" / "reference" / \
    "acled_id_prefixes_seen.csv"


@pytest.mark.skipif(not FACTS.is_file(), reason=f"fact file not found at {FACTS}")
def test_every_observed_prefix_is_the_tables() -> None:
    """Each row of the observed facts (country, ACLED prefix, ISO alpha-3) agrees with the table."""
    with FACTS.open(encoding="utf-8", newline="") as handle:
        facts = list(csv.DictReader(handle))
    assert len(facts) > 100
    table = TABLE.set_index("country")
    wrong = [(f["country"], f["event_id_prefix"], table.loc[f["country"], "prefix"])
             for f in facts if table.loc[f["country"], ["prefix", "iso3"]].tolist()
             != [f["event_id_prefix"], f["iso3"]]]
    assert wrong == []


def test_namibia_iso2_is_not_read_as_missing() -> None:
    assert c.country_of_iso2("NA") == "Namibia"


@pytest.mark.parametrize(
    ("alias", "country"),
    [
        ("DR Congo", "Democratic Republic of Congo"),
        ("Democratic Republic of the Congo", "Democratic Republic of Congo"),
        ("Congo, DRC", "Democratic Republic of Congo"),
        ("DR Congo (Zaire)", "Democratic Republic of Congo"),
        ("Myanmar (Burma)", "Myanmar"),
        ("Côte d'Ivoire", "Ivory Coast"),
        ("Cote d’Ivoire", "Ivory Coast"),
        ("Türkiye", "Turkey"),
        ("Czechia", "Czech Republic"),
        ("Swaziland", "eSwatini"),
        ("Eswatini", "eSwatini"),
        ("Kingdom of eSwatini (Swaziland)", "eSwatini"),
        ("Yemen (North Yemen)", "Yemen"),
        ("Cambodia (Kampuchea)", "Cambodia"),
        ("Russia (Soviet Union)", "Russia"),
        ("Russian Federation", "Russia"),
        ("Serbia (Yugoslavia)", "Serbia"),
        ("Zimbabwe (Rhodesia)", "Zimbabwe"),
        ("Madagascar (Malagasy)", "Madagascar"),
        ("Bosnia-Herzegovina", "Bosnia and Herzegovina"),
        ("Vietnam (North Vietnam)", "Vietnam"),
        ("Syrian Arab Republic", "Syria"),
        ("syria", "Syria"),
        ("  SYRIA ", "Syria"),
    ],
)
def test_aliases(alias: str, country: str) -> None:
    assert c.resolve_country(alias) == country


def test_unknown_names_resolve_to_none() -> None:
    assert c.resolve_country("Atlantis") is None
    assert c.resolve_country("") is None
    assert c.resolve_country(None) is None
    assert c.prefix_of("Atlantis") is None


@given(st.sampled_from(ALIAS_PAIRS + [(n, n) for n in TABLE["country"]]), st.data())
def test_alias_resolution_ignores_case_and_accents(pair: tuple[str, str], data) -> None:
    alias, country = pair
    variant = "".join(data.draw(st.sampled_from([ch.upper(), ch.lower()])) for ch in alias)
    assert c.resolve_country(variant) == country
    assert c.resolve_country(f" {alias}  ") == country


@given(
    st.lists(
        st.one_of(
            st.sampled_from(ALIAS_PAIRS).map(lambda p: p[0]), st.text(max_size=12), st.none()
        ),
        max_size=30,
    )
)
def test_vectorised_agrees_with_scalar(names: list) -> None:
    series = pd.Series(names, dtype="object")
    out = c.resolve_countries(series)
    assert len(out) == len(series)
    assert list(out.index) == list(series.index)
    for name, got in zip(names, out, strict=True):
        expected = c.resolve_country(name)
        assert (pd.isna(got) and expected is None) or got == expected


def test_resolve_countries_on_string_dtype() -> None:
    series = pd.Series(["DR Congo", None, "Nowhere", "Turkey"], dtype="str")
    out = c.resolve_countries(series)
    assert out.iloc[0] == "Democratic Republic of Congo"
    assert pd.isna(out.iloc[1]) and pd.isna(out.iloc[2])
    assert out.iloc[3] == "Turkey"
