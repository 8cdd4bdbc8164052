"""Digests of the files a build writes (size and SHA-256), computed as each file is finished.

The SHA256SUMS format and the hashing itself are the layout's (`conflictkit.layout.checksums`);
this module records what datapackage.json and SHA256SUMS need about each written file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from conflictkit.layout.checksums import format_sha256sums, sha256_file


@dataclass(frozen=True)
class FileDigest:
    """One file of a release: path relative to the release directory, size and SHA-256."""

    path: str
    bytes: int
    sha256: str


def digest_file(root: Path, relative: str) -> FileDigest:
    """Size and SHA-256 of `root/relative`."""
    path = root / relative
    return FileDigest(relative, path.stat().st_size, sha256_file(path))


def sha256sums_text(digests: Iterable[FileDigest]) -> str:
    """The SHA256SUMS text for these files."""
    return format_sha256sums((d.path, d.sha256) for d in digests)
