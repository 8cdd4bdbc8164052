"""What an event must hold depends on where it came from: declared here, once.

A hand-coded or extracted event has no origin and must fill every required column. An imported
event keeps what its dataset recorded, and a column that dataset never had in that era cannot
be filled from anything true (ACLED's legacy files and UCDP GED have no source_scale). Such a
column may stay blank for events of that origin: the importer leaves it blank with one warning,
`validate` accepts it, and a release publishes it blank. Every step asks `blank_allowed`, so the
import, validation and the release cannot disagree about what an imported event needs.

An origin's name is the import era the importer records in the event's provenance
(``source_era``); a test holds this table to the importers' registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from conflictkit.schema.columns import COLUMNS_BY_NAME

if TYPE_CHECKING:
    from collections.abc import Sequence


@dataclass(frozen=True)
class Origin:
    """A dataset events are imported from, in one era, and the required columns it never
    recorded."""

    name: str
    label: str
    unrecorded: tuple[str, ...] = ()


ORIGINS: dict[str, Origin] = {o.name: o for o in (
    Origin("acled", "ACLED export, today's 31 columns"),
    Origin("acled-api-v3", "ACLED API v3 / export tool, 2019-2022"),
    Origin("acled-legacy", "ACLED legacy files, to 2018", unrecorded=("source_scale",)),
    Origin("ucdp-ged", "UCDP Georeferenced Event Dataset", unrecorded=("source_scale",)),
)}

for _origin in ORIGINS.values():
    for _name in _origin.unrecorded:
        assert COLUMNS_BY_NAME[_name].required, f"{_origin.name}: {_name} is not required"


#: what an importer says of such a column
UNRECORDED = ("left blank in every event: this era never recorded it, and imported events may "
              "leave it blank")


def unrecorded_by(column: str) -> tuple[str, ...]:
    """The origins whose events may leave ``column`` blank."""
    return tuple(o.name for o in ORIGINS.values() if column in o.unrecorded)


def blank_allowed(column: str, origins: Sequence[object] | np.ndarray | None,
                  n: int) -> np.ndarray:
    """Per row (of ``n``), whether ``column`` may be blank given each row's origin (None or
    "" for events with no origin)."""
    allowed = unrecorded_by(column)
    if origins is None or not allowed:
        return np.zeros(n, dtype=bool)
    values = np.asarray(origins, dtype=object)
    return np.isin(values, np.asarray(allowed, dtype=object))
