"""The people an act targets by name and the organisations the article ties them to, so that
"police detained Ilan Dorsk, the leader of the X party" has the X party as actor2."""

from __future__ import annotations

import re
from datetime import date

from conflictkit.builders.extract._data import table
from conflictkit.builders.extract.actors import ActorMention, ActorResolver, find_actor_mentions
from conflictkit.builders.extract.rule_based.analysis import AnalysedSentence
from conflictkit.builders.extract.rule_based.clusters import Cluster
from conflictkit.builders.extract.rule_based.roles import Pick
from conflictkit.builders.extract.rule_based.wording import NOT_NAMES

_PERSON = r"(?P<name>(?:[A-Z][\w'’.-]+\s+){0,2}[A-Z][\w'’-]+)"
_OPPOSITION_PERSON = re.compile(rf"\bopposition\s+(?:leader|figure|politician|activist|"
                                rf"chief|candidate|lawmaker|MP)\s+{_PERSON}")
_STATE_NAME_RE = re.compile(r"^(?:(?:Military|Police) Forces of|Government of)\s")


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
    return [n for n in out if n.split()[-1] not in NOT_NAMES and n.split()[0] not in NOT_NAMES
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
    return [n for n in out if n.split()[-1] not in NOT_NAMES]


class Affiliations:
    """One article's ties between named people and organisations, read once (with the country
    and date of the first event that asks) and kept for the article's other events."""

    def __init__(self, resolver: ActorResolver, analysed: list[AnalysedSentence]) -> None:
        self._resolver = resolver
        self._analysed = analysed
        self._by_surname: dict[str, Pick] | None = None

    def party_of_named(self, cluster: Cluster, country: str | None, when: date) -> Pick | None:
        """The organisation a named person the act targets belongs to, as the article says
        ("X, the secretary general of the Y party", "the Y's secretary-general, X", "Y leader
        X"; or "opposition leader X" when the article names one opposition organisation)."""
        named = {n for s in cluster.sents for t in s.triggers
                 for n in person_names(s.sentence.text, t.start, t.end)}
        if not named:
            return None
        for person in named:
            org = self._surnames(country, when).get(person.split()[-1])
            if org is not None:
                return org
        return None

    def _surnames(self, country: str | None, when: date) -> dict[str, Pick]:
        """Surname -> the organisation the article ties each named person to (memoised)."""
        if self._by_surname is not None:
            return self._by_surname
        found: dict[str, Pick] = {}
        orgs_named: dict[str, Pick] = {}
        opposition: set[str] = set()
        for s in self._analysed:
            text = s.sentence.text
            for m in find_actor_mentions(text):
                if m.kind != "alias":
                    continue
                resolved = self._resolver.resolve(m, country, when)
                if resolved is None or _STATE_NAME_RE.match(resolved.name) \
                        or resolved.inter in (1, 5, 6, 7, 8):
                    continue
                entry = Pick(resolved.name, resolved.inter, s, m, 0.6)
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
        self._by_surname = found
        return found
