"""SHA-256 of a file, and the ``SHA256SUMS`` file (``sha256sum -c`` format) every release holds.

Hashing reads in large blocks; hashlib releases the GIL on them, so several files can be hashed
in threads while pyarrow writes others.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from conflictkit.errors import ConflictkitError

_BLOCK = 1 << 22
_LINE_RE = re.compile(r"^(?P<hash>[0-9a-f]{64}) [ *](?P<path>.+)$")


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def format_sha256sums(entries: Iterable[tuple[str, str]]) -> str:
    """The ``SHA256SUMS`` text from (relative path, hex digest): one ``<hex>  <path>`` line per
    file, sorted by path."""
    return "".join(f"{digest}  {path}\n" for path, digest in sorted(entries))


def parse_sha256sums(path: Path) -> dict[str, str]:
    """Relative path -> expected hex digest, from a ``SHA256SUMS`` file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConflictkitError(
            f"{path}: missing; this directory is not a complete release") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConflictkitError(f"{path}: cannot read: {exc}") from exc
    entries: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _LINE_RE.match(line)
        if not match:
            raise ConflictkitError(f"{path}:{number}: not a '<sha256>  <file>' line: {line[:80]!r}")
        name = match["path"]
        if name.startswith("/") or ".." in Path(name).parts:
            raise ConflictkitError(f"{path}:{number}: path escapes the release: {name!r}")
        entries[name] = match["hash"]
    return entries
