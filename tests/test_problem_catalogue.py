"""Every problem code a report can carry is declared in the catalogue, and every declared one
can be carried.

The CLI runs as a user runs it over the example dataset, the broken examples, the importer
fixtures, a damaged release and ids assign; a hypothesis sweep feeds random records through
`validate`; each report's codes are collected and any code the catalogue does not declare
fails the test. The other way round, a declared code no module refers to is dead and fails too.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conflictkit.problems.catalogue import CATALOGUE, ProblemType
from conflictkit.problems.report import undeclared_codes

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "conflictkit"
EXAMPLES = ROOT / "examples"
IMPORT_FIXTURES = ROOT / "tests" / "fixtures" / "import"


def _codes(document: object) -> set[str]:
    """Every problem code anywhere in a JSON report."""
    found: set[str] = set()
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("rule"), str) and "severity" in item:
                found.add(item["rule"])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def ck_json(*args: str, cwd: Path) -> set[str]:
    run = subprocess.run([sys.executable, "-m", "conflictkit", *args, "--format", "json"],
                         cwd=cwd, capture_output=True, text=True, timeout=300)
    assert run.returncode in (0, 1), run.stderr
    return _codes(json.loads(run.stdout))


def test_every_code_in_the_cli_reports_is_declared(tmp_path: Path) -> None:
    dataset = tmp_path / "dataset"
    shutil.copytree(EXAMPLES / "dataset", dataset)
    seen = ck_json("validate", str(dataset), cwd=tmp_path)
    seen |= ck_json("validate", str(EXAMPLES / "bad"), cwd=tmp_path)
    for fixture in sorted(IMPORT_FIXTURES.iterdir()):
        kind = "ucdp" if fixture.name.startswith("ucdp") else "acled"
        seen |= ck_json("import", kind, str(fixture), "--today", "2025-01-01", cwd=tmp_path)
    shutil.copy(EXAMPLES / "incoming" / "syria-damascus-2018-04-14.yaml", dataset / "events")
    seen |= ck_json("ids", "assign", str(dataset), cwd=tmp_path)
    assert subprocess.run([sys.executable, "-m", "conflictkit", "release", str(dataset),
                           "--version", "1.0.0", "-q"], cwd=tmp_path).returncode == 0
    release = dataset / "releases" / "1.0.0"
    (release / "CHANGELOG.md").write_text("edited\n")
    (release / "extra.txt").write_text("not published\n")
    seen |= ck_json("verify", str(release), cwd=tmp_path)
    # the broken examples and the damaged release must have produced problems at all
    assert {"unknown_key", "sub_event_of_event_type", "checksum", "unlisted_file"} <= seen
    assert not seen - set(CATALOGUE), f"undeclared codes: {sorted(seen - set(CATALOGUE))}"


_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_VALUES = st.one_of(st.none(), _TEXT, st.integers(-10, 10**12), st.floats(allow_nan=True),
                    st.sampled_from(["Syria", "Battles", "Armed clash", "2018-02-07", "Rebel group",
                                     "=SUM(1)", " x ", "Civilians (Syria)", "1", "0", ""]))
_KEYS = st.sampled_from(["event_date", "country", "event_type", "sub_event_type", "actor1",
                         "actor2", "inter1", "inter2", "interaction", "fatalities", "latitude",
                         "longitude", "location", "admin1", "source", "source_scale", "notes",
                         "event_id_cnty", "year", "disorder_type", "civilian_targeting",
                         "time_precision", "geo_precision", "tags", "status", "fatalaties",
                         "source_url", "iso", "region"])


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(records=st.lists(st.dictionaries(_KEYS, _VALUES, max_size=12), min_size=1, max_size=6))
def test_random_records_report_only_declared_codes(tmp_path_factory, records) -> None:
    from conflictkit.builders.contributions import check_paths

    folder = tmp_path_factory.mktemp("sweep")
    (folder / "events.yaml").write_text(yaml.safe_dump(records, allow_unicode=True),
                                        encoding="utf-8")
    report = check_paths([folder]).report
    assert not undeclared_codes(report.problems)
    assert report.records == report.accepted + report.rejected


def test_every_declared_code_is_used_by_some_module() -> None:
    """A declared problem nobody can report is dead documentation."""
    source = "\n".join(p.read_text(encoding="utf-8") for p in SRC.rglob("*.py")
                       if p.name != "catalogue.py")
    names = {code: name for name, value in vars(sys.modules["conflictkit.problems.catalogue"])
             .items() if isinstance(value, ProblemType) for code in [value.code]}
    unused = [code for code, name in names.items()
              if not re.search(rf"\bP\.{name}\b", source)]
    assert not unused, f"declared but never reported: {unused}"


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_each_entry_is_complete(code: str) -> None:
    problem = CATALOGUE[code]
    assert problem.title and problem.description.endswith(".") and problem.template
    assert problem.scope in ("file", "record", "field")
    assert re.fullmatch(r"[a-z][a-z0-9_]*", code)
