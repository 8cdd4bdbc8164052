"""The actor registry: ACLED actor names, their actor types (inter codes) and aliases (offline).

Seeded from `data/acled_actors_seen.csv` (5,939 names seen in ACLED data, with the inter code
where known), generic name patterns (`data/actor_patterns.csv`: "Civilians (Country)",
"Protesters (Country)", "Unidentified Armed Group (Country)", "Military Forces of Country
(YYYY-)", "Police Forces of ...", "Government of ...", identity militias ...) and aliases
(`data/actor_aliases.csv`: "US-led coalition", "ISIL" -> "Islamic State (Syria)" in Syria ...).
A dataset's `reference/actors.csv` (columns actor, inter, aliases) extends it.

ACLED's rule for a state's forces: "Military Forces of X", "Police Forces of X" and "Government
of X" are State forces (1) in X and External/Other forces (8) anywhere else, so every inter
lookup takes the event's country.

Public API
----------
- `ActorRegistry.load(extra=(paths...)) -> ActorRegistry`; `ActorRegistry.default()` (cached,
  package data only).  Extra files: CSV with columns actor, inter (1-8 or label), aliases
  ("; "-separated, optional).  Bad rows raise `InputFileError` naming file, line and value.
- `reg.known(names) -> Series[bool]`: a registry name or a generic pattern whose country is
  known.  Aliases are not names: "ISIL" is not known, its canonical name is.
- `reg.inter_codes(names, countries) -> Series[Int8]`: vectorised actor-type codes (NA when
  unknown); `reg.inter_code(name, country=None) -> int | None` is the scalar form.
- `reg.lookup(name, country=None, year=None) -> Actor | None`: by exact name, generic pattern,
  then alias (case/accent-insensitive, leading "the" ignored, country-aware; templates such as
  "security forces" -> the event country's military for `year`).
- `reg.canonical(name, country=None, year=None) -> str | None`: the registry's name for it.
- `reg.alias_candidates(name) -> list[str]`: every name an alias may mean (for "ambiguous" hints).
- `reg.state_forces(country, year=None, kind="Military") -> str`: the registry name of a
  country's military/police/government in a year ("Military Forces of Syria (2000-)").
- `reg.suggest(name, n=3) -> list[str]`: closest registry names (rapidfuzz), aliases included.
- `reg.names` (tuple of every registry name), `reg.table` (DataFrame: actor, inter, main_country,
  first_year, last_year, events_seen, source).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from conflictkit.errors import InputFileError
from conflictkit.reference.countries import (
    country_names,
    normalize_name,
    resolve_countries,
    resolve_country,
)
from conflictkit.schema.vocab import INTER_CODES, INTER_LABELS

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

STATE_FORCES = INTER_CODES["State forces"]
EXTERNAL_FORCES = INTER_CODES["External/Other forces"]
# the country groups that generic patterns accept besides ACLED country names
_EXTRA_PATTERN_COUNTRIES = frozenset({"International"})
_TEMPLATE_KINDS = {"military": "Military", "police": "Police", "government": "Government"}
_TEMPLATE = re.compile(r"^\{(?P<kind>military|police|government)(?:@(?P<country>[^}]+))?\}$")
# "<demonym> <word>" aliases built from data/demonyms.csv: "Syrian troops" -> Syria's military
_DEMONYM_WORDS = {
    "{military@%s}": (
        "forces",
        "troops",
        "army",
        "soldiers",
        "military",
        "armed forces",
        "government forces",
        "government troops",
        "security forces",
        "regime forces",
        "warplanes",
        "jets",
        "aircraft",
        "air force",
        "navy",
        "special forces",
    ),
    "{police@%s}": ("police", "police officers", "policemen", "riot police"),
    "{government@%s}": ("government", "authorities"),
    "Civilians (%s)": ("civilians", "villagers", "residents"),
    "Protesters (%s)": ("protesters", "demonstrators"),
}
_ACRONYM = re.compile(r"^(?P<acronym>[^:]{1,20}): (?P<long>.+)$")
_COUNTRY_SUFFIX = re.compile(r"^(?P<base>[^()]+) \((?P<country>[^()]+)\)$")

MatchKind = Literal["name", "pattern", "alias"]


@dataclass(frozen=True)
class Actor:
    """One resolved actor: its registry name and what is known about it."""

    name: str
    inter: int | None
    home_country: str | None  # the state whose forces these are (state-force names only)
    first_year: int | None
    last_year: int | None
    source: str  # "acled" (seen in ACLED data), "pattern", or the extra file's path
    matched: MatchKind

    @property
    def inter_label(self) -> str | None:
        return None if self.inter is None else INTER_LABELS[self.inter]


class _Facts(NamedTuple):
    registry: int | None  # the registry's code for this exact name
    in_registry: bool
    pattern: int | None  # code from a generic pattern ("Civilians (X)" ...)
    home: str | None  # for "Military Forces of X ..." names: X as an ACLED country


_NO_FACTS = _Facts(None, False, None, None)


@dataclass(frozen=True)
class _Alias:
    target: str  # registry name or template
    country: str | None  # applies only to events in this country (None: anywhere)
    explicit: bool  # from an alias file (True) or derived from a name's form (False)


def alias_key(text: str) -> str:
    """Matching key for aliases: `normalize_name` without a leading "the"."""
    key = normalize_name(text)
    return key[4:] if key.startswith("the ") else key


def _data(name: str):
    return resources.files("conflictkit").joinpath("data", name)


def _parse_inter(value: str) -> int | None:
    """1-8 (also "1.0") or an actor-type label in any case -> code; "" -> None; else ValueError."""
    text = value.strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        number = None
    if number is not None:
        if number.is_integer() and int(number) in INTER_LABELS:
            return int(number)
        raise ValueError(text)
    for label, code in INTER_CODES.items():
        if label.casefold() == text.casefold():
            return code
    raise ValueError(text)


class ActorRegistry:
    """ACLED actor names, their actor types (inter codes 1-8) and aliases, offline.

    Seeded from the names seen in ACLED data, ACLED's generic patterns ("Civilians (Syria)",
    "Military Forces of X (YYYY-)") and aliases; a dataset's reference/actors.csv extends it.
    A state's forces are State forces (1) in their country and External/Other forces (8)
    elsewhere, so type lookups take the event's country. Vectorised: `inter_codes(names,
    countries)`; scalar: `inter_code`, `lookup`, `canonical`, `suggest` (see the module
    docstring for all of them).

    >>> registry = ck.ActorRegistry.default()
    >>> registry.inter_code("Military Forces of Russia (2000-)", "Syria")  # 8: abroad
    >>> registry.canonical("ISIL", country="Syria")  # 'Islamic State (Syria)'
    >>> mine = ck.ActorRegistry.load(extra=["my-dataset/reference/actors.csv"])
    """

    def __init__(self, table: pd.DataFrame, aliases: dict[str, list[_Alias]]) -> None:
        self.table = table
        self._aliases = aliases
        self._inter = dict(zip(table["actor"], table["inter"].astype(object), strict=True))
        self._facts_cache: dict[str, _Facts] = {}
        self._state_cache: dict[tuple[str, int | None, str], str] = {}

    # ---- construction -------------------------------------------------------------------

    @classmethod
    @cache
    def default(cls) -> ActorRegistry:
        """The registry from package data alone (cached)."""
        return cls.load()

    @classmethod
    def load(cls, extra: Iterable[str | Path] = ()) -> ActorRegistry:
        """Package data plus each extra `actors.csv` (later files override earlier names)."""
        import pandas as pd

        with _data("acled_actors_seen.csv").open("rb") as fh:
            seen = pd.read_csv(
                fh,
                dtype={
                    "inter_code": "Int8",
                    "first_year": "Int16",
                    "last_year": "Int16",
                    "events_seen": "Int32",
                },
                keep_default_na=False,
                na_values=[""],
            )
        # a name with unbalanced parentheses ("Civilians (") is a truncated export, not a name
        seen = seen[seen["actor"].str.count(r"\(") == seen["actor"].str.count(r"\)")]
        table = pd.DataFrame(
            {
                "actor": seen["actor"],
                "inter": seen["inter_code"],
                "main_country": seen["main_country"].where(seen["main_country"] != "nan"),
                "first_year": seen["first_year"],
                "last_year": seen["last_year"],
                "events_seen": seen["events_seen"],
                "source": "acled",
            }
        )
        aliases: dict[str, list[_Alias]] = {}
        with _data("actor_aliases.csv").open("r", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                country = resolve_country(row["country"]) if row["country"] else None
                aliases.setdefault(alias_key(row["alias"]), []).append(
                    _Alias(row["actor"], country, explicit=True)
                )
        for path in extra:
            extra_rows, extra_aliases = _read_extra(Path(path))
            if extra_rows:
                added = pd.DataFrame(extra_rows).astype({"inter": "Int8"})
                table = pd.concat(
                    [table[~table["actor"].isin(added["actor"])], added], ignore_index=True
                )
            for key, entries in extra_aliases.items():
                aliases.setdefault(key, [])[:0] = entries
        _add_derived_aliases(table, aliases)
        _add_demonym_aliases(aliases)
        return cls(table.reset_index(drop=True), aliases)

    # ---- names ----------------------------------------------------------------------------

    @cached_property
    def names(self) -> tuple[str, ...]:
        return tuple(self.table["actor"])

    @cached_property
    def _patterns(self) -> list[tuple[re.Pattern[str], str]]:
        with _data("actor_patterns.csv").open("r", encoding="utf-8") as fh:
            return [(re.compile(r["pattern"]), r["inter"]) for r in csv.DictReader(fh)]

    def _facts(self, name: str) -> _Facts:
        """Registry code, generic-pattern code and state home country of one name (memoised)."""
        facts = self._facts_cache.get(name)
        if facts is not None:
            return facts
        pattern = home = None
        for regex, inter in self._patterns:
            match = regex.match(name)
            if match is None:
                continue
            groups = match.groupdict()
            if "home" in groups:
                home = home or resolve_country(groups["home"])
            elif pattern is None:
                group = groups["country"]
                if group in _EXTRA_PATTERN_COUNTRIES or resolve_country(group) is not None:
                    pattern = int(inter)
        code = self._inter.get(name)
        registry = None if code is None or _is_na(code) else int(code)
        facts = _Facts(registry, name in self._inter, pattern, home)
        self._facts_cache[name] = facts
        return facts

    def _analyse(self, uniq) -> pd.DataFrame:
        """`_facts` of each distinct name as a frame aligned with `uniq`."""
        import pandas as pd

        rows = [self._facts(u) if isinstance(u, str) else _NO_FACTS for u in uniq]
        frame = pd.DataFrame(rows, columns=list(_Facts._fields))
        return frame.astype(
            {"registry": "Int8", "in_registry": bool, "pattern": "Int8", "home": "str"}
        )

    def _known_flags(self, names: Sequence[object]) -> np.ndarray:
        """`known` of each of a list of distinct names (a non-string is unknown), as flags: no
        frame of facts, which costs more than the memoised lookups themselves."""
        import numpy as np

        facts = [self._facts(u) if isinstance(u, str) else _NO_FACTS for u in names]
        return np.fromiter((f.in_registry or f.pattern is not None or f.home is not None
                            for f in facts), dtype=bool, count=len(facts))

    def known(self, names: pd.Series) -> pd.Series:
        """True where the name is in the registry or fits a generic pattern of a known country."""
        import numpy as np
        import pandas as pd

        names = pd.Series(names, copy=False)
        codes, uniq = pd.factorize(names)
        ok = self._known_flags(np.asarray(uniq, dtype=object))
        result = np.zeros(len(names), dtype=bool)
        present = codes >= 0
        result[present] = ok[codes[present]]
        return pd.Series(result, index=names.index, name=names.name)

    def inter_codes(self, names: pd.Series, countries: pd.Series) -> pd.Series:
        """Actor-type codes (Int8, NA when unknown) for names acting in the aligned countries.

        Works on distinct values (pandas.factorize) so millions of rows cost little more than
        the few thousand distinct names and countries in them.
        """
        import numpy as np
        import pandas as pd

        names = pd.Series(names, copy=False)
        countries = pd.Series(countries, copy=False)
        if len(countries) != len(names):
            raise ValueError("names and countries must have the same length")
        name_codes, name_uniq = pd.factorize(names)
        facts = self._analyse(pd.Series(name_uniq))
        # country ids: position in the ACLED country table, -1 unknown
        order = {c: i for i, c in enumerate(country_names())}
        home_id = facts["home"].map(order).fillna(-1).to_numpy(dtype=np.int32)
        base = facts["registry"].fillna(facts["pattern"]).fillna(0).to_numpy(dtype=np.int8)
        ctry_codes, ctry_uniq = pd.factorize(countries)
        ctry_id = (
            resolve_countries(pd.Series(ctry_uniq, dtype="str")).map(order).fillna(-1)
        ).to_numpy(dtype=np.int32)

        code = _take(base, name_codes, 0)
        home = _take(home_id, name_codes, -1)
        event = _take(ctry_id, ctry_codes, -1)
        state = home >= 0
        code = np.where(state & (event >= 0) & (home == event), STATE_FORCES, code)
        code = np.where(state & (event >= 0) & (home != event), EXTERNAL_FORCES, code)
        # a state's name with no event country: its own forces unless the registry says otherwise
        code = np.where(state & (event < 0) & (code == 0), STATE_FORCES, code)
        result = pd.array(code, dtype="Int8")
        result[code == 0] = pd.NA
        return pd.Series(result, index=names.index, name=names.name)

    def inter_code(self, name: str, country: str | None = None) -> int | None:
        """Scalar `inter_codes` (pure Python: cheap enough to call per extracted actor)."""
        if not isinstance(name, str):
            return None
        facts = self._facts(name)
        base = facts.registry if facts.registry is not None else facts.pattern
        if facts.home is None:
            return base
        event = resolve_country(country) if isinstance(country, str) else None
        if event is None:
            return base if base is not None else STATE_FORCES
        return STATE_FORCES if facts.home == event else EXTERNAL_FORCES

    # ---- scalar lookups ---------------------------------------------------------------------

    def _actor(self, name: str, country: str | None, matched: MatchKind) -> Actor | None:
        facts = self._facts(name)
        if not (facts.in_registry or facts.pattern is not None or facts.home is not None):
            return None
        first, last, source = self._meta.get(name, (None, None, "pattern"))
        return Actor(name, self.inter_code(name, country), facts.home, first, last, source, matched)

    @cached_property
    def _meta(self) -> dict[str, tuple[int | None, int | None, str]]:
        return {
            actor: (_opt_int(first), _opt_int(last), str(source))
            for actor, first, last, source in zip(
                self.table["actor"],
                self.table["first_year"],
                self.table["last_year"],
                self.table["source"],
                strict=True,
            )
        }

    def lookup(
        self, name: str, country: str | None = None, year: int | None = None
    ) -> Actor | None:
        """Resolve a name, generic-pattern name or alias (see module docstring), or None."""
        if not isinstance(name, str) or not name.strip():
            return None
        event_country = resolve_country(country) if country else None
        actor = self._actor(name, event_country, "name")
        if actor is not None:
            return actor
        target = self._resolve_alias(name, event_country, year)
        return None if target is None else self._actor(target, event_country, "alias")

    def canonical(
        self, name: str, country: str | None = None, year: int | None = None
    ) -> str | None:
        """The registry's name for `name` in `country` (None if unknown or ambiguous)."""
        actor = self.lookup(name, country, year)
        return None if actor is None else actor.name

    def _expand(self, target: str, country: str | None, year: int | None) -> str | None:
        """An alias target -> registry name: "{military}" is the event country's military,
        "{military@Syria}" Syria's, "Civilians ({country})" the event country's civilians."""
        if "{" not in target:
            return target
        template = _TEMPLATE.match(target)
        whose = template["country"] if template and template["country"] else country
        if whose is None:
            return None
        if template:
            return self.state_forces(whose, year, _TEMPLATE_KINDS[template["kind"]])
        return target.replace("{country}", whose)

    def _resolve_alias(self, name: str, country: str | None, year: int | None) -> str | None:
        entries = self._aliases.get(alias_key(name), [])
        tiers = (
            [e for e in entries if e.explicit and country and e.country == country],
            [e for e in entries if not e.explicit and country and e.country == country],
            [e for e in entries if e.explicit and e.country is None],
            [e for e in entries if not e.explicit and e.country is None],
        )
        for tier in tiers:
            targets = {t for e in tier if (t := self._expand(e.target, country, year))}
            if len(targets) == 1:
                return targets.pop()
            if len(targets) > 1:
                return None  # ambiguous: alias_candidates() lists them
        return None

    def alias_candidates(self, name: str) -> list[str]:
        """Every registry name (or template) an alias may stand for, most specific first."""
        entries = self._aliases.get(alias_key(name), [])
        return list(dict.fromkeys(e.target for e in entries))

    def state_forces(self, country: str, year: int | None = None, kind: str = "Military") -> str:
        """Registry name of a country's main military/police/government body in `year`.

        Picks the registry's "<kind> Forces of X (A-B)" (or "Government of X (A-B)") whose years
        cover `year` (latest start wins; the newest when year is None); falls back to the bare
        "Military Forces of X" form when the registry has no such name.
        """
        memo = (country, year, kind)
        if memo not in self._state_cache:
            self._state_cache[memo] = self._state_forces(country, year, kind)
        return self._state_cache[memo]

    def _state_forces(self, country: str, year: int | None, kind: str) -> str:
        import pandas as pd

        name = resolve_country(country) or country
        prefix = "Government of" if kind == "Government" else f"{kind} Forces of"
        regex = re.compile(
            rf"^{prefix} (?:the |The )?(?P<home>[^()]+?) \((?P<start>\d{{4}})-(?P<end>\d{{4}})?\)$"
        )
        parts = self.table["actor"].str.extract(regex).dropna(subset=["home"])
        parts = parts[(resolve_countries(parts["home"]) == name).fillna(False)]
        start = parts["start"].astype(int)
        end = pd.to_numeric(parts["end"]).fillna(9999).astype(int)
        if year is None:
            candidates = start[parts["end"].isna()]  # prefer names still current
            candidates = candidates if len(candidates) else start
        else:
            candidates = start[(start <= year) & (end >= year)]
        if len(candidates):
            return str(self.table.loc[candidates.idxmax(), "actor"])
        return f"{prefix} {name}"

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """Up to n registry names closest to `name` (an alias counts as its target)."""
        from rapidfuzz import fuzz, process, utils

        if not isinstance(name, str) or not name.strip():
            return []
        import numpy as np

        choices, targets = self._suggest_index
        # WRatio alone ranks "Military Forces of Iran" above "... of Syria (2000-)" for a
        # misspelt "Miltary Forces of Syria"; token_sort_ratio corrects for word order/length
        scores = sum(
            process.cdist([name], choices, scorer=scorer, processor=utils.default_process)[0]
            for scorer in (fuzz.WRatio, fuzz.token_sort_ratio)
        )
        out: list[str] = []
        for idx in np.argsort(-scores, kind="stable"):
            if scores[idx] < 100:  # below an average of 50: not a suggestion
                break
            target = targets[idx]
            if target not in out:
                out.append(target)
            if len(out) == n:
                break
        return out

    @cached_property
    def _suggest_index(self) -> tuple[list[str], list[str]]:
        choices = list(self.names)
        targets = list(self.names)
        for key, entries in self._aliases.items():
            for entry in entries:
                if entry.explicit and "{" not in entry.target:
                    choices.append(key)
                    targets.append(entry.target)
        return choices, targets


def _take(values, codes, missing):
    """values[codes] with `missing` where a factorize code is -1 (NA)."""
    import numpy as np

    padded = np.append(values, np.array([missing], dtype=values.dtype))
    return padded[np.where(codes >= 0, codes, len(values))]


def _is_na(value: object) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def _opt_int(value: object) -> int | None:
    import pandas as pd

    return None if pd.isna(value) else int(value)  # type: ignore[arg-type]


def _add_derived_aliases(table: pd.DataFrame, aliases: dict[str, list[_Alias]]) -> None:
    """Aliases from a name's form: "HTS: Hayat Tahrir al Sham" -> "HTS", "Hayat Tahrir al Sham";
    "Islamic State (Syria)" -> "Islamic State" for events in Syria."""
    for actor, country in zip(table["actor"], table["main_country"], strict=True):
        home = country if isinstance(country, str) else None
        match = _ACRONYM.match(actor)
        if match:
            for part in (match["acronym"], match["long"]):
                key = alias_key(part)
                aliases.setdefault(key, []).append(_Alias(actor, home, explicit=False))
                aliases[key].append(_Alias(actor, None, explicit=False))
        match = _COUNTRY_SUFFIX.match(actor)
        if match:
            where = resolve_country(match["country"])
            if where is not None:
                key = alias_key(match["base"])
                aliases.setdefault(key, []).append(_Alias(actor, where, explicit=False))


def _add_demonym_aliases(aliases: dict[str, list[_Alias]]) -> None:
    """ "Syrian troops", "Russian warplanes", "Nigerian police", "Kenyan protesters" ... as
    derived (lower-priority) aliases, from data/demonyms.csv."""
    with _data("demonyms.csv").open("r", encoding="utf-8") as fh:
        pairs = [(r["demonym"], r["country"]) for r in csv.DictReader(fh)]
    for demonym, country in pairs:
        for target, words in _DEMONYM_WORDS.items():
            for word in words:
                entry = _Alias(target % country, None, explicit=False)
                aliases.setdefault(alias_key(f"{demonym} {word}"), []).append(entry)


def _read_extra(path: Path) -> tuple[list[dict], dict[str, list[_Alias]]]:
    """A dataset's reference/actors.csv -> registry rows and aliases; bad rows raise."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputFileError(str(path), "actor file not found") from None
    except (UnicodeDecodeError, IsADirectoryError) as exc:
        raise InputFileError(str(path), f"cannot read as UTF-8 CSV ({exc})") from None
    reader = csv.DictReader(text.splitlines())
    missing = {"actor", "inter"} - set(reader.fieldnames or ())
    if missing:
        raise InputFileError(str(path), f"missing column(s) {', '.join(sorted(missing))}", line=1)
    rows: list[dict] = []
    aliases: dict[str, list[_Alias]] = {}
    for line, row in enumerate(reader, start=2):
        actor = (row.get("actor") or "").strip()
        if not actor:
            raise InputFileError(str(path), "empty actor name", line=line)
        try:
            inter = _parse_inter(row.get("inter") or "")
        except ValueError:
            raise InputFileError(
                str(path),
                f"inter {row.get('inter')!r} for {actor!r} is not 1-8 or an actor-type label",
                line=line,
            ) from None
        rows.append(
            {
                "actor": actor,
                "inter": inter,
                "main_country": None,
                "first_year": None,
                "last_year": None,
                "events_seen": None,
                "source": str(path),
            }
        )
        for alias in (row.get("aliases") or "").split(";"):
            if alias.strip():
                aliases.setdefault(alias_key(alias), []).append(_Alias(actor, None, explicit=True))
    return rows, aliases
