"""Replacing a file whole or not at all: the one way conflictkit writes a file a user or a
reader may be looking at (a report, a JSON artifact, an edited contribution file), and the
one wording of why a write failed."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


def describe_os_error(exc: OSError) -> str:
    """A short reason for a failed write ("No space left on device", "Permission denied")."""
    if exc.errno == errno.ENOSPC:
        return "no space left on device"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied (read-only location?)"
    return exc.strerror or str(exc)


def write_atomic(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write ``data`` beside ``path`` and rename it into place, so a reader (a browser, an
    artifact upload, an editor) sees the old file or the new one, never half of either.

    ``mode``: the new file's permission bits (default: 0o644 less the umask, as a plain
    ``open`` would give). A target that exists and is not a regular file (``/dev/stdout``, a
    pipe) cannot be replaced and is written in place. Raises OSError with nothing left behind.
    """
    if path.exists() and not path.is_file():
        path.write_bytes(data)
        return
    if mode is None:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o644 & ~umask
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                    dir=path.parent if str(path.parent) else ".")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
