"""Actors in article text: find the phrases, then name them as the actor registry does.

Finding is country-blind and runs per sentence: named groups and aliases from the registry
("US-led coalition", "al-Shabaab", "ISWAP"), a demonym with a head noun ("Nigerian troops",
"Israeli warplanes": that state's forces), and generic descriptions ("gunmen", "villagers",
"protesters") from `data/extract/actors.yaml`. Naming happens once the event's country and year
are known (`ActorResolver.resolve`): "gunmen" becomes "Unidentified Armed Group (Nigeria)",
"troops" the registry's "Military Forces of Nigeria (2015-)", and each name gets its inter code
(a state's forces abroad are External/Other forces).

Public API: `find_actor_mentions(sentence) -> list[ActorMention]`; `ActorResolver(registry)`
with `.resolve(mention, country, year) -> ResolvedActor | None` and `.inter(name, country)`.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from conflictkit.builders.extract._data import alternation, table

if TYPE_CHECKING:
    from conflictkit.reference.actors import ActorRegistry

MAX_ALIAS_TOKENS = 9
_TOKEN = re.compile(r"[^\W_]+")
_ACRONYM = re.compile(r"^(?P<acronym>[^:]{1,20}): (?P<long>.+)$")
_COUNTRY_SUFFIX = re.compile(r"^(?P<base>[^()]+) \((?P<country>[^()]+)\)$")
_STATE_NAME = re.compile(
    r"^(?:Military|Police) Forces of (?:the |The )?(?P<home>[^()]+?)(?: \(\d{4}-(?:\d{4})?\)"
    r"(?: .+)?)?$|^Government of (?:the |The )?(?P<home2>[^()]+?)(?: \(\d{4}-(?:\d{4})?\))?$"
)
_GENERIC_INTER = {
    "Civilians": 7, "Protesters": 6, "Rioters": 5, "Unidentified Armed Group": 3,
    "Unidentified Gang": 3, "Sole Perpetrator": 3,
}


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Matching key of a token or phrase: accents stripped, casefolded."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@dataclass(frozen=True)
class ActorMention:
    """An actor phrase in a sentence (offsets within the sentence)."""

    start: int
    end: int
    text: str
    kind: str  # "alias": look the text up in the registry; "state": a country's forces;
    #            "generic": a template such as "Civilians ({country})"; "role": a description
    #            that names an actor only in some countries and years (`roles` in the table)
    template: str | None = None  # generic: the name template; state: "Military"/"Police"
    home: str | None = None  # state: the country the demonym names (None: the event country)
    victim: bool = False  # a description of people who suffer rather than act
    weak: bool = False  # "people", "men": an actor only when nothing better is named
    query: str | None = None  # alias: the registry alias to look up when not the text itself


@dataclass(frozen=True)
class ResolvedActor:
    name: str
    inter: int | None


@dataclass(frozen=True)
class _Form:
    words: tuple[str, ...]  # the form's tokens as written
    exact_case: bool


@cache
def _alias_index() -> tuple[dict[str, list[_Form]], frozenset[str]]:
    """Registry names and aliases by folded token key; the set of keys' first tokens."""
    forms: list[tuple[str, bool]] = []
    data = resources.files("conflictkit").joinpath("data", "actor_aliases.csv")
    with data.open("r", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            alias = row["alias"].strip()
            acronym = len(alias) <= 6 and sum(c.isupper() for c in alias) >= 2
            forms.append((alias, acronym))
    names = resources.files("conflictkit").joinpath("data", "acled_actors_seen.csv")
    with names.open("r", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = row["actor"]
            if "{" in name:
                continue
            candidates = [name]
            match = _ACRONYM.match(name)
            if match:
                candidates += [match["acronym"], match["long"]]
            match = _COUNTRY_SUFFIX.match(name)
            if match:
                candidates.append(match["base"])
            for form in candidates:
                tokens = _TOKEN.findall(form)
                forms.append((form, len(tokens) < 2 or (len(form) <= 6 and form.isupper())))
    index: dict[str, list[_Form]] = {}
    for form, exact in forms:
        tokens = tuple(_TOKEN.findall(form))
        if tokens and fold(tokens[0]) == "the":
            tokens = tokens[1:]
        if not tokens or len(tokens) > MAX_ALIAS_TOKENS:
            continue
        key = " ".join(fold(t) for t in tokens)
        index.setdefault(key, []).append(_Form(tokens, exact))
    firsts = frozenset(k.split(" ", 1)[0] for k in index)
    return index, firsts


@cache
def _patterns() -> dict[str, Any]:
    data = table("actors")
    demonyms: dict[str, str] = data["demonyms"]
    dem = alternation(list(demonyms))
    heads = {kind: re.compile(rf"(?:\b(?P<dem>{dem})(?:\s+|-))?(?<![\w-])(?P<head>{pattern})\b")
             for kind, pattern in data["state_heads"].items()}
    generic = [(re.compile(item["pattern"], re.I), item) for item in data["generic"]]
    described = [(re.compile(item["pattern"]), item) for item in data.get("described", [])]
    roles = [(re.compile(item["pattern"], re.I), item) for item in data.get("roles", [])]
    names = alternation(sorted(set(demonyms.values())))
    country_acts = re.compile(rf"\b(?:the\s+)?(?P<c>{names})\s+{data['country_act_verbs']}\b")
    acts = re.compile(rf"\b(?P<dem>{dem})(?:\s+|-)(?:-?led\s+)?(?P<act>{data['state_acts']})\b")
    return {"demonyms": demonyms, "heads": heads, "generic": generic, "described": described,
            "acts": acts, "roles": roles, "country_acts": country_acts,
            "not_actors": re.compile(data["not_actors"], re.I)}


def _alias_mentions(sentence: str) -> list[ActorMention]:
    index, firsts = _alias_index()
    tokens = list(_TOKEN.finditer(sentence))
    folded = [fold(t.group(0)) for t in tokens]
    found: list[ActorMention] = []
    i = 0
    while i < len(tokens):
        if folded[i] not in firsts:
            i += 1
            continue
        matched = 0
        for n in range(min(MAX_ALIAS_TOKENS, len(tokens) - i), 0, -1):
            forms = index.get(" ".join(folded[i:i + n]))
            if not forms:
                continue
            written = tuple(t.group(0) for t in tokens[i:i + n])
            if any(not f.exact_case or f.words == written for f in forms):
                start, end = tokens[i].start(), tokens[i + n - 1].end()
                found.append(ActorMention(start, end, sentence[start:end], "alias"))
                matched = n
                break
        i += matched or 1
    return found


def nationality_before(sentence: str, start: int, patterns: dict[str, Any]) -> str | None:
    """The country of a demonym just before a description of people ("two British tourists",
    "a French family"): civilians are coded by their nationality (ACLED's Civilians (France))."""
    match = re.search(r"\b([A-Z][\w.]*(?:\s[A-Z][\w.]*)?)\s+(?:[a-z][\w-]*\s+){0,2}$",
                      sentence[max(0, start - 50):start])
    if not match:
        return None
    return patterns["demonyms"].get(match.group(1))


def role_actor(text: str, country: str | None, year: int | None) -> str | None:
    """The registry actor a role description names in this country and year, if one does."""
    for regex, item in _patterns()["roles"]:
        if not regex.search(text) or country not in item.get("countries", [country]):
            continue
        if year is not None and not item.get("from", year) <= year <= item.get("to", year):
            continue
        return str(item["actor"])
    return None


def period_name(name: str, country: str, when: int | date | None) -> str:
    """A state body's name with ACLED's period for the event's day (or year) from the
    `state_periods` table ("Military Forces of Libya" on 2011-04-20 -> "... (1969-2011)")."""
    if when is None:
        return name
    for period in (table("actors").get("state_periods") or {}).get(country, []):
        start, end = period["from"], period.get("to")
        if isinstance(when, date):
            inside = start <= when and (end is None or when < end)
        else:
            inside = start.year <= when <= (end.year if end else 9999)
        if inside:
            return f"{name} ({start.year}-{end.year if end else ''})"
    return name


@cache
def _leaders() -> tuple[re.Pattern[str], dict[str, str]] | None:
    """A regex for forces named after a ruler ("Gaddafi's forces", "troops loyal to Mubarak",
    "pro-Gbagbo militias") and each ruler's (folded) name -> country."""
    owners = {fold(name): country
              for country, periods in (table("actors").get("state_periods") or {}).items()
              for period in periods for name in period.get("leaders", [])}
    if not owners:
        return None
    names = alternation(sorted({n for periods in table("actors")["state_periods"].values()
                                for p in periods for n in p.get("leaders", [])}))
    forces = (r"(?:forces|troops|soldiers|loyalists|militias?|militiamen|fighters|army|"
              r"regime|government|security forces)")
    regex = re.compile(
        rf"\b(?:(?:pro-)?(?P<a>{names})(?:['’]s)?\s+{forces}|{forces}\s+(?:loyal\s+to|of)\s+"
        rf"(?:[\w-]+\s+){{0,4}}?(?P<b>{names})|(?P<c>{names})\s+loyalists)\b", re.I)
    return regex, owners


def find_actor_mentions(sentence: str, roles: bool = True) -> list[ActorMention]:
    """Actor phrases in a sentence, longest first where they overlap, in text order."""
    return list(_mentions(sentence, roles))


def forget_mentions() -> None:
    """Drop the memo of `find_actor_mentions` (the extractor does so for each article, so
    that one article's reading never speeds up another's)."""
    _mentions.cache_clear()


@lru_cache(maxsize=4096)
def _mentions(sentence: str, roles: bool) -> tuple[ActorMention, ...]:
    """`find_actor_mentions`, memoised within an article: a sentence is read for actors several
    times (its event, claims, contingents, affiliations), and mentions are immutable."""
    found = _find_actor_mentions(sentence, roles)
    leaders = _leaders()
    if leaders is None or not leaders[0].search(sentence):
        return tuple(found)
    regex, owners = leaders
    out = list(found)
    for match in regex.finditer(sentence):
        name = match["a"] or match["b"] or match["c"]
        kind = "Government" if re.search(r"regime|government", match.group(0), re.I) and \
            not re.search(r"forces|troops|soldiers", match.group(0), re.I) else "Military"
        mention = ActorMention(match.start(), match.end(), match.group(0), "state", kind,
                               owners[fold(name)])
        out = [m for m in out if m.end <= mention.start or m.start >= mention.end]
        out.append(mention)
    return tuple(sorted(out, key=lambda m: m.start))


def contingent(home: str, country: str | None, year: int | None) -> str | None:
    """The mission contingent a country's soldiers form in `country` and `year` ("Burundian
    troops" in Somalia in 2017 -> "AMISOM: ... (2007-) (Burundi)"), if they form one."""
    if country is None or home == country:
        return None
    for item in table("actors").get("contingents") or []:
        if country not in item["countries"]:
            continue
        if year is not None and not item.get("from", year) <= year <= item.get("to", year):
            continue
        since = (item.get("contributors") or {}).get(home)
        if since is not None and (year is None or year >= since):
            return f"{item['mission']} ({home})"
    return None


def mission_of(name: str) -> str | None:
    """The mission a contingent's name belongs to ("AMISOM: ... (2007-) (Uganda)" ->
    "AMISOM: ... (2007-)"), None for any other name."""
    for item in table("actors").get("contingents") or []:
        if name.startswith(item["mission"] + " ("):
            return str(item["mission"])
    return None


def _find_actor_mentions(sentence: str, roles: bool = True) -> list[ActorMention]:
    p = _patterns()
    candidates: list[tuple[int, ActorMention]] = []  # (priority, mention): lower wins ties
    for mention in _alias_mentions(sentence):
        candidates.append((0, mention))
    for regex, _item in p["roles"] if roles else ():
        for match in regex.finditer(sentence):
            candidates.append((-2, ActorMention(match.start(), match.end(), match.group(0),
                                                "role")))
    for regex, item in p["described"]:
        for match in regex.finditer(sentence):
            candidates.append((0, ActorMention(match.start(), match.end(), match.group(0),
                                               "alias", query=item["alias"])))
    for kind, regex in p["heads"].items():
        for match in regex.finditer(sentence):
            home = p["demonyms"].get(match["dem"]) if match["dem"] else None
            candidates.append((1, ActorMention(match.start(), match.end(), match.group(0),
                                               "state", kind, home)))
    for match in p["country_acts"].finditer(sentence):
        candidates.append((1, ActorMention(match.start("c"), match.end("c"), match["c"], "state",
                                           "Military", match["c"])))
    for match in p["acts"].finditer(sentence):
        # "Ruritanian shelling", "U.S. airstrikes": the demonym names who acted; the mention
        # ends before the act so the act's trigger stays whole
        home = p["demonyms"].get(match["dem"])
        candidates.append((1, ActorMention(match.start("dem"), match.end("dem"),
                                           match["dem"], "state", "Military", home)))
    for regex, item in p["generic"]:
        for match in regex.finditer(sentence):
            # a description of victims beats the registry's alias of the same words
            # ("civilians"), so the mention keeps its victim flag
            home = nationality_before(sentence, match.start(), p) if item.get("victim") \
                else None
            candidates.append((-1 if item.get("victim") else 2, ActorMention(
                match.start(), match.end(), match.group(0), "generic", item["actor"],
                home=home, victim=bool(item.get("victim")), weak=bool(item.get("weak")))))
    candidates.sort(key=lambda c: (-(c[1].end - c[1].start), c[0], c[1].start))
    chosen: list[ActorMention] = []
    for _, mention in candidates:
        if all(mention.end <= m.start or mention.start >= m.end for m in chosen):
            chosen.append(mention)
    chosen.sort(key=lambda m: m.start)
    return _named_with_description(sentence, chosen, p)


def _named_with_description(sentence: str, mentions: list[ActorMention],
                            p: dict[str, Any]) -> list[ActorMention]:
    """A named actor right before a description of fighters is one actor: "Al Shabaab
    gunmen", "Boko Haram fighters" are the group, not unidentified gunmen."""
    out: list[ActorMention] = []
    for mention in mentions:
        last = out[-1] if out else None
        if last is not None and last.kind in ("alias", "role") \
                and sentence[last.end:mention.start] == " " \
                and any(regex.fullmatch(mention.text) and not item.get("victim")
                        for regex, item in p["generic"]) \
                and not any(regex.fullmatch(last.text) for regex, _ in p["generic"]):
            out[-1] = ActorMention(last.start, mention.end, sentence[last.start:mention.end],
                                   last.kind, query=last.query or last.text)
            continue
        out.append(mention)
    return out


class ActorResolver:
    """Names mentions as the registry does, with caches (registry lookups are not cheap)."""

    def __init__(self, registry: ActorRegistry | None) -> None:
        self.registry = registry
        self._names: frozenset[str] = frozenset(registry.names) if registry else frozenset()
        self._inter_of: dict[str, Any] = dict(getattr(registry, "_inter", {}) or {})
        self._cache: dict[tuple[str, str, str | None, int | None], ResolvedActor | None] = {}
        self._inter_cache: dict[tuple[str, str | None], int | None] = {}
        self._article: frozenset[str] | None = None

    def state_forces(self, country: str, year: int | date | None, kind: str) -> str:
        """The registry's name of a country's military, police or government in the event's
        year (a day: the period's boundary is a day), with ACLED's period when the registry
        has none for it."""
        key = (f"state:{kind}", country, None, year)  # type: ignore[arg-type]
        if key not in self._cache:
            plain_year = year.year if isinstance(year, date) else year
            if self.registry is not None:
                name = self.registry.state_forces(country, plain_year, kind)
            else:
                name = f"{kind} Forces of {country}" if kind != "Government" \
                    else f"Government of {country}"
            self._cache[key] = ResolvedActor(self._dated(name, country, year), None)
        return self._cache[key].name  # type: ignore[union-attr]

    def _dated(self, name: str, country: str, when: int | date | None) -> str:
        """ "of the United States" as the registry spells it, and the period when missing."""
        if country in self._with_article() and name.endswith(f" of {country}"):
            name = name[: -len(country)] + "the " + country  # ACLED: "of the United States"
        if not re.search(r"\(\d{4}-", name):  # the registry has no name for the year
            name = period_name(name, country, when)
        return name

    def _with_article(self) -> frozenset[str]:
        """Countries whose state-force names take "the" in the registry ("of the Philippines")."""
        if self._article is None:
            found = set()
            for name in self._names:
                match = re.match(r"^(?:Military|Police) Forces of the ([^()]+?)(?: \(|$)", name)
                if match:
                    found.add(match.group(1).strip())
            self._article = frozenset(found)
        return self._article

    def resolve(self, mention: ActorMention, country: str | None,
                year: int | date | None) -> ResolvedActor | None:
        """The registry's name and inter code for a mention in an event in `country` in a
        year (or on a day: a state's period can change within a year)."""
        when = year
        year = year.year if isinstance(year, date) else year
        if mention.kind == "role":
            name = role_actor(mention.text, country, year)
            if name is None:  # not this country or period: read the words as usual
                fallback = [m for m in _find_actor_mentions(mention.text, roles=False)
                            if m.kind != "role"]
                return self.resolve(fallback[0], country, year) if fallback else None
            return ResolvedActor(name, self.inter(name, country))
        if mention.kind == "state":
            home = mention.home or country
            if home is None:
                return None
            if re.search(r"peace-?keep", mention.text, re.I) and mention.home is None:
                return None  # peacekeepers of no named nation are not the country's army
            name = contingent(home, country, year) or self.state_forces(
                home, when, mention.template or "Military")
        elif mention.kind == "generic":
            where = mention.home or country  # "a French family" in Mauritania: Civilians (France)
            if where is None:
                return None
            name = (mention.template or "").replace("{country}", where)
        else:
            query = mention.query or mention.text
            key = (fold(query), "alias", country, year)
            if key not in self._cache:
                self._cache[key] = self._lookup_alias(query, country, year)
            found = self._cache[key]
            if found is None:
                return None
            name = found.name
            bare = _STATE_NAME.match(name)
            if bare and not re.search(r"\(\d{4}-", name):  # "troops" -> the army of the year
                home = bare["home"] or bare["home2"]
                name = self._dated(name, home, when)
        return ResolvedActor(name, self.inter(name, country))

    def _lookup_alias(self, text: str, country: str | None,
                      year: int | None) -> ResolvedActor | None:
        if text in self._names:
            return ResolvedActor(text, None)
        if self.registry is None:
            return None
        candidates = getattr(self.registry, "alias_candidates", lambda _: [])(text)
        simple = [c for c in candidates if " and/or " not in c and "{" not in c
                  and not c.startswith("Former ") and not c.endswith(" Militia")]
        if len(simple) == 1 and len(candidates) > 1:
            return ResolvedActor(simple[0], None)  # "JNIM" is JNIM, not "JNIM and/or IS";
            #  a party is the party, not its militia or a former name
        resolve = getattr(self.registry, "_resolve_alias", None)
        if resolve is not None:  # the registry's alias step without its per-call DataFrame work
            from conflictkit.reference.countries import resolve_country

            target = resolve(text, resolve_country(country) if country else None, year)
        else:
            target = self.registry.canonical(text, country, year)
        return None if target is None else ResolvedActor(target, None)

    def inter(self, name: str, country: str | None) -> int | None:
        """Actor-type code of `name` acting in `country` (state forces abroad: 8)."""
        key = (name, country)
        if key in self._inter_cache:
            return self._inter_cache[key]
        code: int | None = None
        match = _STATE_NAME.match(name)
        suffix = _COUNTRY_SUFFIX.match(name)
        if match:
            from conflictkit.reference.countries import resolve_country

            home = resolve_country(match["home"] or match["home2"])
            code = 1 if country is None or home == resolve_country(country) else 8
            if home is None and self.registry is not None:
                code = self.registry.inter_code(name, country)
        elif suffix and suffix["base"] in _GENERIC_INTER:
            code = _GENERIC_INTER[suffix["base"]]
        else:
            value = self._inter_of.get(name)
            code = None if value is None or str(value) in ("<NA>", "nan", "") else int(value)
            if code is None and self.registry is not None:
                code = self.registry.inter_code(name, country)
        self._inter_cache[key] = code
        return code
