"""Benchmark: importing an ACLED CSV export (`read_acled`), against the bare CSV read, on a clean
file and on the same file with repairable defects in a share of its rows.

Targets: >= 300k rows/s, peak memory <= 3x the CSV size, with repairs on.
Each measurement runs in its own process (so peak RSS is that step's alone), side by side in the
same run:

- floor:   pyarrow.csv.read_csv of the file, every column as text, threaded (what any import
           must do, read the way the importer reads a clean file)
- pandas:  pandas.read_csv (C engine) of the file, types inferred (what a researcher would do)
- import:  conflictkit read_acled (read, era mapping, text repairs, date parsing, coerce,
           derive, re-derive, validate)
- cli:     the whole `conflictkit import acled FILE -o OUT` command, which also writes the
           accepted events, the provenance table and the repairs table as Parquet

and `import`/`cli` again on the dirty file (`--dirty`, default 5% of rows), where each chosen row
carries one repairable defect, cycling through `DEFECTS` (trailing and no-break spaces, a line
break, a Windows-1252 character read as C1, mojibake, a formula prefix, a lower-case vocabulary
value, an upper-case country, a misspelt disorder type, a wrong year, R's NA markers). Every
dirty row must still be imported: the run fails on any reject.

The CSVs are written with benchmarks/generate.py's events, dates in the export tool's
"07 February 2018" form.

    python benchmarks/bench_import.py --rows 1000000 [--dirty 0.05] [--csv PATH] [--keep]
                                      [--repeat 1] [--baseline-src DIR]
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
        rejected = result.report.rejected
        if rejected and not os.environ.get(BASELINE_ENV):  # an older tree may reject repairs
            raise SystemExit(f"unexpected rejects: {result.report.summary()}")
        phases["repairs"] = float(len(getattr(result, "repairs", ())))  # 0 before repairs
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
        out["rejected"] = rejected
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


def _measure(step: str, path: Path, src: Path | None = None) -> dict[str, float]:
    env = dict(os.environ)
    if src is not None:  # another source tree (the baseline of a before/after comparison)
        env["PYTHONPATH"] = str(src.resolve())
        env[BASELINE_ENV] = "1"
    run = subprocess.run([sys.executable, __file__, "--child", step, str(path)],
                         capture_output=True, text=True, check=False, env=env)
    if run.returncode != 0:
        raise SystemExit(f"{step} failed:\n{run.stderr}")
    return json.loads(run.stdout.strip().splitlines()[-1])


#: Set for a child running another source tree: its rejections are reported, not fatal.
BASELINE_ENV = "CONFLICTKIT_BENCH_BASELINE"

#: The defects of the dirty variant: (name, columns it damages, what it does to the values).
DEFECTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("trailing space in notes", ("notes",)),
    ("no-break space after actor1", ("actor1",)),
    ("line break inside source", ("source",)),
    ("Windows-1252 apostrophe read as C1 in notes", ("notes",)),
    ("mojibake in location", ("location",)),
    ("source beginning with '-'", ("source",)),
    ("source_scale in lower case", ("source_scale",)),
    ("country in upper case", ("country",)),
    ("misspelt disorder_type", ("disorder_type",)),
    ("year one off the date", ("year",)),
    ("R's NA markers for blanks", ("civilian_targeting", "admin3")),
)


def _damage(events, fraction: float):
    """`events` (canonical frame) with `fraction` of its rows carrying one defect each; the
    text frame to write (numbers and dates as the CSV shows them) is returned."""
    import numpy as np

    rng = np.random.default_rng(7)
    n = len(events)
    chosen = np.sort(rng.choice(n, size=int(n * fraction), replace=False))
    kinds = np.arange(len(chosen)) % len(DEFECTS)
    text = events.astype({"year": "str"})
    for kind, (_name, columns) in enumerate(DEFECTS):
        at = text.index[chosen[kinds == kind]]
        column = columns[0]
        values = text.loc[at, column]
        if kind == 0:
            new = values + " "
        elif kind == 1:
            new = values + "\u00a0"
        elif kind == 2:
            new = values.str.replace("; ", ";\n", n=1, regex=False) + "\r\nand others"
        elif kind == 3:
            new = values.str.replace(" ", "\x92s ", n=1, regex=False)
        elif kind == 4:
            new = values + " CafÃ©"
        elif kind == 5:
            new = "-" + values
        elif kind == 6:
            new = values.str.lower()
        elif kind == 7:
            new = values.str.upper()
        elif kind == 8:
            new = values.where(values != "Demonstrations", "Political violence").map(
                {"Political violence": "Demostrations"}).fillna("Political Violance")
        elif kind == 9:
            new = (events.loc[at, "year"] - 1).astype("str")
        else:
            text.loc[at, "admin3"] = "NA"
            new = values.fillna("NA").where(values.notna(), "NA")
        text.loc[at, column] = new.astype("str").to_numpy()
    return text


def _write_csv(rows: int, path: Path, dirty: float = 0.0) -> None:
    sys.path.insert(0, str(HERE))
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    from generate import generate_events

    from conflictkit.schema.arrow import to_arrow_table

    events = generate_events(rows, seed=1)
    if dirty:
        frame = _damage(events, dirty)
        frame["event_date"] = events["event_date"].dt.strftime("%d %B %Y")
        table = pa.Table.from_pandas(frame, preserve_index=False)
        pacsv.write_csv(table, path)
        return
    table = to_arrow_table(events)
    index = table.schema.get_field_index("event_date")
    dates = pc.strftime(table.column(index).cast(pa.timestamp("s")), format="%d %B %Y")
    table = table.set_column(index, "event_date", dates)
    pacsv.write_csv(table, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--dirty", type=float, default=0.05,
                        help="share of rows of the dirty file with a repairable defect (0: skip)")
    parser.add_argument("--csv", type=Path, help="use (or create) this clean CSV; the dirty one "
                        "is written beside it as NAME.dirty.csv")
    parser.add_argument("--keep", action="store_true", help="keep the generated CSVs")
    parser.add_argument("--repeat", type=int, default=1, help="measurements per step (median)")
    parser.add_argument("--baseline-src", type=Path,
                        help="also time read_acled from this source tree (e.g. `git archive "
                        "COMMIT src | tar -x -C /tmp/base` then /tmp/base/src), interleaved")
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
    dirty_path = path.with_name(f"{path.stem}.dirty.csv") if args.dirty else None
    for target, share in ((path, 0.0), (dirty_path, args.dirty)):
        if target is not None and not target.exists():
            start = time.perf_counter()
            _write_csv(args.rows, target, share)
            print(f"wrote {target} ({args.rows:,} rows, {share:.0%} with a defect) in "
                  f"{time.perf_counter() - start:.1f}s", file=sys.stderr)
    size = path.stat().st_size
    try:
        steps = [("floor", path), ("pandas", path), ("import", path), ("cli", path)]
        if dirty_path is not None:
            steps += [("import-dirty", dirty_path), ("cli-dirty", dirty_path)]
        if args.baseline_src is not None:
            steps.insert(3, ("import@base", path))
            if dirty_path is not None:
                steps.insert(steps.index(("import-dirty", dirty_path)) + 1,
                             ("import-dirty@base", dirty_path))
        runs: dict[str, list[dict[str, float]]] = {step: [] for step, _ in steps}
        for _ in range(args.repeat):  # interleaved, so load on a shared machine hits all alike
            for step, target in steps:
                base = args.baseline_src if step.endswith("@base") else None
                kind = step.removesuffix("@base").removesuffix("-dirty")
                runs[step].append(_measure(kind, target, base))
        results = {}
        for step, _ in steps:
            ordered = sorted(runs[step], key=lambda r: r["seconds"])
            results[step] = ordered[len(ordered) // 2]
        rows = results["import"]["rows"]
        print(f"CSV: {size / 2**20:,.0f} MiB, {rows:,} rows"
              + (f"; dirty CSV {dirty_path.stat().st_size / 2**20:,.0f} MiB, {args.dirty:.0%} "
                 f"of rows with a repairable defect" if dirty_path else ""))
        print(f"{'step':<13} {'seconds':>8} {'rows/s':>10} {'peak RSS':>10} {'peak/CSV':>9} "
              f"{'vs floor':>9}")
        floor = results["floor"]["seconds"]
        for step, r in results.items():
            base = dirty_path.stat().st_size if "-dirty" in step else size
            print(f"{step:<13} {r['seconds']:8.2f} {r['rows'] / r['seconds']:10,.0f} "
                  f"{r['peak_bytes'] / 2**20:8,.0f} M {r['peak_bytes'] / base:8.2f}x "
                  f"{r['seconds'] / floor:8.2f}x")
        for step in ("import", "import-dirty"):
            if step in results:
                imp = results[step]
                print(f"{step} phases (s): " + ", ".join(
                    f"{k[6:]} {v:.2f}" for k, v in imp.items()
                    if k.startswith("phase_") and k != "phase_repairs")
                    + f"; repairs recorded: {imp.get('phase_repairs', 0):,.0f}")
        print("(read = text read + layout; map = era mapping, text repairs, dates; "
              "check = coerce, derive, re-derive, validate)")
        for step in ("import", "import-dirty"):
            if step not in results:
                continue
            imp = results[step]
            base = dirty_path.stat().st_size if step.endswith("-dirty") else size
            rate = imp["rows"] / imp["seconds"]
            memory = imp["peak_bytes"] / base
            cli = results[step.replace("import", "cli")]
            print(f"{step}: {rate:,.0f} rows/s (target >= 300,000: "
                  f"{'met' if rate >= 300_000 else 'NOT met'}); peak {memory:.2f}x the CSV "
                  f"(target <= 3x: {'met' if memory <= 3 else 'NOT met'}); with the Parquet "
                  f"output (cli): {cli['rows'] / cli['seconds']:,.0f} rows/s, peak "
                  f"{cli['peak_bytes'] / base:.2f}x")
        if "import-dirty" in results:
            ratio = results["import-dirty"]["seconds"] / results["import"]["seconds"]
            print(f"dirty / clean import time: {ratio:.2f}x")
        if args.baseline_src is not None:
            print(f"before ({args.baseline_src}) and after, read_acled, medians of "
                  f"{args.repeat}:")
            print(f"{'file':<6} {'before rows/s':>13} {'after rows/s':>12} {'speed-up':>8} "
                  f"{'before peak/CSV':>15} {'after peak/CSV':>14} {'before rejected':>15} "
                  f"{'after rejected':>14}")
            for label, step in (("clean", "import"), ("dirty", "import-dirty")):
                if step not in results:
                    continue
                new_, old_ = results[step], results[step + "@base"]
                base = dirty_path.stat().st_size if label == "dirty" else size
                print(f"{label:<6} {old_['rows'] / old_['seconds']:>13,.0f} "
                      f"{new_['rows'] / new_['seconds']:>12,.0f} "
                      f"{old_['seconds'] / new_['seconds']:>7.2f}x "
                      f"{old_['peak_bytes'] / base:>14.2f}x {new_['peak_bytes'] / base:>13.2f}x "
                      f"{old_.get('rejected', 0):>15,} {new_.get('rejected', 0):>14,}")
    finally:
        if tmpdir and not args.keep:
            for target in (path, dirty_path):
                if target is not None:
                    target.unlink(missing_ok=True)
            os.rmdir(tmpdir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
