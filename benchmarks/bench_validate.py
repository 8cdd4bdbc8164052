"""Validation speed at ACLED scale, measured beside reading the same rows from Parquet.

Targets: validating 3M clean rows >= 1.5M rows/s; with 1% bad rows no more than 2x the
clean time. The baseline (pyarrow Parquet read into the canonical pandas frame) is timed in the
same run, alternating with the validations, so the ratios hold on a noisy machine.

    python benchmarks/bench_validate.py                 # 3M rows, 3 rounds
    python benchmarks/bench_validate.py --rows 300000 --pandera-rows 100000 --json
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import corrupt, generate_events  # noqa: E402

from conflictkit.schema.arrow import from_arrow_table, to_arrow_table  # noqa: E402
from conflictkit.schema.validate import validate_events  # noqa: E402

TODAY = "2026-01-01"


CPU: dict[str, list[float]] = {}


def _timed(fn, label: str = ""):
    """Wall seconds (the figure that counts) and, per label, this process's CPU seconds (less
    sensitive to other load on a shared machine)."""
    gc.collect()
    cpu = time.process_time()
    start = time.perf_counter()
    result = fn()
    wall = time.perf_counter() - start
    if label:
        CPU.setdefault(label, []).append(time.process_time() - cpu)
    return wall, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--bad", type=float, default=0.01, help="fraction of broken rows")
    parser.add_argument("--pandera-rows", type=int, default=0,
                        help="also time the generated pandera schema on this many rows")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args(argv)
    def say(*a):
        return (print(*a, file=sys.stderr))

    t, clean = _timed(lambda: generate_events(args.rows, seed=0))
    say(f"generated {args.rows:,} rows in {t:.1f}s")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.parquet"
        pq.write_table(to_arrow_table(clean), path, compression="zstd", row_group_size=100_000)
        say(f"parquet: {path.stat().st_size / 1e6:.0f} MB")
        bad = corrupt(clean, args.bad, np.random.default_rng(1))
        read_t, clean_t, bad_t = [], [], []
        reports = {}
        for i in range(args.rounds):
            t, frame = _timed(lambda: from_arrow_table(pq.read_table(path)), "parquet_read")
            read_t.append(t)
            del frame
            t, reports["clean"] = _timed(lambda: validate_events(clean, today=TODAY),
                                         "validate_clean")
            clean_t.append(t)
            t, reports["bad"] = _timed(lambda: validate_events(bad, today=TODAY), "validate_bad")
            bad_t.append(t)
            say(f"round {i + 1}: read {read_t[-1]:.2f}s  clean {clean_t[-1]:.2f}s  "
                f"bad {bad_t[-1]:.2f}s")
    assert reports["clean"].ok, "generated clean data must validate"
    n = args.rows
    med = {k: statistics.median(v) for k, v in
           (("parquet_read", read_t), ("validate_clean", clean_t), ("validate_bad", bad_t))}
    result = {
        "rows": n,
        "rounds": args.rounds,
        "seconds_median": {k: round(v, 3) for k, v in med.items()},
        "rows_per_second": {k: round(n / v) for k, v in med.items()},
        "cpu_seconds_median": {k: round(statistics.median(v), 3) for k, v in CPU.items()},
        "ratio_clean_to_parquet_read": round(med["validate_clean"] / med["parquet_read"], 3),
        "ratio_bad_to_clean": round(med["validate_bad"] / med["validate_clean"], 3),
        "bad_rows": int(reports["bad"].rejected),
        "problem_rows": len(reports["bad"].problems),
        "target_clean_rows_per_second": 1_500_000,
        "target_ratio_bad_to_clean": 2.0,
    }
    if args.pandera_rows:
        from conflictkit.schema.pandera_schema import validate_with_pandera

        sample = bad.iloc[: args.pandera_rows].reset_index(drop=True)
        t_fast, fast = _timed(lambda: validate_events(sample, today=TODAY))
        t_slow, slow = _timed(lambda: validate_with_pandera(sample, today=TODAY))
        result["pandera"] = {"rows": len(sample), "seconds": round(t_slow, 3),
                             "fast_seconds": round(t_fast, 3),
                             "ratio_pandera_to_fast": round(t_slow / t_fast, 1),
                             "same_problems": len(fast.problems) == len(slow.problems)}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        rps = result["rows_per_second"]
        print(f"rows                     {n:,}")
        print(f"parquet read (baseline)  {med['parquet_read']:.2f}s  "
              f"{rps['parquet_read']:,} rows/s")
        print(f"validate clean           {med['validate_clean']:.2f}s  "
              f"{rps['validate_clean']:,} rows/s  (target >= 1,500,000)")
        print(f"validate {args.bad:.0%} bad         {med['validate_bad']:.2f}s  "
              f"{rps['validate_bad']:,} rows/s  ({result['bad_rows']:,} rejected records)")
        cpu = result["cpu_seconds_median"]
        print("cpu seconds (process)    " + "  ".join(f"{k} {v:.2f}" for k, v in cpu.items()))
        print(f"clean / parquet read     {result['ratio_clean_to_parquet_read']:.2f}x")
        print(f"bad / clean              {result['ratio_bad_to_clean']:.2f}x  (target <= 2x)")
        if "pandera" in result:
            p = result["pandera"]
            print(f"pandera engine           {p['seconds']:.2f}s on {p['rows']:,} rows "
                  f"({p['ratio_pandera_to_fast']}x the fast engine)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
