"""Shared fixtures for the schema tests: one valid event and a way to break every rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from conflictkit.schema.arrow import PANDAS_DTYPES
from conflictkit.schema.columns import COLUMN_NAMES, COLUMNS_BY_NAME
from conflictkit.schema.rules import Rule

TODAY = "2026-01-01"

GOOD: dict[str, Any] = {
    "event_id_cnty": "SYR31599",
    "event_date": "2018-02-07",
    "year": 2018,
    "time_precision": 1,
    "disorder_type": "Political violence",
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Air/drone strike",
    "actor1": "Military Forces of the United States (2017-2021)",
    "assoc_actor_1": "Military Forces of the United Kingdom (2016-2019)",
    "inter1": "External/Other forces",
    "actor2": "Military Forces of Syria (2000-2024)",
    "assoc_actor_2": "Wagner Group",
    "inter2": "State forces",
    "interaction": "State forces-External/Other forces",
    "civilian_targeting": None,
    "iso": 760,
    "region": "Middle East",
    "country": "Syria",
    "admin1": "Deir ez Zor",
    "admin2": "Deir ez Zor",
    "admin3": "Khasham",
    "location": "Khasham",
    "latitude": 35.2901,
    "longitude": 40.4143,
    "geo_precision": 2,
    "source": "Deutsche Welle; Reuters",
    "source_scale": "International",
    "notes": "On 7 February 2018, US forces struck pro-government forces near Khasham.",
    "fatalities": 100,
    "tags": "casualties=estimated",
    "timestamp": 1518134400,
}


def frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """Records (dicts of Python values) -> a canonical frame."""
    data = {}
    for name in COLUMN_NAMES:
        values = [r.get(name) for r in records]
        if name == "event_date":
            data[name] = pd.Series(pd.to_datetime(values)).astype("datetime64[s]")
        else:
            data[name] = pd.Series(values, dtype=PANDAS_DTYPES[name])
    return pd.DataFrame(data)


def _text_break(flag: str) -> Callable[[dict[str, Any], str], Any]:
    def make(record: dict[str, Any], column: str) -> Any:
        value = record.get(column) or "Civilian targeting"
        return {"whitespace": f"{value} ", "control": f"{value[:2]}\x07{value[2:]}",
                "formula": f"={value}", "empty": ""}[flag]
    return make


def _other_region(record: dict[str, Any], column: str) -> str:
    return "Europe" if record["region"] != "Europe" else "Middle East"


def _other_prefix(record: dict[str, Any], column: str) -> str:
    from conflictkit.reference.countries import prefix_of

    prefix = prefix_of(record["country"])
    return ("IRQ" if prefix != "IRQ" else "SYR") + "123"


def _wrong_sub_event(record: dict[str, Any], column: str) -> str:
    return "Armed clash" if record["event_type"] != "Battles" else "Attack"


def _wrong_disorder(record: dict[str, Any], column: str) -> str:
    from conflictkit.schema import vocab

    right = vocab.DISORDER_TYPE_OF_SUB_EVENT[record["sub_event_type"]]
    return vocab.STRATEGIC_DEVELOPMENTS if right != vocab.STRATEGIC_DEVELOPMENTS else \
        vocab.DEMONSTRATIONS


def _wrong_interaction(record: dict[str, Any], column: str) -> str:
    from conflictkit.schema import vocab

    right = record["interaction"]
    return next(v for v in vocab.INTERACTION_LABELS.values() if v != right)


def _out_of_range(record: dict[str, Any], column: str) -> float:
    c = COLUMNS_BY_NAME[column]
    return (c.maximum + 1) if c.maximum is not None else (c.minimum - 1)


# rule id -> function(record, column) giving a value that breaks exactly that rule's column.
BREAKERS: dict[str, Callable[[dict[str, Any], str], Any]] = {
    "required": lambda r, c: None,
    "vocabulary": lambda r, c: "Not an ACLED value",
    "range": _out_of_range,
    "year_of_event_date": lambda r, c: (r["year"] or 2018) - 1,
    "not_in_future": lambda r, c: "2099-01-01",
    "id_pattern": lambda r, c: "syr-1",
    "id_prefix_of_country": _other_prefix,
    "sub_event_of_event_type": _wrong_sub_event,
    "disorder_of_sub_event": _wrong_disorder,
    "interaction_of_inters": _wrong_interaction,
    "civilian_targeting_needs_civilians": lambda r, c: "Civilian targeting",
    "iso_of_country": lambda r, c: 999,
    "region_of_country": _other_region,
    "list_tokens": lambda r, c: "National-Global",
    "list_items": lambda r, c: "Reuters; ; AFP",
    "no_surrounding_whitespace": _text_break("whitespace"),
    "no_control_characters": _text_break("control"),
    "no_formula_prefix": _text_break("formula"),
    "no_empty_string": _text_break("empty"),
}


def broken_records(rule: Rule, record: dict[str, Any]) -> list[dict[str, Any]]:
    """Records (one, or two for uniqueness) that break `rule`, starting from a valid record."""
    if rule.id == "unique":
        return [dict(record), dict(record)]
    bad = dict(record)
    if rule.id == "inter_blank_iff_actor_blank":
        actor = "actor" + rule.column[-1]
        if bad.get(actor):
            bad[rule.column] = None
        else:
            bad[rule.column] = "Civilians"
        return [bad]
    if rule.id == "civilian_targeting_needs_civilians":
        bad["inter1"] = "State forces" if bad["inter1"] == "Civilians" else bad["inter1"]
        bad["inter2"] = "State forces" if bad["inter2"] == "Civilians" else bad["inter2"]
        if bad["actor2"] is None:
            bad["inter2"] = None
        from conflictkit.schema import vocab

        i1, i2 = vocab.INTER_CODES[bad["inter1"]], vocab.INTER_CODES.get(bad["inter2"] or "")
        bad["interaction"] = vocab.INTERACTION_LABELS[vocab.interaction_code(i1, i2)]
    bad[rule.column] = BREAKERS[rule.id](record, rule.column)
    return [bad]
