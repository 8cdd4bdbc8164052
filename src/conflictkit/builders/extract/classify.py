"""What happened in a sentence: trigger phrases for ACLED's event and sub-event types.

The trigger table (`data/extract/events.yaml`) maps phrases to a sub-event type or to an open
kind settled by the actors (`violence`: Armed clash against armed actors, Attack against
civilians; `seizure`: Government regains / Non-state actor overtakes territory; `protest`:
Peaceful protest, upgraded by intervention, lethal force or rioting). `precedence` orders the
sub-event types for ACLED's rule that one interaction between the same actors at the same place
and day is one event coded at the higher type.

Public API: `find_triggers(sentence) -> list[Trigger]`, `framed(text_before) -> bool`,
`sentence_flags(sentence) -> Flags`,
`rank(sub_event_type) -> int` (lower is higher precedence), `protest_upgrades(text) -> set`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from conflictkit.builders.extract._data import table

OPEN_KINDS = ("violence", "seizure", "protest")


@dataclass(frozen=True)
class Trigger:
    kind: str  # a sub-event type or one of OPEN_KINDS
    start: int
    end: int
    text: str
    strength: int  # 2: an act on its own; 1: needs a date, place or toll beside it


@dataclass(frozen=True)
class Flags:
    hypothetical: bool
    negated: bool
    background: bool
    habitual: bool = False  # "who frequently plant bombs": what an actor does, not an event


@cache
def _tables() -> dict[str, Any]:
    data = table("events")
    triggers = []
    for item in data["triggers"]:
        flags = 0 if item.get("case") else re.I
        context = re.compile(item["context"], re.I) if item.get("context") else None
        triggers.append((re.compile(item["pattern"], flags), item["kind"], int(item["strength"]),
                         context))
    return {
        "triggers": triggers,
        "rank": {name: i for i, name in enumerate(data["precedence"])},
        "upgrades": {k: re.compile(v, re.I) for k, v in data["protest_upgrades"].items()},
        "not_event": {k: re.compile(v, re.I) for k, v in data["not_an_event"].items()},
        "demo_context": re.compile(data["demonstration_context"], re.I),
        "claims": {**{k: re.compile(v, re.I) for k, v in data["claims"].items()},
                   "by_description": re.compile(data["claim_by_description"], re.I)},
        "frames": [re.compile(v, re.I) for v in data["frames"].values()],
        "frames_after": re.compile(data["frames_after"], re.I),
        "negated_before": re.compile(data["negated_before"], re.I),
        "act_nouns": data["act_nouns"],
        "unplaced": re.compile(data["unplaced"], re.I),
        "folds_into": {k: tuple(v) for k, v in (data.get("folds_into") or {}).items()},
    }


def find_triggers(sentence: str) -> list[Trigger]:
    """Trigger phrases in a sentence; where two overlap the stronger, then longer, is kept."""
    found: list[Trigger] = []
    for regex, kind, strength, context in _tables()["triggers"]:
        if context is not None and not context.search(sentence):
            continue  # "an off-road rally": the word needs its context to be this act
        for match in regex.finditer(sentence):
            found.append(Trigger(kind, match.start(), match.end(), match.group(0), strength))
    found.sort(key=lambda t: (-t.strength, -(t.end - t.start), t.start))
    kept: list[Trigger] = []
    for trig in found:
        if all(trig.end <= k.start or trig.start >= k.end for k in kept):
            kept.append(trig)
    kept.sort(key=lambda t: t.start)
    return kept


def framed(before: str) -> bool:
    """Whether the text before a trigger puts it inside a frame that reports no event of its
    own: a charge or verdict ("cleared her of killing"), an inquiry ("an investigation into
    the killing"), a call, threat, plan or denial ("an end to sexual violence")."""
    window = before[-120:]
    return any(regex.search(window) for regex in _tables()["frames"])


def negated(before: str) -> bool:
    """Whether a negation governs the trigger that follows ("no arrests were made", "not one
    marcher was reported arrested", "no one was killed")."""
    return bool(_tables()["negated_before"].search(before[-60:]))


def act_nouns() -> str:
    """A regex alternation of nouns that name an act ("shooting", "events", "massacre")."""
    return str(_tables()["act_nouns"])


def framed_after(after: str) -> bool:
    """Whether the words after a trigger make it a plan, not an act ("had been planned")."""
    return bool(_tables()["frames_after"].match(after))


def unplaced(sentence: str) -> bool:
    """Whether a sentence places its act only everywhere ("across the country")."""
    return bool(_tables()["unplaced"].search(sentence))


def sentence_flags(sentence: str) -> Flags:
    tables = _tables()["not_event"]
    return Flags(bool(tables["hypothetical"].search(sentence)),
                 bool(tables["negated"].search(sentence)),
                 bool(tables["background"].search(sentence)),
                 bool(tables["habitual"].search(sentence)))


def folds_into(sub_event_type: str) -> tuple[str, ...]:
    """The families ("demonstration", "violent") a strategic development told beside one of
    them is part of (the events table's `folds_into`)."""
    return _tables()["folds_into"].get(sub_event_type, ())


def rank(sub_event_type: str) -> int:
    """Precedence of a sub-event type (0 is the highest)."""
    return _tables()["rank"].get(sub_event_type, 99)


def protest_upgrades(text: str) -> set[str]:
    """Which protest upgrades ("intervention", "lethal_force", "riot") a text mentions."""
    return {name for name, regex in _tables()["upgrades"].items() if regex.search(text)}


def demonstration_context(sentence: str) -> bool:
    """Whether a sentence speaks of unrest (its violence belongs to the demonstration)."""
    return bool(_tables()["demo_context"].search(sentence))


def claim_patterns() -> dict[str, re.Pattern[str]]:
    """Regexes after (X "claimed responsibility") and before ("blamed" X) a claimed actor."""
    return _tables()["claims"]
