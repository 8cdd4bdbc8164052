"""Header detection: which dataset and era a header is, however it is cased, ordered or extended."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from conflictkit.builders.importers.detect import detect_file, detect_header
from conflictkit.builders.importers.eras import API_V3, CURRENT, LEGACY, UCDP_GED
from conflictkit.builders.importers.registry import ERAS
from conflictkit.builders.importers.registry import recognise as detect_era
from conflictkit.schema.columns import COLUMN_NAMES


def test_each_era_is_recognised_from_its_own_header():
    for era in ERAS:
        assert detect_era(list(era.columns)).era is era


def test_legacy_names_map_to_todays_columns():
    header = [c.upper() for c in LEGACY.columns]
    found = detect_era(header)
    assert found.era is LEGACY
    targets = dict(zip(header, found.targets, strict=True))
    assert targets["ALLY_ACTOR_1"] == "assoc_actor_1"
    assert targets["GWNO"] is None and "gwno" in found.side.values()
    assert "source_scale" in found.missing_not_derived
    assert not found.extra


def test_api_v3_side_columns_are_not_reported_as_extra():
    found = detect_era(list(API_V3.columns))
    assert set(found.side.values()) == {"data_id", "event_id_no_cnty", "iso3"}
    assert not found.extra
    assert set(found.missing) == {"disorder_type", "civilian_targeting", "tags"}


def test_unknown_and_duplicate_columns():
    found = detect_era([*COLUMN_NAMES, "my_note", "notes"])
    assert found.era is CURRENT
    assert [found.header[p] for p in found.extra] == ["my_note"]
    assert [found.header[p] for p in found.duplicates] == ["notes"]


def _variants(era):
    def spell(name: str, style: int) -> str:
        return (name, name.upper(), name.title().replace("_", " "), f" {name} ")[style]

    return st.tuples(
        st.permutations(list(era.columns)),
        st.lists(st.integers(0, 3), min_size=len(era.columns), max_size=len(era.columns)),
        st.lists(st.sampled_from(["comment", "my_flag", "Unnamed: 40", "source_url"]),
                 max_size=3, unique=True),
    ).map(lambda t: [spell(n, s) for n, s in zip(t[0], t[1], strict=True)] + t[2])


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(ERAS).flatmap(lambda era: st.tuples(st.just(era), _variants(era))))
def test_shuffled_cased_and_extended_headers_keep_their_era(case):
    era, header = case
    found = detect_era(header)
    assert found.era is era
    assert not found.missing_essential
    assert len(found.extra) == len(header) - len(era.columns)


def test_detect_header_and_file(tmp_path):
    assert detect_header(",".join(UCDP_GED.columns)).kind == "ucdp"
    assert detect_header(";".join(COLUMN_NAMES)).era == "acled"
    assert detect_header("name,age,city").kind == "unknown"
    parquet = tmp_path / "x.parquet"
    parquet.write_bytes(b"PAR1" + b"\0" * 10)
    assert detect_file(parquet).kind == "parquet"
    blob = tmp_path / "x.csv"
    blob.write_bytes(bytes(range(256)) * 4)
    assert detect_file(blob).kind == "unknown"
