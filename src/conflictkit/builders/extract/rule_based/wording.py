"""How a sentence is written, as far as telling an act goes: a word inside a quotation or a
name, a question, direct speech. The extractor reads these before it believes a trigger word.
"""

from __future__ import annotations

import re

from conflictkit.builders.extract._data import words

# capitalised words that open a sentence or name a day, a month, a number or a force: not names
NOT_NAMES = words(
    "A An The He She They It His Her Their Its We I Police Officers Authorities Security Troops "
    "Soldiers Army Military Government Monday Tuesday Wednesday Thursday Friday Saturday Sunday "
    "January February March April May June July August September October November December "
    "Today Yesterday Earlier Later Also One Two Three Four Five Six Seven Eight Nine Ten "
    "Several Many Some Dozens Hundreds Thousands Most All Both")


def inside_quotes(sentence: str, start: int) -> bool:
    """Whether a position falls inside a quotation opened in the same sentence."""
    before = sentence[:start]
    opened = before.count("“") - before.count("”")
    straight = before.count('"')
    return opened > 0 or straight % 2 == 1


def in_a_name(sentence: str, start: int) -> bool:
    """Whether a word written with a capital inside a sentence is part of a name."""
    return start > 0 and sentence[start].isupper() and not re.search(r"[.!?:\"“]\s*$",
                                                                     sentence[:start])


def is_question(sentence: str) -> bool:
    """A question reports nothing ("How will I forgive those who killed my sons?")."""
    return sentence.rstrip(" \"'”’)").endswith("?")


def is_quoted(sentence: str) -> bool:
    """Direct speech: the sentence opens with a quotation mark, closes a quotation opened in an
    earlier sentence, or is a quote with its speaker after it ('"...," he added.'). Speech
    reports an event only when it dates it itself."""
    text = sentence.strip()
    closing = text.endswith(("\"", "”")) and not re.search(r"[\"“]\S", text[:-1])
    speaker = re.search(r"[,.!?][\"”’']\s+(?:\w+\s+){0,4}(?:said|added|says|told|asked)\b",
                        text)
    return closing or text[:1] in "\"“‘'" or bool(speaker)
