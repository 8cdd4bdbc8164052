"""The default extractor: rules and pattern tables, no network, no model.

Steps, each in its own module: sentences with triggers (classify), dates (dates), death tolls
(fatalities), actors (actors) and places (places). Event sentences are grouped into events the
way ACLED counts them: one interaction on one day at one place is one event, coded at the higher
type; sentences without a date of their own join the event they describe. An event over several
days becomes one event per day with its toll split (the remainder on the first day).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from conflictkit.builders.extract import classify, sources
from conflictkit.builders.extract._data import table, words
from conflictkit.builders.extract.actors import (
    ActorMention,
    ActorResolver,
    contingent,
    find_actor_mentions,
    forget_mentions,
    mission_of,
)
from conflictkit.builders.extract.base import CandidateEvent, Evidence, Extraction
from conflictkit.builders.extract.dates import (
    DateMention,
    attached_to_act,
    find_dates,
    find_relative_days,
    ordinal_day,
)
from conflictkit.builders.extract.fatalities import (
    Toll,
    event_fatalities,
    find_fatalities,
    parse_number,
    split_over_days,
)
from conflictkit.builders.extract.places import (
    Location,
    PlaceFinder,
    town_before_region,
    unknown_place,
    vague_place,
)
from conflictkit.builders.extract.sentences import Sentence
from conflictkit.builders.extract.text import Article
from conflictkit.schema import vocab

VIOLENT = "violent"
DEMO = "demonstration"
STRATEGIC = "strategic"
_DEMO_KINDS = {"protest", "Violent demonstration"}
_STRATEGIC_KINDS = set(vocab.SUB_EVENT_TYPES["Strategic developments"])
_PASSIVE = re.compile(r"\b(?:was|were|been|being|be|got|is|are)\s+(?:\w+ly\s+)?$", re.I)
_BY = re.compile(r"\b(?:by|blamed on|claimed by|carried out by|from)\s+(?:the\s+|an?\s+)?$",
                 re.I)
_TARGET_PREP = re.compile(
    r"\b(?:against|on|targeting|targeted|at|fighting|attacking|with|hitting|struck|hit|"
    r"killing|killed|kill|on)\s+(?:the\s+|a\s+|an\s+)?(?:\w+\s+){0,2}$", re.I)
_STATEMENT_AFTER = re.compile(
    r"^\s*(?:\([^)]*\)\s*)?(?:also\s+)?(?:has\s+|had\s+|have\s+)?(?:said|says|say|told|claimed|"
    r"reported|announced|stated|accused|alleged|confirmed|denied)\b(?!\s+(?:it|they)\b)", re.I)
_SEIZURE_OBJECT = re.compile(
    r"^\s+(?:full\s+)?(?:control|the\s+(?:\w+\s+)?(?:town|city|village|base|district|area|"
    r"territory|capital|airport|province|region|border|outpost|positions?|barracks)|(?:the\s+|an?\s+)?"
    r"(?:\w+\s+)?(?:road|highway|bridge|checkpoint|crossing|port|oil field|mine)s?\b|(?:the\s+)?"
    r"[A-Z][\w-]+)")
_RUNNING_TOTAL = re.compile(r"\b(?:have|has)\s+(?:\w+\s+)?(?:been\s+)?(?:killed|died|claimed)\b",
                            re.I)
# "75 people had been killed in fighting": a total over the fighting, not one act
_FIGHTING_TOTAL = re.compile(r"\bhad\s+been\s+killed\b[^.;]{0,60}\bin\s+(?:the\s+)?(?:fighting|"
                             r"clashes|violence|unrest)\b", re.I)
_SINCE = re.compile(r"\bsince (?:the (?:\w+ )?(?:fighting|clashes|assault|attack|offensive|"
                    r"violence)|(?:it|they|fighting) (?:began|started|erupted))\b", re.I)
_STATE_NAME_RE = re.compile(r"^(?:(?:Military|Police) Forces of|Government of)\s")
_CLAIM_WORD = re.compile(r"claim|blame|accuse|believed|thought|suspected|said to", re.I)
_CONTINGENT_WORD = re.compile(r"peace-?keep|soldier|troops|forces|contingent", re.I)
_BARE_FORCES = re.compile(r"(?:soldiers?|troops|forces|police(?:men)?|officers|personnel|"
                          r"peace-?keepers|servicem[ae]n)", re.I)
_POSSESSIVE = re.compile(r"\b(?:its|their)\s+(?:own\s+)?$", re.I)
_OPEN_FIRE = re.compile(r"\bopen(?:ed|ing|s)? fire\b", re.I)
_DIED = re.compile(r"^\s+(?:\w+\s+)?(?:had\s+|have\s+|has\s+)?(?:died|perished|lost their lives)\b",
                   re.I)
_ONGOING = re.compile(r"\b(?:have|has|had)\s+(?:\w+ly\s+)?been\s+$", re.I)
_LIST_JOIN = re.compile(r"^\s*(?:[A-Z]\.(?:[A-Z]\.)+)?\s*(?:,|;)?\s*(?:and\s+|or\s+|as well as\s+)?"
                        r"(?:(?:\d[\d,.]*|\w+)\s+(?:(?:people|killed|dead|died)\s+)?)?"
                        r"(?:(?:in|at)\s+)?$")
_BARE_COUNT_BEFORE_PLACE = re.compile(
    r"(?:,|\band)\s+(?P<n>\d[\d,]*|[a-z]+(?:-[a-z]+)?)\s+(?:in|at)\s+$")
_TOLL_BEFORE_PLACE = re.compile(r"^[\s\w]{0,30}?\b(?:in|at)\s+$")
_SITES = (r"(camp|village|market|school|mosque|church|hospital|stadium|prison|base|checkpoint|"
          r"university|courthouse|square|airport|compound|barracks|station|town)")
_SITE_NAMED = re.compile(rf"\b(?:the|a|an)\s+(?:[\w-]+\s+){{0,2}}?{_SITES}s?\b", re.I)
_SITE = re.compile(rf"\b{_SITES}s?\s+(?:in|at|of|near|outside)\s+(?:the\s+)?$", re.I)
_PERSON_OF = re.compile(r"\b(?:[A-Z][\w'’-]+\s+)+(?:of|from)\s+$")  # "Bob Bland of Dorvik"
_CLAUSE_BREAK = re.compile(r"[;:]|\s(?:but|while|whereas|meanwhile)\s|,\s+(?:and\s+)?(?:on|late|"
                           r"early)\s", re.I)
_NOT_NAMES = words(
    "A An The He She They It His Her Their Its We I Police Officers Authorities Security Troops "
    "Soldiers Army Military Government Monday Tuesday Wednesday Thursday Friday Saturday Sunday "
    "January February March April May June July August September October November December "
    "Today Yesterday Earlier Later Also One Two Three Four Five Six Seven Eight Nine Ten "
    "Several Many Some Dozens Hundreds Thousands Most All Both")
ARMED = {1, 2, 3, 4, 8}
BACKGROUND_AGE_DAYS = 45  # an act dated further back is recalled, not reported
OWN_COUNTRY_EVIDENCE = 2.0  # a locative country name (3) or a big town after a cue (2)
STORY_SENTENCES = 6  # an undated act this close after a dated one is told as part of its day
OTHER_COUNTRY_SHARE = 0.25  # of the article's top country score, for a sentence's own country


@dataclass
class _Sent:
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


@dataclass
class _Cluster:
    family: str
    sents: list[_Sent] = field(default_factory=list)
    days: tuple[date, ...] = ()
    precision: int = 1
    date_from: _Sent | None = None
    place: str | None = None
    country: str | None = None
    separate: bool = False  # an act told only "across the country": never merged
    inherited: bool = False  # dated by the story it is told in, not by its own sentence
    context: list[_Sent] = field(default_factory=list)  # other sentences of its paragraphs
    after: list[_Sent] = field(default_factory=list)  # tolls told in the paragraph after


def _family(triggers: list[classify.Trigger]) -> str:
    """violent, demonstration, or "strategic:<sub-event type>" (each kind of strategic
    development is an event of its own: an arrest is not a defused bomb)."""
    best = max(t.strength for t in triggers)
    strong = [t for t in triggers if t.strength == best]
    if any(t.kind in _DEMO_KINDS for t in strong):
        return DEMO
    if all(t.kind in _STRATEGIC_KINDS for t in strong):
        kind = min((t.kind for t in strong), key=classify.rank)
        return f"{STRATEGIC}:{kind}"
    return VIOLENT


_PERSON = r"(?P<name>(?:[A-Z][\w'’.-]+\s+){0,2}[A-Z][\w'’-]+)"
_OPPOSITION_PERSON = re.compile(rf"\bopposition\s+(?:leader|figure|politician|activist|"
                                rf"chief|candidate|lawmaker|MP)\s+{_PERSON}")
_PERSON_EVENTS = ("Arrests", "Abduction/forced disappearance")


def person_names(text: str, start: int, end: int) -> list[str]:
    """The names of people an act is done to ("Dorsk was arrested", "police detained
    opposition leader Ilan Dorsk")."""
    out = []
    before = re.search(rf"{_PERSON}(?:,[^,;]{{1,80}},)?\s+(?:was|were|has been|had been|is)\s+"
                       r"(?:\w+\s+)?$", text[max(0, start - 140):start])
    if before:
        out.append(before["name"])
    after = re.match(rf"\s+(?:the\s+)?(?:[a-z][\w-]*\s+){{0,4}}?{_PERSON}", text[end:end + 80])
    if after:
        out.append(after["name"])
    demonyms = table("actors").get("demonyms") or {}
    return [n for n in out if n.split()[-1] not in _NOT_NAMES and n.split()[0] not in _NOT_NAMES
            and n.split()[0] not in demonyms]


def affiliated_people(text: str, org: ActorMention) -> list[str]:
    """People a sentence ties to an organisation mention: "X, the secretary general of ORG",
    "the secretary-general of ORG, X", "ORG leader X"."""
    out = []
    before = re.search(rf"{_PERSON},\s+(?:the\s+|a\s+)?(?:[\w-]+\s+){{0,4}}?(?:of|from)\s+"
                       r"(?:the\s+)?$", text[max(0, org.start - 120):org.start])
    if before:
        out.append(before["name"])
    after = re.match(rf"(?:\s*\([^)]*\))?,\s+{_PERSON}\s*[,.]", text[org.end:org.end + 60])
    if after and re.search(r"\bof\s+(?:the\s+)?$", text[max(0, org.start - 10):org.start]):
        out.append(after["name"])
    title = re.match(rf"(?:['’]s)?\s+(?:[a-z][\w-]*\s+){{1,3}}{_PERSON}",
                     text[org.end:org.end + 60])
    if title:
        out.append(title["name"])
    return [n for n in out if n.split()[-1] not in _NOT_NAMES]


def cluster_toll_group(cluster: _Cluster) -> str | None:
    """The victim group of the event's largest toll ("civilian" for "killed 100 civilians")."""
    tolls = [t for s in cluster.sents for t in s.tolls if t.count and not t.subset]
    return max(tolls, key=lambda t: t.count).group if tolls else None


def owner_of(text: str, m: ActorMention, mentions: list[ActorMention]) -> ActorMention | None:
    """The actor a possessive points back to: in "the Burundian army said four of its
    soldiers were killed" the soldiers are the Burundian army's, not the country's."""
    if m.kind not in ("state", "alias") or m.home is not None or not _BARE_FORCES.fullmatch(
            m.text) or not _POSSESSIVE.search(text[max(0, m.start - 12):m.start]):
        return None
    earlier = [o for o in mentions if o.end <= m.start and o.kind in ("state", "alias", "role")
               and not o.victim]
    return earlier[-1] if earlier else None


def armed_patient(roles: list, s: _Sent) -> bool:
    """Whether the sentence's act has an armed target (soldiers, police, a rebel group)."""
    return any(r[1] == "patient" and r[2] is s and r[5] in ARMED and not r[3].weak
               for r in roles)


def claim_covers(cluster: _Cluster, claim: _Sent) -> bool:
    """Whether a claim of responsibility is about this event: it is told in the event's
    paragraph, or the event is the report's lead act (not "another attack" told later)."""
    paragraphs = {s.sentence.paragraph for s in cluster.sents}
    return claim.sentence.paragraph in paragraphs or 0 in paragraphs


def is_strategic(family: str) -> bool:
    return family.startswith(STRATEGIC)


def folds_into(strategic: _Cluster, main: _Cluster, s: _Sent) -> bool:
    """Whether a sentence of a strategic development is part of an act told beside it
    (`folds_into` in the events table: arrests at a protest make it a protest with
    intervention): the same day (or none), the same place (or none), the same paragraph."""
    kind = strategic.family.split(":", 1)[1]
    if main.family not in classify.folds_into(kind) or classify.unplaced(s.sentence.text):
        return False  # "arrests were made across the country": not this protest's
    if s.days and main.days and not set(s.days) & set(main.days):
        return False
    if strategic.place and main.place and strategic.place != main.place:
        return False
    return s.sentence.paragraph in {m.sentence.paragraph for m in main.sents}


def _usable_triggers(sentence: str, triggers: list[classify.Trigger]) -> list[classify.Trigger]:
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


_NAMED_BEFORE = re.compile(
    r"(?:^|[^.;])\b(?:[A-Z][\w'’.-]+\s+){0,3}[A-Z][\w'’.-]+(?:,[^,;]{1,80},)?\s+(?:was|were|"
    r"has been|had been|have been|is|are|being)\s+(?:\w+\s+)?$")
_NAMED_AFTER = re.compile(r"^\s+(?:the\s+)?(?:[a-z][\w-]*\s+){0,4}?(?P<name>[A-Z][\w'’.-]+)")


def names_a_person(sentence: str, start: int, end: int) -> bool:
    """Whether an act is done to someone named ("Dorvik was arrested", "police detained
    opposition leader Ilan Dorsk"): a capitalised name, not a day, month or stop word,
    right before a passive verb or right after the act."""
    before = _NAMED_BEFORE.search(sentence[max(0, start - 140):start])
    if before:
        words = re.findall(r"[A-Z][\w'’.-]+", before.group(0))
        if any(w not in _NOT_NAMES for w in words):
            return True
    after = _NAMED_AFTER.match(sentence[end:end + 60])
    return bool(after and after["name"] not in _NOT_NAMES)


def follow_up_arrest(cluster: _Cluster, main: list[_Cluster]) -> bool:
    """Arrests told without a day of their own and of no one named, in a report of an act of
    violence or a demonstration ("police have arrested four people"): the investigation's
    follow-up, not an event ACLED codes. Arrests of a named person, or dated ones, are."""
    if cluster.family != f"{STRATEGIC}:Arrests" or cluster.days or not main:
        return False
    return not any(names_a_person(s.sentence.text, t.start, t.end)
                   for s in cluster.sents for t in s.triggers if t.kind == "Arrests")


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


def date_by_the_story(events: list[_Sent], analysed: list[_Sent], article: Article,
                      published: date, warnings: list[str]) -> list[_Sent]:
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

    def rank(ref: tuple[_Sent, DateMention]) -> tuple[int, int]:
        m = ref[1]
        explicit = bool(re.search(r"\d|January|February|March|April|May|June|July|August|"
                                  r"September|October|November|December", m.text))
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


_UNREST_KINDS = {"violence", "Armed clash"}
_DEATH_WORD = re.compile(r"\b(?:died|dead|deaths?|killed|lives|bodies|death toll)\b", re.I)


def absorb_unrest(clusters: list[_Cluster]) -> list[_Cluster]:
    """Deaths told with no actor beside a demonstration, in its paragraph and on its day
    ("Police opened fire on the marchers. Three people were killed in the clashes."), are the
    demonstration's: one event at the protest's type, not a separate attack."""
    demos = [c for c in clusters if c.family == DEMO]
    out = []
    for cluster in clusters:
        if cluster.family == VIOLENT and demos and all(
                all(m.victim or m.weak for m in s.mentions)
                and all(t.kind in _UNREST_KINDS for t in s.triggers) for s in cluster.sents):
            paragraphs = {s.sentence.paragraph for s in cluster.sents}
            host = next((d for d in demos if d.country == cluster.country
                         and (not cluster.days or not d.days or set(cluster.days) & set(d.days))
                         and paragraphs & {s.sentence.paragraph for s in d.sents}), None)
            if host is not None:
                host.sents.extend(cluster.sents)
                host.sents.sort(key=lambda s: s.sentence.index)
                continue
        out.append(cluster)
    return out


def assign_context(clusters: list[_Cluster], analysed: list[_Sent]) -> None:
    """Each cluster's context: the other sentences of its paragraphs that mention an act (even
    a framed one) or a toll and belong to no event, on its day or undated; and the tolls told
    so in the paragraph after ("At least 16 people have been killed since it began")."""
    taken = {id(s) for c in clusters for s in c.sents}
    for cluster in clusters:
        paragraphs = {s.sentence.paragraph for s in cluster.sents}
        beside = [a for a in analysed if id(a) not in taken
                  and (a.triggers or a.mentioned or a.tolls)
                  and not classify.unplaced(a.sentence.text)  # "across the country": elsewhere
                  and (not a.days or not cluster.days or set(a.days) & set(cluster.days))]
        cluster.context = [a for a in beside if a.sentence.paragraph in paragraphs]
        cluster.after = [a for a in beside if a.tolls and a.sentence.paragraph - 1 in paragraphs
                         and a.sentence.paragraph not in paragraphs]
        for a in cluster.context:
            if not a.mentions:
                a.mentions = find_actor_mentions(a.sentence.text)


def told_after(cluster: _Cluster, dated: list[_Cluster]) -> _Cluster | None:
    """The dated act an undated one is told after in the same paragraph ("Four bombs went off
    at the temple yesterday. Three other bombs were found and defused."): its day is the
    undated act's day, whatever kind of act each is."""
    first = cluster.sents[0].sentence
    best: tuple[int, _Cluster] | None = None
    for other in dated:
        if other is cluster or other.country != cluster.country or other.precision != 1:
            continue
        for s in other.sents:
            here = s.sentence
            if s.days and here.paragraph == first.paragraph and here.index < first.index \
                    and (best is None or here.index > best[0]):
                best = (here.index, other)
    return best[1] if best else None


def count_days_from_events(analysed: list[_Sent], published: date) -> None:
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


def _without(text: str, triggers: list[classify.Trigger]) -> str:
    """The text with the given trigger words blanked (a framed "protest" is no unrest)."""
    for trig in triggers:
        text = text[:trig.start] + " " * (trig.end - trig.start) + text[trig.end:]
    return text


def inside_quotes(sentence: str, start: int) -> bool:
    """Whether a position falls inside a quotation opened in the same sentence."""
    before = sentence[:start]
    opened = before.count("“") - before.count("”")
    straight = before.count('"')
    return opened > 0 or straight % 2 == 1


def in_a_name(sentence: str, start: int) -> bool:
    """Whether a word written with a capital inside a sentence is part of a name."""
    return start > 0 and sentence[start].isupper() and not re.search(r"[.!?:\"“]\s*$",
                                                                     sentence[:start])


def is_question(sentence: str) -> bool:
    """A question reports nothing ("How will I forgive those who killed my sons?")."""
    return sentence.rstrip(" \"'”’)").endswith("?")


def is_quoted(sentence: str) -> bool:
    """Direct speech: the sentence opens with a quotation mark, closes a quotation opened in an
    earlier sentence, or is a quote with its speaker after it ('"...," he added.'). Speech
    reports an event only when it dates it itself."""
    text = sentence.strip()
    closing = text.endswith(("\"", "”")) and not re.search(r"[\"“]\S", text[:-1])
    speaker = re.search(r"[,.!?][\"”’']\s+(?:\w+\s+){0,4}(?:said|added|says|told|asked)\b",
                        text)
    return closing or text[:1] in "\"“‘'" or bool(speaker)


class RuleBasedExtractor:
    """Pattern tables plus the reference data; see the module docstring."""

    name = "rules"

    def __init__(self, registry: Any = None, gazetteer: Any = None, *,
                 load_reference: bool = True) -> None:
        if load_reference and registry is None:
            from conflictkit.reference.actors import ActorRegistry

            registry = ActorRegistry.default()
        index = None  # the gazetteer itself is read only to build the town index's cache
        if load_reference:
            from conflictkit.builders.extract.placeindex import PlaceIndex

            index = PlaceIndex.default()
        self.actors = ActorResolver(registry)
        self.places = PlaceFinder(gazetteer, index)
        self._contingents: set[str] = set()
        self._analysed: list[_Sent] = []
        self._affiliation_memo: dict[str, tuple] | None = None

    # ---- the pipeline -----------------------------------------------------------------------

    def extract(self, article: Article) -> Extraction:
        warnings = list(article.warnings)
        published = article.published
        if published is None:
            published = date.today()
            warnings.append("no publication date (give --published or a 'date:' header): "
                            f"relative dates were resolved against today, {published}")
        if any("English" in w for w in article.warnings):
            return Extraction(article, [], warnings, self.name)
        forget_mentions()
        analysed = [self._analyse(s, published) for s in article.sentences]
        count_days_from_events(analysed, published)
        events_sents = [a for a in analysed if self._is_event(a, published)]
        events_sents = date_by_the_story(events_sents, analysed, article, published, warnings)
        if not events_sents:
            warnings.append("no event found: no sentence reports an act of political violence, "
                            "a demonstration or a strategic development")
            return Extraction(article, [], warnings, self.name)
        self._lower = lower_words(article)
        self.places.new_article()
        country, self._scores = self._country(article, analysed, events_sents)
        if country is None:
            warnings.append("no country could be told from the text: events are left without "
                            "a country for review")
        told_in: dict[int, str] = {}  # paragraph -> the country its sentences place acts in
        for s in events_sents:
            own = self._sentence_country(s)
            if own:
                told_in[s.sentence.paragraph] = own
            s.country = own or told_in.get(s.sentence.paragraph) or country
        if country is not None:
            self.places.learn_parts([s.text for s in article.sentences], country, self._lower)
        self._contingents = self._named_contingents(analysed, country, published)
        self._analysed, self._affiliation_memo = analysed, None
        clusters = absorb_unrest(self._cluster(events_sents, article, country))
        assign_context(clusters, analysed)
        placed = []
        for cluster in clusters:
            if self._unplaced(cluster):
                warnings.append("not coded: an act the article places only everywhere ("
                                f"{cluster.sents[0].sentence.text[:80]!r}...)")
                continue
            placed.append(cluster)
        clusters = placed
        events: list[CandidateEvent] = []
        for cluster in clusters:
            events.extend(self._events_of(cluster, article, cluster.country or country,
                                          published, analysed))
        return Extraction(article, events, warnings, self.name)

    def _analyse(self, sentence: Sentence, published: date) -> _Sent:
        text = sentence.text
        found = classify.find_triggers(text)
        triggers = _usable_triggers(text, found)
        analysed = _Sent(sentence, triggers, find_dates(text, published) if found else [],
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
            analysed.family = _family(triggers)
            if analysed.family == VIOLENT and classify.demonstration_context(
                    _without(text, [t for t in found if t not in triggers])) \
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

    def _is_event(self, s: _Sent, published: date) -> bool:
        if not s.triggers:
            return False
        text = s.sentence.text
        if is_question(text):
            return False
        if is_quoted(text) and not (s.days and s.precision == 1 and not s.date_is_statement):
            return False
        if s.date_mention is not None and s.precision >= 2 and not self._in_lead(s):
            return False  # "last month they bombed ...": background, unless it is the news
        if not s.days and not self._in_lead(s) and (_RUNNING_TOTAL.search(text)
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

    @staticmethod
    def _in_lead(s: _Sent) -> bool:
        """Whether a sentence is in the report's lead (its first paragraph)."""
        return s.sentence.paragraph == 0

    def _country(self, article: Article, analysed: list[_Sent],
                 events: list[_Sent]) -> tuple[str | None, dict[str, float]]:
        """The article's country (and every country's score): places and country names, event
        sentences counting double."""
        pieces: list[tuple[str, float]] = []
        event_ids = {id(s) for s in events}
        for s in analysed:
            pieces.append((s.sentence.text, 2.0 if id(s) in event_ids else 1.0))
        if article.title:
            pieces.append((article.title, 1.5))
        scores = self.places.country_scores(pieces, article.dateline, self._lower)
        if not scores:
            return None, scores
        return max(scores.items(), key=lambda kv: kv[1])[0], scores

    def _sentence_country(self, s: _Sent) -> str | None:
        """A country the sentence itself places its event in ("in Iraq", "in east Athens"), when
        the article as a whole is partly about it too (a round-up of several countries' news;
        not "the Hamas leader in Doha" in a report from Gaza)."""
        scores = self.places.country_scores([(s.sentence.text, 1.0)], None, self._lower)
        top = max(self._scores.values(), default=0.0)
        strong = {c: v for c, v in scores.items() if v >= OWN_COUNTRY_EVIDENCE
                  and self._scores.get(c, 0.0) >= OTHER_COUNTRY_SHARE * top}
        if not strong:
            return None
        best = max(strong.items(), key=lambda kv: kv[1])[0]
        home = max(self._scores.items(), key=lambda kv: kv[1])[0] if self._scores else None
        text = s.sentence.text
        if home and best != home and not any(c == best for _, _, c, _ in
                                             self.places.country_mentions(text)) \
                and any(m.kind == "town" and m.towns for m in self.places.find(
                    text, home, [], self._lower)):
            return None  # "near the town of Bali": the article's country has a Bali too
        return best

    def _place_key(self, s: _Sent, country: str | None) -> str | None:
        if country is None:
            return None
        exclude = [(m.start, m.end) for m in s.mentions]
        for match in self.places.find(s.sentence.text, country, exclude, self._lower):
            if match.kind == "town" and match.cue:
                return match.towns[0].name if match.towns else match.text
        named = unknown_place(s.sentence.text)  # "the village of X": a place all the same
        return named[2] if named else None

    def _cluster(self, sents: list[_Sent], article: Article,
                 country: str | None) -> list[_Cluster]:
        clusters: list[_Cluster] = []
        for s in sents:
            place = self._place_key(s, s.country)
            home = None
            # an act told only "across the country" is about elsewhere, not this cluster's place
            separate = classify.unplaced(s.sentence.text) and place is None
            for cluster in clusters:
                if separate or cluster.family != s.family or cluster.country != s.country:
                    continue
                same_day = not s.days or not cluster.days or set(s.days) & set(cluster.days) \
                    or (s.date_is_statement and cluster.date_from is not None)
                same_place = place is None or cluster.place is None or place == cluster.place
                if same_day and same_place:
                    home = cluster
                    break
            if home is None:
                home = _Cluster(s.family, country=s.country, separate=separate)
                clusters.append(home)
            home.sents.append(s)
            if s.days and (not home.days or (home.date_from is not None
                                             and home.date_from.date_is_statement
                                             and not s.date_is_statement)):
                home.days, home.precision, home.date_from = s.days, s.precision, s
            elif s.days and set(s.days) - set(home.days) and not s.date_is_statement:
                home.days = tuple(sorted(set(home.days) | set(s.days)))
            if place and home.place is None:
                home.place = place
        # a strategic development is its own event unless it is part of an act told beside it
        # (arrests at a protest in the protest's paragraph)
        main = [c for c in clusters if not is_strategic(c.family)]
        kept = []
        for cluster in clusters:
            if is_strategic(cluster.family):
                for s in list(cluster.sents):
                    host = next((m for m in main if m.country == cluster.country
                                 and folds_into(cluster, m, s)), None)
                    if host is not None:
                        host.sents.append(s)
                        host.sents.sort(key=lambda x: x.sentence.index)
                        cluster.sents.remove(s)
                if not cluster.sents:
                    continue
                if cluster.date_from is not None and cluster.date_from not in cluster.sents:
                    dated = [x for x in cluster.sents if x.days]
                    cluster.date_from = dated[0] if dated else None
                    cluster.days = dated[0].days if dated else ()
                    cluster.precision = dated[0].precision if dated else 1
            kept.append(cluster)
        clusters = [c for c in kept if not follow_up_arrest(c, main)]
        # undated clusters of the same family as a dated one describe it (protests told
        # without a day in other towns are that day's protests there, split by place later)
        dated = [c for c in clusters if c.days]
        merged: list[_Cluster] = []
        for cluster in clusters:
            target = next((d for d in dated if d is not cluster and d.family == cluster.family
                           and d.country == cluster.country and not cluster.separate
                           and not cluster.days and (cluster.place is None or d.place is None
                                                     or d.place == cluster.place
                                                     or cluster.family == DEMO)), None)
            if target is not None:
                target.sents.extend(cluster.sents)
                target.sents.sort(key=lambda s: s.sentence.index)
                continue
            story = next((d for d in dated if d.family == cluster.family
                          and d.country == cluster.country and not cluster.days
                          and not cluster.separate and cluster.place is not None
                          and d.sents[0].sentence.index < cluster.sents[0].sentence.index
                          <= d.sents[-1].sentence.index + STORY_SENTENCES), None)
            if story is None and not cluster.days and not cluster.separate:
                story = told_after(cluster, dated)
            if story is not None:  # the same day's act at another place, told within the story
                cluster.days, cluster.precision = story.days, story.precision
                cluster.date_from, cluster.inherited = story.date_from, True
            merged.append(cluster)
        return merged

    # ---- one cluster -> events ----------------------------------------------------------------

    def _events_of(self, cluster: _Cluster, article: Article, country: str | None,
                   published: date, analysed: list[_Sent]) -> list[CandidateEvent]:
        review: list[str] = []
        provenance: dict[str, Evidence] = {}
        first = cluster.sents[0]
        days, precision = cluster.days, cluster.precision
        if cluster.inherited:
            review.append("event_date: the sentence gives no day; the day of the act told "
                          "just before it is used")
        if not days:
            days, precision = (published,), 2
            review.append("event_date: the article gives no date for the event; the "
                          "publication date is used (time_precision 2)")
        nth, running = self._nth_day_of_fighting(cluster, days, precision)
        if nth:
            days = tuple(days[0] - timedelta(days=nth - 1 - i) for i in range(nth))
            review.append(f"event_date: the text calls {days[-1]} day {nth} of the fighting and "
                          "gives a toll over all of it: one event per day")
        date_src = cluster.date_from or first
        if cluster.date_from and cluster.date_from.date_mention is not None:
            m = cluster.date_from.date_mention
            provenance["event_date"] = _evidence(
                cluster.date_from.date_sentence or cluster.date_from.sentence, m.start, m.end,
                0.6 if m.statement or cluster.date_from.date_sentence else 0.85)
            if cluster.date_from.date_sentence is not None:
                review.append(f"event_date: the act is told without a day; the report dates "
                              f"it elsewhere ({m.text!r})")
        else:
            provenance["event_date"] = _evidence(date_src.sentence, 0, 0, 0.3)
        year = days[0].year
        when = days[0]  # a state's period can change within a year

        roles = self._roles(cluster, country, when)
        if cluster.family == VIOLENT:
            roles.extend(r for r in self._claims(analysed, country, when)
                         if claim_covers(cluster, r[2]))
        sub_event, type_src = self._sub_event(cluster, roles, country)
        actor1, actor2, assoc1, assoc2 = self._pick_actors(cluster, roles, sub_event, country,
                                                           when, review)
        event_type = vocab.EVENT_TYPE_OF_SUB_EVENT[sub_event]
        provenance["event_type"] = provenance["sub_event_type"] = _evidence(
            type_src.sentence if type_src else first.sentence,
            *(self._trigger_span(type_src, sub_event) if type_src else (0, 0)), 0.7)
        for column, chosen in (("actor1", actor1), ("actor2", actor2)):
            if chosen is not None:
                provenance[column] = _evidence(chosen[2].sentence, chosen[3].start,
                                               chosen[3].end, chosen[4])

        tolls = running or credible_tolls(
            [*cluster.sents, *(c for c in cluster.context if c.tolls and not c.triggers)])
        best = event_fatalities([t for _, t in tolls])
        fatalities = best.count if best else 0
        if best is not None:
            main = best.parts[0] if best.parts else best
            src = next(s for s, t in tolls if t is main)
            provenance["fatalities"] = _evidence(src.sentence, best.start, best.end,
                                                 0.6 if best.vague else 0.8)
            review.extend(toll_notes(best, [t for _, t in tolls]))
        else:
            provenance["fatalities"] = _evidence(first.sentence, 0, 0, 0.4)

        location = self._location(cluster, article, country, analysed, review)
        if location.sentence is not None and location.span:
            provenance["location"] = _evidence(location.sentence, *location.span,
                                               location.confidence)
        elif location.span and article.dateline_span:
            provenance["location"] = Evidence(article.dateline or "",
                                              article.dateline_span[0],
                                              article.dateline_span[1], location.confidence)
        if location.review:
            review.append(location.review)
        if country is None:
            review.append("country: not identified")

        inter1 = actor1[1] if actor1 else None
        inter2 = actor2[1] if actor2 else None
        fields: dict[str, Any] = {
            "event_date": None,
            "year": year,
            "time_precision": precision,
            "disorder_type": vocab.DISORDER_TYPE_OF_SUB_EVENT[sub_event],
            "event_type": event_type,
            "sub_event_type": sub_event,
            "actor1": actor1[0] if actor1 else None,
            "assoc_actor_1": vocab.LIST_SEPARATOR.join(assoc1) or None,
            "inter1": vocab.INTER_LABELS.get(inter1) if inter1 else None,
            "actor2": actor2[0] if actor2 else None,
            "assoc_actor_2": vocab.LIST_SEPARATOR.join(assoc2) or None,
            "inter2": vocab.INTER_LABELS.get(inter2) if inter2 else None,
            "interaction": None,
            "civilian_targeting": None,
            "country": country,
            "admin1": location.admin1,
            "admin2": location.admin2,
            "location": location.location,
            "latitude": location.latitude,
            "longitude": location.longitude,
            "geo_precision": location.geo_precision,
            "source": sources.source_field(article),
            "source_scale": sources.source_scale(article),
            "notes": None,
            "fatalities": fatalities,
        }
        if actor1 is None:
            review.append("actor1: no actor could be named from the text")
        if inter1:
            fields["interaction"] = vocab.INTERACTION_LABELS[vocab.interaction_code(inter1,
                                                                                    inter2)]
        if (vocab.DISORDER_TYPE_OF_SUB_EVENT[sub_event] != vocab.STRATEGIC_DEVELOPMENTS
                and vocab.CIVILIANS_CODE in (inter1, inter2)
                and vocab.DISORDER_TYPE_OF_SUB_EVENT[sub_event] != vocab.DEMONSTRATIONS):
            fields["civilian_targeting"] = vocab.CIVILIAN_TARGETING
        for column, value in (("inter1", fields["inter1"]), ("inter2", fields["inter2"])):
            if value is None and fields[column.replace("inter", "actor")]:
                review.append(f"{column}: the registry does not know the actor type of "
                              f"{fields[column.replace('inter', 'actor')]!r}")
        note_sentence = (type_src or first).sentence
        out = []
        for where, total, place_review in self._per_place(cluster, country, fatalities, fields,
                                                          provenance, analysed):
            shares = split_over_days(total, len(days))
            for day, share in zip(days, shares, strict=True):
                one = dict(where)
                one["event_date"] = day
                one["year"] = day.year
                one["fatalities"] = share
                one["notes"] = sources.notes(day, note_sentence.text, share,
                                             len(days) > 1, precision)
                notes = list(review) + place_review
                if len(days) > 1:
                    notes.append(f"fatalities: {total} over {len(days)} days split evenly, "
                                 "the remainder on the first day")
                out.append(CandidateEvent(one, dict(provenance), notes))
        return out

    @staticmethod
    def _nth_day_of_fighting(cluster: _Cluster, days: tuple[date, ...],
                             precision: int) -> tuple[int, list[tuple[_Sent, Toll]]]:
        """(N, the running toll) when a battle's one known day is "the Nth day of fighting" and
        its paragraph gives a running total ("16 people have been killed since the assault
        began"): the total covers N days, so ACLED codes one event per day with the toll
        split. (0, []) otherwise."""
        if cluster.family != VIOLENT or len(days) != 1 or precision != 1:
            return 0, []
        told = [*cluster.sents, *cluster.context, *cluster.after]
        nth = next((n for s in told if (n := ordinal_day(s.sentence.text))), None)
        running = [(s, t) for s in told for t in s.tolls if t.count and (
            _RUNNING_TOTAL.search(s.sentence.text) or _SINCE.search(s.sentence.text))]
        return (nth, running) if nth and running else (0, [])

    def _per_place(self, cluster: _Cluster, country: str | None, fatalities: int,
                   fields: dict[str, Any], provenance: dict[str, Evidence],
                   analysed: list[_Sent]) -> list[tuple[dict[str, Any], int, list[str]]]:
        """(fields, toll, review) per place: one event per town an event sentence lists, each
        with the toll the text gives it ("four killed in A, two in B") or an even share."""
        listed = self._listed_places(cluster, country, analysed)
        if not listed:
            return [(fields, fatalities, [])]
        own: list[int | None] = []
        for match, s in listed:
            text = s.sentence.text
            toll = next((t for t in s.tolls if t.end <= match.start and _TOLL_BEFORE_PLACE.match(
                text[t.end:match.start])), None)
            bare = _BARE_COUNT_BEFORE_PLACE.search(text[:match.start])
            if toll is not None:
                own.append(toll.count)
            elif own and own[0] is not None and bare:  # "four killed in A, two in B"
                own.append(parse_number(bare["n"]))
            else:
                own.append(None)
        if all(v is not None for v in own):
            tolls = [int(v) for v in own]  # type: ignore[arg-type]
            note = "fatalities: as the text gives them place by place"
        else:
            tolls = split_over_days(fatalities, len(listed))
            note = f"fatalities: {fatalities} split evenly over {len(listed)} places"
        out = []
        for (match, s), toll in zip(listed, tolls, strict=True):
            loc = self.places.location_of(match, country or "", None)
            where = dict(fields, admin1=loc.admin1, admin2=loc.admin2, location=loc.location,
                         latitude=loc.latitude, longitude=loc.longitude,
                         geo_precision=loc.geo_precision)
            provenance["location"] = _evidence(s.sentence, match.start, match.end, 0.7)
            out.append((where, toll, [f"location: one of {len(listed)} places the sentence "
                                      f"lists; {note}"]))
        return out

    def _trigger_span(self, s: _Sent, sub_event: str) -> tuple[int, int]:
        best = min(s.triggers, key=lambda t: (-t.strength, classify.rank(t.kind)))
        return best.start, best.end

    # ---- actors ---------------------------------------------------------------------------

    def _roles(self, cluster: _Cluster, country: str | None,
               year: date) -> list[tuple[str, str, _Sent, ActorMention, float, int | None]]:
        """(name, role, sentence, mention, weight, inter) for actor mentions in the cluster."""
        out = []
        context = cluster.context if cluster.family == DEMO else []
        if cluster.family == VIOLENT and not any(
                not m.weak and not m.victim for s in cluster.sents for m in s.mentions):
            # no actor in the act's own sentences: the one its paragraph names for an act of
            # the same kind ("Hamas continues to fire rockets. At least 8 rockets were fired
            # overnight.")
            kinds = {t.kind for s in cluster.sents for t in s.triggers}
            context = [c for c in cluster.context
                       if {t.kind for t in [*c.triggers, *c.mentioned]} & kinds]
        for s in [*cluster.sents, *context]:
            text = s.sentence.text
            for m in s.mentions:
                owner = owner_of(text, m, s.mentions)
                resolved = self.actors.resolve(owner or m, country, year)
                if resolved is None:
                    continue
                after = text[m.end:m.end + 60]
                statement = bool(_STATEMENT_AFTER.match(after))
                role, weight = self._role_of(text, m, s.triggers or s.mentioned)
                if s in context:
                    weight *= 0.5  # a sentence beside the protest's ("what happened when
                    #                security forces opened fire on demonstrators")
                if role is None or (statement and role == "patient"):
                    continue
                if statement:
                    weight *= 0.15
                if m.weak:
                    weight *= 0.3
                elif m.kind == "generic":
                    weight *= 0.5  # "the fighters" mostly re-mentions an actor named elsewhere
                if s.date_is_statement:
                    weight *= 0.9
                out.append((resolved.name, role, s, m, weight, resolved.inter))
        return out

    def _claims(self, analysed: list[_Sent], country: str | None, year: date) -> list:
        """Named actors that claim an attack or are blamed for it, anywhere in the article."""
        patterns = classify.claim_patterns()
        out = []
        for s in analysed:
            text = s.sentence.text
            if not _CLAIM_WORD.search(text):
                continue
            for m in find_actor_mentions(text):
                if m.kind == "generic":
                    continue
                claimed = patterns["after"].match(text[m.end:m.end + 60]) or \
                    patterns["before"].search(text[max(0, m.start - 40):m.start])
                if not claimed:
                    continue
                resolved = self.actors.resolve(m, country, year)
                if resolved is not None:
                    out.append((resolved.name, "agent", s, m, 1.6, resolved.inter))
            described = patterns["by_description"].search(text)
            if described and not out:  # "the Islamist group claimed responsibility"
                named = self._named_group(analysed, country, year)
                if named is not None:
                    m = ActorMention(described.start(), described.end(), described.group(0),
                                     "alias", query=named[0])
                    out.append((named[0], "agent", s, m, 1.6, named[1]))
        return out

    def _named_contingents(self, analysed: list[_Sent], country: str | None,
                           published: date) -> set[str]:
        """Mission contingents the article names ("Burundian peacekeepers", "African Union
        peace-keepers from Uganda")."""
        found: set[str] = set()
        if country is None:
            return found
        for s in analysed:
            text = s.sentence.text
            if not _CONTINGENT_WORD.search(text):
                continue
            year = (s.days[0] if s.days else published).year
            for m in find_actor_mentions(text):
                resolved = self.actors.resolve(m, country, year)
                if resolved is not None and mission_of(resolved.name):
                    found.add(resolved.name)
            for match in re.finditer(r"\b(?:peace-?keepers|troops|soldiers|forces|contingent)\s+"
                                     r"from\s+([A-Z][\w-]+(?:\s[A-Z][\w-]+)?)", text):
                home = country_of_name(match.group(1))
                name = contingent(home, country, year) if home else None
                if name:
                    found.add(name)
        return found

    def _named_group(self, analysed: list[_Sent], country: str | None,
                     year: date) -> tuple[str, int | None] | None:
        """The one non-state armed group (rebels, militia) the article names, if only one."""
        found: dict[str, int | None] = {}
        for s in analysed:
            for m in s.mentions or find_actor_mentions(s.sentence.text):
                if m.kind not in ("alias", "role"):
                    continue
                resolved = self.actors.resolve(m, country, year)
                if resolved is not None and resolved.inter in (2, 3):
                    found[resolved.name] = resolved.inter
        return next(iter(found.items())) if len(found) == 1 else None

    @staticmethod
    def _role_of(text: str, m: ActorMention,
                 triggers: list[classify.Trigger]) -> tuple[str | None, float]:
        best: tuple[str | None, float] = (None, 0.0)
        for trig in triggers:
            strength = 1.0 if trig.strength >= 2 else 0.5
            if trig.strength >= 2 and trig.kind not in classify.OPEN_KINDS:
                strength = 1.5  # the actor of a named act (an airstrike, a clash) counts more
            if m.end <= trig.start:
                between = text[m.end:trig.start]
                words = len(between.split())
                if words > 18 or ";" in between:
                    continue
                before = text[max(0, m.start - 40):m.start]
                weight = strength / (1 + words / 6)
                if _PASSIVE.search(between) and not trig.text.lower().endswith("ing"):
                    role = "patient"  # "were killed"; "have been shelling" is active
                elif _TARGET_PREP.search(before) or _BY.search(before):
                    role = "agent" if _BY.search(before) else "patient"
                else:
                    role = "agent"
                if m.victim and role == "agent" and not re.search(
                        r"\b(?:protest|demonstrat|march|rall)", trig.text, re.I):
                    role = "patient"
            elif m.start >= trig.end:
                between = text[trig.end:m.start]
                words = len(between.split())
                if words > 14 or ";" in between:
                    continue
                weight = strength / (1 + words / 5)
                if _BY.search(between):
                    role = "agent"
                elif _PASSIVE.search(text[max(0, trig.start - 20):trig.start]):
                    continue  # "were killed while they were engaging X": X is not the target
                else:
                    role = "patient"
                if re.search(r"\b(?:said|says|told|according)\b", between):
                    weight *= 0.3
            else:
                continue
            if role == "patient" and m.end <= trig.start and _PASSIVE.search(
                    text[m.end:trig.start]) and not trig.text.lower().endswith("ing"):
                return role, weight  # the subject of "was killed" is its victim in the clause
            if m.end <= trig.start and _DIED.match(text[m.end:trig.start]):
                return "patient", weight  # "two soldiers had died in a mortar attack"
            if weight > best[1]:
                best = (role, weight)
        return best

    def _pick_actors(self, cluster: _Cluster, roles: list, sub_event: str,
                     country: str | None, year: date, review: list[str]):
        agents: dict[str, list] = {}
        patients: dict[str, list] = {}
        here = self._cluster_contingents(cluster)
        for name, role, s, m, weight, inter in roles:
            if mission_of(name) is None and len(here) == 1 and mission_of(next(iter(here))) \
                    == name:  # "AU peacekeepers" beside "a Ugandan soldier": one contingent
                name, inter = next(iter(here)), 8
            bucket = agents if role == "agent" else patients
            entry = bucket.setdefault(name, [name, inter, s, m, 0.0, s.sentence.index])
            entry[4] += weight

        def top(bucket: dict[str, list], exclude: set[str],
                keep: Any = None) -> tuple | None:
            ranked = sorted((v for k, v in bucket.items() if k not in exclude
                             and (keep is None or keep(v))),
                            key=lambda v: (-v[4], v[5]))
            if not ranked:
                return None
            v = ranked[0]
            return (v[0], v[1], v[2], v[3], min(0.9, 0.4 + v[4] / 2))

        family = vocab.EVENT_TYPE_OF_SUB_EVENT[sub_event]
        a1 = a2 = None
        if family in ("Protests", "Riots") and sub_event != "Mob violence":
            label = "Protesters" if family == "Protests" else "Rioters"
            name = f"{label} ({country})" if country else None
            if name:
                anchor = next((r for r in roles if r[0].startswith(label)), None)
                a1 = (name, self.actors.inter(name, country),
                      anchor[2] if anchor else cluster.sents[0],
                      anchor[3] if anchor else _whole(cluster.sents[0]), 0.7)
            if sub_event != "Peaceful protest":
                a2 = top({**agents, **patients}, {name or ""},  # the force on the street,
                         lambda v: v[1] in (1, 8) and not v[0].startswith("Government of")) \
                    or top({**agents, **patients}, {name or ""},  # not the government it serves
                           lambda v: v[1] in (1, 8))
                if a2 is None and country:
                    police = self.actors.state_forces(country, year, "Police")
                    a2 = (police, self.actors.inter(police, country), cluster.sents[0],
                          _whole(cluster.sents[0]), 0.4)
                    review.append("actor2: the police are assumed to have intervened")
            if sub_event == "Excessive force against protesters" and a1 and a2:
                a1, a2 = a2, a1  # ACLED: the force that fired is actor1, the protesters actor2
        elif sub_event == "Mob violence":
            name = f"Rioters ({country})" if country else None
            if name:
                a1 = (name, 5, cluster.sents[0], _whole(cluster.sents[0]), 0.6)
            a2 = top(patients, {name or ""}, lambda v: not v[3].weak)
            if a2 is None and rioters_only(roles):
                a2 = a1  # rioters against rioters ("clashes between rival fans")
            elif a2 is None:
                a2 = top(patients, {name or ""})
        else:
            a1 = top(agents, set(), lambda v: not v[3].victim)
            a2 = top(patients, {a1[0]} if a1 else set())
            if a1 is not None and vocab.EVENT_TYPE_OF_SUB_EVENT[sub_event] == "Battles":
                rival = top(agents, {a1[0]}, lambda v: v[1] in ARMED and v[3].kind != "generic")
                if rival is not None and (a2 is None or a2[3].kind == "generic"
                                          or a2[1] not in ARMED):
                    a2 = rival
            if a1 is not None and a2 is not None and sub_event == "Armed clash" \
                    and reciprocal_pair(a1, a2, agents):
                a1, a2 = a2, a1  # "the army and the rebels clashed": the first named is actor1
            if a1 is None and a2 is not None and a2[1] in ARMED and sub_event == "Armed clash":
                others = top(patients, {a2[0]})
                if others is not None:
                    a1, a2 = a2, others
            if sub_event in _PARTY_EVENTS:
                a1, a2 = parties(roles) or (a1, a2)
            default1 = default_actor("actor1", sub_event)
            if a1 is None and country and default1:
                name = self._default_name(default1, country, year)
                a1 = (name, self.actors.inter(name, country), cluster.sents[0],
                      _whole(cluster.sents[0]), 0.4)
                review.append(f"actor1: the text names no actor; {name} assumed")
            if a1 is None and country and sub_event not in _PARTY_EVENTS:
                name = f"Unidentified Armed Group ({country})"
                a1 = (name, 3, cluster.sents[0], _whole(cluster.sents[0]), 0.3)
                review.append("actor1: no perpetrator named; coded as an unidentified armed "
                              "group")
            if sub_event in ("Attack", "Abduction/forced disappearance", "Sexual violence") \
                    and (a2 is None or a2[1] != vocab.CIVILIANS_CODE) and country:
                name = f"Civilians ({country})"
                a2 = (name, vocab.CIVILIANS_CODE, (a2 or a1)[2], (a2 or a1)[3], 0.5)
            if vocab.EVENT_TYPE_OF_SUB_EVENT[sub_event] == "Explosions/Remote violence" \
                    and a2 is not None and a2[1] != vocab.CIVILIANS_CODE:
                dead = top(patients, set(), lambda v: v[1] == vocab.CIVILIANS_CODE
                           and not v[3].weak and cluster_toll_group(cluster) == "civilian")
                if dead is not None:
                    a2 = dead  # "an airstrike on militants killed 100 civilians": the dead
            if sub_event in _PERSON_EVENTS and (a2 is None or a2[1] == vocab.CIVILIANS_CODE):
                party = self._party_of_named(cluster, country, year)
                if party is not None:
                    a2 = party  # "police detained Ilan Dorsk, the leader of the X party"
            default = default_actor("actor2", sub_event)
            if a2 is None and a1 is not None and default and country:
                name = self._default_name(default, country, year)
                a2 = (name, self.actors.inter(name, country), a1[2], _whole(a1[2]), 0.3)
                review.append(f"actor2: the text names no target; {name} assumed")
        assoc1: list[str] = []
        assoc2: list[str] = []
        return a1, a2, assoc1, assoc2

    def _party_of_named(self, cluster: _Cluster, country: str | None,
                        when: date) -> tuple | None:
        """The organisation a named person the act targets belongs to, as the article says
        ("X, the secretary general of the Y party", "the Y's secretary-general, X", "Y leader
        X"; or "opposition leader X" when the article names one opposition organisation)."""
        named = {n for s in cluster.sents for t in s.triggers
                 for n in person_names(s.sentence.text, t.start, t.end)}
        if not named:
            return None
        for person in named:
            org = self._affiliations(country, when).get(person.split()[-1])
            if org is not None:
                return org
        return None

    def _affiliations(self, country: str | None, when: date) -> dict[str, tuple]:
        """Surname -> (name, inter, sentence, mention, confidence) of the organisation the
        article ties each named person to (memoised per article)."""
        if self._affiliation_memo is not None:
            return self._affiliation_memo
        found: dict[str, tuple] = {}
        orgs_named: dict[str, tuple] = {}
        opposition: set[str] = set()
        for s in self._analysed:
            text = s.sentence.text
            for m in find_actor_mentions(text):
                if m.kind != "alias":
                    continue
                resolved = self.actors.resolve(m, country, when)
                if resolved is None or _STATE_NAME_RE.match(resolved.name) \
                        or resolved.inter in (1, 5, 6, 7, 8):
                    continue
                entry = (resolved.name, resolved.inter, s, m, 0.6)
                if not re.search(r"\bruling\s+(?:[\w-]+\s+){0,2}$", text[max(0, m.start - 30):
                                                                         m.start]):
                    orgs_named[resolved.name] = entry
                for person in affiliated_people(text, m):
                    found.setdefault(person.split()[-1], entry)
            for match in _OPPOSITION_PERSON.finditer(text):
                opposition.add(match["name"].split()[-1])
        if len(orgs_named) == 1:
            only = next(iter(orgs_named.values()))
            for surname in opposition:
                found.setdefault(surname, only)
        self._affiliation_memo = found
        return found

    def _cluster_contingents(self, cluster: _Cluster) -> set[str]:
        """Mission contingents the event's own sentences (or its paragraph) name ("a Ugandan
        soldier was killed in the clash"): ACLED codes the contingent when the report says
        which."""
        texts = " ".join(s.sentence.text for s in [*cluster.sents, *cluster.context])
        return {c for c in self._contingents
                if re.search(re.escape(c.rsplit("(", 1)[1].rstrip(")")), texts)
                or any(re.search(rf"\b{re.escape(dem)}\b", texts)
                       for dem in self._demonyms_of(c.rsplit("(", 1)[1].rstrip(")")))}

    @staticmethod
    def _demonyms_of(country: str) -> list[str]:
        return [d for d, c in (table("actors").get("demonyms") or {}).items() if c == country]

    def _default_name(self, template: str, country: str, year: date) -> str:
        """A default actor's name: "{police}" / "{military}" are the country's state forces
        in the year, "{country}" the country."""
        for token, kind in (("{police}", "Police"), ("{military}", "Military")):
            if template == token:
                return self.actors.state_forces(country, year, kind)
        return template.format(country=country)

    # ---- type -----------------------------------------------------------------------------

    def _sub_event(self, cluster: _Cluster, roles: list,
                   country: str | None) -> tuple[str, _Sent | None]:
        """The highest-precedence sub-event among the cluster's acts (open kinds resolved); a
        protest's upgrades are read in its paragraphs."""
        text = " ".join(s.sentence.text for s in cluster.sents)
        if cluster.family == DEMO:
            text = " ".join(s.sentence.text for s in [*cluster.sents, *cluster.context])
            kinds = {t.kind for s in cluster.sents for t in s.triggers}
            src = next((s for s in cluster.sents if any(t.kind in _DEMO_KINDS
                                                        for t in s.triggers)), None)
            if "Mob violence" in kinds and "protest" not in kinds:
                return "Mob violence", src
            upgrades = classify.protest_upgrades(text)
            if "lethal_force" in upgrades:
                return "Excessive force against protesters", src
            if "riot" in upgrades or "Violent demonstration" in kinds:
                return "Violent demonstration", src
            if "intervention" in upgrades:
                return "Protest with intervention", src
            return "Peaceful protest", src
        mob = next((s for s in cluster.sents if any(t.kind == "Mob violence"
                                                      for t in s.triggers)), None)
        if mob is not None:
            return "Mob violence", mob
        if rioters_only(roles):
            return "Mob violence", cluster.sents[0]  # a fight between crowds, no armed actor
        strongest = max(t.strength for s in cluster.sents for t in s.triggers)
        concrete: list[tuple[str, _Sent]] = []
        open_kinds: list[tuple[str, _Sent]] = []
        for s in cluster.sents:
            killing = any(t.kind == "violence" and t.strength >= 2 for t in s.triggers)
            for t in s.triggers:
                explosive = t.kind in vocab.SUB_EVENT_TYPES["Explosions/Remote violence"]
                if t.strength < strongest and not (killing and explosive):
                    continue  # "bombings ... killed 30": the bombing is the act, death its toll
                if t.kind in classify.OPEN_KINDS:
                    open_kinds.append((t.kind, s))
                    if t.kind == "violence" and _OPEN_FIRE.search(t.text) \
                            and armed_patient(roles, s):
                        concrete.append(("Armed clash", s))  # "stormed the base, opening fire
                        #                                       on peacekeepers": a battle
                elif t.kind not in _DEMO_KINDS and t.kind != "Mob violence":
                    concrete.append((t.kind, s))
        if is_strategic(cluster.family):
            concrete = [c for c in concrete if c[0] in _STRATEGIC_KINDS] or concrete
        patient_inters = [r[5] for r in roles if r[1] == "patient" and not r[3].weak]
        agent_inters = [r[5] for r in roles if r[1] == "agent" and r[4] > 0.2]
        for kind, s in open_kinds:
            if kind == "seizure":
                state_agent = bool(agent_inters) and agent_inters[0] == 1
                concrete.append(("Government regains territory" if state_agent
                                 else "Non-state actor overtakes territory", s))
        if not any(k in vocab.SUB_EVENT_TYPES["Explosions/Remote violence"]
                   or k in ("Armed clash", "Abduction/forced disappearance",
                            "Sexual violence") for k, _ in concrete):
            for kind, s in open_kinds:
                if kind != "violence":
                    continue
                if vocab.CIVILIANS_CODE in patient_inters or not patient_inters:
                    concrete.append(("Attack", s))
                elif any(i in ARMED for i in patient_inters):
                    concrete.append(("Armed clash", s))
                else:
                    concrete.append(("Attack", s))
        if not concrete:
            return "Other", cluster.sents[0]
        concrete.sort(key=lambda c: classify.rank(c[0]))
        return concrete[0]

    # ---- place ----------------------------------------------------------------------------

    def _location(self, cluster: _Cluster, article: Article, country: str | None,
                  analysed: list[_Sent], review: list[str]) -> Location:
        """The event's place, most specific first: a town of its own sentences (after a place
        cue first), unless a settlement the gazetteer lacks is named before it ("the suburb of
        Dorvik, in east Athens"); a named settlement the gazetteer lacks; the dateline's town
        (where the report was filed, so only when the text names no place); a region."""
        if country is None:
            return Location(None, review="location: no country identified")
        admin_hint = None
        candidates = []
        for s in cluster.sents:
            exclude = [(m.start, m.end) for m in s.mentions]
            for match in self.places.find(s.sentence.text, country, exclude, self._lower):
                candidates.append((match, s))
                if match.kind == "admin1" and admin_hint is None:
                    admin_hint = match.admin1
        towns = [c for c in candidates if c[0].kind == "town" and c[0].towns]
        pick = max(towns, key=lambda c: c[0].score) if towns else None
        if pick is not None:
            match, s = pick
            named = unknown_place(s.sentence.text)
            if named and named[1] <= match.start and not self.places.find(
                    named[2], country, [], self._lower):
                town = self.places.location_of(match, country, admin_hint)
                return self._unknown(country, town.admin1, named, s, review)
            loc = self.places.location_of(match, country, admin_hint)
            loc.sentence = s.sentence
            return loc
        for match, s in candidates:
            named = town_before_region(s.sentence.text, match)
            if named:
                return self._unknown(country, match.admin1, named, s, review)
        for s in cluster.sents:
            named = unknown_place(s.sentence.text)
            if named:
                return self._unknown(country, admin_hint, named, s, review)
        dated = self._place_by_date(cluster, analysed, country)
        if dated is not None:
            return dated
        beside = [(m, s) for s in cluster.context
                  for m in self.places.find(s.sentence.text, country, [], self._lower)
                  if m.kind == "town" and m.towns]
        if beside:  # a town the paragraph names beside the act ("at Conakry's stadium")
            match, s = max(beside, key=lambda c: c[0].score)
            loc = self.places.location_of(match, country, admin_hint)
            loc.sentence, loc.confidence = s.sentence, 0.6
            loc.review = (f"location: {loc.location}, named in the paragraph that tells the act; "
                          "its own sentences name no place")
            return loc
        anchored = self._anchored_town(cluster, analysed, country)
        if anchored is not None:
            match, s = anchored
            loc = self.places.location_of(match, country, admin_hint)
            loc.sentence = s.sentence
            loc.confidence = 0.6
            loc.review = (f"location: {loc.location}, where another sentence puts the "
                          f"{_SITE.search(s.sentence.text[:match.start]).group(1)} the event "
                          "hit")  # type: ignore[union-attr]
            return loc
        lead = self._lead_town(article, country) if admin_hint is None else None
        if lead is not None:
            loc = self.places.location_of(lead, country, None)
            loc.span, loc.confidence = None, 0.5
            loc.review = (f"location: {lead.towns[0].name}, the one town the report's lead "
                          "names; the event's own sentences name none")
            return loc
        if article.dateline and admin_hint is None:
            for match in self.places.find(article.dateline, country, [], self._lower):
                if match.kind == "town" and match.towns:
                    loc = self.places.location_of(match, country, admin_hint)
                    loc.span = (0, len(article.dateline))
                    loc.confidence = 0.6
                    loc.review = "location: the dateline's town (where the report was filed); " \
                                 "the text names no place of the event"
                    return loc
        if candidates:
            match, s = max(candidates, key=lambda c: c[0].score)
            loc = self.places.location_of(match, country, admin_hint)
            loc.sentence = s.sentence
            return loc
        hint = next((v for s in cluster.sents if (v := vague_place(s.sentence.text))), None)
        message = "location: the article names no place finer than the country"
        if hint:
            message += f" (it says: {hint!r})"
        return Location(country, geo_precision=3, review=message + "; geo_precision 3")

    def _place_by_date(self, cluster: _Cluster, analysed: list[_Sent],
                       country: str) -> Location | None:
        """The place another sentence gives right beside the event's own calendar date ("the
        disappearance of a reporter in North Waziristan on August 11" for a kidnapping told
        "on August 11" without a place)."""
        src = cluster.date_from
        if src is None or src.date_mention is None or cluster.precision != 1 \
                or not re.search(r"\d", src.date_mention.text):
            return None
        for s in analysed:
            if s is src:
                continue
            text = s.sentence.text
            for mention in s.dates:
                if mention.days != src.date_mention.days or not re.search(r"\d", mention.text):
                    continue
                for match in self.places.find(text, country, [], self._lower):
                    gap = text[match.end:mention.start] if match.end <= mention.start else ""
                    if gap and re.fullmatch(r",?\s+(?:on\s+)?", gap):
                        loc = self.places.location_of(match, country, None)
                        loc.sentence, loc.confidence = s.sentence, 0.5
                        loc.review = (f"location: {match.text}, which another sentence names "
                                      f"beside the event's date ({mention.text!r})")
                        return loc
        return None

    def _unplaced(self, cluster: _Cluster) -> bool:
        """An act the text places only "across the country" or "in several cities", naming
        no place of its own: not one event ACLED could code."""
        if cluster.place is not None or not all(classify.unplaced(s.sentence.text)
                                                for s in cluster.sents):
            return False
        country = cluster.country
        return not any(self.places.find(s.sentence.text, country, [], self._lower)
                       for s in cluster.sents) if country else True

    def _anchored_town(self, cluster: _Cluster, analysed: list[_Sent],
                       country: str) -> tuple[Any, _Sent] | None:
        """The town another sentence gives the site the event hit: "an airstrike on a camp"
        ... "the camp in Dorvik" -> Dorvik."""
        sites = {m.group(1).lower() for s in cluster.sents
                 for m in _SITE_NAMED.finditer(s.sentence.text)}
        if not sites:
            return None
        for s in analysed:
            text = s.sentence.text
            for match in self.places.find(text, country, [], self._lower):
                site = _SITE.search(text[max(0, match.start - 40):match.start])
                if match.kind == "town" and match.towns and site \
                        and site.group(1).lower() in sites:
                    return match, s
        return None

    def _lead_town(self, article: Article, country: str) -> Any:
        """The one town the title and the lead name after a place cue, if only one."""
        texts = [article.title or ""]
        texts += [s.text for s in article.sentences if s.paragraph == 0]
        found = {}
        for text in texts:
            for match in self.places.find(text, country, [], self._lower):
                if match.kind == "town" and match.towns and match.cue:
                    found.setdefault(match.towns[0].name, match)
        return next(iter(found.values())) if len(found) == 1 else None

    @staticmethod
    def _unknown(country: str, admin1: str | None, named: tuple[int, int, str], s: _Sent,
                 review: list[str]) -> Location:
        """A place the gazetteer lacks, kept as written (no coordinates) and flagged."""
        start, end, name = named
        review.append(f"location {name!r} is not in the gazetteer: kept as written; add its "
                      "coordinates (or a reference/places.csv entry)")
        return Location(country, admin1, None, name, None, None, 1, (start, end), s.sentence,
                        0.4)

    def _listed_places(self, cluster: _Cluster, country: str | None,
                       analysed: list[_Sent] | None = None) -> list[tuple[Any, _Sent]]:
        """Towns an event sentence (or a sentence about the same kind of act in its paragraph
        or the next) lists as the places of the act ("in Aleppo and Homs", "750 in Dorvik,
        450 in Vesna and 250 in Kroll"): one event per town."""
        if country is None:
            return []
        best: list[tuple[Any, _Sent]] = []
        paragraphs = {s.sentence.paragraph for s in cluster.sents}
        around = paragraphs | {p + 1 for p in paragraphs} | {p - 1 for p in paragraphs}
        members = {id(s) for s in cluster.sents}
        nearby = [a for a in analysed or () if a.triggers and a.family == cluster.family
                  and id(a) not in members and a.sentence.paragraph in around]
        for s in [*cluster.sents, *nearby]:
            text = s.sentence.text
            exclude = [(m.start, m.end) for m in s.mentions]
            towns = [m for m in self.places.find(text, country, exclude, self._lower)
                     if m.kind == "town" and m.towns]
            run: list[Any] = []
            for match in towns:
                if run and not _LIST_JOIN.match(text[run[-1].end:match.start]):
                    if len(run) > len(best):
                        best = [(m, s) for m in run]
                    run = []
                if not run and not match.cue:
                    continue
                run.append(match)
            if len(run) > len(best):
                best = [(m, s) for m in run]
        names = {m.towns[0].name for m, _ in best}
        listed = best if len(names) >= 2 and len(names) == len(best) else []
        if cluster.family == DEMO:
            towns = self._other_protest_towns(cluster, country, nearby)
            if len(towns) > len(listed):
                return towns
        return listed

    def _other_protest_towns(self, cluster: _Cluster, country: str,
                             nearby: list[_Sent]) -> list[tuple[Any, _Sent]]:
        """The towns the protest's sentences, and undated sentences about protests beside them,
        name after a place cue ("thousands marched in Dorvik ... rallies were also held in
        Vesna"): one event per town, same day."""
        found: dict[str, tuple[Any, _Sent]] = {}
        for s in [*cluster.sents, *(a for a in nearby if not a.days)]:
            exclude = [(m.start, m.end) for m in s.mentions]
            text = s.sentence.text
            for match in self.places.find(text, country, exclude, self._lower):
                if match.kind == "town" and match.towns and match.cue \
                        and not _PERSON_OF.search(text[max(0, match.start - 40):match.start]):
                    found.setdefault(match.towns[0].name, (match, s))
        return list(found.values()) if len(found) >= 2 else []

def default_actor(column: str, sub_event: str) -> str | None:
    """Who the actor is when the text does not say (`defaults` in the actors table): people
    arrested are civilians and arrests are the police's; a bomb in a public place targets
    civilians; a device found and defused was an armed group's, disrupted by the police."""
    return (table("actors").get("defaults") or {}).get(column, {}).get(sub_event)


_PARTY_EVENTS = ("Agreement", "Non-violent transfer of territory", "Change to group/activity",
                 "Headquarters or base established", "Other")


def parties(roles: list) -> tuple[tuple, tuple | None] | None:
    """The parties of a strategic development, in the order the text names them ("the
    government and the rebels signed a truce"): no perpetrator and no victim here."""
    seen: dict[str, tuple] = {}
    for name, _role, s, m, weight, inter in sorted(roles, key=lambda r: (r[2].sentence.index,
                                                                        r[3].start)):
        if name not in seen and not m.weak and not m.victim:
            seen[name] = (name, inter, s, m, min(0.9, 0.4 + weight / 2))
    found = list(seen.values())
    if not found:
        return None
    return found[0], (found[1] if len(found) > 1 else None)


def reciprocal_pair(a1: tuple, a2: tuple, agents: dict[str, list]) -> bool:
    """Whether two sides both act in one sentence of a clash and the text names actor2 first
    ("Soldiers and rebels clashed": the weights favour the nearer word, ACLED the first)."""
    same = a1[2] is a2[2] and a1[0] in agents and a2[0] in agents
    return same and a2[3].start < a1[3].start


def rioters_only(roles: list) -> bool:
    """Whether every actor of a violent event is a crowd (Rioters): mob violence, not a battle
    ("fans of two clubs clashed", "a mob beat a man")."""
    named = [r for r in roles if not r[3].weak]
    return bool(named) and all(r[5] == 5 for r in named)


def country_of_name(name: str) -> str | None:
    """The ACLED country a name written in the text means ("Uganda" -> Uganda), if any."""
    from conflictkit.builders.extract.places import country_mentions

    found = country_mentions(name)
    return found[0][2] if found and not found[0][3] else None


def lower_words(article: Article) -> frozenset[str]:
    """Words the article writes in lower case: a capitalised one of them is a word, not a
    place ("Police said" when the text also says "police")."""
    return frozenset(w for s in article.sentences for w in re.findall(r"\b[a-z][a-z'-]+",
                                                                         s.text))


def credible_tolls(sents: list[_Sent]) -> list[tuple[_Sent, Toll]]:
    """The event's tolls with their sentences; a figure inside a quotation (a witness's "it
    killed four people here") only when the narrative gives none."""
    tolls = [(s, t) for s in sents for t in s.tolls]
    told = [(s, t) for s, t in tolls if not inside_quotes(s.sentence.text, t.start)]
    return told if any(t.count for _, t in told) else tolls


def toll_notes(best: Toll, tolls: list[Toll]) -> list[str]:
    """Review notes on how the event's toll was reached: the groups added up, and the other
    figures the text gives (higher or later tolls are not coded)."""
    notes = []
    if best.parts:
        added = " + ".join(f"{t.count} ({t.text!r})" for t in best.parts)
        notes.append(f"fatalities: {best.count} = {added}: distinct groups of victims added")
    used = set(map(id, best.parts or (best,)))
    others = sorted({t.count for t in tolls if id(t) not in used and not t.subset
                     and t.count > best.count})
    if others:
        notes.append("fatalities: the lowest credible figure is coded; the text also gives "
                     + ", ".join(map(str, others)))
    return notes


def _whole(s: _Sent) -> ActorMention:
    return ActorMention(0, 0, "", "generic")


def _evidence(sentence: Sentence, start: int, end: int, confidence: float) -> Evidence:
    """Evidence for a span inside a sentence (offsets turned into article offsets)."""
    if start == end == 0:
        return Evidence(sentence.text, sentence.start, sentence.end, confidence)
    return Evidence(sentence.text, sentence.start + start, sentence.start + end, confidence)


def days_between(first: date, last: date) -> tuple[date, ...]:
    return tuple(first + timedelta(days=i) for i in range((last - first).days + 1))
