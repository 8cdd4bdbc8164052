"""Every real ACLED and UCDP export in ../shared/real imports with its counts adding up.

The files are read in place (never copied into the repository); the module is skipped when the
folder is absent. REAL_DATA_DIR overrides where it is. The synthetic fixtures of
test_import_repairs.py cover each defect found here for machines without the folder.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import pytest
from realdata import REAL, manifest

from conflictkit.builders.importers.registry import format_named
from conflictkit.problems.catalogue import CATALOGUE
from conflictkit.schema.validate import validate_events

FILES = manifest()
TODAY = dt.date(2026, 6, 1)


@cache
def _import(name: str):
    kind = "ucdp" if name.startswith("ucdp") else "acled"
    return format_named(kind).read(REAL / name, today=TODAY)


@pytest.mark.parametrize("entry", FILES, ids=[f["file"] for f in FILES])
def test_real_export_imports_with_counts_that_add_up(entry):
    result = _import(entry["file"])
    summary = result.report.summary()
    assert summary["records"] == int(entry["rows"])
    assert summary["accepted"] + summary["rejected"] == summary["records"]
    folded = result.meta["copies_merged"] + result.meta["versions_superseded"]
    assert len(result.events) == len(result.side) == summary["accepted"] - folded
    # rows are events in every file of the corpus: the contract is to keep >= 99% of them
    assert summary["accepted"] >= 0.99 * summary["records"], result.report.errors
    assert set(result.repairs["event_id_cnty"]) <= set(result.events["event_id_cnty"])
    assert set(result.report.problems["rule"]) <= set(CATALOGUE)
    assert result.meta["repairs"] == {
        k: v for k, v in result.repairs["repair"].value_counts(sort=False).items() if v}


@pytest.mark.parametrize("entry", FILES, ids=[f["file"] for f in FILES])
def test_what_an_import_writes_validates(entry):
    result = _import(entry["file"])
    # what an event may leave blank is keyed by its origin (schema.origins): with the import's
    # era, the import's output validates with no error at all
    errors = validate_events(result.events, today=TODAY, origins=result.meta["era"]).errors
    assert errors.empty, errors[["event_id", "column", "rule", "message"]].head(20)


def test_excel_resaved_ucdp_dates_are_read_month_first():
    """The Excel re-save writes days 13-31 as "1/22/2014 12:00:00 AM" and the rest as
    "05/02/2014 00:00"; both are month first. Its events carry the ISO dates of the API file."""
    excel, api = _import("ucdp_ged_excel_cp1252_ukraine.csv"), _import("ucdp_ged_2022_ukraine.csv")
    left = dict(zip(excel.side["ged_id"], excel.events["event_date"], strict=True))
    right = dict(zip(api.side["ged_id"], api.events["event_date"], strict=True))
    both = set(left) & set(right)
    same = sum(left[i] == right[i] for i in both)
    assert len(both) > 2500 and same >= 0.99 * len(both)
    assert any("MM/DD/YYYY" in note for note in excel.meta["ambiguous_dates"])


def test_known_defects_are_repaired_not_rejected():
    benin = _import("acled_current_numinter_2022_benin.csv")
    assert benin.meta["blank_markers"] == ["NA"] and benin.report.rejected == 0
    nigeria = _import("acled_v3_2021_nigeria.xlsx")
    assert nigeria.meta["repairs"]["whitespace"] >= 17
    somalia = _import("acled_current_2025_somalia.csv")  # civilian targeting of protesters
    assert somalia.report.rejected == 0
    algeria = _import("acled_legacy_2001_algeria.xlsx")  # malformed declared sheet range
    assert len(algeria.events) == 6
    for name in ("ucdp_ged_2022_ukraine.csv", "ucdp_ged_2015_ukraine_partial.csv"):
        assert _import(name).meta["repairs"].get("formula_prefix", 0) >= 1
    sudan = _import("acled_api2018_south_sudan.csv")
    assert sudan.meta["repairs"]["legacy_event_type"] == len(sudan.events)
