"""One valid hand-coded event as contribution-file YAML (gunmen attack villagers near Gusau,
Zamfara), for tests that need a few events with chosen IDs, dates and tolls."""

from __future__ import annotations


def gusau_event(event_id: str, date: str = "2021-06-12", fatalities: int = 2, *,
                item: bool = True) -> str:
    """The event as YAML: a list item (``- event_id_cnty: ...``) or, with ``item=False``, a
    document of its own."""
    fields = {
        "event_id_cnty": event_id, "event_date": date, "time_precision": 1,
        "event_type": "Violence against civilians", "sub_event_type": "Attack",
        "actor1": "Unidentified Armed Group (Nigeria)", "actor2": "Civilians (Nigeria)",
        "country": "Nigeria", "admin1": "Zamfara", "location": "Gusau", "latitude": 12.1628,
        "longitude": 6.6614, "geo_precision": 1, "source": "Daily Trust",
        "source_scale": "National",
        "notes": f"On {date}, gunmen attacked villagers near Gusau (Zamfara).",
        "fatalities": fatalities,
    }
    lines = [f"{key}: {value}" for key, value in fields.items()]
    return ("- " + "\n  ".join(lines) if item else "\n".join(lines)) + "\n"
