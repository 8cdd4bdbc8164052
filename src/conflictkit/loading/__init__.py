"""What researchers call: `load` a release or Parquet data, `update` a local copy, reshape
actors (`to_long`/`to_wide`) and `aggregate` to ACLED-style period counts. (``conflictkit.load``
also reads exports: it passes this `load` the importers' reader.)

`conflictkit.load` etc. resolve here lazily. (This package is named `loading`, not `load`: a
submodule called `load` would replace the function `ck.load` with the module on first import.)
Each function's module is imported on first use, so `ck.load` pays only for reading; no
module here shares a name with a function (`sync` holds `update`, `periods` holds `aggregate`)
for the same reason.
"""

from __future__ import annotations

import importlib
from typing import Any

_MODULE_OF = {
    "load": "conflictkit.loading.read",
    "update": "conflictkit.loading.sync",
    "UpdateSummary": "conflictkit.loading.sync",
    "to_long": "conflictkit.loading.reshape",
    "to_wide": "conflictkit.loading.reshape",
    "aggregate": "conflictkit.loading.periods",
}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'conflictkit.loading' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value
