"""conflictkit: build, validate, publish and load conflict-event datasets in the ACLED format.

The public Python API is imported lazily so `import conflictkit` (and the CLI's --help) stays
instant; pandas and pyarrow load on first use of a function that needs them.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it
_LAZY: dict[str, str] = {
    "load": "conflictkit.api",
    "update": "conflictkit.loading",
    "UpdateSummary": "conflictkit.loading",
    "to_long": "conflictkit.loading",
    "to_wide": "conflictkit.loading",
    "aggregate": "conflictkit.loading",
    "plot": "conflictkit.api",
    "LatestReleaseWarning": "conflictkit.errors",
    "read_acled": "conflictkit.builders.importers.acled",
    "read_ucdp": "conflictkit.builders.importers.ucdp",
    "validate_events": "conflictkit.schema.validate",
    "Report": "conflictkit.problems.report",
    "extract_text": "conflictkit.builders.extract",
    "extract_file": "conflictkit.builders.extract",
    "resolve_country": "conflictkit.reference.countries",
    "ActorRegistry": "conflictkit.reference.actors",
    "Gazetteer": "conflictkit.reference.gazetteer",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'conflictkit' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    """The public API (lazy names included, so `dir(ck)` and tab completion list them before
    first use) and the module's dunders; not the helpers this module imports."""
    return sorted({*__all__, *(n for n in globals() if n.startswith("__"))})
