"""Text (or loosely typed) values -> the canonical event frame, reporting what cannot convert.

Every door (contribution files, importers, extraction) reads values as text or as whatever its
parser produced, then calls `coerce_events`. It adds missing ACLED columns as NA, converts types
(strict ISO dates, integers, finite numbers), turns numeric actor-type and interaction codes into
ACLED's text labels, and maps "" to NA. It does not strip whitespace: a stray space is reported by
validation, not silently repaired. A value that cannot be converted becomes NA and yields one
problem row (rule "type") naming the column and the original value.

Fast path: whole columns are parsed by Arrow's strict casts; only a column that fails the cast is
re-parsed value-by-value (vectorised) to find the offending rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from conflictkit.errors import ConflictkitError
from conflictkit.problems import catalogue as P
from conflictkit.problems.rows import concat_problems, problem_rows
from conflictkit.schema import vocab
from conflictkit.schema.arrow import PANDAS_DTYPES, arrow_type
from conflictkit.schema.columns import COLUMN_NAMES, COLUMNS_BY_NAME

if TYPE_CHECKING:
    import pandas as pd

_INTEGER_TEXT = r"-?[0-9]+(?:\.0+)?"
_NUMBER_TEXT = r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
_DATE_TEXT = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"

# Numeric codes accepted on input for the actor-type and interaction columns.
_INTER_OF_CODE = {str(code): label for code, label in vocab.INTER_LABELS.items()}
_INTERACTION_OF_CODE = {str(code): label for code, label in vocab.INTERACTION_LABELS.items()}


def coerce_events(
    raw: pd.DataFrame,
    *,
    files: Sequence[str] | np.ndarray | None = None,
    lines: Sequence[int] | np.ndarray | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (canonical frame with the 31 columns in ACLED order, problem rows of rule "type").

    `raw` holds any subset of ACLED columns (text, or Python values from YAML/JSON); a column
    that is not an ACLED column raises ConflictkitError (side fields must be split off first).
    `files`/`lines` (aligned with rows) are copied into the problem rows. Rows keep their order;
    the result has a fresh RangeIndex (record n is row n).
    """
    import pandas as pd

    unknown = [c for c in raw.columns if c not in COLUMNS_BY_NAME]
    if unknown:
        raise ConflictkitError(
            "not ACLED columns (split side fields off before coercing): "
            + ", ".join(map(str, unknown))
        )
    raw = raw.reset_index(drop=True)
    n = len(raw)
    index = pd.RangeIndex(n)
    event_ids = raw["event_id_cnty"] if "event_id_cnty" in raw.columns else None
    out: dict[str, pd.Series] = {}
    parts: list[pd.DataFrame | None] = []
    for name in COLUMN_NAMES:
        if name not in raw.columns:
            out[name] = pd.Series(pd.NA if PANDAS_DTYPES[name] != "str" else None, index=index,
                                  dtype=PANDAS_DTYPES[name])
            continue
        values, bad, reason = _coerce_column(raw[name], name)
        out[name] = values
        if bad is not None and bad.any():
            parts.append(problem_rows(
                bad, P.TYPE, column=name, values=raw[name], message=reason,
                event_ids=event_ids, files=files, lines=lines,
            ))
    frame = pd.DataFrame(out, index=index)
    return frame, concat_problems(parts)


def _coerce_column(
    series: pd.Series, name: str
) -> tuple[pd.Series, np.ndarray | None, str | pd.Series]:
    kind = COLUMNS_BY_NAME[name].kind
    if kind == "string":
        return _coerce_text(series, name)
    if kind == "date":
        return _coerce_date(series)
    return _coerce_number(series, name)


# ---------------------------------------------------------------------------------------------
# text
# ---------------------------------------------------------------------------------------------


def _coerce_text(series: pd.Series, name: str) -> tuple[pd.Series, np.ndarray | None, str]:
    import pandas as pd

    bad: np.ndarray | None = None
    reason = ""
    if series.dtype == object:
        kinds = pd.api.types.infer_dtype(series, skipna=True)
        if kinds not in ("string", "empty"):
            series, bad, reason = _object_to_text(series, name)
    text = series.astype("str")
    text = text.where(text != "")  # "" is missing, never a value
    if name in ("inter1", "inter2"):
        codes = dict(_INTER_OF_CODE)
        if name == "inter2":
            codes["0"] = None  # older exports wrote 0 for "no second actor"
        text = _replace_codes(text, codes)
    elif name == "interaction":
        text = _replace_codes(text, _INTERACTION_OF_CODE)
    return text, bad, reason


def _object_to_text(series: pd.Series, name: str) -> tuple[pd.Series, np.ndarray, str]:
    """Python values from YAML/JSON: scalars become text, booleans and containers are errors.

    Only object columns from small parsed files come here, so a Python pass is acceptable.
    """
    import datetime as dt

    import pandas as pd

    def convert(value: object) -> tuple[object, bool]:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return None, False
        if isinstance(value, bool | list | dict | tuple | set):
            return None, True
        if isinstance(value, float) and value.is_integer():
            return str(int(value)), False
        if isinstance(value, dt.date):
            return value.isoformat(), False
        return str(value), False

    pairs = [convert(v) for v in series]
    text = pd.Series([p[0] for p in pairs], index=series.index, dtype="str")
    bad = np.array([p[1] for p in pairs], dtype=bool)
    reason = (f"{name} must be text; booleans and lists are not accepted "
              "(YAML reads yes/no/on/off as booleans: quote the value)")
    return text, bad, reason


def _replace_codes(text: pd.Series, codes: dict[str, str | None]) -> pd.Series:
    """Map numeric codes to labels; anything else is left for the vocabulary rule to judge."""
    stripped = text.str.replace(r"\.0$", "", regex=True)
    is_code = stripped.isin(list(codes)).to_numpy()
    if not is_code.any():
        return text
    mapped = stripped.map(codes).astype("str")
    return text.where(~is_code, mapped)


# ---------------------------------------------------------------------------------------------
# dates
# ---------------------------------------------------------------------------------------------


def _coerce_date(series: pd.Series) -> tuple[pd.Series, np.ndarray | None, str]:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    reason = "event_date must be an ISO date YYYY-MM-DD (a real calendar day, no time)"
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        values = series.astype("datetime64[s]")
        bad = (values.notna() & (values != values.dt.normalize())).to_numpy()
        return values.where(~bad), bad, reason
    if series.dtype == object and pd.api.types.infer_dtype(series, skipna=True) not in (
        "string", "empty"
    ):
        series = _dates_from_objects(series)
    text = series.astype("str")
    text = text.where(text != "")
    arr = pa.array(text.array)
    try:
        days = pc.cast(arr, pa.date32())
        return _date_series(days, series.index), None, reason
    except pa.ArrowInvalid:
        pass
    shaped = text.str.fullmatch(_DATE_TEXT).fillna(False).to_numpy(dtype=bool)
    parsed = pd.to_datetime(text.where(shaped), format="%Y-%m-%d", errors="coerce")
    parsed = parsed.astype("datetime64[s]")
    bad = (text.notna().to_numpy() & parsed.isna().to_numpy())
    return parsed, bad, reason


def _dates_from_objects(series: pd.Series) -> pd.Series:
    """YAML gives datetime.date for bare dates: keep those as text; anything else as str(...)."""
    import datetime as dt

    import pandas as pd

    def text(value: object) -> str | None:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return None
        if isinstance(value, dt.datetime):
            return value.isoformat()  # has a time: rejected by the strict date parse
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)

    return pd.Series([text(v) for v in series], index=series.index, dtype="str")


def _date_series(days, index: pd.Index) -> pd.Series:
    import pandas as pd
    import pyarrow as pa

    stamps = days.cast(pa.timestamp("s"))
    return pd.Series(stamps.to_pandas(), index=index).astype("datetime64[s]")


# ---------------------------------------------------------------------------------------------
# numbers
# ---------------------------------------------------------------------------------------------


def _coerce_number(
    series: pd.Series, name: str
) -> tuple[pd.Series, np.ndarray | None, str]:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    column = COLUMNS_BY_NAME[name]
    dtype = PANDAS_DTYPES[name]
    integer = column.kind == "integer"
    target = arrow_type(name)
    what = f"a whole number that fits {target}" if integer else "a finite decimal number"
    reason = f"{name} must be {what}"

    if pd.api.types.is_bool_dtype(series.dtype):
        bad = series.notna().to_numpy(dtype=bool)
        return pd.Series(pd.NA, index=series.index, dtype=dtype), bad, reason
    if pd.api.types.is_numeric_dtype(series.dtype):
        numbers = pd.to_numeric(series).astype("Float64")
        given = series.notna().to_numpy(dtype=bool)
    else:
        if series.dtype == object:
            series = _numbers_from_objects(series)
        text = series.astype("str")
        text = text.where(text != "")
        try:  # fast path: Arrow's strict parse of the whole column
            parsed = pc.cast(pa.array(text.array), target)
            # Arrow reads "nan"/"inf" as floats: those are not finite numbers, so re-parse
            if integer or pc.all(pc.is_finite(parsed), skip_nulls=True).as_py() is not False:
                values = pd.Series(pd.array(parsed.to_pandas(types_mapper=pd.ArrowDtype),
                                            dtype=dtype), index=series.index)
                return values, None, reason
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
        pattern = _INTEGER_TEXT if integer else _NUMBER_TEXT
        shaped = text.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
        numbers = pd.to_numeric(text.where(shaped), errors="coerce").astype("Float64")
        given = text.notna().to_numpy(dtype=bool)
    raw = numbers.to_numpy(dtype=float, na_value=np.nan)
    ok = np.isfinite(raw)
    if integer:
        info = np.iinfo(target.to_pandas_dtype())
        ok &= (raw == np.floor(np.where(ok, raw, 0))) & (raw >= info.min) & (raw <= info.max)
    bad = given & ~ok
    clean = np.where(ok, raw, np.nan)
    if integer:
        values = pd.Series(pd.array(np.where(ok, clean, 0).astype("int64"), dtype=dtype),
                           index=series.index)
        values = values.mask(~ok)
    else:
        values = pd.Series(pd.array(clean, dtype=dtype), index=series.index).mask(~ok)
    return values, bad, reason


def _numbers_from_objects(series: pd.Series) -> pd.Series:
    """Python numbers and text from YAML/JSON as text; booleans become a non-number marker."""
    import pandas as pd

    def text(value: object) -> str | None:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return None
        if isinstance(value, bool):
            return "<boolean>"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    return pd.Series([text(v) for v in series], index=series.index, dtype="str")
