"""Where the real ACLED and UCDP files are (``../shared/real`` beside the checkout, or
``$REAL_DATA_DIR``) and their manifest. They are never copied into the repository: a test
module that needs them skips cleanly when they are absent."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REAL = Path(os.environ.get("REAL_DATA_DIR", ROOT.parent / "shared" / "real"))


def manifest() -> list[dict[str, str]]:
    """The corpus's MANIFEST.csv rows; skips the calling test module when there is none."""
    if not (REAL / "MANIFEST.csv").is_file():
        pytest.skip(f"real-data corpus not found at {REAL}", allow_module_level=True)
    with open(REAL / "MANIFEST.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
