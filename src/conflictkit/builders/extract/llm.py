"""An optional extractor: a language model behind an OpenAI-compatible chat endpoint.

Nothing here runs unless the user configures it (`--extractor llm` with
CONFLICTKIT_LLM_BASE_URL, CONFLICTKIT_LLM_MODEL and optionally CONFLICTKIT_LLM_API_KEY, or
`LLMExtractor(base_url=..., model=...)`): the default extractor needs no network. The model sees
the article's sentences numbered and answers with JSON events whose every field names the
sentence it came from; the answer is checked against ACLED's vocabularies, actor names go through
the actor registry, and whatever does not check out is kept for review rather than trusted.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from datetime import date
from typing import Any

from conflictkit.builders.extract.base import CandidateEvent, Evidence, Extraction
from conflictkit.builders.extract.text import Article
from conflictkit.errors import ConflictkitError, UsageError
from conflictkit.schema import vocab

FIELDS = ("event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2",
          "fatalities", "country", "admin1", "location")
PROMPT = """You code political violence and protest events in the ACLED format.
Article published {published}. Sentences are numbered. Return JSON only:
{{"events": [{{"event_date": "YYYY-MM-DD", "time_precision": 1, "event_type": "...",
"sub_event_type": "...", "actor1": "...", "actor2": "... or null", "fatalities": 0,
"country": "...", "admin1": "... or null", "location": "... or null",
"evidence": {{"<field>": <sentence number>}}}}]}}
Rules: one event per actor pair, place and day; the higher type when one interaction mixes types;
fatalities are the lowest credible figure (dozens=12, several=3, hundreds=100; the injured are not
deaths); never a date after publication; no town that the text does not name.
Sub-event types: {subs}.

{sentences}"""


class LLMExtractor:
    """Events from an OpenAI-compatible `/chat/completions` endpoint (see module docstring)."""

    name = "llm"

    def __init__(self, base_url: str, model: str, api_key: str | None = None,
                 timeout: float = 60.0, registry: Any = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key
        self.timeout = timeout
        self._registry = registry

    @classmethod
    def from_env(cls) -> LLMExtractor:
        base = os.environ.get("CONFLICTKIT_LLM_BASE_URL")
        model = os.environ.get("CONFLICTKIT_LLM_MODEL")
        if not base or not model:
            raise UsageError("--extractor llm needs CONFLICTKIT_LLM_BASE_URL and "
                             "CONFLICTKIT_LLM_MODEL (and CONFLICTKIT_LLM_API_KEY if the "
                             "endpoint wants one)")
        return cls(base, model, os.environ.get("CONFLICTKIT_LLM_API_KEY"))

    def _post(self, payload: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(
            f"{self.base_url}/chat/completions", data=json.dumps(payload).encode("utf-8"),
            headers={"Content-Type": "application/json",
                     **({"Authorization": f"Bearer {self.api_key}"} if self.api_key else {})},
            method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            raise ConflictkitError(f"LLM endpoint {self.base_url} answered HTTP {exc.code}: "
                                   f"{exc.reason}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise ConflictkitError(f"LLM endpoint {self.base_url} unreachable: {exc}") from None
        except json.JSONDecodeError:
            raise ConflictkitError(f"LLM endpoint {self.base_url} did not answer JSON") from None

    def extract(self, article: Article) -> Extraction:
        published = article.published or date.today()
        numbered = "\n".join(f"[{i}] {s.text}" for i, s in enumerate(article.sentences))
        prompt = PROMPT.format(published=published.isoformat(), sentences=numbered,
                               subs="; ".join(vocab.ALL_SUB_EVENT_TYPES))
        answer = self._post({"model": self.model, "temperature": 0,
                             "response_format": {"type": "json_object"},
                             "messages": [{"role": "user", "content": prompt}]})
        try:
            content = answer["choices"][0]["message"]["content"]
            events = json.loads(content).get("events") or []
        except (KeyError, IndexError, TypeError, json.JSONDecodeError, AttributeError):
            raise ConflictkitError("LLM answer is not the JSON events document asked for") \
                from None
        out = [self._event(raw, article, published) for raw in events if isinstance(raw, dict)]
        return Extraction(article, out, list(article.warnings), self.name)

    def _resolver(self):
        from conflictkit.builders.extract.actors import ActorResolver

        if self._registry is None:
            from conflictkit.reference.actors import ActorRegistry

            self._registry = ActorRegistry.default()
        return ActorResolver(self._registry)

    def _event(self, raw: dict[str, Any], article: Article, published: date) -> CandidateEvent:
        review: list[str] = []
        fields: dict[str, Any] = {name: raw.get(name) for name in FIELDS}
        try:
            day = date.fromisoformat(str(fields["event_date"]))
            if day > published:
                review.append(f"event_date {day} is after publication; set to {published}")
                day = published
        except ValueError:
            review.append(f"event_date {fields['event_date']!r} is not a date")
            day = published
        fields["event_date"] = day
        fields["year"] = day.year
        sub = fields.get("sub_event_type")
        if sub not in vocab.EVENT_TYPE_OF_SUB_EVENT:
            review.append(f"sub_event_type {sub!r} is not ACLED's")
            fields["sub_event_type"] = fields["event_type"] = None
        else:
            fields["event_type"] = vocab.EVENT_TYPE_OF_SUB_EVENT[sub]
            fields["disorder_type"] = vocab.DISORDER_TYPE_OF_SUB_EVENT[sub]
        try:
            fields["fatalities"] = max(0, int(fields.get("fatalities") or 0))
        except (TypeError, ValueError):
            review.append(f"fatalities {fields.get('fatalities')!r} is not a number")
            fields["fatalities"] = 0
        resolver = self._resolver()
        for column in ("actor1", "actor2"):
            name = fields.get(column)
            if not name:
                fields[column] = None
                continue
            from conflictkit.builders.extract.actors import ActorMention

            found = resolver.resolve(ActorMention(0, len(name), str(name), "alias"),
                                     fields.get("country"), day.year)
            if found is None:
                review.append(f"{column} {name!r} is not in the actor registry")
            else:
                fields[column] = found.name
                inter = found.inter
                if inter:
                    fields[column.replace("actor", "inter")] = vocab.INTER_LABELS[inter]
        provenance: dict[str, Evidence] = {}
        for column, index in (raw.get("evidence") or {}).items():
            if isinstance(index, int) and 0 <= index < len(article.sentences):
                s = article.sentences[index]
                provenance[column] = Evidence(s.text, s.start, s.end, 0.5)
        review.append("proposed by a language model: check every field against the article")
        return CandidateEvent(fields, provenance, review)
