"""The sub-event type of one event: the highest-precedence act among its sentences, with the
open kinds ("violence", "seizure") resolved by who did what to whom, and a protest's upgrades
(intervention, violence, lethal force) read in its paragraphs."""

from __future__ import annotations

import re

from conflictkit.builders.extract import classify
from conflictkit.builders.extract.rule_based.analysis import (
    DEMO,
    DEMO_KINDS,
    STRATEGIC_KINDS,
    AnalysedSentence,
    is_strategic,
)
from conflictkit.builders.extract.rule_based.clusters import Cluster
from conflictkit.builders.extract.rule_based.roles import ARMED, armed_patient, rioters_only
from conflictkit.schema import vocab

_OPEN_FIRE = re.compile(r"\bopen(?:ed|ing|s)? fire\b", re.I)


def sub_event_of(cluster: Cluster, roles: list,
                 country: str | None) -> tuple[str, AnalysedSentence | None]:
    """The highest-precedence sub-event among the cluster's acts (open kinds resolved); a
    protest's upgrades are read in its paragraphs."""
    text = " ".join(s.sentence.text for s in cluster.sents)
    if cluster.family == DEMO:
        text = " ".join(s.sentence.text for s in [*cluster.sents, *cluster.context])
        kinds = {t.kind for s in cluster.sents for t in s.triggers}
        src = next((s for s in cluster.sents if any(t.kind in DEMO_KINDS
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
    concrete: list[tuple[str, AnalysedSentence]] = []
    open_kinds: list[tuple[str, AnalysedSentence]] = []
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
            elif t.kind not in DEMO_KINDS and t.kind != "Mob violence":
                concrete.append((t.kind, s))
    if is_strategic(cluster.family):
        concrete = [c for c in concrete if c[0] in STRATEGIC_KINDS] or concrete
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


def trigger_span(s: AnalysedSentence, sub_event: str) -> tuple[int, int]:
    best = min(s.triggers, key=lambda t: (-t.strength, classify.rank(t.kind)))
    return best.start, best.end
