"""Release version names: which strings are allowed and how versions order.

A release directory's name is its version. Semantic versions (``1.2.0``, ``v2.0.0-rc.1``) and
dates (``2024-05-01``, ``2024.05``) must both sort the way a person expects, so the order is a
natural one (digit runs compare as numbers) with semver's rule that a pre-release sorts before
its release (``1.0.0-rc.1 < 1.0.0``).
"""

from __future__ import annotations

import re
from pathlib import Path

from conflictkit.errors import ConflictkitError, UsageError

# A version is a safe single path component that never looks hidden or relative.
_VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$")
_SEMVER_RE = re.compile(
    r"^v?(?P<core>\d+(?:\.\d+)*)(?:-(?P<pre>[0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$"
)
_DATE_RE = re.compile(r"^\d{4}(?:[-.]\d{1,2}){1,2}$")
_CHUNK_RE = re.compile(r"\d+|[^\d]+")


def check_version(version: str) -> str:
    """Return `version` if it can name a release directory, else raise UsageError."""
    if not _VERSION_RE.match(version) or version in {".", ".."}:
        raise UsageError(
            f"invalid release version {version!r}: use letters, digits and . _ + - "
            "(e.g. 1.2.0 or 2024-05-01), starting with a letter or digit"
        )
    return version


def _natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """Digit runs as numbers, other runs as lower-case text; numbers sort before text."""
    return tuple(
        (0, int(chunk)) if chunk.isdigit() else (1, chunk.lower())
        for chunk in _CHUNK_RE.findall(text)
    )


def version_key(version: str) -> tuple:
    """A sort key ordering semantic versions and dates as people expect."""
    if _DATE_RE.match(version):
        return (_natural(version), 1, ())
    match = _SEMVER_RE.match(version)
    if match:
        core = tuple((0, int(part)) for part in match["core"].split("."))
        pre = match["pre"]
        # a release sorts after all of its pre-releases
        return (core, 0 if pre else 1, _natural(pre) if pre else ())
    return (_natural(version), 1, ())


def sort_versions(versions: list[str]) -> list[str]:
    """Versions in ascending release order (ties broken by the plain string)."""
    return sorted(versions, key=lambda v: (version_key(v), v))


def existing_versions(root: Path) -> list[str]:
    """Names of the release directories under `root`, ascending; dot-names are never releases."""
    if not root.is_dir():
        return []
    names = [p.name for p in root.iterdir()
             if p.is_dir() and not p.name.startswith(".") and _VERSION_RE.match(p.name)]
    return sort_versions(names)


def previous_version(root: Path, version: str) -> str | None:
    """The release a new `version` is compared with: the latest existing one before it.

    A new version must sort after every existing one: publishing 1.0.1 after 2.0.0 would give
    events timestamps older than a release users already synced, so it is refused.
    """
    versions = existing_versions(root)
    if version in versions:
        raise ConflictkitError(
            f"release {version} already exists at {root / version}; releases are immutable, "
            "choose a new version"
        )
    later = [v for v in versions if version_key(v) > version_key(version)]
    if later:
        raise UsageError(
            f"version {version} sorts before the existing release {later[-1]} in {root}; "
            "a new release must have a later version"
        )
    return versions[-1] if versions else None
