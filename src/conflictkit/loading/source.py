"""What `load` was pointed at: a release directory, a dataset repository (its latest release), a
Parquet file or dataset directory, or an export (any other file: ACLED CSV/XLSX, UCDP GED CSV),
which the importers recognise from its bytes and header, never its name.

Also checks a release's SHA256SUMS, so `load(..., verify=True)` refuses a tampered or
half-copied release before reading it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from conflictkit.errors import ConflictkitError, InputFileError, UsageError
from conflictkit.layout.checksums import sha256_file
from conflictkit.layout.dataset import CONFIG_FILE, Dataset
from conflictkit.layout.release import (
    EVENTS,
    EVENTS_DIR,
    SHA256SUMS,
    event_files,
    is_release,
    read_checksums,
)

Kind = Literal["parquet", "export"]

PARQUET_MAGIC = b"PAR1"


@dataclass(frozen=True)
class Source:
    """A resolved source. For Parquet, `files` are read and `root` is the directory their hive
    `key=value` path parts are relative to; `release` is the release directory, if any. An
    ``export`` is a file for the importers to recognise and read."""

    kind: Kind
    path: Path
    files: tuple[Path, ...] = ()
    root: Path | None = None
    release: Path | None = None
    #: the dataset repository `path` named, when the release is its latest
    dataset: Path | None = None


def _parquet_files(directory: Path) -> tuple[Path, ...]:
    """Parquet files under a dataset directory, skipping hidden and `_`-prefixed entries."""
    return tuple(
        sorted(
            p for p in directory.rglob("*.parquet")
            if p.is_file()
            and not any(part.startswith((".", "_")) for part in p.relative_to(directory).parts)
        )
    )


def _is_parquet(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == PARQUET_MAGIC


def resolve_source(source: str | Path) -> Source:
    """Classify `source`; a missing path or a directory without events is a usage error."""
    if not isinstance(source, str | Path):
        raise UsageError(f"source must be a path, got {type(source).__name__}")
    path = Path(source).expanduser()
    if not path.exists():
        raise UsageError(f"{path}: no such file or directory")
    if path.is_dir():
        if is_release(path):
            return _release_source(path)
        if (path / CONFIG_FILE).is_file():
            latest = Dataset(path).latest_release()
            if latest is None:
                raise UsageError(f"{path}: a dataset repository without a release yet (build one "
                                 f"with `conflictkit release {path} --version 1.0.0`)")
            if not is_release(latest):
                raise UsageError(f"{latest}: the latest release of {path} holds no events")
            return _release_source(latest, dataset=path)
        releases = sorted(p.name for p in path.iterdir() if is_release(p))
        if releases:
            raise UsageError(f"{path} holds several releases ({', '.join(releases[:5])}"
                             f"{', ...' if len(releases) > 5 else ''}); load one of them")
        files = _parquet_files(path)
        if files:
            return Source("parquet", path, files, root=path)
        raise UsageError(
            f"{path}: neither a release ({EVENTS.path} or {EVENTS_DIR}/) "
            "nor a directory of Parquet files"
        )
    if _is_parquet(path):
        # a file inside a hive partition (`.../year=2020/part-0.parquet`) keeps its keys
        root = path.parent
        while "=" in root.name and root.parent != root:
            root = root.parent
        return Source("parquet", path, (path,), root=root)
    return Source("export", path)


def _release_source(path: Path, dataset: Path | None = None) -> Source:
    files = tuple(event_files(path))
    for file in files:
        if not _is_parquet(file):
            raise InputFileError(str(file), "not a Parquet file")
    single = files == (path / EVENTS.path,)
    return Source("parquet", path, files, root=path if single else path / EVENTS_DIR,
                  release=path, dataset=dataset)


def verify_checksums(release: Path) -> int:
    """Check every file listed in the release's SHA256SUMS; returns how many were checked.

    Raises ConflictkitError naming each file that is missing or differs.
    """
    expected = read_checksums(release)
    if not expected:
        raise ConflictkitError(f"{release / SHA256SUMS.path}: lists no files; cannot verify")
    problems = []
    for name, digest in expected.items():
        target = release / name
        if not target.is_file():
            problems.append(f"{name}: missing")
        elif sha256_file(target) != digest:
            problems.append(f"{name}: checksum differs")
    if problems:
        raise ConflictkitError(
            f"{release}: release does not match {SHA256SUMS.path}: {'; '.join(problems)}"
        )
    return len(expected)
