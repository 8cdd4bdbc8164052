"""Evidence for a field: a span of a sentence turned into offsets into the article text."""

from __future__ import annotations

from conflictkit.builders.extract.base import Evidence
from conflictkit.builders.extract.sentences import Sentence


def evidence(sentence: Sentence, start: int, end: int, confidence: float) -> Evidence:
    """Evidence for a span inside a sentence (offsets turned into article offsets); (0, 0)
    stands for the whole sentence."""
    if start == end == 0:
        return Evidence(sentence.text, sentence.start, sentence.end, confidence)
    return Evidence(sentence.text, sentence.start + start, sentence.start + end, confidence)
