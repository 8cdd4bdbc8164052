"""The header layouts (eras) of the import formats, and how a header's columns map onto ACLED's.

Public ACLED files come in three shapes: today's 31 columns; the API v3 / export-tool layout of
2019-2022 (data_id, iso, event_id_no_cnty, iso3; no disorder_type, civilian_targeting or tags);
and the legacy 25 upper-case columns of the Africa files up to 2018 (GWNO, ALLY_ACTOR_1, ...).
UCDP GED has its own 49. Detection compares the header, normalised (case, spacing, punctuation),
with each era's column set and picks the closest, so shuffled, re-cased and extended headers are
recognised. Any column that is an ACLED column by name is used whatever the era; era columns
that have no ACLED counterpart (GWNO, data_id, iso3 ...) go to the side table; anything else is
an extra column, kept aside and reported.

Which format each era belongs to is `registry.FORMATS`' to say. This module imports nothing
heavy: detection uses it on a header line alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from conflictkit.schema.columns import COLUMN_NAMES, DERIVED_COLUMNS

_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalize_header(name: object) -> str:
    """Matching key of a header cell: BOM, quotes, case and punctuation removed ("Event Date"
    and "EVENT_DATE" both give "event_date")."""
    text = "" if name is None else str(name)
    text = text.replace("\ufeff", "").strip().strip('"').strip("'").strip().lower()
    return _NON_WORD.sub("_", text).strip("_")


@dataclass(frozen=True)
class Era:
    """One layout of one dataset.

    columns: the era's header, normalised, in its order.
    acled_names: columns named as ACLED's are ACLED's (ACLED exports of every era); otherwise
      the format's own importer maps the columns (UCDP GED).
    rename: era column -> ACLED column for columns that changed name.
    side: era columns with no ACLED counterpart, kept in the side table (not reported as extra).
    essential: columns without which a file cannot be read as this era.
    """

    name: str
    label: str
    columns: tuple[str, ...]
    acled_names: bool = True
    rename: dict[str, str] = field(default_factory=dict)
    side: tuple[str, ...] = ()
    essential: tuple[str, ...] = ()

    def target_of(self, column: str) -> str:
        return self.rename.get(column, column)


_API_V3_COLUMNS = (
    "data_id", "iso", "event_id_cnty", "event_id_no_cnty", "event_date", "year",
    "time_precision", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1",
    "actor2", "assoc_actor_2", "inter2", "interaction", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "timestamp", "iso3",
)
_LEGACY_COLUMNS = (
    "gwno", "event_id_cnty", "event_id_no_cnty", "event_date", "year", "time_precision",
    "event_type", "actor1", "ally_actor_1", "inter1", "actor2", "ally_actor_2", "inter2",
    "interaction", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude",
    "geo_precision", "source", "notes", "fatalities",
)
UCDP_GED_COLUMNS: tuple[str, ...] = (
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
    "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name",
    "side_a_dset_id", "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b",
    "number_of_sources", "source_article", "source_office", "source_date", "source_headline",
    "source_original", "where_prec", "where_coordinates", "where_description", "adm_1", "adm_2",
    "latitude", "longitude", "geom_wkt", "priogrid_gid", "country", "country_id", "region",
    "event_clarity", "date_prec", "date_start", "date_end", "deaths_a", "deaths_b",
    "deaths_civilians", "deaths_unknown", "best", "high", "low", "gwnoa", "gwnob",
)
_ACLED_ESSENTIAL = ("event_date", "event_type", "actor1", "country")

CURRENT = Era(
    "acled", "ACLED export (current 31 columns)", COLUMN_NAMES, essential=_ACLED_ESSENTIAL,
)
API_V3 = Era(
    "acled-api-v3", "ACLED API v3 / export tool 2019-2022 (31 columns with data_id, iso3)",
    _API_V3_COLUMNS, side=("data_id", "event_id_no_cnty", "iso3"), essential=_ACLED_ESSENTIAL,
)
LEGACY = Era(
    "acled-legacy", "ACLED legacy (25 upper-case columns, GWNO ... FATALITIES, to 2018)",
    _LEGACY_COLUMNS,
    rename={"ally_actor_1": "assoc_actor_1", "ally_actor_2": "assoc_actor_2"},
    side=("gwno", "event_id_no_cnty"), essential=_ACLED_ESSENTIAL,
)
UCDP_GED = Era(
    "ucdp-ged", "UCDP GED (49 columns, versions 20.1-25.1)", UCDP_GED_COLUMNS,
    acled_names=False,
    essential=("id", "type_of_violence", "side_a", "side_b", "country", "date_start", "best"),
)

# Header cells a spreadsheet or R/pandas writes over a leading row-number column.
ROW_NUMBER_HEADERS: frozenset[str] = frozenset(
    {"", "unnamed_0", "x", "index", "row", "rownames", "row_names", "1", "v1", "no", "n"}
)


@dataclass
class HeaderMap:
    """How one file's header maps onto an era.

    targets: for each header position, the ACLED column it fills, or None.
    side: header position -> side-table name (era columns and extra columns).
    extra: header positions of columns no era knows (kept aside and reported).
    blank: header positions whose header cell is empty (trailing empty columns or a row-number
      column, decided on the data).
    duplicates: header positions that map to an ACLED column already filled by an earlier one.
    missing: ACLED columns no header position fills.
    """

    era: Era
    score: float
    header: list[str]
    normalized: list[str]
    targets: list[str | None]
    side: dict[int, str]
    extra: list[int]
    blank: list[int]
    duplicates: list[int]
    missing: list[str]
    missing_essential: list[str]
    others: dict[str, float]

    @property
    def missing_not_derived(self) -> list[str]:
        """ACLED columns the file lacks that the derive step cannot fill."""
        return [c for c in self.missing if c not in DERIVED_COLUMNS]


def _score(names: set[str], era: Era) -> float:
    """Jaccard similarity between a normalised header and an era's columns."""
    era_set = set(era.columns)
    union = names | era_set
    return len(names & era_set) / len(union) if union else 0.0


def detect_era(header: Sequence[object], eras: Sequence[Era]) -> HeaderMap:
    """Map a header onto the one of ``eras`` it most resembles (see the module docstring)."""
    normalized = [normalize_header(h) for h in header]
    names = {n for n in normalized if n}
    scores = {e.name: _score(names, e) for e in eras}
    era = max(eras, key=lambda e: scores[e.name])  # first wins ties: current before older
    acled = set(COLUMN_NAMES)
    targets: list[str | None] = []
    side: dict[int, str] = {}
    extra: list[int] = []
    blank: list[int] = []
    duplicates: list[int] = []
    filled: set[str] = set()
    era_side = set(era.side)
    for pos, name in enumerate(normalized):
        target = era.target_of(name) if era.acled_names else None
        if not name:
            targets.append(None)
            blank.append(pos)
            continue
        if era.acled_names and target in acled:
            if target in filled:
                targets.append(None)
                duplicates.append(pos)
                side[pos] = f"{name}_{pos + 1}"
                continue
            filled.add(target)
            targets.append(target)
            continue
        targets.append(None)
        if not era.acled_names and name in era.columns:
            continue  # a non-ACLED era: its own importer maps the columns
        if name in era_side:
            side[pos] = name
        else:
            extra.append(pos)
            side[pos] = name if name not in side.values() else f"{name}_{pos + 1}"
    if era.acled_names:
        missing = [c for c in COLUMN_NAMES if c not in filled]
        missing_essential = [c for c in era.essential if c not in filled]
    else:
        present = set(normalized)
        missing = [c for c in era.columns if c not in present]
        missing_essential = [c for c in era.essential if c not in present]
    return HeaderMap(
        era=era, score=scores[era.name], header=[str(h) for h in header], normalized=normalized,
        targets=targets, side=side, extra=extra, blank=blank, duplicates=duplicates,
        missing=missing, missing_essential=missing_essential,
        others={k: v for k, v in scores.items() if k != era.name},
    )
