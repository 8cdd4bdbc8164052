"""Releases: versioned, immutable, reproducible Parquet and CSV with changelog, deletions and
checksums (DESIGN.md section 5).

Modules, one job each: `versions` (names and order), `layout` (file names, both event layouts,
reader API), `previous` (reading the last release), `compare` (added/modified/deleted),
`timestamps`, `changelog`, `write`, `metadata` (datapackage.json), `checksums`, `atomic`
(lock, staging, rename), `build` (the pipeline), `gather` (a dataset repository's events),
`verify`, `diff`, `info`.

Public names are imported lazily so reading a constant from `layout` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY: dict[str, str] = {
    "build_release": "conflictkit.builders.release.build",
    "ReleaseRefused": "conflictkit.builders.release.build",
    "ReleaseResult": "conflictkit.builders.release.build",
    "release_dataset": "conflictkit.builders.release.gather",
    "verify_release": "conflictkit.builders.release.verify",
    "diff_releases": "conflictkit.builders.release.diff",
    "release_info": "conflictkit.builders.release.info",
    "release_events_path": "conflictkit.builders.release.layout",
    "open_release_dataset": "conflictkit.builders.release.layout",
    "read_events": "conflictkit.builders.release.layout",
}

__all__ = list(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
