"""Every import format, registered once: its name, what it is, the header layouts (eras) that
recognise it and map its columns, and its reader.

The CLI's ``import`` choices, `detect.detect_file`, the embedded-header check and
``conflictkit.load`` of an export all read `FORMATS`. Adding a format means adding its era(s) to
`eras`, its reader module to this package and one entry here.

Readers are named as ``"module:function"`` and imported on first use: recognising a header
needs only the eras, and the readers themselves use this registry to recognise their input.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conflictkit.builders.importers.eras import (
    API_V3,
    CURRENT,
    LEGACY,
    UCDP_GED,
    Era,
    HeaderMap,
    detect_era,
    normalize_header,
)
from conflictkit.errors import UsageError

if TYPE_CHECKING:
    from conflictkit.builders.importers.common import ImportResult


@dataclass(frozen=True)
class ImportFormat:
    """One format an existing dataset is exported in."""

    name: str  # what `conflictkit import NAME FILE` takes
    label: str
    eras: tuple[Era, ...]  # header layouts that identify the format and map its columns
    reader: str  # "module:function" taking (path, *, today, progress, writer)
    description: str = ""

    def read(self, path: str | Path, **options: Any) -> ImportResult:
        """Import ``path`` with this format's reader."""
        module, _, function = self.reader.partition(":")
        return getattr(importlib.import_module(module), function)(path, **options)

    @cached_property
    def era_names(self) -> frozenset[str]:
        return frozenset(era.name for era in self.eras)


FORMATS: tuple[ImportFormat, ...] = (
    ImportFormat(
        "acled", "ACLED export (any era)", (CURRENT, API_V3, LEGACY),
        "conflictkit.builders.importers.acled:read_acled",
        "Today's 31 columns (text or numeric actor types), the API v3 / export tool layout of "
        "2019-2022 and the legacy 25 upper-case columns to 2018; CSV, TSV or XLSX.",
    ),
    ImportFormat(
        "ucdp", "UCDP GED", (UCDP_GED,),
        "conflictkit.builders.importers.ucdp:read_ucdp",
        "UCDP's Georeferenced Event Dataset, 49 columns (versions 20.1-25.1), as CSV.",
    ),
)
FORMATS_BY_NAME: dict[str, ImportFormat] = {f.name: f for f in FORMATS}
ERAS: tuple[Era, ...] = tuple(era for f in FORMATS for era in f.eras)
#: every header name of every era, normalised (a data row made of them is a header line)
KNOWN_HEADER_NAMES: frozenset[str] = frozenset(c for e in ERAS for c in e.columns)


def format_named(name: str) -> ImportFormat:
    """The registered format ``name``; a UsageError lists the others."""
    try:
        return FORMATS_BY_NAME[name]
    except KeyError:
        raise UsageError(f"unknown import format {name!r}; known: "
                         f"{', '.join(FORMATS_BY_NAME)}") from None


def format_of(era: Era) -> ImportFormat:
    """The format an era belongs to."""
    return next(f for f in FORMATS if era.name in f.era_names)


def recognise(header: Sequence[object], formats: Sequence[ImportFormat] = FORMATS) -> HeaderMap:
    """Map a header onto the era (of ``formats``) it most resembles."""
    return detect_era(header, tuple(era for f in formats for era in f.eras))


def looks_like_header(cells: Sequence[object], minimum: int = 3) -> bool:
    """True when a data row is really a header line (files of two eras joined together)."""
    hits = sum(1 for c in cells if normalize_header(c) in KNOWN_HEADER_NAMES)
    return hits >= minimum and hits * 2 >= len([c for c in cells if str(c or "").strip()])


assert len(FORMATS_BY_NAME) == len(FORMATS), "format names must be unique"
assert len({e.name for e in ERAS}) == len(ERAS), "an era belongs to one format"
