"""What every extractor returns, and the interface a stronger one implements.

An extractor turns a cleaned `Article` into `CandidateEvent`s: ACLED column values plus, for
each field, the evidence (the sentence and character offsets into the article text, and a
confidence) and notes for the reviewer. The rule-based extractor is the default; an LLM behind
an OpenAI-compatible endpoint (`llm.py`) implements the same protocol.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from conflictkit.builders.extract.text import Article
from conflictkit.errors import ConflictkitError


class ExtractorError(ConflictkitError):
    """An extractor could not work on an article (an LLM endpoint that fails, for one)."""


@dataclass
class Evidence:
    """Where a field's value came from: a sentence, a span inside the article text, how sure."""

    sentence: str
    start: int
    end: int
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {"sentence": self.sentence, "start": self.start, "end": self.end,
                "confidence": round(self.confidence, 2)}


@dataclass
class CandidateEvent:
    """One proposed event: ACLED columns, per-field provenance, and what a person must check."""

    fields: dict[str, Any]
    provenance: dict[str, Evidence] = field(default_factory=dict)
    review: list[str] = field(default_factory=list)


@dataclass
class Extraction:
    """The events found in one article, with warnings about the article itself."""

    article: Article
    events: list[CandidateEvent]
    warnings: list[str] = field(default_factory=list)
    extractor: str = "rules"


@runtime_checkable
class Extractor(Protocol):
    """Anything that proposes events for an article."""

    name: str

    def extract(self, article: Article) -> Extraction: ...
