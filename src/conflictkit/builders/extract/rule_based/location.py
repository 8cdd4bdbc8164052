"""The place of one event: a town its own sentences name (after a place cue first), a settlement
the gazetteer lacks, a town other sentences tie to its date or its site, the lead's or the
dateline's town, or the country alone; the towns an event sentence lists (one event per town, each
with its toll); and acts placed only "across the country", which no one place can code."""

from __future__ import annotations

import re
from typing import Any

from conflictkit.builders.extract import classify
from conflictkit.builders.extract.base import Evidence
from conflictkit.builders.extract.fatalities import parse_number, split_over_days
from conflictkit.builders.extract.places import (
    Location,
    town_before_region,
    unknown_place,
    vague_place,
)
from conflictkit.builders.extract.rule_based.analysis import DEMO, AnalysedSentence
from conflictkit.builders.extract.rule_based.clusters import Cluster
from conflictkit.builders.extract.rule_based.geography import ArticlePlaces
from conflictkit.builders.extract.rule_based.provenance import evidence
from conflictkit.builders.extract.text import Article

_LIST_JOIN = re.compile(r"^\s*(?:[A-Z]\.(?:[A-Z]\.)+)?\s*(?:,|;)?\s*(?:and\s+|or\s+|as well as\s+)?"
                        r"(?:(?:\d[\d,.]*|\w+)\s+(?:(?:people|killed|dead|died)\s+)?)?"
                        r"(?:(?:in|at)\s+)?$")
_BARE_COUNT_BEFORE_PLACE = re.compile(
    r"(?:,|\band)\s+(?P<n>\d[\d,]*|[a-z]+(?:-[a-z]+)?)\s+(?:in|at)\s+$")
_TOLL_BEFORE_PLACE = re.compile(r"^[\s\w]{0,30}?\b(?:in|at)\s+$")
_SITES = (r"(camp|village|market|school|mosque|church|hospital|stadium|prison|base|checkpoint|"
          r"university|courthouse|square|airport|compound|barracks|station|town)")
_SITE_NAMED = re.compile(rf"\b(?:the|a|an)\s+(?:[\w-]+\s+){{0,2}}?{_SITES}s?\b", re.I)
_SITE = re.compile(rf"\b{_SITES}s?\s+(?:in|at|of|near|outside)\s+(?:the\s+)?$", re.I)
_PERSON_OF = re.compile(r"\b(?:[A-Z][\w'’-]+\s+)+(?:of|from)\s+$")  # "Bob Bland of Dorvik"


def event_location(places: ArticlePlaces, cluster: Cluster, article: Article,
                   country: str | None, analysed: list[AnalysedSentence],
                   review: list[str]) -> Location:
    """The event's place, most specific first: a town of its own sentences (after a place
    cue first), unless a settlement the gazetteer lacks is named before it ("the suburb of
    Dorvik, in east Athens"); a named settlement the gazetteer lacks; the dateline's town
    (where the report was filed, so only when the text names no place); a region."""
    if country is None:
        return Location(None, review="location: no country identified")
    admin_hint = None
    candidates = []
    for s in cluster.sents:
        exclude = [(m.start, m.end) for m in s.mentions]
        for match in places.find(s.sentence.text, country, exclude):
            candidates.append((match, s))
            if match.kind == "admin1" and admin_hint is None:
                admin_hint = match.admin1
    towns = [c for c in candidates if c[0].kind == "town" and c[0].towns]
    pick = max(towns, key=lambda c: c[0].score) if towns else None
    if pick is not None:
        match, s = pick
        named = unknown_place(s.sentence.text)
        if named and named[1] <= match.start and not places.find(
                named[2], country, []):
            town = places.location_of(match, country, admin_hint)
            return _unknown(country, town.admin1, named, s, review)
        loc = places.location_of(match, country, admin_hint)
        loc.sentence = s.sentence
        return loc
    for match, s in candidates:
        named = town_before_region(s.sentence.text, match)
        if named:
            return _unknown(country, match.admin1, named, s, review)
    for s in cluster.sents:
        named = unknown_place(s.sentence.text)
        if named:
            return _unknown(country, admin_hint, named, s, review)
    dated = _place_by_date(places, cluster, analysed, country)
    if dated is not None:
        return dated
    beside = [(m, s) for s in cluster.context
              for m in places.find(s.sentence.text, country, [])
              if m.kind == "town" and m.towns]
    if beside:  # a town the paragraph names beside the act ("at Conakry's stadium")
        match, s = max(beside, key=lambda c: c[0].score)
        loc = places.location_of(match, country, admin_hint)
        loc.sentence, loc.confidence = s.sentence, 0.6
        loc.review = (f"location: {loc.location}, named in the paragraph that tells the act; "
                      "its own sentences name no place")
        return loc
    anchored = _anchored_town(places, cluster, analysed, country)
    if anchored is not None:
        match, s = anchored
        loc = places.location_of(match, country, admin_hint)
        loc.sentence = s.sentence
        loc.confidence = 0.6
        loc.review = (f"location: {loc.location}, where another sentence puts the "
                      f"{_SITE.search(s.sentence.text[:match.start]).group(1)} the event "
                      "hit")  # type: ignore[union-attr]
        return loc
    lead = _lead_town(places, article, country) if admin_hint is None else None
    if lead is not None:
        loc = places.location_of(lead, country, None)
        loc.span, loc.confidence = None, 0.5
        loc.review = (f"location: {lead.towns[0].name}, the one town the report's lead "
                      "names; the event's own sentences name none")
        return loc
    if article.dateline and admin_hint is None:
        for match in places.find(article.dateline, country, []):
            if match.kind == "town" and match.towns:
                loc = places.location_of(match, country, admin_hint)
                loc.span = (0, len(article.dateline))
                loc.confidence = 0.6
                loc.review = "location: the dateline's town (where the report was filed); " \
                             "the text names no place of the event"
                return loc
    if candidates:
        match, s = max(candidates, key=lambda c: c[0].score)
        loc = places.location_of(match, country, admin_hint)
        loc.sentence = s.sentence
        return loc
    hint = next((v for s in cluster.sents if (v := vague_place(s.sentence.text))), None)
    message = "location: the article names no place finer than the country"
    if hint:
        message += f" (it says: {hint!r})"
    return Location(country, geo_precision=3, review=message + "; geo_precision 3")


def _place_by_date(places: ArticlePlaces, cluster: Cluster, analysed: list[AnalysedSentence],
                   country: str) -> Location | None:
    """The place another sentence gives right beside the event's own calendar date ("the
    disappearance of a reporter in North Waziristan on August 11" for a kidnapping told
    "on August 11" without a place)."""
    src = cluster.date_from
    if src is None or src.date_mention is None or cluster.precision != 1 \
            or not re.search(r"\d", src.date_mention.text):
        return None
    for s in analysed:
        if s is src:
            continue
        text = s.sentence.text
        for mention in s.dates:
            if mention.days != src.date_mention.days or not re.search(r"\d", mention.text):
                continue
            for match in places.find(text, country, []):
                gap = text[match.end:mention.start] if match.end <= mention.start else ""
                if gap and re.fullmatch(r",?\s+(?:on\s+)?", gap):
                    loc = places.location_of(match, country, None)
                    loc.sentence, loc.confidence = s.sentence, 0.5
                    loc.review = (f"location: {match.text}, which another sentence names "
                                  f"beside the event's date ({mention.text!r})")
                    return loc
    return None


def is_unplaced(places: ArticlePlaces, cluster: Cluster) -> bool:
    """An act the text places only "across the country" or "in several cities", naming
    no place of its own: not one event ACLED could code."""
    if cluster.place is not None or not all(classify.unplaced(s.sentence.text)
                                            for s in cluster.sents):
        return False
    country = cluster.country
    return not any(places.find(s.sentence.text, country, [])
                   for s in cluster.sents) if country else True


def _anchored_town(places: ArticlePlaces, cluster: Cluster, analysed: list[AnalysedSentence],
                   country: str) -> tuple[Any, AnalysedSentence] | None:
    """The town another sentence gives the site the event hit: "an airstrike on a camp"
    ... "the camp in Dorvik" -> Dorvik."""
    sites = {m.group(1).lower() for s in cluster.sents
             for m in _SITE_NAMED.finditer(s.sentence.text)}
    if not sites:
        return None
    for s in analysed:
        text = s.sentence.text
        for match in places.find(text, country, []):
            site = _SITE.search(text[max(0, match.start - 40):match.start])
            if match.kind == "town" and match.towns and site \
                    and site.group(1).lower() in sites:
                return match, s
    return None


def _lead_town(places: ArticlePlaces, article: Article, country: str) -> Any:
    """The one town the title and the lead name after a place cue, if only one."""
    texts = [article.title or ""]
    texts += [s.text for s in article.sentences if s.paragraph == 0]
    found = {}
    for text in texts:
        for match in places.find(text, country, []):
            if match.kind == "town" and match.towns and match.cue:
                found.setdefault(match.towns[0].name, match)
    return next(iter(found.values())) if len(found) == 1 else None


def _unknown(country: str, admin1: str | None, named: tuple[int, int, str],
             s: AnalysedSentence, review: list[str]) -> Location:
    """A place the gazetteer lacks, kept as written (no coordinates) and flagged."""
    start, end, name = named
    review.append(f"location {name!r} is not in the gazetteer: kept as written; add its "
                  "coordinates (or a reference/places.csv entry)")
    return Location(country, admin1, None, name, None, None, 1, (start, end), s.sentence,
                    0.4)


def _listed_places(places: ArticlePlaces, cluster: Cluster, country: str | None,
                   analysed: list[AnalysedSentence] | None = None
                   ) -> list[tuple[Any, AnalysedSentence]]:
    """Towns an event sentence (or a sentence about the same kind of act in its paragraph
    or the next) lists as the places of the act ("in Aleppo and Homs", "750 in Dorvik,
    450 in Vesna and 250 in Kroll"): one event per town."""
    if country is None:
        return []
    best: list[tuple[Any, AnalysedSentence]] = []
    paragraphs = {s.sentence.paragraph for s in cluster.sents}
    around = paragraphs | {p + 1 for p in paragraphs} | {p - 1 for p in paragraphs}
    members = {id(s) for s in cluster.sents}
    nearby = [a for a in analysed or () if a.triggers and a.family == cluster.family
              and id(a) not in members and a.sentence.paragraph in around]
    for s in [*cluster.sents, *nearby]:
        text = s.sentence.text
        exclude = [(m.start, m.end) for m in s.mentions]
        towns = [m for m in places.find(text, country, exclude)
                 if m.kind == "town" and m.towns]
        run: list[Any] = []
        for match in towns:
            if run and not _LIST_JOIN.match(text[run[-1].end:match.start]):
                if len(run) > len(best):
                    best = [(m, s) for m in run]
                run = []
            if not run and not match.cue:
                continue
            run.append(match)
        if len(run) > len(best):
            best = [(m, s) for m in run]
    names = {m.towns[0].name for m, _ in best}
    listed = best if len(names) >= 2 and len(names) == len(best) else []
    if cluster.family == DEMO:
        towns = _other_protest_towns(places, cluster, country, nearby)
        if len(towns) > len(listed):
            return towns
    return listed


def _other_protest_towns(places: ArticlePlaces, cluster: Cluster, country: str,
                         nearby: list[AnalysedSentence]
                         ) -> list[tuple[Any, AnalysedSentence]]:
    """The towns the protest's sentences, and undated sentences about protests beside them,
    name after a place cue ("thousands marched in Dorvik ... rallies were also held in
    Vesna"): one event per town, same day."""
    found: dict[str, tuple[Any, AnalysedSentence]] = {}
    for s in [*cluster.sents, *(a for a in nearby if not a.days)]:
        exclude = [(m.start, m.end) for m in s.mentions]
        text = s.sentence.text
        for match in places.find(text, country, exclude):
            if match.kind == "town" and match.towns and match.cue \
                    and not _PERSON_OF.search(text[max(0, match.start - 40):match.start]):
                found.setdefault(match.towns[0].name, (match, s))
    return list(found.values()) if len(found) >= 2 else []


def per_place(places: ArticlePlaces, cluster: Cluster, country: str | None, fatalities: int,
              fields: dict[str, Any], provenance: dict[str, Evidence],
              analysed: list[AnalysedSentence]
              ) -> list[tuple[dict[str, Any], int, list[str]]]:
    """(fields, toll, review) per place: one event per town an event sentence lists, each
    with the toll the text gives it ("four killed in A, two in B") or an even share."""
    listed = _listed_places(places, cluster, country, analysed)
    if not listed:
        return [(fields, fatalities, [])]
    own: list[int | None] = []
    for match, s in listed:
        text = s.sentence.text
        toll = next((t for t in s.tolls if t.end <= match.start and _TOLL_BEFORE_PLACE.match(
            text[t.end:match.start])), None)
        bare = _BARE_COUNT_BEFORE_PLACE.search(text[:match.start])
        if toll is not None:
            own.append(toll.count)
        elif own and own[0] is not None and bare:  # "four killed in A, two in B"
            own.append(parse_number(bare["n"]))
        else:
            own.append(None)
    if all(v is not None for v in own):
        tolls = [int(v) for v in own]  # type: ignore[arg-type]
        note = "fatalities: as the text gives them place by place"
    else:
        tolls = split_over_days(fatalities, len(listed))
        note = f"fatalities: {fatalities} split evenly over {len(listed)} places"
    out = []
    for (match, s), toll in zip(listed, tolls, strict=True):
        loc = places.location_of(match, country or "", None)
        where = dict(fields, admin1=loc.admin1, admin2=loc.admin2, location=loc.location,
                     latitude=loc.latitude, longitude=loc.longitude,
                     geo_precision=loc.geo_precision)
        provenance["location"] = evidence(s.sentence, match.start, match.end, 0.7)
        out.append((where, toll, [f"location: one of {len(listed)} places the sentence "
                                  f"lists; {note}"]))
    return out
