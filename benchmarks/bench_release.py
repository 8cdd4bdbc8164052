"""Benchmark: building a release of 3M events from a previous 3M-event release plus 10k new or
changed events, against the floor measured side by side in the same run.

- build: `conflictkit.builders.release.build_release(frame, side, ...)` on the current
  dataset, given as a pre-built canonical frame (the Python API, not 10k YAML files: reading
  contribution files is bench_contrib_validate.py's). It validates every event, reads and checks the
  previous release, compares all 3M events column by column, assigns timestamps, sorts, and
  writes every release file (events.parquet, events.csv, deletions.csv, provenance.parquet,
  repairs.parquet, report.html, CHANGELOG.md, codebook.md, datapackage.json and SHA256SUMS;
  fsync'd, renamed into place).
- floor: pyarrow reading the previous events.parquet, then writing Parquet (zstd, the release's
  row-group size) and CSV of the result (the current events), with no checks.

Each measurement is a fresh child process that first loads the current frame from a Parquet
file (not timed, the same in both), then times its work; peak memory is the child's VmHWM (so
it includes the 3M-event frame the build receives). Runs alternate build/floor so machine
noise hits both alike. Target: build <= 1.5x floor, peak memory <= 4 GiB.

    .venv/bin/python benchmarks/bench_release.py                    # 3M events, 2 runs each
    .venv/bin/python benchmarks/bench_release.py --rows 200000 --runs 1   # quick look
    .venv/bin/python benchmarks/bench_release.py --validate full  # re-check all 3M events
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET_RATIO = 1.5
TARGET_GIB = 4.0
T_PREVIOUS = 1_704_067_200  # 2024-01-01, the previous release
T_BUILD = 1_706_745_600  # 2024-02-01, the release being timed
PREVIOUS = "1.0.0"
VERSION = "1.1.0"


def _peak_mib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return -1


def prepare(workdir: Path, rows: int, changes: int, seed: int) -> dict:
    """Once per (rows, changes, seed): the previous release and the current dataset."""
    from conflictkit.builders.release.metadata import rules_fingerprint

    meta_path = workdir / "meta.json"
    fingerprint = rules_fingerprint()  # a previous release built by other code is rebuilt
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text())
        if (meta.get("rows"), meta.get("changes"), meta.get("seed"),
                meta.get("fingerprint")) == (rows, changes, seed, fingerprint):
            return meta
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    sys.path.insert(0, str(HERE))
    import numpy as np
    import pandas as pd
    import pyarrow.parquet as pq
    from generate import generate_events

    from conflictkit.builders.release.build import build_release
    from conflictkit.layout.release import read_events
    from conflictkit.schema.arrow import from_arrow_table, to_arrow_table

    started = time.perf_counter()
    events = generate_events(rows, seed=seed)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    build_release(events, None, root=workdir / "releases", version=PREVIOUS,
                  timestamp=T_PREVIOUS, partition="none")
    first_build = time.perf_counter() - started
    del events

    # the current dataset: the previous release's events with half of `changes` edited and
    # half new, and a tenth as many deleted
    current = from_arrow_table(read_events(workdir / "releases" / PREVIOUS))
    rng = np.random.default_rng(seed + 1)
    edited = rng.choice(len(current), size=changes // 2, replace=False)
    current.loc[edited, "fatalities"] = current.loc[edited, "fatalities"] + 1
    deleted = rng.choice(np.setdiff1d(np.arange(len(current)), edited), size=changes // 10,
                         replace=False)
    current = current.drop(index=deleted)
    new = generate_events(changes - changes // 2, seed=seed + 2)
    new["event_id_cnty"] = (new["event_id_cnty"].str.extract(r"^([A-Z]+)", expand=False)
                            + pd.Series(np.arange(len(new)) + 90_000_000).astype("str"))
    current = pd.concat([current, new], ignore_index=True)
    current["timestamp"] = pd.array([pd.NA] * len(current), dtype="Int64")
    pq.write_table(to_arrow_table(current), workdir / "current.parquet")
    meta = {"rows": rows, "changes": changes, "seed": seed, "fingerprint": fingerprint,
            "current_rows": len(current),
            "edited": len(edited), "added": len(new), "deleted": len(deleted),
            "generate_seconds": round(generated, 1), "first_build_seconds": round(first_build, 1),
            "previous_parquet_bytes": (workdir / "releases" / PREVIOUS / "events.parquet")
            .stat().st_size,
            "previous_csv_bytes": (workdir / "releases" / PREVIOUS / "events.csv").stat().st_size}
    meta_path.write_text(json.dumps(meta))
    return meta


def child(kind: str, workdir: Path, partition: str, validate: str) -> None:
    """One timed measurement; prints a JSON line {seconds, peak_mib, ...} on stdout."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    from conflictkit.schema.arrow import from_arrow_table

    frame = from_arrow_table(pq.read_table(workdir / "current.parquet"))
    pa.default_memory_pool().release_unused()  # the read's freed buffers, before timing
    side = pd.DataFrame({"file": pd.Series(["imports/acled.parquet"] * len(frame), dtype="str"),
                         "line": pd.RangeIndex(2, len(frame) + 2)})
    out = workdir / "out"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    result: dict = {}
    if kind == "build":
        from conflictkit.builders.release.build import build_release

        root = workdir / "releases"
        target = root / VERSION
        if target.exists():  # a previous run's release: make way (never done by the library)
            for p in target.rglob("*"):
                p.chmod(0o755 if p.is_dir() else 0o644)
            shutil.rmtree(target)
        started = time.perf_counter()
        built = build_release(frame, side, root=root, version=VERSION, timestamp=T_BUILD,
                              partition=partition, validate=validate)
        seconds = time.perf_counter() - started
        result = {"changes": built.changes.to_dict(), "layout": built.layout,
                  "validation": built.validation}
    else:
        import pyarrow.csv as pa_csv

        from conflictkit.layout.release import ROW_GROUP_SIZE
        from conflictkit.schema.arrow import to_arrow_table

        started = time.perf_counter()
        previous = pq.read_table(workdir / "releases" / PREVIOUS / "events.parquet")
        table = to_arrow_table(frame)
        pq.write_table(table, out / "events.parquet", compression="zstd",
                       row_group_size=ROW_GROUP_SIZE)
        pa_csv.write_csv(table, str(out / "events.csv"))
        seconds = time.perf_counter() - started
        result = {"previous_rows": previous.num_rows}
    print(json.dumps({"seconds": seconds, "peak_mib": _peak_mib(), **result}))


def run_child(kind: str, workdir: Path, partition: str, validate: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", kind, "--workdir", str(workdir),
                           "--partition", partition, "--validate", validate],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{kind} child failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--changes", type=int, default=10_000,
                        help="new or changed events (half each; a tenth as many deleted)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=2, help="runs of each side")
    parser.add_argument("--partition", choices=["none", "year", "auto"], default="none",
                        help="layout of the timed build (the floor writes one file)")
    parser.add_argument("--validate", choices=["auto", "full"], default="auto",
                        help="auto: only added/modified events are re-checked when the previous "
                        "release used the same rules (the steady state); full: all 3M")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/conflictkit-bench-release"))
    parser.add_argument("--keep", action="store_true", help="keep the workdir afterwards")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--child", choices=["build", "floor"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.workdir, args.partition, args.validate)
        return 0

    meta = prepare(args.workdir, args.rows, args.changes, args.seed)
    print(f"previous release: {meta['rows']:,} events (Parquet "
          f"{meta['previous_parquet_bytes'] / 2**20:.0f} MiB, CSV "
          f"{meta['previous_csv_bytes'] / 2**20:.0f} MiB; generated in "
          f"{meta['generate_seconds']} s, first build {meta['first_build_seconds']} s); current: "
          f"{meta['current_rows']:,} events ({meta['edited']:,} edited, {meta['added']:,} new, "
          f"{meta['deleted']:,} deleted)", file=sys.stderr)
    results: dict[str, list[dict]] = {"floor": [], "build": []}
    for _ in range(args.runs):
        for kind in ("floor", "build"):
            results[kind].append(run_child(kind, args.workdir, args.partition, args.validate))
    expected = {"added": meta["added"], "modified": meta["edited"], "deleted": meta["deleted"],
                "unchanged": meta["current_rows"] - meta["added"] - meta["edited"]}
    for r in results["build"]:
        if r["changes"] != expected:
            raise SystemExit(f"build found {r['changes']}, expected {expected}")

    floor = statistics.median(r["seconds"] for r in results["floor"])
    build = statistics.median(r["seconds"] for r in results["build"])
    floor_mib = max(r["peak_mib"] for r in results["floor"])
    build_mib = max(r["peak_mib"] for r in results["build"])
    ratio = build / floor
    print(f"{'step':<52}{'median s':>10}{'runs':>6}{'peak MiB':>10}")
    print(f"{'floor: pyarrow read previous + write Parquet, CSV':<52}{floor:>10.2f}"
          f"{args.runs:>6}{floor_mib:>10}")
    label = (f"build_release ({results['build'][0]['layout']} layout, "
             f"{results['build'][0]['validation']} validation)")
    print(f"{label:<52}{build:>10.2f}"
          f"{args.runs:>6}{build_mib:>10}")
    ok_ratio, ok_memory = ratio <= TARGET_RATIO, build_mib <= TARGET_GIB * 1024
    print(f"ratio build/floor: {ratio:.2f}x (target <= {TARGET_RATIO}x) "
          f"{'OK' if ok_ratio else 'MISSED'}; build peak {build_mib / 1024:.2f} GiB "
          f"(target <= {TARGET_GIB} GiB) {'OK' if ok_memory else 'MISSED'}")
    print("runs: " + json.dumps(results))
    if not args.keep:
        shutil.rmtree(args.workdir, ignore_errors=True)
    return 1 if args.check and not (ok_ratio and ok_memory) else 0


if __name__ == "__main__":
    sys.exit(main())
