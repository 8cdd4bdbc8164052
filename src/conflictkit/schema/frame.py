"""Fast, cached column features of a canonical frame, shared by every rule of the fast engine.

Rules never loop over rows: they ask this view for whole-column numpy arrays (null masks,
vocabulary codes, integer values, byte-level text flags) that are computed once per column and
reused by all rules that need them. Text columns are read through their Arrow buffers without a
copy, which is what lets the full rule set run at millions of rows a second.

Codes: `codes(name)` is the position of each value in the column's domain (see `domain`) as
int16, -1 where the value is missing, -2 where it is present but not in the domain. Features are
kept to booleans and small integers where possible: at millions of rows, every int64 temporary
costs more than the comparison it serves.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from conflictkit.schema import vocab
from conflictkit.schema.columns import COLUMNS_BY_NAME

if TYPE_CHECKING:
    import pandas as pd

MISSING, UNKNOWN = -1, -2

# Bytes that start a whitespace character (ASCII, or the lead byte of a Unicode space).
_WS_ASCII = np.zeros(256, dtype=bool)
_WS_ASCII[[0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20]] = True
_FORMULA = np.zeros(256, dtype=bool)
_FORMULA[[ord(c) for c in vocab.FORMULA_PREFIXES]] = True
# Possible lead/last bytes of a multi-byte Unicode space (U+00A0, U+1680, U+2000-U+3000 ...,
# and the byte-order mark U+FEFF = EF BB BF):
_WS_LEAD_MAYBE = np.zeros(256, dtype=bool)
_WS_LEAD_MAYBE[[0xC2, 0xE1, 0xE2, 0xE3, 0xEF]] = True
_WS_LAST_MAYBE = np.zeros(256, dtype=bool)
_WS_LAST_MAYBE[0x80:0xB0] = True
_WS_LAST_MAYBE[0xBF] = True

# One lookup per end byte: bit 1 surely whitespace, bit 2 maybe a Unicode space, bit 4 formula.
_FIRST_FLAGS = (_WS_ASCII * 1 | (_WS_LEAD_MAYBE & ~_WS_ASCII) * 2 | _FORMULA * 4).astype(np.uint8)
_LAST_FLAGS = (_WS_ASCII * 1 | (_WS_LAST_MAYBE & ~_WS_ASCII) * 2).astype(np.uint8)

# Every flagged byte lies in these ranges (<= low or >= high), checked here once.
_FIRST_SCREEN = (0x40, 0xC2)
_LAST_SCREEN = (0x20, 0x80)
for _table, (_low, _high) in ((_FIRST_FLAGS, _FIRST_SCREEN), (_LAST_FLAGS, _LAST_SCREEN)):
    assert not _table[_low + 1: _high].any(), "text screen must cover every flagged byte"

UNICODE_SPACE = r"[\s\pZ\x{FEFF}]"
CONTROL_CHARS = r"[\x00-\x1f\x7f-\x9f]"
LEADING_OR_TRAILING_SPACE = rf"^{UNICODE_SPACE}|{UNICODE_SPACE}$"


def _country_table() -> pd.DataFrame:
    from conflictkit.reference.countries import countries

    return countries()


def domain(name: str) -> tuple[Any, ...]:
    """The values a column (or a virtual column such as "event_id_cnty:prefix") may hold."""
    if name == "country":
        return tuple(_country_table()["country"])
    if name == "event_id_cnty:prefix":
        return tuple(_country_table()["prefix"])
    if name == "iso":
        return tuple(sorted({int(v) for v in _country_table()["iso"].dropna()}))
    if name.endswith(":present"):
        return (False, True)
    column = COLUMNS_BY_NAME[name]
    if column.vocabulary is None:
        raise KeyError(f"{name} has no closed domain")
    return column.vocabulary


class Frame:
    """A read-only view over a canonical frame that computes column features once."""

    def __init__(self, df: pd.DataFrame, *, today: np.datetime64,
                 origins: Sequence[object] | np.ndarray | None = None) -> None:
        self.df = df
        self.n = len(df)
        self.today = today
        self.origins = origins
        self._cache: dict[tuple[str, str], Any] = {}
        self._locks: dict[tuple[str, str], threading.Lock] = {}
        self._guard = threading.Lock()

    # -- caching (thread-safe: two rules needing the same feature compute it once) ----------

    def _cached(self, kind: str, name: str, make: Callable[[], Any]) -> Any:
        key = (kind, name)
        if key in self._cache:
            return self._cache[key]
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._cache:
                self._cache[key] = make()
        return self._cache[key]

    def forget(self, names: set[str]) -> None:
        """Drop the features of columns whose values were replaced in `df` (an importer
        derives a few columns again): the others stay computed."""
        with self._guard:
            for key in [k for k in self._cache if k[1].split(":")[0] in names]:
                del self._cache[key]

    # -- raw access ---------------------------------------------------------------------------

    def arrow(self, name: str) -> pa.ChunkedArray:
        """A text column as Arrow (zero-copy for pandas' Arrow-backed `str`)."""
        return self._cached("arrow", name, lambda: _to_arrow(self.df[name]))

    def chunks(self, name: str) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """(data bytes, offsets, validity) per Arrow chunk of a text column, read once."""
        return self._cached("chunks", name, lambda: list(_chunks(self.arrow(name))))

    def blank_allowed(self, name: str) -> np.ndarray:
        """True where the row's origin never recorded column `name` (it may stay blank)."""
        from conflictkit.schema.origins import blank_allowed

        return self._cached("blank_allowed", name,
                            lambda: blank_allowed(name, self.origins, self.n))

    def null(self, name: str) -> np.ndarray:
        """True where the value is missing (for text, also where it is the empty string)."""
        def make() -> np.ndarray:
            if name.endswith(":present"):
                return np.zeros(self.n, dtype=bool)
            if COLUMNS_BY_NAME[name].kind == "string":
                valid, zero = self._text_layout(name)
                return ~valid | zero
            return self.df[name].isna().to_numpy(dtype=bool)
        return self._cached("null", name, make)

    def empty(self, name: str) -> np.ndarray:
        """True where a text value is the empty string (a canonical frame uses NA instead)."""
        def make() -> np.ndarray:
            valid, zero = self._text_layout(name)
            return valid & zero
        return self._cached("empty", name, make)

    def _text_layout(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(valid, zero byte length) of each value of a text column, from the Arrow buffers
        (boolean arrays only: no per-row lengths are materialised)."""
        def make() -> tuple[np.ndarray, np.ndarray]:
            parts = [(valid, offsets[1:] == offsets[:-1])
                     for _, offsets, valid in self.chunks(name)]
            return _join([p[0] for p in parts]), _join([p[1] for p in parts])
        return self._cached("layout", name, make)

    def present(self, name: str) -> np.ndarray:
        return ~self.null(name)

    def numeric(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(values, missing) of a numeric column; values are meaningless where missing.

        A pandas nullable column hands over its own data and mask (no float copy of 1M rows:
        rules compare the integers as they are); anything else goes through float64.
        """
        def make() -> tuple[np.ndarray, np.ndarray]:
            array = self.df[name].array
            data, mask = getattr(array, "_data", None), getattr(array, "_mask", None)
            if data is not None and mask is not None:
                return data, mask
            values = self.df[name].to_numpy(dtype="float64", na_value=np.nan)
            return values, np.isnan(values)
        return self._cached("numeric", name, make)

    def years(self, name: str = "event_date") -> np.ndarray:
        """Calendar year of a date column (via a small day -> year table, not per-row dates)."""
        def make() -> np.ndarray:
            days = self.days(name)
            valid = self.present(name)
            if not valid.any():
                return np.zeros(self.n, dtype=np.int64)
            lo, hi = int(days[valid].min()), int(days[valid].max())
            table = (np.arange(lo, hi + 1).astype("datetime64[D]").astype("datetime64[Y]")
                     .astype("int64") + 1970)
            return np.where(valid, table[np.clip(days - lo, 0, hi - lo)], 0)
        return self._cached("years", name, make)

    def days(self, name: str = "event_date") -> np.ndarray:
        """A date column as int64 days since 1970 (meaningless where null)."""
        def make() -> np.ndarray:
            values = self.df[name].to_numpy(dtype="datetime64[s]")
            return values.astype("datetime64[D]").astype("int64")
        return self._cached("days", name, make)

    # -- vocabulary codes -----------------------------------------------------------------------

    def codes(self, name: str) -> np.ndarray:
        """Position of each value in `domain(name)`; MISSING (-1) or UNKNOWN (-2) otherwise."""
        return self._cached("codes", name, lambda: self._make_codes(name))

    def _make_codes(self, name: str) -> np.ndarray:
        if name.endswith(":present"):
            return self.present(name.split(":")[0]).astype(np.int16)
        values = domain(name)
        if name == "event_id_cnty:prefix":
            arr = self.id_prefix()
            null = self.null("event_id_cnty")
        elif COLUMNS_BY_NAME[name].kind == "string":
            arr = self.arrow(name)
            null = self.null(name)
        else:
            numbers, null = self.numeric(name)
            ints = np.asarray(values, dtype=np.int64)
            top = int(ints.max())
            lut = np.full(top + 1, UNKNOWN, dtype=np.int16)
            lut[ints] = np.arange(ints.size)
            inside = (numbers >= 0) & (numbers <= top) & ~null
            if numbers.dtype.kind == "f":
                inside &= numbers == np.floor(numbers)
            index = np.where(inside, numbers, 0).astype(np.int64)
            out = np.where(inside, lut[index], UNKNOWN)
            return np.where(null, MISSING, out).astype(np.int16)
        index = pc.index_in(arr, value_set=pa.array(values, type=pa.string()))
        out = _index_codes(index, self.n)
        if null.any():
            out[null] = MISSING
        return out

    def unknown(self, name: str) -> np.ndarray | None:
        """True where a value is present but outside its domain; None when there is none."""
        def make() -> np.ndarray | None:
            mask = self.codes(name) == UNKNOWN
            return mask if mask.any() else None
        return self._cached("unknown", name, make)

    def slots(self, name: str) -> np.ndarray:
        """codes + 1 as int32 (0 = missing or unknown): a digit of a combination key."""
        def make() -> np.ndarray:
            out = self.codes(name).astype(np.int32)
            out += 1
            np.maximum(out, 0, out=out)
            return out
        return self._cached("slots", name, make)

    # -- event IDs ------------------------------------------------------------------------------

    def id_prefix(self) -> pa.ChunkedArray:
        """The letters before the number of each event_id_cnty (whole ID when it has no digits).

        ASCII trimming equals UTF-8 trimming here: no byte of a multi-byte character is a digit.
        """
        return self._cached("id", "prefix", lambda: pc.ascii_rtrim(self.arrow("event_id_cnty"),
                                                                  characters="0123456789"))

    # -- text safety ----------------------------------------------------------------------------

    def text_flags(self, name: str) -> dict[str, np.ndarray]:
        """Boolean masks: whitespace at either end, control characters, formula first char."""
        return self._cached("text", name, lambda: _scan_text(self.chunks(name)))

    def adopt_text_flags(self, name: str, array: pa.ChunkedArray,
                         flags: dict[str, np.ndarray]) -> bool:
        """Take `scan_text(array)` computed elsewhere (an importer screens its text before
        repairing it) as this column's `text_flags`, when `array` is the column's very data;
        returns whether it was taken. Saves validation a second scan of the same bytes."""
        if name not in self.df.columns or str(self.df[name].dtype) != "str":
            return False  # e.g. event_date, screened as text before it was parsed
        if self.arrow(name) is not array:
            return False
        with self._guard:
            self._cache.setdefault(("text", name), flags)
        return True

    def text_flags_of(self, name: str, rows: np.ndarray) -> dict[str, np.ndarray]:
        """`text_flags` for the rows of a boolean mask only (False elsewhere); the mask must be
        the same for every call on one column. Scans just those values."""
        def make() -> dict[str, np.ndarray]:
            if ("text", name) in self._cache:  # the whole column was scanned already
                return {k: v & rows for k, v in self.text_flags(name).items()}
            at = np.flatnonzero(rows)
            part = scan_text(self.arrow(name).take(pa.array(at)))
            out = {}
            for key, values in part.items():
                full = np.zeros(self.n, dtype=bool)
                full[at] = values
                out[key] = full
            return out
        return self._cached("text_of", name, make)

    def list_flags(self, name: str) -> np.ndarray:
        """True where a '; '-list has an empty item or a malformed separator."""
        return self._cached("list", name, lambda: _scan_list(self.chunks(name)))

    def id_keys(self) -> tuple[np.ndarray, np.ndarray]:
        """(int64 key, keyed) for event IDs made of a known prefix and a number without leading
        zeros: equal keys <=> equal IDs, so uniqueness is checked on integers."""
        def make() -> tuple[np.ndarray, np.ndarray]:
            prefix_code, number, keyed = self.id_parts()
            return prefix_code.astype(np.int64) * 10**13 + number, keyed
        return self._cached("id", "keys", make)

    def id_parts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(prefix code, number, keyed) of each event ID; number is 0 where not keyed."""
        def make() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            ids = self.arrow("event_id_cnty")
            prefix_code = self.codes("event_id_cnty:prefix")
            digits = pc.ascii_ltrim(ids, characters="ABCDEFGHIJKLMNOPQRSTUVWXYZ")
            parts = list(_chunks(digits))
            length = _join([offsets[1:] - offsets[:-1] for _, offsets, _ in parts], np.int64)
            lead = _join([np.take(data, offsets[:-1], mode="clip") if data.size
                          else np.zeros(offsets.size - 1, dtype=np.uint8)
                          for data, offsets, _ in parts], np.uint8)
            keyed = ((prefix_code >= 0) & (length > 0) & (length <= 12)
                     & (lead >= ord("1")) & (lead <= ord("9")))
            try:  # usual case: every digit part parses (blank/odd IDs make the cast fail)
                number = _np_int(pc.cast(digits, pa.int64()), fill=0)
                number[~keyed] = 0
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                safe = pc.if_else(pa.array(keyed), digits, pa.scalar("0", pa.large_string()))
                number = _np_int(pc.cast(safe, pa.int64()), fill=0)
            return prefix_code, number, keyed
        return self._cached("id", "parts", make)


# ---------------------------------------------------------------------------------------------
# helpers over Arrow buffers
# ---------------------------------------------------------------------------------------------


def _to_arrow(series: pd.Series) -> pa.ChunkedArray:
    array = getattr(series.array, "_pa_array", None)
    if array is None:
        array = pa.chunked_array([pa.array(series.astype("str"), from_pandas=True)])
    if not pa.types.is_large_string(array.type):
        array = array.cast(pa.large_string())
    return array


def _np_bool(array: pa.ChunkedArray | pa.Array, *, null_as: bool) -> np.ndarray:
    return pc.fill_null(array, null_as).to_numpy(zero_copy_only=False).astype(bool, copy=False)


def _np_int(array: pa.ChunkedArray | pa.Array, *, fill: int) -> np.ndarray:
    return pc.fill_null(array, fill).to_numpy(zero_copy_only=False).astype(np.int64)


def _validity(chunk: pa.Array) -> np.ndarray:
    """The validity bitmap of one Arrow chunk as booleans (all True without nulls)."""
    n = len(chunk)
    if not chunk.null_count:
        return np.ones(n, dtype=bool)
    bits = np.frombuffer(chunk.buffers()[0], dtype=np.uint8)
    return np.unpackbits(bits, count=chunk.offset + n, bitorder="little")[chunk.offset:].view(bool)


def _index_codes(index: pa.ChunkedArray, n: int) -> np.ndarray:
    """int16 positions from `pc.index_in` (UNKNOWN where not found), read from its buffers."""
    parts = []
    for chunk in index.chunks:
        if len(chunk) == 0:
            continue
        values = np.frombuffer(chunk.buffers()[1], dtype=np.int32)[
            chunk.offset: chunk.offset + len(chunk)]
        part = values.astype(np.int16)
        if chunk.null_count:
            part[~_validity(chunk)] = UNKNOWN
        parts.append(part)
    return np.concatenate(parts) if parts else np.zeros(n, dtype=np.int16)


def _chunks(arr: pa.ChunkedArray):
    """(data bytes, offsets relative to data, validity) of each chunk of a large_string array."""
    for chunk in arr.chunks:
        n = len(chunk)
        buffers = chunk.buffers()
        offsets = np.frombuffer(buffers[1], dtype=np.int64)[chunk.offset: chunk.offset + n + 1]
        base = int(offsets[0]) if n else 0
        data = (np.frombuffer(buffers[2], dtype=np.uint8)[base: int(offsets[-1])]
                if buffers[2] is not None and n else np.zeros(0, dtype=np.uint8))
        yield data, (offsets - base if base else offsets), _validity(chunk)


def _rows_of(positions: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    return np.searchsorted(offsets, positions, side="right") - 1


def _suspect_bytes(data: np.ndarray) -> np.ndarray:
    """Byte positions that may belong to a control character (C0, DEL, or a C1's lead 0xC2)."""
    if data.size == 0:
        return np.zeros(0, dtype=np.int64)
    low_high = pc.min_max(pa.Array.from_buffers(pa.uint8(), data.size,
                                                [None, pa.py_buffer(data)]))
    low = low_high["min"].as_py() < 0x20
    high = low_high["max"].as_py() >= 0x7F
    if not (low or high):
        return np.zeros(0, dtype=np.int64)
    found = []
    step = 1 << 22
    for start in range(0, data.size, step):
        part = data[start: start + step]
        mask = part < 0x20
        if high:
            mask |= part == 0x7F
            mask |= part == 0xC2
        if mask.any():
            found.append(np.flatnonzero(mask) + start)
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def scan_text(arr: pa.ChunkedArray) -> dict[str, np.ndarray]:
    """Byte-level screening of a text column (see `_scan_text`)."""
    return _scan_text(list(_chunks(arr)))


def _scan_text(chunks: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> dict[str, np.ndarray]:
    """Byte-level screening of a text column, confirmed by a regex on the few suspect rows.

    Clean text costs a min/max over the bytes and one gather of the first and last byte of each
    value (looked up in small flag tables); only values whose bytes look suspicious are matched
    with the exact patterns.
    """
    whitespace, control, formula, empty = [], [], [], []
    for data, offsets, valid in chunks:
        n = offsets.size - 1
        zero = offsets[1:] == offsets[:-1]
        flags = np.zeros(n, dtype=np.uint8)
        if data.size:  # mode="clip" keeps empty values' positions in range (masked below)
            first = np.take(data, offsets[:-1], mode="clip")
            last = np.take(data, offsets[1:] - 1, mode="clip")
            # cheap byte-range screen; the flag tables are looked up on the screened rows only
            screen = first <= _FIRST_SCREEN[0]
            screen |= first >= _FIRST_SCREEN[1]
            screen |= last <= _LAST_SCREEN[0]
            screen |= last >= _LAST_SCREEN[1]
            screen &= ~zero
            if not valid.all():
                screen &= valid
            rows = np.flatnonzero(screen)
            if rows.size:
                flags[rows] = _FIRST_FLAGS[first[rows]] | _LAST_FLAGS[last[rows]]
        first_formula = (flags & 4) != 0
        ws = (flags & 1) != 0
        suspects = _suspect_bytes(data)
        check_rows = (flags & 2) != 0
        if suspects.size:
            check_rows[_rows_of(suspects, offsets)] = True
            check_rows &= valid
        ctl = np.zeros(n, dtype=bool)
        check = np.flatnonzero(check_rows & ~ws)
        if suspects.size:
            check = np.union1d(check, np.flatnonzero(check_rows))
        if check.size:
            chunk = _take_rows(data, offsets, check)
            ws[check] |= _np_bool(pc.match_substring_regex(chunk, LEADING_OR_TRAILING_SPACE),
                                  null_as=False)
            ctl[check] = _np_bool(pc.match_substring_regex(chunk, CONTROL_CHARS), null_as=False)
        whitespace.append(ws)
        control.append(ctl)
        formula.append(first_formula)
        empty.append(valid & zero)
    return {"whitespace": _join(whitespace), "control": _join(control),
            "formula": _join(formula), "empty": _join(empty)}


def _join(parts: list[np.ndarray], dtype: type = bool) -> np.ndarray:
    if len(parts) == 1:
        return parts[0]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)


def _take_rows(data: np.ndarray, offsets: np.ndarray, rows: np.ndarray) -> pa.Array:
    """The given rows of one chunk as a small Arrow string array."""
    values = [bytes(data[offsets[r]: offsets[r + 1]]).decode("utf-8", "replace") for r in rows]
    return pa.array(values, type=pa.large_string())


def scan_list(arr: pa.ChunkedArray) -> np.ndarray:
    """'; '-list screening of a text column (see `_scan_list`)."""
    return _scan_list(list(_chunks(arr)))


def _scan_list(chunks: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> np.ndarray:
    """'; '-separated lists: every ';' must be followed by one space and a non-blank item, and
    must not follow a space; a value must not start or end with the separator.

    Each ';' is checked against its neighbouring bytes; only the few separators that fail are
    mapped back to their rows.
    """
    out = []
    for data, offsets, valid in chunks:
        n = offsets.size - 1
        bad = np.zeros(n, dtype=bool)
        semis = np.flatnonzero(data == 0x3B) if data.size else np.zeros(0, dtype=np.int64)
        if semis.size:
            size = data.size
            # neighbours read across row ends are wrong only for a ';' in the first or last
            # two bytes of a value, and such a value is bad anyway (checked per row below)
            nxt = data[np.minimum(semis + 1, size - 1)]
            nxt2 = data[np.minimum(semis + 2, size - 1)]
            prev = data[np.maximum(semis - 1, 0)]
            wrong = ((nxt != 0x20) | (nxt2 == 0x3B) | (nxt2 == 0) | _WS_ASCII[nxt2]
                     | _WS_ASCII[prev])
            if wrong.any():
                bad[_rows_of(semis[wrong], offsets)] = True
            # a ';' that starts a value, ends it, or comes just before its last byte
            length = offsets[1:] - offsets[:-1]
            edge = np.take(data, offsets[:-1], mode="clip") == 0x3B
            edge |= np.take(data, offsets[1:] - 1, mode="clip") == 0x3B
            edge &= length > 0
            second = np.take(data, offsets[1:] - 2, mode="clip") == 0x3B
            second &= length >= 2
            bad |= edge
            bad |= second
        out.append(bad & valid)
    return np.concatenate(out) if out else np.zeros(0, dtype=bool)
