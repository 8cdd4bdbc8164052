"""Extraction end to end: the seed article, event rules, bad input, the CLI, the LLM hook."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from conflictkit.builders.extract import extract_file, extract_text
from conflictkit.builders.extract.output import dump, to_records

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
SEED = FIXTURES / "000_cfafe1ee503a0362.txt"


@pytest.fixture(scope="module")
def seed():
    return extract_file(SEED)


def test_seed_strike(seed):
    strikes = [e.fields for e in seed.events
               if e.fields["sub_event_type"] in ("Air/drone strike", "Armed clash")]
    assert strikes, [e.fields for e in seed.events]
    event = strikes[0]
    assert event["event_date"] == date(2018, 2, 7)
    assert event["time_precision"] == 1
    assert event["actor1"] == "Global Coalition Against Daesh"
    assert event["actor2"] in ("Militia (Pro-Government)", "Military Forces of Syria (2000-)")
    assert event["fatalities"] == 100
    assert event["country"] == "Syria"
    assert event["source"] == "Deutsche Welle; Reuters; dpa"
    assert event["geo_precision"] == 3
    assert event["location"] != "Manbij" and event["admin1"] is None


def test_seed_record_is_a_candidate_with_provenance(seed):
    record = to_records(seed)[0]
    assert record["status"] == "candidate"
    assert "location" in record["comment"]
    text = seed.article.text
    for field_name, ev in record["provenance"].items():
        assert 0 <= ev["start"] <= ev["end"] <= len(text), field_name
        assert 0 < ev["confidence"] <= 1
    span = record["provenance"]["fatalities"]
    assert "100" in text[span["start"]:span["end"]]
    assert set(record) - {"status", "source_url", "source_published", "coder", "provenance",
                          "comment"} <= set(__import__(
                              "conflictkit.schema.columns", fromlist=["x"]).COLUMN_NAMES)


def _one(text: str, published: date):
    result = extract_text(text, published=published)
    assert len(result.events) == 1, [e.fields for e in result.events]
    return result.events[0].fields


def test_civilians_attacked_by_gunmen():
    event = _one("Gunmen attacked the village of Bokkos in Plateau State on Monday, killing "
                 "17 villagers, police said.", date(2023, 1, 24))
    assert event["sub_event_type"] == "Attack"
    assert event["actor1"] == "Unidentified Armed Group (Nigeria)"
    assert event["actor2"] == "Civilians (Nigeria)"
    assert event["civilian_targeting"] == "Civilian targeting"
    assert (event["event_date"], event["fatalities"]) == (date(2023, 1, 23), 17)
    assert (event["location"], event["geo_precision"]) == ("Bokkos", 1)


def test_protest_dispersed_with_tear_gas():
    event = _one("Police fired tear gas to disperse hundreds of protesters in Lahore on "
                 "Wednesday.", date(2022, 5, 26))
    assert event["sub_event_type"] == "Protest with intervention"
    assert event["actor1"] == "Protesters (Pakistan)"
    assert event["actor2"].startswith("Police Forces of Pakistan")
    assert event["fatalities"] == 0


def test_fighting_over_days_is_one_event_per_day_with_split_toll():
    result = extract_text("Soldiers and rebels clashed in Omdurman, Sudan from Monday to "
                          "Wednesday, leaving 31 people dead.", published=date(2023, 5, 18))
    days = [(e.fields["event_date"], e.fields["fatalities"]) for e in result.events]
    assert days == [(date(2023, 5, 15), 11), (date(2023, 5, 16), 10), (date(2023, 5, 17), 10)]


def test_region_only_is_precision_three_for_review():
    event = _one("Gunmen killed four farmers in Zamfara state on Friday.", date(2021, 2, 27))
    assert event["admin1"] == "Zamfara" and event["geo_precision"] == 3


@pytest.mark.parametrize("text", [
    "", "   \n\n", "<html><body><div><span></span></div></body></html>",
    "European Union ministers agreed on Monday to extend sanctions, diplomats said.",
    "Des hommes armés ont attaqué le village de Seytenga dans la nuit de samedi à dimanche, "
    "tuant au moins 79 civils, selon le gouvernement.",
])
def test_no_event_inputs_give_an_empty_result_and_a_reason(text):
    result = extract_text(text, published=date(2022, 6, 13))
    assert result.events == []
    assert result.warnings


def test_cli_extract_json_and_bad_input(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("date: 2023-01-24\noutlet: Premium Times\n\nGunmen killed 5 villagers "
                       "in Bokkos on Monday.\n", encoding="utf-8")
    binary = tmp_path / "b.bin"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    run = subprocess.run([sys.executable, "-m", "conflictkit.cli", "extract", str(article),
                          "--format", "json"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    records = json.loads(run.stdout)
    assert records[0]["event_date"] == "2023-01-23" and records[0]["source"] == "Premium Times"
    run = subprocess.run([sys.executable, "-m", "conflictkit.cli", "extract", str(binary)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1 and "binary" in run.stderr and "Traceback" not in run.stderr
    run = subprocess.run([sys.executable, "-m", "conflictkit.cli", "extract",
                          str(tmp_path / "missing.txt")], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 2 and "no such file" in run.stderr
    run = subprocess.run([sys.executable, "-m", "conflictkit.cli", "extract", "-",
                          "--published", "2023-01-24"], input="Troops clashed with rebels in "
                         "Goma on Sunday.", capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and yaml.safe_load(run.stdout)[0]["event_date"] == date(
        2023, 1, 22)


def test_output_reads_back_as_a_contribution(tmp_path):
    """`conflictkit validate` reads the file: only the ID and review items are missing."""
    contributions = pytest.importorskip("conflictkit.builders.contributions")
    result = extract_text("Gunmen killed 5 villagers in Bokkos, Nigeria on Monday.",
                          published=date(2023, 1, 24))
    path = tmp_path / "candidates.yaml"
    path.write_text(dump(to_records(result)), encoding="utf-8")
    batch = contributions.read_contributions([path])
    rules = set(batch.report.problems["rule"])
    assert "unknown_key" not in rules and "type" not in rules, batch.report.problems
    assert batch.report.summary()["records"] == 1


def test_llm_extractor_uses_the_endpoint_answer(monkeypatch):
    from conflictkit.builders.extract import llm

    answer = {"events": [{"event_date": "2018-02-07", "time_precision": 1,
                          "event_type": "Explosions/Remote violence",
                          "sub_event_type": "Air/drone strike", "actor1": "US-led coalition",
                          "actor2": "pro-government forces", "fatalities": "100",
                          "country": "Syria", "evidence": {"event_date": 2, "fatalities": 0}}]}
    seen = {}

    def fake_post(self, payload):
        seen.update(payload)
        return {"choices": [{"message": {"content": json.dumps(answer)}}]}

    monkeypatch.setattr(llm.LLMExtractor, "_post_once", fake_post)
    extractor = llm.LLMExtractor("http://localhost:9/v1", "test-model")
    result = extract_file(SEED, extractor=extractor)
    assert seen["model"] == "test-model" and "[2]" in seen["messages"][0]["content"]
    event = result.events[0]
    assert event.fields["actor1"] == "Global Coalition Against Daesh"
    assert event.fields["fatalities"] == 100
    assert event.provenance["event_date"].sentence == result.article.sentences[2].text
    assert to_records(result)[0]["coder"] == "conflictkit extract (llm)"


def test_llm_extractor_needs_configuration_and_reports_network_errors(monkeypatch):
    from conflictkit.builders.extract import llm
    from conflictkit.errors import ConflictkitError, UsageError

    monkeypatch.delenv("CONFLICTKIT_LLM_BASE_URL", raising=False)
    with pytest.raises(UsageError):
        llm.LLMExtractor.from_env()
    extractor = llm.LLMExtractor("http://127.0.0.1:9/v1", "m", timeout=2, retries=0)
    with pytest.raises(ConflictkitError, match="unreachable|HTTP"):
        extract_file(SEED, extractor=extractor)


@pytest.mark.parametrize("text", [
    "Gunmen kill 12 in Kano market attack",  # a headline only
    "<html><head><script>var x = '<p>killed 5</p>';</script></head><body><div><p>Soldiers "
    "clashed with rebels in Goma on Monday.<p>Read more: other news</div></body></html>",
    "12 34 56 2023-01-01 99",
    "\u200b\u202e\ufeff" * 50,
    "title: only a header\ndate: 2023-01-02\n---\n",
    ("Police said gunmen killed 3 people in Kano on Monday. " * 600),  # a long, repetitive page
])
def test_odd_input_never_breaks_the_extractor(text):
    result = extract_text(text, published=date(2023, 1, 3))
    assert isinstance(result.events, list)
    assert result.events or result.warnings
    to_records(result)


def test_five_megabytes_of_text_are_refused_with_a_clear_message():
    from conflictkit.builders.extract import ArticleError

    with pytest.raises(ArticleError, match="not one news article"):
        extract_text("word " * 1_000_000, published=date(2023, 1, 3))
