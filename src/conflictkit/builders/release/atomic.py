"""Publishing a release atomically: a lock, a staging directory, one rename.

The release is written into ``<root>/.staging-<version>-XXXX`` (a dot-name on the same
filesystem, never mistaken for a release), flushed to disk and renamed to ``<root>/<version>``
in one `os.rename`. A failure or an interrupt removes the staging directory; one left by a
killed process is removed by the next build, which holds ``<root>/.release.lock`` (an `flock`,
released by the kernel if the holder dies) so two builds never write at once.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from conflictkit.atomic import describe_os_error
from conflictkit.errors import ConflictkitError

LOCK_NAME = ".release.lock"
STAGING_PREFIX = ".staging-"


def ensure_root(root: Path) -> None:
    """Create the output root, or explain why it cannot be written."""
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConflictkitError(f"cannot create the release directory {root}: "
                               f"{describe_os_error(exc)}") from exc
    if not root.is_dir():
        raise ConflictkitError(f"{root} is not a directory")


@contextmanager
def release_lock(root: Path) -> Iterator[None]:
    """Hold the output root's build lock, or fail at once if another build holds it."""
    ensure_root(root)
    try:
        fd = os.open(root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise ConflictkitError(f"cannot write to {root}: {describe_os_error(exc)}") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConflictkitError(
                f"another release build is running in {root} (it holds {LOCK_NAME}); "
                "wait for it to finish"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def remove_stale_staging(root: Path) -> list[str]:
    """Remove staging directories left by killed builds (call only while holding the lock)."""
    removed = []
    for path in root.glob(f"{STAGING_PREFIX}*"):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    return removed


@contextmanager
def staging_directory(root: Path, version: str) -> Iterator[Path]:
    """A fresh staging directory inside `root`, removed unless it was published."""
    try:
        stage = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{version}-", dir=root))
    except OSError as exc:
        raise ConflictkitError(f"cannot write to {root}: {describe_os_error(exc)}") from exc
    try:
        yield stage
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(stage: Path, final: Path, files: list[str]) -> None:
    """Flush the staged files, make them read-only and rename the directory into place."""
    umask = os.umask(0)
    os.umask(umask)
    for relative in files:
        path = stage / relative
        _fsync(path)
        path.chmod(0o444 & ~umask)
    for directory in sorted({(stage / f).parent for f in files}, key=lambda p: -len(p.parts)):
        directory.chmod(0o755 & ~umask)
        _fsync(directory)
    if final.exists():
        raise ConflictkitError(f"release {final.name} already exists at {final}; releases are "
                               "immutable, choose a new version")
    try:
        os.rename(stage, final)
    except OSError as exc:
        raise ConflictkitError(f"cannot publish {final}: {describe_os_error(exc)}") from exc
    _fsync(final.parent)
