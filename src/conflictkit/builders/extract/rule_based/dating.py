"""The days of acts beyond what a sentence says itself: days counted from the act told before,
the act a report is about ("last week's shooting"), an event's days and the evidence for them,
and "the Nth day of fighting" with a running toll (one event per day)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from conflictkit.builders.extract import classify
from conflictkit.builders.extract.base import Evidence
from conflictkit.builders.extract.dates import (
    DateMention,
    find_dates,
    find_relative_days,
    ordinal_day,
)
from conflictkit.builders.extract.fatalities import Toll
from conflictkit.builders.extract.rule_based.analysis import (
    BACKGROUND_AGE_DAYS,
    RUNNING_TOTAL,
    VIOLENT,
    AnalysedSentence,
)
from conflictkit.builders.extract.rule_based.clusters import Cluster
from conflictkit.builders.extract.rule_based.provenance import evidence
from conflictkit.builders.extract.rule_based.wording import is_quoted
from conflictkit.builders.extract.text import Article

_SINCE = re.compile(r"\bsince (?:the (?:\w+ )?(?:fighting|clashes|assault|attack|offensive|"
                    r"violence)|(?:it|they|fighting) (?:began|started|erupted))\b", re.I)
_MONTH_OR_DIGIT = re.compile(r"\d|January|February|March|April|May|June|July|August|"
                             r"September|October|November|December")


def count_days_from_events(analysed: list[AnalysedSentence], published: date) -> None:
    """Date a sentence that counts days from the event told before it ("two days after the
    airstrike, militants attacked the camp"): the last day-precise act before it, plus the
    offset (never after publication)."""
    anchor: date | None = None
    for s in analysed:
        strong = any(t.strength >= 2 for t in s.triggers)
        if strong and not s.days and not is_quoted(s.sentence.text):
            relative = find_relative_days(s.sentence.text)
            s.unanchored = bool(relative) and anchor is None
            if relative and anchor is not None:
                day = anchor + timedelta(days=relative[0].offset)
                if day <= published:
                    s.days, s.precision = (day,), 1
                    s.date_mention = DateMention(relative[0].start, relative[0].end,
                                                 relative[0].text, (day,), 1)
        if s.triggers and s.days and s.precision == 1 and not s.date_is_statement:
            anchor = s.days[0]


def act_references(text: str, published: date) -> list[DateMention]:
    """Dates the text gives an act by name: "last week's shooting", "the events of July 7",
    "a June 2003 mob attack", "the killings last week"."""
    nouns = classify.act_nouns()
    out = []
    for mention in find_dates(text, published):
        if not mention.days and not mention.background:
            continue
        after = text[mention.end:mention.end + 60]
        before = text[max(0, mention.start - 40):mention.start]
        if re.match(rf"^(?:['’]s)?\s+(?:[\w-]+\s+){{0,2}}?(?:{nouns})\b", after, re.I) or \
                re.search(rf"\b(?:{nouns})\s+(?:(?:of|on|in)\s+)?(?:the\s+)?$", before, re.I):
            out.append(mention)
    return out


def date_by_the_story(events: list[AnalysedSentence], analysed: list[AnalysedSentence],
                      article: Article, published: date,
                      warnings: list[str]) -> list[AnalysedSentence]:
    """Acts told without a day in a report whose lead reports no act of its own but refers to
    one (an inquiry into "last week's shooting", a verdict over "the 2014 bus attack"): they
    are the act the report is about. The most precise date the report gives that act dates
    them ("the events of July 7" before "last week"); when the act is an old one they are
    background and not coded."""
    lead = [a for a in analysed if a.sentence.paragraph == 0]
    if not lead or any(a in events for a in lead) or not any(
            a.mentioned or (a.triggers and a.past) for a in lead):
        return events
    undated = [s for s in events if not s.days]
    if not undated:
        return events
    refs = [(a, m) for a in analysed for m in act_references(a.sentence.text, published)]
    recent = [(a, m) for a, m in refs if m.usable
              and (published - m.days[-1]).days <= BACKGROUND_AGE_DAYS]
    old = bool([m for _, m in refs if not m.usable]) or any(a.past for a in lead) or any(
        not m.usable for m in act_references(article.title or "", published))
    if not recent:
        if not old:
            return events
        warnings.append("not coded: acts told without a day in a report about an earlier "
                        "act (the lead refers to it as an old one)")
        return [s for s in events if s.days]

    def rank(ref: tuple[AnalysedSentence, DateMention]) -> tuple[int, int]:
        m = ref[1]
        explicit = bool(_MONTH_OR_DIGIT.search(m.text))
        return (m.precision, 0 if explicit else 1)

    best = min(rank(r) for r in recent)
    top = [r for r in recent if rank(r) == best]
    if len({r[1].days for r in top}) > 1:
        return events  # the report names two days for it: leave the acts undated
    source, mention = top[0]
    for s in undated:
        s.days, s.precision, s.date_mention = mention.days, mention.precision, mention
        s.date_sentence = source.sentence
    return events


def nth_day_of_fighting(cluster: Cluster, days: tuple[date, ...], precision: int
                        ) -> tuple[int, list[tuple[AnalysedSentence, Toll]]]:
    """(N, the running toll) when a battle's one known day is "the Nth day of fighting" and
    its paragraph gives a running total ("16 people have been killed since the assault
    began"): the total covers N days, so ACLED codes one event per day with the toll
    split. (0, []) otherwise."""
    if cluster.family != VIOLENT or len(days) != 1 or precision != 1:
        return 0, []
    told = [*cluster.sents, *cluster.context, *cluster.after]
    nth = next((n for s in told if (n := ordinal_day(s.sentence.text))), None)
    running = [(s, t) for s in told for t in s.tolls if t.count and (
        RUNNING_TOTAL.search(s.sentence.text) or _SINCE.search(s.sentence.text))]
    return (nth, running) if nth and running else (0, [])


def event_days(cluster: Cluster, published: date, review: list[str],
               provenance: dict[str, Evidence]
               ) -> tuple[tuple[date, ...], int, list[tuple[AnalysedSentence, Toll]]]:
    """An event's days and time precision (the publication date when the text gives none),
    with the evidence for its date and review notes; and the running toll when the days are
    those of "the Nth day of fighting"."""
    first = cluster.sents[0]
    days, precision = cluster.days, cluster.precision
    if cluster.inherited:
        review.append("event_date: the sentence gives no day; the day of the act told "
                      "just before it is used")
    if not days:
        days, precision = (published,), 2
        review.append("event_date: the article gives no date for the event; the "
                      "publication date is used (time_precision 2)")
    nth, running = nth_day_of_fighting(cluster, days, precision)
    if nth:
        days = tuple(days[0] - timedelta(days=nth - 1 - i) for i in range(nth))
        review.append(f"event_date: the text calls {days[-1]} day {nth} of the fighting and "
                      "gives a toll over all of it: one event per day")
    date_src = cluster.date_from or first
    if cluster.date_from and cluster.date_from.date_mention is not None:
        m = cluster.date_from.date_mention
        provenance["event_date"] = evidence(
            cluster.date_from.date_sentence or cluster.date_from.sentence, m.start, m.end,
            0.6 if m.statement or cluster.date_from.date_sentence else 0.85)
        if cluster.date_from.date_sentence is not None:
            review.append(f"event_date: the act is told without a day; the report dates "
                          f"it elsewhere ({m.text!r})")
    else:
        provenance["event_date"] = evidence(date_src.sentence, 0, 0, 0.3)
    return days, precision, running

