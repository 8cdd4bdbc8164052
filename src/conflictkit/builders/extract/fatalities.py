"""Death tolls in a sentence, and an event's toll, by ACLED's rules.

A figure counts only beside a word of death ("12 people were killed", "killing about 100",
"the death toll rose to 30"); the injured, the missing and "casualties" are not deaths, and an
age, a year or a day of the month is not a count. Vague words have ACLED's fixed values
("dozens" 12, "several"/"a few" 3, "hundreds" 100), qualifiers keep the figure ("about 100",
"more than 100": 100) and a list of victims adds up ("killing two soldiers and three
civilians": 5), but a figure after "including" is part of one already counted.

An event's toll (`event_fatalities`) is the lowest credible figure, never a later higher one,
counted per victim group: figures for one group restate each other (the lowest wins), figures
for clearly distinct groups add up ("13 Turkish soldiers" and, in another sentence, "67
Syrians"), a narrower group is part of its wider one ("two children" of "12 civilians"), and a
total for "people" stands unless the groups add up to more. A figure said to come on top ("an
additional 10 people died") is added. A total over several days is split evenly with the
remainder on the first day (`split_over_days`).

Public API: `find_fatalities(sentence) -> list[Toll]`, `event_fatalities(tolls) -> Toll | None`,
`split_over_days(total, days) -> list[int]`, `not_a_count(sentence, start, end) -> bool`.
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
    update: bool = False  # "the death toll rose to ...": a later figure (never preferred)
    group: str = "all"  # who died: all, civilian, civilian_part, state, armed (see the table)
    nation: str | None = None  # "13 Turkish soldiers", "67 Syrians": the victims' country
    extra: bool = False  # "an additional 10 people died": on top of the figures told before
    parts: tuple[Toll, ...] = ()  # an event's toll: the figures it adds up (see event_fatalities)


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


def plural_demonyms() -> list[str]:
    """Demonyms that name people in the plural ("Syrians", "Iraqis"): a group of victims."""
    out = []
    for demonym in table("actors")["demonyms"]:
        if demonym.isupper() or " " in demonym or demonym.endswith(("ese", "sh", "ch", "ss")):
            continue
        out.append(demonym + "s")
    return out


@cache
def _demonym_of() -> dict[str, str]:
    """Demonym (singular or plural) -> country."""
    out: dict[str, str] = {}
    for demonym, country in table("actors")["demonyms"].items():
        out[demonym.lower()] = country
        out[demonym.lower() + "s"] = country
    return out


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
    victims = rf"(?:{t['victims']}|{alternation(plural_demonyms())})"
    adjectives = r"(?:(?:[A-Za-z][\w'’-]*|\d+[- ](?:years?|months?)[- ]old)\s+){0,3}?"
    figure = rf"(?P<q>{qual}\s+)?(?P<n>{num})(?:\s+of)?"
    figure_dead = rf"(?:{qual}\s+)?(?P<n2>{num})(?:\s+of)?"
    more_items = (rf"(?:\s*(?:,|and|as well as|, and)\s+(?:{qual}\s+)?{num}\s+{adjectives}"
                  rf"(?:{victims}|forces)\b)*")
    victim_list = rf"{figure}\s+{adjectives}(?:{victims}|forces)\b{more_items}"
    aside = r"(?:\s*,\s*(?:including|among them|mostly|many of them|most of them)\s[^,.;]{1,40},)?"
    groups = {name: re.compile(rf"^(?:{pattern})$", re.I) for name, pattern in t["groups"].items()}
    return {
        "before": re.compile(
            rf"\b{t['death_before']}\s+(?:{victim_list}|{figure_dead}(?=\s+(?:dead|others|more)\b)"
            rf"|(?P<q2>{qual}\s+)?(?P<d>\d{{1,3}}(?:,\d{{3}})+|\d+)\b(?!\s*(?:%|percent|km|kilomet"
            r"|miles|years|days|hours|minutes|metres|meters)))", re.I),
        "after": re.compile(
            rf"(?<![\w-]){figure}\s+(?:{adjectives}(?:{victims}|forces){more_items}{aside}\s+)?"
            rf"{t['death_after']}\b", re.I),
        "nouns": re.compile(
            rf"(?<![\w-]){figure}\s+(?:deaths|fatalities|dead bodies|bodies|dead)\b", re.I),
        "toll": re.compile(rf"\b{t['toll']}\s+{figure}\b", re.I),
        "item": re.compile(rf"(?<![\w-])(?:{qual}\s+)?(?P<n>{num})\s+{adjectives}"
                           rf"(?:{victims}|forces)\b", re.I),
        "victim": re.compile(rf"^\s+(?:(?:of|among)\s+(?:the\s+)?)?(?P<adj>{adjectives})"
                             rf"(?P<v>{victims}|forces)\b", re.I),
        "groups": groups,  # type: ignore[dict-item]
        "not_deaths": re.compile(t["not_deaths"], re.I),
        "none": re.compile(t["none"], re.I),
        "single": re.compile(t["single"], re.I),
        "family": re.compile(t["family"], re.I),
        "subset": re.compile(t["subset"] + r"[^.;]{0,40}$", re.I),
        "among_dead": re.compile(t["among_dead"], re.I),
        "extra": re.compile(t["extra"], re.I),
        "extra_after": re.compile(t["extra_after"], re.I),
    }


def victim_group(sentence: str, number_end: int) -> tuple[str, str | None]:
    """(group, nation) of the victims a figure counts: the noun right after the number
    ("12 civilians", "67 deaths of Syrians", "one Turkish soldier"); ("all", None) when
    it names none ("killing 12", "30 people")."""
    p = _patterns()
    after = sentence[number_end:number_end + 80]
    after = re.sub(r"^\s+(?:deaths|fatalities|bodies|dead bodies|dead)\b", "", after, flags=re.I)
    match = p["victim"].match(after)  # type: ignore[union-attr]
    if not match:
        return "all", None
    noun = match["v"].lower()
    demonyms = _demonym_of()
    nation = demonyms.get(noun)
    if nation is None:  # "one Turkish soldier": the demonym nearest the noun
        for word in reversed((match["adj"] + " " + match["v"]).split()[:-1]):
            nation = demonyms.get(word.lower())
            if nation:
                break
    last = noun.split()[-1]
    for name, regex in p["groups"].items():  # type: ignore[union-attr]
        if regex.match(last) or regex.match(noun):
            return name, nation
    return "all", nation


def _is_vague(number: str) -> bool:
    """A figure said with a vague word ("dozens", "several"), not a spelt number ("twelve")."""
    return number.strip().lower() in _tables()["vague"] and number.strip().lower() not in (
        "a", "an", "one", "another")


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
            toll = _toll(sentence, match, kind, found)
            if toll is not None:
                found.append(toll)
    if not [t for t in found if t.count]:
        found += _implicit_tolls(sentence, p)
    found.sort(key=lambda t: t.start)
    return found


def _toll(sentence: str, match: re.Match[str], kind: str, found: list[Toll]) -> Toll | None:
    """The toll one pattern match states, or None when it is no count of the dead."""
    p = _patterns()
    span = match.group(0)
    tail = sentence[match.end():match.end() + 20]
    if re.match(r"\s*(?:or|and/or)\s+(?:injured|wounded|hurt|missing)", tail, re.I):
        return None
    if p["not_deaths"].search(span) and kind != "toll":
        return None
    if kind == "before" and re.match(r"(?:left|leaving)\b", span, re.I) \
            and not re.match(r"\s*dead\b", tail, re.I) and "dead" not in span.lower():
        return None
    count: int | None = None
    vague = False
    items = [m for m in p["item"].finditer(span) if not p["subset"].search(span[:m.start()])] \
        if kind in ("before", "after") else []  # "three people, including a child": 3
    listed = len(items) > 1
    if kind == "before" and match.groupdict().get("d"):
        count = int(match["d"].replace(",", ""))
    elif listed:
        values = [parse_number(m["n"]) for m in items]
        if all(v is not None for v in values):
            count = sum(values)  # type: ignore[arg-type]
            vague = any(_is_vague(m["n"]) for m in items)
    if count is None:
        number = match.groupdict().get("n") or match.groupdict().get("n2")
        if not number:
            return None
        count = parse_number(number)
        vague = _is_vague(number)
    if count is None:
        return None
    number_span = _number_span(match)
    if number_span and not_a_count(sentence, *number_span):
        return None
    before = sentence[:match.start()]
    earlier = any(t.count for t in found if t.start < match.start())
    subset_word = p["subset"].search(before[-45:])
    subset = bool(subset_word) and (earlier or not subset_word.group(0).lower().startswith(
        "including")) or bool(p["among_dead"].match(sentence[match.end():match.end() + 40]))
    group, nation = ("all", None) if listed or number_span is None \
        else victim_group(sentence, number_span[1])
    extra = bool(p["extra"].search(before[-25:] + (match["q"] or "" if "q" in match.re.groupindex
                                                     else ""))) \
        or bool(number_span and p["extra_after"].match(sentence[number_span[1]:]))
    return Toll(count, match.start(), match.end(), span, vague, subset=subset,
                update=kind == "toll" and bool(re.search(
                    r"rose|risen|rises|climbed|jumped|increased", span, re.I)),
                group=group, nation=nation, extra=extra)


def _implicit_tolls(sentence: str, p: dict[str, re.Pattern[str]]) -> list[Toll]:
    """Deaths the sentence states without a figure: a family (2), one person (1)."""
    match = p["family"].search(sentence)
    if match:
        return [Toll(int(_tables()["family_count"]), match.start(), match.end(), match.group(0),
                     vague=True, group="civilian")]
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
    """The event's toll: the lowest credible figure per victim group, distinct groups added
    (see the module docstring). The result's `parts` are the figures it is made of, largest
    first; its span is the largest part's."""
    counted = [t for t in tolls if not t.subset]
    if not counted:
        return None
    base = [t for t in counted if not t.extra]
    extras = [t for t in counted if t.extra]
    chosen: list[Toll] = []
    if base:
        chosen = _lowest_consistent(base)
    chosen += extras
    chosen = [t for t in chosen if t.count] or chosen[:1]
    if not chosen:
        chosen = [min(counted, key=lambda t: t.count)]
    chosen.sort(key=lambda t: -t.count)
    total = sum(t.count for t in chosen)
    top = chosen[0]
    if len(chosen) == 1:
        return top
    return Toll(total, top.start, top.end, top.text, any(t.vague for t in chosen),
                parts=tuple(chosen))


def _lowest(tolls: list[Toll]) -> Toll:
    """The lowest figure, said exactly if any is ("12" beats "dozens")."""
    exact = [t for t in tolls if not t.vague] or tolls
    return min(exact, key=lambda t: t.count)


def _lowest_consistent(tolls: list[Toll]) -> list[Toll]:
    """The figures whose sum is the smallest toll every credible statement allows: per group
    its lowest figure; a nation's "all" group takes in the groups of no named nation; a
    narrower civilian group is part of the civilians; everyone's total ("30 people") stands
    unless the distinct groups add up to more."""
    totals = [t for t in tolls if t.group == "all" and t.nation is None]
    by_key: dict[tuple[str | None, str], list[Toll]] = {}
    for toll in tolls:
        if toll.group == "all" and toll.nation is None:
            continue
        by_key.setdefault((toll.nation, toll.group), []).append(toll)
    best = {key: _lowest(group) for key, group in by_key.items()}
    for nation in {n for n, _ in best}:  # "two children" are part of "12 civilians"
        part, whole = (nation, "civilian_part"), (nation, "civilian")
        if part in best and whole in best:
            best[whole] = max(best.pop(part), best[whole], key=lambda t: t.count)
    nations = [key for key in best if key[0] is not None and key[1] == "all"]
    if len(nations) == 1:  # "67 Syrians" takes in "40 civilians" (no nation named)
        for key in [k for k in best if k[0] is None]:
            if best[key].count > best[nations[0]].count:
                best[nations[0]] = best[key]
            del best[key]
    for key in [k for k in best if k[0] is not None]:  # "two Turkish soldiers" are soldiers
        loose = (None, key[1])
        if loose in best:
            best[key] = min(best[key], best.pop(loose), key=lambda t: t.count)
    groups = list(best.values())
    if totals:
        total = _lowest(totals)
        if not groups or total.count >= sum(t.count for t in groups):
            return [total]
    return groups


def split_over_days(total: int, days: int) -> list[int]:
    """ACLED's split of a multi-day total: even shares, the remainder on the first day."""
    if days <= 1:
        return [total]
    share, remainder = divmod(total, days)
    return [share + remainder] + [share] * (days - 1)
