"""Extraction building blocks: dates, death tolls, sentences, article cleaning."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictkit.builders.extract.dates import find_dates, parse_date
from conflictkit.builders.extract.fatalities import (
    event_fatalities,
    find_fatalities,
    parse_number,
    split_over_days,
)
from conflictkit.builders.extract.sentences import split_sentences
from conflictkit.builders.extract.text import ArticleError, read_article

THU = date(2018, 2, 8)  # a Thursday


def _days(sentence: str, published: date = THU):
    return [(m.days, m.precision) for m in find_dates(sentence, published) if m.usable]


def test_overnight_is_one_day_and_spans_are_several():
    assert _days("airstrikes late on Wednesday and early Thursday") == [((date(2018, 2, 7),), 1)]
    assert _days("fighting from Monday to Wednesday") == [
        ((date(2018, 2, 5), date(2018, 2, 6), date(2018, 2, 7)), 1)]
    assert _days("clashes on Tuesday and Wednesday") == [
        ((date(2018, 2, 6), date(2018, 2, 7)), 1)]


def test_relative_dates_and_precision():
    assert _days("yesterday") == [((date(2018, 2, 7),), 1)]
    assert _days("last week")[0][1] == 2
    assert _days("earlier this month") == [((date(2018, 2, 4),), 3)]
    assert _days("on 7 February") == [((date(2018, 2, 7),), 1)]
    assert _days("on February 9") == [((date(2017, 2, 9),), 1)]  # never after publication
    assert _days("a meeting next Wednesday") == []
    statement = find_dates("the ministry said on Thursday", THU)[0]
    assert statement.statement


@settings(max_examples=200, deadline=None)
@given(st.dates(date(1995, 1, 1), date(2030, 12, 31)),
       st.sampled_from(["on Monday", "on Sunday", "yesterday", "last week", "earlier this month",
                        "on 31 December", "on March 3", "last month", "two days ago",
                        "late on Friday and early Saturday", "from Saturday to Monday",
                        "at the weekend", "in May"]))
def test_no_date_after_publication(published, phrase):
    for mention in find_dates(f"Troops clashed {phrase} near the town.", published):
        assert all(day <= published for day in mention.days)
        assert all(day >= published - timedelta(days=400) for day in mention.days)


def test_parse_date_forms():
    assert parse_date("February 8, 2018") == THU
    assert parse_date("08.02.2018") == THU
    assert parse_date("2018-02-08T10:00:00Z") == THU
    assert parse_date("not a date") is None


@pytest.mark.parametrize(("sentence", "count"), [
    ("killing about 100 people", 100),
    ("more than 100 Syrian pro-regime forces were killed", 100),
    ("Gunmen killed two soldiers and three civilians", 5),
    ("At least 12 people were killed, including three children.", 12),
    ("Dozens were killed in the blast.", 12),
    ("Several villagers were killed", 3),
    ("hundreds of people killed", 100),
    ("The death toll rose to 35", 35),
    ("A soldier was killed", 1),
])
def test_death_tolls(sentence, count):
    assert event_fatalities(find_fatalities(sentence)).count == count


@pytest.mark.parametrize("sentence", [
    "30 people were wounded", "12 people were killed or injured", "there were 40 casualties",
    "the town is 3 km from the border", "leaving five soldiers injured"])
def test_not_deaths(sentence):
    assert not [t for t in find_fatalities(sentence) if t.count]


def test_the_lowest_credible_figure_not_a_later_higher_toll():
    tolls = find_fatalities("Police said 20 were killed.") + find_fatalities(
        "Medics said 15 people died.")
    assert event_fatalities(tolls).count == 15
    tolls += find_fatalities("The death toll rose to 31 on Friday.")
    assert event_fatalities(tolls).count == 15  # ACLED codes the most conservative figure
    assert event_fatalities(find_fatalities("Officials put the toll at 9.")
                            + find_fatalities("By evening the toll had climbed to 14.")).count == 9


def _toll(*sentences: str) -> int:
    best = event_fatalities([t for s in sentences for t in find_fatalities(s)])
    return best.count if best else 0


@pytest.mark.parametrize(("sentences", "count"), [
    # one sentence, distinct groups listed: they add up
    (["Troops shot dead two gunmen and a bystander."], 3),
    (["Two policemen and a civilian were killed in the blast."], 3),
    # distinct groups told in different sentences of one event: they add up
    (["Shelling killed 41 Syrians in the suburb.", "Nine Turkish soldiers were killed."],
     50),
    (["Eight civilians died in the crossfire.", "The army said 14 militants were killed.",
      "One soldier was also killed."], 23),
    # a restatement of the same group: the lowest figure
    (["At least 17 soldiers were killed.", "The ministry said 15 soldiers died."], 15),
    (["Nine Turkish soldiers were killed.", "Officials said eight soldiers were killed."],
     8),
    # a subset or a narrower group is part of the count, never added
    (["Twenty villagers were killed.", "Three children were among the dead."], 20),
    (["Eleven civilians were killed.", "A woman and her two children died in the fire."], 11),
    (["At least 30 people were killed, among them four police officers."], 30),
    (["At least 30 people were killed.", "Four police officers were killed."], 30),
    # a total for everyone stands unless the groups add up to more
    (["Fighting killed twelve people.", "Ten civilians were killed.",
      "Five rebels also died."], 15),
    # a figure said to come on top is added
    (["The blast killed 22 people.", "An additional 6 people died in hospital."], 28),
    (["Four soldiers were killed.", "Two more soldiers died of their wounds."], 6),
])
def test_tolls_of_distinct_groups_add_up_and_restatements_do_not(sentences, count):
    assert _toll(*sentences) == count


@pytest.mark.parametrize(("sentence", "count"), [
    ("Three people, including a child, were killed.", 3),
    ("There were 30 casualties, including 12 dead.", 12),
    ("Thirteen soldiers were reported killed.", 13),
    ("Rebels killed 5 and wounded 12.", 5),
    ("The bombing left 12 dead and 30 wounded.", 12),
    ("Over 40 Dorvians were killed in the raid.", 0),  # not a demonym the table knows
    ("Over 40 Palestinians were killed in the raid.", 40),
])
def test_toll_shapes(sentence, count):
    assert _toll(sentence) == count


@pytest.mark.parametrize(("sentence", "count"), [
    ("Twelve people were wounded when the bus hit a mine.", 0),
    ("Police said 40 were injured and 3 killed on 14 May.", 3),
    ("Updated 12:40 GMT, 2019 | Blast kills 6 in market", 6),
    ("A 42-year-old farmer was killed in the attack.", 1),
    ("The explosion on 12 June killed 7 people.", 7),
])
def test_wounded_ages_dates_and_banners_are_not_counts(sentence, count):
    assert _toll(sentence) == count


@given(st.integers(0, 10**6))
def test_numbers_round_trip(n):
    assert parse_number(f"{n:,}") == n or n == 0
    assert event_fatalities(find_fatalities(f"at least {n} people were killed")).count == n


@given(st.integers(0, 10_000), st.integers(1, 30))
def test_split_over_days(total, days):
    shares = split_over_days(total, days)
    assert sum(shares) == total and len(shares) == days
    assert shares[0] - shares[-1] == total % days if days > 1 else True
    assert len(set(shares[1:])) <= 1


def test_sentences_keep_offsets_and_abbreviations():
    text = "Gen. Smith said U.S. troops left. A second sentence? Yes! S. George took it."
    sentences = split_sentences(text, offset=10)
    assert [s.text for s in sentences] == [
        "Gen. Smith said U.S. troops left.", "A second sentence?", "Yes!",
        "S. George took it."]
    for s in sentences:
        assert text[s.start - 10:s.end - 10] == s.text


def test_header_captions_read_more_and_credits_are_not_body():
    raw = ("title: Strike hits town\ndate: 2020-03-04\nurl: https://www.dw.com/x\n\n"
           "Soldiers killed five people in Aleppo on Tuesday.\n\nCaption of a photo\n"
           "Image: AFP/X\n\nRead more: another story\n\nxy/ab (Reuters, AFP)\n")
    article = read_article(raw)
    assert article.title == "Strike hits town" and article.published == date(2020, 3, 4)
    assert article.outlet == "Deutsche Welle" and article.agencies == ["Reuters", "AFP"]
    body = " ".join(s.text for s in article.sentences)
    assert "Caption" not in body and "Read more" not in body and "Reuters" not in body
    for s in article.sentences:
        assert raw[s.start:s.end] == s.text


def test_options_win_over_header_and_html_is_stripped():
    html = ("<html><head><title>T</title><meta property='article:published_time' "
            "content='2021-01-02'><script>var x = 1;</script></head><body><nav>Menu</nav>"
            "<p>ABUJA (Reuters) - Gunmen killed 3 people on Friday.</p>"
            "<figure><figcaption>Photo caption Kano</figcaption></figure></body></html>")
    article = read_article(html, published=date(2021, 1, 3), source="Premium Times")
    assert article.published == date(2021, 1, 3)
    assert article.outlet == "Premium Times" and article.dateline == "Abuja"
    text = " ".join(s.text for s in article.sentences)
    assert "var x" not in text and "caption" not in text and "Menu" not in text
    assert text.startswith("Gunmen killed")


def test_binary_and_huge_input_are_refused_clearly():
    with pytest.raises(ArticleError, match="binary"):
        read_article("abc\x00def")
    with pytest.raises(ArticleError, match="not one news article"):
        read_article("Troops clashed. " * 400_000)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_any_text_reads_without_error(raw):
    try:
        article = read_article(raw)
    except ArticleError:
        return
    for s in article.sentences:
        assert article.text[s.start:s.end].replace("\n", " ") == s.text
