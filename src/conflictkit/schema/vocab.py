"""ACLED's controlled vocabularies, declared once as data.

Everything that checks, derives or documents a vocabulary column reads it from here; no other
module spells out an event type, an actor type or an interaction label.
"""

from __future__ import annotations

from types import MappingProxyType

# event_type -> its sub-event types, both in ACLED's hierarchy order (the order the issue and the
# codebook give).  Dict order is meaningful: it is the order of the categorical levels.
SUB_EVENT_TYPES: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "Battles": (
            "Government regains territory",
            "Non-state actor overtakes territory",
            "Armed clash",
        ),
        "Protests": (
            "Excessive force against protesters",
            "Protest with intervention",
            "Peaceful protest",
        ),
        "Riots": ("Violent demonstration", "Mob violence"),
        "Explosions/Remote violence": (
            "Chemical weapon",
            "Air/drone strike",
            "Suicide bomb",
            "Shelling/artillery/missile attack",
            "Remote explosive/landmine/IED",
            "Grenade",
        ),
        "Violence against civilians": (
            "Sexual violence",
            "Attack",
            "Abduction/forced disappearance",
        ),
        "Strategic developments": (
            "Agreement",
            "Arrests",
            "Change to group/activity",
            "Disrupted weapons use",
            "Headquarters or base established",
            "Looting/property destruction",
            "Non-violent transfer of territory",
            "Other",
        ),
    }
)

EVENT_TYPES: tuple[str, ...] = tuple(SUB_EVENT_TYPES)
ALL_SUB_EVENT_TYPES: tuple[str, ...] = tuple(s for subs in SUB_EVENT_TYPES.values() for s in subs)
EVENT_TYPE_OF_SUB_EVENT: MappingProxyType[str, str] = MappingProxyType(
    {sub: event for event, subs in SUB_EVENT_TYPES.items() for sub in subs}
)

POLITICAL_VIOLENCE = "Political violence"
DEMONSTRATIONS = "Demonstrations"
PV_AND_DEMONSTRATIONS = "Political violence; Demonstrations"
STRATEGIC_DEVELOPMENTS = "Strategic developments"
DISORDER_TYPES: tuple[str, ...] = (
    POLITICAL_VIOLENCE,
    DEMONSTRATIONS,
    PV_AND_DEMONSTRATIONS,
    STRATEGIC_DEVELOPMENTS,
)


def _disorder_of(sub_event: str) -> str:
    event = EVENT_TYPE_OF_SUB_EVENT[sub_event]
    if sub_event == "Excessive force against protesters":
        return PV_AND_DEMONSTRATIONS
    if sub_event in ("Peaceful protest", "Protest with intervention", "Violent demonstration"):
        return DEMONSTRATIONS
    if event == "Strategic developments":
        return STRATEGIC_DEVELOPMENTS
    return POLITICAL_VIOLENCE


# sub_event_type -> disorder_type (ACLED derives disorder from the sub-event, not the event type:
# Mob violence is a Riot but Political violence).
DISORDER_TYPE_OF_SUB_EVENT: MappingProxyType[str, str] = MappingProxyType(
    {sub: _disorder_of(sub) for sub in ALL_SUB_EVENT_TYPES}
)

# Actor types: numeric code -> canonical text label.
INTER_LABELS: MappingProxyType[int, str] = MappingProxyType(
    {
        1: "State forces",
        2: "Rebel group",
        3: "Political militia",
        4: "Identity militia",
        5: "Rioters",
        6: "Protesters",
        7: "Civilians",
        8: "External/Other forces",
    }
)
INTER_CODES: MappingProxyType[str, int] = MappingProxyType(
    {label: code for code, label in INTER_LABELS.items()}
)
CIVILIANS_CODE = 7


def interaction_code(inter1: int, inter2: int | None) -> int:
    """ACLED's numeric interaction: both digits, smaller first; X0 when there is no actor2."""
    if not inter2:
        return inter1 * 10
    low, high = sorted((inter1, inter2))
    return low * 10 + high


def interaction_label(code: int) -> str:
    """Text form of an interaction code: "A-B", "A only", Civilians always written last."""
    first, second = divmod(code, 10)
    if second == 0:
        return f"{INTER_LABELS[first]} only"
    if first == CIVILIANS_CODE and second != CIVILIANS_CODE:
        first, second = second, first
    return f"{INTER_LABELS[first]}-{INTER_LABELS[second]}"


# The 44 valid interaction codes: 36 unordered pairs written smaller digit first, plus 8 solo.
INTERACTION_CODES: tuple[int, ...] = tuple(
    sorted(
        [a * 10 + b for a in INTER_LABELS for b in INTER_LABELS if a <= b]
        + [a * 10 for a in INTER_LABELS]
    )
)
INTERACTION_LABELS: MappingProxyType[int, str] = MappingProxyType(
    {code: interaction_label(code) for code in INTERACTION_CODES}
)
INTERACTION_CODE_OF_LABEL: MappingProxyType[str, int] = MappingProxyType(
    {label: code for code, label in INTERACTION_LABELS.items()}
)

CIVILIAN_TARGETING = "Civilian targeting"

SOURCE_SCALE_TOKENS: tuple[str, ...] = (
    "Local partner",
    "Subnational",
    "National",
    "Regional",
    "International",
    "New media",
    "Other",
)
SOURCE_SCALE_SEPARATOR = "-"
#: Tokens older exports wrote in a list column, with today's name (casefolded key): the
#: importer maps them (and records the repair); hand-coded events must use today's names.
LEGACY_LIST_TOKENS: dict[str, dict[str, str]] = {
    "source_scale": {"local": "Local partner"},  # ACLED exports of 2018
}
LIST_SEPARATOR = "; "

# ACLED's 17 regions with their numeric ids (the order of ../reference/acled_countries.csv).
REGIONS: MappingProxyType[int, str] = MappingProxyType(
    {
        1: "Western Africa",
        2: "Middle Africa",
        3: "Eastern Africa",
        4: "Southern Africa",
        5: "Northern Africa",
        7: "South Asia",
        9: "Southeast Asia",
        11: "Middle East",
        12: "Europe",
        13: "Caucasus and Central Asia",
        14: "Central America",
        15: "South America",
        16: "Caribbean",
        17: "East Asia",
        18: "North America",
        19: "Oceania",
        20: "Antarctica",
    }
)

PRECISION_LEVELS: tuple[int, ...] = (1, 2, 3)

# Characters that make a spreadsheet treat a cell as a formula (CSV injection).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
