"""`load`: one call from a release, Parquet or export to a typed, filtered pandas frame.

Parquet is read through `pyarrow.dataset` with the filters as an expression: files whose hive
partition (`year=YYYY`) cannot match are skipped, then row groups whose statistics cannot match
(a release is sorted by country and date in 25k-row groups, so one country-year touches a few),
and only the requested columns are decoded. Nothing is read whole and filtered afterwards.
What was skipped is recorded in `df.attrs["load"]` so the pruning can be checked.

Exports (ACLED CSV/XLSX, UCDP GED CSV) go through the importers, which must parse every row
anyway; the same filters are then applied as a vectorised mask. This package reads releases and
Parquet only: ``conflictkit.load`` hands it the importers' reader (``read_export``), so loading
never depends on the builders.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conflictkit.errors import InputFileError, LatestReleaseWarning, UsageError
from conflictkit.loading.filters import DateLike, Filters, arrow_expression, make_filters
from conflictkit.loading.source import Source, resolve_source, verify_checksums
from conflictkit.schema.columns import COLUMN_NAMES, COLUMNS_BY_NAME

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.dataset as ds

    from conflictkit.problems.report import Report

#: path -> (accepted canonical events, their report, the format's name)
ReadExport = Callable[[Path], "tuple[pd.DataFrame, Report, str]"]


def load(
    source: str | Path,
    *,
    countries: str | Iterable[str] | None = None,
    start: DateLike | None = None,
    end: DateLike | None = None,
    event_types: str | Iterable[str] | None = None,
    sub_event_types: str | Iterable[str] | None = None,
    actors: str | Iterable[str] | None = None,
    columns: str | Iterable[str] | None = None,
    verify: bool = False,
    read_export: ReadExport | None = None,
) -> pd.DataFrame:
    """Events from a release directory, a Parquet file/dataset or an ACLED/UCDP export.

    countries: ACLED names or aliases ("DR Congo"); start/end: inclusive bounds as dates or
    "YYYY-MM-DD" / "YYYY-MM" / "YYYY" text; event_types/sub_event_types: ACLED vocabulary
    (case-insensitive); actors: exact actor names, matched in actor1, actor2 and the assoc lists;
    columns: ACLED columns to return, in the order given (all 31 by default); verify: check the
    release's SHA256SUMS first. Returns event_date as datetime64[s], vocabulary columns as
    categoricals with every declared level, nullable integers and `str` text, on a RangeIndex.
    read_export: how to import a file that is not Parquet (``conflictkit.load`` passes the
    importers'); without it such a file is a usage error.
    """
    filters = make_filters(countries=countries, start=start, end=end, event_types=event_types,
                           sub_event_types=sub_event_types, actors=actors)
    wanted = _wanted_columns(columns)
    src = resolve_source(source)
    if src.dataset is not None:
        # which release a dataset repository gave changes when one is published: say it
        warnings.warn(
            f"{src.dataset}: loading its latest release, {src.release}; pass that directory "
            "to pin it (df.attrs['load']['release'] names it too)",
            LatestReleaseWarning, stacklevel=_caller_level())
    if verify:
        if src.release is None:
            raise UsageError(f"{src.path}: verify=True needs a release directory (with SHA256SUMS)")
        verify_checksums(src.release)
    if src.kind == "parquet":
        return _load_parquet(src, filters, wanted)
    if read_export is None:
        raise UsageError(f"{src.path}: not Parquet or a release; `conflictkit.load` reads "
                         "ACLED and UCDP exports")
    return _load_export(src, filters, wanted, read_export)


def _caller_level() -> int:
    """The stack level of the first frame outside conflictkit: where a warning is the user's."""
    import sys

    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith("conflictkit"):
        frame, level = frame.f_back, level + 1
    return level


def _wanted_columns(columns: str | Iterable[str] | None) -> list[str]:
    if columns is None:
        return list(COLUMN_NAMES)
    names = [columns] if isinstance(columns, str) else list(columns)
    unknown = [n for n in names if n not in COLUMNS_BY_NAME]
    if unknown:
        raise UsageError(f"columns: unknown column(s) {', '.join(map(repr, unknown))}; "
                         f"ACLED columns are: {', '.join(COLUMN_NAMES)}")
    if not names:
        raise UsageError("columns: an empty list; pass None for all columns")
    return list(dict.fromkeys(names))


# ----------------------------------------------------------------------------------- Parquet


def _partitioning(src: Source) -> tuple[Any, list[str]]:
    """Hive partitioning from `key=value` path parts, typed by the declared schema."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    from conflictkit.schema.arrow import arrow_schema

    keys: list[str] = []
    assert src.root is not None
    for part in src.files[0].relative_to(src.root).parts[:-1]:
        key, sep, _ = part.partition("=")
        if sep and key not in keys:
            keys.append(key)
    if not keys:
        return None, []
    declared = arrow_schema()
    fields = [declared.field(k) if k in declared.names else pa.field(k, pa.string()) for k in keys]
    return ds.partitioning(pa.schema(fields), flavor="hive"), keys


def _open_dataset(src: Source) -> tuple[ds.Dataset, list[str]]:
    import pyarrow.dataset as ds

    partitioning, keys = _partitioning(src)
    try:
        dataset = ds.dataset([str(f) for f in src.files], format="parquet",
                             partitioning=partitioning,
                             partition_base_dir=str(src.root) if keys else None)
    except (OSError, ValueError) as exc:  # ArrowInvalid is a ValueError
        raise InputFileError(str(src.path), f"cannot open as Parquet: {exc}") from exc
    return dataset, keys


def _scan_schema(dataset: ds.Dataset, needed: list[str], path: Path) -> pa.Schema:
    """The declared types of the ACLED columns the dataset holds; missing needed ones fail."""
    import pyarrow as pa

    from conflictkit.schema.arrow import arrow_schema

    present = set(dataset.schema.names)
    missing = [n for n in needed if n not in present]
    if missing:
        acled = [n for n in dataset.schema.names if n in COLUMNS_BY_NAME]
        what = "not an ACLED events table" if not acled else "an incomplete events table"
        raise InputFileError(
            str(path), f"{what}: missing column(s) {', '.join(missing)} "
            f"(it has {', '.join(dataset.schema.names[:12]) or 'no columns'}"
            f"{', ...' if len(dataset.schema.names) > 12 else ''})",
        )
    declared = arrow_schema()
    return pa.schema([declared.field(n) for n in COLUMN_NAMES if n in present])


def _load_parquet(src: Source, filters: Filters, wanted: list[str]) -> pd.DataFrame:
    import pyarrow.dataset as ds

    from conflictkit.loading.dtypes import frame_from_arrow

    dataset, keys = _open_dataset(src)
    needed = list(dict.fromkeys([*wanted, *sorted(filters.columns())]))
    schema = _scan_schema(dataset, needed, src.path)
    expression = arrow_expression(filters, year_partition="year" in keys)
    try:
        fragments = list(dataset.get_fragments())
        # partition pruning (whole files), then row-group statistics within the files kept
        kept = fragments if expression is None else list(dataset.get_fragments(expression))
        # row groups of the files kept (footers of pruned files are never opened)
        groups_total = sum(f.num_row_groups for f in kept)
        if expression is None:
            pieces = kept
            groups_read = groups_total
        else:
            pieces = [g for f in kept for g in f.split_by_row_group(expression, schema=schema)]
            groups_read = len(pieces)
        scan = ds.FileSystemDataset(pieces, schema, dataset.format, dataset.filesystem)
        table = scan.to_table(columns=wanted, filter=expression)
    except (OSError, ValueError, TypeError) as exc:  # ArrowInvalid/ArrowTypeError
        raise InputFileError(str(src.path), f"cannot read the events: {exc}") from exc
    frame = frame_from_arrow(table)
    frame.attrs["load"] = {
        "source": str(src.release or src.path),
        "release": None if src.release is None else str(src.release),
        "version": None if src.release is None else src.release.name,
        "dataset": None if src.dataset is None else str(src.dataset),
        "format": "parquet",
        "files_total": len(fragments),
        "files_read": len(kept),
        "row_groups_total": groups_total,
        "row_groups_read": groups_read,
        "rows": len(frame),
        "ignored_columns": [n for n in dataset.schema.names
                            if n not in COLUMNS_BY_NAME and n not in keys],
    }
    return frame


# ----------------------------------------------------------------------------------- exports


def _load_export(src: Source, filters: Filters, wanted: list[str],
                 read_export: ReadExport) -> pd.DataFrame:
    from conflictkit.loading.dtypes import as_typed
    from conflictkit.loading.filters import pandas_mask

    events, report, kind = read_export(src.path)
    typed = as_typed(events)
    selected = typed.loc[pandas_mask(typed, filters).to_numpy(), wanted].reset_index(drop=True)
    rejected = int(report.rejected)
    if rejected:
        warnings.warn(
            f"{src.path}: {rejected} record(s) could not be imported and are not in the frame; "
            "df.attrs['report'] lists them", stacklevel=3,
        )
    selected.attrs["load"] = {
        "source": str(src.path),
        "format": kind,
        "rows": len(selected),
        "rejected": rejected,
    }
    selected.attrs["report"] = report
    return selected
