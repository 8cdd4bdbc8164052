"""The event IDs of a contribution file and their lines, read cheaply.

`validate --dataset` (the pre-commit hook) needs only the IDs of the files that did not change,
for the duplicate-ID check. Parsing YAML event by event costs about as much as the full reader
(libyaml's event stream is most of it: ~7 s for 100k events), while the IDs of a block-style
YAML file (the style `ids assign` writes and the template shows) can be read line by line.

The line scan is used only when the file vouches for it: every occurrence of ``event_id_cnty``
is a ``key: value`` line of a block mapping (so no flow-style record or quoted key hides an ID,
and no note or comment mentions it) and every value is a plain or simply quoted scalar. Any
other file, and every CSV and JSON file, goes through its reader. The scan can still see an ID
where the parser would not (a line inside a block or multi-line quoted note that reads like the
key), never miss one the parser sees; so `batch.dataset_ids` reads any scanned file whose IDs
meet the checked ones with the reader before it names it. Each ID comes with the line of its
``event_id_cnty`` key, as the reader reports problems about that column.
"""

from __future__ import annotations

import re

ID = "event_id_cnty"
# the key and the rest of its line (the regex engine finds the literal fast); what precedes it
# on the line must be indentation and list dashes
_KEY = re.compile(rf"{ID}[ \t]*:(?:[ \t]+([^\r\n]*?))?[ \t]*\r?$", re.MULTILINE)
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
# a plain scalar may not start with these (YAML indicators); such a value needs the parser
_INDICATORS = frozenset("[]{}&*!|>%@`,?:-#")


def _scalar(text: str | None) -> tuple[bool, str | None]:
    """(understood, value) of the text after ``event_id_cnty:`` on a line."""
    if text is None:
        return True, None
    if text[0] not in _INDICATORS and text[0] not in "\"'~" and "#" not in text \
            and ": " not in text and text not in _NULLS and not text.endswith(":"):
        return True, text  # the usual plain ID
    if text[0] in "\"'":
        quote = text[0]
        end = text.find(quote, 1)
        while quote == "'" and end >= 0 and text[end + 1:end + 2] == "'":  # '' is one quote
            end = text.find(quote, end + 2)
        if end < 0 or (quote == '"' and "\\" in text[:end]):
            return False, None
        rest = text[end + 1:].strip()
        if rest and not rest.startswith("#"):
            return False, None
        value = text[1:end]
        return True, value.replace("''", "'") if quote == "'" else value
    value = re.split(r"[ \t]#", text, maxsplit=1)[0].rstrip()
    if value in _NULLS:
        return True, None
    if value[0] in _INDICATORS or ": " in value or value.endswith(":"):
        return False, None
    return True, value


def scan_yaml_ids(text: str) -> tuple[list[str | None], list[int]] | None:
    """IDs and their lines from block-style YAML text; None when the text does not vouch for
    a line scan (the caller then parses it)."""
    found = list(_KEY.finditer(text))
    if len(found) != text.count(ID):
        return None  # an occurrence that is not a key line: a flow record, a note, a comment
    ids: list[str | None] = []
    lines: list[int] = []
    line, at = 1, 0
    for match in found:
        start = match.start()
        begin = text.rfind("\n", 0, start) + 1
        if text[begin:start].strip(" \t-"):
            return None  # a quoted key, a comment, a value before it on the line
        understood, value = _scalar(match.group(1))
        if not understood:
            return None
        line += text.count("\n", at, begin)
        at = begin
        ids.append(value)
        lines.append(line)
    return ids, lines
