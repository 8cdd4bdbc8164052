"""Import a UCDP GED file (versions 20.1-25.1, 49 columns) as ACLED-style events.

    result = read_ucdp("GEDEvent_v25_1.csv")

How GED becomes ACLED (the tables are data in `data/importers/ucdp_*.csv`):

- event type: type_of_violence 1 (state-based) and 2 (non-state) -> Battles / Armed clash;
  3 (one-sided) -> Violence against civilians / Attack.
- dates: a single day (date_start == date_end) is the event date; a range is placed at its
  midpoint (rounded down). date_prec 1 -> time_precision 1; 2-3 (within a week) -> 2;
  4-5 (a month or more) -> 3. date_start, date_end and date_prec stay in the side table.
- actors: "Government of X" -> X's military as the actor registry names it in that year
  ("Military Forces of Syria (2000-)"), State forces when X is the event's country, External/Other
  forces otherwise; further governments of a joint side ("Government of A, Government of B")
  become associated actors. side_b "Civilians" -> "Civilians (<country>)", Civilians. Any other
  side keeps UCDP's name; its actor type is the registry's when the name is an ACLED actor name,
  otherwise Rebel group for state-based conflict and one-sided violence (UCDP counts only
  formally organised groups there) and Political militia for non-state conflict. The number of
  sides typed by that default is reported once.
- fatalities: `best`. low, high and deaths_a/b/civilians/unknown go to the side table; a row
  where low <= best <= high fails is imported with a warning (it happens in ~0.6% of real rows).
- place: where_coordinates -> location (without UCDP's " town"/" district" ... suffix), adm_1/adm_2
  -> admin1/admin2 without " governorate", " province", " district" ... suffixes, latitude and
  longitude as given, where_prec 1-7 -> geo_precision (1 -> 1; 2-3 -> 2; 4-7 -> 3).
- country: UCDP's names ("DR Congo (Zaire)", "Myanmar (Burma)") -> ACLED's via the country
  table; region and iso are derived from it.
- source: source_office (the outlets, "; "-joined), else the outlet names in source_article.
  source_scale has no GED counterpart: it is left blank and reported once.
- notes: a sentence in ACLED's style built from the date, the dyad, the place and the death toll.
- text: the ACLED columns built from GED's are repaired like any import's (`cleaning`: line
  breaks, surrounding spaces, mojibake, a source beginning with `@` or `-` ...), each repair
  recorded; GED's own columns stay in the side table as the file has them.
- event_id_cnty: the country's ACLED prefix followed by UCDP's range base plus the GED id
  (SYR + 800,000,000 + 123456 = SYR800123456; `schema.ids`), so it never meets an ACLED ID of
  the same country in one dataset; the GED id is kept in the side table as `ged_id`.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from conflictkit.builders.importers import repairs as R
from conflictkit.builders.importers.cleaning import repair_text
from conflictkit.builders.importers.common import (
    ImportResult,
    Progress,
    ambiguous_date_notes,
    blank_text,
    file_column,
    finish,
    same_file,
    time_of_day,
)
from conflictkit.builders.importers.dates import parse_dates
from conflictkit.builders.importers.rawtable import RawTable
from conflictkit.builders.importers.registry import FORMATS_BY_NAME, format_of, recognise
from conflictkit.builders.importers.table import read_raw_table
from conflictkit.errors import InputFileError
from conflictkit.problems import catalogue as P
from conflictkit.problems.rows import problem_row
from conflictkit.schema import vocab
from conflictkit.schema.ids import UCDP_BASE
from conflictkit.schema.origins import ORIGINS, UNRECORDED

if TYPE_CHECKING:
    import datetime as dt

    import pandas as pd

    from conflictkit.builders.importers.output import ImportWriter
    from conflictkit.reference.actors import ActorRegistry

__all__ = ["ImportResult", "read_ucdp"]

UCDP = FORMATS_BY_NAME["ucdp"]
_ADMIN_WORDS = (r"governorate|province|district|region|state|county|department|prefecture|"
                r"municipality|division|oblast|rayon|territory")
_ADMIN_SUFFIX = rf"\s+(?:{_ADMIN_WORDS})$"
_PLACE_SUFFIX = rf"\s+(?:town|village|city|area|{_ADMIN_WORDS})$"
_GOVERNMENT = re.compile(r"^Government of (?P<country>.+)$")
_MILITARY = re.compile(r"^Military Forces of (?:the |The )?(?P<home>[^()]+?) "
                       r"\((?P<start>\d{4})-(?P<end>\d{4})?\)$")
CIVILIANS = vocab.INTER_LABELS[vocab.CIVILIANS_CODE]
STATE_FORCES = vocab.INTER_LABELS[1]
EXTERNAL = vocab.INTER_LABELS[8]


def _data(name: str):
    return resources.files("conflictkit").joinpath("data", "importers", name)


@cache
def _precision(field: str) -> dict[str, int]:
    with _data("ucdp_precision.csv").open(encoding="utf-8", newline="") as handle:
        return {r["code"]: int(r["acled_value"]) for r in csv.DictReader(handle)
                if r["field"] == field}


@cache
def _violence_types() -> dict[str, dict[str, str]]:
    with _data("ucdp_type_of_violence.csv").open(encoding="utf-8", newline="") as handle:
        return {r["type_of_violence"]: r for r in csv.DictReader(handle)}


def read_ucdp(path: str | Path, *, today: dt.date | None = None,
              progress: Progress | None = None,
              actors: ActorRegistry | None = None,
              writer: ImportWriter | None = None) -> ImportResult:
    """Import one UCDP GED CSV as ACLED-style events (GED's low/high estimates and deaths split
    kept in `side`); returns an `ImportResult` like `read_acled`. `actors` maps GED's actor
    names (default: the package's registry); `writer` writes the output while the events are
    checked (see `output.ImportWriter`).

    >>> result = ck.read_ucdp("GEDEvent_v25_1.csv")
    >>> result.events["event_type"].value_counts()
    """
    if progress:
        progress(f"reading {path}")
    table = read_raw_table(path)
    header_map = recognise(table.header)
    found = format_of(header_map.era)
    if found is not UCDP or header_map.missing_essential:
        what = header_map.era.label if found is not UCDP else "incomplete"
        hint = f" (use `conflictkit import {found.name}`)" if found is not UCDP else ""
        lacks = (f"; it lacks {', '.join(header_map.missing_essential)}"
                 if found is UCDP else "")
        raise InputFileError(table.path, f"is not a UCDP GED file: its header is {what}{hint}"
                                         f"{lacks}")
    if progress:
        progress(f"{len(table.frame):,} rows read; mapping UCDP GED to ACLED columns")
    return _import(table, header_map.normalized, today=today, progress=progress,
                   actors=actors, writer=writer)


def _import(table: RawTable, names: list[str], *, today: dt.date | None,
            progress: Progress | None, actors: ActorRegistry | None,
            writer: ImportWriter | None = None) -> ImportResult:
    import pandas as pd

    from conflictkit.reference.countries import countries, resolve_countries

    file = table.path
    ged = table.frame.copy()
    ged.columns = [n or f"column_{i + 1}" for i, n in enumerate(names)]
    ged = ged.loc[:, ~ged.columns.duplicated()]
    n = len(ged)
    empty = blank_text(n, ged.index)

    def col(name: str) -> pd.Series:
        return ged.get(name, empty)

    files = same_file(file, n)
    problems: list[Any] = [list(table.problems)]
    meta: dict[str, Any] = {"dataset": "ucdp", "era": "ucdp-ged", "era_label": "UCDP GED",
                            **table.meta}

    country = resolve_countries(col("country"))
    country = country.where(country.notna(), col("country").str.replace(
        r"\s*\([^()]*\)$", "", regex=True))
    prefixes = dict(zip(countries()["country"], countries()["prefix"], strict=True))
    ged_id = col("id").str.strip()
    # the GED id in UCDP's range of numbers, so it never meets an ACLED ID (schema.ids)
    number = pd.to_numeric(ged_id.str.replace(r"\.0$", "", regex=True), errors="coerce")
    event_id = country.map(prefixes).astype("str") + (number + UCDP_BASE).astype(
        "Int64").astype("str")
    ctx = {"files": files, "lines": table.lines, "event_ids": event_id}
    log = R.RepairLog()

    event_date, date_parts = _event_dates(col("date_start"), col("date_end"), ctx, meta, log)
    problems.append(date_parts)
    tov = col("type_of_violence").str.strip()
    types = _violence_types()
    event_type = tov.map({k: v["event_type"] for k, v in types.items()}).astype("str")
    sub_event = tov.map({k: v["sub_event_type"] for k, v in types.items()}).astype("str")
    problems.append(_unknown_code_problems(tov, list(types), "type_of_violence", "event_type",
                                           ctx))
    year = pd.Series(event_date.dt.year, index=ged.index).astype("Int16")

    registry = actors
    if registry is None:
        from conflictkit.reference.actors import ActorRegistry

        registry = ActorRegistry.default()
    a1, assoc1, inter1, defaulted1 = _map_side(col("side_a"), country, year, tov, registry)
    a2, assoc2, inter2, defaulted2 = _map_side(col("side_b"), country, year, tov, registry)
    defaulted = sorted(set(defaulted1) | set(defaulted2))
    if defaulted:
        shown = "; ".join(defaulted[:5]) + (f" and {len(defaulted) - 5} more"
                                            if len(defaulted) > 5 else "")
        problems.append([problem_row(
            P.ACTOR_TYPE_DEFAULT, file=file, column="inter1",
            message=f"{len(defaulted)} UCDP sides are not ACLED actor names; their actor type "
                    f"follows type_of_violence (Rebel group for 1 and 3, Political militia for 2): "
                    f"{shown}")])
    meta["actor_types_defaulted"] = len(defaulted)

    best = pd.to_numeric(col("best"), errors="coerce")
    low = pd.to_numeric(col("low"), errors="coerce")
    high = pd.to_numeric(col("high"), errors="coerce")
    outside = (best.notna() & low.notna() & high.notna() & ((low > best) | (best > high)))
    from conflictkit.problems.rows import problem_rows

    problems.append(problem_rows(
        outside.to_numpy(dtype=bool), P.BEST_OUTSIDE_LOW_HIGH, column="fatalities",
        values=col("best") + " (low " + col("low") + ", high " + col("high") + ")", **ctx))
    meta["best_outside_low_high"] = int(outside.sum())

    location = col("where_coordinates").str.replace(_PLACE_SUFFIX, "", regex=True,
                                                    flags=re.IGNORECASE)
    admin1 = col("adm_1").str.replace(_ADMIN_SUFFIX, "", regex=True, flags=re.IGNORECASE)
    admin2 = col("adm_2").str.replace(_ADMIN_SUFFIX, "", regex=True, flags=re.IGNORECASE)
    where_prec = col("where_prec").str.strip()
    geo = where_prec.map({k: str(v) for k, v in _precision("where_prec").items()}).astype("str")
    problems.append(_unknown_code_problems(where_prec, list(_precision("where_prec")),
                                           "where_prec", "geo_precision", ctx))
    date_prec = col("date_prec").str.strip()
    time_prec = date_prec.map({k: str(v) for k, v in _precision("date_prec").items()})
    problems.append(_unknown_code_problems(date_prec, list(_precision("date_prec")),
                                           "date_prec", "time_precision", ctx))

    raw = pd.DataFrame({
        "event_id_cnty": event_id,
        "event_date": event_date,
        "time_precision": time_prec.astype("str"),
        "event_type": event_type,
        "sub_event_type": sub_event,
        "actor1": a1, "assoc_actor_1": assoc1, "inter1": inter1,
        "actor2": a2, "assoc_actor_2": assoc2, "inter2": inter2,
        "country": country,
        "admin1": admin1, "admin2": admin2,
        "location": location,
        "latitude": col("latitude"), "longitude": col("longitude"),
        "geo_precision": geo,
        "source": _sources(col("source_office"), col("source_article")),
        "notes": _notes(event_date, col("side_a"), col("side_b"), location, col("best")),
        "fatalities": col("best"),
    }, index=ged.index)
    problems.append([problem_row(
        P.MISSING_COLUMN, file=file, column=column, era="UCDP GED", columns=column,
        consequence=UNRECORDED) for column in ORIGINS["ucdp-ged"].unrecorded])

    screens: dict[str, Any] = {}
    meta.update(repair_text(raw, log, screens))

    side = ged.rename(columns={"id": "ged_id"})
    side.insert(0, "source_era", "ucdp-ged")
    side.insert(0, "line", table.lines)
    side.insert(0, "file", file_column(file, n).set_axis(side.index))
    return finish(raw, side, file=file, lines=table.lines,
                  unreadable=table.records - n, problems=problems, today=today, meta=meta,
                  progress=progress, writer=writer, repairs=log, text_flags=screens)


def _event_dates(start: pd.Series, end: pd.Series, ctx: dict[str, Any],
                 meta: dict[str, Any], log: R.RepairLog) -> tuple[pd.Series, list]:
    """The event day: date_start, or the midpoint of date_start..date_end."""
    from conflictkit.problems.rows import problem_rows

    first = parse_dates(start)
    last = parse_dates(end)
    meta["date_formats"] = first.formats
    values = first.values
    both = values.notna() & last.values.notna() & (last.values > values)
    mid = values + (last.values - values) // 2
    values = values.where(~both, mid.dt.floor("D")).astype("datetime64[s]")
    meta["date_ranges_to_midpoint"] = int(both.sum())
    files = ctx["files"]
    return values, [
        problem_rows(first.unreadable, P.DATE_FORMAT, column="event_date", values=start,
                     message="date_start is not a date", **ctx),
        problem_rows(last.unreadable, P.DATE_END_FORMAT, column="event_date", values=end,
                     **ctx),
        time_of_day(first, start, "event_date", log, files),
        ambiguous_date_notes(first, "date_start", meta, files),
        ambiguous_date_notes(last, "date_end", meta, files),
    ]


def _unknown_code_problems(codes: pd.Series, known: list[str], source: str, column: str,
                           ctx: dict[str, Any]):
    from conflictkit.problems.rows import problem_rows

    bad = codes.notna() & ~codes.isin(known)
    return problem_rows(bad.to_numpy(dtype=bool), P.UCDP_CODE, column=column, values=codes,
                        message=P.UCDP_CODE.message(source=source, known=", ".join(known)),
                        **ctx)


@cache
def _militaries(registry: ActorRegistry) -> dict[str, list[tuple[int, int, str]]]:
    """ACLED country -> [(first year, last year, "Military Forces of X (A-B)")] from the registry.

    Built once with one vectorised extract, so naming a government's forces for thousands of
    (country, year) pairs costs dictionary look-ups (same choice as `state_forces`: the name
    whose years cover the event's year, latest start first).
    """
    from conflictkit.reference.countries import resolve_countries

    names = registry.table["actor"]
    parts = names.str.extract(_MILITARY).dropna(subset=["home"])
    homes = resolve_countries(parts["home"])
    out: dict[str, list[tuple[int, int, str]]] = {}
    for home, start, end, name in zip(homes, parts["start"], parts["end"],
                                      names[parts.index], strict=True):
        if isinstance(home, str):
            last = int(end) if isinstance(end, str) and end else 9999
            out.setdefault(home, []).append((int(start), last, name))
    for entries in out.values():
        entries.sort(reverse=True)
    return out


def _military_of(registry: ActorRegistry, home: str, year: int | None) -> str:
    for start, end, name in _militaries(registry).get(home, []):
        if year is None or start <= year <= end:
            return name
    return f"Military Forces of {home}"


def _map_side(side: pd.Series, country: pd.Series, year: pd.Series, tov: pd.Series,
              registry: ActorRegistry) -> tuple[pd.Series, pd.Series, pd.Series, list[str]]:
    """(actor, associated actors, actor type, names typed by default), per distinct key."""
    import pandas as pd

    from conflictkit.reference.countries import resolve_country

    keys = pd.DataFrame({"side": side, "country": country, "year": year, "tov": tov})
    codes, uniques = pd.factorize(pd.MultiIndex.from_frame(keys.astype(object)))
    distinct = pd.DataFrame(list(uniques), columns=["side", "country", "year", "tov"])
    plain = distinct["side"].where(~distinct["side"].fillna("").str.startswith("Government of"))
    known = registry.inter_codes(plain.astype("str"), distinct["country"].astype("str"))
    defaults = {k: v["default_inter"] for k, v in _violence_types().items()}
    actor, assoc, inter = [], [], []
    defaulted: list[str] = []
    for row, code in zip(distinct.itertuples(index=False), known, strict=True):
        name, where, when, kind = row.side, row.country, row.year, row.tov
        if not isinstance(name, str) or not name.strip():
            actor.append(None)
            assoc.append(None)
            inter.append(None)
            continue
        when = None if pd.isna(when) else int(when)
        if name.startswith("Government of"):
            governments = [g.strip() for g in re.split(r",\s*(?=Government of)", name)]
            named = []
            for government in governments:
                match = _GOVERNMENT.match(government)
                home_text = match["country"] if match else government
                home = resolve_country(home_text) or resolve_country(
                    re.sub(r"\s*\([^()]*\)$", "", home_text)) or home_text
                named.append((_military_of(registry, home, when), home))
            actor.append(named[0][0])
            assoc.append("; ".join(n for n, _ in named[1:]) or None)
            inter.append(STATE_FORCES if named[0][1] == where else EXTERNAL)
        elif name.strip().casefold() == "civilians":
            actor.append(f"Civilians ({where})" if isinstance(where, str) else "Civilians")
            assoc.append(None)
            inter.append(CIVILIANS)
        else:
            actor.append(name.strip())
            assoc.append(None)
            if not pd.isna(code):
                inter.append(vocab.INTER_LABELS[int(code)])
            else:
                inter.append(defaults.get(kind))
                defaulted.append(name.strip())
    take = np.where(codes >= 0, codes, 0)

    def spread(values: list) -> pd.Series:
        arr = np.asarray(values, dtype=object)
        out = arr[take] if len(arr) else np.full(len(side), None, dtype=object)
        return pd.Series(out, index=side.index, dtype="str")

    return spread(actor), spread(assoc), spread(inter), sorted(set(defaulted))


def _sources(office: pd.Series, article: pd.Series) -> pd.Series:
    """Outlet names, "; "-joined and de-duplicated, from source_office or source_article."""
    import pandas as pd

    chosen = office.where(office.notna() & (office.str.strip() != ""), article)
    codes, uniques = pd.factorize(chosen)

    def outlets(text: str, from_article: bool) -> str | None:
        names = []
        for item in re.split(r"\s*;\s*", text):
            name = (item.split(",")[0] if from_article else item).strip().strip('"').strip()
            if name and name not in names:
                names.append(name)
        return "; ".join(names) or None

    office_set = set(office.dropna())
    mapped = np.asarray([outlets(u, u not in office_set) for u in uniques], dtype=object)
    values = np.where(codes >= 0, mapped[np.where(codes >= 0, codes, 0)] if len(mapped) else None,
                      None)
    return pd.Series(values, index=office.index, dtype="str")


def _notes(event_date: pd.Series, side_a: pd.Series, side_b: pd.Series, location: pd.Series,
           best: pd.Series) -> pd.Series:
    """"On 7 February 2018, A and B fought near X (UCDP best estimate: N deaths)." style."""
    day = event_date.dt.day.astype("Int64").astype("str")
    when = "On " + day + " " + event_date.dt.strftime("%B %Y").astype("str") + ", "
    who = side_a.fillna("an unknown side") + " against " + side_b.fillna("an unknown side")
    where = (" near " + location).fillna("")
    deaths = (" (UCDP best estimate: " + best.str.strip() + " deaths)").fillna("")
    notes = (when.fillna("") + who + where + deaths + ".").str.replace(r"^, ", "", regex=True)
    return notes.astype("str")
