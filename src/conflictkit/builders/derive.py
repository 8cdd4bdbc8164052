"""Fill ACLED's derived columns where a contribution left them blank.

A present value is never overwritten: ``validate_events`` checks it against the same rules, so a
contributor who writes a wrong year or interaction hears about it instead of having it replaced.
What is filled, and from what:

- ``year`` from ``event_date``;
- ``disorder_type`` from ``sub_event_type`` (ACLED derives it from the sub-event: Mob violence is
  a Riot but Political violence; Excessive force against protesters is both);
- ``inter1``/``inter2`` from the actor registry, taking the event's country (a state's forces
  acting outside their own country are External/Other forces); an actor whose type cannot be
  found is an error naming the actor, with the closest registry names;
- ``interaction`` from the two actor types (smaller code first, Civilians last, "X only");
- ``iso``/``region`` from ``country``;
- ``civilian_targeting``: "Civilian targeting" when Civilians or Protesters are among the actor
  types of a political-violence event (the disorder types "Political violence" and "Political
  violence; Demonstrations"): ACLED marks events whose target was civilians, violence against
  unarmed protesters included, and real exports set it on exactly those events; otherwise left
  blank;
- ``admin1``/``admin2``/``latitude``/``longitude`` (and ``geo_precision`` when blank) from the
  gazetteer when coordinates are missing and country and location are given. An unknown or
  ambiguous place is an error listing the candidates, never a guess; a location that is the name
  of a first-level region is placed at its centre with geo_precision 3, as ACLED does.
- ``timestamp`` is the release's business and stays blank.

Lookups run once per distinct value (actor/country pairs, places), never once per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from conflictkit.problems import catalogue as P
from conflictkit.problems.catalogue import ProblemType
from conflictkit.problems.rows import concat_problems, problem_rows
from conflictkit.schema import vocab

if TYPE_CHECKING:
    import pandas as pd

    from conflictkit.reference.actors import ActorRegistry

_PV = (vocab.POLITICAL_VIOLENCE, vocab.PV_AND_DEMONSTRATIONS)
#: Fuzzy "did you mean" hints cost tens of milliseconds a name: only the first few get one.
SUGGESTIONS = 10
_MAX_CANDIDATES = 5


def derive_columns(
    df: pd.DataFrame,
    *,
    actors: ActorRegistry | None = None,
    gazetteer: Any | None = None,
    files: Sequence[str] | np.ndarray | None = None,
    lines: Sequence[int] | np.ndarray | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (a copy of the canonical frame with blank derived columns filled, problem rows).

    ``actors``/``gazetteer`` default to the package's reference data (loaded only when a row
    needs them). ``files``/``lines`` (aligned with rows) are copied into the problem rows.
    """
    out = df.reset_index(drop=True).copy()
    ids = out["event_id_cnty"]
    ctx = {"event_ids": ids, "files": files, "lines": lines}
    parts: list[pd.DataFrame | None] = []

    _fill_year(out)
    _fill_disorder(out)
    for side in ("1", "2"):
        parts.append(_fill_inter(out, side, actors, ctx))
    _fill_interaction(out)
    parts.append(_fill_country_facts(out, ctx))
    _fill_civilian_targeting(out)
    parts.extend(_fill_places(out, gazetteer, ctx))
    return out, concat_problems(parts)


def _fill_year(out: pd.DataFrame) -> None:
    need = out["year"].isna() & out["event_date"].notna()
    if need.any():
        out["year"] = out["year"].mask(need, out["event_date"].dt.year.astype("Int16"))


def _fill_disorder(out: pd.DataFrame) -> None:
    need = out["disorder_type"].isna() & out["sub_event_type"].notna()
    if need.any():
        derived = out["sub_event_type"].map(dict(vocab.DISORDER_TYPE_OF_SUB_EVENT)).astype("str")
        out["disorder_type"] = out["disorder_type"].mask(need, derived)


def _fill_inter(out: pd.DataFrame, side: str, actors: ActorRegistry | None,
                ctx: dict[str, Any]) -> pd.DataFrame | None:
    import pandas as pd

    actor_col, inter_col = f"actor{side}", f"inter{side}"
    need = out[inter_col].isna() & out[actor_col].notna()
    if not need.any():
        return None
    if actors is None:
        from conflictkit.reference.actors import ActorRegistry

        actors = ActorRegistry.default()
    pairs = out.loc[need, [actor_col, "country"]]
    key = (pairs[actor_col] + "\x1f" + pairs["country"].fillna("")).astype("str")
    distinct = pairs[~key.duplicated().to_numpy()]  # one lookup per (actor, country)
    codes = actors.inter_codes(distinct[actor_col], distinct["country"])
    label_of = dict(zip(key[~key.duplicated().to_numpy()],
                        codes.map(dict(vocab.INTER_LABELS)).astype("str"), strict=True))
    labels = key.map(label_of).astype("str")
    out[inter_col] = out[inter_col].mask(need, labels.reindex(out.index))
    missing = need & out[inter_col].isna()
    if not missing.any():
        return None
    unresolved = out.loc[missing, actor_col]
    distinct = pd.Series(pd.unique(unresolved), dtype="str")
    known = set(distinct[actors.known(distinct).to_numpy()])
    messages = {name: _inter_message(name, inter_col, name in known,
                                     actors if i < SUGGESTIONS else None)
                for i, name in enumerate(distinct)}
    return problem_rows(missing.to_numpy(), P.UNKNOWN_ACTOR_TYPE, column=inter_col,
                        values=out[actor_col], message=unresolved.map(messages).astype("str"),
                        **ctx)


def _inter_message(name: str, inter_col: str, known: bool, actors: ActorRegistry | None) -> str:
    if known:
        return (f"cannot derive {inter_col}: actor {name!r} is in the registry but its actor "
                f"type is not recorded; give {inter_col}")
    hints = actors.suggest(name, 3) if actors is not None else []
    hint = f" (did you mean {', '.join(repr(h) for h in hints)}?)" if hints else ""
    return (f"cannot derive {inter_col}: actor {name!r} is not in the actor registry{hint}; "
            f"give {inter_col} or add the actor to reference/actors.csv")


def _fill_interaction(out: pd.DataFrame) -> None:
    import pandas as pd

    need = out["interaction"].isna() & out["inter1"].notna()
    if not need.any():
        return
    codes = dict(vocab.INTER_CODES)
    c1 = out["inter1"].map(codes).astype("Int16")
    c2 = out["inter2"].map(codes).astype("Int16")
    # inter2 given but not a valid label: leave interaction blank for validation to report
    known = c1.notna() & (c2.notna() | out["inter2"].isna())
    low = pd.concat([c1, c2], axis=1).min(axis=1)
    high = pd.concat([c1, c2], axis=1).max(axis=1)
    code = (low * 10 + high).where(c2.notna(), c1 * 10).astype("Int16")
    labels = code.map(dict(vocab.INTERACTION_LABELS)).astype("str")
    out["interaction"] = out["interaction"].mask(need & known, labels)


def _fill_country_facts(out: pd.DataFrame, ctx: dict[str, Any]) -> pd.DataFrame | None:
    """iso and region from the country; a country ACLED does not name that way is an error
    saying what to write (its ACLED name for an alias such as "DR Congo", else the closest)."""
    import pandas as pd

    from conflictkit.reference.countries import countries

    table = countries().set_index("country")
    for column in ("iso", "region"):
        need = out[column].isna() & out["country"].notna()
        if need.any():
            values = out["country"].map(table[column]).astype(out[column].dtype)
            out[column] = out[column].mask(need, values)
    unknown = out["country"].notna() & ~out["country"].isin(table.index)
    if not unknown.any():
        return None
    messages = {name: _country_message(name, tuple(table.index))
                for name in pd.unique(out.loc[unknown, "country"])}
    return problem_rows(unknown.to_numpy(), P.UNKNOWN_COUNTRY, column="country",
                        values=out["country"],
                        message=out.loc[unknown, "country"].map(messages).astype("str"), **ctx)


def _country_message(name: str, names: tuple[str, ...]) -> str:
    from rapidfuzz import fuzz, process, utils

    from conflictkit.reference.countries import resolve_country

    acled = resolve_country(name)
    if acled is not None:
        return f"country {name!r} is not ACLED's name for it: write {acled!r}"
    close = process.extract(name, names, scorer=fuzz.WRatio, processor=utils.default_process,
                            limit=3, score_cutoff=75)
    hint = f" (did you mean {', '.join(repr(c[0]) for c in close)}?)" if close else ""
    return f"country {name!r} is not an ACLED country{hint}"


def _fill_civilian_targeting(out: pd.DataFrame) -> None:
    from conflictkit.schema.rules import TARGETED_ACTOR_TYPES

    need = (out["civilian_targeting"].isna() & out["disorder_type"].isin(_PV)).to_numpy(
        dtype=bool, na_value=False)
    if not need.any():
        return
    targeted = np.zeros(len(out), dtype=bool)
    for side in ("inter1", "inter2"):
        for label in TARGETED_ACTOR_TYPES:
            targeted |= (out[side] == label).to_numpy(dtype=bool, na_value=False)
    need = need & targeted
    if need.any():
        out["civilian_targeting"] = out["civilian_targeting"].mask(need,
                                                                    vocab.CIVILIAN_TARGETING)


# ---------------------------------------------------------------------------------------------
# places
# ---------------------------------------------------------------------------------------------


def _fill_places(out: pd.DataFrame, gazetteer: Any | None,
                 ctx: dict[str, Any]) -> list[pd.DataFrame | None]:
    import pandas as pd

    need = ((out["latitude"].isna() & out["longitude"].isna())
            & out["country"].notna() & out["location"].notna())
    if not need.any():
        return []
    if gazetteer is None:
        from conflictkit.reference.gazetteer import Gazetteer

        gazetteer = Gazetteer.default()
    sub = out.loc[need, ["country", "location", "admin1"]]
    # one code per distinct (country, location, admin1): lookups run once per place (any
    # character may be in a value, so the three are never joined into one text key)
    codes, places = pd.MultiIndex.from_arrays(
        [sub["country"], sub["location"], sub["admin1"].fillna("")]).factorize()
    keys = pd.Series(codes, index=sub.index)
    found: dict[int, dict[str, Any]] = {}
    failed: dict[int, tuple[ProblemType, str]] = {}
    for key, (country, location, admin1) in enumerate(places):
        result = _resolve_place(gazetteer, country, location, admin1 or None)
        if isinstance(result, dict):
            found[key] = result
        else:
            failed[key] = result
    parts: list[pd.DataFrame | None] = []
    if found:
        hit = keys[keys.isin(list(found))]
        target = hit.index
        dtypes = {"latitude": "Float64", "longitude": "Float64", "admin1": "str",
                  "admin2": "str", "geo_precision": "Int8"}
        for column, dtype in dtypes.items():
            values = hit.map({k: v[column] for k, v in found.items()}).astype(dtype)
            if column in ("latitude", "longitude"):
                out.loc[target, column] = values
            else:  # fill only what the contributor left blank
                blank = out.loc[target, column].isna()
                out.loc[target[blank.to_numpy()], column] = values[blank.to_numpy()]
    for problem in (P.UNKNOWN_PLACE, P.AMBIGUOUS_PLACE):
        bad = {k: v[1] for k, v in failed.items() if v[0] is problem}
        if not bad:
            continue
        failing = keys[keys.isin(list(bad))]
        mask = out.index.isin(failing.index)
        parts.append(problem_rows(mask, problem, column="location", values=out["location"],
                                  message=failing.map(bad).astype("str"), **ctx))
    return parts


def _resolve_place(gazetteer: Any, country: str, location: str,
                   admin1: str | None) -> dict[str, Any] | tuple[ProblemType, str]:
    """One place's facts, or (problem, message) when the gazetteer has none or several."""
    places = list(gazetteer.find(country, location, admin1=admin1))
    where = f"{location!r} in {country}" + (f" ({admin1})" if admin1 else "")
    if len(places) == 1:
        place = places[0]
        return {"latitude": float(place.latitude), "longitude": float(place.longitude),
                "admin1": place.admin1, "admin2": place.admin2, "geo_precision": 1}
    if not places:
        spelt = _admin1_spelling(gazetteer, country, location)
        if spelt is not None and (admin1 is None or admin1 == spelt):
            lat, lon = gazetteer.admin1_centroid(country, spelt)
            return {"latitude": float(lat), "longitude": float(lon), "admin1": spelt,
                    "admin2": None, "geo_precision": 3}
        close = gazetteer.suggest(country, location) if hasattr(gazetteer, "suggest") else []
        hint = f" (closest: {', '.join(close)})" if close else ""
        return (P.UNKNOWN_PLACE,
                f"cannot fill coordinates: no place {where} in the gazetteer{hint}; give "
                "latitude and longitude (and admin1/admin2), or add the place to "
                "reference/places.csv")
    listed = "; ".join(f"{p.name} ({p.admin1 or '?'}/{p.admin2 or '?'}, "
                       f"{float(p.latitude):.4f}, {float(p.longitude):.4f})"
                       for p in places[:_MAX_CANDIDATES])
    more = f" and {len(places) - _MAX_CANDIDATES} more" if len(places) > _MAX_CANDIDATES else ""
    return (P.AMBIGUOUS_PLACE,
            f"cannot fill coordinates: {len(places)} places match {where}: {listed}{more}; "
            "give admin1 to choose, or latitude and longitude")


def _admin1_spelling(gazetteer: Any, country: str, name: str) -> str | None:
    """The first-level region a location names, in ACLED's spelling, or None."""
    if hasattr(gazetteer, "resolve_admin1"):
        return gazetteer.resolve_admin1(country, name)
    return name if name in set(gazetteer.admin1_names(country) or ()) else None
