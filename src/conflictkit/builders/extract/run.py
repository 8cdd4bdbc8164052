"""Several articles through one extractor: the records to write and what to tell the user.

`conflictkit extract` reads the files (or stdin) and hands their bytes here; an article that
cannot be read is counted and named, the others still yield their candidates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from conflictkit.builders.extract import ArticleError, Extractor, extract_text, read_bytes
from conflictkit.builders.extract.base import ExtractorError
from conflictkit.builders.extract.output import to_records
from conflictkit.errors import UsageError


@dataclass
class ExtractRun:
    """Candidate records of every readable article, and one status line per article."""

    records: list[dict[str, Any]] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def text(self, *, quiet: bool = False) -> str:
        """Errors always; per-article warnings and counts unless quiet."""
        lines = [f"error: {e}" for e in self.errors] + ([] if quiet else self.messages)
        return "".join(f"{line}\n" for line in lines)


def extract_articles(articles: Iterable[tuple[str, bytes]], *, published: date | None = None,
                     source: str | None = None, url: str | None = None,
                     extractor: Extractor | None = None) -> ExtractRun:
    """Candidates of each (label, bytes) article; an article that cannot be read, or that the
    extractor fails on, is reported and the others go on."""
    run = ExtractRun()
    for label, data in articles:
        try:
            result = extract_text(read_bytes(data, label), published=published, source=source,
                                  url=url, name=label, extractor=extractor)
        except ArticleError as exc:
            run.errors.append(str(exc))
            continue
        except ExtractorError as exc:  # e.g. the model endpoint failed for this article
            run.errors.append(f"{label}: {exc}")
            continue
        found = to_records(result)
        run.records.extend(found)
        run.messages += [f"{label}: warning: {warning}" for warning in result.warnings]
        run.messages.append(f"{label}: {len(found)} candidate event"
                            f"{'s' if len(found) != 1 else ''}")
    return run


def extract_paths(names: list[str], *, published: str | None = None, source: str | None = None,
                  url: str | None = None, extractor: str = "rules",
                  stdin: BinaryIO | None = None) -> ExtractRun:
    """`conflictkit extract`: article files (``-`` for ``stdin``) through the extractor named
    ("rules", or "llm" configured by CONFLICTKIT_LLM_* variables). A bad date, a missing file
    or an unknown extractor is a usage error before any article is read."""
    try:
        when = date.fromisoformat(published) if published is not None else None
    except ValueError:
        raise UsageError(f"--published {published!r}: expected YYYY-MM-DD") from None
    missing = [name for name in names if name != "-" and not Path(name).is_file()]
    if missing:
        raise UsageError(f"{missing[0]}: no such file")
    chosen: Extractor | None = None
    if extractor == "llm":
        from conflictkit.builders.extract.llm import LLMExtractor

        chosen = LLMExtractor.from_env()
    elif extractor != "rules":
        raise UsageError(f"unknown extractor {extractor!r}: rules or llm")
    inputs = ((("<stdin>", stdin.read() if stdin is not None else b"") if name == "-"
               else (name, Path(name).read_bytes())) for name in names)
    return extract_articles(inputs, published=when, source=source, url=url, extractor=chosen)
