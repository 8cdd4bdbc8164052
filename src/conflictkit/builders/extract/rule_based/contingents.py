"""Mission contingents: the ones an article names ("Burundian peacekeepers", "African Union
peace-keepers from Uganda") and the ones an event's own sentences point to, since ACLED codes
the contingent when the report says which."""

from __future__ import annotations

import re
from datetime import date

from conflictkit.builders.extract._data import table
from conflictkit.builders.extract.actors import (
    ActorResolver,
    contingent,
    find_actor_mentions,
    mission_of,
)
from conflictkit.builders.extract.places import country_mentions
from conflictkit.builders.extract.rule_based.analysis import AnalysedSentence
from conflictkit.builders.extract.rule_based.clusters import Cluster

_CONTINGENT_WORD = re.compile(r"peace-?keep|soldier|troops|forces|contingent", re.I)


def named_contingents(resolver: ActorResolver, analysed: list[AnalysedSentence],
                      country: str | None, published: date) -> set[str]:
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
            resolved = resolver.resolve(m, country, year)
            if resolved is not None and mission_of(resolved.name):
                found.add(resolved.name)
        for match in re.finditer(r"\b(?:peace-?keepers|troops|soldiers|forces|contingent)\s+"
                                 r"from\s+([A-Z][\w-]+(?:\s[A-Z][\w-]+)?)", text):
            home = country_of_name(match.group(1))
            name = contingent(home, country, year) if home else None
            if name:
                found.add(name)
    return found


def cluster_contingents(cluster: Cluster, contingents: set[str]) -> set[str]:
    """Mission contingents the event's own sentences (or its paragraph) name ("a Ugandan
    soldier was killed in the clash"), among those the article names."""
    texts = " ".join(s.sentence.text for s in [*cluster.sents, *cluster.context])
    return {c for c in contingents
            if re.search(re.escape(c.rsplit("(", 1)[1].rstrip(")")), texts)
            or any(re.search(rf"\b{re.escape(dem)}\b", texts)
                   for dem in demonyms_of(c.rsplit("(", 1)[1].rstrip(")")))}


def demonyms_of(country: str) -> list[str]:
    """The demonyms the actors table gives a country ("Ugandan" for Uganda)."""
    return [d for d, c in (table("actors").get("demonyms") or {}).items() if c == country]


def country_of_name(name: str) -> str | None:
    """The ACLED country a name written in the text means ("Uganda" -> Uganda), if any."""
    found = country_mentions(name)
    return found[0][2] if found and not found[0][3] else None
