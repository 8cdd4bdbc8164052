"""The last steps every importer shares: coerce, derive, re-derive, validate, split accepted from
rejected.

An importer turns its file into ACLED columns as text (plus `event_date` already parsed), a
side frame aligned by row, the repairs it made (`repairs.RepairLog`) and, for events kept on a
judgement call, the reason to review them; `finish` runs the schema's own steps over it, derives
again the derived columns that disagree with their sources (`rederive`), and returns an
`ImportResult` whose events are the accepted rows, with every other row accounted for in the
report (records = accepted + rejected) and every repair of an accepted event in `repairs`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from conflictkit.schema.columns import COLUMN_NAMES

Progress = Callable[[str], None]

if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path

    import pandas as pd

    from conflictkit.builders.importers.repairs import RepairLog
    from conflictkit.builders.overlaps import Overlaps
    from conflictkit.problems.report import Report


class EarlyWriter(Protocol):
    """Takes every event before validation to start writing them (`output.ImportWriter`)."""

    def begin(self, events: pd.DataFrame) -> None: ...

@dataclass
class ImportResult:
    """What an import produced.

    events: the accepted events, canonical frame (31 ACLED columns, canonical dtypes).
    side: provenance aligned with `events` row by row (file, line, source era, original values,
      columns with no ACLED counterpart), keyed by `event_id_cnty`; its `review` column holds,
      for an event kept on a judgement call, the reason to check it (NA otherwise).
    report: every record read, accepted or rejected, with every problem.
    meta: what was detected (era, encoding, delimiter, date formats, mappings applied) and
      `repairs`: repairs by kind code.
    repairs: every repair of an accepted event, one row per (event, column, kind):
      event_id_cnty, column, repair (kind code, see `repairs.REPAIR_KINDS`), original (the
      value as the file had it).
    written: the files `output.import_file` wrote (none without ``--out``).
    """

    events: pd.DataFrame
    side: pd.DataFrame
    report: Report
    meta: dict[str, Any] = field(default_factory=dict)
    repairs: pd.DataFrame = field(default_factory=lambda: _empty_repairs())
    written: tuple[Path, ...] = ()  # events, provenance and repairs files, when written

    def to_dict(self) -> dict[str, Any]:
        """The report as a JSON-ready document, with what was detected and written."""
        document = self.report.to_dict()
        document["import"] = _jsonable(self.meta)
        document["written"] = [str(p) for p in self.written]
        return document

    def status(self) -> str:
        """What was written where ("" when nothing was)."""
        if not self.written:
            return ""
        events, provenance, repairs = self.written
        return (f"wrote {len(self.events)} events to {events}, provenance to {provenance} "
                f"and repairs to {repairs}")

    def text(self, file: str, *, color: bool = False) -> str:
        """The report as text, titled with what was detected (era, encoding, date forms)."""
        from conflictkit.problems import render

        meta = self.meta
        detected = [meta.get("era_label", ""), meta.get("encoding", ""),
                    ", ".join(f"{k} ({v})" for k, v in meta.get("date_formats", {}).items())]
        title = f"{file}: " + "; ".join(d for d in detected if d)
        return render.text(self.report, title=title, color=color) + self.repairs_line() + "\n"

    def repairs_line(self) -> str:
        """The repairs by kind, and the events kept for review, in one line."""
        counts = self.meta.get("repairs") or {}
        review = self.meta.get("events_to_review", 0)
        tail = (f"; {review:,} events kept for review (provenance column 'review')"
                if review else "")
        if not counts:
            return f"repairs: none{tail}"
        kinds = ", ".join(f"{code} {count:,}" for code, count in counts.items())
        return f"repairs in {self.meta.get('events_repaired', 0):,} events: {kinds}{tail}"


def _empty_repairs() -> pd.DataFrame:
    from conflictkit.builders.importers.repairs import empty_repairs

    return empty_repairs()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def same_file(file: str, n: int) -> np.ndarray:
    """`file` repeated n times as a zero-copy view (problem rows index it at a few positions)."""
    return np.broadcast_to(np.array([file], dtype=object), (n,))


def file_column(file: str, n: int) -> pd.Series:
    """The side table's file column: one category, not n copies of the path."""
    import pandas as pd

    return pd.Series(pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), [file]))


def blank_text(n: int, index: pd.Index | None = None) -> pd.Series:
    """n missing values as a `str` Series, built from an Arrow null array (no n Python Nones)."""
    import pandas as pd
    import pyarrow as pa

    return pd.Series(pd.array(pa.nulls(n, pa.large_string()), dtype="str"),
                     index=index if index is not None else pd.RangeIndex(n))


def finish(
    raw: pd.DataFrame,
    side: pd.DataFrame,
    *,
    file: str,
    lines: np.ndarray,
    unreadable: int,
    problems: list[Any],
    today: dt.date | None = None,
    meta: dict[str, Any] | None = None,
    progress: Progress | None = None,
    clean_text: bool = False,
    writer: EarlyWriter | None = None,
    repairs: RepairLog | None = None,
    review: pd.Series | None = None,
    text_flags: dict[str, tuple[Any, dict[str, np.ndarray]]] | None = None,
) -> ImportResult:
    """Coerce, derive and validate `raw` (ACLED columns as text, event_date parsed) and split.

    `problems` holds problem frames/dicts already found for these rows (record = row position)
    or for the file (record -1); a column the file lacks is reported once there (missing_column),
    which makes the per-row "required" errors redundant. `clean_text`: the caller's
    text columns are already `str` with no "" (the CSV reader maps empty fields to NA) and its
    numeric columns, where typed, were parsed strictly into the canonical dtypes, so those
    need no conversion and skip `coerce_events`' per-column passes. `writer`: given every
    event before validation, to start writing the output (see `output.ImportWriter`).
    `repairs`: what the importer repaired so far (positions are `raw`'s rows); the derived
    columns re-derived here are added to it. `review`: aligned with `raw`, the reason to review
    an event kept on a judgement call (NA elsewhere). `text_flags`: column -> (Arrow data,
    `scan_text` flags) from the importer's text screen, reused by validation for columns whose
    data reach it unchanged.
    """

    from conflictkit.builders.derive import derive_columns
    from conflictkit.builders.importers.prefixes import accept_consistent_prefixes
    from conflictkit.builders.importers.rederive import rederive
    from conflictkit.builders.importers.repairs import RepairLog, count_repairs
    from conflictkit.builders.overlaps import fold_same_ids
    from conflictkit.problems import catalogue as P
    from conflictkit.problems.echoes import drop_echoes
    from conflictkit.problems.report import Report, problems_frame
    from conflictkit.problems.rows import concat_problems
    from conflictkit.schema.coerce import coerce_events
    from conflictkit.schema.frame import Frame
    from conflictkit.schema.validate import today_of, validate_events

    n = len(raw)
    if progress:
        progress(f"checking {n:,} events")
    files = same_file(file, n)
    events, type_problems = coerce_read(raw, files, lines, clean_text, coerce_events)
    events, derive_problems = derive_columns(events, files=files, lines=lines)
    log = repairs if repairs is not None else RepairLog()
    day = today_of(today)
    frame = Frame(events, today=day)  # one set of column features for re-deriving and checking
    changed = rederive(events, frame, log)
    if changed:  # only the columns derived again need their features computed again
        frame.forget(changed)
    for name, (data, flags) in (text_flags or {}).items():
        frame.adopt_text_flags(name, data, flags)
    if writer is not None:  # the output is written on another core while the rules run
        writer.begin(events)
    # a column the export's era never recorded may stay blank (schema.origins)
    checked = validate_events(events, files=files, lines=lines, today=day, frame=frame,
                              origins=(meta or {}).get("era"))

    parts = _problem_frames(problems, problems_frame)
    parts += [type_problems, derive_problems, checked.problems]
    rows = drop_echoes(concat_problems([p for p in parts if p is not None]))
    rows, notes = accept_consistent_prefixes(rows, events, file)
    if notes:
        rows = concat_problems([rows, problems_frame(notes)])
    # the same event listed twice in the export is one event (builders.overlaps)
    repeated = np.zeros(n, dtype=bool)  # the rows the uniqueness rule flagged, blank IDs
    found = checked.problems
    repeated[found.loc[found["rule"] == P.UNIQUE.code, "record"].to_numpy(dtype=np.int64)] = True
    repeated |= frame.null("event_id_cnty")
    overlaps = fold_same_ids(events, None, files, lines, maybe_shared=repeated)
    if overlaps.folded:
        rows = _without_folded(rows, overlaps, n)
    report = Report(records=n + unreadable, problems=rows, files=1)
    rejected = report.rejected_rows(n)
    keep = ~rejected & overlaps.keep
    side = side.reset_index(drop=True)
    side.insert(0, "review", review.reset_index(drop=True) if review is not None
                else blank_text(n))
    if overlaps.notes:
        side["superseded"] = _notes_column(overlaps.notes, n)
    if not keep.all():  # a clean import keeps the frames as they are (no 1M-row copy)
        events = events.loc[keep].reset_index(drop=True)
        side = side.loc[keep].reset_index(drop=True)
    side.insert(0, "event_id_cnty", events["event_id_cnty"].array)  # Arrow: no 1M objects
    table = log.frame(events["event_id_cnty"], keep if not keep.all() else None)
    meta = dict(meta or {})
    meta["accepted"] = int((~rejected).sum())
    meta["rejected"] = int(rejected.sum()) + unreadable
    meta["copies_merged"] = overlaps.identical
    meta["versions_superseded"] = overlaps.superseded
    meta["repairs"] = count_repairs(table)
    meta["events_repaired"] = int(table["event_id_cnty"].nunique()) if len(table) else 0
    meta["events_to_review"] = int(side["review"].notna().sum())
    return ImportResult(events[list(COLUMN_NAMES)], side, report, meta, table)


def _without_folded(rows: pd.DataFrame, overlaps: Overlaps, n: int) -> pd.DataFrame:
    """The problems left once records of one event are folded: a dropped copy's go with it,
    and the kept record's "not unique" is no longer true."""
    from conflictkit.problems import catalogue as P

    record = rows["record"].to_numpy()
    on_row = record >= 0
    grouped = np.zeros(n, dtype=bool)
    grouped[overlaps.groups] = True
    gone = np.zeros(len(rows), dtype=bool)
    at = record[on_row]
    gone[on_row] = ~overlaps.keep[at] | (grouped[at] & (
        rows["rule"].to_numpy()[on_row] == P.UNIQUE.code))
    return rows.loc[~gone].reset_index(drop=True)


def _notes_column(notes: dict[int, str], n: int) -> pd.Series:
    """A text column with `notes` at their positions, missing elsewhere."""
    import pandas as pd

    column = pd.Series(pd.NA, index=pd.RangeIndex(n), dtype="str")
    column.iloc[list(notes)] = list(notes.values())
    return column


def join_reviews(reasons: list[pd.Series | None]) -> pd.Series | None:
    """Several steps' review reasons (aligned Series, NA where none) as one, "; "-joined."""
    present = [r for r in reasons if r is not None and r.notna().any()]
    if not present:
        return None
    out = present[0].reset_index(drop=True)
    for more in present[1:]:
        more = more.reset_index(drop=True)
        both = out.notna() & more.notna()
        out = out.where(out.notna(), more)
        out = out.mask(both, out + "; " + more)
    return out


def time_of_day(parsed: Any, text: pd.Series, column: str, log: RepairLog,
                files: np.ndarray) -> list:
    """Dates read with a time of day other than midnight: a repair per event (the day is kept)
    and one warning for the file (such times may come from a time-zone shift)."""
    from conflictkit.builders.importers import repairs as R
    from conflictkit.problems import catalogue as P
    from conflictkit.problems.rows import as_text, problem_row

    if not parsed.timed.any():
        return []
    log.add(R.TIME_OF_DAY, column, parsed.timed, text)
    first = as_text(text.iloc[np.flatnonzero(parsed.timed)[:1]]).iloc[0]
    return [problem_row(P.TIME_OF_DAY, file=files[0] if len(files) else "", column=column,
                        value=first, first=first, count=int(parsed.timed.sum()))]


def ambiguous_date_notes(parsed: Any, column: str, meta: dict[str, Any],
                         files: np.ndarray) -> list:
    """One file-level warning per day/month order chosen for ambiguous dates."""
    from conflictkit.problems import catalogue as P
    from conflictkit.problems.rows import problem_row

    notes = parsed.describe_choices()
    if not notes:
        return []
    meta.setdefault("ambiguous_dates", []).extend(
        f"{column}: {note}" if column != "event_date" else note for note in notes)
    return [problem_row(P.AMBIGUOUS_DATE, file=files[0] if len(files) else "", column=column,
                        note=note) for note in notes]


def _problem_frames(items: list[Any], to_frame: Any) -> list[pd.DataFrame]:
    """Flatten nested lists of problem frames, dict rows and Nones into frames."""
    out: list[pd.DataFrame] = []
    dicts = [i for i in items if isinstance(i, dict)]
    if dicts:
        out.append(to_frame(dicts))
    for item in items:
        if isinstance(item, list):
            out.extend(_problem_frames(item, to_frame))
        elif item is not None and not isinstance(item, dict):
            out.append(item)
    return out


# text columns coerce_events must still see: numeric actor-type and interaction codes
_CODED_TEXT = ("inter1", "inter2", "interaction")


def coerce_read(raw: pd.DataFrame, files: np.ndarray, lines: np.ndarray, clean_text: bool,
                coerce_events: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """coerce_events over the columns that need converting; already-canonical text passes.

    `clean_text`: `raw` is what the pyarrow CSV reader gave (text `str` without "", numbers
    and dates parsed into their canonical types where they could be); the importers and
    validate's CSV tables read files that way.
    """
    from conflictkit.problems.report import empty_problems
    from conflictkit.schema.arrow import PANDAS_DTYPES
    from conflictkit.schema.columns import COLUMNS_BY_NAME

    if not clean_text:
        return coerce_events(raw, files=files, lines=lines)
    passing = {c: raw[c] for c in raw.columns if COLUMNS_BY_NAME[c].kind == "string"
               and str(raw[c].dtype) == "str"}
    # numbers the reader parsed straight into the canonical type (an int that overflows or a
    # decimal in an int column fails that parse) need no conversion either; floats must be finite
    for name in raw.columns:
        kind = COLUMNS_BY_NAME[name].kind
        if kind in ("integer", "number") and str(raw[name].dtype) == PANDAS_DTYPES[name] and (
            kind == "integer" or bool(np.isfinite(
                raw[name].to_numpy(dtype="float64", na_value=0.0)).all())):
            passing[name] = raw[name]
    for name in _CODED_TEXT:
        if name in passing:
            passing[name] = _labels_of_codes(passing[name], name)
    if "event_date" in raw.columns and _whole_days(raw["event_date"]):
        passing["event_date"] = raw["event_date"]
    if len(passing) == len(raw.columns):  # nothing left to convert: the common, clean case
        return _assemble_events(passing, len(raw)), empty_problems()
    events, problems = coerce_events(raw.drop(columns=list(passing)), files=files, lines=lines)
    for name, values in passing.items():
        events[name] = values.reset_index(drop=True)
    return events, problems


def _whole_days(values: pd.Series) -> bool:
    """datetime64[s] values that are all midnights (or NaT): already canonical dates."""
    if str(values.dtype) != "datetime64[s]":
        return False
    seconds = values.to_numpy().astype("int64")
    return bool(((seconds % 86_400 == 0) | values.isna().to_numpy()).all())


def _assemble_events(columns: dict[str, pd.Series], n: int) -> pd.DataFrame:
    """The canonical frame from columns already in canonical dtypes; absent ones all NA."""
    import pandas as pd

    from conflictkit.schema.arrow import PANDAS_DTYPES

    index = pd.RangeIndex(n)
    out: dict[str, pd.Series] = {}
    for name in COLUMN_NAMES:
        if name in columns:
            out[name] = columns[name].reset_index(drop=True)
        elif PANDAS_DTYPES[name] == "str":
            out[name] = blank_text(n, index)
        else:
            out[name] = pd.Series(pd.NA, index=index, dtype=PANDAS_DTYPES[name])
    return pd.DataFrame(out, index=index, copy=False)  # CoW: no copy of canonical columns


def _labels_of_codes(values: pd.Series, name: str) -> pd.Series:
    """Numeric actor-type / interaction codes ("1", "12.0") -> labels, once per distinct value.

    The same mapping coerce_events applies (inter2 "0" means no second actor); other values
    are left for validation to judge. Works on the Arrow data: a file already written with
    labels costs one hash pass (`unique`) and no copy.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    from conflictkit.schema import vocab

    labels = vocab.INTERACTION_LABELS if name == "interaction" else vocab.INTER_LABELS
    arrow = getattr(values.array, "_pa_array", None)
    if arrow is None:
        arrow = pa.chunked_array([pa.array(values.astype("str"), from_pandas=True)])
    uniques = pc.unique(arrow).drop_null()
    mapped = []
    changed = False
    for value in uniques.to_pylist():
        text = value[:-2] if value.endswith(".0") else value
        if text.isdigit() and (int(text) in labels or (name == "inter2" and int(text) == 0)):
            mapped.append(labels.get(int(text)))
            changed = True
        else:
            mapped.append(value)
    if not changed:
        return values
    positions = pc.index_in(arrow, value_set=uniques)
    relabelled = pa.array(mapped, type=pa.large_string()).take(positions)
    return pd.Series(pd.array(relabelled, dtype="str"), index=values.index)
