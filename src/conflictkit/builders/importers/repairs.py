"""What an import repairs, declared once, and the log of the repairs one import made.

The import contract (docs/import-policy.md): an importer never drops a real event for a defect
it can repair deterministically. It repairs the value, records the repair per event and column
with the value as the file had it, and counts repairs by kind in its summary. Repairs are not
problems: a trailing space on a third of a file's notes must not become a third of a file of
warnings. The report keeps problems for what a person must act on (rejected records, guesses,
file-level findings).

Each kind of repair is declared here as a `RepairKind`; the importers name the declared object
(``repairs.WHITESPACE``), the summary counts by its code, and docs/import-policy.md lists one line
per kind (a test keeps the page in step with `REPAIR_KINDS`).

`RepairLog` collects an import's repairs column by column, as row positions and the original
values at those positions (never one Python object per repair); `common.finish` turns it into the
long `ImportResult.repairs` frame aligned with the accepted events:

    event_id_cnty   column   repair       original
    NIG11890        notes    whitespace   "08 May. Fulani militias attacked ... town. "
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa


@dataclass(frozen=True)
class RepairKind:
    """One kind of repair: a stable code (the repairs table's ``repair`` column, the summary's
    key), a title, and one sentence saying what is changed into what."""

    code: str
    title: str
    description: str


REPAIR_KINDS: dict[str, RepairKind] = {}


def _declare(code: str, title: str, description: str) -> RepairKind:
    if code in REPAIR_KINDS:
        raise ValueError(f"repair kind {code!r} declared twice")
    kind = RepairKind(code, title, description)
    REPAIR_KINDS[code] = kind
    return kind


# In the order an import applies them (the docs list them in this order too).
NA_TOKEN = _declare(
    "na_token", "Missing-value marker read as blank",
    "`NA`, `N/A`, `#N/A`, `NULL`, `null`, `NaN`, `nan`, `None`, `<NA>` or `NaT` written by R, "
    "pandas, SQL or Excel for an empty cell becomes a blank: always in dates, numbers, codes and "
    "vocabulary columns (none of them can be a value there), and in free-text columns (actors, "
    "places, source, notes, tags) only when the same file writes that marker for a blank in such "
    "a column (a place may be called `None`).")
MOJIBAKE = _declare(
    "mojibake", "Garbled encoding fixed",
    "Text decoded with the wrong encoding (`CafÃ©`, `â€™`) and Windows-1252 punctuation stored as "
    "C1 control characters (`\\x92`, `\\x93`, `\\x94`) is fixed by ftfy; a value ftfy leaves as it "
    "is stays as it is.")
WHITESPACE = _declare(
    "whitespace", "Surrounding whitespace trimmed",
    "Spaces, no-break spaces (U+00A0), other Unicode spaces and byte-order marks at the start or "
    "end of a value are removed.")
LINE_BREAK = _declare(
    "line_break", "Line break replaced",
    "A line break inside a value (CR, LF, U+2028/2029, and the spaces around it) becomes one "
    "space.")
CONTROL_CHARACTER = _declare(
    "control_character", "Control character removed",
    "A tab inside a value becomes a space; any other control character (C0, DEL, C1) is "
    "removed.")
FORMULA_PREFIX = _declare(
    "formula_prefix", "Spreadsheet formula prefix removed",
    "A value that begins with `=`, `+`, `-` or `@` (which a spreadsheet would run as a formula) "
    "loses those leading characters (`@EuromaidanPress Twitter` becomes `EuromaidanPress "
    "Twitter`); a value that was only such characters (a `-` placeholder) becomes blank.")
RECASED = _declare(
    "recased", "Vocabulary value spelt ACLED's way",
    "A value of a closed vocabulary that differs from ACLED's only in case or spacing "
    "(source_scale `National-regional`, event type `battles`) takes ACLED's spelling.")
COUNTRY_RENAMED = _declare(
    "country_renamed", "Country named as ACLED names it now",
    "A country written under another name that the country table knows (`Swaziland`, "
    "`Côte d'Ivoire`, `DR Congo`) takes ACLED's current name.")
LEGACY_TOKEN = _declare(
    "legacy_token", "Legacy list token mapped",
    "A token of a list column that an older export spelt another way takes today's name from "
    "`vocab.LEGACY_LIST_TOKENS`: source scale `Local` (2018 exports) is `Local partner`, the "
    "only one of today's source scales it can name (`Subnational-local` becomes "
    "`Subnational-Local partner`).")
LEGACY_EVENT_TYPE = _declare(
    "legacy_event_type", "Legacy event type mapped",
    "A pre-2019 event type (`Remote violence`, `Riots/Protests`, `Battle-No change of "
    "territory` ...) becomes today's event and sub-event type by the rules in "
    "`data/importers/acled_legacy_event_types.csv`; the original is also kept as "
    "`source_event_type` in the provenance table, and a rule that guesses flags the event for "
    "review.")
LEGACY_EVENT_ID = _declare(
    "legacy_event_id", "Old-style event ID rewritten",
    "A legacy real-time ID (`1416RTA`) becomes the country's ID prefix followed by the event "
    "number; the original is also kept as `source_event_id`.")
CROWD_SIZE = _declare(
    "crowd_size", "Crowd size moved to tags",
    "`[size=...]` at the end of the notes (2019-2022 exports) moves to tags as "
    "`crowd size=...`, as ACLED records it today.")
TIME_OF_DAY = _declare(
    "time_of_day", "Time of day dropped from a date",
    "A date written with a time of day other than midnight (`2014-01-21T23:00:00`) keeps its "
    "day; the import also warns once per file, as such times may come from a time-zone shift.")
REDERIVED = _declare(
    "rederived", "Derived column derived again",
    "A derived column that disagrees with the columns it is derived from (disorder_type "
    "`Demostrations` beside a valid sub-event type; year, iso, region, interaction, "
    "civilian_targeting) takes the derived value; when the source column itself is invalid the "
    "event is rejected for the source instead.")


class RepairLog:
    """The repairs of one import's rows, collected a column at a time.

    Each `add` keeps the row positions (record numbers of the importer's frame) and the values
    the cells had before the repair, as one Arrow array; nothing is built per repair until
    `frame`.
    """

    def __init__(self) -> None:
        self._parts: list[tuple[np.ndarray, str, str, pa.Array]] = []

    def add(self, kind: RepairKind, column: str, rows: np.ndarray,
            original: pd.Series) -> None:
        """Record `kind` on `column` at `rows` (a boolean mask or positions); `original` is the
        whole column as it was before the repair (only the rows are read from it)."""
        positions = np.flatnonzero(rows) if rows.dtype == bool else np.asarray(rows, np.int64)
        if positions.size == 0:
            return
        if kind.code not in REPAIR_KINDS:
            raise ValueError(f"repair kind {kind.code!r} is not declared")
        positions = np.sort(positions.astype(np.int64))
        self._parts.append((positions, column, kind.code, _text_values(original, positions)))

    def __len__(self) -> int:
        return sum(len(p[0]) for p in self._parts)

    def frame(self, event_ids: pd.Series, keep: np.ndarray | None = None) -> pd.DataFrame:
        """The long repairs table of the accepted events (see the module docstring).

        `keep`: a mask over the importer's rows, True for accepted ones (None: all were);
        `event_ids`: the accepted events' IDs, in order.
        """
        import pandas as pd
        import pyarrow as pa

        if not self._parts:
            return empty_repairs()
        new_position = None
        if keep is not None:
            new_position = np.cumsum(keep, dtype=np.int64) - 1
        rows, columns, kinds, originals = [], [], [], []
        for positions, column, code, values in self._parts:
            if keep is not None:
                kept = keep[positions]
                positions = new_position[positions[kept]]
                values = values.filter(pa.array(kept))
            rows.append(positions)
            columns.append(np.full(len(positions), column, dtype=object))
            kinds.append(np.full(len(positions), code, dtype=object))
            originals.append(values)
        position = np.concatenate(rows)
        order = np.argsort(position, kind="stable")
        ids = pd.Series(event_ids, copy=False).reset_index(drop=True)
        original = pa.concat_arrays(originals).take(pa.array(order))
        return pd.DataFrame({
            "event_id_cnty": pd.Series(pd.array(ids.take(position[order]).to_numpy(),
                                                dtype="str")),
            "column": pd.Categorical(np.concatenate(columns)[order]),
            "repair": pd.Categorical(np.concatenate(kinds)[order],
                                     categories=list(REPAIR_KINDS)),
            "original": pd.Series(pd.array(original, dtype="str")),
        })


REPAIR_COLUMNS: tuple[str, ...] = ("event_id_cnty", "column", "repair", "original")


def empty_repairs() -> pd.DataFrame:
    """A repairs table with no rows."""
    import pandas as pd

    return pd.DataFrame({
        "event_id_cnty": pd.Series([], dtype="str"),
        "column": pd.Categorical([]),
        "repair": pd.Categorical([], categories=list(REPAIR_KINDS)),
        "original": pd.Series([], dtype="str"),
    })


def count_repairs(repairs: pd.DataFrame) -> dict[str, int]:
    """Repairs by kind code (kinds with none left out), in declaration order."""
    if repairs.empty:
        return {}
    counts = repairs["repair"].value_counts(sort=False)
    return {code: int(counts[code]) for code in REPAIR_KINDS
            if code in counts.index and counts[code]}


def _text_values(column: pd.Series, positions: np.ndarray) -> pa.Array:
    """Original cell values at `positions` (ascending) as one Arrow string array (dates as
    YYYY-MM-DD, numbers plain)."""
    import pandas as pd
    import pyarrow as pa

    from conflictkit.builders.importers.textcolumns import take_rows

    array = getattr(column.array, "_pa_array", None)
    if array is not None and pa.types.is_large_string(array.type):
        return take_rows(array, positions)  # the common case: no copy of the column
    values = column.iloc[positions]
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        text = values.dt.strftime("%Y-%m-%d")
    elif str(values.dtype) == "str":
        text = values
    else:
        text = values.astype("str")
    array = getattr(text.array, "_pa_array", None)
    if array is None:
        return pa.array(text.to_numpy(dtype=object, na_value=None), type=pa.large_string())
    return array.combine_chunks().cast(pa.large_string())


#: The lines of docs/import-policy.md that list the repair kinds (a test compares them).
POLICY_BEGIN = "<!-- repair kinds: generated from conflictkit.builders.importers.repairs -->"
POLICY_END = "<!-- end of repair kinds -->"


def policy_markdown() -> str:
    """The repair-kinds table of docs/import-policy.md, one line per declared kind."""
    lines = [POLICY_BEGIN, "", "| repair | what it changes |", "|---|---|"]
    lines += [f"| `{k.code}` | **{k.title}.** {k.description} |" for k in REPAIR_KINDS.values()]
    return "\n".join([*lines, "", POLICY_END])
