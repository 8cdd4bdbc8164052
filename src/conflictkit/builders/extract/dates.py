"""Dates in article text, resolved against the publication date.

ACLED codes the day an event happened (time_precision 1), or the midpoint of the week or weekend
when only that is known (2), or of the month (3). A report never describes an event after its own
publication, so nothing here resolves to a day after it. "late on Wednesday and early Thursday"
is one night (one event, dated Wednesday); "on Wednesday and Thursday" or "from Monday to
Wednesday" is fighting over several days (one event per day).

Public API: `parse_date(text) -> date | None` for header and date lines;
`find_dates(sentence, published) -> list[DateMention]` for the dates a sentence mentions;
`attached_to_act(sentence, mention, act_start) -> bool` ("Friday's attack");
`find_relative_days(sentence) -> list[RelativeDay]` ("two days after the attack").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from conflictkit.builders.extract._data import table

MONTHS: dict[str, int] = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAYS: dict[str, int] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}
NUMBER_WORDS: dict[str, int] = {
    "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10,
}
MAX_SPAN_DAYS = 10  # longer "from ... to ..." ranges are campaigns, not day-by-day fighting

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
          r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?")
_PRE = r"(?:(?P<pre>late|early|later|earlier|overnight)\s+(?:on\s+)?)?"
_PART = r"(?:\s+(?P<part>morning|afternoon|evening|night))?"
_DAY_MONTH = re.compile(
    _PRE + r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:\s*[-–]\s*(?P<d2>\d{1,2})(?:st|nd|rd|th)?)?"
    r"\s+(?:of\s+)?(?P<m>" + _MONTH + r")(?:,?\s+(?P<y>(?:19|20)\d{2}))?\b" + _PART
)
_MONTH_DAY = re.compile(
    _PRE + r"\b(?P<m>" + _MONTH + r")\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?\b"
    r"(?:\s*[-–]\s*(?P<d2>\d{1,2})(?:st|nd|rd|th)?\b)?(?:,?\s+(?P<y>(?:19|20)\d{2}))?" + _PART
)
_ISO = re.compile(r"\b(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d)")
_WEEKDAY = re.compile(
    r"(?:(?P<mod>last|this past|this|next|coming|on)\s+)?" + _PRE
    + r"\b(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b(?:'s)?" + _PART
)
_MONTH_ONLY = re.compile(  # "in March", "December of 2008", "a June 2003 attack"
    r"\b(?:(?P<prep>in|during|since|until|by|of|early|mid|late|the end of|the beginning of)"
    r"\s+)?(?:(?:early|mid|late)[- ])?(?P<m>" + _MONTH + r")(?:,?\s+(?:of\s+)?"
    r"(?P<y>(?:19|20)\d{2}))?\b"
)
# "in 2008", "since 2011", "the 2008 attacks": a year, named as a time or as a noun's label
_YEAR = re.compile(r"\b(?P<prep>in|since|during|by|the|a|an|its|their|his|her)\s+"
                   r"(?P<y>(?:19|20)\d{2})\b(?!\s*(?:people|persons|civilians|[%]))")
_JOIN_SPAN = re.compile(r"^\s*(?:to|through|until|till|-|–|—)\s*$", re.I)
_JOIN_AND = re.compile(r"^\s*(?:,\s*)?(?:and|into|to|through|-|–)\s*$", re.I)
_BEFORE_RANGE = re.compile(r"\b(?:from|between)\s*$", re.I)
_NIGHT_OF = re.compile(r"\b(?:overnight|night of|overnight from|overnight on)\s*$", re.I)


@dataclass(frozen=True)
class DateMention:
    """A date phrase in a sentence: its span, the day(s) it names and how precisely.

    `days` has one entry per day of fighting (several for "from Monday to Wednesday").
    `statement` marks a date attached to a verb of saying ("said on Friday"): the day of a
    statement, a weaker clue to the event's day. `future` and `background` mentions (after
    publication, or "since 2011") never date an event.
    """

    start: int
    end: int
    text: str
    days: tuple[date, ...]
    precision: int
    statement: bool = False
    future: bool = False
    background: bool = False

    @property
    def usable(self) -> bool:
        return bool(self.days) and not self.future and not self.background


@cache
def _tables() -> dict[str, re.Pattern[str] | list[tuple[re.Pattern[str], dict]]]:
    data = table("dates")
    rel = [(re.compile(item["pattern"], re.I), item) for item in data["relative"]]
    return {
        "relative": rel,
        "ago": re.compile(data["ago"], re.I),
        "after_event": re.compile(data["after_event"], re.I),
        "future": re.compile(data["future"], re.I),
        "statement": re.compile(data["statement_verbs"], re.I),
        "late": re.compile(data["late_words"], re.I),
        "early": re.compile(data["early_words"], re.I),
        "holidays": [(re.compile(r"\b(?:the day (?P<rel>before|after)\s+)?"
                                 + re.escape(name).replace("\\ ", r"\s+") + r"\b", re.I),
                      tuple(md)) for name, md in (data.get("holidays") or {}).items()],
    }


def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _latest_not_after(month: int, day: int, published: date) -> date | None:
    """The date with this month and day that is on or before publication (this year or last)."""
    for year in (published.year, published.year - 1):
        found = _safe_date(year, month, day)
        if found is not None and found <= published:
            return found
    return None


def _clamp_midpoint(mid: date, first: date, published: date) -> date:
    """A midpoint never after publication: fall back to the middle of what has happened."""
    if mid <= published:
        return mid
    return first + timedelta(days=max(0, (published - first).days) // 2)


def _week_mid(published: date, shift: int) -> date:
    monday = published - timedelta(days=published.weekday()) + timedelta(weeks=shift)
    return _clamp_midpoint(monday + timedelta(days=2), monday, published)


def _weekend(published: date) -> date:
    back = (published.weekday() - 5) % 7
    return published - timedelta(days=back)


def _month_mid(published: date, shift: int) -> date:
    first = published.replace(day=1)
    if shift < 0:
        first = (first - timedelta(days=1)).replace(day=1)
    return _clamp_midpoint(first.replace(day=15), first, published)


def parse_date(text: str) -> date | None:
    """A calendar date written on its own (header, date line, metadata): None if there is none.

    Accepts ISO dates (with a time after them), "February 8, 2018", "8 February 2018",
    "Thu 8 Feb 2018 10.15 GMT" and "08.02.2018" (day first, as European outlets print it).
    """
    text = text.strip()
    if not text or len(text) > 80:
        return None
    match = _ISO.search(text)
    if match:
        return _safe_date(int(match["y"]), int(match["m"]), int(match["d"]))
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        match = pattern.search(text)
        if match and match["y"]:
            return _safe_date(int(match["y"]), _month(match["m"]), int(match["d"]))
    match = re.search(r"\b(\d{1,2})[./](\d{1,2})[./]((?:19|20)\d{2})\b", text)
    if match:
        return _safe_date(int(match[3]), int(match[2]), int(match[1]))
    return None


@dataclass
class _Atom:
    start: int
    end: int
    day: date | None
    days: tuple[date, ...]
    precision: int
    late: bool = False
    early: bool = False
    future: bool = False
    background: bool = False


def _atoms(sentence: str, published: date) -> list[_Atom]:
    tables = _tables()
    atoms: list[_Atom] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def add(atom: _Atom) -> None:
        if free(atom.start, atom.end):
            atoms.append(atom)
            taken.append((atom.start, atom.end))

    def daypart(match: re.Match[str]) -> tuple[bool, bool]:
        parts = match.groupdict()
        words = " ".join(filter(None, (parts.get("pre"), parts.get("part"))))
        return bool(tables["late"].search(words)), bool(tables["early"].search(words))

    for pattern in (_ISO, _DAY_MONTH, _MONTH_DAY):
        for match in pattern.finditer(sentence):
            month = int(match["m"]) if pattern is _ISO else _month(match["m"])
            day = int(match["d"])
            if match["y"]:
                first = _safe_date(int(match["y"]), month, day)
            else:
                first = _latest_not_after(month, day, published)
            if first is None:
                continue
            days: tuple[date, ...] = (first,)
            d2 = match.groupdict().get("d2")
            if d2:
                last = _safe_date(first.year, month, int(d2))
                if last is not None and 0 < (last - first).days <= MAX_SPAN_DAYS:
                    days = tuple(first + timedelta(days=i) for i in range((last - first).days + 1))
            late, early = daypart(match) if pattern is not _ISO else (False, False)
            add(_Atom(match.start(), match.end(), first, days, 1, late, early,
                      future=days[-1] > published,
                      background=first < published - timedelta(days=366)))
    for match in _WEEKDAY.finditer(sentence):
        mod = (match["mod"] or "").lower()
        target = WEEKDAYS[match["wd"].lower()]
        back = (published.weekday() - target) % 7
        if mod in ("last", "this past") and back == 0:
            back = 7
        day = published - timedelta(days=back)
        future = mod in ("next", "coming")
        late, early = daypart(match)
        add(_Atom(match.start(), match.end(), day, (day,), 1, late, early, future=future))
    for pattern, item in tables["relative"]:  # type: ignore[union-attr]
        for match in pattern.finditer(sentence):
            if "days" in item:
                day = published + timedelta(days=int(item["days"]))
                words = match.group(0).lower()
                late = "late" in words or "night" in words or "evening" in words
                add(_Atom(match.start(), match.end(), day, (day,), 1, late,
                          "early" in words or "morning" in words))
            else:
                unit, shift = item["unit"], int(item.get("shift", 0))
                if unit == "week":
                    day, precision = _week_mid(published, shift), 2
                elif unit == "weekend":
                    day, precision = _weekend(published), 2
                else:
                    day, precision = _month_mid(published, shift), 3
                add(_Atom(match.start(), match.end(), day, (day,), precision))
    for pattern, (month, day_of_month) in tables["holidays"]:  # type: ignore[misc]
        for match in pattern.finditer(sentence):
            holiday = _latest_not_after(month, day_of_month, published)
            if holiday is None:
                continue
            shift = {"before": -1, "after": 1}.get((match["rel"] or "").lower(), 0)
            day = holiday + timedelta(days=shift)
            add(_Atom(match.start(), match.end(), day, (day,), 1, future=day > published))
    for match in tables["ago"].finditer(sentence):  # type: ignore[union-attr]
        n_text = match["n"].lower()
        n = int(n_text) if n_text.isdigit() else NUMBER_WORDS.get(n_text, 1)
        if match["unit"].lower().startswith("week"):
            day, precision = published - timedelta(weeks=n), 2
        else:
            day, precision = published - timedelta(days=n), 1
        add(_Atom(match.start(), match.end(), day, (day,), precision))
    for match in _MONTH_ONLY.finditer(sentence):
        if not match["prep"] and not match["y"]:
            continue  # "May" alone is as often a verb as a month
        month = _month(match["m"])
        if match["y"]:
            first = _safe_date(int(match["y"]), month, 1)
        else:
            first = _latest_not_after(month, 1, published)
        if first is None:
            continue
        mid = _clamp_midpoint(first.replace(day=15), first, published)
        prep = (match["prep"] or "").lower()
        add(_Atom(match.start("m"), match.end(), mid, (mid,), 3,
                  future=first > published or prep in ("until", "by"),
                  background=prep == "since" or first < published - timedelta(days=366)))
    for match in _YEAR.finditer(sentence):
        year = int(match["y"])
        if year < published.year or match["prep"].lower() == "since":
            add(_Atom(match.start(), match.end(), None, (), 3, background=True))
        elif year > published.year:
            add(_Atom(match.start(), match.end(), None, (), 3, future=True))
    atoms.sort(key=lambda a: a.start)
    return atoms


def attached_to_act(sentence: str, mention: DateMention, act_start: int,
                    act_end: int | None = None) -> bool:
    """Whether a date names the day of the act it touches: right before it ("Friday's attack",
    "the January 17 airstrike") or right after it ("arrested on Thursday", "killed late on
    Monday"): the act's own day, whatever else the sentence dates."""
    if act_start >= mention.end:
        between = sentence[mention.end:act_start]
        return bool(re.fullmatch(r"(?:['’]s)?\s+(?:(?:night|morning|evening|afternoon|"
                                 r"early|late|deadly|fatal)(?:['’]s)?\s+){0,2}", between))
    if act_end is not None and mention.start >= act_end:
        between = sentence[act_end:mention.start]
        return bool(re.fullmatch(r"\s+(?:[\w-]+\s+){0,2}", between))
    return False


@dataclass(frozen=True)
class RelativeDay:
    """A day counted from the event told before it ("two days after the attack": +2)."""

    start: int
    end: int
    text: str
    offset: int


def find_relative_days(sentence: str) -> list[RelativeDay]:
    """Days a sentence counts from another event ("two days after", "the next day")."""
    out = []
    for match in _tables()["after_event"].finditer(sentence):  # type: ignore[union-attr]
        if match["same"]:
            offset = 0
        elif match["next"]:
            offset = -1 if match["next"].lower() == "previous" else 1
        else:
            word = match["n"].lower()
            count = int(word) if word.isdigit() else NUMBER_WORDS.get(word, 1)
            offset = count if match["dir"].lower() in ("after", "later") else -count
        out.append(RelativeDay(match.start(), match.end(), match.group(0), offset))
    return out


_ORDINALS = {"second": 2, "third": 3, "fourth": 4, "fifth": 5, "2nd": 2, "3rd": 3, "4th": 4,
             "5th": 5}


def ordinal_day(text: str) -> int | None:
    """N when the text says the act's day is the Nth day of fighting ("the second day of
    clashes", "fighting raged for a third straight day"); None otherwise."""
    tables = table("dates")
    match = re.search(tables["ordinal_day"], text, re.I)
    if match is None or not re.search(tables["ordinal_context"], text, re.I):
        return None
    return _ORDINALS[match["n"].lower()]


def find_dates(sentence: str, published: date) -> list[DateMention]:
    """The dates a sentence mentions, resolved against the publication date, in text order."""
    tables = _tables()
    atoms = _atoms(sentence, published)
    mentions: list[DateMention] = []
    i = 0
    while i < len(atoms):
        atom = atoms[i]
        start, end, days, precision = atom.start, atom.end, atom.days, atom.precision
        future, background = atom.future, atom.background
        if i + 1 < len(atoms) and atom.day and atoms[i + 1].day and atom.precision == 1:
            nxt = atoms[i + 1]
            between = sentence[atom.end:nxt.start]
            before = sentence[max(0, atom.start - 25):atom.start]
            gap = ((nxt.day or atom.day) - atom.day).days
            overnight = gap == 1 and (
                (atom.late and (nxt.early or not nxt.late)) or bool(_NIGHT_OF.search(before))
            ) and bool(_JOIN_AND.match(between))
            ranged = _JOIN_SPAN.match(between) or (
                _BEFORE_RANGE.search(before) and _JOIN_AND.match(between))
            if overnight:
                end, i = nxt.end, i + 1
            elif (_JOIN_AND.match(between) or ranged) and 0 < gap <= MAX_SPAN_DAYS:
                if ranged:
                    days = tuple(atom.day + timedelta(days=k) for k in range(gap + 1))
                else:
                    days = (*atom.days, *nxt.days)
                end, i = nxt.end, i + 1
                future = future or nxt.future
        text = sentence[start:end]
        before = sentence[max(0, start - 30):start]
        after = sentence[end:end + 25]
        if tables["future"].search(before):  # type: ignore[union-attr]
            future = True
        statement = bool(
            tables["statement"].search(before[-14:])  # type: ignore[union-attr]
            or re.match(r"^\s*(?:,\s*)?(?:that\s+)?\b(?:said|told|announced|stated)\b", after)
        ) and not re.search(r"\b(?:killed|attacked|clashed|struck|died)\b", before[-14:])
        if any(d > published for d in days):
            days = tuple(d for d in days if d <= published)
            future = future or not days
        mentions.append(DateMention(start, end, text, tuple(days), precision, statement,
                                    future, background))
        i += 1
    return mentions
