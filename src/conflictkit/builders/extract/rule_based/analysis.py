"""What one sentence says, read on its own: its acts, dates, tolls and actor mentions, and
whether it reports an event at all.

Every later step (grouping into events, dating, actors, places) works on these
`AnalysedSentence`s, so the filters that keep a trigger word from counting as an act (a frame, a
negation, a name, a quotation) live here, once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from conflictkit.builders.extract import classify
from conflictkit.builders.extract.actors import ActorMention, find_actor_mentions
from conflictkit.builders.extract.dates import DateMention, attached_to_act, find_dates
from conflictkit.builders.extract.fatalities import Toll, find_fatalities
from conflictkit.builders.extract.rule_based.wording import (
    in_a_name,
    inside_quotes,
    is_question,
    is_quoted,
)
from conflictkit.builders.extract.sentences import Sentence
from conflictkit.schema import vocab

# families of acts: only acts of one family are grouped into one event
VIOLENT = "violent"
DEMO = "demonstration"
STRATEGIC = "strategic"
DEMO_KINDS = {"protest", "Violent demonstration"}
STRATEGIC_KINDS = set(vocab.SUB_EVENT_TYPES["Strategic developments"])
BACKGROUND_AGE_DAYS = 45  # an act dated further back is recalled, not reported

RUNNING_TOTAL = re.compile(r"\b(?:have|has)\s+(?:\w+\s+)?(?:been\s+)?(?:killed|died|claimed)\b",
                           re.I)
# "75 people had been killed in fighting": a total over the fighting, not one act
_FIGHTING_TOTAL = re.compile(r"\bhad\s+been\s+killed\b[^.;]{0,60}\bin\s+(?:the\s+)?(?:fighting|"
                             r"clashes|violence|unrest)\b", re.I)
_SEIZURE_OBJECT = re.compile(
    r"^\s+(?:full\s+)?(?:control|the\s+(?:\w+\s+)?(?:town|city|village|base|district|area|"
    r"territory|capital|airport|province|region|border|outpost|positions?|barracks)|(?:the\s+|an?\s+)?"
    r"(?:\w+\s+)?(?:road|highway|bridge|checkpoint|crossing|port|oil field|mine)s?\b|(?:the\s+)?"
    r"[A-Z][\w-]+)")
_ONGOING = re.compile(r"\b(?:have|has|had)\s+(?:\w+ly\s+)?been\s+$", re.I)
_CLAUSE_BREAK = re.compile(r"[;:]|\s(?:but|while|whereas|meanwhile)\s|,\s+(?:and\s+)?(?:on|late|"
                           r"early)\s", re.I)
_DEATH_WORD = re.compile(r"\b(?:died|dead|deaths?|killed|lives|bodies|death toll)\b", re.I)


@dataclass
class AnalysedSentence:
    """A sentence with what it tells: the acts it reports (and those it only mentions), its
    dates and the one that dates its act, its tolls, its actor mentions and flags."""

    sentence: Sentence
    triggers: list[classify.Trigger]
    dates: list[DateMention]
    tolls: list[Toll]
    mentions: list[ActorMention]
    flags: classify.Flags
    family: str = VIOLENT
    days: tuple[date, ...] = ()
    precision: int = 1
    date_mention: DateMention | None = None
    date_is_statement: bool = False
    country: str | None = None
    unanchored: bool = False  # "two days after the explosion", the explosion not dated
    past: bool = False  # the date nearest the act is in the past ("an attack in May 2014")
    mentioned: list[classify.Trigger] = field(default_factory=list)  # acts framed, negated...
    date_sentence: Sentence | None = None  # the sentence its date comes from, when another


def is_strategic(family: str) -> bool:
    """Whether a family is a strategic development ("strategic:<sub-event type>")."""
    return family.startswith(STRATEGIC)


def family_of(triggers: list[classify.Trigger]) -> str:
    """violent, demonstration, or "strategic:<sub-event type>" (each kind of strategic
    development is an event of its own: an arrest is not a defused bomb)."""
    best = max(t.strength for t in triggers)
    strong = [t for t in triggers if t.strength == best]
    if any(t.kind in DEMO_KINDS for t in strong):
        return DEMO
    if all(t.kind in STRATEGIC_KINDS for t in strong):
        kind = min((t.kind for t in strong), key=classify.rank)
        return f"{STRATEGIC}:{kind}"
    return VIOLENT


def usable_triggers(sentence: str, triggers: list[classify.Trigger]) -> list[classify.Trigger]:
    """The trigger words that report an act: not a seizure of nothing, nor a word governed by a
    frame, negated, ongoing, part of a name or inside a quotation."""
    out = []
    frame_end: int | None = None
    for trig in triggers:
        if trig.kind == "seizure" and "control" not in trig.text.lower() \
                and not _SEIZURE_OBJECT.match(sentence[trig.end:trig.end + 50]):
            continue
        if frame_end is not None and not _CLAUSE_BREAK.search(sentence[frame_end:trig.start]):
            continue  # the frame still governs: "cleared him of killing nine in a massacre"
        if classify.framed_after(sentence[trig.end:trig.end + 60]):
            continue  # "the rally had been planned": no act yet
        if classify.negated(sentence[:trig.start]):
            continue  # "no arrests", "not one marcher was arrested": nothing happened
        if trig.text.lower().endswith("ing") and _ONGOING.search(sentence[:trig.start]):
            continue  # "supporters have been protesting": an ongoing activity, not one act
        if classify.framed(sentence[:trig.start]):
            frame_end = trig.end
            continue  # "cleared of killing", "an inquiry into the killing": no event of its own
        if trig.strength < 2 and in_a_name(sentence, trig.start):
            continue  # "the Dakar Rally", "the Tet Offensive": a name, not an act
        if trig.strength < 2 and inside_quotes(sentence, trig.start):
            continue  # a word inside a quotation ('"Peaceful protests are a hallmark"')
        out.append(trig)
    return out


def without(text: str, triggers: list[classify.Trigger]) -> str:
    """The text with the given trigger words blanked (a framed "protest" is no unrest)."""
    for trig in triggers:
        text = text[:trig.start] + " " * (trig.end - trig.start) + text[trig.end:]
    return text


def nearest_date(mentions: list[DateMention],
                 triggers: list[classify.Trigger]) -> DateMention | None:
    """The date nearest the sentence's strongest act, among dates that are not the day of a
    statement: "A court on Monday jailed three men for helping gunmen who attacked a bus in
    March 2014" dates the attack in 2014, not on Monday. None when no date is usable or past."""
    candidates = [d for d in mentions if not d.statement and not d.future
                  and (d.usable or d.background)]
    if not candidates or not triggers:
        return None
    best = max(t.strength for t in triggers)
    strong = [t for t in triggers if t.strength == best]

    def gap(d: DateMention, t: classify.Trigger) -> int:
        return t.start - d.end if d.end <= t.start else max(0, d.start - t.end)

    picks = [min(candidates, key=lambda d, t=t: gap(d, t)) for t in strong]
    return next((d for d in picks if d.usable), picks[0])


def analyse(sentence: Sentence, published: date) -> AnalysedSentence:
    """A sentence's acts, dates, tolls and mentions, with the day of its act when it gives one
    (the date touching the act, else the nearest one that is not a statement's)."""
    text = sentence.text
    found = classify.find_triggers(text)
    triggers = usable_triggers(text, found)
    analysed = AnalysedSentence(sentence, triggers,
                                find_dates(text, published) if found else [],
                                find_fatalities(text) if triggers else [],
                                find_actor_mentions(text) if triggers else [],
                                classify.sentence_flags(text))
    analysed.mentioned = [t for t in found if t not in triggers]
    if not triggers and _DEATH_WORD.search(text):  # "Two people died of their wounds."
        analysed.tolls = [t for t in find_fatalities(text) if t.count]
    if found and not triggers:
        nearest = nearest_date(analysed.dates, found)
        analysed.past = nearest is not None and not nearest.usable
    if triggers:
        analysed.family = family_of(triggers)
        if analysed.family == VIOLENT and classify.demonstration_context(
                without(text, [t for t in found if t not in triggers])) \
                and not any(t.kind == "Mob violence" for t in triggers):
            analysed.family = DEMO
        usable = [d for d in analysed.dates if d.usable]
        own = [d for d in usable if not d.statement] or usable
        attached = [d for d in usable if any(attached_to_act(text, d, t.start, t.end)
                                             for t in triggers)]
        nearest = None if attached else nearest_date(analysed.dates, triggers)
        if nearest is not None and not nearest.usable:
            analysed.past = True  # "sentenced on Monday over an attack in March 2014"
            own = []
        elif nearest is not None:
            own = [nearest]
        own = attached or own
        if own:
            analysed.date_mention = own[0]
            analysed.days, analysed.precision = own[0].days, own[0].precision
            analysed.date_is_statement = own[0].statement
    return analysed


def in_lead(s: AnalysedSentence) -> bool:
    """Whether a sentence is in the report's lead (its first paragraph)."""
    return s.sentence.paragraph == 0


def is_event(s: AnalysedSentence, published: date) -> bool:
    """Whether a sentence reports an act to code: not a question, undated speech, background,
    a running total, a habit or a hypothesis, nor an act dated long before publication."""
    if not s.triggers:
        return False
    text = s.sentence.text
    if is_question(text):
        return False
    if is_quoted(text) and not (s.days and s.precision == 1 and not s.date_is_statement):
        return False
    if s.date_mention is not None and s.precision >= 2 and not in_lead(s):
        return False  # "last month they bombed ...": background, unless it is the news
    if not s.days and not in_lead(s) and (RUNNING_TOTAL.search(text)
                                          or _FIGHTING_TOTAL.search(text)):
        return False  # "almost 50 people have been killed": a running total, not an act
    if not s.days and s.unanchored:
        return False  # "arrested two days after the explosion": dated by an undated act
    if not s.days and s.past:
        return False  # the date nearest the act is an old one
    strong = any(t.strength >= 2 for t in s.triggers)
    # a word that needs a date to be an act ("the rally") takes the day of an act, not the
    # day something was said or planned about it ("the rally had been planned on Friday")
    has_date = bool(s.days) and (strong or not s.date_is_statement)
    has_toll = any(t.count > 0 for t in s.tolls)
    dated_only_past = s.dates and all((d.background or d.future) for d in s.dates)
    if dated_only_past and not has_date:
        return False
    if s.flags.background and not has_date:
        return False
    if s.flags.habitual and not has_date:
        return False
    if s.flags.hypothetical and not (has_toll or has_date):
        return False
    if has_date and not s.date_is_statement and \
            (published - max(s.days)).days > BACKGROUND_AGE_DAYS and s.precision == 1:
        return False  # an older event recalled as background
    return strong or has_toll or has_date
