"""An export's own event-ID convention against the country table's ACLED prefixes.

The table's prefixes are checked against real ACLED exports for only some countries (see
`data/country_overrides.csv`); Mozambique (MZM) and Tanzania (TAZ) showed that neither ISO
alpha-3 nor memory is a safe guess. An ACLED export is ACLED's own word on its IDs, so when every
event of a country in the file carries one and the same prefix that the table does not expect
(and that is no other country's), the table is the likelier to be wrong: those rows are kept and
the difference is reported once, as a warning naming both prefixes. Mixed prefixes within a
country, or another country's prefix, stay errors on their rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from conflictkit.problems import catalogue as P
from conflictkit.problems.rows import problem_row

if TYPE_CHECKING:
    import pandas as pd

def accept_consistent_prefixes(rows: pd.DataFrame, events: pd.DataFrame,
                               file: str) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """(problem rows without the per-row errors of consistent countries, one warning each)."""
    from conflictkit.reference.countries import country_of_prefix, prefix_of

    flagged = ((rows["rule"] == P.ID_PREFIX_OF_COUNTRY.code).to_numpy()
               & (rows["record"] >= 0).to_numpy())
    if not flagged.any():
        return rows, []
    records = rows["record"].to_numpy()[flagged]
    countries = events["country"]
    ids = events["event_id_cnty"].astype("str")
    drop = np.zeros(len(rows), dtype=bool)
    warnings = []
    for country in sorted(set(countries.iloc[records].dropna().tolist())):
        of_country = (countries == country).to_numpy(dtype=bool, na_value=False)
        in_file = ids[of_country].dropna()
        prefixes = set(in_file.str.rstrip("0123456789").unique().tolist())
        if len(prefixes) != 1:
            continue
        [prefix] = prefixes
        expected = prefix_of(country)
        if not prefix or prefix == expected or country_of_prefix(prefix) is not None:
            continue
        drop |= flagged & np.isin(rows["record"].to_numpy(), np.flatnonzero(of_country))
        warnings.append(problem_row(
            P.ID_PREFIX_FROM_EXPORT, file=file, column="event_id_cnty", value=prefix,
            message=f"every event in {country} ({len(in_file):,}) has IDs starting with "
                    f"'{prefix}', where the country table expects '{expected}': kept as the "
                    f"export writes them; if this is an ACLED file, the table is likely wrong "
                    f"(a release build still checks the table's prefix)"))
    if not drop.any():
        return rows, []
    return rows.loc[~drop].reset_index(drop=True), warnings
