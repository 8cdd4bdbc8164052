"""Reference data and its lookups, offline: countries, actors, places.

- `conflictkit.reference.countries`: ACLED's 243 countries (ISO codes, regions, event-ID
  prefixes, aliases); `resolve_country`, `resolve_countries`, `prefix_of`, `country_of_prefix`.
- `conflictkit.reference.actors`: `ActorRegistry` (ACLED names, inter codes with the
  state-forces-abroad rule, aliases, suggestions).
- `conflictkit.reference.gazetteer`: `Gazetteer` (GeoNames places with ACLED admin spellings,
  find/resolve, admin1 centroids, place names in text).

Each module's docstring states its API. Nothing here imports pandas until a lookup runs.
"""
