"""Synthetic, valid ACLED-shaped events and releases written from them, for the load tests.

Kept next to the tests (not in the package) and free of randomness a test cannot reproduce: every
generator takes a seed. Releases are written the way the release writer lays them out (sorted by
country, event_date, event_id_cnty; explicit row groups; optional year partitions; SHA256SUMS),
using only the schema's `to_arrow_table`, so these tests do not depend on the writer.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from conflictkit.builders.release.checksums import digest_file, sha256sums_text
from conflictkit.reference.countries import iso_of, prefix_of, region_of
from conflictkit.schema import vocab
from conflictkit.schema.arrow import PANDAS_DTYPES, to_arrow_table
from conflictkit.schema.columns import COLUMN_NAMES

COUNTRIES = ("Iraq", "Mexico", "Nigeria", "Syria", "Ukraine", "Yemen")
ACTORS = (
    ("Military Forces of Syria (2000-2024)", 1),
    ("Islamic State (Syria)", 2),
    ("Unidentified Armed Group (Nigeria)", 3),
    ("Fulani Ethnic Militia (Nigeria)", 4),
    ("Rioters (Iraq)", 5),
    ("Protesters (Mexico)", 6),
    ("Civilians (Yemen)", 7),
    ("Military Forces of Russia (2000-)", 8),
    ("Police Forces of Mexico (2018-2024)", 1),
    ("Houthi Movement", 3),
)
ADMIN1 = ("North", "South", "East", "West", "Capital")


def _pick(rng: np.random.Generator, pool, n: int) -> np.ndarray:
    return np.asarray(pool, dtype=object)[rng.integers(0, len(pool), n)]


def make_events(n: int = 500, seed: int = 0, countries=COUNTRIES,
                start: str = "2018-01-01", days: int = 6 * 365) -> pd.DataFrame:
    """`n` valid events in the canonical frame (31 columns, canonical dtypes)."""
    rng = np.random.default_rng(seed)
    country = _pick(rng, countries, n)
    date = pd.Timestamp(start) + pd.to_timedelta(rng.integers(0, days, n), unit="D")
    sub = _pick(rng, vocab.ALL_SUB_EVENT_TYPES, n)
    names = np.array([a for a, _ in ACTORS], dtype=object)
    codes = np.array([c for _, c in ACTORS])
    a1 = rng.integers(0, len(ACTORS), n)
    a2 = rng.integers(0, len(ACTORS), n)
    has2 = rng.random(n) < 0.7
    inter1 = codes[a1]
    inter2 = np.where(has2, codes[a2], 0)
    interaction = [vocab.INTERACTION_LABELS[vocab.interaction_code(int(i), int(j))]
                   for i, j in zip(inter1, inter2, strict=True)]
    n_assoc = rng.integers(0, 3, n)
    assoc1 = [vocab.LIST_SEPARATOR.join(rng.choice(names, k, replace=False)) or None
              for k in n_assoc]
    assoc2 = [vocab.LIST_SEPARATOR.join(rng.choice(names, k, replace=False)) or None
              if h else None for k, h in zip(rng.integers(0, 2, n), has2, strict=True)]
    ids = [f"{prefix_of(c)}{i + 1}" for i, c in enumerate(country)]
    disorder = np.array([vocab.DISORDER_TYPE_OF_SUB_EVENT[s] for s in sub], dtype=object)
    frame = pd.DataFrame({
        "event_id_cnty": ids,
        "event_date": date,
        "year": date.year,
        "time_precision": rng.integers(1, 4, n),
        "disorder_type": disorder,
        "event_type": [vocab.EVENT_TYPE_OF_SUB_EVENT[s] for s in sub],
        "sub_event_type": sub,
        "actor1": names[a1],
        "assoc_actor_1": assoc1,
        "inter1": [vocab.INTER_LABELS[int(i)] for i in inter1],
        "actor2": np.where(has2, names[a2], None),
        "assoc_actor_2": assoc2,
        "inter2": [vocab.INTER_LABELS[int(i)] if i else None for i in inter2],
        "interaction": interaction,
        # ACLED's reading: political violence with Civilians (7) or Protesters (6) on a side
        "civilian_targeting": np.where(
            (np.isin(inter1, [6, 7]) | np.isin(inter2, [6, 7]))
            & np.isin(disorder, [vocab.POLITICAL_VIOLENCE, vocab.PV_AND_DEMONSTRATIONS]),
            vocab.CIVILIAN_TARGETING, None),
        "iso": [iso_of(c) for c in country],
        "region": [region_of(c) for c in country],
        "country": country,
        "admin1": _pick(rng, ADMIN1, n),
        "admin2": None,
        "admin3": None,
        "location": _pick(rng, ("Alpha", "Beta", "Gamma"), n),
        "latitude": rng.uniform(-40, 50, n).round(4),
        "longitude": rng.uniform(-100, 60, n).round(4),
        "geo_precision": rng.integers(1, 4, n),
        "source": _pick(rng, ("Reuters", "AFP; Reuters", "Local media"), n),
        "source_scale": _pick(rng, ("National", "International", "National-International"), n),
        "notes": [f"On {d:%d %B %Y}, an event." for d in date],
        "fatalities": rng.integers(0, 20, n) * (rng.random(n) < 0.4),
        "tags": None,
        "timestamp": 1_600_000_000 + rng.integers(0, 10_000_000, n),
    })
    return frame.astype(PANDAS_DTYPES)[list(COLUMN_NAMES)]


def sort_release(df: pd.DataFrame) -> pd.DataFrame:
    """The release order: country, event_date, event_id_cnty."""
    return df.sort_values(["country", "event_date", "event_id_cnty"], kind="stable",
                          ignore_index=True)


def write_release(df: pd.DataFrame, root: Path, *, layout: str = "single",
                  row_group_size: int = 50, deletions: pd.DataFrame | None = None,
                  keep_year: bool = False) -> Path:
    """Write `df` as a release directory (events, deletions.csv, SHA256SUMS); returns `root`.
    layout "year" writes events/year=YYYY/part-0.parquet (with the year column only if
    `keep_year`, as other tools write hive partitions)."""
    root.mkdir(parents=True, exist_ok=True)
    ordered = sort_release(df)
    names: list[str] = []
    if layout == "single":
        pq.write_table(to_arrow_table(ordered), root / "events.parquet",
                       row_group_size=row_group_size, compression="zstd")
        names.append("events.parquet")
    else:
        # as the release writer does: the year lives in the directory name, not in the files
        for year, part in ordered.groupby(ordered["year"].astype(int), sort=True):
            rel = f"events/year={year}/part-0.parquet"
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            table = to_arrow_table(part.reset_index(drop=True))
            if not keep_year:
                table = table.drop_columns(["year"])
            pq.write_table(table, root / rel, row_group_size=row_group_size, compression="zstd")
            names.append(rel)
    if deletions is None:
        deletions = pd.DataFrame({"event_id_cnty": pd.Series([], dtype="str"),
                                  "deleted_timestamp": pd.Series([], dtype="Int64")})
    deletions.to_csv(root / "deletions.csv", index=False, lineterminator="\n")
    names.append("deletions.csv")
    (root / "SHA256SUMS").write_text(sha256sums_text(digest_file(root, n) for n in names))
    return root


def test_make_events_is_canonical_and_reproducible():
    a, b = make_events(200, seed=3), make_events(200, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert list(a.columns) == list(COLUMN_NAMES)
    assert a["event_id_cnty"].is_unique
    assert (a["event_type"] == a["sub_event_type"].map(vocab.EVENT_TYPE_OF_SUB_EVENT)).all()
