"""Which keys a contribution record may have, and the "did you mean" hint for the others.

A contribution names columns exactly as ACLED does; a few side fields (provenance and review
state) may travel with a record but never become columns of the events table. Everything else is
an error, because a typo such as ``fatalaties`` must not vanish.
"""

from __future__ import annotations

from functools import lru_cache

from conflictkit.schema.columns import COLUMN_NAMES, SIDE_FIELDS

# SIDE_FIELDS (declared with the columns): ``status`` ("candidate" for unreviewed, e.g.
# extracted, events), ``source_url``, ``source_published`` (ISO date the source was published),
# ``coder``, ``comment`` (free text for reviewers) and ``provenance`` (a mapping written by
# ``conflictkit extract``: which sentence supports which field).
__all__ = ["ALLOWED_KEYS", "NESTED_SIDE_FIELDS", "SIDE_FIELDS", "STATUS_VALUES", "suggest_key",
           "unknown_key_message"]

#: Side fields whose value may be a nested structure (kept as JSON text in the side frame).
NESTED_SIDE_FIELDS: frozenset[str] = frozenset({"provenance"})

#: Values ``status`` may take.
STATUS_VALUES: tuple[str, ...] = ("candidate", "reviewed")

ALLOWED_KEYS: frozenset[str] = frozenset(COLUMN_NAMES) | frozenset(SIDE_FIELDS)
_CHOICES: tuple[str, ...] = (*COLUMN_NAMES, *SIDE_FIELDS)


@lru_cache(maxsize=4096)
def suggest_key(key: str) -> str | None:
    """The closest allowed key to an unknown one, or None when nothing is close."""
    from rapidfuzz import fuzz, process, utils

    if len(key.strip()) < 3:
        return None
    match = process.extractOne(key, _CHOICES, scorer=fuzz.WRatio,
                               processor=utils.default_process, score_cutoff=75)
    return match[0] if match else None


def unknown_key_message(key: str) -> str:
    """A sentence naming the unknown key with a hint the contributor can act on."""
    hint = suggest_key(key)
    base = f"unknown key {key!r}: not an ACLED column or side field"
    if hint:
        return f"{base} (did you mean {hint!r}?)"
    return f"{base} (allowed side fields: {', '.join(SIDE_FIELDS)})"
