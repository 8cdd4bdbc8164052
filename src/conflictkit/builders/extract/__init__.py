"""Extraction: news article -> ACLED candidate events, offline, each field traced to a sentence.

    from conflictkit.builders.extract import extract_text
    result = extract_text(text, published=date(2018, 2, 8))
    for event in result.events: print(event.fields, event.provenance)

Public API: `extract_text(raw, *, published=None, source=None, url=None, name="",
extractor=None) -> Extraction`; `extract_file(path, ...)`; `default_extractor()`;
`Extractor` (the protocol an alternative such as `llm.LLMExtractor` implements);
`to_records(extraction)` (contribution records) and `dump(records, fmt)` in `output`.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

from conflictkit.builders.extract.base import CandidateEvent, Evidence, Extraction, Extractor
from conflictkit.builders.extract.text import Article, ArticleError, read_article
from conflictkit.errors import InputFileError

__all__ = ["Article", "ArticleError", "CandidateEvent", "Evidence", "Extraction", "Extractor",
           "default_extractor", "extract_file", "extract_text", "read_bytes"]


@cache
def default_extractor() -> Extractor:
    """The rule-based extractor over the package's actor registry and gazetteer (cached)."""
    from conflictkit.builders.extract.rule_based import RuleBasedExtractor

    return RuleBasedExtractor()


def extract_text(raw: str, *, published: date | None = None, source: str | None = None,
                 url: str | None = None, name: str = "",
                 extractor: Extractor | None = None) -> Extraction:
    """Candidate events of one article given as text (plain or HTML), offline and rule-based
    unless `extractor` says otherwise: each with ACLED columns, the sentence behind each field
    and what a person must check. `published` anchors relative dates ("on Wednesday").

    >>> import datetime as dt
    >>> text = open("article.txt", encoding="utf-8").read()
    >>> found = ck.extract_text(text, published=dt.date(2018, 2, 8), source="Deutsche Welle")
    >>> [(e.fields["event_date"], e.fields["sub_event_type"]) for e in found.events]
    """
    article = read_article(raw, published=published, source=source, url=url, name=name)
    if not article.sentences:
        return Extraction(article, [], [*article.warnings, "the article has no text"],
                          (extractor or default_extractor()).name)
    return (extractor or default_extractor()).extract(article)


def read_bytes(data: bytes, name: str) -> str:
    """Decode an article file: UTF-8 (with or without BOM), else Windows-1252 with a warning-free
    fallback; binary data is refused by `read_article`."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        if b"\x00" in data[:10_000]:
            raise ArticleError(f"{name}: binary data, not an article") from None
        return data.decode("cp1252", errors="replace")


def extract_file(path: str | Path, **options: object) -> Extraction:
    """Candidate events of one article file (UTF-8, or Windows-1252); options as `extract_text`.

    >>> import datetime as dt
    >>> found = ck.extract_file("article.txt", published=dt.date(2018, 2, 8))
    >>> found.warnings, [e.review for e in found.events]
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(str(path), "no such file") from None
    except IsADirectoryError:
        raise InputFileError(str(path), "is a directory, not an article") from None
    return extract_text(read_bytes(data, str(path)), name=str(path), **options)  # type: ignore[arg-type]
