"""Import an ACLED export of any era (CSV or spreadsheet) into canonical events.

    result = read_acled("2018-02-01-2018-02-28-Syria.csv")
    result.events   # accepted events, canonical frame (31 ACLED columns)
    result.side     # provenance per event: file, line, era, columns ACLED no longer has
    result.report   # every record accepted or rejected, every problem with file and line

Steps: read the file as text (`table`), recognise the era from the header (`eras`), map it onto
today's columns, repair the text (`cleaning`: missing-value markers, mojibake, whitespace, line
breaks, control characters, formula prefixes, vocabulary spellings, renamed countries), map
legacy event types (`legacy`), region names of older exports, legacy IDs, crowd size out of the
notes into tags, parse the dates whatever their format (`dates`), then the schema's coerce ->
derive -> re-derive -> validate (`common.finish`). Every repair is recorded (`repairs`) with the
value as the file had it. A file that is not an ACLED export at all (UCDP GED, another dataset,
binary data) raises InputFileError; anything wrong with single rows ends in the report.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from conflictkit.builders.importers import repairs as R
from conflictkit.builders.importers.cleaning import repair_text
from conflictkit.builders.importers.common import (
    ImportResult,
    Progress,
    ambiguous_date_notes,
    file_column,
    finish,
    join_reviews,
    same_file,
    time_of_day,
)
from conflictkit.builders.importers.dates import parse_dates
from conflictkit.builders.importers.eras import HeaderMap
from conflictkit.builders.importers.legacy import (
    INFERRED,
    REVIEW,
    SAME,
    legacy_problem_rows,
    map_legacy_event_types,
)
from conflictkit.builders.importers.rawtable import RawTable
from conflictkit.builders.importers.registry import FORMATS_BY_NAME, format_of, recognise
from conflictkit.builders.importers.table import read_raw_table
from conflictkit.errors import InputFileError
from conflictkit.problems import catalogue as P
from conflictkit.problems.rows import problem_row
from conflictkit.schema.columns import COLUMNS_BY_NAME, REQUIRED_COLUMNS, TEXT_COLUMNS
from conflictkit.schema.origins import ORIGINS, UNRECORDED

if TYPE_CHECKING:
    import datetime as dt

    import pandas as pd

    from conflictkit.builders.importers.output import ImportWriter

__all__ = ["ImportResult", "read_acled"]

ACLED = FORMATS_BY_NAME["acled"]
CROWD_SIZE_TAG = "crowd size="
_CROWD_SIZE = r"^(?P<notes>.*?)\s*\[size=(?P<size>[^\[\]]*)\]\s*$"
_MIN_SCORE = 0.3


def read_acled(path: str | Path, *, today: dt.date | None = None,
               progress: Progress | None = None,
               writer: ImportWriter | None = None) -> ImportResult:
    """Import one ACLED export (any era: current, API v3, legacy; CSV, TSV or XLSX) into
    canonical events, repairing what can be repaired and recording every repair.

    Returns an `ImportResult`: `events` (31 ACLED columns), `side` (provenance), `report`
    (every row read, with the problems of the rejected ones) and `repairs`. `today` fixes the
    "not in the future" check; `progress`, when given, is called with a short message at each
    step (the CLI prints them); `writer` writes the output while the events are checked (see
    `output.ImportWriter`). ``ck.load`` reads exports too, typed and filtered.

    >>> result = ck.read_acled("acled_export.csv")
    >>> result.events.shape, result.report.rejected
    >>> result.repairs.groupby("repair").size()  # what was repaired, by kind
    """
    if progress:
        progress(f"reading {path}")
    table = read_raw_table(path, typed=_numeric_columns)
    header_map = recognise(table.header)
    _check_is_acled(table, header_map)
    if progress:
        progress(f"{len(table.frame):,} rows read; layout: {header_map.era.label}")
    return import_acled_table(table, header_map, today=today, progress=progress,
                              writer=writer)


def _numeric_columns(header: list[str]) -> dict[int, str]:
    """Header positions of ACLED's numeric columns, for the reader to parse as numbers."""
    found = recognise(header)
    if format_of(found.era) is not ACLED:
        return {}
    return {pos: COLUMNS_BY_NAME[target].arrow_type for pos, target in enumerate(found.targets)
            if target is not None and COLUMNS_BY_NAME[target].kind in ("integer", "number")}


def _check_is_acled(table: RawTable, header_map: HeaderMap) -> None:
    if format_of(header_map.era) is not ACLED:
        hint = f" (use `conflictkit import {format_of(header_map.era).name}`)"
        raise InputFileError(table.path,
                             f"is not an ACLED export: its header is {header_map.era.label}{hint}")
    if header_map.missing_essential or header_map.score < _MIN_SCORE:
        best = max(ACLED.eras, key=lambda e: header_map.others.get(e.name, header_map.score))
        shown = ", ".join(repr(h) for h in table.header[:8])
        lacks = ", ".join(header_map.missing_essential) or "most ACLED columns"
        raise InputFileError(
            table.path,
            f"is not an ACLED export: the header lacks {lacks} (closest layout: {best.label}; "
            f"header starts {shown})",
        )


def import_acled_table(table: RawTable, header_map: HeaderMap, *,
                       today: dt.date | None = None,
                       progress: Progress | None = None,
                       writer: ImportWriter | None = None) -> ImportResult:
    """Map a text table already recognised as ACLED onto canonical events (the table's text
    frame is consumed: its columns move into the result)."""
    import pandas as pd

    file = table.path
    frame = table.frame
    era = header_map.era
    problems: list[Any] = [list(table.problems)]
    raw: dict[str, pd.Series] = {}
    side: dict[str, Any] = {"file": file_column(file, len(frame)).set_axis(frame.index),
                            "line": table.lines, "source_era": era.name}
    for pos, target in enumerate(header_map.targets):
        if target is not None:
            raw[target] = frame[f"c{pos}"]
    for pos, name in header_map.side.items():
        side[name] = frame[f"c{pos}"]
    for pos in header_map.blank:
        if f"c{pos}" in frame.columns and pos not in header_map.side:
            side[f"column_{pos + 1}"] = frame[f"c{pos}"]
    raw_frame = pd.DataFrame(raw, index=frame.index, copy=False)
    del raw
    problems.append(_header_problems(file, header_map, frame))
    n, index = len(frame), frame.index
    # the text frame is consumed: a column repaired below replaces the file's text instead of
    # sitting beside it (a repaired notes column would otherwise be held twice)
    table.frame = frame = frame.iloc[:0]

    meta: dict[str, Any] = {"dataset": "acled", "era": era.name, "era_label": era.label,
                            **table.meta}
    lines = table.lines
    files = same_file(file, n)
    log = R.RepairLog()
    reviews: list[pd.Series] = []

    if table.meta.get("encoding") == "utf-8 (invalid bytes replaced)":
        reviews.append(_replacement_char_review(raw_frame))
    screens: dict[str, Any] = {}
    meta.update(repair_text(raw_frame, log, screens))
    event_ids = raw_frame.get("event_id_cnty", None)
    ctx = {"files": files, "lines": lines, "event_ids": event_ids}

    legacy = map_legacy_event_types(raw_frame)
    if legacy.mapped.any():
        side["source_event_type"] = legacy.source_event_type
        log.add(R.LEGACY_EVENT_TYPE, "event_type", legacy.outcome_rows(SAME, INFERRED, REVIEW),
                legacy.source_event_type)
        problems.extend(legacy_problem_rows(legacy, **ctx))
        reviews.append(legacy.review())
        meta["legacy_event_types"] = [
            {"legacy": k[0], "event_type": k[1], "sub_event_type": k[2], "rows": v}
            for k, v in legacy.counts.items()
        ]
    _map_regions(raw_frame, era.name, side, meta)
    if era.name == "acled-legacy":
        _rewrite_legacy_ids(raw_frame, side, meta, log)
    _move_crowd_size(raw_frame, meta, log)
    problems.append(_parse_event_dates(raw_frame, meta, ctx, log))

    absent = tuple(c for c in header_map.missing_not_derived
                   if not (c == "sub_event_type" and legacy.mapped.any()))
    problems.append([problem_row(
        P.MISSING_COLUMN, file=file, column=column, era=era.label, columns=column,
        consequence=UNRECORDED) for column in absent
        if column in REQUIRED_COLUMNS and column in ORIGINS[era.name].unrecorded])
    # a required column this era records but the file lacks (a trimmed export): its events
    # are incomplete, and the per-event errors stand; this says why once
    problems.append([problem_row(P.ABSENT_REQUIRED_COLUMN, file=file, column=column,
                                 era=era.label) for column in absent
                     if column in REQUIRED_COLUMNS and column not in ORIGINS[era.name].unrecorded])
    side_frame = pd.DataFrame(side, index=index, copy=False)
    return finish(raw_frame, side_frame, file=file, lines=lines,
                  unreadable=table.records - n, problems=problems,
                  today=today, meta=meta, progress=progress, clean_text=True, writer=writer,
                  repairs=log, review=join_reviews(reviews), text_flags=screens)


def _header_problems(file: str, header_map: HeaderMap, frame: pd.DataFrame) -> list[dict]:
    rows = []
    for pos in header_map.extra:
        name = header_map.header[pos]
        rows.append(problem_row(P.EXTRA_COLUMN, file=file, column=name, name=name,
                                side=header_map.side[pos]))
    for pos in header_map.blank:
        if f"c{pos}" in frame.columns:
            rows.append(problem_row(
                P.EXTRA_COLUMN, file=file,
                message=f"column {pos + 1} has no header but holds values: kept in the side "
                        f"table as 'column_{pos + 1}'"))
    for pos in header_map.duplicates:
        name = header_map.header[pos]
        rows.append(problem_row(
            P.DUPLICATE_COLUMN, file=file, column=name,
            message=f"column {name!r} appears twice: the first is used, this one (column "
                    f"{pos + 1}) is kept in the side table as {header_map.side[pos]!r}"))
    return rows


def _replacement_char_review(raw: pd.DataFrame) -> pd.Series | None:
    """Events holding U+FFFD (bytes that were not UTF-8, replaced when the file was read) are
    kept, flagged for review: the lost characters cannot be restored, and the rest of the event
    is usable. In a vocabulary column the value is invalid anyway and rejects the event."""
    import pandas as pd

    reasons = pd.Series(pd.NA, index=raw.index, dtype="str")
    for name in raw.columns:
        if name not in TEXT_COLUMNS or str(raw[name].dtype) != "str":
            continue
        bad = raw[name].str.contains("\ufffd", regex=False).to_numpy(dtype=bool,
                                                                      na_value=False)
        if bad.any():
            note = (f"{name} holds bytes that are not valid UTF-8 (shown as U+FFFD): the "
                    "characters are lost; check the value against the source")
            reasons = reasons.mask(bad & reasons.isna().to_numpy(), note)
    return reasons if reasons.notna().any() else None


def _map_regions(raw: pd.DataFrame, era_name: str, side: dict[str, Any],
                 meta: dict[str, Any]) -> None:
    """Region names of older exports ("Southern Asia", today "South Asia").

    ACLED has renamed regions and moved countries between them (Afghanistan: Southern Asia, now
    Caucasus and Central Asia), so for older eras the region is derived again from the country
    and the file's value is kept in the side table as `source_region`. In a current-layout file
    a region that is not the country's is derived again too, as a recorded repair
    (`rederive`).
    """
    if "region" not in raw or era_name == "acled":
        return
    side["source_region"] = raw["region"]
    raw["region"] = raw["region"].where(raw["region"].isna())
    meta["regions_rederived"] = True


def _rewrite_legacy_ids(raw: pd.DataFrame, side: dict[str, Any], meta: dict[str, Any],
                        log: R.RepairLog) -> None:
    """Old real-time files numbered events "1416RTA"; today's IDs are prefix + number.

    In a legacy file such an ID becomes the country's prefix followed by EVENT_ID_NO_CNTY (or the
    digits of the old ID), a recorded repair; the old ID also stays in the side table as
    `source_event_id`. Uniqueness is still checked afterwards like any ID.
    """
    import pandas as pd

    from conflictkit.reference.countries import countries, resolve_countries

    if "event_id_cnty" not in raw or "country" not in raw:
        return
    ids = raw["event_id_cnty"]
    bad = ids.notna() & ~ids.str.fullmatch(r"[A-Z]{2,4}[0-9]+").fillna(False)
    if not bad.any():
        return
    prefixes = dict(zip(countries()["country"], countries()["prefix"], strict=True))
    prefix = resolve_countries(raw["country"]).map(prefixes)
    number = side.get("event_id_no_cnty")
    digits = ids.str.extract(r"^(\d+)", expand=False)
    if number is not None:
        number = pd.Series(number, index=raw.index, dtype="str")
        digits = number.where(number.str.fullmatch(r"\d+").fillna(False), digits)
    new = (prefix.astype("str") + digits).where(bad & prefix.notna() & digits.notna())
    fixable = new.notna().to_numpy()
    if not fixable.any():
        return
    side["source_event_id"] = ids.where(pd.Series(fixable, index=raw.index))
    log.add(R.LEGACY_EVENT_ID, "event_id_cnty", fixable, ids)
    raw["event_id_cnty"] = ids.where(~fixable, new)
    meta["event_ids_rewritten"] = int(fixable.sum())


def _move_crowd_size(raw: pd.DataFrame, meta: dict[str, Any], log: R.RepairLog) -> None:
    """"... [size=around 100]" at the end of notes -> tags "crowd size=around 100"."""
    import pandas as pd

    if "notes" not in raw:
        return
    notes = raw["notes"]
    candidates = notes.str.endswith("]").to_numpy(dtype=bool, na_value=False)
    if not candidates.any():
        return
    rows = np.flatnonzero(candidates)
    parts = notes.iloc[rows].str.extract(_CROWD_SIZE)
    hit = parts["size"].notna().to_numpy()
    if not hit.any():
        return
    rows, parts = rows[hit], parts.loc[hit]
    log.add(R.CROWD_SIZE, "notes", rows, notes)
    new_notes = notes.copy()
    new_notes.iloc[rows] = parts["notes"].where(parts["notes"] != "").to_numpy()
    raw["notes"] = new_notes
    tag = (CROWD_SIZE_TAG + parts["size"].str.strip()).to_numpy()
    tags = raw["tags"] if "tags" in raw else pd.Series(None, index=raw.index, dtype="str")
    current = tags.iloc[rows]
    has_size = current.str.contains(CROWD_SIZE_TAG, regex=False).to_numpy(dtype=bool,
                                                                          na_value=False)
    joined = np.where(current.isna().to_numpy(), tag,
                      current.fillna("").to_numpy(dtype=object) + "; " + tag)
    new_tags = tags.copy()
    new_tags.iloc[rows] = np.where(has_size, current.to_numpy(dtype=object), joined)
    raw["tags"] = new_tags.astype("str")
    meta["crowd_sizes_moved"] = int(len(rows))


def _parse_event_dates(raw: pd.DataFrame, meta: dict[str, Any], ctx: dict[str, Any],
                       log: R.RepairLog) -> list:
    from conflictkit.problems.rows import problem_rows

    if "event_date" not in raw:
        return []
    text = raw["event_date"]
    parsed = parse_dates(text)
    raw["event_date"] = parsed.values
    meta["date_formats"] = parsed.formats
    timed = time_of_day(parsed, text, "event_date", log, ctx["files"])
    parts: list[Any] = [
        problem_rows(parsed.unreadable, P.DATE_FORMAT, column="event_date", values=text,
                     message="not a date in any format ACLED files have used "
                             "(2018-02-07, 07 February 2018, 29/12/2015, 9-May-20 ...)", **ctx),
        problem_rows(parsed.minority, P.DATE_ORDER, column="event_date", values=text,
                     message="only readable in the other day/month order than the rest of the "
                             "column: check this date", **ctx),
    ]
    parts.append(timed)
    parts.append(ambiguous_date_notes(parsed, "event_date", meta, ctx["files"]))
    return parts

