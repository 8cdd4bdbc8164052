"""What kind of file a path is, from its first bytes and header line only (no full read).

`detect_file(path)` answers "parquet", "spreadsheet", the name of a registered import format
(with the era: "acled", "ucdp", see `registry.FORMATS`) or "unknown", with a sentence saying why;
``conflictkit.load`` and the CLI use it to pick a reader and to give a useful message for a file
of the wrong kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from conflictkit.builders.importers import encoding as enc
from conflictkit.builders.importers.eras import normalize_header
from conflictkit.builders.importers.registry import format_of, recognise
from conflictkit.builders.importers.table import sniff_container, split_line

_HEAD = 1 << 16
_MIN_SCORE = 0.3


@dataclass(frozen=True)
class FileKind:
    """kind: parquet | spreadsheet | an import format's name | unknown; era: the matched era."""

    kind: str
    era: str = ""
    label: str = ""
    reason: str = ""
    delimiter: str = ""


def detect_file(path: str | Path) -> FileKind:
    """Classify `path` without reading more than its first 64 KiB."""
    path = Path(path)
    if path.is_dir():
        return FileKind("unknown", reason="is a directory")
    with path.open("rb") as handle:
        head = handle.read(_HEAD)
    if not head.strip():
        return FileKind("unknown", reason="the file is empty")
    if head.startswith(b"PAR1"):
        return FileKind("parquet", reason="Parquet magic bytes")
    container = sniff_container(head, path)
    if container == "spreadsheet":
        return FileKind("spreadsheet", reason="a spreadsheet (XLSX/XLS)")
    if container != "text":
        return FileKind("unknown", reason=container)
    return detect_header(_first_line(head))


def _first_line(head: bytes) -> str:
    codec = enc.bom_encoding(head) or "utf-8"
    text = head.decode("utf-8-sig" if codec == "utf-8-sig" else codec, errors="replace")
    return text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")


def detect_header(line: str) -> FileKind:
    """Classify a header line (any delimiter among , ; tab |)."""
    best: tuple[int, str, list[str]] = (-1, ",", [])
    for delimiter in (",", ";", "\t", "|"):
        cells = split_line(line, delimiter)
        known = sum(1 for c in cells if normalize_header(c))
        if known > best[0]:
            best = (known, delimiter, cells)
    _, delimiter, cells = best
    header_map = recognise(cells)
    era = header_map.era
    if header_map.score < _MIN_SCORE or header_map.missing_essential:
        return FileKind("unknown", delimiter=delimiter,
                        reason=f"the header matches no known layout (closest: {era.label})")
    return FileKind(format_of(era).name, era.name, era.label, f"header matches {era.label}",
                    delimiter)
