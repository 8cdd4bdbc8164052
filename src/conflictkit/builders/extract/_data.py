"""Load the extraction pattern tables (YAML package data under conflictkit/data/extract/).

Rules live in data files so a coder can extend them without touching code; this module reads
each file once per process.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def table(name: str) -> dict[str, Any]:
    """The parsed YAML table `data/extract/<name>.yaml`."""
    ref = resources.files("conflictkit") / "data" / "extract" / f"{name}.yaml"
    with ref.open("r", encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=_Loader)
    if not isinstance(data, dict):
        raise ValueError(f"extraction table {name}.yaml must be a mapping")
    return data


def alternation(words: list[str] | tuple[str, ...]) -> str:
    """A regex alternation of literal phrases, longest first so the longest phrase wins."""
    ordered = sorted({w for w in words if w}, key=len, reverse=True)
    return "|".join(re.escape(w) for w in ordered)


def words(text: str) -> frozenset[str]:
    """A set of whitespace-separated words (word lists read better as one string)."""
    return frozenset(text.split())
