"""The release report: one self-contained HTML page that tells a researcher what a release
holds (counts, time, places, actors, quality, changes since the previous release).

Modules, one job each: `summary` (the release's tables, vectorised), `changes` (against the
previous release), `charts` (matplotlib SVG, byte-stable), `eventmap` (the map and its offline
outlines), `html` (page blocks), `render` (`render_report`: contents in, HTML out, pure) and
`write` (`write_report`: a release directory in, a file out, atomically).

Public names are imported lazily: the CLI's --help must not pay for pandas or matplotlib.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY: dict[str, str] = {
    "render_report": "conflictkit.builders.report.render",
    "ReportMeta": "conflictkit.builders.report.render",
    "write_report": "conflictkit.builders.report.write",
    "build_report": "conflictkit.builders.report.write",
    "ReportResult": "conflictkit.builders.report.write",
    "REPORT_HTML": "conflictkit.builders.report.write",
    "REPORT_COLUMNS": "conflictkit.builders.report.summary",
}

__all__ = list(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
