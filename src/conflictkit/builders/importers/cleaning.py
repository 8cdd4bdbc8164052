"""Repairing an import's text, a column at a time (what each repair does: `repairs`).

    repair_text(frame, log)   # in place; every repair recorded in `log`

Nothing here runs Python once per row. A column is screened with vectorised passes over its
bytes (the schema's own `scan_text` for surrounding whitespace, control characters and formula
prefixes; a byte search for the signature of mojibake; value lengths for missing-value markers),
only the few values that fail a screen are repaired, once per distinct value, and the repaired
values are put back with one Arrow `replace_with_mask`. Columns with a closed vocabulary (event
types, actor types, regions, countries ...) hold a few hundred distinct values at most: those
are repaired per distinct value outright, which also spells them ACLED's way (`recased`) and
names countries as ACLED does now (`country_renamed`).

Missing-value markers (`NA`, `NULL`, `nan` ...): in a column that cannot hold them as a value
(dates, numbers, codes, vocabularies, event IDs) they are always blanks. In free text (actors,
places, source, notes, tags) a marker is a blank only when the file writes the same marker for a
blank in such a column, i.e. when the file was written by R, pandas or a database that marks
every blank that way: a place may be called "None" (a comune in Piedmont) in a file whose
blanks are empty cells.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from conflictkit.builders.importers import repairs as R
from conflictkit.builders.importers.textcolumns import as_arrow, replace_rows, take_rows
from conflictkit.schema import vocab
from conflictkit.schema.columns import COLUMNS_BY_NAME

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

#: ACLED columns of free text: a missing-value marker there may be a real value.
FREE_TEXT: frozenset[str] = frozenset({
    "actor1", "assoc_actor_1", "actor2", "assoc_actor_2", "admin1", "admin2", "admin3",
    "location", "source", "notes", "tags",
})
#: What R (`NA`), pandas (`nan`, `None`, `<NA>`, `NaT`), SQL (`NULL`) and Excel (`#N/A`) write
#: for an empty cell; matched exactly, case and all ("Nan" is a province of Thailand).
NA_TOKENS: tuple[str, ...] = ("NA", "N/A", "#N/A", "NULL", "null", "NaN", "nan", "None", "<NA>",
                              "NaT")
_NA_MAX_BYTES = max(len(t) for t in NA_TOKENS)

FORMULA_CHARACTERS = "".join(vocab.FORMULA_PREFIXES).replace("\t", "").replace("\r", "")


def _space_characters() -> str:
    """Every character the schema's whitespace rule counts as a space at either end of a value
    (Unicode whitespace, separators, the byte-order mark)."""
    chars = [chr(c) for c in range(0x3100)
             if chr(c).isspace() or unicodedata.category(chr(c)) in ("Zs", "Zl", "Zp")]
    return "".join(chars) + "\ufeff"


SPACES = _space_characters()
_LINE_BREAKS = re.compile(r"[^\S\r\n\x0b\x0c\u2028\u2029]*(?:\r\n|[\r\n\x0b\x0c\u2028\u2029])\s*")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]+")
# C1 controls (Windows-1252 punctuation decoded as Latin-1), or a Latin-1 lead letter followed by
# a character Windows-1252 puts at 0x80-0xBF: the shape of UTF-8 read as Windows-1252
_MOJIBAKE_HINT = re.compile(
    "[\u0080-\u009f]|[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
    "\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039"
    "\u203a\u20ac\u2122]")
_LEAD_AND_CONTINUATION = re.compile(_MOJIBAKE_HINT.pattern.split("|", 1)[1])
# The same shape in UTF-8 bytes: C3 82..B4 (Â..ô) then the lead byte of such a character.
_MOJIBAKE_THIRD = np.array([0xC2, 0xC5, 0xC6, 0xCB, 0xE2], dtype=np.uint8)

_BITS = (R.MOJIBAKE, R.WHITESPACE, R.LINE_BREAK, R.CONTROL_CHARACTER, R.FORMULA_PREFIX,
         R.NA_TOKEN, R.RECASED, R.COUNTRY_RENAMED, R.LEGACY_TOKEN)
_BIT = {kind.code: 1 << i for i, kind in enumerate(_BITS)}


@cache
def _ftfy_config() -> Any:
    import ftfy

    # only what the contract calls mojibake: keep curly quotes, ligatures, widths, entities and
    # the Unicode normal form as the file has them
    return ftfy.TextFixerConfig(
        unescape_html=False, remove_terminal_escapes=False, fix_encoding=True,
        restore_byte_a0=True, replace_lossy_sequences=True, decode_inconsistent_utf8=True,
        fix_c1_controls=True, fix_latin_ligatures=False, fix_character_width=False,
        uncurl_quotes=False, fix_line_breaks=False, fix_surrogates=True,
        remove_control_chars=False, normalization=None, explain=False)


def fix_value(value: str) -> tuple[str | None, int]:
    """One value repaired, and the bits (`_BIT`) of the repairs it needed; None when nothing is
    left of it. Order: encoding, surrounding space, line breaks, control characters, formula
    prefix (each step sees the previous one's result)."""
    bits = 0
    text = value
    if _MOJIBAKE_HINT.search(text):
        import ftfy
        from ftfy.fixes import fix_c1_controls

        if _LEAD_AND_CONTINUATION.search(text):  # may be UTF-8 read as Latin-1/Windows-1252
            fixed = ftfy.fix_text(text, config=_ftfy_config())
        else:  # lone C1 controls only: ftfy's own step for them (a hundred times cheaper)
            fixed = fix_c1_controls(text)
        if fixed != text:
            text, bits = fixed, bits | _BIT["mojibake"]
    stripped = text.strip(SPACES)
    if stripped != text:
        text, bits = stripped, bits | _BIT["whitespace"]
    if _LINE_BREAKS.search(text):
        text, bits = _LINE_BREAKS.sub(" ", text), bits | _BIT["line_break"]
    if _CONTROLS.search(text) or "\t" in text:
        text = _CONTROLS.sub("", text.replace("\t", " ")).strip(SPACES)
        bits |= _BIT["control_character"]
    if text and text[0] in FORMULA_CHARACTERS:
        text = text.lstrip(FORMULA_CHARACTERS + SPACES)
        while text and text[0] in FORMULA_CHARACTERS:
            text = text.lstrip(FORMULA_CHARACTERS + SPACES)
        bits |= _BIT["formula_prefix"]
    return (text or None), bits


Screens = dict[str, tuple[Any, dict[str, np.ndarray]]]


def repair_text(frame: pd.DataFrame, log: R.RepairLog,
                screens: Screens | None = None) -> dict[str, Any]:
    """Repair every text (`str`) column of `frame` in place, recording each repair in `log`.

    `frame` holds ACLED columns, text as the reader gave it (NA for empty cells). Returns what
    the summary should say beyond the counts (the missing-value markers the file uses).
    `screens`, when given, receives column -> (Arrow data, `scan_text` flags) for the columns
    left as they were, for validation to reuse (`common.finish`).
    """
    names = [c for c in frame.columns if str(frame[c].dtype) == "str"]
    closed = [c for c in names if c not in FREE_TEXT]
    markers: set[str] = set()
    for name in closed:
        markers |= _blank_markers(frame, name, log, allowed=None)
    for name in names:
        if name in FREE_TEXT and markers:
            _blank_markers(frame, name, log, allowed=markers)
    for name in names:
        if _vocabulary(name) is not None:
            _repair_distinct(frame, name, log)
        else:
            _repair_screened(frame, name, log, screens)
    return {"blank_markers": sorted(markers)} if markers else {}


# ---------------------------------------------------------------------------------------------
# missing-value markers
# ---------------------------------------------------------------------------------------------


def _blank_markers(frame: pd.DataFrame, name: str, log: R.RepairLog,
                   allowed: set[str] | None) -> set[str]:
    """Blank the cells of `name` that hold a marker (any, or those in `allowed`); the markers
    found."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = as_arrow(frame[name])
    short = _marker_candidates(array)
    if not short.any():
        return set()
    rows = np.flatnonzero(short)
    values = take_rows(array, rows)
    tokens = NA_TOKENS if allowed is None else tuple(t for t in NA_TOKENS if t in allowed)
    hit = _np_bool(pc.is_in(values, value_set=pa.array(tokens, pa.large_string())))
    if not hit.any():
        return set()
    found = set(pc.unique(values.filter(pa.array(hit))).to_pylist())
    mask = np.zeros(len(array), dtype=bool)
    mask[rows[hit]] = True
    original = frame[name]
    log.add(R.NA_TOKEN, name, mask, original)
    frame[name] = original.mask(mask)
    return found


_MARKER_FIRST = np.zeros(256, dtype=bool)
_MARKER_FIRST[[ord(t[0]) for t in NA_TOKENS]] = True


def _marker_candidates(array: pa.ChunkedArray) -> np.ndarray:
    """Rows whose value is short enough to be a marker and starts like one (from the offsets
    and first bytes only)."""
    parts = []
    for chunk in array.chunks:
        n = len(chunk)
        buffers = chunk.buffers()
        if not n or buffers[2] is None or not buffers[2].size:
            parts.append(np.zeros(n, dtype=bool))
            continue
        offsets = np.frombuffer(buffers[1], dtype=np.int64)[chunk.offset: chunk.offset + n + 1]
        lengths = np.diff(offsets)
        data = np.frombuffer(buffers[2], dtype=np.uint8)
        first = np.take(data, offsets[:-1], mode="clip")
        parts.append((lengths > 0) & (lengths <= _NA_MAX_BYTES) & _MARKER_FIRST[first])
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


# ---------------------------------------------------------------------------------------------
# free text: screen the bytes, repair the few values that fail
# ---------------------------------------------------------------------------------------------


def _repair_screened(frame: pd.DataFrame, name: str, log: R.RepairLog,
                     screens: Screens | None) -> None:
    from conflictkit.schema.frame import scan_text

    original = frame[name]
    array = as_arrow(original)
    flags = scan_text(array)
    suspects = flags["whitespace"] | flags["control"] | flags["formula"] | flags["empty"]
    suspects |= _mojibake_rows(array)
    if not suspects.any():
        if screens is not None and original.array._pa_array is array:  # type: ignore[attr-defined]
            screens[name] = (array, flags)
        return
    rows = np.flatnonzero(suspects)
    values = take_rows(array, rows).to_pylist()
    fixed: dict[str, tuple[str | None, int]] = {}
    for value in values:
        if value not in fixed:
            fixed[value] = fix_value(value) if value else (None, 0)
    _apply(frame, name, log, rows, [fixed[v] for v in values])


def _mojibake_rows(array: pa.ChunkedArray) -> np.ndarray:
    """Rows holding the UTF-8 bytes of a Latin-1 lead letter followed by a Windows-1252
    continuation character (see `_MOJIBAKE_HINT`): one vectorised pass over each chunk's
    bytes (chunks are a few hundred KiB: the comparison stays in cache)."""
    parts = []
    for chunk in array.chunks:
        n = len(chunk)
        mask = np.zeros(n, dtype=bool)
        buffers = chunk.buffers()
        if n and buffers[2] is not None:
            offsets = np.frombuffer(buffers[1], dtype=np.int64)[chunk.offset: chunk.offset + n + 1]
            data = np.frombuffer(buffers[2], dtype=np.uint8)[int(offsets[0]): int(offsets[-1])]
            lead = np.flatnonzero(data[:-2] == 0xC3) if data.size >= 3 else data[:0]
            if lead.size:
                second = data[lead + 1]
                hit = lead[(second >= 0x82) & (second <= 0xB4)
                           & np.isin(data[lead + 2], _MOJIBAKE_THIRD)]
                if hit.size:
                    at = np.searchsorted(offsets - offsets[0], hit, side="right") - 1
                    mask[at] = True
        parts.append(mask)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


# ---------------------------------------------------------------------------------------------
# closed vocabularies: repair each distinct value
# ---------------------------------------------------------------------------------------------


def _vocabulary(name: str) -> tuple[str, ...] | None:
    if name == "country":
        return ()
    column = COLUMNS_BY_NAME.get(name)
    if column is None:
        return None
    return column.vocabulary or column.list_vocabulary


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


@cache
def _spellings(name: str) -> dict[str, str]:
    """casefolded, space-collapsed value -> ACLED's spelling, for one vocabulary column."""
    values = _vocabulary(name) or ()
    return {_key(v): v for v in values}


def _spell(name: str, value: str) -> str:
    """ACLED's spelling of a vocabulary value (or each token of source_scale); unchanged when it
    is already right or no spelling is known."""
    column = COLUMNS_BY_NAME[name]
    spellings = _spellings(name)
    if column.list_vocabulary and column.list_separator:
        tokens = [t.strip() for t in value.split(column.list_separator)]
        spelt = [spellings.get(_key(t)) for t in tokens]
        return column.list_separator.join(spelt) if all(spelt) else value  # type: ignore[arg-type]
    return spellings.get(_key(value), value)


def _legacy_tokens(name: str, value: str) -> str:
    """``value`` with each token an older export spelt another way given today's name
    (`vocab.LEGACY_LIST_TOKENS`), then spelt ACLED's way; unchanged when no token is legacy."""
    column = COLUMNS_BY_NAME[name]
    renames = vocab.LEGACY_LIST_TOKENS[name]
    tokens = [t.strip() for t in value.split(column.list_separator)]
    mapped = [renames.get(_key(t), t) for t in tokens]
    if mapped == tokens:
        return value
    return _spell(name, column.list_separator.join(mapped))


def _repair_distinct(frame: pd.DataFrame, name: str, log: R.RepairLog) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    from conflictkit.reference.countries import country_names, resolve_country

    original = frame[name]
    array = as_arrow(original)
    uniques = pc.unique(array).drop_null()
    if len(uniques) == 0:
        return
    allowed = set(_vocabulary(name) or ()) if name != "country" else set(country_names())
    changed: dict[str, tuple[str | None, int]] = {}
    for value in uniques.to_pylist():
        if value in allowed:
            continue
        text, bits = fix_value(value) if value else (None, 0)
        if text is not None and text not in allowed:
            if name == "country":
                acled = resolve_country(text)
                if acled is not None and acled != text:
                    text, bits = acled, bits | _BIT["country_renamed"]
            else:
                spelt = _spell(name, text)
                if spelt != text:
                    text, bits = spelt, bits | _BIT["recased"]
                if spelt not in allowed and name in vocab.LEGACY_LIST_TOKENS:
                    renamed = _legacy_tokens(name, spelt)
                    if renamed != spelt:
                        text, bits = renamed, bits | _BIT["legacy_token"]
        if text != value:
            changed[value] = (text, bits)
    if not changed:
        return
    keys = pa.array(list(changed), pa.large_string())
    position = pc.index_in(array, value_set=keys)
    hit = _np_bool(pc.is_valid(position))
    rows = np.flatnonzero(hit)
    which = position.filter(pa.array(hit)).to_numpy(zero_copy_only=False)
    outcomes = list(changed.values())
    _apply(frame, name, log, rows, [outcomes[i] for i in which])


# ---------------------------------------------------------------------------------------------
# shared
# ---------------------------------------------------------------------------------------------


def _apply(frame: pd.DataFrame, name: str, log: R.RepairLog, rows: np.ndarray,
           outcomes: list[tuple[str | None, int]]) -> None:
    """Put repaired values back at `rows` and record each kind of repair they needed."""
    import pandas as pd
    import pyarrow as pa

    original = frame[name]
    array = as_arrow(original)
    bits = np.fromiter((b for _, b in outcomes), dtype=np.int64, count=len(outcomes))
    new = [t for t, _ in outcomes]
    changed = np.fromiter((t != v for t, v in zip(new, take_rows(array, rows).to_pylist(),
                                                   strict=True)), dtype=bool, count=len(rows))
    if not changed.any():
        return
    rows, bits = rows[changed], bits[changed]
    new = [t for t, c in zip(new, changed, strict=True) if c]
    for kind in _BITS:
        has = (bits & _BIT[kind.code]) != 0
        if has.any():
            log.add(kind, name, rows[has], original)
    replaced = replace_rows(array, rows, pa.array(new, pa.large_string()))
    frame[name] = pd.Series(pd.array(replaced, dtype="str"), index=original.index,
                            name=original.name)


def _np_bool(array: Any) -> np.ndarray:
    import pyarrow.compute as pc

    return pc.fill_null(array, False).to_numpy(zero_copy_only=False).astype(bool, copy=False)
