"""Dates as they appear in ACLED and UCDP files of every era, parsed a whole column at a time.

ACLED exports have carried "2018-02-07", "07 February 2018", "01-January-2015", "29/12/2015",
"20201231", and spreadsheet re-saves turn them into "9-May-20", "31-12-19", "14/08/2020 00:00:00"
or "1/22/2014 12:00:00 AM". A column is parsed over its *distinct* values (a 3M-row column has a
few thousand), never per row:

1. a time of day after the date is split off (vectorised over the distinct values). Midnight
   ("00:00", "00:00:00.000", "12:00:00 AM") is how spreadsheets and pandas write a bare date;
   any other time keeps the day as written and is reported (`ParsedDates.timed`), since it may
   come from a time-zone shift;
2. the date part is tried against `DATE_FORMATS` (vectorised `pandas.to_datetime` with an exact
   format, only on values of the format's shape);
3. five-digit spreadsheet serial numbers;
4. what is left (month names in French, Spanish or Portuguese, a weekday before the date ...)
   goes to `dateparser`, one call per distinct value, absolute dates only (no "yesterday"),
   day, month and year all required, in the day order the column settled on.

Some forms are ambiguous: "05/06/2019" is 5 June (day first) or 6 May (month first). Such values
are read the way the rest of the column is written: the format that unambiguous values of the
same shape (e.g. "29/12/2015", which can only be day first, or "1/22/2014", only month first)
use in the majority of rows, whatever their time of day and zero-padding (a spreadsheet re-save
writes the dates it could read day-and-month-swapped in one form and the rest in another). With
no evidence at all the day-first reading wins, as in every ACLED export. Both choices are
reported.
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
    value parsed by more than one member of a family to different dates is ambiguous. `shape`,
    when given, is a regular expression a value must match in full to be tried at all (strptime
    would read "2020123" as "%Y%m%d").
    """

    name: str
    pattern: str
    family: str = ""
    shape: str = ""


# Order matters only between formats of different families (the first that parses a value wins);
# within a family the first member is the default reading when the column gives no evidence.
DATE_FORMATS: tuple[DateFormat, ...] = (
    DateFormat("YYYY-MM-DD", "%Y-%m-%d"),
    DateFormat("YYYYMMDD", "%Y%m%d", shape=r"\d{8}"),
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
DATEPARSER = "dateparser"
# Serial day numbers a spreadsheet shows for 1954-2090: five digits, nothing else.
_EXCEL_MIN, _EXCEL_MAX = 20_000, 70_000
_EXCEL_EPOCH = np.datetime64("1899-12-30", "s")

# A time of day after the date (the date part ends with a digit): "2014-01-22T00:00:00",
# "14/08/2020 00:00:00", "1/22/2014 12:00:00 AM", "03/05/2023 00:00", "... 13:05:00+01:00"
_TIME = (r"^(?P<date>.*?\d)(?:T|\s+)(?P<hour>\d{1,2}):(?P<minute>\d{2})"
         r"(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?"
         r"\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?)?\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})?$")
#: Languages dateparser may read month names in (ACLED covers francophone, lusophone and
#: hispanophone countries; exports re-saved with a local spreadsheet carry their month names).
DATEPARSER_LANGUAGES = ("en", "fr", "es", "pt")
# dateparser costs ~1-5 ms a value: a column with more distinct leftovers than this is tried on
# a sample first and given up when most of the sample is not dates either
_DATEPARSER_BUDGET = 2_000
_DATEPARSER_SAMPLE = 200
# two runs of digits at least (a day and a year): anything less is no date dateparser should see
_DATEPARSER_SHAPE = re.compile(r"\d+\D+\d+")


@dataclass
class ParsedDates:
    """The outcome of parsing one column.

    values: datetime64[s] aligned with the input, NaT where blank or unreadable.
    unreadable: boolean mask of non-blank values no format reads.
    ambiguous: boolean mask of values that two formats read differently (resolved, see `choices`).
    minority: boolean mask of values whose only reading contradicts the column's majority format.
    timed: boolean mask of values read with a time of day other than midnight (the day is kept).
    formats: rows read by each format name.
    choices: family -> (chosen format name, rows of evidence for it, rows of evidence against).
    family_rows: family -> rows whose value was ambiguous within it.
    """

    values: pd.Series
    unreadable: np.ndarray
    ambiguous: np.ndarray
    minority: np.ndarray
    timed: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
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


def _shape_ok(fmt: DateFormat, alpha: np.ndarray, year_first: np.ndarray,
              text: pd.Series) -> np.ndarray:
    """Values that could be in `fmt` at all: letters only where it has month names or letters,
    a leading four-digit year only where it starts with one, its `shape` where it has one."""
    literal = re.sub(r"%.", "", fmt.pattern)
    wants_alpha = "%B" in fmt.pattern or "%b" in fmt.pattern or bool(re.search("[A-Za-z]",
                                                                              literal))
    wants_year = fmt.pattern.startswith("%Y")
    ok = (alpha == wants_alpha) & (year_first == wants_year)
    if fmt.shape and ok.any():
        ok &= text.str.fullmatch(fmt.shape).to_numpy(dtype=bool, na_value=False)
    return ok


def _split_times(uniques: pd.Index) -> tuple[pd.Index, np.ndarray]:
    """(date part of each distinct value, whether its time of day is other than midnight).

    A value whose time part does not read as a time of day is left whole (and then fails)."""
    text = pd.Series(uniques, dtype="str")
    timed = np.zeros(len(text), dtype=bool)
    candidates = text.str.contains(":", regex=False).to_numpy(dtype=bool, na_value=False)
    if not candidates.any():
        return uniques, timed
    rows = np.flatnonzero(candidates)
    parts = text.iloc[rows].str.extract(_TIME)
    found = parts["date"].notna().to_numpy()
    hour = pd.to_numeric(parts["hour"], errors="coerce").to_numpy(dtype="float64",
                                                                  na_value=np.nan)
    minute = pd.to_numeric(parts["minute"], errors="coerce").to_numpy(dtype="float64",
                                                                      na_value=np.nan)
    second = pd.to_numeric(parts["second"], errors="coerce").fillna(0).to_numpy(dtype="float64")
    fraction = pd.to_numeric(parts["fraction"], errors="coerce").fillna(0).to_numpy(
        dtype="float64")
    ampm = parts["ampm"].fillna("").str.upper().str.replace(r"[.\s]", "", regex=True)
    twelve = (ampm != "").to_numpy()
    pm = (ampm == "PM").to_numpy()
    valid = found & (minute <= 59) & (second <= 59) & np.where(
        twelve, (hour >= 1) & (hour <= 12), hour <= 23)
    hour24 = np.where(twelve, np.where(pm, hour % 12 + 12, hour % 12), hour)
    midnight = (hour24 == 0) & (minute == 0) & (second == 0) & (fraction == 0)
    dates = text.copy()
    keep = rows[valid]
    dates.iloc[keep] = parts["date"].to_numpy(dtype=object)[valid]
    timed[keep] = ~midnight[valid]
    return pd.Index(dates, dtype="str"), timed


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
    """Parse a column of date text (see the module docstring)."""
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
    uniques, timed_u = _split_times(uniques)

    result = np.full(n_unique, np.datetime64("NaT"), dtype="datetime64[s]")
    fmt_of = np.full(n_unique, -1, dtype=np.int16)
    ambiguous_u = np.zeros(n_unique, dtype=bool)
    minority_u = np.zeros(n_unique, dtype=bool)
    choices: dict[str, tuple[str, int, int]] = {}
    family_rows: dict[str, int] = {}
    names = [f.name for f in DATE_FORMATS] + [EXCEL_SERIAL, DATEPARSER]

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
        todo = todo[_shape_ok(DATE_FORMATS[i], alpha[todo], year_first[todo], text.iloc[todo])]
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

    todo = np.flatnonzero((fmt_of < 0) & ~blank)
    if len(todo):
        month_first = any(name.startswith("MM") for name, _, _ in choices.values())
        read, later = _dateparser(uniques[todo], month_first)
        result[todo] = np.where(np.isnat(read), result[todo], read)
        fmt_of[todo[~np.isnat(read)]] = len(DATE_FORMATS) + 1
        timed_u[todo] |= later

    take = np.where(codes >= 0, codes, 0)
    valid = codes >= 0
    out = np.where(valid, result[take] if n_unique else np.datetime64("NaT"), np.datetime64("NaT"))
    out = out.astype("datetime64[s]")
    unreadable_u = (fmt_of < 0) & ~blank
    timed_u &= fmt_of >= 0

    def spread(flags: np.ndarray) -> np.ndarray:
        return np.asarray(valid & (flags[take] if n_unique else False), dtype=bool)

    formats: dict[str, int] = {}
    for k in np.unique(fmt_of[fmt_of >= 0]):
        formats[names[k]] = int(rows_of[fmt_of == k].sum())
    return ParsedDates(
        values=pd.Series(out, index=series.index, name=series.name, dtype="datetime64[s]"),
        unreadable=spread(unreadable_u),
        ambiguous=spread(ambiguous_u),
        minority=spread(minority_u),
        timed=spread(timed_u),
        formats=formats,
        choices=choices,
        family_rows=family_rows,
    )


def _dateparser(values: pd.Index, month_first: bool) -> tuple[np.ndarray, np.ndarray]:
    """(day per value, NaT where unread; whether it carried a time other than midnight), by
    dateparser: absolute dates with day, month and year, in the column's day order."""
    out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[s]")
    later = np.zeros(len(values), dtype=bool)
    shaped = [i for i, v in enumerate(values) if len(v) <= 60 and _DATEPARSER_SHAPE.search(v)]
    if not shaped:
        return out, later
    from dateparser.date import DateDataParser

    parser = DateDataParser(languages=list(DATEPARSER_LANGUAGES), settings={
        "PARSERS": ["absolute-time"], "STRICT_PARSING": True,
        "REQUIRE_PARTS": ["day", "month", "year"], "PREFER_LOCALE_DATE_ORDER": False,
        "DATE_ORDER": "MDY" if month_first else "DMY", "RETURN_AS_TIMEZONE_AWARE": False,
    })

    def read(i: int) -> bool:
        try:
            found = parser.get_date_data(values[i]).date_obj
        except (ValueError, OverflowError, TypeError):  # pragma: no cover - defensive
            return False
        if found is None:
            return False
        out[i] = np.datetime64(found.date(), "s")
        later[i] = (found.hour, found.minute, found.second, found.microsecond) != (0, 0, 0, 0)
        return True

    if len(shaped) > _DATEPARSER_BUDGET:
        sample = shaped[:_DATEPARSER_SAMPLE]
        if sum(read(i) for i in sample) * 2 < len(sample):
            return out, later
        shaped = shaped[_DATEPARSER_SAMPLE:]
    for i in shaped:
        read(i)
    return out, later


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
