"""An optional extractor: a language model behind an OpenAI-compatible chat endpoint.

Nothing here runs unless the user configures it (`--extractor llm` with the variables below, or
`LLMExtractor(base_url=..., model=...)`): the default extractor needs no network. The model sees
the article's sentences numbered and answers with JSON events whose fields name the sentence
they came from. Every proposed event is checked against ACLED's vocabularies and types before it
becomes a candidate: an event that fails (an unknown sub-event type, a date that is not a date,
a negative toll, no actor1, an unknown country) is rejected with the field named, never written.

Configuration (see docs/extract.md):
    CONFLICTKIT_LLM_BASE_URL  e.g. http://127.0.0.1:8000/v1 (POST {base}/chat/completions)
    CONFLICTKIT_LLM_MODEL     the model name the endpoint expects
    CONFLICTKIT_LLM_API_KEY   optional; sent as "Authorization: Bearer <key>"
    CONFLICTKIT_LLM_TIMEOUT   seconds per request (default 60)
    CONFLICTKIT_LLM_RETRIES   further attempts after a timeout, a refused connection, HTTP 429
                              or 5xx, or an answer that is not JSON (default 2)
"""

from __future__ import annotations

import json
import os
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date
from typing import Any

from conflictkit.builders.extract.base import CandidateEvent, Evidence, Extraction, ExtractorError
from conflictkit.builders.extract.text import Article
from conflictkit.errors import UsageError
from conflictkit.schema import vocab

FIELDS = ("event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2",
          "fatalities", "country", "admin1", "location")
DEFAULT_TIMEOUT = 60.0
DEFAULT_RETRIES = 2
MAX_BACKOFF = 8.0
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
_FENCE = re.compile(r"^\s*```(?:json)?\s*(?P<body>.*?)\s*```\s*$", re.S)


class Retryable(ExtractorError):
    """A failure worth another attempt (timeout, refused connection, 429/5xx, not JSON)."""


@dataclass
class Rejected:
    """A proposed event that failed the checks: which one, which field, why."""

    index: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"model event {self.index + 1} rejected: {self.field}: {self.reason}"


class LLMExtractor:
    """Events from an OpenAI-compatible `/chat/completions` endpoint (see module docstring)."""

    name = "llm"

    def __init__(self, base_url: str, model: str, api_key: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT, retries: int = DEFAULT_RETRIES,
                 backoff: float = 0.5, registry: Any = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        self._registry = registry
        self._actors: Any = None

    @classmethod
    def from_env(cls) -> LLMExtractor:
        """The extractor the CONFLICTKIT_LLM_* variables describe (UsageError when incomplete)."""
        base = os.environ.get("CONFLICTKIT_LLM_BASE_URL")
        model = os.environ.get("CONFLICTKIT_LLM_MODEL")
        if not base or not model:
            raise UsageError("--extractor llm needs CONFLICTKIT_LLM_BASE_URL and "
                             "CONFLICTKIT_LLM_MODEL (and CONFLICTKIT_LLM_API_KEY if the "
                             "endpoint wants one); see docs/extract.md")
        if not re.match(r"^https?://", base):
            raise UsageError(f"CONFLICTKIT_LLM_BASE_URL {base!r} must start with http:// or "
                             "https://")
        return cls(base, model, os.environ.get("CONFLICTKIT_LLM_API_KEY") or None,
                   timeout=_env_number("CONFLICTKIT_LLM_TIMEOUT", DEFAULT_TIMEOUT, float),
                   retries=_env_number("CONFLICTKIT_LLM_RETRIES", DEFAULT_RETRIES, int))

    # ---- HTTP -------------------------------------------------------------------------------

    def _post_once(self, payload: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(
            f"{self.base_url}/chat/completions", data=json.dumps(payload).encode("utf-8"),
            headers={"Content-Type": "application/json", "Accept": "application/json",
                     **({"Authorization": f"Bearer {self.api_key}"} if self.api_key else {})},
            method="POST")
        where = f"LLM endpoint {self.base_url}"
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read()
        except urllib.error.HTTPError as exc:
            message = f"{where} answered HTTP {exc.code}: {exc.reason}"
            if exc.code == 429 or exc.code >= 500:
                raise Retryable(message) from None
            raise ExtractorError(message) from None
        except (TimeoutError, urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError) or "timed out" in str(reason):
                raise Retryable(f"{where} did not answer within {self.timeout:g} s") from None
            raise Retryable(f"{where} unreachable: {reason}") from None
        try:
            answer = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise Retryable(f"{where} did not answer JSON") from None
        if not isinstance(answer, dict):
            raise Retryable(f"{where} answered JSON that is not an object")
        return answer

    def _ask(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The model's events document, retrying transient failures a bounded number of times."""
        last: ExtractorError | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(min(MAX_BACKOFF, self.backoff * 2 ** (attempt - 1)))
            try:
                return parse_answer(self._post_once(payload))
            except Retryable as exc:
                last = exc
        tries = self.retries + 1
        raise ExtractorError(f"{last} (after {tries} attempt{'s' if tries > 1 else ''})")

    # ---- extraction -------------------------------------------------------------------------

    def extract(self, article: Article) -> Extraction:
        published = article.published or date.today()
        numbered = "\n".join(f"[{i}] {s.text}" for i, s in enumerate(article.sentences))
        prompt = PROMPT.format(published=published.isoformat(), sentences=numbered,
                               subs="; ".join(vocab.ALL_SUB_EVENT_TYPES))
        document = self._ask({"model": self.model, "temperature": 0,
                              "response_format": {"type": "json_object"},
                              "messages": [{"role": "user", "content": prompt}]})
        warnings = list(article.warnings)
        events: list[CandidateEvent] = []
        for index, raw in enumerate(document["events"]):
            checked = check_event(raw, index, published)
            if isinstance(checked, Rejected):
                warnings.append(str(checked))
                continue
            events.append(self._event(checked, raw, article))
        return Extraction(article, events, warnings, self.name)

    def _resolve_actor(self, name: str, country: str, year: int) -> tuple[str, int | None] | None:
        from conflictkit.builders.extract.actors import ActorMention, ActorResolver

        if self._actors is None:
            if self._registry is None:
                from conflictkit.reference.actors import ActorRegistry

                self._registry = ActorRegistry.default()
            self._actors = ActorResolver(self._registry)
        found = self._actors.resolve(ActorMention(0, len(name), name, "alias"), country, year)
        return None if found is None else (found.name, found.inter)

    def _event(self, fields: dict[str, Any], raw: dict[str, Any],
               article: Article) -> CandidateEvent:
        review: list[str] = []
        day: date = fields["event_date"]
        for column in ("actor1", "actor2"):
            name = fields.get(column)
            if not name:
                continue
            found = self._resolve_actor(name, fields["country"], day.year)
            if found is None:
                review.append(f"{column} {name!r} is not in the actor registry")
                continue
            fields[column] = found[0]
            if found[1]:
                fields[column.replace("actor", "inter")] = vocab.INTER_LABELS[found[1]]
        provenance: dict[str, Evidence] = {}
        evidence = raw.get("evidence")
        for column, index in (evidence.items() if isinstance(evidence, dict) else ()):
            if isinstance(index, int) and 0 <= index < len(article.sentences):
                s = article.sentences[index]
                provenance[column] = Evidence(s.text, s.start, s.end, 0.5)
        review.append("proposed by a language model: check every field against the article")
        return CandidateEvent(fields, provenance, review)


def parse_answer(answer: dict[str, Any]) -> dict[str, Any]:
    """The `{"events": [...]}` document inside a chat-completions answer (Retryable if not)."""
    try:
        choice = answer["choices"][0]
        content = choice["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise Retryable("LLM answer has no choices[0].message.content") from None
    if not isinstance(content, str):
        raise Retryable("LLM answer content is not text")
    fenced = _FENCE.match(content)
    if fenced:
        content = fenced["body"]
    try:
        document = json.loads(content)
    except json.JSONDecodeError as exc:
        cut = choice.get("finish_reason") == "length" if isinstance(choice, dict) else False
        why = "was cut off (finish_reason: length)" if cut else f"is not JSON ({exc.msg})"
        raise Retryable(f"LLM answer {why}: {content[:60]!r}") from None
    if isinstance(document, list):
        document = {"events": document}
    if not isinstance(document, dict) or not isinstance(document.get("events", []), list):
        raise Retryable("LLM answer is not a JSON object with an 'events' list")
    return {"events": document.get("events") or []}


def check_event(raw: Any, index: int, published: date) -> dict[str, Any] | Rejected:
    """ACLED columns of one proposed event, or the first field that fails and why."""
    if not isinstance(raw, dict):
        return Rejected(index, "event", f"is {type(raw).__name__}, not an object")
    fields: dict[str, Any] = {}
    text = raw.get("event_date")
    try:
        day = date.fromisoformat(str(text))
    except ValueError:
        return Rejected(index, "event_date", f"{text!r} is not a YYYY-MM-DD date")
    if day > published:
        return Rejected(index, "event_date", f"{day} is after publication ({published})")
    fields["event_date"], fields["year"] = day, day.year
    precision = raw.get("time_precision", 1)
    if precision not in (1, 2, 3):
        return Rejected(index, "time_precision", f"{precision!r} is not 1, 2 or 3")
    fields["time_precision"] = precision
    sub = raw.get("sub_event_type")
    if sub not in vocab.EVENT_TYPE_OF_SUB_EVENT:
        return Rejected(index, "sub_event_type", f"{sub!r} is not an ACLED sub-event type")
    event_type = vocab.EVENT_TYPE_OF_SUB_EVENT[sub]
    if raw.get("event_type") not in (None, event_type):
        return Rejected(index, "event_type", f"{raw.get('event_type')!r} does not hold "
                                             f"sub-event type {sub!r} (expected {event_type!r})")
    fields.update(event_type=event_type, sub_event_type=sub,
                  disorder_type=vocab.DISORDER_TYPE_OF_SUB_EVENT[sub])
    actor1 = raw.get("actor1")
    if not isinstance(actor1, str) or not actor1.strip():
        return Rejected(index, "actor1", f"{actor1!r} is not an actor name")
    fields["actor1"] = actor1.strip()
    actor2 = raw.get("actor2")
    if actor2 is not None and not isinstance(actor2, str):
        return Rejected(index, "actor2", f"{actor2!r} is not an actor name")
    fields["actor2"] = (actor2 or "").strip() or None
    count = raw.get("fatalities", 0)
    if isinstance(count, bool) or not isinstance(count, int | str) \
            or not str(count).strip().isdigit():
        return Rejected(index, "fatalities", f"{count!r} is not a whole number of 0 or more")
    fields["fatalities"] = int(count)
    from conflictkit.reference.countries import resolve_country

    country = resolve_country(raw.get("country"))
    if country is None:
        return Rejected(index, "country", f"{raw.get('country')!r} is not an ACLED country")
    fields["country"] = country
    for column in ("admin1", "location"):
        value = raw.get(column)
        if value is not None and not isinstance(value, str):
            return Rejected(index, column, f"{value!r} is not a place name")
        fields[column] = (value or "").strip() or None
    fields["geo_precision"] = 1 if fields["location"] else 3
    return fields


def _env_number(name: str, default: Any, kind: type) -> Any:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        number = kind(value)
    except ValueError:
        raise UsageError(f"{name}={value!r} is not a number") from None
    if number < 0:
        raise UsageError(f"{name}={value!r} must not be negative")
    return number
