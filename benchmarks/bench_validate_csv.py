"""Benchmark: `conflictkit validate EVENTS.csv` against `frictionless validate` of the same file
with the release's own datapackage.json, side by side.

For each size (default 100k and 1M events) a real release is built once from
benchmarks/generate.py's events (`build_release`, partition "none"), so the CSV is a release's
events.csv and the descriptor is that release's datapackage.json (its events-csv resource:
fields, types, constraints, row count, bytes and hash). Both tools then run as whole processes
on that file, alternating run by run, and each run's wall time and peak RSS come from
`/usr/bin/time -v`:

- conflictkit:  conflictkit validate RELEASE/events.csv --format json -q
- frictionless: frictionless validate RELEASE/datapackage.json --resource-name events-csv
                --json

The JSON reports are read back: both must call the file valid (conflictkit may warn, e.g. about
actor names its registry does not know; frictionless checks no actors). Prints medians, the
ratio frictionless / conflictkit and conflictkit's peak as a multiple of the CSV size.

    python benchmarks/bench_validate_csv.py                          # 100k and 1M, 3 and 1 runs
    python benchmarks/bench_validate_csv.py --sizes 100000 --runs 3 --frictionless-runs 1
    python benchmarks/bench_validate_csv.py --src /tmp/before/src    # another source tree

Targets: >= 20x frictionless at 1M rows; peak memory <= 3x the CSV.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TIMESTAMP = 1_704_067_200  # 2024-01-01: the release time, so the files are the same every run
TARGET_RATIO = 20.0
TARGET_PEAK = 3.0


def prepare(workdir: Path, rows: int, seed: int) -> Path:
    """The release directory holding `rows` generated events (built once, then reused)."""
    release = workdir / f"rows-{rows}-seed-{seed}" / "1.0.0"
    if (release / "datapackage.json").is_file():
        return release
    shutil.rmtree(release.parent, ignore_errors=True)
    sys.path.insert(0, str(HERE))
    from generate import generate_events

    from conflictkit.builders.release.build import build_release

    started = time.perf_counter()
    events = generate_events(rows, seed=seed)
    build_release(events, None, root=release.parent, version="1.0.0", timestamp=TIMESTAMP,
                  partition="none")
    print(f"built a release of {rows:,} events in {time.perf_counter() - started:.1f}s: "
          f"{release}", file=sys.stderr)
    return release


def _time_v(command: list[str], env: dict[str, str]) -> tuple[float, int, str, int]:
    """(wall seconds, peak RSS bytes, stdout, exit code) of one whole process."""
    with tempfile.NamedTemporaryFile(mode="r", suffix=".time") as stats:
        started = time.perf_counter()
        run = subprocess.run(["/usr/bin/time", "-v", "-o", stats.name, *command],
                             capture_output=True, text=True, env=env, check=False)
        wall = time.perf_counter() - started
        text = Path(stats.name).read_text()
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) * 1024
    return wall, peak, run.stdout, run.returncode


def run_conflictkit(release: Path, env: dict[str, str]) -> dict:
    command = [sys.executable, "-m", "conflictkit.cli", "validate",
               str(release / "events.csv"), "--format", "json", "-q"]
    wall, peak, out, code = _time_v(command, env)
    report = json.loads(out)
    summary = report.get("summary", {})
    if code != 0 or not report.get("ok"):
        raise SystemExit(f"conflictkit found the release's events.csv invalid (exit {code}): "
                         f"{summary or report}")
    return {"wall": wall, "peak": peak, "records": summary.get("records"),
            "warnings": summary.get("warnings")}


def run_frictionless(release: Path, env: dict[str, str]) -> dict:
    binary = Path(sys.executable).with_name("frictionless")
    command = [str(binary), "validate", str(release / "datapackage.json"),
               "--resource-name", "events-csv", "--json"]
    wall, peak, out, code = _time_v(command, env)
    report = json.loads(out)
    if code != 0 or not report.get("valid"):
        errors = [e.get("message") for t in report.get("tasks", []) for e in t.get("errors", [])]
        raise SystemExit(f"frictionless found the release's events.csv invalid (exit {code}): "
                         f"{errors[:5]}")
    rows = sum(t.get("stats", {}).get("rows", 0) for t in report.get("tasks", []))
    return {"wall": wall, "peak": peak, "records": rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3, help="conflictkit runs per size")
    parser.add_argument("--frictionless-runs", type=int, default=1,
                        help="frictionless runs per size (about a minute per 1M rows)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path,
                        default=Path(tempfile.gettempdir()) / "ck-bench-validate-csv")
    parser.add_argument("--src", type=Path, help="run conflictkit from this source tree")
    parser.add_argument("--json", action="store_true", help="print the results as JSON too")
    args = parser.parse_args(argv)

    env = dict(os.environ)
    if args.src is not None:
        env["PYTHONPATH"] = str(args.src.resolve())
    load = os.getloadavg()
    print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    results = []
    for rows in args.sizes:
        release = prepare(args.workdir, rows, args.seed)
        size = (release / "events.csv").stat().st_size
        ours: list[dict] = []
        theirs: list[dict] = []
        for i in range(max(args.runs, args.frictionless_runs)):  # alternating
            if i < args.runs:
                ours.append(run_conflictkit(release, env))
            if i < args.frictionless_runs:
                theirs.append(run_frictionless(release, env))
        ck_wall = statistics.median(r["wall"] for r in ours)
        fl_wall = statistics.median(r["wall"] for r in theirs)
        ck_peak = max(r["peak"] for r in ours)
        fl_peak = max(r["peak"] for r in theirs)
        results.append({"rows": rows, "csv_bytes": size, "conflictkit_wall": ck_wall,
                        "frictionless_wall": fl_wall, "ratio": fl_wall / ck_wall,
                        "conflictkit_peak": ck_peak, "frictionless_peak": fl_peak,
                        "peak_per_csv": ck_peak / size, "warnings": ours[0]["warnings"],
                        "conflictkit_runs": [round(r["wall"], 2) for r in ours],
                        "frictionless_runs": [round(r["wall"], 2) for r in theirs]})
    load = os.getloadavg()
    print(f"load average at end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"{'rows':>9} {'CSV MiB':>8} {'conflictkit s':>13} {'frictionless s':>14} "
          f"{'ratio':>6} {'ck peak MiB':>11} {'peak/CSV':>8} {'fl peak MiB':>11}")
    for r in results:
        print(f"{r['rows']:>9,} {r['csv_bytes'] / 2**20:>8,.0f} {r['conflictkit_wall']:>13.2f} "
              f"{r['frictionless_wall']:>14.2f} {r['ratio']:>5.1f}x "
              f"{r['conflictkit_peak'] / 2**20:>11,.0f} {r['peak_per_csv']:>7.2f}x "
              f"{r['frictionless_peak'] / 2**20:>11,.0f}")
    for r in results:
        print(f"{r['rows']:,} rows: conflictkit runs {r['conflictkit_runs']} s, frictionless "
              f"runs {r['frictionless_runs']} s; conflictkit warnings: {r['warnings']:,}")
    big = max(results, key=lambda r: r["rows"])
    print(f"at {big['rows']:,} rows: {big['ratio']:.1f}x frictionless (target >= "
          f"{TARGET_RATIO:.0f}x: {'met' if big['ratio'] >= TARGET_RATIO else 'NOT met'}); "
          f"peak {big['peak_per_csv']:.2f}x the CSV (target <= {TARGET_PEAK:.0f}x: "
          f"{'met' if big['peak_per_csv'] <= TARGET_PEAK else 'NOT met'})")
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
