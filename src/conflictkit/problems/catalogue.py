"""Every problem conflictkit can report, declared once.

A problem type has a stable ``code`` (what a report's ``rule`` column holds and what a CI user
looks up), a title, where it arises (``stage``), what it is about (``scope``: a whole file, one
record, or one field of a record), a default severity, a message template and a description
saying what to do. ``makes_redundant`` says which later problems on the same record only repeat
this one (a date no format reads is also a blank required date): `echoes.drop_echoes` reads it,
so the rule is data, not code in each door.

Call sites pass the declared object (``catalogue.DATE_FORMAT``), never a bare string; the table
rules of `conflictkit.schema.rules` each name theirs. `conflictkit codebook --format problems`
prints this catalogue, and a test fails when a report carries a code that is not declared here.

This module imports nothing: it sits at the bottom of the package.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Scope = Literal["file", "record", "field"]
Severity = Literal["error", "warning"]

#: Stages in the order a record meets them; the catalogue is listed in this order.
STAGES: dict[str, str] = {
    "reading": "Reading contribution files and tables",
    "import": "Importing existing datasets (ACLED, UCDP GED)",
    "derive": "Filling derived columns",
    "schema": "ACLED's rules for one events table",
    "cross-record": "Checks across records and against a release",
    "ids": "Assigning event IDs",
    "release": "Building a release",
    "verify": "Verifying a published release",
}

#: ``Echo.columns`` value: the columns derived from the problem's own column (year from
#: event_date, inter1 from actor1 ...), as `conflictkit.schema.columns` declares them.
DERIVED = "derived"
#: ``Echo.columns`` value: the problem's own column.
SAME = "same"


@dataclass(frozen=True)
class Echo:
    """Problems that only repeat another one on the same record.

    ``columns``: which columns' problems are echoes: `SAME` (the cause's own column), `DERIVED`
    (the columns derived from it), or explicit column names. ``codes``: only problems of these
    codes are echoes; empty means any problem that does not itself make others redundant.
    """

    columns: tuple[str, ...] = (SAME,)
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProblemType:
    """One kind of problem: its code, what it means, how it is worded."""

    code: str
    title: str
    stage: str
    scope: Scope
    severity: Severity
    template: str
    description: str
    makes_redundant: tuple[Echo, ...] = ()
    #: a problem of this type with no record position stands for one record that was seen but
    #: never became a row (a file or record that could not be read): it counts as rejected
    counts_as_record: bool = False

    def message(self, **fields: object) -> str:
        """The template filled with ``fields``."""
        return self.template.format(**fields)

    @property
    def anchor(self) -> str:
        """The fragment naming this problem in the generated catalogue (``problems.md#code``)."""
        return self.code.replace("_", "-")


CATALOGUE: dict[str, ProblemType] = {}

#: Errors in reading, converting or deriving a value make every later problem about the same
#: cell, and about the cells derived from it, a repeat ("year is required" after "event_date
#: is not a date").
_CELL = (Echo((SAME, DERIVED)),)
#: Any error about a column leaves the columns derived from it blank; "required" there only
#: repeats it ("disorder_type is required" beside "sub_event_type is not one of ACLED's values").
_BLANK_DERIVED = (Echo((DERIVED,), ("required",)),)


def _declare(code: str, title: str, *, stage: str, scope: Scope, severity: Severity,
             template: str, description: str, makes_redundant: tuple[Echo, ...] = (),
             counts_as_record: bool = False) -> ProblemType:
    if code in CATALOGUE:
        raise ValueError(f"problem code {code!r} declared twice")
    if stage not in STAGES:
        raise ValueError(f"problem {code!r}: unknown stage {stage!r}")
    if severity == "error" and scope == "field" and not makes_redundant:
        # a value that could not be read, converted or derived is missing from then on
        makes_redundant = _CELL if stage in ("reading", "derive") else _BLANK_DERIVED
    problem = ProblemType(code, title, stage, scope, severity, template, description,
                          makes_redundant, counts_as_record)
    CATALOGUE[code] = problem
    return problem


def get(code: str) -> ProblemType:
    """The declared problem type of ``code``; KeyError names the undeclared code."""
    try:
        return CATALOGUE[code]
    except KeyError:
        raise KeyError(f"problem code {code!r} is not declared in conflictkit.problems") from None


# ---------------------------------------------------------------------------------------------
# reading contribution files and tables
# ---------------------------------------------------------------------------------------------

UNREADABLE_FILE = _declare(
    "unreadable_file", "File cannot be read", stage="reading", scope="file", severity="error",
    template="{reason}",
    description="The file could not be read at all (missing, too large, binary, not UTF-8, "
    "not valid YAML/JSON/CSV/Parquet). It counts as one rejected record. Fix or re-save the file.",
    counts_as_record=True)
UNREADABLE_RECORD = _declare(
    "unreadable_record", "Record cannot be read", stage="reading", scope="record",
    severity="error", template="{reason}",
    description="One record of the file could not be read (wrong number of fields, broken "
    "syntax, not a mapping). It is counted as rejected; the file's other records are read.",
    counts_as_record=True)
EMPTY_FILE = _declare(
    "empty_file", "File holds no events", stage="reading", scope="file", severity="error",
    template="no event records in this file",
    description="The file is empty, or has a header and no records (a warning then). Delete it "
    "or add events.")
NO_FILES = _declare(
    "no_files", "No files found", stage="reading", scope="file", severity="warning",
    template="no contribution files (.yaml, .yml, .csv, .json) or tables (.parquet) found here",
    description="A path given to validate holds no file it can check; a typo'd folder in CI "
    "must not pass silently.")
NOT_AN_EVENT = _declare(
    "not_an_event", "Item is not an event", stage="reading", scope="record", severity="warning",
    template="{what} is not an event mapping; skipped",
    description="A list item or document that is not a mapping of ACLED columns is skipped.")
UNKNOWN_KEY = _declare(
    "unknown_key", "Unknown column", stage="reading", scope="field", severity="error",
    template="{key!r} is not an ACLED column or side field{hint}",
    description="Contributions use ACLED's column names exactly, plus the side fields; a typo "
    "must not vanish. The message suggests the closest name.")
UNKNOWN_COLUMN = _declare(
    "unknown_column", "Column not checked", stage="reading", scope="field", severity="warning",
    template="column {name!r} is not an ACLED column and was not checked{hint}",
    description="A finished table (Parquet) has a column that is not ACLED's; it is ignored.")
DUPLICATE_KEY = _declare(
    "duplicate_key", "Column given twice", stage="reading", scope="field", severity="error",
    template="{key!r} appears more than once in this record",
    description="A record names the same column twice; which value was meant is unclear.")
NESTED_VALUE = _declare(
    "nested_value", "Value is not a scalar", stage="reading", scope="field", severity="error",
    template="{key} must be a single value, not a {what}",
    description="ACLED columns hold single values; lists belong in '; '-joined text.")
YAML_TAG = _declare(
    "yaml_tag", "YAML tag not allowed", stage="reading", scope="field", severity="error",
    template="YAML tag {tag} is not allowed",
    description="Explicit YAML tags (!!python/..., !custom) are refused: a contribution is "
    "plain data.")
YAML_KEY = _declare(
    "yaml_key", "YAML key is not text", stage="reading", scope="record", severity="error",
    template="a key must be plain text, not {what}",
    description="Mapping keys must be column names written as plain text.")
YAML_ALIAS = _declare(
    "yaml_alias", "YAML alias not allowed", stage="reading", scope="field", severity="error",
    template="YAML anchors and aliases are not allowed",
    description="Anchors and aliases hide where a value comes from; write values out.")
ENCODING = _declare(
    "encoding", "Garbled text", stage="reading", scope="field", severity="error",
    template="holds text that is not valid UTF-8: {detail}",
    description="The value holds bytes that are not valid text (shown as U+FFFD or a lone "
    "surrogate). Re-save the file as UTF-8.", makes_redundant=_CELL)
TYPE = _declare(
    "type", "Wrong type", stage="reading", scope="field", severity="error",
    template="{column}: {reason}",
    description="The value cannot be converted to the column's type (a date that is not a "
    "date, a number that is not a number, a whole number with decimals).",
    makes_redundant=_CELL)
PROVENANCE_SIDECAR = _declare(
    "provenance_sidecar", "Import provenance not used", stage="reading", scope="file",
    severity="warning", template="{message}",
    description="The provenance table beside an imported batch cannot be read or does not "
    "match the batch row for row (it was edited or belongs to another import); the batch is "
    "read without it. Import the export again.")
SIDE_FIELD = _declare(
    "side_field", "Bad side field", stage="reading", scope="field", severity="error",
    template="{reason}",
    description="A side field (status, source_url, source_published, ...) has a value of the "
    "wrong form.")

# ---------------------------------------------------------------------------------------------
# importing existing datasets
# ---------------------------------------------------------------------------------------------

MISSING_COLUMN = _declare(
    "missing_column", "Column absent from the export", stage="import", scope="file",
    severity="warning", template="this {era} file has no {columns}: {consequence}",
    description="The export's era never recorded this column; it is left blank (allowed for "
    "imported events when the schema says so) or derived.",
    makes_redundant=(Echo((SAME,), ("required",)),))
ABSENT_REQUIRED_COLUMN = _declare(
    "absent_required_column", "Required column absent", stage="import", scope="file",
    severity="error",
    template="this {era} file has no {column} column, which that era records: every event "
    "lacks it and is rejected; export the data again with all columns",
    description="A required column the export's era records is missing from the file (a "
    "trimmed or re-saved export): its events are incomplete and are rejected, each with its "
    "own `required` error.")
EXTRA_COLUMN = _declare(
    "extra_column", "Column kept aside", stage="import", scope="file", severity="warning",
    template="column {name!r} is not an ACLED column: kept in the side table as {side!r}",
    description="A column with no ACLED counterpart is kept in the provenance side table.")
DUPLICATE_COLUMN = _declare(
    "duplicate_column", "Column appears twice", stage="import", scope="file",
    severity="warning",
    template="column {name!r} appears twice: the first is used, the other is kept aside",
    description="The first of two same-named columns is used; the other is kept in the side "
    "table.")
EMBEDDED_HEADER = _declare(
    "embedded_header", "Header line inside the data", stage="import", scope="record",
    severity="error", template="{reason}",
    description="A second header line inside the data: files (of different layouts or eras) "
    "were joined. It is skipped (it is no record); records of the other layout are rejected.")
BLANK_ROWS = _declare(
    "blank_rows", "Blank rows skipped", stage="import", scope="file", severity="warning",
    template="{count} blank or all-empty rows skipped",
    description="Rows with no value at all carry no event and are skipped.")
DATE_FORMAT = _declare(
    "date_format", "Date not readable", stage="import", scope="field", severity="error",
    template="not a date in any form ACLED or UCDP files have used",
    description="No known date form reads the value; the event is rejected.",
    makes_redundant=(Echo(("event_date", "year")),))
DATE_ORDER = _declare(
    "date_order", "Date read in the minority order", stage="import", scope="field",
    severity="warning",
    template="only readable in the other day/month order than the rest of the column",
    description="The value can only be read day-first where the column is month-first (or the "
    "reverse); it is kept as read. Check the date.")
AMBIGUOUS_DATE = _declare(
    "ambiguous_date", "Ambiguous dates resolved", stage="import", scope="file",
    severity="warning", template="{note}",
    description="Dates such as 05/06/2019 read either way; they are read the way the "
    "column's unambiguous values are written, and the choice is reported.")
TIME_OF_DAY = _declare(
    "time_of_day", "Dates with a time of day", stage="import", scope="file",
    severity="warning",
    template="{count} dates carry a time of day other than midnight (the first: {first}): each "
    "keeps the day as written; if the times come from a time-zone conversion, days may be off "
    "by one",
    description="A date column holds times other than midnight. The day is kept as written and "
    "each is recorded as a `time_of_day` repair; check whether the export shifted time zones.")
DATE_END_FORMAT = _declare(
    "date_end_format", "End date not readable", stage="import", scope="field",
    severity="warning", template="date_end is not a date; date_start is used",
    description="UCDP's date_end could not be read; the start date is used.")
ID_PREFIX_FROM_EXPORT = _declare(
    "id_prefix_from_export", "ID prefix taken from the export", stage="import", scope="file",
    severity="warning", template="{message}",
    description="Every event of a country carries one prefix the country table does not "
    "expect: the export is ACLED's word on its IDs, so the rows are kept and the prefix is "
    "flagged once.")
LEGACY_EVENT_TYPE_UNMAPPED = _declare(
    "legacy_event_type_unmapped", "Legacy event type not mappable", stage="import",
    scope="field", severity="error", template="{message}",
    description="A pre-2019 event type has no mapping to today's types for this record "
    "(Riots/Protests where neither actor is rioters or protesters); the event is rejected. "
    "Mapped legacy types are repairs, not problems (docs/import-policy.md).",
    makes_redundant=(Echo(("event_type", "sub_event_type", "disorder_type")),))
ACTOR_TYPE_DEFAULT = _declare(
    "actor_type_default", "Actor type defaulted", stage="import", scope="file",
    severity="warning", template="{message}",
    description="UCDP sides that are not ACLED actor names get the actor type implied by "
    "UCDP's type_of_violence.")
BEST_OUTSIDE_LOW_HIGH = _declare(
    "best_outside_low_high", "UCDP best estimate outside low-high", stage="import",
    scope="field", severity="warning",
    template="UCDP's best estimate is outside its own low-high range; best is used",
    description="UCDP's best fatality estimate lies outside its low-high range.")
UCDP_CODE = _declare(
    "ucdp_code", "Unknown UCDP code", stage="import", scope="field", severity="error",
    template="{source} must be one of {known}",
    description="A coded UCDP column (type_of_violence, where_prec, date_prec) holds a code "
    "UCDP does not define.")

# ---------------------------------------------------------------------------------------------
# deriving columns
# ---------------------------------------------------------------------------------------------

UNKNOWN_COUNTRY = _declare(
    "unknown_country", "Unknown country", stage="derive", scope="field", severity="error",
    template="{country!r} is not one of ACLED's countries{hint}",
    description="The country is not in ACLED's country table, so its ISO code, region and ID "
    "prefix cannot be derived.", makes_redundant=_CELL)
UNKNOWN_ACTOR_TYPE = _declare(
    "unknown_actor_type", "Actor type cannot be derived", stage="derive", scope="field",
    severity="error", template="{message}",
    description="inter1/inter2 are blank and the actor is not in the registry, so its actor "
    "type cannot be derived: give the inter code or use a registered name.",
    makes_redundant=_CELL)
UNKNOWN_PLACE = _declare(
    "unknown_place", "Place not in the gazetteer", stage="derive", scope="field",
    severity="error", template="{message}",
    description="Coordinates were left out and the gazetteer does not know the location; give "
    "latitude and longitude, or add the place to reference/places.csv.",
    makes_redundant=_CELL)
AMBIGUOUS_PLACE = _declare(
    "ambiguous_place", "Place name is ambiguous", stage="derive", scope="field",
    severity="error", template="{message}",
    description="Coordinates were left out and several places of that name exist; give admin1 "
    "or the coordinates.", makes_redundant=_CELL)

# ---------------------------------------------------------------------------------------------
# ACLED's rules for one table (each rule of conflictkit.schema.rules names one of these)
# ---------------------------------------------------------------------------------------------

REQUIRED = _declare(
    "required", "Required value missing", stage="schema", scope="field", severity="error",
    template="{column} is required and must not be blank",
    description="ACLED requires the column; it may be left out only where it is derived.")
VOCABULARY = _declare(
    "vocabulary", "Not one of ACLED's values", stage="schema", scope="field", severity="error",
    template="{column} is not one of ACLED's values",
    description="Closed-vocabulary columns (event types, actor types, regions, countries ...) "
    "take only ACLED's values, spelt exactly.")
RANGE = _declare(
    "range", "Number out of range", stage="schema", scope="field", severity="error",
    template="{column} must be {bounds}",
    description="The number lies outside the column's range (latitude, fatalities, ...).")
YEAR_OF_EVENT_DATE = _declare(
    "year_of_event_date", "Year differs from the date", stage="schema", scope="field",
    severity="error", template="year must equal the year of event_date",
    description="year is derived from event_date and must agree with it.")
NOT_IN_FUTURE = _declare(
    "not_in_future", "Date in the future", stage="schema", scope="field", severity="error",
    template="event_date must not be in the future",
    description="An event cannot have happened after today (UTC).")
ID_PATTERN = _declare(
    "id_pattern", "Malformed event ID", stage="schema", scope="field", severity="error",
    template="event_id_cnty must be a country prefix (2-4 capital letters) then digits",
    description="Event IDs are an ACLED country prefix followed by a number.")
UNIQUE = _declare(
    "unique", "Event ID not unique", stage="schema", scope="field", severity="error",
    template="event_id_cnty must be unique",
    description="Every event has its own ID.")
ID_PREFIX_OF_COUNTRY = _declare(
    "id_prefix_of_country", "ID prefix does not match the country", stage="schema",
    scope="field", severity="error",
    template="event_id_cnty must start with the ACLED prefix of the event's country",
    description="An event's ID starts with its country's ACLED prefix (not always the ISO "
    "code: Nepal NEP, Mozambique MZM).")
SUB_EVENT_OF_EVENT_TYPE = _declare(
    "sub_event_of_event_type", "Sub-event type of another event type", stage="schema",
    scope="field", severity="error", template="sub_event_type must belong to the event_type",
    description="Each of ACLED's 25 sub-event types belongs to one event type.")
DISORDER_OF_SUB_EVENT = _declare(
    "disorder_of_sub_event", "Disorder type differs from the sub-event's", stage="schema",
    scope="field", severity="error",
    template="disorder_type must be the one ACLED assigns to the sub_event_type",
    description="The disorder type is determined by the sub-event type.")
INTER_BLANK_IFF_ACTOR_BLANK = _declare(
    "inter_blank_iff_actor_blank", "Actor type without actor (or the reverse)",
    stage="schema", scope="field", severity="error",
    template="{column} is blank exactly when its actor is blank",
    description="inter1/inter2 are given exactly when actor1/actor2 are.")
INTERACTION_OF_INTERS = _declare(
    "interaction_of_inters", "Interaction differs from the actor types", stage="schema",
    scope="field", severity="error",
    template="interaction must be the combination of inter1 and inter2",
    description="interaction combines the two actor types (smaller code first, '<type> only' "
    "without actor2, Civilians last).")
CIVILIAN_TARGETING_NEEDS_CIVILIANS = _declare(
    "civilian_targeting_needs_civilians", "Civilian targeting without civilians",
    stage="schema", scope="field", severity="error",
    template="civilian_targeting is only set on political-violence events with Civilians or "
    "Protesters among the actor types",
    description="ACLED sets 'Civilian targeting' on political-violence events whose actor types "
    "include Civilians, and on violence against unarmed protesters (Excessive force against "
    "protesters, with Protesters on either side).")
ISO_OF_COUNTRY = _declare(
    "iso_of_country", "ISO code differs from the country's", stage="schema", scope="field",
    severity="error", template="iso must be the ISO 3166-1 numeric code of the country",
    description="iso is derived from the country.")
REGION_OF_COUNTRY = _declare(
    "region_of_country", "Region differs from the country's", stage="schema", scope="field",
    severity="error", template="region must be the ACLED region of the country",
    description="region is derived from the country.")
LIST_TOKENS = _declare(
    "list_tokens", "Unknown list token", stage="schema", scope="field", severity="error",
    template="{column} must be tokens from a fixed list joined by '{separator}'",
    description="source_scale is made of fixed tokens (Local, National, ...) joined by '-'.")
LIST_ITEMS = _declare(
    "list_items", "Malformed list", stage="schema", scope="field", severity="error",
    template="{column} is a '{separator}'-separated list without empty items or stray spaces",
    description="Lists (associated actors, sources, tags) are joined by '; ' with no empty "
    "items.")
NO_SURROUNDING_WHITESPACE = _declare(
    "no_surrounding_whitespace", "Whitespace around a value", stage="schema", scope="field",
    severity="error", template="{column} must not begin or end with whitespace",
    description="Values are trimmed; a trailing space makes two spellings of one name.")
NO_CONTROL_CHARACTERS = _declare(
    "no_control_characters", "Control characters", stage="schema", scope="field",
    severity="error", template="{column} must not contain control characters",
    description="Line breaks, tabs and other control characters do not belong in values.")
NO_FORMULA_PREFIX = _declare(
    "no_formula_prefix", "Spreadsheet formula prefix", stage="schema", scope="field",
    severity="error",
    template="{column} must not begin with = + - @ tab or CR (spreadsheet formula)",
    description="A value starting with = + - @ would run as a formula when the CSV is opened "
    "in a spreadsheet.")
NO_EMPTY_STRING = _declare(
    "no_empty_string", "Empty string", stage="schema", scope="field", severity="error",
    template="{column} must be missing rather than an empty string",
    description="A blank value is missing, not an empty string.")

# ---------------------------------------------------------------------------------------------
# across records and against a release
# ---------------------------------------------------------------------------------------------

DUPLICATE_ID = _declare(
    "duplicate_id", "Event ID used twice", stage="cross-record", scope="field",
    severity="error", template="event_id_cnty {event_id} is also used at {where}",
    description="Several records carry one ID; every event needs its own. The message names "
    "where the other copies are.", makes_redundant=(Echo((SAME,), ("unique",)),))
DELETED_ID_REUSED = _declare(
    "deleted_id_reused", "Deleted ID reused", stage="cross-record", scope="field",
    severity="error",
    template="event_id_cnty {event_id} was deleted in release {release}; deleted IDs are "
    "never reused",
    description="An ID a release deleted came back. Leave it out and run `conflictkit ids "
    "assign` to give the event a new ID.")
RELEASE_PUBLISHED = _declare(
    "release_published", "Edits published events", stage="cross-record", scope="file",
    severity="warning", template="{count} records carry IDs already published in release "
    "{release}: they edit those events",
    description="Records whose IDs a release already publishes edit those events (normal in a "
    "dataset repository); a new event needs a new ID.")
IMPORTS_FOLDED = _declare(
    "imports_folded", "Overlapping imports folded", stage="cross-record", scope="file",
    severity="warning",
    template="imports hold other records of the same events: {copies} identical copies merged, "
    "{older} older versions replaced by newer ones (provenance column superseded)",
    description="Imported records that share an event ID are one event: exact copies are "
    "merged, and of records that differ the one with the newer source timestamp is kept, the "
    "older named in its provenance. Two exports covering the same months do this.")
LIKELY_DUPLICATE = _declare(
    "likely_duplicate", "Likely the same event", stage="cross-record", scope="record",
    severity="warning", template="{count} records share date, country, location, actors and "
    "sub-event type: {where}",
    description="Two clashes at one place on one day between the same actors are one ACLED "
    "event unless they differ; merge them or make the difference clear.")
UNKNOWN_ACTOR = _declare(
    "unknown_actor", "Actor not in the registry", stage="cross-record", scope="field",
    severity="warning", template="{column}: not in the actor registry: {names}",
    description="The actor name is not in the registry (ACLED's names plus "
    "reference/actors.csv). A warning, an error with --strict.")
CANDIDATE = _declare(
    "candidate", "Unreviewed candidate", stage="cross-record", scope="record",
    severity="warning", template="candidate event (not yet reviewed): a release leaves it out",
    description="Extracted events carry `status: candidate` until a person reviews them.")

# ---------------------------------------------------------------------------------------------
# assigning IDs
# ---------------------------------------------------------------------------------------------

ID_FORMAT = _declare(
    "id_format", "ID left as it is", stage="ids", scope="field", severity="warning",
    template="not a country prefix followed by digits; left as it is",
    description="An existing ID of another form is kept and not used for numbering.")
MISSING_COUNTRY = _declare(
    "missing_country", "No country, no ID", stage="ids", scope="field", severity="error",
    template="no country: cannot choose an ID prefix, event left without an ID",
    description="An ID prefix is the country's; give the country first.")
EDIT_FAILED = _declare(
    "edit_failed", "File not edited", stage="ids", scope="file", severity="error",
    template="IDs not written, file left unchanged: {reason}",
    description="The IDs could not be written into the file in place; it is left unchanged.")

# ---------------------------------------------------------------------------------------------
# releases
# ---------------------------------------------------------------------------------------------

MISSING_FILE = _declare(
    "missing_file", "Release file missing", stage="verify", scope="file", severity="error",
    template="{reason}",
    description="A file the release must hold, or one SHA256SUMS or datapackage.json lists, "
    "is absent.")
UNLISTED_FILE = _declare(
    "unlisted_file", "File not published", stage="verify", scope="file", severity="error",
    template="not listed in {listing}",
    description="A file in the release directory that SHA256SUMS or datapackage.json does "
    "not list was added after publication.")
CHECKSUM = _declare(
    "checksum", "Checksum differs", stage="verify", scope="file", severity="error",
    template="SHA-256 differs from SHA256SUMS: the file was changed or corrupted",
    description="The file's bytes are not the ones published.")
FILE_SCHEMA = _declare(
    "file_schema", "File does not match its schema", stage="verify", scope="file",
    severity="error", template="{reason}",
    description="A release table's columns or types differ from the declared schema, or a "
    "CSV does not parse with the declared types.")
ROW_COUNT = _declare(
    "row_count", "Row counts disagree", stage="verify", scope="file", severity="error",
    template="{reason}",
    description="A table's row count differs from the events' or from datapackage.json.")
PARTITION = _declare(
    "partition", "Bad partition directory", stage="verify", scope="file", severity="error",
    template="bad partition directory {name}",
    description="A year-partitioned release holds a directory that is not year=YYYY.")
DATAPACKAGE_MISMATCH = _declare(
    "datapackage_mismatch", "datapackage.json disagrees with a file", stage="verify",
    scope="file", severity="error", template="{reason}",
    description="datapackage.json records other bytes or another hash for the file.")
