"""Benchmark: loading one country-year out of a 3M-event release with `ck.load`, against
`pandas.read_csv` of the same release's events.csv followed by the same filter.

Both run as fresh processes (interpreter start and imports included: that is what a researcher
waits for), alternated run by run so machine noise hits both alike. A third method, bare
`pyarrow.dataset` with the same filter and `to_pandas()` (no dtypes, no checks), shows the floor
ck.load's own work sits on. Targets:
ck.load <= 0.6 s whole process, and >= 8x faster than the CSV baseline.

The release is written once into --workdir with the release writer (sorted by country, event_date,
event_id_cnty in 100k-row groups; and the year-partitioned layout of large releases),
from benchmarks/generate.py, and reused by later runs.

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
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET_SECONDS = 0.6
TARGET_RATIO = 8.0

# every child prints "<rows> <peak RSS KiB> <CPU seconds>" last. Peak memory from VmHWM, not
# getrusage: Linux carries a parent's ru_maxrss over fork+exec, VmHWM belongs to the new image.
# CPU seconds (all threads) are reported beside wall time: on a shared machine they move less.
_FOOTER = (
    "import re, resource, sys; "
    "hwm = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1); "
    "u = resource.getrusage(resource.RUSAGE_SELF); "
    "print(len(df), hwm, u.ru_utime + u.ru_stime, file=sys.stderr)"
)


def build_release(workdir: Path, rows: int, seed: int) -> dict:
    """Write (once) the single-file and the partitioned release plus events.csv."""
    from conflictkit.layout.release import ROW_GROUP_SIZE

    meta_path = workdir / "meta.json"
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text())
        if (meta.get("rows"), meta.get("seed"), meta.get("row_group_size")) == (
                rows, seed, ROW_GROUP_SIZE) and "selections" in meta:
            return meta
    sys.path.insert(0, str(HERE))
    from generate import generate_events

    from conflictkit.builders.release.write import (
        sort_order,
        take_rows,
        write_csv_table,
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
    write_csv_table(single, "events.csv", by_country)
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
    meta = {"rows": rows, "seed": seed, "row_group_size": ROW_GROUP_SIZE, "selections": selections,
            "csv_bytes": (single / "events.csv").stat().st_size,
            "parquet_bytes": (single / "events.parquet").stat().st_size,
            "build_seconds": round(time.perf_counter() - started, 1)}
    meta_path.write_text(json.dumps(meta))
    return meta


def run(code: str) -> tuple[float, int, int, float]:
    """(wall seconds of the whole process, peak RSS MiB, rows returned, CPU seconds)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code + "\n" + _FOOTER],
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"child failed:\n{code}\n{done.stderr}")
    rows, rss, cpu = done.stderr.strip().splitlines()[-1].split()
    return wall, int(rss) // 1024, int(rows), float(cpu)


@dataclass
class Runs:
    """Measurements of one method on one selection."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    peak_mib: int = 0
    rows: int = -1

    def add(self, code: str) -> None:
        wall, rss, rows, cpu = run(code)
        self.wall.append(wall)
        self.cpu.append(cpu)
        self.peak_mib = max(self.peak_mib, rss)
        self.rows = rows


def measure(selection: dict, layouts: dict[str, str], csv_path: str, runs: int,
            csv_runs: int) -> dict[str, Runs]:
    """ck.load on each layout and the CSV baseline, alternated run by run."""
    country, year = selection["country"], selection["year"]
    load = ("import conflictkit as ck\n"
            f"df = ck.load({{path!r}}, countries={country!r}, start='{year}', end='{year}')")
    csv = ("import pandas as pd\n"
           f"df = pd.read_csv({csv_path!r})\n"
           f"df = df[(df['country'] == {country!r}) & (df['year'] == {year})]")
    # the floor: bare pyarrow.dataset with the same filter, to_pandas, no dtypes or checks
    floor = ("import datetime as dt\nimport pyarrow as pa\nimport pyarrow.dataset as ds\n"
             f"d = ds.dataset({layouts['single'] + '/events.parquet'!r})\n"
             f"f = (ds.field('country') == {country!r}) & "
             f"(ds.field('event_date') >= pa.scalar(dt.date({year}, 1, 1))) & "
             f"(ds.field('event_date') <= pa.scalar(dt.date({year}, 12, 31)))\n"
             "df = d.to_table(filter=f).to_pandas()")
    results = {"csv": Runs(), "floor": Runs(), **{name: Runs() for name in layouts}}
    for i in range(max(runs, csv_runs)):  # alternated, so machine noise hits all alike
        if i < runs:
            results["floor"].add(floor)
        for name, path in layouts.items():
            if i < runs:
                results[name].add(load.format(path=path))
        if i < csv_runs:
            results["csv"].add(csv)
    counts = {name: r.rows for name, r in results.items()}
    if len(set(counts.values())) != 1:
        raise SystemExit(f"the methods disagree on the row count: {counts}")
    return results


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
          f"CSV {meta['csv_bytes'] / 2**20:.0f} MiB (written by the release writer)")
    layouts = {"single": str(args.workdir / "single"),
               "partitioned": str(args.workdir / "partitioned")}
    csv_path = str(args.workdir / "single" / "events.csv")
    ok = True
    for label, selection in meta["selections"].items():
        results = measure(selection, layouts, csv_path, args.runs, args.csv_runs)
        baseline = statistics.median(results["csv"].wall)
        print(f"\n{label}: {selection['country']} {selection['year']}, "
              f"{results['csv'].rows:,} events")
        print(f"  {'method':<30}{'wall s':>8}{'min s':>8}{'cpu s':>8}{'runs':>6}"
              f"{'peak MiB':>10}{'vs CSV':>9}")
        for name, r in results.items():
            median = statistics.median(r.wall)
            ratio = baseline / median
            verdict = ""
            if name in layouts:
                good = median <= TARGET_SECONDS and ratio >= TARGET_RATIO
                ok &= good
                verdict = "  ok" if good else "  MISSED"
            title = {"csv": "pandas.read_csv + filter",
                     "floor": "bare pyarrow.dataset (single)"}.get(name, f"ck.load ({name})")
            print(f"  {title:<30}{median:>8.3f}{min(r.wall):>8.3f}"
                  f"{statistics.median(r.cpu):>8.3f}{len(r.wall):>6}"
                  f"{r.peak_mib:>10}{ratio:>8.1f}x{verdict}")
    load_average = Path("/proc/loadavg").read_text().split()[0]
    print(f"\ntargets: whole process <= {TARGET_SECONDS} s and >= {TARGET_RATIO:.0f}x the CSV "
          f"baseline (median wall time, fresh processes; load average {load_average} at the end)")
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    raise SystemExit(main())
