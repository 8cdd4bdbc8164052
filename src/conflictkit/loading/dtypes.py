"""The typed frame researchers get: declared pandas dtypes, vocabularies as full categoricals.

A categorical built from the values a filter happened to return has only those levels, so a
crosstab of one country-year silently loses the event types that did not occur. Every vocabulary
column therefore carries the full declared category set (countries from the reference table).
A value outside the declaration is never turned into NaN: it becomes an extra level after the
declared ones, so nothing is lost when a file breaks the vocabulary.
"""

from __future__ import annotations

from functools import cache

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from conflictkit.errors import UsageError
from conflictkit.schema.arrow import CATEGORICAL_COLUMNS, PANDAS_DTYPES
from conflictkit.schema.columns import COLUMNS_BY_NAME

_NULLABLE = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.float64(): pd.Float64Dtype(),
}


@cache
def declared_categories(column: str) -> tuple[str, ...] | None:
    """The full level set of a vocabulary column, or None for an open set (source_scale)."""
    if column == "country":
        from conflictkit.reference.countries import country_names

        return tuple(country_names())
    return COLUMNS_BY_NAME[column].vocabulary


def _levels(column: str, observed: list[str]) -> list[str]:
    """Declared levels first, then (sorted) observed values the declaration does not know."""
    declared = declared_categories(column)
    if declared is None:
        return sorted(observed)
    known = set(declared)
    return [*declared, *sorted(v for v in observed if v not in known)]


def categorical_from_arrow(column: str, values: pa.ChunkedArray | pa.Array) -> pd.Categorical:
    """Dictionary-code an Arrow string column against the column's full level set (vectorised)."""
    values = values.cast(pa.string())
    levels = declared_categories(column)
    codes = pc.index_in(values, value_set=pa.array(levels or [], pa.string()))
    unknown = pc.and_(pc.is_valid(values), pc.is_null(codes))
    if levels is None or pc.any(unknown).as_py():
        observed = pc.unique(values.filter(unknown)).drop_null().to_pylist()
        levels = _levels(column, observed)
        codes = pc.index_in(values, value_set=pa.array(levels, pa.string()))
    numpy_codes = codes.fill_null(-1).to_numpy()
    return pd.Categorical.from_codes(numpy_codes, dtype=pd.CategoricalDtype(levels))


def frame_from_arrow(table: pa.Table) -> pd.DataFrame:
    """An Arrow events table (declared types) as the typed pandas frame, columns kept in order."""
    names = table.column_names
    categorical = [n for n in names if n in CATEGORICAL_COLUMNS]
    rest = table.drop_columns(categorical)
    for i, field in enumerate(rest.schema):
        if pa.types.is_date(field.type):
            rest = rest.set_column(i, field.name, rest.column(i).cast(pa.timestamp("s")))
    frame = rest.to_pandas(types_mapper=_NULLABLE.get, split_blocks=True)
    for name in categorical:
        frame[name] = categorical_from_arrow(name, table.column(name))
    return frame[names]


def to_categorical(column: str, series: pd.Series) -> pd.Series:
    """A pandas column as a categorical with the full level set; unknown values become levels."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        observed = [str(v) for v in series.cat.categories]
        levels = _levels(column, observed)
        if list(series.cat.categories) == levels:
            return series
        return series.cat.set_categories(levels)
    text = series.astype("str").array
    # pandas' str is Arrow-backed: hand its buffers over rather than going through objects
    values = text.__arrow_array__() if hasattr(text, "__arrow_array__") else pa.array(
        text, type=pa.string(), from_pandas=True)
    return pd.Series(categorical_from_arrow(column, values), index=series.index,
                     name=series.name)


def as_typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Bring any frame of ACLED columns to the load dtypes (other columns are left alone)."""
    out = frame.copy()
    for name in out.columns:
        if name not in COLUMNS_BY_NAME:
            continue
        if name in CATEGORICAL_COLUMNS:
            out[name] = to_categorical(name, out[name])
            continue
        dtype = PANDAS_DTYPES[name]
        if str(out[name].dtype) == dtype:
            continue
        try:
            out[name] = out[name].astype(dtype)
        except (TypeError, ValueError) as exc:
            raise UsageError(f"column {name!r} cannot be read as {dtype}: {exc}") from exc
    return out
