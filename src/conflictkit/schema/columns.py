"""The event table, declared once: ACLED's 31 columns in ACLED's order.

Every artefact that describes the table (pandera schema, Arrow schema, pandas dtypes, codebook,
datapackage.json, JSON Schema) is generated from `COLUMNS`. Change a column here and the generated
artefacts follow; a test fails if one drifts.

This module imports nothing heavy so the CLI can describe the table without loading pandas.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from conflictkit.schema import vocab

Kind = Literal["string", "date", "integer", "number"]


@dataclass(frozen=True)
class Column:
    """One column of the events table.

    kind is the logical type; arrow_type and pandas_dtype are its physical forms. `derived`
    columns may be left out of a contribution and are filled (or checked when present).
    `vocabulary` lists the allowed values of a closed-vocabulary column; `list_of` marks a column
    holding several values joined by a separator.
    """

    name: str
    kind: Kind
    arrow_type: str
    pandas_dtype: str
    description: str
    required: bool = True
    derived: bool = False
    #: the columns a derived column is computed from (an error there leaves it blank)
    derived_from: tuple[str, ...] = ()
    vocabulary: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    list_separator: str | None = None
    list_vocabulary: tuple[str, ...] | None = None
    pattern: str | None = None
    example: str | int | float | None = None
    constraints_text: tuple[str, ...] = field(default_factory=tuple)


_inter_labels = tuple(vocab.INTER_LABELS.values())
_interaction_labels = tuple(vocab.INTERACTION_LABELS.values())

COLUMNS: tuple[Column, ...] = (
    Column(
        "event_id_cnty", "string", "string", "str",
        "Unique event identifier: the country's ACLED prefix followed by a number "
        "(e.g. SYR12345, NIG9876). Stable across releases; a deleted ID is never reused.",
        pattern=r"^[A-Z]{2,4}[0-9]+$", example="SYR31599",
    ),
    Column(
        "event_date", "date", "date32", "datetime64[s]",
        "Day the event took place, ISO 8601 (YYYY-MM-DD). Never in the future.",
        example="2018-02-07",
    ),
    Column(
        "year", "integer", "int16", "Int16",
        "Year of event_date.", derived=True, derived_from=("event_date",), minimum=1900,
        maximum=2100, example=2018,
    ),
    Column(
        "time_precision", "integer", "int8", "Int8",
        "How precisely the date is known: 1 the day, 2 the week, 3 the month or less.",
        minimum=1, maximum=3, example=1,
    ),
    Column(
        "disorder_type", "string", "string", "category",
        "Disorder type, determined by the sub-event type.",
        derived=True, derived_from=("sub_event_type",), vocabulary=vocab.DISORDER_TYPES,
        example="Political violence",
    ),
    Column(
        "event_type", "string", "string", "category",
        "ACLED event type.", vocabulary=vocab.EVENT_TYPES,
        example="Explosions/Remote violence",
    ),
    Column(
        "sub_event_type", "string", "string", "category",
        "ACLED sub-event type; each belongs to exactly one event type.",
        vocabulary=vocab.ALL_SUB_EVENT_TYPES, example="Air/drone strike",
    ),
    Column(
        "actor1", "string", "string", "str",
        "Name of the first actor, as the actor registry names it.",
        example="Military Forces of the United States (2017-2021)",
    ),
    Column(
        "assoc_actor_1", "string", "string", "str",
        "Actors associated with actor1, '; '-separated.",
        required=False, list_separator=vocab.LIST_SEPARATOR,
        example="Military Forces of the United Kingdom (2016-2019)",
    ),
    Column(
        "inter1", "string", "string", "category",
        "Actor type of actor1 (text label; numeric codes 1-8 are accepted on input).",
        derived=True, derived_from=("actor1",), vocabulary=_inter_labels,
        example="External/Other forces",
    ),
    Column(
        "actor2", "string", "string", "str",
        "Name of the second actor, blank when the event has one side.",
        required=False, example="Military Forces of Syria (2000-2024)",
    ),
    Column(
        "assoc_actor_2", "string", "string", "str",
        "Actors associated with actor2, '; '-separated.",
        required=False, list_separator=vocab.LIST_SEPARATOR,
    ),
    Column(
        "inter2", "string", "string", "category",
        "Actor type of actor2; blank exactly when actor2 is blank.",
        required=False, derived=True, derived_from=("actor2",), vocabulary=_inter_labels,
        example="State forces",
    ),
    Column(
        "interaction", "string", "string", "category",
        "Interaction of the two actor types: smaller code first ('State forces-Rebel group'), "
        "'<type> only' without actor2, Civilians always last.",
        derived=True, derived_from=("inter1", "actor1", "inter2", "actor2"),
        vocabulary=_interaction_labels,
        example="State forces-External/Other forces",
    ),
    Column(
        "civilian_targeting", "string", "string", "category",
        "'Civilian targeting' when civilians were the target of political violence, else blank.",
        required=False, derived=True, derived_from=("inter2", "actor2", "sub_event_type"),
        vocabulary=(vocab.CIVILIAN_TARGETING,),
    ),
    Column(
        "iso", "integer", "int16", "Int16",
        "ISO 3166-1 numeric code of the country (ACLED's exceptions: Kosovo 0).",
        derived=True, derived_from=("country",), minimum=0, maximum=999, example=760,
    ),
    Column(
        "region", "string", "string", "category",
        "ACLED region of the country.",
        derived=True, derived_from=("country",), vocabulary=tuple(vocab.REGIONS.values()),
        example="Middle East",
    ),
    Column(
        "country", "string", "string", "category",
        "Country where the event took place, as ACLED names it.", example="Syria",
    ),
    Column(
        "admin1", "string", "string", "str",
        "Largest sub-national administrative region.", required=False, example="Deir ez Zor",
    ),
    Column("admin2", "string", "string", "str", "Second-level administrative region.",
           required=False, example="Deir ez Zor"),
    Column("admin3", "string", "string", "str", "Third-level administrative region.",
           required=False),
    Column(
        "location", "string", "string", "str",
        "Name of the place where the event occurred.", example="Khasham",
    ),
    Column(
        "latitude", "number", "float64", "Float64",
        "Latitude of the location in decimal degrees (WGS84).",
        minimum=-90, maximum=90, example=35.2901,
    ),
    Column(
        "longitude", "number", "float64", "Float64",
        "Longitude of the location in decimal degrees (WGS84).",
        minimum=-180, maximum=180, example=40.4143,
    ),
    Column(
        "geo_precision", "integer", "int8", "Int8",
        "How precisely the place is known: 1 the town, 2 near a town or a small district, "
        "3 a larger region (the event is placed at its capital or centre).",
        minimum=1, maximum=3, example=2,
    ),
    Column(
        "source", "string", "string", "str",
        "Sources of the report, '; '-separated.", list_separator=vocab.LIST_SEPARATOR,
        example="Deutsche Welle; Reuters; dpa",
    ),
    Column(
        "source_scale", "string", "string", "category",
        "Scale of the sources: tokens from a fixed list joined by '-' "
        "(e.g. 'National-International').",
        list_separator=vocab.SOURCE_SCALE_SEPARATOR, list_vocabulary=vocab.SOURCE_SCALE_TOKENS,
        example="International",
    ),
    Column(
        "notes", "string", "string", "str",
        "Short description of the event in ACLED's style ('On 7 February 2018, ...').",
    ),
    Column(
        "fatalities", "integer", "int32", "Int32",
        "Reported fatalities, the lowest credible figure; 0 when none or unknown.",
        minimum=0, maximum=1_000_000, example=100,
    ),
    Column(
        "tags", "string", "string", "str",
        "Additional structured information, '; '-separated (e.g. 'crowd size=no report').",
        required=False, list_separator=vocab.LIST_SEPARATOR,
    ),
    Column(
        "timestamp", "integer", "int64", "Int64",
        "Unix time (seconds) the event was last added or changed in a release.",
        derived=True, minimum=0, example=1518134400,
    ),
)

COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
COLUMNS_BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}
DERIVED_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.derived)
REQUIRED_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.required and not c.derived)
TEXT_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.kind == "string")
VOCABULARY_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.vocabulary)
#: derived column -> the columns it is computed from
DERIVED_FROM: dict[str, tuple[str, ...]] = {c.name: c.derived_from for c in COLUMNS
                                            if c.derived_from}
#: column -> the derived columns computed from it
DERIVES: dict[str, tuple[str, ...]] = {
    source: tuple(c.name for c in COLUMNS if source in c.derived_from)
    for source in sorted({s for c in COLUMNS for s in c.derived_from})
}

# Keys a contribution record may carry beside ACLED's columns. They travel in a side table keyed
# by event_id_cnty (provenance and review state), never as columns of the events table.
SIDE_FIELDS: tuple[str, ...] = (
    "status", "source_url", "source_published", "coder", "comment", "provenance",
)

assert len(COLUMNS) == 31, "ACLED's current export has 31 columns"
