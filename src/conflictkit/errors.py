"""Errors the library raises (the CLI maps them to exit codes: data 1, usage 2), and the
warnings it gives."""

from __future__ import annotations


class ConflictkitError(Exception):
    """Bad data or a failed operation the user can fix: exit code 1."""


class UsageError(ConflictkitError):
    """The call itself is wrong (missing file, bad option value): exit code 2."""


class InputFileError(ConflictkitError):
    """A file cannot be read as what it claims to be; names the file (and line when known)."""

    def __init__(self, path: str, message: str, line: int = 0) -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line


class LatestReleaseWarning(UserWarning):
    """`load` was given a dataset repository and read its latest release, which changes when a
    new release is published: the message names the release, ``df.attrs["load"]["release"]``
    keeps it. A UserWarning so a notebook shows it; pass the release directory to pin one.

    >>> import warnings
    >>> warnings.simplefilter("ignore", ck.LatestReleaseWarning)  # once you know
    """
