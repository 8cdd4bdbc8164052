"""Source, source_scale and notes in ACLED's style.

source lists the outlet and the agencies it credits ("Deutsche Welle; Reuters; dpa");
source_scale joins the scales of those sources in ACLED's order ("National-International");
notes open with the date the way ACLED writes them ("On 7 February 2018, ...") followed by the
sentence that reports the event, its attribution trimmed.
"""

from __future__ import annotations

import re
from datetime import date

from conflictkit.builders.extract.text import Article
from conflictkit.schema import vocab

AGENCY_SCALE = "International"
_LEADING_DATE = re.compile(
    r"^(?:(?:late|early|later|earlier)\s+)?(?:on\s+)?(?:(?:Monday|Tuesday|Wednesday|Thursday|"
    r"Friday|Saturday|Sunday)|yesterday|today|last night)(?:\s+(?:morning|afternoon|evening|"
    r"night))?,?\s+", re.I)
_WEEKDAY_PHRASE = re.compile(
    r",?\s+(?:(?:late|early|later|earlier)\s+)?(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|"
    r"Friday|Saturday|Sunday|yesterday|last night)(?:\s+(?:morning|afternoon|evening|night))?"
    r"(?:\s+and\s+(?:(?:late|early)\s+)?(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday)(?:\s+(?:morning|afternoon|evening|night))?)?\b")
_ATTRIBUTION = re.compile(r",?\s+(?:a |an |the )?[\w\s'-]{0,40}?\b(?:said|say|says|told|"
                          r"reported|according to)\b[^,.]*[.]?$", re.I)


def source_field(article: Article) -> str | None:
    names = [n for n in [article.outlet, *article.agencies] if n]
    names = list(dict.fromkeys(names))
    return vocab.LIST_SEPARATOR.join(names) or None


def source_scale(article: Article) -> str | None:
    scales = []
    if article.outlet:
        scales.append(article.outlet_scale or "Other")
    if article.agencies:
        scales.append(AGENCY_SCALE)
    order = {s: i for i, s in enumerate(vocab.SOURCE_SCALE_TOKENS)}
    unique = sorted(set(scales), key=lambda s: order.get(s, 99))
    return vocab.SOURCE_SCALE_SEPARATOR.join(unique) or None


def format_day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def notes(day: date, sentence: str, fatalities: int, multi_day: bool, precision: int) -> str:
    """ACLED-style notes: 'On 7 February 2018, <what happened>.'"""
    body = sentence.strip().strip('"“”')
    body = _LEADING_DATE.sub("", body)
    body = _WEEKDAY_PHRASE.sub("", body)
    trimmed = _ATTRIBUTION.sub("", body)
    if len(trimmed) > 30:
        body = trimmed
    body = body.rstrip(" .,;:")
    if re.match(r"^(?:The|A|An)\b", body) or (
            body[:1].isupper() and not re.match(r"^[A-Z]{2,}|^[A-Z][\w-]+ [A-Z]", body)):
        body = body[:1].lower() + body[1:]
    if precision == 2:
        opening = f"Around {format_day(day)} (week of)"
    elif precision == 3:
        opening = f"In {day:%B %Y}"
    else:
        opening = f"On {format_day(day)}"
    text = f"{opening}, {body}."
    if multi_day:
        text += f" [Fighting over several days; {fatalities} fatalities coded for this day.]"
    return text
