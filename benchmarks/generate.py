"""Synthetic ACLED-scale events: all 31 columns, real vocabularies, valid combinations.

Vectorised with numpy and pyarrow (no per-row Python), so 3M rows take seconds. Rows are valid
under `validate_events` unless `bad_fraction` > 0, which breaks that share of rows, each in one
of many ways (a vocabulary, a cross-field rule, a range, a text-safety rule ...).

Python:   from generate import generate_events   (with benchmarks/ on sys.path)
          df = generate_events(3_000_000, seed=0, bad_fraction=0.01)
Command:  python benchmarks/generate.py 3000000 --parquet events.parquet --csv events.csv --bad 0.01
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from conflictkit.reference.countries import countries
from conflictkit.schema import vocab
from conflictkit.schema.arrow import PANDAS_DTYPES
from conflictkit.schema.columns import COLUMN_NAMES

N_ACTORS = 20_000
N_PLACES = 30_000
N_OUTLETS = 2_000

_SYLLABLES = np.array([
    "ka", "ra", "mo", "ba", "li", "sa", "na", "ta", "de", "el", "ha", "ku", "mi", "zu", "ro", "an",
    "ya", "wa", "gu", "bi", "lo", "te", "um", "dar", "kal", "fa", "so", "ne", "rif", "go", "du",
    "ze", "pa", "chi", "vo", "ish", "ab",
])
_FILLER = (
    "According to local sources the clashes lasted several hours and residents reported "
    "heavy gunfire near the market, while security forces later sealed off the main road. "
    "Casualty figures could not be independently verified; humanitarian groups said dozens of "
    "families were displaced to neighbouring villages and schools were closed for the week. "
    "Officials blamed the attack on armed men who had arrived on motorcycles from the north. "
)

# (inter1, inter2) pairs each sub-event draws from; 0 = no actor2 (ACLED's usual shapes).
_PAIRS: dict[str, list[tuple[int, int]]] = {
    "Government regains territory": [(1, 2), (1, 3), (1, 4)],
    "Non-state actor overtakes territory": [(2, 1), (3, 1), (4, 3), (2, 4)],
    "Armed clash": [(1, 2), (1, 3), (2, 3), (3, 4), (4, 4), (1, 8), (2, 2)],
    "Excessive force against protesters": [(1, 6)],
    "Protest with intervention": [(6, 1)],
    "Peaceful protest": [(6, 0)],
    "Violent demonstration": [(5, 0), (5, 1)],
    "Mob violence": [(5, 7), (5, 0), (5, 5)],
    "Chemical weapon": [(1, 7), (1, 2)],
    "Air/drone strike": [(1, 2), (8, 2), (1, 7), (8, 3)],
    "Suicide bomb": [(2, 1), (2, 7)],
    "Shelling/artillery/missile attack": [(1, 2), (2, 1), (1, 7), (8, 0)],
    "Remote explosive/landmine/IED": [(2, 1), (3, 0), (2, 7)],
    "Grenade": [(3, 7), (2, 1)],
    "Sexual violence": [(3, 7), (1, 7)],
    "Attack": [(3, 7), (2, 7), (1, 7), (4, 7)],
    "Abduction/forced disappearance": [(2, 7), (3, 7), (1, 7)],
    "Agreement": [(1, 2), (2, 3)],
    "Arrests": [(1, 7), (1, 6)],
    "Change to group/activity": [(2, 0), (3, 0), (1, 0)],
    "Disrupted weapons use": [(1, 0), (1, 2)],
    "Headquarters or base established": [(2, 0), (3, 0)],
    "Looting/property destruction": [(3, 7), (5, 0), (1, 7)],
    "Non-violent transfer of territory": [(2, 0), (1, 0)],
    "Other": [(1, 0), (3, 0)],
}
_SUB_WEIGHTS = {
    "Armed clash": 18, "Peaceful protest": 25, "Attack": 9, "Shelling/artillery/missile attack": 8,
    "Air/drone strike": 6, "Violent demonstration": 5, "Mob violence": 4,
    "Remote explosive/landmine/IED": 3, "Protest with intervention": 3, "Arrests": 2,
}
_SCALES = [
    "National", "Subnational", "International", "Local partner", "Regional", "New media", "Other",
    "National-International", "Subnational-National", "Local partner-National",
    "New media-National", "Subnational-International", "National-Regional",
    "Local partner-Other", "New media-Subnational", "Regional-International",
]
_VERBS = {
    "Battles": "clashed with", "Protests": "demonstrated against", "Riots": "rioted against",
    "Explosions/Remote violence": "struck", "Violence against civilians": "attacked",
    "Strategic developments": "were reported alongside",
}


def _words(rng: np.random.Generator, n: int, parts: tuple[int, int]) -> np.ndarray:
    """n capitalised pseudo-words of parts[0]..parts[1] syllables (pool building, not per row)."""
    k = rng.integers(parts[0], parts[1] + 1, n)
    picks = rng.integers(0, len(_SYLLABLES), (n, parts[1]))
    out = ["".join(_SYLLABLES[picks[i, : k[i]]]).capitalize() for i in range(n)]
    return np.array(out, dtype=object)


def _actor_pool(rng: np.random.Generator, names: np.ndarray) -> dict[int, np.ndarray]:
    """~20k actor names grouped by actor type (inter code)."""
    per_type = N_ACTORS // 5
    pools: dict[int, list[str]] = {}
    countries_ = rng.choice(names, per_type)
    years = rng.integers(1990, 2022, per_type)
    pools[1] = [f"Military Forces of {c} ({y}-)" if i % 2 else f"Police Forces of {c} ({y}-)"
                for i, (c, y) in enumerate(zip(countries_, years, strict=True))]
    groups = _words(rng, per_type * 3, (2, 3))
    pools[2] = [f"{g} Liberation Front" for g in groups[:per_type]]
    pools[3] = [f"{g} Militia ({c})" for g, c in zip(groups[per_type:2 * per_type], countries_,
                                                      strict=True)]
    pools[4] = [f"{g} Ethnic Militia ({c})" for g, c in zip(groups[2 * per_type:], countries_,
                                                             strict=True)]
    pools[5] = [f"Rioters ({c})" for c in names]
    pools[6] = [f"Protesters ({c})" for c in names]
    pools[7] = [f"Civilians ({c})" for c in names]
    pools[8] = [f"Military Forces of {c} ({y}-) Operation Partner"
                for c, y in zip(countries_, years, strict=True)]
    return {k: np.array(sorted(set(v)), dtype=object) for k, v in pools.items()}


def _take(
    pool: np.ndarray | list[str], idx: np.ndarray, null: np.ndarray | None = None
) -> pa.Array:
    """pool[idx] as an Arrow string array (null where `null`): a gather, no Python objects."""
    indices = pa.array(idx.astype(np.int32), mask=null)
    return pa.array(np.asarray(pool, dtype=object), type=pa.string()).take(indices)


def _rand(rng: np.random.Generator, size: int, n: int) -> np.ndarray:
    return rng.integers(0, size, n)


def _join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _str_series(values: pa.Array) -> pd.Series:
    return pd.Series(pd.array(values.cast(pa.large_string()), dtype="str"))


def _int_series(values: np.ndarray, dtype: str) -> pd.Series:
    return pd.Series(pd.array(values, dtype=dtype))


def generate_events(n: int, seed: int = 0, bad_fraction: float = 0.0) -> pd.DataFrame:
    """n canonical events (31 columns, canonical dtypes); `bad_fraction` of them broken."""
    rng = np.random.default_rng(seed)
    table = countries()
    names = table["country"].to_numpy(dtype=object)
    weights = rng.pareto(1.2, len(names)) + 0.05
    country_idx = rng.choice(len(names), n, p=weights / weights.sum())

    # Identity and time: IDs number each country's events 1, 2, 3 ...
    order = np.argsort(country_idx, kind="stable")
    counts = np.bincount(country_idx, minlength=len(names))
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    number = np.empty(n, dtype=np.int64)
    number[order] = np.arange(n) - starts + 1
    event_id = _join(_take(table["prefix"].to_numpy(dtype=object), country_idx),
                     pc.cast(pa.array(number), pa.string()))
    start_year = np.maximum(table["start_year"].to_numpy(dtype="int64", na_value=1997), 1997)
    first_day = ((start_year - 1970).astype("datetime64[Y]").astype("datetime64[D]")
                 .astype("int64"))[country_idx]
    last_day = np.datetime64("2025-12-31", "D").astype("int64")
    day = first_day + (rng.random(n) * (last_day - first_day + 1)).astype("int64")
    event_date = day.astype("datetime64[D]").astype("datetime64[s]")
    year = event_date.astype("datetime64[Y]").astype("int64") + 1970

    # Event classification
    subs = list(vocab.ALL_SUB_EVENT_TYPES)
    sub_w = np.array([_SUB_WEIGHTS.get(s, 1.0) for s in subs])
    sub_idx = rng.choice(len(subs), n, p=sub_w / sub_w.sum())
    events = [vocab.EVENT_TYPE_OF_SUB_EVENT[s] for s in subs]
    disorders = [vocab.DISORDER_TYPE_OF_SUB_EVENT[s] for s in subs]

    # Actors: a pair shape per sub-event, names from the pool of each actor type
    max_pairs = max(len(p) for p in _PAIRS.values())
    pair_table = np.zeros((len(subs), max_pairs, 2), dtype=np.int64)
    pair_count = np.array([len(_PAIRS[s]) for s in subs])
    for i, s in enumerate(subs):
        pair_table[i, : len(_PAIRS[s])] = _PAIRS[s]
    choice = (rng.random(n) * pair_count[sub_idx]).astype(np.int64)
    inter1 = pair_table[sub_idx, choice, 0]
    inter2 = pair_table[sub_idx, choice, 1]
    pools = _actor_pool(rng, names)
    all_actors = np.concatenate([pools[k] for k in sorted(pools)])
    offsets = np.cumsum([0] + [len(pools[k]) for k in sorted(pools)])
    sizes = np.diff(offsets)
    # actor of type t = all_actors[offsets[t-1] + random below the size of that pool]
    a1 = offsets[inter1 - 1] + (rng.random(n) * sizes[inter1 - 1]).astype(np.int64)
    i2 = np.maximum(inter2, 1)
    a2 = offsets[i2 - 1] + (rng.random(n) * sizes[i2 - 1]).astype(np.int64)
    no_actor2 = inter2 == 0
    actor1 = _take(all_actors, a1)
    actor2 = _take(all_actors, a2, no_actor2)
    inter_labels = list(vocab.INTER_LABELS.values())
    low, high = np.minimum(inter1, inter2), np.maximum(inter1, inter2)
    code = np.where(no_actor2, inter1 * 10, low * 10 + high)
    interaction_lut = np.full(100, "", dtype=object)
    for c, label in vocab.INTERACTION_LABELS.items():
        interaction_lut[c] = label
    # ACLED sets civilian targeting exactly on political violence with Civilians or Protesters
    # among the actor types (violence against unarmed protesters included)
    protesters = vocab.INTER_CODES["Protesters"]
    targets = (inter1 == vocab.CIVILIANS_CODE) | (inter2 == vocab.CIVILIANS_CODE)
    targets |= (inter1 == protesters) | (inter2 == protesters)
    political_subs = np.array([d in (vocab.POLITICAL_VIOLENCE, vocab.PV_AND_DEMONSTRATIONS)
                               for d in disorders])
    political = political_subs[sub_idx]
    rng.random(n)  # drawn as before, so every later column keeps its values for a seed
    targeted = targets & political
    assoc1 = _take(all_actors, _rand(rng, len(all_actors), n), rng.random(n) >= 0.25)
    two = pc.and_(pc.is_valid(assoc1), pa.array(rng.random(n) < 0.2))
    assoc1 = pc.if_else(two, _join(assoc1, "; ", _take(all_actors, _rand(rng, len(all_actors), n))),
                        assoc1)
    assoc2 = _take(all_actors, _rand(rng, len(all_actors), n), no_actor2 | (rng.random(n) >= 0.15))

    # Places
    places = _words(rng, N_PLACES, (2, 4))
    admin1_idx = _rand(rng, 3000, n)
    location_idx = _rand(rng, N_PLACES, n)
    latitude = np.round(rng.uniform(-55, 70, n), 4)
    longitude = np.round(rng.uniform(-180, 180, n), 4)

    # Sources and text
    outlets = np.concatenate([_words(rng, N_OUTLETS - 6, (2, 3)) + " News",
                              ["Reuters", "AFP", "BBC News", "Al Jazeera", "Twitter", "dpa"]])
    k = rng.integers(1, 4, n)
    src = _take(outlets, _rand(rng, len(outlets), n))
    for extra in (2, 3):
        src = pc.if_else(pa.array(k >= extra),
                         _join(src, "; ", _take(outlets, _rand(rng, len(outlets), n))), src)
    first = int(day.min())
    day_texts = pd.Series(np.arange(first, int(day.max()) + 1).astype("datetime64[D]"))
    date_text = _take(day_texts.dt.strftime("%d %B %Y").str.lstrip("0").to_numpy(), day - first)
    verb = _take([_VERBS[e] for e in events], sub_idx)
    other = pc.fill_null(actor2, "unidentified actors")
    head = _join("On ", date_text, ", ", actor1, " ", verb, " ", other, " in ",
                 _take(places, location_idx), " (", _take(places, admin1_idx), "). ")
    # notes of 150-400 characters: a filler cut to make up the drawn length
    fillers = [_FILLER[:m].rstrip() for m in range(len(_FILLER) + 1)]
    target = rng.integers(152, 401, n)
    room = target - pc.utf8_length(head).to_numpy()
    filler = _take(fillers, np.clip(room, 0, len(_FILLER)))
    notes = pc.utf8_rtrim_whitespace(_join(head, filler))
    fatal = np.where(political, rng.negative_binomial(1, 0.35, n), 0)
    demo = np.array([d == vocab.DEMONSTRATIONS for d in disorders])[sub_idx]
    tags = _take(["crowd size=no report", "crowd size=hundreds"], rng.integers(0, 2, n),
                 ~(demo & (rng.random(n) < 0.6)))
    timestamp = (day * 86400 + rng.integers(86400, 86400 * 60, n)).astype("int64")

    cols: dict[str, pd.Series] = {
        "event_id_cnty": _str_series(event_id),
        "event_date": pd.Series(event_date),
        "year": _int_series(year, "Int16"),
        "time_precision": _int_series(rng.choice([1, 2, 3], n, p=[0.85, 0.12, 0.03]), "Int8"),
        "disorder_type": _str_series(_take(disorders, sub_idx)),
        "event_type": _str_series(_take(events, sub_idx)),
        "sub_event_type": _str_series(_take(subs, sub_idx)),
        "actor1": _str_series(actor1),
        "assoc_actor_1": _str_series(assoc1),
        "inter1": _str_series(_take(inter_labels, inter1 - 1)),
        "actor2": _str_series(actor2),
        "assoc_actor_2": _str_series(assoc2),
        "inter2": _str_series(_take(inter_labels, i2 - 1, no_actor2)),
        "interaction": _str_series(_take(interaction_lut, code)),
        "civilian_targeting": _str_series(_take([vocab.CIVILIAN_TARGETING], np.zeros(n, int),
                                                ~targeted)),
        "iso": _int_series(table["iso"].to_numpy(dtype="int64", na_value=0)[country_idx], "Int16"),
        "region": _str_series(_take(table["region"].to_numpy(dtype=object), country_idx)),
        "country": _str_series(_take(names, country_idx)),
        "admin1": _str_series(_take(places, admin1_idx)),
        "admin2": _str_series(_take(places, 3000 + _rand(rng, 9000, n), rng.random(n) >= 0.9)),
        "admin3": _str_series(_take(places, 12000 + _rand(rng, 8000, n), rng.random(n) >= 0.4)),
        "location": _str_series(_take(places, location_idx)),
        "latitude": _int_series(latitude, "Float64"),
        "longitude": _int_series(longitude, "Float64"),
        "geo_precision": _int_series(rng.choice([1, 2, 3], n, p=[0.6, 0.3, 0.1]), "Int8"),
        "source": _str_series(src),
        "source_scale": _str_series(_take(_SCALES, _rand(rng, len(_SCALES), n))),
        "notes": _str_series(notes),
        "fatalities": _int_series(fatal, "Int32"),
        "tags": _str_series(tags),
        "timestamp": _int_series(timestamp, "Int64"),
    }
    df = pd.DataFrame(cols)[list(COLUMN_NAMES)]
    assert dict(df.dtypes.astype(str)) == PANDAS_DTYPES, "generator drifted from PANDAS_DTYPES"
    if bad_fraction > 0:
        df = corrupt(df, bad_fraction, rng)
    return df


# Ways to break one row; each names the column it breaks (rules may report more than one).
CORRUPTIONS: tuple[str, ...] = (
    "sub_event_type", "disorder_type", "inter2", "interaction", "civilian_targeting", "year",
    "event_date", "latitude", "longitude", "fatalities", "iso", "region", "source_scale",
    "source", "event_id_cnty", "actor1", "notes", "location", "time_precision", "event_type",
)


def corrupt(df: pd.DataFrame, fraction: float, rng: np.random.Generator) -> pd.DataFrame:
    """Break `fraction` of the rows, one field each, cycling through CORRUPTIONS."""
    n = len(df)
    rows = np.sort(rng.choice(n, max(1, int(n * fraction)), replace=False))
    kinds = np.arange(len(rows)) % len(CORRUPTIONS)
    df = df.copy()
    for k, column in enumerate(CORRUPTIONS):
        at = rows[kinds == k]
        if at.size == 0:
            continue
        values = df[column].copy()
        bad = _bad_values(column, df, at)
        values.iloc[at] = bad
        df[column] = values
    return df


def _bad_values(column: str, df: pd.DataFrame, at: np.ndarray) -> object:
    """Values that break `column` at rows `at` whatever the row held before."""
    text = df[column].iloc[at]
    row = df.iloc[at]
    if column == "sub_event_type":
        return np.where(row["event_type"] == "Battles", "Attack", "Armed clash")
    if column == "disorder_type":
        return np.where(row["disorder_type"] == vocab.DEMONSTRATIONS,
                        vocab.STRATEGIC_DEVELOPMENTS, vocab.DEMONSTRATIONS)
    if column == "inter2":
        return np.where(row["actor2"].isna(), "Civilians", None)
    if column == "region":
        return np.where(row["country"] == "Antarctica", "Europe", "Antarctica")
    if column == "actor1":
        return (text + " ").to_numpy()
    if column == "notes":
        return ("=" + text).to_numpy()
    if column == "location":
        return (text + "\x07").to_numpy()
    return {
        "interaction": "Rebel group-State forces",
        "civilian_targeting": "yes",
        "year": 1900,
        "event_date": np.datetime64("2099-01-01", "s"),
        "latitude": 123.0,
        "longitude": -200.0,
        "fatalities": -1,
        "iso": 999,
        "source_scale": "National-Global",
        "source": "Reuters; ; AFP",
        "event_id_cnty": df["event_id_cnty"].iloc[0],
        "time_precision": 4,
        "event_type": "Riots/Protests",
    }[column]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--bad", type=float, default=0.0, help="fraction of rows to break")
    parser.add_argument("--parquet", type=Path)
    parser.add_argument("--csv", type=Path)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    df = generate_events(args.rows, seed=args.seed, bad_fraction=args.bad)
    print(f"generated {len(df):,} rows in {time.perf_counter() - start:.1f}s", file=sys.stderr)
    if args.parquet or args.csv:
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        from conflictkit.schema.arrow import to_arrow_table

        table = to_arrow_table(df)
        if args.parquet:
            pq.write_table(table, args.parquet, compression="zstd")
        if args.csv:
            pacsv.write_csv(table, args.csv)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
