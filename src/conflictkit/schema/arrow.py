"""Physical forms of the event table: the Arrow schema and pandas dtypes, generated from COLUMNS.

Releases write Parquet with `arrow_schema()` (explicit types, so a one-row file is typed like a
three-million-row one) and without pandas metadata (`to_arrow_table`), so the bytes depend only
on the data and the pyarrow version. `from_arrow_table` is the way back to the canonical frame.

The canonical in-memory frame keeps every text column as pandas' `str` dtype (`PANDAS_DTYPES`);
`categorical_dtypes()` gives the full-category dtypes a loader may prefer for vocabulary columns.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import pyarrow as pa

from conflictkit.schema.columns import COLUMN_NAMES, COLUMNS, COLUMNS_BY_NAME

if TYPE_CHECKING:
    import pandas as pd

_ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "large_string": pa.large_string(),
    "date32": pa.date32(),
    "int8": pa.int8(),
    "int16": pa.int16(),
    "int32": pa.int32(),
    "int64": pa.int64(),
    "float64": pa.float64(),
}

# Canonical pandas dtype of each column: text is pandas' default `str`; numbers are nullable.
PANDAS_DTYPES: dict[str, str] = {
    c.name: ("str" if c.kind == "string" else c.pandas_dtype) for c in COLUMNS
}

# Columns a loader may hold as categoricals (declared `category` in COLUMNS).
CATEGORICAL_COLUMNS: tuple[str, ...] = tuple(
    c.name for c in COLUMNS if c.pandas_dtype == "category"
)


def arrow_type(name: str) -> pa.DataType:
    """The Arrow type of one column."""
    return _ARROW_TYPES[COLUMNS_BY_NAME[name].arrow_type]


@cache
def arrow_schema() -> pa.Schema:
    """The events table's Arrow schema: 31 fields in ACLED order, each carrying its description.

    Fields are nullable: requiredness is a validation rule, not a storage constraint, so an
    invalid table can still be written to a scratch file and inspected.
    """
    return pa.schema(
        [
            pa.field(c.name, arrow_type(c.name), nullable=True,
                     metadata={b"description": c.description.encode("utf-8")})
            for c in COLUMNS
        ]
    )


def _column_array(series: pd.Series, name: str) -> pa.Array | pa.ChunkedArray:
    import pandas as pd

    target = arrow_type(name)
    kind = COLUMNS_BY_NAME[name].kind
    if kind == "date":
        values = pd.to_datetime(series).astype("datetime64[s]")
        mask = values.isna().to_numpy()
        days = values.to_numpy().astype("datetime64[D]").astype("int64")
        return pa.array(days.astype("int32"), type=pa.int32(), mask=mask).view(pa.date32())
    if kind == "string":
        array = series.array
        pa_array = getattr(array, "_pa_array", None)
        if pa_array is None:
            pa_array = pa.array(series.astype("str"), from_pandas=True)
        return pa_array.cast(target)
    # nullable pandas arrays implement __arrow_array__: NA becomes null, values keep their width
    return pa.array(series.astype(PANDAS_DTYPES[name]).array, type=target)


def to_arrow_table(df: pd.DataFrame) -> pa.Table:
    """The canonical frame as an Arrow table with `arrow_schema()` and no pandas metadata.

    Missing columns raise KeyError: a release must carry all 31.
    """
    missing = [name for name in COLUMN_NAMES if name not in df.columns]
    if missing:
        raise KeyError(f"frame lacks ACLED columns: {', '.join(missing)}")
    arrays = [_column_array(df[name], name) for name in COLUMN_NAMES]
    return pa.Table.from_arrays(arrays, schema=arrow_schema())


def _string_series(column: pa.ChunkedArray | pa.Array, index: pd.Index) -> pd.Series:
    import pandas as pd

    return pd.Series(pd.array(column, dtype="str"), index=index)


def from_arrow_table(table: pa.Table, *, columns: list[str] | None = None) -> pd.DataFrame:
    """An Arrow table (a release, a Parquet read) back to the canonical pandas frame.

    Takes any subset of ACLED columns present in `table` (all by default, in ACLED order);
    dates become datetime64[s], integers nullable, text `str` (without a Python-object copy).
    """
    import pandas as pd

    names = [n for n in (columns or COLUMN_NAMES) if n in table.column_names]
    index = pd.RangeIndex(table.num_rows)
    data: dict[str, pd.Series] = {}
    for name in names:
        column = table.column(name)
        kind = COLUMNS_BY_NAME[name].kind
        if kind == "string":
            data[name] = _string_series(column, index)
        elif kind == "date":
            if pa.types.is_date(column.type):
                column = column.cast(pa.timestamp("s"))
            data[name] = pd.Series(column.to_pandas(), index=index).astype("datetime64[s]")
        else:
            data[name] = pd.Series(
                column.to_pandas(types_mapper=pd.ArrowDtype).array, index=index
            ).astype(PANDAS_DTYPES[name])
    return pd.DataFrame(data, index=index, columns=names)


def empty_events() -> pd.DataFrame:
    """A zero-row canonical frame (all 31 columns, canonical dtypes)."""
    import pandas as pd

    return pd.DataFrame({n: pd.Series([], dtype=PANDAS_DTYPES[n]) for n in COLUMN_NAMES})


def categorical_dtypes() -> dict[str, pd.CategoricalDtype]:
    """Full-category dtypes for the vocabulary columns and country (for loaders and analysis).

    Categories come from the declaration (and the country table), so two loads of different
    subsets share the same category set and concatenate without turning into objects.
    """
    import pandas as pd

    from conflictkit.reference.countries import country_names

    out: dict[str, pd.CategoricalDtype] = {}
    for name in CATEGORICAL_COLUMNS:
        column = COLUMNS_BY_NAME[name]
        if name == "country":
            categories: tuple[str, ...] = country_names()
        elif column.vocabulary:
            categories = column.vocabulary
        else:
            continue
        out[name] = pd.CategoricalDtype(list(categories), ordered=False)
    return out
