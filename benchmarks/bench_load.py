"""Benchmark: loading one country-year out of a 3M-event release with `ck.load`, against
`pandas.read_csv` of the same release's events.csv followed by the same filter.

Both run as fresh processes (interpreter start and imports included: that is what a researcher
waits for), alternated run by run so machine noise hits both alike. Targets (issue 5):
ck.load <= 0.6 s whole process, and >= 8x faster than the CSV baseline.

The release is written once into --workdir with part C's writer (sorted by country, event_date,
event_id_cnty in 100k-row groups; and the year-partitioned layout C uses for large releases),
from A's generator, and reused by later runs.

    .venv/bin/python benchmarks/bench_load.py                # 3M events, 5 load runs, 2 CSV runs
    .venv/bin/python benchmarks/bench_load.py --rows 300000 --runs 3 --csv-runs 1   # quick look
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET_SECONDS = 0.6
TARGET_RATIO = 8.0

# every child prints "<rows> <peak RSS KiB>" last; VmHWM, not getrusage: Linux carries a
# parent's ru_maxrss over fork+exec, VmHWM belongs to the new process image
_FOOTER = (
    "import re, sys; "
    "hwm = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1); "
    "print(len(df), hwm, file=sys.stderr)"
)


def build_release(workdir: Path, rows: int, seed: int) -> dict:
    """Write (once) the single-file and the partitioned release plus events.csv."""
    meta_path = workdir / "meta.json"
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text())
        if meta.get("rows") == rows and meta.get("seed") == seed and "selections" in meta:
            return meta
    sys.path.insert(0, str(HERE))
    from generate import generate_events

    from conflictkit.builders.release.write import (
        sort_order,
        take_rows,
        write_events_csv,
        write_events_parquet,
    )
    from conflictkit.schema.arrow import to_arrow_table

    started = time.perf_counter()
    df = generate_events(rows, seed=seed)
    table = to_arrow_table(df)
    del df
    single, partitioned = workdir / "single", workdir / "partitioned"
    for path in (single, partitioned):
        path.mkdir(parents=True, exist_ok=True)
    by_country = take_rows(table, sort_order(table, partitioned=False))
    write_events_parquet(single, by_country, partitioned=False)
    write_events_csv(single, by_country)
    write_events_parquet(partitioned, take_rows(table, sort_order(table, partitioned=True)),
                         partitioned=True)
    # the country-years to load: the 99th percentile by size (a big country's year, like Syria
    # or Ukraine in ACLED's data) and the busiest one (the generator's heaviest country)
    import pyarrow.compute as pc

    counts = pc.value_counts(pc.binary_join_element_wise(
        by_country["country"], pc.cast(by_country["year"], "string"), "|")).to_pylist()
    counts.sort(key=lambda c: (c["counts"], c["values"]))
    picks = {"p99": counts[int(0.99 * (len(counts) - 1))], "busiest": counts[-1]}
    selections = {}
    for name, pick in picks.items():
        country, year = pick["values"].split("|")
        selections[name] = {"country": country, "year": int(year), "events": pick["counts"]}
    meta = {"rows": rows, "seed": seed, "selections": selections,
            "csv_bytes": (single / "events.csv").stat().st_size,
            "parquet_bytes": (single / "events.parquet").stat().st_size,
            "build_seconds": round(time.perf_counter() - started, 1)}
    meta_path.write_text(json.dumps(meta))
    return meta


def run(code: str) -> tuple[float, int, int]:
    """(wall seconds of the whole process, peak RSS MiB, rows returned)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code + "\n" + _FOOTER],
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"child failed:\n{code}\n{done.stderr}")
    rows, rss = done.stderr.strip().splitlines()[-1].split()
    return wall, int(rss) // 1024, int(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=5, help="ck.load runs per layout")
    parser.add_argument("--csv-runs", type=int, default=2,
                        help="read_csv baseline runs per country-year")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/conflictkit-bench-load"))
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    meta = build_release(args.workdir, args.rows, args.seed)
    print(f"release: {meta['rows']:,} events, Parquet {meta['parquet_bytes'] / 2**20:.0f} MiB, "
          f"CSV {meta['csv_bytes'] / 2**20:.0f} MiB (written by part C's writer)")
    layouts = {"single": str(args.workdir / "single"),
               "partitioned": str(args.workdir / "partitioned")}
    csv_path = str(args.workdir / "single" / "events.csv")
    ok = True
    for label, pick in meta["selections"].items():
        country, year = pick["country"], pick["year"]
        load = ("import conflictkit as ck\n"
                f"df = ck.load({{path!r}}, countries={country!r}, start='{year}', end='{year}')")
        csv = ("import pandas as pd\n"
               f"df = pd.read_csv({csv_path!r})\n"
               f"df = df[(df['country'] == {country!r}) & (df['year'] == {year})]")
        times: dict[str, list[float]] = {"csv": [], **{k: [] for k in layouts}}
        memory: dict[str, int] = {}
        rows: dict[str, int] = {}
        for i in range(max(args.runs, args.csv_runs)):  # alternated, so noise hits all alike
            for name, path in layouts.items():
                if i < args.runs:
                    wall, rss, n = run(load.format(path=path))
                    times[name].append(wall)
                    memory[name], rows[name] = max(memory.get(name, 0), rss), n
            if i < args.csv_runs:
                wall, rss, n = run(csv)
                times["csv"].append(wall)
                memory["csv"], rows["csv"] = max(memory.get("csv", 0), rss), n
        if len(set(rows.values())) != 1:
            raise SystemExit(f"the methods disagree on the row count: {rows}")
        baseline = statistics.median(times["csv"])
        print(f"\n{label}: {country} {year}, {rows['csv']:,} events")
        print(f"  {'method':<32}{'median s':>10}{'runs':>6}{'peak MiB':>10}{'vs CSV':>9}")
        print(f"  {'pandas.read_csv + filter':<32}{baseline:>10.3f}{len(times['csv']):>6}"
              f"{memory['csv']:>10}{1:>8.1f}x")
        for name in layouts:
            median = statistics.median(times[name])
            ratio = baseline / median
            good = median <= TARGET_SECONDS and ratio >= TARGET_RATIO
            ok &= good
            print(f"  {'ck.load (' + name + ')':<32}{median:>10.3f}{len(times[name]):>6}"
                  f"{memory[name]:>10}{ratio:>8.1f}x  {'ok' if good else 'MISSED'}")
    print(f"\ntargets: whole process <= {TARGET_SECONDS} s and >= {TARGET_RATIO:.0f}x the CSV "
          "baseline (medians, fresh processes)")
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    raise SystemExit(main())
