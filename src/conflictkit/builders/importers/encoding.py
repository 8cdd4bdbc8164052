"""Which text encoding a delimited file uses: UTF-8 (with or without BOM), cp1252, or a mixture.

The common case costs nothing: the CSV reader validates UTF-8 itself, so the file is only scanned
here when that fails. The scan tells a cp1252 file (Excel on Windows) from a UTF-8 file with a
few corrupt bytes: cp1252 text almost never forms valid UTF-8 multi-byte sequences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

UTF8 = "utf-8"
CP1252 = "cp1252"
LATIN1 = "latin-1"
UTF8_REPLACED = "utf-8 (invalid bytes replaced)"

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_NON_ASCII = re.compile(rb"[\x80-\xff]")
# Bytes cp1252 leaves undefined: a file holding them is not cp1252.
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_CHUNK = 1 << 24


@dataclass(frozen=True)
class EncodingGuess:
    """The encoding to read with and, when it is not plain UTF-8, why."""

    encoding: str
    reason: str = ""

    @property
    def lossy(self) -> bool:
        return self.encoding == UTF8_REPLACED


def bom_encoding(head: bytes) -> str | None:
    """Encoding announced by a byte-order mark at the start of the file, if any; for UTF-16
    without one (some Windows tools write it so), the byte order its NUL bytes show."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return utf16_without_bom(head)


UTF16_LE = "utf-16-le"
UTF16_BE = "utf-16-be"
UTF16 = ("utf-16", UTF16_LE, UTF16_BE)


def utf16_without_bom(head: bytes) -> str | None:
    """"utf-16-le"/"utf-16-be" when the first bytes are ASCII text written as UTF-16 (every
    other byte NUL, on the same side), else None."""
    sample = head[:4096]
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 16 or sample.count(0) * 3 < len(sample):
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) <= 0.1 * len(even):
        return UTF16_LE
    if even.count(0) >= 0.9 * len(even) and odd.count(0) <= 0.1 * len(odd):
        return UTF16_BE
    return None


def is_utf8(path: Path) -> bool:
    """Whether the whole file decodes as UTF-8 (slow path: only after a failed read)."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def guess_non_utf8(path: Path) -> EncodingGuess:
    """Called when a file is not valid UTF-8: cp1252, latin-1, or UTF-8 with corrupt bytes.

    Counts the non-ASCII bytes that form valid UTF-8 sequences. In a UTF-8 file with a few bad
    bytes most do; in cp1252 text (an accented letter followed by ASCII) almost none do. A
    sequence cut by a chunk boundary is miscounted, which cannot move the ratio.
    """
    in_sequences = 0
    non_ascii = 0
    undefined = False
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            if chunk.isascii():
                continue
            in_sequences += sum(len(m) for m in _UTF8_SEQUENCE.findall(chunk))
            non_ascii += len(_NON_ASCII.findall(chunk))
            undefined = undefined or bool(_CP1252_UNDEFINED.search(chunk))
    if non_ascii and in_sequences * 2 >= non_ascii:
        bad = non_ascii - in_sequences
        return EncodingGuess(UTF8_REPLACED, f"UTF-8 with {bad} invalid bytes (shown as U+FFFD)")
    if undefined:
        return EncodingGuess(LATIN1, "not UTF-8 and holds bytes cp1252 leaves undefined")
    return EncodingGuess(CP1252, "not valid UTF-8; read as Windows-1252 (cp1252)")
