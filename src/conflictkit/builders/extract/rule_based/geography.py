"""The gazetteer as one article reads it: the words it writes in lower case, its country, the
country a sentence places its own act in, and the place a sentence's act is grouped by."""

from __future__ import annotations

import re
from dataclasses import dataclass

from conflictkit.builders.extract.places import Location, PlaceFinder, PlaceMatch, unknown_place
from conflictkit.builders.extract.rule_based.analysis import AnalysedSentence
from conflictkit.builders.extract.text import Article

OWN_COUNTRY_EVIDENCE = 2.0  # a locative country name (3) or a big town after a cue (2)
OTHER_COUNTRY_SHARE = 0.25  # of the article's top country score, for a sentence's own country


def lower_words(article: Article) -> frozenset[str]:
    """Words the article writes in lower case: a capitalised one of them is a word, not a
    place ("Police said" when the text also says "police")."""
    return frozenset(w for s in article.sentences for w in re.findall(r"\b[a-z][a-z'-]+",
                                                                         s.text))


@dataclass
class ArticlePlaces:
    """The place finder with one article's lower-case words, so that every lookup of the
    article reads names the same way."""

    finder: PlaceFinder
    lower: frozenset[str]

    def find(self, text: str, country: str, exclude: list[tuple[int, int]]) -> list[PlaceMatch]:
        """Places of `country` the text names (outside the `exclude` spans), in text order."""
        return self.finder.find(text, country, exclude, self.lower)

    def location_of(self, match: PlaceMatch, country: str, admin_hint: str | None) -> Location:
        """The coded location of a place named."""
        return self.finder.location_of(match, country, admin_hint)

    def country_scores(self, pieces: list[tuple[str, float]],
                       dateline: str | None) -> dict[str, float]:
        """Every country's score over weighted pieces of text (and the dateline)."""
        return self.finder.country_scores(pieces, dateline, self.lower)


def article_country(places: ArticlePlaces, article: Article, analysed: list[AnalysedSentence],
                    events: list[AnalysedSentence]) -> tuple[str | None, dict[str, float]]:
    """The article's country (and every country's score): places and country names, event
    sentences counting double."""
    pieces: list[tuple[str, float]] = []
    event_ids = {id(s) for s in events}
    for s in analysed:
        pieces.append((s.sentence.text, 2.0 if id(s) in event_ids else 1.0))
    if article.title:
        pieces.append((article.title, 1.5))
    scores = places.country_scores(pieces, article.dateline)
    if not scores:
        return None, scores
    return max(scores.items(), key=lambda kv: kv[1])[0], scores


def sentence_country(places: ArticlePlaces, scores: dict[str, float],
                     s: AnalysedSentence) -> str | None:
    """A country the sentence itself places its event in ("in Iraq", "in east Athens"), when
    the article as a whole (`scores`) is partly about it too (a round-up of several countries'
    news; not "the Hamas leader in Doha" in a report from Gaza)."""
    own = places.country_scores([(s.sentence.text, 1.0)], None)
    top = max(scores.values(), default=0.0)
    strong = {c: v for c, v in own.items() if v >= OWN_COUNTRY_EVIDENCE
              and scores.get(c, 0.0) >= OTHER_COUNTRY_SHARE * top}
    if not strong:
        return None
    best = max(strong.items(), key=lambda kv: kv[1])[0]
    home = max(scores.items(), key=lambda kv: kv[1])[0] if scores else None
    text = s.sentence.text
    if home and best != home and not any(c == best for _, _, c, _ in
                                         places.finder.country_mentions(text)) \
            and any(m.kind == "town" and m.towns for m in places.find(text, home, [])):
        return None  # "near the town of Bali": the article's country has a Bali too
    return best


def place_key(places: ArticlePlaces, s: AnalysedSentence, country: str | None) -> str | None:
    """The place a sentence's act is grouped by: the first town named after a place cue, else
    a settlement the gazetteer lacks ("the village of X"); None when it names neither."""
    if country is None:
        return None
    exclude = [(m.start, m.end) for m in s.mentions]
    for match in places.find(s.sentence.text, country, exclude):
        if match.kind == "town" and match.cue:
            return match.towns[0].name if match.towns else match.text
    named = unknown_place(s.sentence.text)  # "the village of X": a place all the same
    return named[2] if named else None
