"""Small valid canonical event frames for the release tests (no tests of its own here).

Events are built from a few realistic templates (a battle, a protest, an air strike, an attack
on civilians, a riot, an arrest) across real countries with their ACLED prefix, ISO code and
region, so `validate_events` accepts them; tests then change what they need.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from conflictkit.reference.countries import countries
from conflictkit.schema.arrow import PANDAS_DTYPES
from conflictkit.schema.columns import COLUMN_NAMES

COUNTRIES = ("Syria", "Nigeria", "Brazil", "Ukraine", "India")

# event_type, sub_event_type, disorder_type, actor1 (format), inter1, actor2, inter2,
# interaction, civilian_targeting
TEMPLATES = (
    ("Battles", "Armed clash", "Political violence", "Military Forces of {c} (2000-)",
     "State forces", "Rebel Group of {c}", "Rebel group", "State forces-Rebel group", None),
    ("Protests", "Peaceful protest", "Demonstrations", "Protesters ({c})", "Protesters",
     None, None, "Protesters only", None),
    ("Violence against civilians", "Attack", "Political violence", "Unidentified Armed Group ({c})",
     "Political militia", "Civilians ({c})", "Civilians", "Political militia-Civilians",
     "Civilian targeting"),
    ("Riots", "Violent demonstration", "Demonstrations", "Rioters ({c})", "Rioters", None, None,
     "Rioters only", None),
    ("Strategic developments", "Arrests", "Strategic developments", "Police Forces of {c} (2000-)",
     "State forces", "Protesters ({c})", "Protesters", "State forces-Protesters", None),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", "Political violence",
     "Military Forces of {c} (2000-)", "State forces", "Rebel Group of {c}", "Rebel group",
     "State forces-Rebel group", None),
)


def make_events(n: int, seed: int = 0, start_number: int = 1) -> pd.DataFrame:
    """`n` valid canonical events with unique IDs numbered from `start_number` per country."""
    rng = np.random.default_rng(seed)
    table = countries().set_index("country")
    country = np.array(COUNTRIES)[np.arange(n) % len(COUNTRIES)]
    template = [TEMPLATES[i] for i in rng.integers(0, len(TEMPLATES), n)]
    days = rng.integers(0, 365 * 6, n)
    dates = pd.to_datetime("2018-01-01") + pd.to_timedelta(days, unit="D")
    numbers = start_number + np.arange(n)
    rows = {
        "event_id_cnty": [f"{table.loc[c, 'prefix']}{k}" for c, k in zip(country, numbers,
                                                                          strict=True)],
        "event_date": dates,
        "year": dates.year,
        "time_precision": rng.integers(1, 4, n),
        "disorder_type": [t[2] for t in template],
        "event_type": [t[0] for t in template],
        "sub_event_type": [t[1] for t in template],
        "actor1": [t[3].format(c=c) for t, c in zip(template, country, strict=True)],
        "assoc_actor_1": [None] * n,
        "inter1": [t[4] for t in template],
        "actor2": [t[5].format(c=c) if t[5] else None for t, c in zip(template, country,
                                                                        strict=True)],
        "assoc_actor_2": [None] * n,
        "inter2": [t[6] for t in template],
        "interaction": [t[7] for t in template],
        "civilian_targeting": [t[8] for t in template],
        "iso": [int(table.loc[c, "iso"]) for c in country],
        "region": [table.loc[c, "region"] for c in country],
        "country": country,
        "admin1": [f"Province {k % 7}" for k in range(n)],
        "admin2": [None] * n,
        "admin3": [None] * n,
        "location": [f"Town {k % 11}" for k in range(n)],
        "latitude": np.round(rng.uniform(-30, 50, n), 4),
        "longitude": np.round(rng.uniform(-60, 80, n), 4),
        "geo_precision": rng.integers(1, 4, n),
        "source": ["Reuters; Local Media"] * n,
        "source_scale": ["National-International"] * n,
        "notes": [f"On a day, event number {k} happened, quoted \"as said\", with a comma."
                  for k in range(n)],
        "fatalities": rng.integers(0, 20, n),
        "tags": [None] * n,
        "timestamp": [None] * n,
    }
    frame = pd.DataFrame(rows)
    return frame[list(COLUMN_NAMES)].astype(PANDAS_DTYPES)


def make_side(events: pd.DataFrame, file: str = "events/batch.yaml") -> pd.DataFrame:
    """A provenance frame aligned with `events`."""
    n = len(events)
    return pd.DataFrame({
        "file": [file] * n,
        "line": np.arange(1, n + 1) * 10,
        "status": ["reviewed"] * n,
        "source_url": [f"https://example.org/{i}" for i in range(n)],
        "coder": ["tester"] * n,
    })
