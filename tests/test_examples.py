"""The example dataset is valid and complete; each bad example is rejected for its reason."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from conflictkit.builders.ids import assign_ids
from conflictkit.cli import main
from conflictkit.schema.vocab import EVENT_TYPES

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DATASET = EXAMPLES / "dataset"
SEED = DATASET / "events" / "2018" / "syria-deir-ez-zor-coalition-strikes.yaml"

# file -> (column, rule) the rejection must name
BAD = {
    "typo-key.yaml": ("fatalaties", "unknown_key"),
    "wrong-sub-event.yaml": ("sub_event_type", "sub_event_of_event_type"),
    "bad-date.csv": ("event_date", "type"),
    "impossible-interaction.yaml": ("interaction", "vocabulary"),
    "formula-injection.csv": ("source", "no_formula_prefix"),
    "wrong-disorder-type.yaml": ("disorder_type", "disorder_of_sub_event"),
    "wrong-region.yaml": ("region", "region_of_country"),
    "inter-without-actor.json": ("inter2", "inter_blank_iff_actor_blank"),
    "bad-source-scale.yaml": ("source_scale", "list_tokens"),
    "bad-event-id.yaml": ("event_id_cnty", "id_pattern"),
    "bad-date.json": ("event_date", "type"),
}


def validate_json(paths: list[Path], monkeypatch, capsys) -> tuple[int, dict]:
    pytest.importorskip("conflictkit.schema.validate")
    pytest.importorskip("conflictkit.builders.contributions")
    monkeypatch.setattr(sys, "argv", ["conflictkit", "validate", *map(str, paths),
                                      "--format", "json"])
    with pytest.raises(SystemExit) as stop:
        main()
    return int(stop.value.code or 0), json.loads(capsys.readouterr().out)


def test_example_dataset_is_valid(monkeypatch, capsys) -> None:
    code, report = validate_json([DATASET], monkeypatch, capsys)
    assert code == 0, report["problems"]
    assert report["summary"]["records"] >= 13
    assert report["summary"]["rejected"] == 0
    assert report["summary"]["warnings"] == 0, report["problems"]


def test_example_dataset_covers_the_vocabulary() -> None:
    from conflictkit.builders.contributions import read_dataset

    events = read_dataset(DATASET).events
    assert set(events["event_type"]) == set(EVENT_TYPES)
    assert events["sub_event_type"].nunique() >= 10
    assert events["country"].nunique() >= 10
    assert events["region"].nunique() >= 6
    assert events["inter1"].nunique() + events["inter2"].nunique() >= 8
    assert events["event_id_cnty"].notna().all() and events["event_id_cnty"].is_unique
    suffixes = {p.suffix for p in (DATASET / "events").rglob("*") if p.is_file()}
    assert {".yaml", ".csv"} <= suffixes


def test_seed_event_is_coded_as_acled_would() -> None:
    event = yaml.safe_load(SEED.read_text())
    assert str(event["event_date"]) == "2018-02-07"
    assert (event["event_type"], event["sub_event_type"]) == ("Explosions/Remote violence",
                                                              "Air/drone strike")
    assert event["fatalities"] == 100
    assert event["country"] == "Syria" and event["admin1"] == "Deir ez Zor"
    assert event["geo_precision"] == 3
    assert event["source"] == "Deutsche Welle; Reuters; dpa"
    assert event["notes"].startswith("On 7 February 2018,")
    assert "Manbij" not in event["location"]
    article = DATASET / "articles" / "2018-02-08-dw-us-led-coalition-attacks-pro-assad-fighters.txt"
    assert "US-led coalition" in article.read_text()


def test_seed_actors_are_acled_names() -> None:
    from conflictkit.reference.actors import ActorRegistry

    event = yaml.safe_load(SEED.read_text())
    registry = ActorRegistry.default()
    assert registry.inter_code(event["actor1"], "Syria") == 8  # External/Other forces
    assert registry.inter_code(event["actor2"], "Syria") == 1  # State forces
    assert registry.lookup(event["assoc_actor_1"]) is not None


def test_ids_are_already_assigned() -> None:
    result = assign_ids(DATASET, dry_run=True)
    assert result.assignments == [] and result.report.ok


def test_incoming_event_gets_the_next_id(tmp_path: Path) -> None:
    copy = tmp_path / "dataset"
    shutil.copytree(DATASET, copy)
    incoming = EXAMPLES / "incoming" / "syria-damascus-2018-04-14.yaml"
    shutil.copy(incoming, copy / "events" / incoming.name)
    result = assign_ids(copy)
    # the dataset's own events are numbered in their own range, above every imported one
    assert [a.event_id for a in result.assignments] == ["SYR900000001"]
    before = incoming.read_text().splitlines()
    after = (copy / "events" / incoming.name).read_text().splitlines()
    assert [line for line in after if line not in before] == ["event_id_cnty: SYR900000001"]
    assert [line for line in after if line != "event_id_cnty: SYR900000001"] == before


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_example_is_rejected_for_its_reason(name: str, monkeypatch, capsys) -> None:
    code, report = validate_json([EXAMPLES / "bad" / name], monkeypatch, capsys)
    assert code == 1
    assert report["summary"] == {**report["summary"], "records": 1, "rejected": 1}
    column, rule = BAD[name]
    hits = [p for p in report["problems"] if p["column"] == column and p["rule"] == rule]
    assert hits, report["problems"]
    assert hits[0]["file"].endswith(name) and hits[0]["line"] > 0
    assert hits[0]["message"]


def test_every_bad_example_is_listed() -> None:
    assert {p.name for p in (EXAMPLES / "bad").iterdir()} == set(BAD)
