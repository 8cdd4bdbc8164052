"""Where: the event's country and the place inside it, from the gazetteer and the text.

The country is the one the article is about: named as a location ("in Syria", "across Nigeria")
counts three times a bare mention, a place of the country in an event sentence or the dateline
counts too. Places come from the gazetteer's text matching restricted to that country, in the
event's own sentences first, then the dateline (photo captions and "Read more" links are gone
before this). A town is geo_precision 1 ("near"/"outside" a town: 2); a region (admin1) alone is
geo_precision 3 at the region's centre; no place at all leaves the location blank, with a
review note quoting what the article does say ("8 kilometers east of the Euphrates River").

Public API: `PlaceFinder(gazetteer)` with `.country_scores(...)`, `.places_in(...)`,
`.choose(...)`; `Location` (the chosen columns and the evidence span).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from conflictkit.builders.extract._data import table
from conflictkit.builders.extract.actors import _TOKEN, fold

if TYPE_CHECKING:
    from conflictkit.reference.gazetteer import Gazetteer

_LOCATIVE = re.compile(
    r"\b(?:in|across|into|inside|over|throughout|northern|southern|eastern|western|central|"
    r"north-?eastern|north-?western|south-?eastern|south-?western|at|near|outside|around)\s+"
    r"(?:the\s+)?$", re.I)
_PLACE_CUE = re.compile(
    r"\b(?:in|at|on|near|outside|around|from|of|into|toward|towards|between|and)\s+(?:the\s+)?"
    r"(?:(?:\w+[- ])?(?:village|town|city|district|province|state|region|county|area|"
    r"neighbou?rhood|suburb|camp|capital|governorate|locality|commune|municipality)\s+(?:of\s+)?)?$",
    re.I)
_NEAR = re.compile(r"\b(?:near|outside|close to|on the outskirts of|around|kilomet(?:er|re)s?\s+"
                   r"(?:\w+\s+)?(?:from|of)|km\s+(?:\w+\s+)?(?:from|of)|miles\s+(?:\w+\s+)?"
                   r"(?:from|of))\s+(?:the\s+)?(?:(?:village|town|city)\s+of\s+)?$", re.I)
_VAGUE_PLACE = re.compile(
    r"\b\d+(?:\.\d+)?\s*(?:km|kilomet(?:er|re)s?|miles)(?:\s*\([^)]*\))?\s+(?:\w+\s+){0,2}?"
    r"(?:of|from)\s+(?:the\s+)?[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*", re.I)


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


class PlaceFinder:
    """Country and place choice over a gazetteer (None: countries only, no places)."""

    def __init__(self, gazetteer: Gazetteer | None) -> None:
        self.gazetteer = gazetteer

    def matches(self, text: str, country: str) -> list[Any]:
        if self.gazetteer is None or not text:
            return []
        try:
            return self.gazetteer.match_in_text(text, [country])
        except Exception:  # noqa: BLE001 - a gazetteer hiccup must not lose the event
            return []

    def country_scores(self, texts: list[tuple[str, float]],
                       dateline: str | None) -> dict[str, float]:
        """Weighted votes for the article's country from (text, weight) pieces and dateline."""
        scores: dict[str, float] = {}
        for text, weight in texts:
            for start, _end, country, demonym in country_mentions(text):
                value = 0.25 if demonym else (3.0 if _LOCATIVE.search(text[:start]) else 1.0)
                scores[country] = scores.get(country, 0.0) + value * weight
        if dateline and self.gazetteer is not None:
            for country, score in list(scores.items()):
                if self.matches(dateline, country):
                    scores[country] = score + 4.0
            if not scores:
                for match in self.gazetteer.match_in_text(dateline):
                    if match.kind == "place":
                        scores[match.target.country] = scores.get(match.target.country, 0) + 2
        return scores

    @cache  # noqa: B019 - one finder per process
    def _admin1_countries(self) -> dict[str, set[str]]:
        frame = self.gazetteer.places[["admin1", "country"]].dropna().drop_duplicates()
        out: dict[str, set[str]] = {}
        for admin1, country in zip(frame["admin1"], frame["country"], strict=True):
            out.setdefault(admin1, set()).add(country)
        return out

    def place_votes(self, texts: list[str], dateline: str | None) -> dict[str, float]:
        """Votes for countries from towns and regions named (any country) where no country is."""
        if self.gazetteer is None:
            return {}
        votes: dict[str, float] = {}
        for text, weight in [*((t, 1.0) for t in texts), *([(dateline, 2.0)] if dateline else [])]:
            for match in self.gazetteer.match_in_text(text):
                before = text[max(0, match.start - 60):match.start]
                cue = bool(_PLACE_CUE.search(before)) or text is dateline
                if match.kind == "place" and cue:
                    votes[match.target.country] = votes.get(match.target.country, 0) + weight
                elif match.kind == "admin1":
                    owners = self._admin1_countries().get(str(match.target), set())
                    if len(owners) == 1:
                        country = next(iter(owners))
                        votes[country] = votes.get(country, 0) + weight * 1.5
        return votes

    def places_in(self, sentence: str, country: str,
                  exclude: list[tuple[int, int]]) -> list[tuple[Any, float, bool]]:
        """(match, score, near) for places of `country` in a sentence, best first."""
        out = []
        countries = {(s, e) for s, e, _, _ in country_mentions(sentence)}
        for match in self.matches(sentence, country):
            if any(not (match.end <= s or match.start >= e) for s, e in [*exclude, *countries]):
                continue
            before = sentence[max(0, match.start - 60):match.start]
            cue = bool(_PLACE_CUE.search(before))
            near = bool(_NEAR.search(before))
            after = sentence[match.end:match.end + 25]
            if re.match(r"^\s*(?:'s|’s)?\s*(?:government|officials?|authorities|said|says|"
                        r"has|have|forces|army|police)\b", after):
                cue = False  # "Damascus has sent a letter": the government, not the place
                if not re.match(r"^\s*(?:forces|army|police)", after):
                    continue
            score = (2.0 if cue else 1.0) * (1.2 if match.kind == "place" else 1.0)
            out.append((match, score, near))
        out.sort(key=lambda item: -item[1])
        return out

    def location_of(self, match: Any, country: str, near: bool,
                    admin_hint: str | None) -> Location:
        """Columns for a text match: a town (precision 1, 2 when "near"), or a region (3)."""
        if match.kind == "place":
            place = match.target
            return Location(country, place.admin1, place.admin2, place.name, place.latitude,
                            place.longitude, 2 if near else 1, (match.start, match.end),
                            confidence=0.8)
        if match.kind == "ambiguous" and self.gazetteer is not None:
            candidates = self.gazetteer.find(country, match.target, admin_hint) if admin_hint \
                else self.gazetteer.find(country, match.target)
            if len(candidates) == 1:
                place = candidates[0]
                return Location(country, place.admin1, place.admin2, place.name,
                                place.latitude, place.longitude, 2 if near else 1,
                                (match.start, match.end), confidence=0.6)
            names = "; ".join(f"{p.name} ({p.admin1})" for p in candidates[:5])
            return Location(country, admin_hint, None, str(match.target), None, None,
                            2 if near else 1, (match.start, match.end), confidence=0.3,
                            review=f"location {match.target!r} is ambiguous: {names}")
        admin1 = str(match.target)
        lat = lon = None
        if self.gazetteer is not None:
            try:
                lat, lon = self.gazetteer.admin1_centroid(country, admin1)
            except Exception:  # noqa: BLE001
                lat = lon = None
        return Location(country, admin1, None, admin1, lat, lon, 3, (match.start, match.end),
                        confidence=0.5,
                        review=f"only the region {admin1!r} is named: placed at its centre "
                               "(geo_precision 3); check for a town")


_UNKNOWN_PLACE = re.compile(
    r"\b(?:town|village|city|locality|community|settlement|hamlet|camp) of\s+"
    r"(?P<a>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2})"
    r"|\b(?:in|at|near)\s+(?P<b>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)\s+(?:village|town)\b")


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
