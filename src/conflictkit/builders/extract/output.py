"""Candidate events as contribution records (YAML or JSON), ready for `conflictkit validate`.

Each record has ACLED's column names (blank values left out), `status: candidate`, the article's
`source_url` and `source_published`, `coder` (which extractor proposed it), `provenance`
(field -> sentence, start, end, confidence; offsets into the article text as read, or into the
page's text once HTML tags are stripped) and `comment` (what a reviewer must check). Nothing
else: side fields never become ACLED columns.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import yaml

from conflictkit.builders.extract.base import Extraction
from conflictkit.schema.columns import COLUMN_NAMES


def to_records(extraction: Extraction) -> list[dict[str, Any]]:
    """Contribution records for every event of an extraction, in ACLED column order."""
    article = extraction.article
    records = []
    for event in extraction.events:
        record: dict[str, Any] = {}
        for column in COLUMN_NAMES:
            value = event.fields.get(column)
            if value is None or value == "":
                continue
            record[column] = value
        record["status"] = "candidate"
        if article.url:
            record["source_url"] = article.url
        if article.published:
            record["source_published"] = article.published
        record["coder"] = f"conflictkit extract ({extraction.extractor})"
        record["provenance"] = {k: v.to_dict() for k, v in event.provenance.items()}
        if event.review:
            record["comment"] = "Check: " + " | ".join(event.review)
        records.append(record)
    return records


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def dump(records: list[dict[str, Any]], fmt: str = "yaml") -> str:
    """Records as one YAML list or one JSON array (dates as ISO text)."""
    if fmt == "json":
        return json.dumps(_jsonable(records), ensure_ascii=False, indent=2) + "\n"
    if not records:
        return "[]\n"
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(records, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)
