"""Event sentences grouped the way ACLED counts events: one interaction on one day at one
place is one event, coded at the higher type.

Sentences without a date of their own join the event they describe or take the day of the act
told before them; a strategic development joins an act told beside it only as `folds_into` says;
arrests that follow up an act of violence are not an event; deaths told beside a protest are
the protest's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from conflictkit.builders.extract import classify
from conflictkit.builders.extract.actors import find_actor_mentions
from conflictkit.builders.extract.rule_based.analysis import (
    DEMO,
    STRATEGIC,
    VIOLENT,
    AnalysedSentence,
    is_strategic,
)
from conflictkit.builders.extract.rule_based.wording import NOT_NAMES

STORY_SENTENCES = 6  # an undated act this close after a dated one is told as part of its day
_UNREST_KINDS = {"violence", "Armed clash"}
_NAMED_BEFORE = re.compile(
    r"(?:^|[^.;])\b(?:[A-Z][\w'’.-]+\s+){0,3}[A-Z][\w'’.-]+(?:,[^,;]{1,80},)?\s+(?:was|were|"
    r"has been|had been|have been|is|are|being)\s+(?:\w+\s+)?$")
_NAMED_AFTER = re.compile(r"^\s+(?:the\s+)?(?:[a-z][\w-]*\s+){0,4}?(?P<name>[A-Z][\w'’.-]+)")

# the place a sentence's act is grouped by (`geography.place_key` for the article)
PlaceKey = Callable[[AnalysedSentence], str | None]


@dataclass
class Cluster:
    """The sentences of one event, with its family, days, place and country, and the
    sentences around it that tell more about it."""

    family: str
    sents: list[AnalysedSentence] = field(default_factory=list)
    days: tuple[date, ...] = ()
    precision: int = 1
    date_from: AnalysedSentence | None = None
    place: str | None = None
    country: str | None = None
    separate: bool = False  # an act told only "across the country": never merged
    inherited: bool = False  # dated by the story it is told in, not by its own sentence
    context: list[AnalysedSentence] = field(default_factory=list)  # others of its paragraphs
    after: list[AnalysedSentence] = field(default_factory=list)  # tolls told in the next one


def cluster_sentences(sents: list[AnalysedSentence], place_key: PlaceKey) -> list[Cluster]:
    """The events the sentences tell: grouped by family, country, day and place; strategic
    developments folded into the acts they are part of; follow-up arrests dropped; undated
    groups joined to, or dated by, the dated event they describe."""
    clusters = _group(sents, place_key)
    main = [c for c in clusters if not is_strategic(c.family)]
    clusters = [c for c in _fold_strategic(clusters, main) if not follow_up_arrest(c, main)]
    return _join_undated(clusters)


def _group(sents: list[AnalysedSentence], place_key: PlaceKey) -> list[Cluster]:
    """Sentences of one family and country on the same day (or undated) at the same place (or
    none) in one cluster; the cluster's days are those of its first dated act."""
    clusters: list[Cluster] = []
    for s in sents:
        place = place_key(s)
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
            home = Cluster(s.family, country=s.country, separate=separate)
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
    return clusters


def _fold_strategic(clusters: list[Cluster], main: list[Cluster]) -> list[Cluster]:
    """A strategic development is its own event unless it is part of an act told beside it
    (arrests at a protest in the protest's paragraph): those sentences move to the act."""
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
    return kept


def _join_undated(clusters: list[Cluster]) -> list[Cluster]:
    """Undated clusters of the same family as a dated one describe it (protests told without
    a day in other towns are that day's protests there, split by place later); an undated act
    at another place told within a dated story, or after a dated act in its paragraph, takes
    that day."""
    dated = [c for c in clusters if c.days]
    merged: list[Cluster] = []
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


def folds_into(strategic: Cluster, main: Cluster, s: AnalysedSentence) -> bool:
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


def names_a_person(sentence: str, start: int, end: int) -> bool:
    """Whether an act is done to someone named ("Dorvik was arrested", "police detained
    opposition leader Ilan Dorsk"): a capitalised name, not a day, month or stop word,
    right before a passive verb or right after the act."""
    before = _NAMED_BEFORE.search(sentence[max(0, start - 140):start])
    if before:
        words = re.findall(r"[A-Z][\w'’.-]+", before.group(0))
        if any(w not in NOT_NAMES for w in words):
            return True
    after = _NAMED_AFTER.match(sentence[end:end + 60])
    return bool(after and after["name"] not in NOT_NAMES)


def follow_up_arrest(cluster: Cluster, main: list[Cluster]) -> bool:
    """Arrests told without a day of their own and of no one named, in a report of an act of
    violence or a demonstration ("police have arrested four people"): the investigation's
    follow-up, not an event ACLED codes. Arrests of a named person, or dated ones, are."""
    if cluster.family != f"{STRATEGIC}:Arrests" or cluster.days or not main:
        return False
    return not any(names_a_person(s.sentence.text, t.start, t.end)
                   for s in cluster.sents for t in s.triggers if t.kind == "Arrests")


def told_after(cluster: Cluster, dated: list[Cluster]) -> Cluster | None:
    """The dated act an undated one is told after in the same paragraph ("Four bombs went off
    at the temple yesterday. Three other bombs were found and defused."): its day is the
    undated act's day, whatever kind of act each is."""
    first = cluster.sents[0].sentence
    best: tuple[int, Cluster] | None = None
    for other in dated:
        if other is cluster or other.country != cluster.country or other.precision != 1:
            continue
        for s in other.sents:
            here = s.sentence
            if s.days and here.paragraph == first.paragraph and here.index < first.index \
                    and (best is None or here.index > best[0]):
                best = (here.index, other)
    return best[1] if best else None


def absorb_unrest(clusters: list[Cluster]) -> list[Cluster]:
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


def assign_context(clusters: list[Cluster], analysed: list[AnalysedSentence]) -> None:
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
