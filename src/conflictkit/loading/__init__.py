"""What researchers call: `load` a release or export, `update` a local copy, reshape actors
(`to_long`/`to_wide`) and `aggregate` to ACLED-style period counts.

`conflictkit.load` etc. resolve here lazily. (This package is named `loading`, not `load`: a
submodule called `load` would replace the function `ck.load` with the module on first import.)
"""

from conflictkit.loading.aggregate import aggregate
from conflictkit.loading.read import load
from conflictkit.loading.reshape import to_long, to_wide
from conflictkit.loading.update import UpdateSummary, update

__all__ = ["UpdateSummary", "aggregate", "load", "to_long", "to_wide", "update"]
