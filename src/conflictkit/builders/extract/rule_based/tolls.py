"""An event's fatalities: the tolls to believe, the lowest credible figure, what a reviewer is
told about the others, and whose deaths the largest toll counts."""

from __future__ import annotations

from conflictkit.builders.extract.base import Evidence
from conflictkit.builders.extract.fatalities import Toll, event_fatalities
from conflictkit.builders.extract.rule_based.analysis import AnalysedSentence
from conflictkit.builders.extract.rule_based.clusters import Cluster
from conflictkit.builders.extract.rule_based.provenance import evidence
from conflictkit.builders.extract.rule_based.wording import inside_quotes


def credible_tolls(sents: list[AnalysedSentence]) -> list[tuple[AnalysedSentence, Toll]]:
    """The event's tolls with their sentences; a figure inside a quotation (a witness's "it
    killed four people here") only when the narrative gives none."""
    tolls = [(s, t) for s in sents for t in s.tolls]
    told = [(s, t) for s, t in tolls if not inside_quotes(s.sentence.text, t.start)]
    return told if any(t.count for _, t in told) else tolls


def toll_notes(best: Toll, tolls: list[Toll]) -> list[str]:
    """Review notes on how the event's toll was reached: the groups added up, and the other
    figures the text gives (higher or later tolls are not coded)."""
    notes = []
    if best.parts:
        added = " + ".join(f"{t.count} ({t.text!r})" for t in best.parts)
        notes.append(f"fatalities: {best.count} = {added}: distinct groups of victims added")
    used = set(map(id, best.parts or (best,)))
    others = sorted({t.count for t in tolls if id(t) not in used and not t.subset
                     and t.count > best.count})
    if others:
        notes.append("fatalities: the lowest credible figure is coded; the text also gives "
                     + ", ".join(map(str, others)))
    return notes


def cluster_toll_group(cluster: Cluster) -> str | None:
    """The victim group of the event's largest toll ("civilian" for "killed 100 civilians")."""
    tolls = [t for s in cluster.sents for t in s.tolls if t.count and not t.subset]
    return max(tolls, key=lambda t: t.count).group if tolls else None


def event_toll(cluster: Cluster, running: list[tuple[AnalysedSentence, Toll]],
               review: list[str], provenance: dict[str, Evidence]) -> int:
    """The event's fatalities: the running toll when there is one, else the lowest credible
    figure of its sentences and of the tolls its paragraph tells without an act; with the
    evidence for it and review notes."""
    tolls = running or credible_tolls(
        [*cluster.sents, *(c for c in cluster.context if c.tolls and not c.triggers)])
    best = event_fatalities([t for _, t in tolls])
    fatalities = best.count if best else 0
    if best is not None:
        main = best.parts[0] if best.parts else best
        src = next(s for s, t in tolls if t is main)
        provenance["fatalities"] = evidence(src.sentence, best.start, best.end,
                                            0.6 if best.vague else 0.8)
        review.extend(toll_notes(best, [t for _, t in tolls]))
    else:
        provenance["fatalities"] = evidence(cluster.sents[0].sentence, 0, 0, 0.4)
    return fatalities
