"""Event rules of the rule-based extractor, each on invented sentences of the shape it handles."""

from __future__ import annotations

from datetime import date

import pytest

from conflictkit.builders.extract import extract_text
from conflictkit.builders.extract.classify import framed
from conflictkit.builders.extract.dates import attached_to_act, find_dates
from conflictkit.builders.extract.rule_based.wording import is_question, is_quoted


def _events(text: str, published: date):
    return [e.fields for e in extract_text(text, published=published).events]


# ---- frames, questions, speech -------------------------------------------------------------

@pytest.mark.parametrize("before", [
    "A tribunal on Tuesday acquitted the former mayor Ilan Dorsk of ",
    "Prosecutors accused the two brothers of ",
    "The council opened an inquiry into last month's ",
    "The envoy called on the government to investigate the ",
    "Their statement demanded an end to sexual ",
    "The men were alleged to be involved in a 2004 ",
    "Rallies were held on the anniversary of the ",
    "The group denied ",
])
def test_a_framed_act_is_not_an_event_of_its_own(before):
    assert framed(before)


@pytest.mark.parametrize("before", [
    "Police opened an investigation after gunmen ",
    "Suspected militants ",
    "Residents said the ",
    "",
])
def test_an_act_outside_a_frame_stands(before):
    assert not framed(before)


def test_verdicts_and_inquiries_about_killings_give_no_event():
    text = ("A court in the capital cleared the retired colonel of killing nine villagers in "
            "a 2001 massacre. The judges said the evidence was weak.")
    assert _events(text + " Dorvia's army said on Monday it would appeal.",
                   date(2022, 4, 6)) == []


def test_questions_and_undated_speech_report_nothing():
    assert is_question("How can we forgive the men who killed our sons?")
    assert not is_question("Gunmen killed six people on Monday.")
    assert is_quoted('"They burned everything we had," she said.')
    assert is_quoted('"We will fight until the end", the commander told reporters.')
    assert not is_quoted("Police said gunmen killed six people.")
    text = ('"Those who attacked us will be punished," the governor of Kano said. '
            '"How many more must be killed?" he asked.')
    assert _events(text, date(2022, 5, 1)) == []


# ---- dates --------------------------------------------------------------------------------

def test_holidays_resolve_to_their_day():
    [mention] = find_dates("The day before Christmas a convoy was ambushed.", date(2020, 1, 3))
    assert mention.days == (date(2019, 12, 24),) and mention.precision == 1
    [mention] = find_dates("Rockets hit the city on Christmas Day.", date(2021, 12, 27))
    assert mention.days == (date(2021, 12, 25),)


def test_a_date_attached_to_the_act_dates_it():
    sentence = "On Tuesday officials raised the toll from Saturday's bombing to 40."
    mentions = find_dates(sentence, date(2022, 9, 7))
    act = sentence.index("bombing")
    attached = [m for m in mentions if attached_to_act(sentence, m, act)]
    assert [m.text.rstrip("'s") for m in attached] == ["Saturday"]
    assert not attached_to_act(sentence, mentions[0], act)


def test_the_day_of_the_act_wins_over_the_day_of_the_update():
    [event] = _events("On Tuesday officials in Maiduguri raised the toll from Saturday's bombing "
                      "of a market to 40 people killed.", date(2022, 9, 7))
    assert event["event_date"] == date(2022, 9, 3)


def test_a_month_dated_act_deep_in_the_text_is_background():
    text = ("Troops clashed with rebels in Goma on Monday, leaving four dead.\n\n"
            "The army said the rebels had withdrawn.\n\n"
            "Last month rebels killed 30 villagers in an attack near Beni.")
    events = _events(text, date(2022, 6, 8))
    assert [(e["event_date"], e["location"]) for e in events] == [(date(2022, 6, 6), "Goma")]


def test_a_month_dated_act_that_is_the_news_is_kept():
    [event] = _events("Gunmen killed a community leader earlier this month in Toribio, in "
                      "Cauca province, the ombudsman said on Monday.", date(2022, 3, 28))
    assert event["time_precision"] == 3 and event["location"] == "Toribio"


# ---- actors and types ------------------------------------------------------------------------

def test_a_demonym_before_an_act_names_the_state_that_acted():
    [event] = _events("Ugandan shelling hit a market in Beni on Sunday, killing five civilians.",
                      date(2022, 6, 8))
    assert event["actor1"].startswith("Military Forces of Uganda")
    assert event["sub_event_type"] == "Shelling/artillery/missile attack"
    assert event["actor2"] == "Civilians (Democratic Republic of Congo)"


def test_protest_met_with_live_fire_is_excessive_force_with_the_force_first():
    [event] = _events("Soldiers opened fire on demonstrators in Bamako on Friday, killing three "
                      "of them.", date(2022, 7, 10))
    assert event["sub_event_type"] == "Excessive force against protesters"
    assert event["actor1"].startswith("Military Forces of Mali")
    assert event["actor2"] == "Protesters (Mali)"


def test_deaths_in_unrest_without_force_named_are_not_excessive_force():
    [event] = _events("Rioters looted shops and threw stones at police in Lusaka on Monday. "
                      "Two people died in the unrest.", date(2022, 8, 16))
    assert event["sub_event_type"] == "Violent demonstration"
    assert event["actor1"] == "Rioters (Zambia)"


def test_riot_police_do_not_make_a_riot():
    [event] = _events("Thousands protested peacefully in Yerevan on Saturday while riot police "
                      "watched.", date(2022, 5, 2))
    assert event["sub_event_type"] == "Peaceful protest"


def test_a_crowd_storming_a_building_is_a_violent_demonstration():
    [event] = _events("Protesters stormed the regional parliament building in Nukus on Friday.",
                      date(2022, 7, 3))
    assert event["event_type"] == "Riots" and event["sub_event_type"] == "Violent demonstration"


def test_rival_crowds_fighting_is_mob_violence():
    [event] = _events("A man was killed when fans of Dynamo and Spartak clashed in Kazan on "
                      "Sunday.", date(2022, 4, 12))
    assert event["sub_event_type"] == "Mob violence"
    assert event["actor1"] == event["actor2"] == "Rioters (Russia)"


def test_state_forces_take_the_article_as_the_registry_spells_them():
    [event] = _events("British troops clashed with insurgents in Lashkar Gah on Monday.",
                      date(2010, 6, 9))
    assert event["actor1"].startswith("Military Forces of the United Kingdom")


# ---- numbers ------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, count", [
    ("A 25 year old man was killed in the clashes.", 1),
    ("A 19-year-old student was shot dead by police.", 1),
    ("The 2008 attacks killed 166 people.", 166),
    ("On January 17 soldiers killed 4 herders.", 4),
    ("At least 2010 people were killed over the decade.", 2010),
])
def test_ages_years_and_days_are_not_tolls(sentence, count):
    from conflictkit.builders.extract.fatalities import event_fatalities, find_fatalities

    best = event_fatalities(find_fatalities(sentence))
    assert best is not None and best.count == count


def test_not_a_count_names_the_kinds():
    from conflictkit.builders.extract.fatalities import not_a_count

    for sentence, number in [("a 25-year-old man", "25"), ("aged 40, he", "40"),
                             ("the 1998 bombing", "1998"), ("on 3 May", "3"),
                             ("May 3's attack", "3")]:
        start = sentence.index(number)
        assert not_a_count(sentence, start, start + len(number)), sentence
    assert not not_a_count("killing 25 people", 8, 10)


# ---- background -----------------------------------------------------------------------------

def test_a_name_is_not_an_act():
    from conflictkit.builders.extract.rule_based.wording import in_a_name

    sentence = "Organisers cancelled the Desert Rally on Friday."
    assert in_a_name(sentence, sentence.index("Rally"))
    assert not in_a_name("Rally organisers met.", 0)
    assert _events("Organisers cancelled the Desert Rally in Dakar yesterday over threats.",
                   date(2022, 1, 5)) == []


def test_running_totals_and_past_waves_of_violence_are_not_events():
    text = ("Rebels and soldiers clashed in Goma on Monday, leaving four dead.\n\n"
            "More than 300 people have been killed in the province since the rebels returned.\n\n"
            "Thousands were killed in the violence that erupted after the vote.")
    events = _events(text, date(2022, 6, 8))
    assert [(e["location"], e["fatalities"]) for e in events] == [("Goma", 4)]


# ---- splitting and places -------------------------------------------------------------------

def test_one_event_per_listed_place_with_the_toll_split():
    events = _events("A series of bombings in Kirkuk and Tikrit killed 30 people on Tuesday.",
                     date(2022, 5, 12))
    assert sorted((e["location"], e["fatalities"]) for e in events) == [
        ("Kirkuk", 15), ("Tikrit", 15)]
    assert {e["sub_event_type"] for e in events} == {"Remote explosive/landmine/IED"}


def test_one_event_per_place_with_the_tolls_given_place_by_place():
    events = _events("Rebels attacked three villages on Sunday: four people were killed in "
                     "Butembo, two in Beni and one in Lubero.", date(2022, 5, 10))
    assert sorted((e["location"], e["fatalities"]) for e in events) == [
        ("Beni", 2), ("Butembo", 4), ("Lubero", 1)]


def test_crowds_counted_city_by_city_are_one_protest_per_city():
    text = ("Tens of thousands of people marched against the pension reform on Saturday.\n\n"
            "Organisers counted 40,000 in Lyon, 25,000 in Marseille and 12,000 in Lille at "
            "the protest.")
    events = _events(text, date(2023, 2, 13))
    assert sorted(e["location"] for e in events) == ["Lille", "Lyon", "Marseille"]
    assert {e["sub_event_type"] for e in events} == {"Peaceful protest"}


def test_a_settlement_named_before_its_town_is_the_place():
    result = extract_text("A man was killed when fans clashed in the suburb of Dorvika, in "
                          "east Athens, on Sunday.", published=date(2022, 4, 12))
    [event] = result.events
    assert event.fields["location"] == "Dorvika" and event.fields["admin1"] == "Attica"


def test_the_dateline_is_the_place_only_when_the_text_names_none():
    text = ("KANO, Nigeria (Reuters) - Gunmen seized the village of Zorbatu on Monday after "
            "heavy fighting with soldiers, officials said.")
    [event] = _events(text, date(2022, 6, 14))
    assert event["location"] == "Zorbatu"
    text = "KANO, Nigeria (Reuters) - Police fired tear gas at protesters on Monday."
    [event] = _events(text, date(2022, 6, 14))
    assert event["location"] == "Kano"


def test_the_side_named_first_in_a_clash_is_actor1():
    [event] = _events("Soldiers and Al Shabaab fighters clashed in Baidoa on Monday.",
                      date(2022, 6, 14))
    assert event["actor1"].startswith("Military Forces of Somalia")
    assert event["actor2"] == "Al Shabaab"


# ---- stories, plans, unplaced acts, parties -------------------------------------------------

def test_a_planned_or_cancelled_act_is_not_an_event():
    from conflictkit.builders.extract.classify import framed_after

    assert framed_after(" had been planned for weeks")
    assert framed_after(" was cancelled on Friday")
    assert not framed_after(" turned violent on Friday")
    assert _events("Organisers said the march had been called off on Friday.",
                   date(2022, 3, 7)) == []


def test_an_act_told_only_everywhere_does_not_join_a_placed_event():
    text = ("Rebels and soldiers clashed in Misratah on Wednesday, leaving two dead.\n\n"
            "Meanwhile, warplanes struck targets across the country on Wednesday.")
    events = _events(text, date(2011, 4, 21))
    assert [(e["location"], e["sub_event_type"]) for e in events] == [
        ("Misratah", "Armed clash")]


def test_an_act_placed_only_everywhere_is_not_coded():
    result = extract_text("Police arrested hundreds of protesters across the country on Sunday.",
                          published=date(2022, 3, 8))
    assert result.events == []
    assert any("places only everywhere" in w for w in result.warnings)


def test_the_one_town_of_the_lead_places_an_unplaced_event():
    text = ("A court in Ankara sentenced the writer on Tuesday.\n\n"
            "Supporters protested outside the courthouse on Monday.")
    [event] = _events(text, date(2022, 3, 9))
    assert event["location"] == "Ankara" and event["sub_event_type"] == "Peaceful protest"


def test_an_agreement_names_its_parties_in_order_and_no_perpetrator():
    [event] = _events("The government and the ELN signed a ceasefire agreement in Bogota on "
                      "Friday.", date(2023, 6, 11))
    assert event["sub_event_type"] == "Agreement"
    assert event["actor1"].startswith("Government of Colombia")
    assert "Unidentified" not in (event["actor2"] or "")


def test_unknown_keys_of_a_header_block_are_not_body_text():
    from conflictkit.builders.extract.text import read_article

    article = read_article("title: Clash in Dorvik\ndate: 2022-03-02\nlicense: CC BY 2.5\n"
                           "tags: conflict\n---\nSoldiers clashed with rebels on Tuesday.\n")
    assert article.title == "Clash in Dorvik" and article.published == date(2022, 3, 2)
    assert [s.text for s in article.sentences] == ["Soldiers clashed with rebels on Tuesday."]


def test_deaths_without_a_figure():
    from conflictkit.builders.extract.fatalities import event_fatalities, find_fatalities

    for sentence, count in [("The editor was shot dead outside his home.", 1),
                            ("A Dutch family on holiday was murdered near the coast.", 2),
                            ("Two soldiers had died in the ambush.", 2),
                            ("It reported the killing of one journalist in the north.", 1)]:
        best = event_fatalities(find_fatalities(sentence))
        assert best is not None and best.count == count, sentence
    assert event_fatalities(find_fatalities("No one was killed in the blast.")).count == 0


def test_civilians_are_coded_by_their_nationality():
    [event] = _events("Gunmen shot dead two Italian tourists near Agadez on Sunday.",
                      date(2022, 3, 8))
    assert event["country"] == "Niger" and event["actor2"] == "Civilians (Italy)"
    assert event["fatalities"] == 2


def test_a_group_believed_responsible_is_the_perpetrator():
    text = ("Gunmen killed four soldiers at a checkpoint near Kidal on Sunday.\n\n"
            "Al Shabaab is believed to be responsible, officials said.")
    [event] = _events(text, date(2022, 3, 8))
    assert event["actor1"] == "Al Shabaab"


def test_a_role_names_the_actor_of_its_country_and_period():
    from conflictkit.builders.extract.actors import role_actor

    assert role_actor("AU peacekeepers", "Somalia", 2012).startswith("AMISOM")
    assert role_actor("AU peacekeepers", "Somalia", 2023).startswith("ATMIS")
    assert role_actor("AU peacekeepers", "Sudan", 2012) is None
    assert role_actor("al-Qaeda", "Mali", 2013).startswith("AQIM")
    [event] = _events("Al-Qaeda gunmen killed three soldiers near Gao on Monday.",
                      date(2013, 3, 6))
    assert event["actor1"].startswith("AQIM")


def test_days_counted_from_the_event_told_before():
    from conflictkit.builders.extract.dates import find_relative_days

    assert [r.offset for r in find_relative_days("Two days after the raid, rebels struck")] == [2]
    assert [r.offset for r in find_relative_days("The next day police arrested him.")] == [1]
    text = ("Gunmen attacked a market in Maiduguri on March 3, killing 12 traders.\n\n"
            "Two days later, soldiers clashed with the gunmen near Maiduguri.")
    days = sorted(e["event_date"] for e in _events(text, date(2022, 3, 9)))
    assert days == [date(2022, 3, 3), date(2022, 3, 5)]


def test_the_site_named_elsewhere_places_the_event():
    text = ("An airstrike hit a camp for displaced people on Tuesday, killing 20 of them.\n\n"
            "The camp near Dikwa shelters thousands of families.")
    [event] = _events(text, date(2022, 3, 10))
    assert event["location"] == "Dikwa" and event["admin1"] == "Borno"


def test_words_inside_a_quotation_are_not_acts():
    from conflictkit.builders.extract.rule_based.wording import inside_quotes

    sentence = 'He tweeted: "Peaceful protests are a hallmark of our democracy."'
    assert inside_quotes(sentence, sentence.index("protests"))
    assert not inside_quotes("Protesters marched on Monday.", 0)
    text = ("Thousands marched in Lyon on Saturday.\n\n"
            'The next day the minister wrote, "Peaceful protests are welcome."')
    assert len(_events(text, date(2023, 2, 14))) == 1


def test_a_country_that_acts_names_its_military():
    [event] = _events("Officials said Russia launched missiles at Kharkiv on Tuesday, killing "
                      "three civilians.", date(2023, 2, 15))
    assert event["actor1"].startswith("Military Forces of Russia")
    assert event["country"] == "Ukraine" and event["location"] == "Kharkiv"


def test_an_attempt_to_blow_up_is_disrupted_weapons_use():
    [event] = _events("A passenger tried to blow up a plane over Lagos on Friday but was "
                      "overpowered.", date(2023, 2, 15))
    assert event["sub_event_type"] == "Disrupted weapons use"


def test_an_unnamed_target_takes_the_default_of_its_sub_event():
    [event] = _events("Police arrested a suspect in Patna on Monday.", date(2023, 2, 14))
    assert event["sub_event_type"] == "Arrests"
    assert event["actor2"] == "Civilians (India)"
    [event] = _events("A bomb exploded outside a temple in Gaya on Sunday.", date(2023, 2, 14))
    assert event["actor2"] == "Civilians (India)"


def test_a_claim_of_something_else_is_no_claim_of_the_attack():
    from conflictkit.builders.extract.classify import claim_patterns

    after = claim_patterns()["after"]
    assert after.match(" claimed it on a website")
    assert not after.match(" claims it is in a final push")


def test_a_rally_needs_politics_to_be_a_protest():
    from conflictkit.builders.extract.classify import find_triggers

    assert not find_triggers("The off-road rally was due to start on Saturday in Lisbon.")
    assert [t.kind for t in find_triggers("Thousands joined a rally against the new law.")] == [
        "protest"]


def test_more_shapes_of_fighting_and_fire():
    from conflictkit.builders.extract.classify import find_triggers

    kinds = {t.kind for t in find_triggers("At least 8 rockets were fired overnight.")}
    assert kinds == {"Shelling/artillery/missile attack"}
    kinds = {t.kind for t in find_triggers("Troops put up a brief fight at the bridge.")}
    assert kinds == {"Armed clash"}


def test_an_undated_act_at_another_place_within_the_story_takes_its_day():
    text = ("Rebels clashed with soldiers in Tripoli on Sunday.\n\n"
            "Government forces put up a brief fight at the village of Zorvan, leaving behind a "
            "burned-out tank.")
    result = extract_text(text, published=date(2011, 8, 22))
    found = sorted((e.fields["location"], e.fields["event_date"]) for e in result.events)
    assert found == [("Tripoli", date(2011, 8, 21)), ("Zorvan", date(2011, 8, 21))]
    zorvan = next(e for e in result.events if e.fields["location"] == "Zorvan")
    assert any("the day of the act told just before" in note for note in zorvan.review)


# ---- strategic developments beside other acts ----------------------------------------------

def test_a_bomb_defused_beside_a_bombing_is_its_own_event_that_day():
    text = ("Two bombs exploded at a bus station in Kano on Sunday, wounding five people. "
            "Three other bombs were found and defused.")
    events = _events(text, date(2021, 3, 2))
    assert sorted((e["sub_event_type"], e["event_date"]) for e in events) == [
        ("Disrupted weapons use", date(2021, 2, 28)),
        ("Remote explosive/landmine/IED", date(2021, 2, 28))]
    [defused] = [e for e in events if e["sub_event_type"] == "Disrupted weapons use"]
    assert defused["actor1"].startswith("Police Forces of Nigeria")
    assert defused["actor2"] == "Unidentified Armed Group (Nigeria)"


def test_arrests_in_the_paragraph_of_a_protest_are_part_of_it():
    text = ("Police fired tear gas at hundreds of traders protesting in Lahore on Monday. "
            "Dozens were arrested.")
    [event] = _events(text, date(2022, 5, 4))
    assert event["sub_event_type"] == "Protest with intervention"


def test_the_arrest_of_a_named_leader_in_its_own_paragraph_is_its_own_event():
    text = ("Protesters threw stones at police in Lahore on Monday.\n\n"
            "Hours later, police detained opposition leader Imran Dorsk at his home.")
    events = _events(text, date(2022, 5, 4))
    assert sorted(e["sub_event_type"] for e in events) == ["Arrests", "Violent demonstration"]


def test_arrests_of_unnamed_suspects_after_an_attack_are_its_follow_up():
    text = ("Gunmen killed three villagers in Bokkos on Monday.\n\n"
            "Police said two suspects had been arrested.")
    assert [e["sub_event_type"] for e in _events(text, date(2023, 1, 25))] == ["Attack"]


@pytest.mark.parametrize("sentence", [
    "No arrests have been made in Kano.",
    "Not one marcher was reported arrested in Lagos on Saturday.",
    "Police in Lagos said no one was killed on Saturday.",
])
def test_negated_acts_are_not_events(sentence):
    assert _events(sentence, date(2023, 1, 25)) == []


def test_an_act_dated_only_from_an_undated_one_is_not_coded():
    assert _events("Dorsk was arrested two days after the explosion in Kano.",
                   date(2023, 1, 25)) == []


def test_hostages_taken_after_seizing_a_road():
    [event] = _events("Armed men took several policemen hostage after seizing a road near "
                      "Arish on Friday.", date(2011, 1, 29))
    assert event["sub_event_type"] == "Non-state actor overtakes territory"
    assert event["actor1"] == "Unidentified Armed Group (Egypt)"


# ---- a report about an earlier act ---------------------------------------------------------

def test_an_inquiry_dates_the_act_it_is_about():
    text = ("The rights commission said on Tuesday it had opened an inquiry into last week's "
            "shooting of demonstrators in Kisumu.\n\n"
            "Police opened fire on hundreds of traders who had marched in Kisumu against new "
            "taxes. Two people died of gunshot wounds, a nurse said.\n\n"
            "The commission will report on the events of March 3 within a month.")
    [event] = _events(text, date(2022, 3, 8))
    assert (event["event_date"], event["time_precision"]) == (date(2022, 3, 3), 1)
    assert event["sub_event_type"] == "Excessive force against protesters"
    assert event["fatalities"] == 2 and event["location"] == "Kisumu"


def test_a_verdict_about_an_old_attack_reports_no_event():
    text = ("A court in Garissa on Monday jailed two men for helping the gunmen who raided a "
            "village near Mandera in March 2014.\n\n"
            "The gunmen shot dead 12 villagers and burned their homes.")
    assert _events(text, date(2019, 6, 18)) == []


def test_the_date_nearest_the_act_dates_it():
    text = ("Officials on Tuesday visited the market in Kano that gunmen attacked on "
            "Saturday, killing five traders.")
    [event] = _events(text, date(2021, 3, 3))
    assert event["event_date"] == date(2021, 2, 27)


def test_deaths_told_beside_a_protest_are_the_protest_s():
    text = ("Soldiers opened fire on thousands of demonstrators in Conakry on Monday. "
            "At least 12 people were killed in the clashes, doctors said.")
    [event] = _events(text, date(2009, 9, 30))
    assert event["sub_event_type"] == "Excessive force against protesters"
    assert event["fatalities"] == 12


def test_the_second_day_of_fighting_with_a_running_toll_is_two_events():
    text = ("Soldiers and rebels fought in Beni on Thursday, the second day of clashes in the "
            "town.\n\nAt least 9 people have been killed since the fighting began, a local "
            "official said.")
    events = _events(text, date(2022, 6, 10))
    assert [(e["event_date"], e["fatalities"]) for e in events] == [
        (date(2022, 6, 8), 5), (date(2022, 6, 9), 4)]


def test_the_nth_day_without_a_running_toll_stays_one_day():
    text = ("Soldiers and rebels fought in Beni on Thursday, the third day of clashes in the "
            "town. Two soldiers were killed on Thursday.")
    events = _events(text, date(2022, 6, 10))
    assert [e["event_date"] for e in events] == [date(2022, 6, 9)]


def test_an_ongoing_activity_is_not_an_act():
    assert _events("Since Tuesday supporters of the cleric have been protesting in Lahore.",
                   date(2022, 6, 10)) == []


# ---- actors: claims, contingents, possessives ------------------------------------------------

def test_a_claim_by_the_named_group_with_a_head_noun():
    text = ("Militants attacked an army post near Djibo on Sunday, killing six soldiers.\n\n"
            "The JNIM group claimed responsibility for the attack.")
    [event] = _events(text, date(2021, 3, 2))
    assert event["actor1"] == "JNIM: Group for Support of Islam and Muslims"


def test_a_claim_by_a_description_names_the_article_s_one_group():
    text = ("Al Shabaab fighters ambushed a convoy near Afgooye on Monday, killing four "
            "soldiers.\n\nThe Islamist group later claimed responsibility.")
    [event] = _events(text, date(2018, 5, 9))
    assert event["actor1"] == "Al Shabaab"


def test_a_claim_told_for_the_lead_act_is_not_another_attack_s():
    text = ("Al Shabaab fighters attacked a base in Afgooye on Friday, killing three soldiers. "
            "The group claimed responsibility.\n\n"
            "Earlier, on Monday, two soldiers had died in a mortar attack on a clinic in "
            "Balcad.")
    events = {e["event_date"]: e for e in _events(text, date(2018, 5, 12))}
    assert events[date(2018, 5, 11)]["actor1"] == "Al Shabaab"
    assert events[date(2018, 5, 7)]["actor1"] == "Unidentified Armed Group (Somalia)"


@pytest.mark.parametrize("text, actor", [
    ("Al Shabaab fighters attacked Burundian peacekeepers near Afgooye on Sunday.",
     "AMISOM: African Union Mission in Somalia (2007-) (Burundi)"),
    ("Al Shabaab fighters attacked AU peacekeepers near Afgooye on Sunday. A Ugandan "
     "soldier was killed.", "AMISOM: African Union Mission in Somalia (2007-) (Uganda)"),
])
def test_a_mission_is_coded_by_the_contingent_the_report_names(text, actor):
    [event] = _events(text, date(2017, 7, 31))
    assert event["actor2"] == actor


def test_a_contributor_s_troops_before_it_joined_are_its_own_army():
    [event] = _events("Al Shabaab fighters attacked Ethiopian troops near Baidoa on Sunday.",
                      date(2009, 7, 31))
    assert event["actor2"].startswith("Military Forces of Ethiopia")


def test_its_soldiers_are_the_force_named_before():
    text = ("Al Shabaab fighters opened fire on peacekeepers near Afgooye on Sunday.\n\n"
            "The Burundian army said four of its soldiers were killed.")
    [event] = _events(text, date(2017, 7, 31))
    assert event["actor2"] == "AMISOM: African Union Mission in Somalia (2007-) (Burundi)"
    assert event["sub_event_type"] == "Armed clash"


@pytest.mark.parametrize("published, actor", [
    (date(2011, 4, 21), "Military Forces of Libya (1969-2011)"),
    (date(2012, 3, 2), "Military Forces of Libya (2011-2012)"),
])
def test_a_state_s_forces_take_the_period_of_the_day(published, actor):
    [event] = _events("Government troops shelled rebel positions in Misrata on Wednesday.",
                      published)
    assert event["actor1"] == actor


def test_a_ruler_s_forces_are_the_state_s():
    [event] = _events("Forces loyal to Muammar Gaddafi shelled Misrata on Wednesday, killing "
                      "four civilians.", date(2011, 4, 21))
    assert event["actor1"] == "Military Forces of Libya (1969-2011)"


def test_the_boundary_year_of_two_periods_goes_by_the_day():
    [early] = _events("American troops clashed with insurgents in Baqubah on Tuesday.",
                      date(2009, 1, 14))
    [late] = _events("American troops clashed with insurgents in Baqubah on Tuesday.",
                     date(2009, 5, 14))
    assert early["actor1"] == "Military Forces of the United States (2001-2009)"
    assert late["actor1"] == "Military Forces of the United States (2009-2017)"


@pytest.mark.parametrize("text", [
    "Police detained Ilan Dorsk, the secretary general of the Bangladesh Nationalist Party, "
    "in Dhaka on Saturday.",
    "The secretary general of the Bangladesh Nationalist Party, Ilan Dorsk, was arrested in "
    "Dhaka on Saturday.",
])
def test_a_named_person_arrested_is_coded_as_the_party_the_report_ties_them_to(text):
    [event] = _events(text, date(2023, 10, 29))
    assert event["actor2"] == "BNP: Bangladesh Nationalist Party"


def test_an_unaffiliated_named_person_arrested_is_a_civilian():
    [event] = _events("Police detained the writer Ilan Dorsk in Dhaka on Saturday.",
                      date(2023, 10, 29))
    assert event["actor2"] == "Civilians (Bangladesh)"


def test_hours_later_is_the_same_day():
    text = ("Protesters threw stones at police in Dhaka on Saturday.\n\n"
            "Hours later officers detained Ilan Dorsk, a leader of the Bangladesh Nationalist "
            "Party.")
    days = {e["sub_event_type"]: e["event_date"] for e in _events(text, date(2023, 10, 29))}
    assert days["Arrests"] == date(2023, 10, 28)


def test_soldiers_of_a_country_named_in_full_are_its_army():
    [event] = _events("Two United States soldiers were killed by a roadside bomb in Baghdad on "
                      "Wednesday.", date(2008, 3, 27))
    assert event["actor2"] == "Military Forces of the United States (2001-2009)"


def test_an_airstrike_on_fighters_that_killed_civilians_has_the_civilians_as_actor2():
    [event] = _events("A US airstrike on Taliban fighters in Farah on Monday killed 30 "
                      "civilians, officials said.", date(2009, 5, 6))
    assert event["actor2"] == "Civilians (Afghanistan)"


def test_deaths_told_as_a_total_over_the_fighting_are_not_an_act():
    text = ("A roadside bomb killed two soldiers in Basra on Saturday.\n\n"
            "Officials said 75 people had been killed in fighting between militias and police.")
    [event] = _events(text, date(2008, 3, 30))
    assert event["fatalities"] == 2


def test_arrests_made_across_the_country_are_not_one_protest_s():
    text = ("Thousands protested in Moscow on Saturday. Under a hundred arrests were made "
            "across the country during the day.")
    [event] = _events(text, date(2011, 12, 11))
    assert event["sub_event_type"] == "Peaceful protest"


def test_an_act_with_no_actor_takes_the_one_its_paragraph_names_for_that_kind_of_act():
    text = ("M23 rebels have been shelling the outskirts of Goma for weeks. Shells hit a market "
            "in Goma on Monday, killing five traders.")
    [event] = _events(text, date(2022, 6, 8))
    assert event["actor1"] == "M23: March 23 Movement"


def test_the_day_a_rally_was_planned_is_not_the_day_of_a_rally():
    assert _events("A spokesman said the rally in Paris had been planned on Friday.",
                   date(2015, 1, 12)) == []
