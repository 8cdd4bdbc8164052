"""ImportWriter: the output written while the import is checked is the output of the result."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from conflictkit.builders.importers.acled import read_acled
from conflictkit.builders.importers.output import ImportWriter, write_import
from conflictkit.layout.dataset import is_sidecar, sidecar_path

FIXTURES = Path(__file__).parent / "fixtures" / "import"


@pytest.mark.parametrize("fixture", ["acled_current.csv", "acled_legacy.csv"])
def test_early_write_equals_a_write_after_the_checks(tmp_path, fixture):
    with ImportWriter(tmp_path / "early.parquet") as writer:
        early = read_acled(FIXTURES / fixture, writer=writer)
        writer.commit(early)
    late = read_acled(FIXTURES / fixture)
    write_import(late, tmp_path / "late.parquet")
    for name in ("{}.parquet", "{}.provenance.parquet", "{}.repairs.parquet"):
        a = pq.read_table(tmp_path / name.format("early")).to_pandas()
        b = pq.read_table(tmp_path / name.format("late")).to_pandas()
        pd.testing.assert_frame_equal(a, b)
    assert len(pq.read_table(tmp_path / "early.parquet")) == len(early.events)


def test_an_import_that_fails_after_begin_leaves_no_temporary_file(tmp_path):
    with pytest.raises(RuntimeError), ImportWriter(tmp_path / "out.parquet") as writer:
        result = read_acled(FIXTURES / "acled_current.csv", writer=writer)
        assert len(result.events)
        raise RuntimeError("the caller gave up before commit")
    assert list(tmp_path.iterdir()) == []


def test_sidecars_sit_beside_the_events_and_are_never_batches():
    assert sidecar_path(Path("d/x.parquet"), "provenance") == Path("d/x.provenance.parquet")
    assert sidecar_path(Path("d/x"), "provenance") == Path("d/x.provenance.parquet")
    assert sidecar_path(Path("d/x.parquet"), "repairs") == Path("d/x.repairs.parquet")
    for name in ("x.provenance.parquet", "x.repairs.parquet"):
        assert is_sidecar(Path("d") / name)
    assert not is_sidecar(Path("d/x.parquet"))
    with pytest.raises(ValueError, match="unknown sidecar"):
        sidecar_path(Path("d/x.parquet"), "notes")
