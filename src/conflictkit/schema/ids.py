"""How event IDs are numbered so that no two sources can ever give out the same one.

An ``event_id_cnty`` is the country's ACLED prefix and a number (``SYR31599``): tools written
for ACLED exports parse it that way, so the dataset keeps that shape and splits the numbers
into ranges instead of inventing another form:

- below `UCDP_BASE`: ACLED's own numbering. An event imported from an ACLED export keeps the
  ID ACLED gave it, so a later export of the same event is recognised as the same event.
- `UCDP_BASE` + the GED ``id``: events imported from UCDP GED (``UKR800123456``): the GED id is
  still readable in it and kept in provenance; it can never meet an ACLED number.
- from the dataset's `OWN_BASE` (default `DEFAULT_OWN_BASE`, set by ``[ids] first_number`` in
  conflictkit.toml): the dataset's own events (hand-coded, extracted), numbered by
  ``conflictkit ids assign``. ACLED numbers each country from 1 and its busiest country has a
  few hundred thousand events, so its numbering will not reach this range; a future import of
  the same source can never take one of the dataset's IDs.

IDs already given are never changed (an edited event keeps its ID).
"""

from __future__ import annotations

#: the first number of the range UCDP GED events take (UCDP_BASE + GED id)
UCDP_BASE = 800_000_000
#: the first number of the range the dataset's own events take, unless configured
DEFAULT_OWN_BASE = 900_000_001
#: the numbers ACLED's own IDs fall in
ACLED_RANGE = range(1, UCDP_BASE)


def own_base(settings: dict[str, object]) -> int:
    """The first number for the dataset's own events: ``[ids] first_number``, which must lie
    above every imported range."""
    value = settings.get("first_number", DEFAULT_OWN_BASE)
    if not isinstance(value, int) or isinstance(value, bool) or value < DEFAULT_OWN_BASE:
        from conflictkit.errors import UsageError

        raise UsageError(f"conflictkit.toml [ids] first_number must be a whole number of at "
                         f"least {DEFAULT_OWN_BASE:,} (above the ranges imported events take), "
                         f"got {value!r}")
    return value


def range_of(number: int) -> str:
    """Which source a number belongs to: "acled", "ucdp" or "own"."""
    if number >= DEFAULT_OWN_BASE:
        return "own"
    return "ucdp" if number >= UCDP_BASE else "acled"
