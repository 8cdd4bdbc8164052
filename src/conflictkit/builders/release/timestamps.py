"""The release time and each event's ``timestamp``.

``timestamp`` is the Unix time an event was last added or changed in a release, so users sync
the ACLED way (take timestamp > T, replace by ID, drop deletions). Unchanged events keep the
previous release's value; new and modified ones get the release time, which comes from
``--timestamp``, else ``SOURCE_DATE_EPOCH`` (reproducible builds), else the clock.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from datetime import UTC, datetime

import numpy as np

from conflictkit.builders.release.compare import Comparison
from conflictkit.errors import UsageError


def parse_timestamp(value: str | int) -> int:
    """Unix seconds from an integer or an ISO 8601 date/datetime (naive means UTC)."""
    if isinstance(value, int):
        seconds = value
    else:
        text = value.strip()
        if text.lstrip("-").isdigit():
            seconds = int(text)
        else:
            try:
                parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                raise UsageError(
                    f"invalid timestamp {value!r}: give Unix seconds or an ISO 8601 date/time "
                    "(e.g. 1714521600 or 2024-05-01T00:00:00Z)"
                ) from None
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=UTC)
            seconds = int(parsed.timestamp())
    if seconds < 0:
        raise UsageError(f"invalid timestamp {value!r}: before 1970")
    return seconds


def release_time(value: str | int | None = None,
                 environ: Mapping[str, str] | None = None) -> int:
    """The release time: `value`, else $SOURCE_DATE_EPOCH, else now (whole seconds)."""
    if value is not None:
        return parse_timestamp(value)
    env = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH")
    if epoch:
        if not epoch.strip().isdigit():
            raise UsageError(f"SOURCE_DATE_EPOCH must be Unix seconds, got {epoch!r}")
        return int(epoch.strip())
    return int(time.time())


def iso_utc(seconds: int) -> str:
    """``2024-05-01T00:00:00Z`` for a Unix time."""
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_date(seconds: int) -> str:
    """``2024-05-01`` (UTC) for a Unix time."""
    return datetime.fromtimestamp(seconds, tz=UTC).date().isoformat()


def assign_timestamps(comparison: Comparison, now: int) -> np.ndarray:
    """Each new row's timestamp: the old one when unchanged, `now` when added or modified."""
    stamps = comparison.old_timestamp.copy()
    stamps[comparison.old_position < 0] = now
    stamps[comparison.modified] = now
    return stamps


def check_release_time(now: int, previous_latest: int, previous_version: str | None) -> None:
    """Refuse a release time not after the previous release's: a user who synced at that
    release would never see this release's changes."""
    if previous_version is not None and now <= previous_latest:
        raise UsageError(
            f"release time {iso_utc(now)} ({now}) is not after the latest timestamp of release "
            f"{previous_version} ({iso_utc(previous_latest)}); pass a later --timestamp"
        )
