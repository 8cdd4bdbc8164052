"""Releases: versioned, immutable, reproducible Parquet and CSV with changelog, deletions and
checksums.

Which files a release holds, their names and readers are `conflictkit.layout.release`'s.
Modules here, one job each: `previous` (reading the last release), `compare`
(added/modified/deleted), `timestamps`, `changelog`, `write` (Parquet and CSV writers), `files`
(one writer per release file), `metadata` (datapackage.json), `checksums` (digests of written
files), `atomic` (lock, staging, rename), `build` (the pipeline), `gather` (a dataset
repository's events), `verify`, `diff`, `info`.

Public names are imported lazily.
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
}

__all__ = list(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
