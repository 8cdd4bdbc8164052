"""The release report in a real browser: headless Chromium opens it from disk and must see no
console error, no failed request and no request outside the page; every chart must take up
space; a full-page screenshot is kept in the test's temporary folder for a person to look at.

Skipped when no Chromium is installed (`.ci/run` installs Debian's). The harness is checked
too: a page with a console error, an exception and a blocked request must be caught.
"""

from __future__ import annotations

import shutil
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from headless import Chromium, find_chromium

from conflictkit.builders.ids import assign_ids
from conflictkit.builders.release.build import build_release
from conflictkit.builders.release.gather import release_dataset
from conflictkit.builders.report import write_report

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None,
                                reason="Chromium is not installed (.ci/run installs it)")
PROBES = {
    # width and height of every chart as laid out
    "charts": "Array.from(document.querySelectorAll('svg.chart'))"
              ".map(s => { const r = s.getBoundingClientRect(); return [r.width, r.height]; })",
    "overflow": "document.documentElement.scrollWidth - window.innerWidth",
    "sections": "Array.from(document.querySelectorAll('h2')).map(h => h.textContent)",
}


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    assert CHROMIUM is not None
    with Chromium(CHROMIUM, tmp_path_factory.mktemp("chromium-profile")) as chromium:
        yield chromium


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def _example_releases(root: Path) -> Path:
    """The example dataset released twice, as `make demo` does: 1.0.0 with the incoming
    Damascus event, 1.1.0 without it and with a revised fatality count."""
    dataset = root / "dataset"
    shutil.copytree(EXAMPLES / "dataset", dataset)
    for incoming in (EXAMPLES / "incoming").glob("*.yaml"):
        shutil.copy(incoming, dataset / "events" / incoming.name)
    assign_ids(dataset)
    release_dataset(dataset, version="1.0.0", timestamp=1_700_000_000)
    for path in (dataset / "events").glob("syria-damascus-*.yaml"):
        path.unlink()
    africa = dataset / "events" / "africa.yaml"
    africa.write_text(africa.read_text().replace("fatalities: 86", "fatalities: 88"))
    release_dataset(dataset, version="1.1.0", timestamp=1_700_086_400)
    return dataset / "releases"


def test_the_report_opens_cleanly_in_chromium(browser: Chromium, tmp_path: Path) -> None:
    releases = _example_releases(tmp_path)
    page = tmp_path / "report.html"
    write_report(releases / "1.1.0", page, previous=releases / "1.0.0")
    visit = browser.visit(page.as_uri(), screenshot=tmp_path / "report.png", probes=PROBES)
    assert visit.problems == []
    assert visit.requests == [page.as_uri()]  # the page itself, nothing else
    assert visit.facts["sections"] == ["In numbers", "Over time", "Where", "Who", "What",
                                       "Data quality", "Changes since 1.0.0"]
    assert len(visit.facts["charts"]) == 7
    for width, height in visit.facts["charts"]:
        assert width > 300 and height > 100
    assert visit.facts["overflow"] <= 0, "the page is wider than the window"
    width, height = _png_size(tmp_path / "report.png")
    assert width == 1280 and height > 4000


def test_a_report_without_events_opens_cleanly(browser: Chromium, tmp_path: Path) -> None:
    from test_release_fixtures import make_events

    build_release(make_events(0), None, root=tmp_path / "r", version="1.0.0",
                  timestamp=1_700_000_000)
    page = tmp_path / "empty.html"
    write_report(tmp_path / "r" / "1.0.0", page)
    visit = browser.visit(page.as_uri(), screenshot=tmp_path / "empty.png", probes=PROBES)
    assert visit.problems == [] and visit.requests == [page.as_uri()]
    assert visit.facts["charts"] == [] and visit.facts["overflow"] <= 0


def test_the_harness_sees_errors_and_blocked_requests(browser: Chromium, tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" "
        "content=\"default-src 'none'; script-src 'unsafe-inline'\"></head><body>"
        "<img src=\"http://127.0.0.1:9/x.png\">"
        "<script>console.error('boom'); no_such_function();</script></body></html>")
    visit = browser.visit(bad.as_uri())
    text = "\n".join(visit.problems)
    assert "console.error: boom" in text
    assert "uncaught exception" in text and "no_such_function" in text
    assert "Content Security Policy" in text or "csp" in text.lower()
