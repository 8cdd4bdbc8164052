"""The default extractor: rules and pattern tables, no network, no model.

`RuleBasedExtractor` runs the steps; each lives in a module of this package with one job:
reading each sentence (analysis, wording), dating acts beyond their own sentence (dating), the
article's country and place keys (geography), grouping sentences into events (clusters), and per
event its roles and actors (roles, actor_pick, affiliations, contingents), its type
(sub_events), its toll (tolls), its place (location) and the evidence for each field
(provenance). The shared steps are modules of the parent package: triggers (classify), dates
(dates), death tolls (fatalities), actors (actors) and places (places).

Event sentences are grouped into events the way ACLED counts them: one interaction on one day at
one place is one event, coded at the higher type; sentences without a date of their own join
the event they describe. An event over several days becomes one event per day with its toll
split (the remainder on the first day).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from conflictkit.builders.extract import sources
from conflictkit.builders.extract.actors import ActorResolver, forget_mentions
from conflictkit.builders.extract.base import CandidateEvent, Evidence, Extraction
from conflictkit.builders.extract.fatalities import split_over_days
from conflictkit.builders.extract.places import PlaceFinder
from conflictkit.builders.extract.rule_based.actor_pick import pick_actors
from conflictkit.builders.extract.rule_based.affiliations import Affiliations
from conflictkit.builders.extract.rule_based.analysis import (
    VIOLENT,
    AnalysedSentence,
    analyse,
    is_event,
)
from conflictkit.builders.extract.rule_based.clusters import (
    Cluster,
    absorb_unrest,
    assign_context,
    cluster_sentences,
)
from conflictkit.builders.extract.rule_based.contingents import named_contingents
from conflictkit.builders.extract.rule_based.dating import (
    count_days_from_events,
    date_by_the_story,
    event_days,
)
from conflictkit.builders.extract.rule_based.geography import (
    ArticlePlaces,
    article_country,
    lower_words,
    place_key,
    sentence_country,
)
from conflictkit.builders.extract.rule_based.location import (
    event_location,
    is_unplaced,
    per_place,
)
from conflictkit.builders.extract.rule_based.provenance import evidence
from conflictkit.builders.extract.rule_based.roles import claim_covers, claims, roles_of
from conflictkit.builders.extract.rule_based.sub_events import sub_event_of, trigger_span
from conflictkit.builders.extract.rule_based.tolls import event_toll
from conflictkit.builders.extract.text import Article
from conflictkit.schema import vocab


class RuleBasedExtractor:
    """Pattern tables plus the reference data; see the module docstring."""

    name = "rules"

    def __init__(self, registry: Any = None, gazetteer: Any = None, *,
                 load_reference: bool = True) -> None:
        if load_reference and registry is None:
            from conflictkit.reference.actors import ActorRegistry

            registry = ActorRegistry.default()
        index = None  # the gazetteer itself is read only to build the town index's cache
        if load_reference:
            from conflictkit.builders.extract.placeindex import PlaceIndex

            index = PlaceIndex.default()
        self.actors = ActorResolver(registry)
        self.places = PlaceFinder(gazetteer, index)
        self._contingents: set[str] = set()
        self._places = ArticlePlaces(self.places, frozenset())
        self._affiliations = Affiliations(self.actors, [])

    # ---- the pipeline -----------------------------------------------------------------------

    def extract(self, article: Article) -> Extraction:
        warnings = list(article.warnings)
        published = article.published
        if published is None:
            published = date.today()
            warnings.append("no publication date (give --published or a 'date:' header): "
                            f"relative dates were resolved against today, {published}")
        if any("English" in w for w in article.warnings):
            return Extraction(article, [], warnings, self.name)
        forget_mentions()
        analysed = [analyse(s, published) for s in article.sentences]
        count_days_from_events(analysed, published)
        events_sents = [a for a in analysed if is_event(a, published)]
        events_sents = date_by_the_story(events_sents, analysed, article, published, warnings)
        if not events_sents:
            warnings.append("no event found: no sentence reports an act of political violence, "
                            "a demonstration or a strategic development")
            return Extraction(article, [], warnings, self.name)
        lower = lower_words(article)
        self.places.new_article()
        places = self._places = ArticlePlaces(self.places, lower)
        country, scores = article_country(places, article, analysed, events_sents)
        if country is None:
            warnings.append("no country could be told from the text: events are left without "
                            "a country for review")
        told_in: dict[int, str] = {}  # paragraph -> the country its sentences place acts in
        for s in events_sents:
            own = sentence_country(places, scores, s)
            if own:
                told_in[s.sentence.paragraph] = own
            s.country = own or told_in.get(s.sentence.paragraph) or country
        if country is not None:
            self.places.learn_parts([s.text for s in article.sentences], country, lower)
        self._contingents = named_contingents(self.actors, analysed, country, published)
        self._affiliations = Affiliations(self.actors, analysed)
        clusters = absorb_unrest(cluster_sentences(
            events_sents, lambda s: place_key(places, s, s.country)))
        assign_context(clusters, analysed)
        placed = []
        for cluster in clusters:
            if is_unplaced(places, cluster):
                warnings.append("not coded: an act the article places only everywhere ("
                                f"{cluster.sents[0].sentence.text[:80]!r}...)")
                continue
            placed.append(cluster)
        clusters = placed
        events: list[CandidateEvent] = []
        for cluster in clusters:
            events.extend(self._events_of(cluster, article, cluster.country or country,
                                          published, analysed))
        return Extraction(article, events, warnings, self.name)

    # ---- one cluster -> events ----------------------------------------------------------------

    def _events_of(self, cluster: Cluster, article: Article, country: str | None,
                   published: date, analysed: list[AnalysedSentence]) -> list[CandidateEvent]:
        review: list[str] = []
        provenance: dict[str, Evidence] = {}
        first = cluster.sents[0]
        days, precision, running = event_days(cluster, published, review, provenance)
        year = days[0].year
        when = days[0]  # a state's period can change within a year

        roles = roles_of(self.actors, cluster, country, when)
        if cluster.family == VIOLENT:
            roles.extend(r for r in claims(self.actors, analysed, country, when)
                         if claim_covers(cluster, r[2]))
        sub_event, type_src = sub_event_of(cluster, roles, country)
        actor1, actor2, assoc1, assoc2 = pick_actors(self.actors, self._affiliations,
                                                     self._contingents, cluster, roles,
                                                     sub_event, country, when, review)
        event_type = vocab.EVENT_TYPE_OF_SUB_EVENT[sub_event]
        provenance["event_type"] = provenance["sub_event_type"] = evidence(
            type_src.sentence if type_src else first.sentence,
            *(trigger_span(type_src, sub_event) if type_src else (0, 0)), 0.7)
        for column, chosen in (("actor1", actor1), ("actor2", actor2)):
            if chosen is not None:
                provenance[column] = evidence(chosen[2].sentence, chosen[3].start,
                                              chosen[3].end, chosen[4])

        fatalities = event_toll(cluster, running, review, provenance)

        location = event_location(self._places, cluster, article, country, analysed, review)
        if location.sentence is not None and location.span:
            provenance["location"] = evidence(location.sentence, *location.span,
                                              location.confidence)
        elif location.span and article.dateline_span:
            provenance["location"] = Evidence(article.dateline or "",
                                              article.dateline_span[0],
                                              article.dateline_span[1], location.confidence)
        if location.review:
            review.append(location.review)
        if country is None:
            review.append("country: not identified")

        inter1 = actor1[1] if actor1 else None
        inter2 = actor2[1] if actor2 else None
        fields: dict[str, Any] = {
            "event_date": None,
            "year": year,
            "time_precision": precision,
            "disorder_type": vocab.DISORDER_TYPE_OF_SUB_EVENT[sub_event],
            "event_type": event_type,
            "sub_event_type": sub_event,
            "actor1": actor1[0] if actor1 else None,
            "assoc_actor_1": vocab.LIST_SEPARATOR.join(assoc1) or None,
            "inter1": vocab.INTER_LABELS.get(inter1) if inter1 else None,
            "actor2": actor2[0] if actor2 else None,
            "assoc_actor_2": vocab.LIST_SEPARATOR.join(assoc2) or None,
            "inter2": vocab.INTER_LABELS.get(inter2) if inter2 else None,
            "interaction": None,
            "civilian_targeting": None,
            "country": country,
            "admin1": location.admin1,
            "admin2": location.admin2,
            "location": location.location,
            "latitude": location.latitude,
            "longitude": location.longitude,
            "geo_precision": location.geo_precision,
            "source": sources.source_field(article),
            "source_scale": sources.source_scale(article),
            "notes": None,
            "fatalities": fatalities,
        }
        if actor1 is None:
            review.append("actor1: no actor could be named from the text")
        if inter1:
            fields["interaction"] = vocab.INTERACTION_LABELS[vocab.interaction_code(inter1,
                                                                                    inter2)]
        if (vocab.DISORDER_TYPE_OF_SUB_EVENT[sub_event] != vocab.STRATEGIC_DEVELOPMENTS
                and vocab.CIVILIANS_CODE in (inter1, inter2)
                and vocab.DISORDER_TYPE_OF_SUB_EVENT[sub_event] != vocab.DEMONSTRATIONS):
            fields["civilian_targeting"] = vocab.CIVILIAN_TARGETING
        for column, value in (("inter1", fields["inter1"]), ("inter2", fields["inter2"])):
            if value is None and fields[column.replace("inter", "actor")]:
                review.append(f"{column}: the registry does not know the actor type of "
                              f"{fields[column.replace('inter', 'actor')]!r}")
        note_sentence = (type_src or first).sentence
        out = []
        for where, total, place_review in per_place(self._places, cluster, country, fatalities,
                                                    fields, provenance, analysed):
            shares = split_over_days(total, len(days))
            for day, share in zip(days, shares, strict=True):
                one = dict(where)
                one["event_date"] = day
                one["year"] = day.year
                one["fatalities"] = share
                one["notes"] = sources.notes(day, note_sentence.text, share,
                                             len(days) > 1, precision)
                notes = list(review) + place_review
                if len(days) > 1:
                    notes.append(f"fatalities: {total} over {len(days)} days split evenly, "
                                 "the remainder on the first day")
                out.append(CandidateEvent(one, dict(provenance), notes))
        return out
