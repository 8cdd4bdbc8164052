"""The actors of one event: actor1 and actor2 picked from the roles of its sentences (the side
that acts and the side acted on, by weight), with ACLED's conventions for protests, riots,
battles and attacks, mission contingents, the parties of a strategic development, and the
default actors when the text names none."""

from __future__ import annotations

from datetime import date
from typing import Any

from conflictkit.builders.extract._data import table
from conflictkit.builders.extract.actors import ActorMention, ActorResolver, mission_of
from conflictkit.builders.extract.rule_based.affiliations import Affiliations
from conflictkit.builders.extract.rule_based.analysis import AnalysedSentence
from conflictkit.builders.extract.rule_based.clusters import Cluster
from conflictkit.builders.extract.rule_based.contingents import cluster_contingents
from conflictkit.builders.extract.rule_based.roles import ARMED, rioters_only
from conflictkit.builders.extract.rule_based.tolls import cluster_toll_group
from conflictkit.schema import vocab

_PERSON_EVENTS = ("Arrests", "Abduction/forced disappearance")


def pick_actors(resolver: ActorResolver, affiliations: Affiliations, contingents: set[str],
                cluster: Cluster, roles: list, sub_event: str, country: str | None, year: date,
                review: list[str]):
    """(actor1, actor2, assoc1, assoc2) of an event: each actor a (name, inter, sentence,
    mention, confidence) tuple or None; review notes for the actors assumed."""
    agents: dict[str, list] = {}
    patients: dict[str, list] = {}
    here = cluster_contingents(cluster, contingents)
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
            a1 = (name, resolver.inter(name, country),
                  anchor[2] if anchor else cluster.sents[0],
                  anchor[3] if anchor else _whole(cluster.sents[0]), 0.7)
        if sub_event != "Peaceful protest":
            a2 = top({**agents, **patients}, {name or ""},  # the force on the street,
                     lambda v: v[1] in (1, 8) and not v[0].startswith("Government of")) \
                or top({**agents, **patients}, {name or ""},  # not the government it serves
                       lambda v: v[1] in (1, 8))
            if a2 is None and country:
                police = resolver.state_forces(country, year, "Police")
                a2 = (police, resolver.inter(police, country), cluster.sents[0],
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
            name = default_name(resolver, default1, country, year)
            a1 = (name, resolver.inter(name, country), cluster.sents[0],
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
            party = affiliations.party_of_named(cluster, country, year)
            if party is not None:
                a2 = party  # "police detained Ilan Dorsk, the leader of the X party"
        default = default_actor("actor2", sub_event)
        if a2 is None and a1 is not None and default and country:
            name = default_name(resolver, default, country, year)
            a2 = (name, resolver.inter(name, country), a1[2], _whole(a1[2]), 0.3)
            review.append(f"actor2: the text names no target; {name} assumed")
    assoc1: list[str] = []
    assoc2: list[str] = []
    return a1, a2, assoc1, assoc2


def default_name(resolver: ActorResolver, template: str, country: str, year: date) -> str:
    """A default actor's name: "{police}" / "{military}" are the country's state forces
    in the year, "{country}" the country."""
    for token, kind in (("{police}", "Police"), ("{military}", "Military")):
        if template == token:
            return resolver.state_forces(country, year, kind)
    return template.format(country=country)


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


def _whole(s: AnalysedSentence) -> ActorMention:
    return ActorMention(0, 0, "", "generic")
