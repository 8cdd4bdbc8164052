"""Benchmark: the HTML release report of a 3M-event release, against reading that release's
events with pyarrow, measured side by side in the same run.

- report: `write_report(release, out, previous=...)` as `conflictkit report` runs it: reads the
  release (events, deletions, provenance), compares it with the previous 3M-event release
  (every column, streamed; the same comparison as `conflictkit diff`), summarises, draws the
  charts and the map and writes the page atomically.
- report, no previous: the same without `--previous` (the page without the change breakdown).
- floor: `pyarrow.parquet.read_table` of the release's events.parquet (all 31 columns).

The two releases come from `bench_release.prepare` (3M generated events, then 5k edited, 5k new
and 1k deleted) plus one `build_release` of the current events; they are kept in the workdir
between runs. Each measurement is a fresh child process (imports included in the time, as
for a user running the command); runs alternate. Besides wall time each reports its CPU time
(user + system, whole process), steadier on a shared machine. Targets: report
< 30 s and the page < 5 MB.

    .venv/bin/python benchmarks/bench_report.py                     # 3M events, 2 runs each
    .venv/bin/python benchmarks/bench_report.py --rows 200000 --runs 1
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET_SECONDS = 30.0
TARGET_BYTES = 5 * 1024 * 1024


def prepare(workdir: Path, rows: int, changes: int, seed: int) -> dict:
    """The previous release (bench_release's) and the current one built from its changes."""
    sys.path.insert(0, str(HERE))
    import bench_release

    meta = bench_release.prepare(workdir, rows, changes, seed)
    current = workdir / "releases" / bench_release.VERSION
    if not current.is_dir():
        import pyarrow.parquet as pq

        from conflictkit.builders.release.build import build_release
        from conflictkit.schema.arrow import from_arrow_table

        frame = from_arrow_table(pq.read_table(workdir / "current.parquet"))
        started = time.perf_counter()
        build_release(frame, None, root=workdir / "releases", version=bench_release.VERSION,
                      timestamp=bench_release.T_BUILD, partition="none")
        meta["current_build_seconds"] = round(time.perf_counter() - started, 1)
    meta["previous"] = str(workdir / "releases" / bench_release.PREVIOUS)
    meta["current"] = str(current)
    return meta


def child(kind: str, meta: dict, out: Path) -> None:
    """One timed measurement in this fresh process; prints a JSON line."""
    started = time.perf_counter()
    result: dict = {}
    if kind == "floor":
        import pyarrow.parquet as pq

        table = pq.read_table(Path(meta["current"]) / "events.parquet")
        result["rows"] = table.num_rows
    else:
        from conflictkit.builders.report import write_report

        written = write_report(meta["current"], out,
                               previous=meta["previous"] if kind == "report" else None)
        result["bytes"] = written.bytes
    sys.path.insert(0, str(HERE))
    from bench_release import _peak_mib  # this process's VmHWM, read the same way

    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"seconds": time.perf_counter() - started, "peak_mib": _peak_mib(),
                      "cpu": usage.ru_utime + usage.ru_stime, **result}))


def run_child(kind: str, meta_path: Path, out: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", kind, "--meta", str(meta_path),
                           "--out", str(out)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{kind} child failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/conflictkit-bench-report"))
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--child", choices=["report", "alone", "floor"], help=argparse.SUPPRESS)
    parser.add_argument("--meta", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, json.loads(args.meta.read_text()), args.out)
        return 0

    meta = prepare(args.workdir, args.rows, args.changes, args.seed)
    meta_path = args.workdir / "report-meta.json"
    meta_path.write_text(json.dumps(meta))
    print(f"release: {meta['current_rows']:,} events, compared with {meta['rows']:,} "
          f"({meta['edited']:,} edited, {meta['added']:,} new, {meta['deleted']:,} deleted)",
          file=sys.stderr)
    out = args.workdir / "report.html"
    kinds = ("floor", "report", "alone")
    results: dict[str, list[dict]] = {k: [] for k in kinds}
    for _ in range(args.runs):
        for kind in kinds:
            results[kind].append(run_child(kind, meta_path, out))
    floor = statistics.median(r["seconds"] for r in results["floor"])
    print(f"{'step':<58}{'median s':>10}{'x floor':>9}{'cpu s':>8}{'peak MiB':>10}"
          f"{'MiB out':>9}")
    labels = {"floor": "floor: pyarrow read_table(events.parquet), 31 columns",
              "report": "conflictkit report RELEASE --previous OLD",
              "alone": "conflictkit report RELEASE (no --previous)"}
    ok = True
    for kind in kinds:
        seconds = statistics.median(r["seconds"] for r in results[kind])
        peak = max(r["peak_mib"] for r in results[kind])
        size = max((r.get("bytes", 0) for r in results[kind]), default=0)
        cpu = statistics.median(r["cpu"] for r in results[kind])
        print(f"{labels[kind]:<58}{seconds:>10.2f}{seconds / floor:>9.1f}{cpu:>8.1f}{peak:>10}"
              f"{size / 2**20 if size else 0:>9.2f}")
        if kind != "floor":
            ok = ok and seconds < TARGET_SECONDS and size < TARGET_BYTES
    print(f"targets: report < {TARGET_SECONDS:.0f} s and < {TARGET_BYTES / 2**20:.0f} MiB: "
          f"{'OK' if ok else 'MISSED'}")
    print("runs: " + json.dumps(results))
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
