"""Dates as they appear in ACLED files of every era, parsed a whole column at a time.

ACLED exports have carried "2018-02-07", "07 February 2018", "01-January-2015", "29/12/2015", and
spreadsheet re-saves turn them into "9-May-20" or "31-12-19". A column is parsed by trying each
known format over its *distinct* values (a 3M-row column has a few thousand), never per row.

Some forms are ambiguous: "05/06/2019" is 5 June (day first) or 6 May (month first). Such values
are read the way the rest of the column is written: the format that unambiguous values of the same
shape (e.g. "29/12/2015", which can only be day first) use in the majority of rows. With no
evidence at all the day-first reading wins, as in every ACLED export. Both choices are reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class DateFormat:
    """One accepted way of writing a date.

    `family` groups formats that read the same text differently (day-first vs month-first); a
    value parsed by more than one member of a family to different dates is ambiguous.
    """

    name: str
    pattern: str
    family: str = ""


# Order matters only between formats of different families (the first that parses a value wins);
# within a family the first member is the default reading when the column gives no evidence.
DATE_FORMATS: tuple[DateFormat, ...] = (
    DateFormat("YYYY-MM-DD", "%Y-%m-%d"),
    DateFormat("YYYY-MM-DD hh:mm:ss", "%Y-%m-%d %H:%M:%S"),
    DateFormat("YYYY-MM-DDThh:mm:ss", "%Y-%m-%dT%H:%M:%S"),
    DateFormat("YYYY-MM-DD hh:mm:ss.fff", "%Y-%m-%d %H:%M:%S.%f"),
    DateFormat("D Month YYYY", "%d %B %Y"),
    DateFormat("D Mon YYYY", "%d %b %Y"),
    DateFormat("D-Month-YYYY", "%d-%B-%Y"),
    DateFormat("D-Mon-YYYY", "%d-%b-%Y"),
    DateFormat("D-Month-YY", "%d-%B-%y"),
    DateFormat("D-Mon-YY", "%d-%b-%y"),
    DateFormat("D Mon YY", "%d %b %y"),
    DateFormat("Month D, YYYY", "%B %d, %Y"),
    DateFormat("Mon D, YYYY", "%b %d, %Y"),
    DateFormat("YYYY/MM/DD", "%Y/%m/%d"),
    DateFormat("DD/MM/YYYY", "%d/%m/%Y", family="nn/nn/yyyy"),
    DateFormat("MM/DD/YYYY", "%m/%d/%Y", family="nn/nn/yyyy"),
    DateFormat("DD-MM-YYYY", "%d-%m-%Y", family="nn-nn-yyyy"),
    DateFormat("MM-DD-YYYY", "%m-%d-%Y", family="nn-nn-yyyy"),
    DateFormat("DD.MM.YYYY", "%d.%m.%Y"),
    DateFormat("DD/MM/YY", "%d/%m/%y", family="nn/nn/yy"),
    DateFormat("MM/DD/YY", "%m/%d/%y", family="nn/nn/yy"),
    DateFormat("DD-MM-YY", "%d-%m-%y", family="nn-nn-yy"),
    DateFormat("MM-DD-YY", "%m-%d-%y", family="nn-nn-yy"),
)
FORMATS_BY_NAME: dict[str, DateFormat] = {f.name: f for f in DATE_FORMATS}

EXCEL_SERIAL = "spreadsheet serial number"
# Serial day numbers a spreadsheet shows for 1954-2090: five digits, nothing else.
_EXCEL_MIN, _EXCEL_MAX = 20_000, 70_000
_EXCEL_EPOCH = np.datetime64("1899-12-30", "s")


@dataclass
class ParsedDates:
    """The outcome of parsing one column.

    values: datetime64[s] aligned with the input, NaT where blank or unreadable.
    unreadable: boolean mask of non-blank values no format reads.
    ambiguous: boolean mask of values that two formats read differently (resolved, see `choices`).
    minority: boolean mask of values whose only reading contradicts the column's majority format.
    formats: rows read by each format name.
    choices: family -> (chosen format name, rows of evidence for it, rows of evidence against).
    family_rows: family -> rows whose value was ambiguous within it.
    """

    values: pd.Series
    unreadable: np.ndarray
    ambiguous: np.ndarray
    minority: np.ndarray
    formats: dict[str, int] = field(default_factory=dict)
    choices: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    family_rows: dict[str, int] = field(default_factory=dict)

    def describe_choices(self) -> list[str]:
        """One sentence per resolved ambiguous family, for the report."""
        lines = []
        for family, (chosen, support, against) in self.choices.items():
            rows = self.family_rows.get(family, 0)
            if support or against:
                why = f"{support} unambiguous rows use it, {against} use the other order"
            else:
                why = "no unambiguous value shows the order; day first is ACLED's convention"
            plural = "s" if rows != 1 else ""
            lines.append(f"{rows} ambiguous date{plural} of the form {family} read as {chosen} "
                         f"({why})")
        return lines


def _shape_ok(fmt: DateFormat, alpha: np.ndarray, year_first: np.ndarray) -> np.ndarray:
    """Values that could be in `fmt` at all: letters only where it has month names or letters,
    a leading four-digit year only where it starts with one."""
    literal = re.sub(r"%.", "", fmt.pattern)
    wants_alpha = "%B" in fmt.pattern or "%b" in fmt.pattern or bool(re.search("[A-Za-z]",
                                                                              literal))
    wants_year = fmt.pattern.startswith("%Y")
    return (alpha == wants_alpha) & (year_first == wants_year)


def _parse_with(uniques: pd.Index, pattern: str) -> np.ndarray:
    """datetime64[s] per unique value, NaT where the pattern does not read it (never raises)."""
    try:
        parsed = pd.to_datetime(uniques, format=pattern, errors="coerce", exact=True)
    except (ValueError, OverflowError, TypeError):  # pragma: no cover - coerce should catch
        return np.full(len(uniques), np.datetime64("NaT"), dtype="datetime64[s]")
    return _to_seconds(np.asarray(parsed))


def _to_seconds(values: np.ndarray) -> np.ndarray:
    if values.dtype.kind != "M":
        return np.full(len(values), np.datetime64("NaT"), dtype="datetime64[s]")
    return values.astype("datetime64[s]")


def _excel_serials(uniques: pd.Index) -> np.ndarray:
    text = pd.Series(uniques, dtype="str")
    digits = text.str.fullmatch(r"\d{5}(?:\.0+)?").fillna(False).to_numpy(dtype=bool)
    out = np.full(len(uniques), np.datetime64("NaT"), dtype="datetime64[s]")
    if digits.any():
        days = pd.to_numeric(text[digits], errors="coerce").to_numpy(dtype="float64")
        ok = (days >= _EXCEL_MIN) & (days <= _EXCEL_MAX)
        idx = np.flatnonzero(digits)[ok]
        out[idx] = _EXCEL_EPOCH + (days[ok].astype("int64") * 86_400).astype("timedelta64[s]")
    return out


def parse_dates(values: pd.Series) -> ParsedDates:
    """Parse a column of date text in any format of `DATE_FORMATS` (see the module docstring)."""
    series = pd.Series(values, copy=False)
    # distinct values first, then strip those (stripping a 3M-row column costs more)
    raw_codes, raw_uniques = pd.factorize(series.astype("str"), use_na_sentinel=True)
    stripped = pd.Series(raw_uniques, dtype="str").str.strip()
    strip_codes, uniques = pd.factorize(stripped, use_na_sentinel=True)
    codes = np.where(raw_codes >= 0, strip_codes[np.where(raw_codes >= 0, raw_codes, 0)]
                     if len(strip_codes) else -1, -1)
    uniques = pd.Index(uniques, dtype="str")
    n_unique = len(uniques)
    rows_of = np.bincount(codes[codes >= 0], minlength=n_unique)
    blank = np.asarray(uniques == "", dtype=bool)

    result = np.full(n_unique, np.datetime64("NaT"), dtype="datetime64[s]")
    fmt_of = np.full(n_unique, -1, dtype=np.int16)
    ambiguous_u = np.zeros(n_unique, dtype=bool)
    minority_u = np.zeros(n_unique, dtype=bool)
    choices: dict[str, tuple[str, int, int]] = {}
    family_rows: dict[str, int] = {}
    names = [f.name for f in DATE_FORMATS] + [EXCEL_SERIAL]

    text = pd.Series(uniques, dtype="str")
    alpha = text.str.contains("[A-Za-z]").to_numpy(dtype=bool, na_value=False)
    year_first = text.str.match(r"\d{4}").to_numpy(dtype=bool, na_value=False)
    i = 0
    while i < len(DATE_FORMATS):
        todo = np.flatnonzero((fmt_of < 0) & ~blank)
        if len(todo) == 0:
            break
        family = DATE_FORMATS[i].family
        members = [i]
        if family:
            while i + len(members) < len(DATE_FORMATS) and \
                    DATE_FORMATS[i + len(members)].family == family:
                members.append(i + len(members))
        # only values of the format's shape are tried: a failed parse costs as much as a hit
        todo = todo[_shape_ok(DATE_FORMATS[i], alpha[todo], year_first[todo])]
        if len(todo) == 0:
            i += len(members)
            continue
        sub = uniques[todo]
        parsed = np.stack([_parse_with(sub, DATE_FORMATS[m].pattern) for m in members])
        ok = ~np.isnat(parsed)
        if len(members) == 1:
            hit = ok[0]
            result[todo[hit]] = parsed[0][hit]
            fmt_of[todo[hit]] = members[0]
        else:
            _resolve_family(family, members, todo, parsed, ok, rows_of, result, fmt_of,
                            ambiguous_u, minority_u, choices, family_rows)
        i += len(members)

    todo = np.flatnonzero((fmt_of < 0) & ~blank)
    if len(todo):
        serial = _excel_serials(uniques[todo])
        hit = ~np.isnat(serial)
        result[todo[hit]] = serial[hit]
        fmt_of[todo[hit]] = len(DATE_FORMATS)

    take = np.where(codes >= 0, codes, 0)
    valid = codes >= 0
    out = np.where(valid, result[take] if n_unique else np.datetime64("NaT"), np.datetime64("NaT"))
    out = out.astype("datetime64[s]")
    unreadable_u = (fmt_of < 0) & ~blank
    unreadable = valid & (unreadable_u[take] if n_unique else False)
    ambiguous = valid & (ambiguous_u[take] if n_unique else False)
    minority = valid & (minority_u[take] if n_unique else False)
    formats: dict[str, int] = {}
    for k in np.unique(fmt_of[fmt_of >= 0]):
        formats[names[k]] = int(rows_of[fmt_of == k].sum())
    return ParsedDates(
        values=pd.Series(out, index=series.index, name=series.name, dtype="datetime64[s]"),
        unreadable=np.asarray(unreadable, dtype=bool),
        ambiguous=np.asarray(ambiguous, dtype=bool),
        minority=np.asarray(minority, dtype=bool),
        formats=formats,
        choices=choices,
        family_rows=family_rows,
    )


def _resolve_family(
    family: str,
    members: list[int],
    todo: np.ndarray,
    parsed: np.ndarray,
    ok: np.ndarray,
    rows_of: np.ndarray,
    result: np.ndarray,
    fmt_of: np.ndarray,
    ambiguous_u: np.ndarray,
    minority_u: np.ndarray,
    choices: dict[str, tuple[str, int, int]],
    family_rows: dict[str, int],
) -> None:
    """Assign values a family's members read: unique readings directly, ambiguous by majority."""
    n_ok = ok.sum(axis=0)
    first_ok = np.argmax(ok, axis=0)
    # Members that read a value all agree (e.g. "12/12/2015") -> not ambiguous.
    first_val = parsed[first_ok, np.arange(parsed.shape[1])]
    agree = np.all(~ok | (parsed == first_val), axis=0)
    single = (n_ok == 1) | ((n_ok > 1) & agree)
    multi = (n_ok > 1) & ~agree
    weights = rows_of[todo]
    evidence = np.array([int(weights[(n_ok == 1) & ok[j]].sum()) for j in range(len(members))])
    winner = int(np.argmax(evidence))  # ties (incl. no evidence) -> the first, day-first member
    result[todo[single]] = first_val[single]
    fmt_of[todo[single]] = np.asarray(members)[first_ok[single]]
    # A value only the losing reading can parse contradicts the column's habit: note it.
    if evidence.sum():
        minority_u[todo[(n_ok == 1) & ~ok[winner]]] = True
    if multi.any():
        result[todo[multi]] = parsed[winner][multi]
        fmt_of[todo[multi]] = members[winner]
        ambiguous_u[todo[multi]] = True
        against = int(evidence.sum() - evidence[winner])
        choices[family] = (DATE_FORMATS[members[winner]].name, int(evidence[winner]), against)
        family_rows[family] = int(weights[multi].sum())
