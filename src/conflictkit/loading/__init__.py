"""What researchers call: `load` a release or export, `update` a local copy, reshape actors
(`to_long`/`to_wide`) and `aggregate` to ACLED-style period counts.

`conflictkit.load` etc. resolve here lazily. (This package is named `loading`, not `load`: a
submodule called `load` would replace the function `ck.load` with the module on first import.)
"""

from conflictkit.loading.read import load

__all__ = ["load"]
