"""Who does what in an event's sentences: each actor mention resolved and given a role (agent or
patient) and a weight, and the actors an article says claimed an attack or were blamed for it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from conflictkit.builders.extract import classify
from conflictkit.builders.extract.actors import ActorMention, ActorResolver, find_actor_mentions
from conflictkit.builders.extract.rule_based.analysis import DEMO, VIOLENT, AnalysedSentence
from conflictkit.builders.extract.rule_based.clusters import Cluster

ARMED = {1, 2, 3, 4, 8}  # inter codes of armed actors (state, rebels, militias, external)
_PASSIVE = re.compile(r"\b(?:was|were|been|being|be|got|is|are)\s+(?:\w+ly\s+)?$", re.I)
_BY = re.compile(r"\b(?:by|blamed on|claimed by|carried out by|from)\s+(?:the\s+|an?\s+)?$",
                 re.I)
_TARGET_PREP = re.compile(
    r"\b(?:against|on|targeting|targeted|at|fighting|attacking|with|hitting|struck|hit|"
    r"killing|killed|kill|on)\s+(?:the\s+|a\s+|an\s+)?(?:\w+\s+){0,2}$", re.I)
_STATEMENT_AFTER = re.compile(
    r"^\s*(?:\([^)]*\)\s*)?(?:also\s+)?(?:has\s+|had\s+|have\s+)?(?:said|says|say|told|claimed|"
    r"reported|announced|stated|accused|alleged|confirmed|denied)\b(?!\s+(?:it|they)\b)", re.I)
_CLAIM_WORD = re.compile(r"claim|blame|accuse|believed|thought|suspected|said to", re.I)
_BARE_FORCES = re.compile(r"(?:soldiers?|troops|forces|police(?:men)?|officers|personnel|"
                          r"peace-?keepers|servicem[ae]n)", re.I)
_POSSESSIVE = re.compile(r"\b(?:its|their)\s+(?:own\s+)?$", re.I)
_DIED = re.compile(r"^\s+(?:\w+\s+)?(?:had\s+|have\s+|has\s+)?(?:died|perished|lost their lives)\b",
                   re.I)


class Role(NamedTuple):
    """An actor mention in an event's sentence, resolved, with its part in the act."""

    name: str
    part: str  # "agent" or "patient"
    sent: AnalysedSentence
    mention: ActorMention
    weight: float
    inter: int | None


class Pick(NamedTuple):
    """An actor chosen for an event's actor1 or actor2, with the mention behind it."""

    name: str
    inter: int | None
    sent: AnalysedSentence
    mention: ActorMention
    confidence: float


def owner_of(text: str, m: ActorMention, mentions: list[ActorMention]) -> ActorMention | None:
    """The actor a possessive points back to: in "the Burundian army said four of its
    soldiers were killed" the soldiers are the Burundian army's, not the country's."""
    if m.kind not in ("state", "alias") or m.home is not None or not _BARE_FORCES.fullmatch(
            m.text) or not _POSSESSIVE.search(text[max(0, m.start - 12):m.start]):
        return None
    earlier = [o for o in mentions if o.end <= m.start and o.kind in ("state", "alias", "role")
               and not o.victim]
    return earlier[-1] if earlier else None


def role_of(text: str, m: ActorMention,
            triggers: list[classify.Trigger]) -> tuple[str | None, float]:
    """A mention's part in the nearest act it can be read with (agent or patient, by word
    order, passive voice and prepositions) and how much that reading weighs."""
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


def roles_of(resolver: ActorResolver, cluster: Cluster, country: str | None,
             when: date) -> list[Role]:
    """The roles of the actor mentions in the cluster's sentences (and, for a protest or an
    act whose own sentences name no actor, in its paragraph)."""
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
            resolved = resolver.resolve(owner or m, country, when)
            if resolved is None:
                continue
            after = text[m.end:m.end + 60]
            statement = bool(_STATEMENT_AFTER.match(after))
            role, weight = role_of(text, m, s.triggers or s.mentioned)
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
            out.append(Role(resolved.name, role, s, m, weight, resolved.inter))
    return out


def claims(resolver: ActorResolver, analysed: list[AnalysedSentence], country: str | None,
           when: date) -> list[Role]:
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
            resolved = resolver.resolve(m, country, when)
            if resolved is not None:
                out.append(Role(resolved.name, "agent", s, m, 1.6, resolved.inter))
        described = patterns["by_description"].search(text)
        if described and not out:  # "the Islamist group claimed responsibility"
            named = named_group(resolver, analysed, country, when)
            if named is not None:
                m = ActorMention(described.start(), described.end(), described.group(0),
                                 "alias", query=named[0])
                out.append(Role(named[0], "agent", s, m, 1.6, named[1]))
    return out


def named_group(resolver: ActorResolver, analysed: list[AnalysedSentence], country: str | None,
                when: date) -> tuple[str, int | None] | None:
    """The one non-state armed group (rebels, militia) the article names, if only one."""
    found: dict[str, int | None] = {}
    for s in analysed:
        for m in s.mentions or find_actor_mentions(s.sentence.text):
            if m.kind not in ("alias", "role"):
                continue
            resolved = resolver.resolve(m, country, when)
            if resolved is not None and resolved.inter in (2, 3):
                found[resolved.name] = resolved.inter
    return next(iter(found.items())) if len(found) == 1 else None


def claim_covers(cluster: Cluster, claim: AnalysedSentence) -> bool:
    """Whether a claim of responsibility is about this event: it is told in the event's
    paragraph, or the event is the report's lead act (not "another attack" told later)."""
    paragraphs = {s.sentence.paragraph for s in cluster.sents}
    return claim.sentence.paragraph in paragraphs or 0 in paragraphs


def armed_patient(roles: list[Role], s: AnalysedSentence) -> bool:
    """Whether the sentence's act has an armed target (soldiers, police, a rebel group)."""
    return any(r.part == "patient" and r.sent is s and r.inter in ARMED and not r.mention.weak
               for r in roles)


def rioters_only(roles: list[Role]) -> bool:
    """Whether every actor of a violent event is a crowd (Rioters): mob violence, not a battle
    ("fans of two clubs clashed", "a mob beat a man")."""
    named = [r for r in roles if not r.mention.weak]
    return bool(named) and all(r.inter == 5 for r in named)
