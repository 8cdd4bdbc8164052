"""Benchmark: importing an ACLED CSV export (`read_acled`), against the bare CSV read.

Targets (issue 5): >= 300k rows/s, peak memory <= 3x the CSV size. Each measurement runs in its
own process (so peak RSS is that step's alone), side by side in the same run:

- floor:   pyarrow.csv.read_csv of the file, every column as text, threaded (what any import
           must do, read the way the importer reads a clean file)
- pandas:  pandas.read_csv (C engine) of the file, types inferred (what a researcher would do)
- import:  conflictkit read_acled (read, era mapping, date parsing, coerce, derive, validate)
- cli:     the whole `conflictkit import acled FILE -o OUT` command, which also writes the
           accepted events and the provenance table as Parquet

The CSV is written with benchmarks/generate.py's events, dates in the export tool's
"07 February 2018" form.

    python benchmarks/bench_import.py --rows 1000000 [--csv PATH] [--keep] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _child(step: str, path: str) -> dict[str, float]:
    start = time.perf_counter()
    rows = 0
    phases: dict[str, float] = {}
    if step == "floor":
        import pyarrow as pa
        import pyarrow.csv as pacsv

        with open(path, encoding="utf-8") as handle:
            names = handle.readline().strip().replace('"', "").split(",")
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(use_threads=True, block_size=1 << 22),
            parse_options=pacsv.ParseOptions(newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.large_string()),
                strings_can_be_null=True),
        )
        rows = table.num_rows
    elif step == "pandas":
        import pandas as pd

        rows = len(pd.read_csv(path))
    elif step == "import":
        from conflictkit.builders.importers.acled import read_acled

        marks: list[float] = []
        result = read_acled(path, progress=lambda _message: marks.append(time.perf_counter()))
        rows = result.report.records
        end = time.perf_counter()
        # progress fires at: start reading, rows read, start of coerce/derive/validate
        phases = {"read": marks[1] - marks[0], "map": marks[2] - marks[1],
                  "check": end - marks[2]}
        if result.report.rejected:
            raise SystemExit(f"unexpected rejects: {result.report.summary()}")
    elif step == "cli":
        import contextlib
        import io

        from conflictkit.cli import main as cli_main

        out = Path(tempfile.mkdtemp(prefix="bench_import_out_")) / "events.parquet"
        sys.argv = ["conflictkit", "import", "acled", path, "-o", str(out), "--quiet"]
        with contextlib.redirect_stderr(io.StringIO()):
            try:
                cli_main()
            except SystemExit as exit_:
                if exit_.code:
                    raise SystemExit(f"the import command exited {exit_.code}") from None
        import pyarrow.parquet as pq

        rows = pq.read_metadata(out).num_rows
        for written in out.parent.iterdir():
            written.unlink()
        out.parent.rmdir()
    else:
        raise SystemExit(f"unknown step {step}")
    seconds = time.perf_counter() - start
    out = {"seconds": seconds, "rows": rows, "peak_bytes": _peak_rss()}
    if step == "import":
        out.update({f"phase_{k}": v for k, v in phases.items()})
    return out


def _peak_rss() -> int:
    """This process's peak resident memory in bytes.

    VmHWM starts afresh at exec; ru_maxrss would carry over the parent's peak from before the
    fork (the parent may just have generated the CSV).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _measure(step: str, path: Path) -> dict[str, float]:
    run = subprocess.run([sys.executable, __file__, "--child", step, str(path)],
                         capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise SystemExit(f"{step} failed:\n{run.stderr}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def _write_csv(rows: int, path: Path) -> None:
    sys.path.insert(0, str(HERE))
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    from generate import generate_events

    from conflictkit.schema.arrow import to_arrow_table

    table = to_arrow_table(generate_events(rows, seed=1))
    index = table.schema.get_field_index("event_date")
    dates = pc.strftime(table.column(index).cast(pa.timestamp("s")), format="%d %B %Y")
    table = table.set_column(index, "event_date", dates)
    pacsv.write_csv(table, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--csv", type=Path, help="use (or create) this CSV")
    parser.add_argument("--keep", action="store_true", help="keep the generated CSV")
    parser.add_argument("--repeat", type=int, default=1, help="measurements per step (median)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(*args.child)))
        return 0

    tmpdir = None
    path = args.csv
    if path is None:
        tmpdir = tempfile.mkdtemp(prefix="bench_import_")
        path = Path(tmpdir) / "acled.csv"
    if not path.exists():
        start = time.perf_counter()
        _write_csv(args.rows, path)
        print(f"wrote {path} ({args.rows:,} rows) in {time.perf_counter() - start:.1f}s",
              file=sys.stderr)
    size = path.stat().st_size
    try:
        steps = ("floor", "pandas", "import", "cli")
        runs: dict[str, list[dict[str, float]]] = {step: [] for step in steps}
        for _ in range(args.repeat):  # interleaved, so load on a shared machine hits all alike
            for step in steps:
                runs[step].append(_measure(step, path))
        results = {}
        for step in steps:
            ordered = sorted(runs[step], key=lambda r: r["seconds"])
            results[step] = ordered[len(ordered) // 2]
        rows = results["import"]["rows"]
        print(f"CSV: {size / 2**20:,.0f} MiB, {rows:,} rows")
        print(f"{'step':<8} {'seconds':>8} {'rows/s':>10} {'peak RSS':>10} {'peak/CSV':>9} "
              f"{'vs floor':>9}")
        floor = results["floor"]["seconds"]
        for step, r in results.items():
            print(f"{step:<8} {r['seconds']:8.2f} {r['rows'] / r['seconds']:10,.0f} "
                  f"{r['peak_bytes'] / 2**20:8,.0f} M {r['peak_bytes'] / size:8.2f}x "
                  f"{r['seconds'] / floor:8.2f}x")
        imp = results["import"]
        print("import phases (s): " + ", ".join(
            f"{k[6:]} {v:.2f}" for k, v in imp.items() if k.startswith("phase_"))
            + "  (read = text read + layout; map = era mapping, dates; "
              "check = coerce, derive, validate)")
        rate = imp["rows"] / imp["seconds"]
        memory = imp["peak_bytes"] / size
        cli = results["cli"]
        print(f"cli (import + writing Parquet): {cli['rows'] / cli['seconds']:,.0f} rows/s, "
              f"peak {cli['peak_bytes'] / size:.2f}x the CSV")
        print(f"import: {rate:,.0f} rows/s (target >= 300,000: "
              f"{'met' if rate >= 300_000 else 'NOT met'}); peak {memory:.2f}x the CSV "
              f"(target <= 3x: {'met' if memory <= 3 else 'NOT met'})")
    finally:
        if tmpdir and not args.keep:
            path.unlink(missing_ok=True)
            os.rmdir(tmpdir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
