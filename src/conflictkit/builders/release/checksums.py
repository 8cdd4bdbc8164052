"""SHA-256 checksums of release files, and the ``SHA256SUMS`` file (``sha256sum -c`` format).

Hashing reads in large blocks; hashlib releases the GIL on them, so several files can be hashed
in threads while pyarrow writes others.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

from conflictkit.errors import ConflictkitError

_BLOCK = 1 << 22
_LINE_RE = re.compile(r"^(?P<hash>[0-9a-f]{64}) [ *](?P<path>.+)$")


@dataclass(frozen=True)
class FileDigest:
    """One file of a release: path relative to the release directory, size and SHA-256."""

    path: str
    bytes: int
    sha256: str


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def digest_file(root: Path, relative: str) -> FileDigest:
    """Size and SHA-256 of `root/relative`."""
    path = root / relative
    return FileDigest(relative, path.stat().st_size, sha256_file(path))


def digest_files(root: Path, relatives: Iterable[str], pool: Executor | None = None
                 ) -> dict[str, FileDigest]:
    """Digests of several files, in a thread pool when one is given."""
    names = list(relatives)
    if pool is None:
        return {name: digest_file(root, name) for name in names}
    futures = {name: pool.submit(digest_file, root, name) for name in names}
    return {name: future.result() for name, future in futures.items()}


def format_sha256sums(digests: Iterable[FileDigest]) -> str:
    """The ``SHA256SUMS`` text: one ``<hex>  <path>`` line per file, sorted by path."""
    lines = [f"{d.sha256}  {d.path}\n" for d in sorted(digests, key=lambda d: d.path)]
    return "".join(lines)


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
