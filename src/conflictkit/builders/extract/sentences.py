"""Sentence splitting with character offsets, for provenance.

Wire copy is regular enough for a rule-based splitter: a sentence ends at . ! or ? (with any
closing quotes or brackets) followed by space and a capital, a digit or an opening quote, except
after a known abbreviation ("Gen.", "U.S.", "Jan.") or a single initial ("S. George").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from conflictkit.builders.extract._data import words

ABBREVIATIONS = words(
    """mr mrs ms dr prof gen lt col maj capt sgt cpl pvt brig adm cmdr cdr gov sen rep rev fr
    st mt ft jr sr inc co corp ltd no nos vs etc al approx est dept univ jan feb mar apr jun jul
    aug sep sept oct nov dec u.s u.n u.k e.g i.e a.m p.m pres amb hon supt insp cpl"""
)
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class Sentence:
    """One sentence: its text and where it sits in the article text (end exclusive)."""

    text: str
    start: int
    end: int
    paragraph: int  # index of its paragraph among the article's body paragraphs
    index: int  # position of the sentence in the article


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the period at `dot` closes an abbreviation or an initial, not a sentence."""
    if text[dot] != ".":
        return False
    match = re.search(r"([A-Za-z][A-Za-z.]*)$", text[max(0, dot - 40):dot])  # not the whole text
    if not match:
        return False
    word = match.group(1)
    if len(word) == 1 and word.isupper():
        return True
    return word.lower().rstrip(".") in ABBREVIATIONS


def split_sentences(text: str, offset: int = 0, paragraph: int = 0,
                    first_index: int = 0) -> list[Sentence]:
    """Split one paragraph into sentences whose offsets point into the article text."""
    sentences: list[Sentence] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if _is_abbreviation(text, match.start()):
            continue
        end = match.end()
        piece = text[start:end].rstrip()
        if piece.strip():
            lead = len(text[start:end]) - len(text[start:end].lstrip())
            sentences.append(Sentence(piece.strip(), offset + start + lead,
                                      offset + start + len(piece), paragraph,
                                      first_index + len(sentences)))
        start = end
    tail = text[start:]
    if tail.strip():
        lead = len(tail) - len(tail.lstrip())
        piece = tail.strip()
        sentences.append(Sentence(piece, offset + start + lead, offset + start + lead + len(piece),
                                  paragraph, first_index + len(sentences)))
    return sentences
