"""Death tolls in a sentence, by ACLED's rules.

A figure counts only beside a word of death ("12 people were killed", "killing about 100",
"the death toll rose to 30"); the injured, the missing and "casualties" are not deaths. Vague
words have ACLED's fixed values ("dozens" 12, "several"/"a few" 3, "hundreds" 100), qualifiers
keep the figure ("about 100", "more than 100": 100) and a list of victims adds up ("killing two
soldiers and three civilians": 5), but a figure after "including" is part of one already counted.
Across the sentences of one event the lowest credible figure wins (`event_fatalities`), and a
total over several days is split evenly with the remainder on the first day (`split_over_days`).

Public API: `find_fatalities(sentence) -> list[Toll]`, `event_fatalities(tolls) -> Toll | None`,
`split_over_days(total, days) -> list[int]`, `not_a_count(sentence, start, end) -> bool` (an age,
a year or a day of the month is not a toll).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from conflictkit.builders.extract._data import alternation, table

_UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen"]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
WORD_VALUES: dict[str, int] = {
    **{w: i + 1 for i, w in enumerate(_UNITS)},
    **{w: i + 10 for i, w in enumerate(_TEENS)},
    **{w: (i + 2) * 10 for i, w in enumerate(_TENS)},
}


@dataclass(frozen=True)
class Toll:
    """A death toll in a sentence: the count, its span, and how it was said."""

    count: int
    start: int
    end: int
    text: str
    vague: bool = False
    subset: bool = False  # follows "including"/"among them": part of a toll already counted
    update: bool = False  # "the death toll rose to ...": supersedes earlier figures


def parse_number(text: str) -> int | None:
    """'1,200' -> 1200; 'twenty-five' -> 25; 'two hundred' -> 200; 'dozens' -> 12; else None."""
    text = text.strip().lower()
    vague = _tables()["vague"]
    if text in vague:
        return int(vague[text])
    digits = text.replace(",", "")
    if digits.isdigit():
        return int(digits)
    total = 0
    current = 0
    for word in re.split(r"[\s-]+", text):
        if word in ("and", ""):
            continue
        if word in WORD_VALUES:
            current += WORD_VALUES[word]
        elif word in ("a", "an") and current == 0:
            current = 1
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word == "thousand":
            total += max(current, 1) * 1000
            current = 0
        else:
            return None
    value = total + current
    return value or None


@cache
def _tables() -> dict:
    return table("fatalities")


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    t = _tables()
    words = "|".join(list(WORD_VALUES))
    word_number = (rf"(?:(?:{words}|a|an)\s+(?:hundred|thousand)(?:\s+(?:and\s+)?"
                   rf"(?:{words})(?:-(?:{words}))?)?|(?:{words})(?:-(?:{words}))?)")
    vague = alternation([v for v in t["vague"] if v not in ("a", "an", "one", "another")])
    single = r"(?:an?|one|another)"
    num = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+|{vague}|{word_number}|{single})"
    qual = t["qualifiers"]
    victims = t["victims"]
    adjectives = r"(?:(?:[A-Za-z][\w'’-]*|\d+[- ](?:years?|months?)[- ]old)\s+){0,3}?"
    figure = rf"(?P<q>{qual}\s+)?(?P<n>{num})(?:\s+of)?"
    figure_dead = rf"(?:{qual}\s+)?(?P<n2>{num})(?:\s+of)?"
    victim_list = (rf"{figure}\s+{adjectives}(?:{victims}|forces)\b"
                   rf"(?:\s*(?:,|and|as well as)\s+(?:{qual}\s+)?{num}\s+{adjectives}"
                   rf"(?:{victims}|forces)\b)*")
    return {
        "before": re.compile(
            rf"\b{t['death_before']}\s+(?:{victim_list}|{figure_dead}(?=\s+(?:dead|others|more)\b)"
            rf"|(?P<q2>{qual}\s+)?(?P<d>\d{{1,3}}(?:,\d{{3}})+|\d+)\b(?!\s*(?:%|percent|km|kilomet"
            r"|miles|years|days|hours|minutes|metres|meters)))", re.I),
        "after": re.compile(
            rf"(?<![\w-]){figure}\s+(?:{adjectives}(?:{victims}|forces)\s+)?"
            rf"{t['death_after']}\b", re.I),
        "nouns": re.compile(
            rf"(?<![\w-]){figure}\s+(?:deaths|fatalities|dead bodies|bodies|dead)\b", re.I),
        "toll": re.compile(rf"\b{t['toll']}\s+{figure}\b", re.I),
        "item": re.compile(rf"(?<![\w-])(?:{qual}\s+)?(?P<n>{num})\s+{adjectives}"
                           rf"(?:{victims}|forces)\b", re.I),
        "not_deaths": re.compile(t["not_deaths"], re.I),
        "none": re.compile(t["none"], re.I),
        "single": re.compile(t["single"], re.I),
        "family": re.compile(t["family"], re.I),
        "subset": re.compile(t["subset"] + r"[^.;]{0,40}$", re.I),
    }


def find_fatalities(sentence: str) -> list[Toll]:
    """Every death toll a sentence states, in text order (overlapping phrasings kept once)."""
    p = _patterns()
    found: list[Toll] = []
    for match in p["none"].finditer(sentence):
        found.append(Toll(0, match.start(), match.end(), match.group(0)))
    for kind in ("toll", "before", "after", "nouns"):
        for match in p[kind].finditer(sentence):
            if any(t.start <= match.start() < t.end or match.start() <= t.start < match.end()
                   for t in found):
                continue
            span = match.group(0)
            tail = sentence[match.end():match.end() + 20]
            if re.match(r"\s*(?:or|and/or)\s+(?:injured|wounded|hurt|missing)", tail, re.I):
                continue
            if p["not_deaths"].search(span) and kind != "toll":
                continue
            if kind == "before" and re.match(r"(?:left|leaving)\b", span, re.I) \
                    and not re.match(r"\s*dead\b", tail, re.I) and "dead" not in span.lower():
                continue
            count = None
            vague = False
            if kind == "before" and match.groupdict().get("d"):
                count = int(match["d"].replace(",", ""))
            elif kind == "before":
                items = list(p["item"].finditer(span))
                if items:
                    values = [parse_number(m["n"]) for m in items]
                    if all(v is not None for v in values):
                        count = sum(values)  # type: ignore[arg-type]
                        vague = any(not m["n"][0].isdigit() for m in items)
                number = match["n"] or match["n2"]
                if count is None and number:
                    count = parse_number(number)
                    vague = not number[0].isdigit()
            else:
                count = parse_number(match["n"])
                vague = bool(match["n"]) and not match["n"][0].isdigit()
            if count is None:
                continue
            number_span = _number_span(match)
            if number_span and not_a_count(sentence, *number_span):
                continue
            before = sentence[:match.start()]
            found.append(Toll(count, match.start(), match.end(), span, vague,
                              subset=bool(p["subset"].search(before[-45:])),
                              update=kind == "toll" and bool(
                                  re.search(r"rose|risen|rises|climbed|jumped|increased", span,
                                            re.I))))
    if not [t for t in found if t.count]:
        found += _implicit_tolls(sentence, p)
    found.sort(key=lambda t: t.start)
    return found


def _implicit_tolls(sentence: str, p: dict[str, re.Pattern[str]]) -> list[Toll]:
    """Deaths the sentence states without a figure: a family (2), one person (1)."""
    match = p["family"].search(sentence)
    if match:
        return [Toll(int(_tables()["family_count"]), match.start(), match.end(), match.group(0),
                     vague=True)]
    match = p["single"].search(sentence)
    if match and not p["not_deaths"].search(match.group(0)):
        return [Toll(1, match.start(), match.end(), match.group(0), vague=True)]
    return []


_MONTHS = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
           r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?")
_AGE_AFTER = re.compile(r"^[- ](?:years?|yrs?)[- ]old\b|^[- ]year\b|^[- ]month[- ]old\b", re.I)
_AGE_BEFORE = re.compile(r"\b(?:aged|age)\s*$", re.I)
_DATE_BEFORE = re.compile(_MONTHS + r"\s*$")
_DATE_AFTER = re.compile(r"^(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTHS + r"\b|^['’]s\b")


def _number_span(match: re.Match[str]) -> tuple[int, int] | None:
    for group in ("d", "n", "n2"):
        if match.groupdict().get(group):
            return match.start(group), match.end(group)
    return None


def not_a_count(sentence: str, start: int, end: int) -> bool:
    """Whether the number at start:end is an age ("a 25-year-old man", "aged 40"), a year
    ("the 2008 attack") or a day of a date ("January 17's airstrike", "on 3 May"), not a toll."""
    text = sentence[start:end]
    after, before = sentence[end:end + 20], sentence[max(0, start - 12):start]
    if _AGE_AFTER.match(after) or _AGE_BEFORE.search(before):
        return True
    if text.isdigit() and len(text) == 4 and 1900 <= int(text) <= 2100:
        victims = re.compile(rf"^\s+(?:[a-z][\w-]*\s+){{0,2}}?(?:{_tables()['victims']}|"
                             r"dead|were|have|had|died)\b")
        return not victims.match(after + sentence[end + 20:end + 60])  # "in 2008 attacks"
    return text.isdigit() and int(text) <= 31 and bool(
        _DATE_BEFORE.search(before) or _DATE_AFTER.match(after))


def event_fatalities(tolls: list[Toll]) -> Toll | None:
    """The event's figure: the latest update if the toll was revised, else the lowest credible."""
    counted = [t for t in tolls if not t.subset]
    if not counted:
        return None
    updates = [t for t in counted if t.update]
    if updates:
        return max(updates, key=lambda t: t.count)
    exact = [t for t in counted if not t.vague] or counted
    return min(exact, key=lambda t: t.count)


def split_over_days(total: int, days: int) -> list[int]:
    """ACLED's split of a multi-day total: even shares, the remainder on the first day."""
    if days <= 1:
        return [total]
    share, remainder = divmod(total, days)
    return [share + remainder] + [share] * (days - 1)
