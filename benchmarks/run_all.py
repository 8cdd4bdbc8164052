"""Run every benchmark one after another (never in parallel: they would measure each other).

Each script prints its own figures and ratios against its baseline. `--quick` uses small sizes to
check that the scripts work; the targets are stated at the default (3M-row) sizes.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# script, full-size arguments, quick arguments
BENCHMARKS: tuple[tuple[str, list[str], list[str]], ...] = (
    ("bench_validate.py", [], ["--rows", "200000", "--rounds", "1"]),
    ("bench_contrib_validate.py", [], ["--release-rows", "200000", "--yaml-events", "2000",
                                       "--runs", "1"]),
    ("bench_release.py", [], ["--rows", "200000", "--changes", "2000", "--runs", "1"]),
    ("bench_import.py", [], ["--rows", "100000", "--repeat", "1"]),
    ("bench_load.py", [], ["--rows", "300000", "--runs", "1", "--csv-runs", "1"]),
    ("bench_crosscheck.py", [], ["--rows", "100000", "--group", "20000"]),
    ("bench_validate_csv.py", [], ["--sizes", "20000", "--runs", "1", "--frictionless-runs", "1"]),
    ("bench_report.py", [], ["--rows", "200000", "--runs", "1"]),
    ("bench_extract.py", [], ["--passes", "1"]),
    ("extract_eval.py", [], []),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes: check the scripts run")
    parser.add_argument("only", nargs="*", help="run only these scripts (e.g. bench_load.py)")
    args = parser.parse_args()
    failed = []
    for script, full, quick in BENCHMARKS:
        if args.only and script not in args.only:
            continue
        command = [sys.executable, str(HERE / script), *(quick if args.quick else full)]
        print(f"\n=== {' '.join(command[1:])}", flush=True)
        if subprocess.run(command).returncode != 0:
            failed.append(script)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
