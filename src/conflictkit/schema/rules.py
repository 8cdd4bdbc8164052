"""ACLED's rules for one events table, declared as data: the single source for both engines.

Each rule is an object with its problem type (code and severity from
`conflictkit.problems.catalogue`), the column it reports, a description (the
codebook's constraint text), and two independent expressions of the same constraint:

- `failing(frame)`: the fast engine's vectorised predicate over a `Frame` (cached numpy/Arrow
  column features) returning a boolean mask of failing rows;
- `pandera_key(df)` + `pandera_check()`: a per-row key column and a pandera column check on it,
  for the generated pandera schema (cross-field rules become column checks on a derived key, so
  pandera reports one row per failing record, not one per cell).

Allowed combinations (sub-event -> event type, sub-event -> disorder type, actor types ->
interaction, country -> region / ISO code / ID prefix, civilian targeting) are enumerated from
`vocab` and the country table; neither engine spells out a vocabulary.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from conflictkit.problems import catalogue as P
from conflictkit.problems.catalogue import ProblemType
from conflictkit.schema import vocab
from conflictkit.schema.columns import COLUMNS, COLUMNS_BY_NAME
from conflictkit.schema.frame import (
    CONTROL_CHARS,
    MISSING,
    Frame,
    domain,
)

if TYPE_CHECKING:
    import pandas as pd

KEY_SEP = "|"


@dataclass(frozen=True)
class Rule:
    """One ACLED rule about one column, reported as its problem type. Subclasses implement both
    engines' forms."""

    problem: ProblemType
    column: str
    description: str

    @property
    def id(self) -> str:
        """The problem code this rule reports."""
        return self.problem.code

    @property
    def severity(self) -> str:
        return self.problem.severity

    @property
    def key(self) -> str:
        """Unique name of this rule object (also the pandera key column's name)."""
        return f"{self.id}:{self.column}"

    def failing(self, frame: Frame) -> np.ndarray:
        raise NotImplementedError

    def message(self, frame: Frame, rows: np.ndarray) -> str | np.ndarray:
        return self.description

    def pandera_key(self, df: pd.DataFrame) -> pd.Series:
        raise NotImplementedError

    def pandera_check(self, today: np.datetime64) -> Any:
        raise NotImplementedError


# ---------------------------------------------------------------------------------------------
# single-column rules
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Required(Rule):
    """Blank is a failure, except for events whose origin never recorded the column
    (`origins.blank_allowed`)."""

    def failing(self, frame: Frame) -> np.ndarray:
        return frame.null(self.column) & ~frame.blank_allowed(self.column)

    def pandera_key(self, df: pd.DataFrame) -> pd.Series:
        from conflictkit.schema.origins import blank_allowed

        values = df[self.column]
        blank = values.isna()
        if COLUMNS_BY_NAME[self.column].kind == "string":
            blank |= values.fillna("x") == ""
        blank &= ~blank_allowed(self.column, df.attrs.get("origins"), len(df))
        return (~blank).astype(bool)

    def pandera_check(self, today: np.datetime64) -> Any:
        import pandera.pandas as pa

        return pa.Check(lambda s: s, element_wise=False, name=self.key)


@dataclass(frozen=True)
class Vocabulary(Rule):
    def failing(self, frame: Frame) -> np.ndarray:
        unknown = frame.unknown(self.column)
        return np.zeros(frame.n, dtype=bool) if unknown is None else unknown

    def message(self, frame: Frame, rows: np.ndarray) -> str:
        values = domain(self.column)
        shown = ", ".join(repr(v) for v in values[:8]) + (" ..." if len(values) > 8 else "")
        return f"{self.column} is not one of ACLED's values ({shown})"

    def pandera_key(self, df: pd.DataFrame) -> pd.Series:
        values = df[self.column]
        return values.where(values != "")

    def pandera_check(self, today: np.datetime64) -> Any:
        import pandera.pandas as pa

        return pa.Check.isin(list(domain(self.column)), name=self.key)


@dataclass(frozen=True)
class Range(Rule):
    minimum: float | None = None
    maximum: float | None = None

    def failing(self, frame: Frame) -> np.ndarray:
        values, missing = frame.numeric(self.column)
        bad = np.zeros(frame.n, dtype=bool)
        with np.errstate(invalid="ignore"):
            if self.minimum is not None:
                bad |= values < self.minimum
            if self.maximum is not None:
                bad |= values > self.maximum
        bad &= ~missing
        return bad

    def pandera_key(self, df: pd.DataFrame) -> pd.Series:
        return df[self.column].astype("Float64")

    def pandera_check(self, today: np.datetime64) -> Any:
        import pandera.pandas as pa

        low = -np.inf if self.minimum is None else self.minimum
        high = np.inf if self.maximum is None else self.maximum
        return pa.Check.in_range(low, high, name=self.key)


@dataclass(frozen=True)
class NotFuture(Rule):
    """event_date must not be after `today` (the validation day, UTC unless given)."""

    def failing(self, frame: Frame) -> np.ndarray:
        today = frame.today.astype("datetime64[D]").astype("int64")
        return frame.present(self.column) & (frame.days(self.column) > today)

    def pandera_key(self, df: pd.DataFrame) -> pd.Series:
        return df[self.column]

    def pandera_check(self, today: np.datetime64) -> Any:
        import pandas as pd
        import pandera.pandas as pa

        limit = pd.Timestamp(today)
        return pa.Check(lambda s: s.isna() | (s <= limit), name=self.key)


@dataclass(frozen=True)
class YearOfDate(Rule):
    def failing(self, frame: Frame) -> np.ndarray:
        has = frame.present("event_date")
        values, missing = frame.numeric(self.column)
        return has & (missing | (values != frame.years("event_date")))

    def message(self, frame: Frame, rows: np.ndarray) -> np.ndarray:
        dates = frame.df["event_date"].iloc[rows].dt.year.astype("Int64").astype("str")
        return ("year must be the year of event_date (" + dates + ")").to_numpy()

    def pandera_key(self, df: pd.DataFrame) -> pd.Series:
        years = df["event_date"].dt.year.astype("Int64")
        diff = df[self.column].astype("Int64") - years
        return diff.where(df["event_date"].notna(), 0).fillna(1)

    def pandera_check(self, today: np.datetime64) -> Any:
        import pandera.pandas as pa

        return pa.Check.eq(0, name=self.key)


@dataclass(frozen=True)
class Unique(Rule):
    def failing(self, frame: Frame) -> np.ndarray:
        present = frame.present(self.column)
        prefix, number, keyed = frame.id_parts()
        # IDs of the usual shape compare as integers; the rest (rare) as strings. Equal strings
        # always fall on the same side, so no duplicate pair is split between the two.
        if keyed.all():
            dup = _duplicated_ids(prefix, number)
        else:
            dup = np.zeros(frame.n, dtype=bool)
            dup[keyed] = _duplicated_ids(prefix[keyed], number[keyed])
        rest = np.flatnonzero(present & ~keyed)
        if rest.size:
            ids = frame.df[self.column].iloc[rest]
            dup[rest] = ids.duplicated(keep=False).to_numpy(dtype=bool)
        return dup & present

    def message(self, frame: Frame, rows: np.ndarray) -> str:
        return "event_id_cnty is used by more than one event"

    def pandera_key(self, df: pd.DataFrame) -> pd.Series:
        return df[self.column]

    def pandera_check(self, today: np.datetime64) -> Any:
        import pandera.pandas as pa

        return pa.Check(lambda s: s.isna() | ~s.duplicated(keep=False), name=self.key)


def _duplicated_ids(prefix: np.ndarray, number: np.ndarray) -> np.ndarray:
    """Rows whose (prefix code, number) pair occurs more than once (every copy marked).

    IDs are numbered densely per country, so each pair maps to a slot of a counting array
    about as long as the column; sparse numbering falls back to pandas' hashing.
    """
    import pandas as pd

    if prefix.size == 0:
        return np.zeros(0, dtype=bool)
    top = np.zeros(int(prefix.max()) + 1, dtype=np.int64)
    np.maximum.at(top, prefix, number)
    start = np.concatenate([[0], np.cumsum(top + 1)])
    if start[-1] <= 2 * prefix.size + 1024:
        slot = start[prefix] + number
        counts = np.bincount(slot, minlength=int(start[-1]))
        if counts.max() <= 1:
            return np.zeros(prefix.size, dtype=bool)
        return counts[slot] > 1
    keys = prefix.astype(np.int64) * 10**13 + number
    return pd.Series(keys).duplicated(keep=False).to_numpy()


@dataclass(frozen=True)
class IdPattern(Rule):
    """event_id_cnty = 2-4 capital letters then digits."""

    pattern: str = r"^[A-Z]{2,4}[0-9]+$"

    def failing(self, frame: Frame) -> np.ndarray:
        import pyarrow.compute as pc

        bad = np.zeros(frame.n, dtype=bool)
        _, _, keyed = frame.id_parts()
        if keyed.all():  # known prefix + number: pattern holds
            return bad
        rest = np.flatnonzero(frame.present(self.column) & ~keyed)
        if rest.size == 0:
            return bad
        prefix = frame.id_prefix().take(rest)
        ids = frame.arrow(self.column).take(rest)
        ok = pc.and_(
            pc.and_(pc.ascii_is_alpha(prefix), pc.ascii_is_upper(prefix)),
            pc.and_(pc.greater_equal(pc.utf8_length(prefix), 2),
                    pc.less_equal(pc.utf8_length(prefix), 4)),
        )
        has_digits = pc.greater(pc.binary_length(ids), pc.binary_length(prefix))
        ascii_ = pc.string_is_ascii(ids)
        good = pc.and_(pc.and_(ok, has_digits), ascii_)
        bad[rest] = ~good.to_numpy(zero_copy_only=False).astype(bool)
        return bad

    def pandera_key(self, df: pd.DataFrame) -> pd.Series:
        return df[self.column].where(df[self.column] != "")

    def pandera_check(self, today: np.datetime64) -> Any:
        import pandera.pandas as pa

        return pa.Check.str_matches(self.pattern, name=self.key)


# ---------------------------------------------------------------------------------------------
# text rules
# ---------------------------------------------------------------------------------------------

_PANDERA_TEXT = {
    "whitespace": r"^[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
                  r"|[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]\Z",
    "control": CONTROL_CHARS,
    "formula": "^[" + re.escape("".join(vocab.FORMULA_PREFIXES)) + "]",
}


@dataclass(frozen=True)
class Text(Rule):
    """Text safety: `flag` is one of whitespace, control, formula, empty.

    Vocabulary-controlled columns only need checking where the value is outside the vocabulary
    (every ACLED label is clean), which keeps the check nearly free on those columns.
    """

    flag: str = "whitespace"

    def failing(self, frame: Frame) -> np.ndarray:
        name = self.column
        if self.flag == "empty":
            return frame.empty(name)
        # Values known to be clean need no scan: vocabulary values, and event IDs made of a
        # known prefix and digits. Only the rest is screened.
        if _has_domain(name):
            unsure = frame.unknown(name)
        elif name == "event_id_cnty":
            keyed = frame.id_parts()[2]
            unsure = None if keyed.all() else frame.present(name) & ~keyed
            if unsure is not None and not unsure.any():
                unsure = None
        else:
            return frame.text_flags(name)[self.flag]
        if unsure is None:
            return np.zeros(frame.n, dtype=bool)
        return frame.text_flags_of(name, unsure)[self.flag]

    def pandera_key(self, df: pd.DataFrame) -> pd.Series:
        return df[self.column]

    def pandera_check(self, today: np.datetime64) -> Any:
        import pandera.pandas as pa

        if self.flag == "empty":
            return pa.Check(lambda s: s.isna() | (s != ""), name=self.key)
        regex = re.compile(_PANDERA_TEXT[self.flag], re.DOTALL)
        return pa.Check(lambda s: s.isna() | ~s.str.contains(regex, regex=True), name=self.key)


@dataclass(frozen=True)
class ListItems(Rule):
    def failing(self, frame: Frame) -> np.ndarray:
        return frame.list_flags(self.column)

    def pandera_key(self, df: pd.DataFrame) -> pd.Series:
        return df[self.column]

    def pandera_check(self, today: np.datetime64) -> Any:
        import pandera.pandas as pa

        # a ';' at either end, not followed by exactly one space and an item, or after a space
        bad = re.compile(r"^;|;\Z|;(?! )|; (?=[\s;]|\Z)|\s;")

        def check(s: pd.Series) -> pd.Series:
            return s.isna() | ~s.str.contains(bad, regex=True).fillna(False)

        return pa.Check(check, name=self.key)


@dataclass(frozen=True)
class TokenList(Rule):
    """Values made of vocabulary tokens joined by a separator (source_scale)."""

    def failing(self, frame: Frame) -> np.ndarray:
        import pyarrow.compute as pc

        arr = frame.arrow(self.column)
        encoded = pc.dictionary_encode(arr).combine_chunks()
        uniques = encoded.dictionary.to_pylist()
        bad_unique = np.array([not _tokens_ok(self.column, u) for u in uniques] + [False])
        indices = pc.fill_null(encoded.indices, len(uniques)).to_numpy(zero_copy_only=False)
        return bad_unique[indices] & frame.present(self.column)

    def message(self, frame: Frame, rows: np.ndarray) -> str:
        column = COLUMNS_BY_NAME[self.column]
        return (f"{self.column} must be tokens from {', '.join(column.list_vocabulary or ())} "
                f"joined by '{column.list_separator}'")

    def pandera_key(self, df: pd.DataFrame) -> pd.Series:
        return df[self.column].where(df[self.column] != "")

    def pandera_check(self, today: np.datetime64) -> Any:
        import pandera.pandas as pa

        column = COLUMNS_BY_NAME[self.column]
        token = "(?:" + "|".join(re.escape(t) for t in column.list_vocabulary or ()) + ")"
        sep = re.escape(column.list_separator or "-")
        return pa.Check.str_matches(f"^{token}(?:{sep}{token})*$", name=self.key)


def _tokens_ok(name: str, value: str) -> bool:
    column = COLUMNS_BY_NAME[name]
    tokens = value.split(column.list_separator or "-")
    return all(t in (column.list_vocabulary or ()) for t in tokens)


# ---------------------------------------------------------------------------------------------
# cross-field rules: an allowed set of combinations over a few (possibly virtual) columns
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Combination(Rule):
    """The tuple of `inputs` (codes in each input's domain; None = missing) must be allowed.

    Rows where an input in `skip_if_missing` is missing, or any input is outside its domain, are
    not judged here (the required and vocabulary rules report those).
    """

    inputs: tuple[str, ...] = ()
    allowed: Callable[[], Iterable[tuple[Any, ...]]] = field(default=lambda: ())
    skip_if_missing: tuple[str, ...] = ()
    # inputs whose out-of-domain values fail this rule (no vocabulary rule reports them)
    judge_unknown: tuple[str, ...] = ()
    explain: Callable[[dict[str, np.ndarray]], np.ndarray] | None = None

    def _table(self) -> tuple[np.ndarray, list[int]]:
        return _combination_table(self)

    def failing(self, frame: Frame) -> np.ndarray:
        table, sizes = self._table()
        wide = np.int64 if int(np.prod(sizes)) >= 2**31 else np.int32
        key: np.ndarray | None = None
        skipped: np.ndarray | None = None  # rows not judged
        unknown_fails: np.ndarray | None = None  # judged rows with an out-of-domain value
        for name, size in zip(self.inputs, sizes, strict=True):
            unknown = frame.unknown(name)
            if unknown is not None:
                if name in self.judge_unknown:
                    unknown_fails = unknown if unknown_fails is None else unknown_fails | unknown
                else:
                    skipped = unknown if skipped is None else skipped | unknown
            if name in self.skip_if_missing:
                missing = frame.codes(name) == MISSING
                if missing.any():
                    skipped = missing if skipped is None else skipped | missing
            # missing (and unknown) -> digit 0; an unknown value is decided by unknown_fails
            slots = frame.slots(name)
            if key is None:
                key = slots.astype(wide)
            else:
                key *= size
                key += slots
        assert key is not None
        fails = ~table[key]
        if unknown_fails is not None:
            fails |= unknown_fails
        if skipped is not None:
            fails &= ~skipped
        return fails

    def message(self, frame: Frame, rows: np.ndarray) -> str | np.ndarray:
        if self.explain is None:
            return self.description
        values = {name: _labels(name)[np.maximum(frame.codes(name)[rows] + 1, 0)]
                  for name in self.inputs}
        return self.explain(values)

    def pandera_key(self, df: pd.DataFrame) -> pd.Series:
        parts = [_pandera_input(df, name) for name in self.inputs]
        judged = np.ones(len(df), dtype=bool)
        for name, part in zip(self.inputs, parts, strict=True):
            if name not in self.judge_unknown:
                in_domain = part.isna() | part.isin([str(v) for v in domain(name)])
                judged &= in_domain.to_numpy(dtype=bool)
            if name in self.skip_if_missing:
                judged &= part.notna().to_numpy(dtype=bool)
        key = parts[0].fillna("")
        for part in parts[1:]:
            key = key + KEY_SEP + part.fillna("")
        return key.where(judged)

    def pandera_check(self, today: np.datetime64) -> Any:
        import pandera.pandas as pa

        allowed = sorted(KEY_SEP.join("" if v is None else str(v) for v in combo)
                         for combo in self.allowed())
        return pa.Check.isin(allowed, name=self.key)


@cache
def _labels(name: str) -> np.ndarray:
    """Domain values as text, index 0 = missing (codes + 1 index into it)."""
    return np.array(["<blank>", *[str(v) for v in domain(name)]], dtype=object)


_TABLES: dict[str, tuple[np.ndarray, list[int]]] = {}


def _combination_table(rule: Combination) -> tuple[np.ndarray, list[int]]:
    if rule.key not in _TABLES:
        domains = [domain(n) for n in rule.inputs]
        sizes = [len(d) + 1 for d in domains]
        table = np.zeros(int(np.prod(sizes)), dtype=bool)
        positions = [{v: i + 1 for i, v in enumerate(d)} for d in domains]
        for combo in rule.allowed():
            k = 0
            for value, pos, size in zip(combo, positions, sizes, strict=True):
                k = k * size + (0 if value is None else pos[value])
            table[k] = True
        _TABLES[rule.key] = (table, sizes)
    return _TABLES[rule.key]


def _pandera_input(df: pd.DataFrame, name: str) -> pd.Series:
    """The pandas-level value of an input as text (None = missing), independent of Frame."""
    import pandas as pd

    if name == "event_id_cnty:prefix":
        ids = df["event_id_cnty"].where(df["event_id_cnty"] != "")
        return ids.str.extract(r"^(.*?)[0-9]*$", expand=False).astype("str")
    if name.endswith(":present"):
        values = df[name.split(":")[0]]
        present = values.notna() & (values.astype("str") != "")
        return present.map({True: "True", False: "False"}).astype("str")
    values = df[name]
    if COLUMNS_BY_NAME[name].kind == "string":
        return values.where(values != "").astype("str")
    return pd.Series(values.astype("Int64").astype("str"), index=df.index).where(values.notna())


def _has_domain(name: str) -> bool:
    return name == "country" or COLUMNS_BY_NAME[name].vocabulary is not None


# -- the allowed sets, enumerated from vocab and the country table ------------------------------


def _sub_event_pairs() -> Iterable[tuple[Any, ...]]:
    return [(event, sub) for sub, event in vocab.EVENT_TYPE_OF_SUB_EVENT.items()]


def _disorder_pairs() -> Iterable[tuple[Any, ...]]:
    return [(sub, d) for sub, d in vocab.DISORDER_TYPE_OF_SUB_EVENT.items()]


def _interaction_triples() -> Iterable[tuple[Any, ...]]:
    out = []
    for c1, l1 in vocab.INTER_LABELS.items():
        for c2 in (None, *vocab.INTER_LABELS):
            code = vocab.interaction_code(c1, c2)
            label2 = vocab.INTER_LABELS[c2] if c2 else None
            out.append((l1, label2, vocab.INTERACTION_LABELS[code]))
    return out


_PV = (vocab.POLITICAL_VIOLENCE, vocab.PV_AND_DEMONSTRATIONS)
#: Actor types whose presence in political violence makes it civilian targeting. ACLED counts
#: violence against unarmed protesters (Excessive force against protesters, disorder "Political
#: violence; Demonstrations") as civilian targeting, with Protesters on either side; real
#: exports set the column on exactly those events and on political violence with Civilians.
TARGETED_ACTOR_TYPES = (vocab.INTER_LABELS[vocab.CIVILIANS_CODE], "Protesters")


def _civilian_targeting_combos() -> Iterable[tuple[Any, ...]]:
    labels = (None, *vocab.INTER_LABELS.values())
    out = []
    for d, i1, i2 in itertools.product((None, *vocab.DISORDER_TYPES), labels, labels):
        if d in _PV and (i1 in TARGETED_ACTOR_TYPES or i2 in TARGETED_ACTOR_TYPES):
            out.append((vocab.CIVILIAN_TARGETING, d, i1, i2))
    return out


def _country_pairs(column: str) -> Callable[[], Iterable[tuple[Any, ...]]]:
    def pairs() -> Iterable[tuple[Any, ...]]:
        from conflictkit.reference.countries import countries

        table = countries()
        values = table[column]
        if column == "iso":
            values = values.astype("int64")
        return list(zip(table["country"], values, strict=True))

    return pairs


def _presence_pairs() -> Iterable[tuple[Any, ...]]:
    return [(False, False), (True, True)]


# -- messages for failing rows (only the failing rows are formatted) ----------------------------


def _explain_sub_event(v: dict[str, np.ndarray]) -> np.ndarray:
    lut = dict(vocab.EVENT_TYPE_OF_SUB_EVENT)
    expected = np.array([lut[s] for s in v["sub_event_type"]], dtype=object)
    return ("sub_event_type '" + v["sub_event_type"] + "' belongs to event_type '" + expected
            + "', not '" + v["event_type"] + "'")


def _explain_disorder(v: dict[str, np.ndarray]) -> np.ndarray:
    lut = dict(vocab.DISORDER_TYPE_OF_SUB_EVENT)
    expected = np.array([lut[s] for s in v["sub_event_type"]], dtype=object)
    return ("disorder_type of a '" + v["sub_event_type"] + "' event is '" + expected
            + "', not '" + v["disorder_type"] + "'")


def _explain_interaction(v: dict[str, np.ndarray]) -> np.ndarray:
    codes = dict(vocab.INTER_CODES)
    out = []
    for i1, i2, got in zip(v["inter1"], v["inter2"], v["interaction"], strict=True):
        code = vocab.interaction_code(codes[i1], codes.get(i2))
        out.append(f"interaction of '{i1}' and '{i2}' is "
                   f"'{vocab.INTERACTION_LABELS[code]}', not '{got}'")
    return np.array(out, dtype=object)


def _explain_country(column: str) -> Callable[[dict[str, np.ndarray]], np.ndarray]:
    def explain(v: dict[str, np.ndarray]) -> np.ndarray:
        expected = dict(_country_pairs(column)())
        want = np.array([str(expected[c]) for c in v["country"]], dtype=object)
        return (f"{column} of '" + v["country"] + "' is '" + want + "'").astype(object)

    return explain


def _explain_prefix(v: dict[str, np.ndarray]) -> np.ndarray:
    expected = dict(_country_pairs("prefix")())
    want = np.array([expected[c] for c in v["country"]], dtype=object)
    return ("event_id_cnty of an event in " + v["country"] + " must start with '" + want
            + "' and continue with digits").astype(object)


def _explain_inter(actor: str) -> Callable[[dict[str, np.ndarray]], np.ndarray]:
    inter = "inter" + actor[-1]

    def explain(v: dict[str, np.ndarray]) -> np.ndarray:
        has_actor = v[f"{actor}:present"] == "True"
        return np.where(has_actor, f"{inter} is blank but {actor} is given",
                        f"{inter} is given but {actor} is blank").astype(object)

    return explain


# ---------------------------------------------------------------------------------------------
# the rule list
# ---------------------------------------------------------------------------------------------


def _build_rules() -> tuple[Rule, ...]:
    rules: list[Rule] = []
    required = [c for c in COLUMNS if c.required and c.name != "timestamp"]
    for c in required:
        rules.append(Required(P.REQUIRED, c.name, f"{c.name} is required and must not be blank"))
    for c in COLUMNS:
        if c.vocabulary is not None or c.name == "country":
            rules.append(Vocabulary(P.VOCABULARY, c.name,
                                    f"{c.name} must be one of ACLED's values"))
    for c in COLUMNS:
        if c.minimum is not None or c.maximum is not None:
            bounds = (f"between {c.minimum:g} and {c.maximum:g}"
                      if c.minimum is not None and c.maximum is not None
                      else f">= {c.minimum:g}" if c.minimum is not None else f"<= {c.maximum:g}")
            rules.append(Range(P.RANGE, c.name, f"{c.name} must be {bounds}",
                               minimum=c.minimum, maximum=c.maximum))
    rules += [
        YearOfDate(P.YEAR_OF_EVENT_DATE, "year", "year must equal the year of event_date"),
        NotFuture(P.NOT_IN_FUTURE, "event_date", "event_date must not be in the future"),
        IdPattern(P.ID_PATTERN, "event_id_cnty",
                  "event_id_cnty must be a country prefix (2-4 capital letters) then digits"),
        Unique(P.UNIQUE, "event_id_cnty", "event_id_cnty must be unique"),
        Combination(
            P.ID_PREFIX_OF_COUNTRY, "event_id_cnty",
            "event_id_cnty must start with the ACLED prefix of the event's country",
            inputs=("country", "event_id_cnty:prefix"), allowed=_country_pairs("prefix"),
            skip_if_missing=("country", "event_id_cnty:prefix"),
            judge_unknown=("event_id_cnty:prefix",), explain=_explain_prefix,
        ),
        Combination(
            P.SUB_EVENT_OF_EVENT_TYPE, "sub_event_type",
            "sub_event_type must belong to the event_type",
            inputs=("event_type", "sub_event_type"), allowed=_sub_event_pairs,
            skip_if_missing=("event_type", "sub_event_type"), explain=_explain_sub_event,
        ),
        Combination(
            P.DISORDER_OF_SUB_EVENT, "disorder_type",
            "disorder_type must be the one ACLED assigns to the sub_event_type",
            inputs=("sub_event_type", "disorder_type"), allowed=_disorder_pairs,
            skip_if_missing=("sub_event_type",), explain=_explain_disorder,
        ),
        Combination(
            P.INTER_BLANK_IFF_ACTOR_BLANK, "inter1",
            "inter1 is blank exactly when actor1 is blank",
            inputs=("actor1:present", "inter1:present"), allowed=_presence_pairs,
            explain=_explain_inter("actor1"),
        ),
        Combination(
            P.INTER_BLANK_IFF_ACTOR_BLANK, "inter2",
            "inter2 is blank exactly when actor2 is blank",
            inputs=("actor2:present", "inter2:present"), allowed=_presence_pairs,
            explain=_explain_inter("actor2"),
        ),
        Combination(
            P.INTERACTION_OF_INTERS, "interaction",
            "interaction must be the combination of inter1 and inter2 (smaller code first, "
            "'<type> only' without actor2, Civilians last)",
            inputs=("inter1", "inter2", "interaction"), allowed=_interaction_triples,
            skip_if_missing=("inter1",), explain=_explain_interaction,
        ),
        Combination(
            P.CIVILIAN_TARGETING_NEEDS_CIVILIANS, "civilian_targeting",
            "civilian_targeting is only set on political-violence events with Civilians or "
            "Protesters among the actor types",
            inputs=("civilian_targeting", "disorder_type", "inter1", "inter2"),
            allowed=_civilian_targeting_combos, skip_if_missing=("civilian_targeting",),
        ),
        Combination(
            P.ISO_OF_COUNTRY, "iso",
            "iso must be the ISO 3166-1 numeric code of the country",
            inputs=("country", "iso"), allowed=_country_pairs("iso"),
            skip_if_missing=("country",), judge_unknown=("iso",),
            explain=_explain_country("iso"),
        ),
        Combination(
            P.REGION_OF_COUNTRY, "region",
            "region must be the ACLED region of the country",
            inputs=("country", "region"), allowed=_country_pairs("region"),
            skip_if_missing=("country",), explain=_explain_country("region"),
        ),
    ]
    for c in COLUMNS:
        if c.list_vocabulary:
            rules.append(TokenList(P.LIST_TOKENS, c.name,
                                   f"{c.name} must be tokens from a fixed list joined by "
                                   f"'{c.list_separator}'"))
        elif c.list_separator:
            rules.append(ListItems(P.LIST_ITEMS, c.name,
                                   f"{c.name} is a '{c.list_separator}'-separated list without "
                                   "empty items or stray spaces around separators"))
    for c in COLUMNS:
        if c.kind != "string":
            continue
        rules += [
            Text(P.NO_SURROUNDING_WHITESPACE, c.name,
                 f"{c.name} must not begin or end with whitespace", flag="whitespace"),
            Text(P.NO_CONTROL_CHARACTERS, c.name,
                 f"{c.name} must not contain control characters", flag="control"),
            Text(P.NO_FORMULA_PREFIX, c.name,
                 f"{c.name} must not begin with = + - @ tab or CR (spreadsheet formula)",
                 flag="formula"),
            Text(P.NO_EMPTY_STRING, c.name,
                 f"{c.name} must be missing rather than an empty string", flag="empty"),
        ]
    return tuple(rules)


RULES: tuple[Rule, ...] = _build_rules()
RULES_BY_KEY: dict[str, Rule] = {r.key: r for r in RULES}
assert len(RULES_BY_KEY) == len(RULES), "rule keys must be unique"


def rules_for(column: str) -> tuple[Rule, ...]:
    """The rules that report on one column (for the codebook's constraint text)."""
    return tuple(r for r in RULES if r.column == column)
