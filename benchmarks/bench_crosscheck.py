"""Benchmark: cross-record checks on a table where many events share one key.

Three Parquet tables of the same generated events (benchmarks/generate.py), each checked by the
whole `conflictkit validate FILE.parquet --format json -q` process, run by run side by side:

- baseline: ``--rows`` events, no shared key (what validate costs anyway);
- key:      ``--group`` of them made likely duplicates of one event: the same event_date,
            country, location, actor1, actor2 and sub_event_type (and the columns derived from
            them, so they stay valid); each keeps its own, unique ID;
- id:       ``--group`` of them carrying one event_id_cnty (and that ID's country, so the only
            problem is the shared ID: every copy is rejected).

Wall time and peak RSS come from `/usr/bin/time -v`; the JSON report is read back to check the
counts (records = accepted + rejected) and how many rows each cross-record rule wrote. A
watchdog kills a run whose RSS passes ``--max-rss-gib`` (the shared machine must not swap or
OOM), and the run is reported as killed. ``--src DIR`` runs the command against another source
tree (e.g. ``git archive`` of an older commit), to measure a before state with the same data.

    python benchmarks/bench_crosscheck.py                    # 1M rows, groups of 200k
    python benchmarks/bench_crosscheck.py --rows 1000000 --group 20000 --src /tmp/old/src

Targets: < 2 GiB peak and < 30 s for 1M events of which 200k share one key.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
EXE = Path(sys.executable).with_name("conflictkit")
CASES = ("baseline", "key", "id")
# the likely-duplicate key, and the columns derived from it (copied with it so rows stay valid)
KEY = ("event_date", "country", "location", "actor1", "actor2", "sub_event_type")
DERIVED = ("year", "iso", "region", "inter1", "inter2", "interaction", "event_type",
           "disorder_type", "civilian_targeting")
CROSS_RULES = ("duplicate_id", "likely_duplicate", "unknown_actor", "unique")


def make_tables(rows: int, group: int, seed: int, workdir: Path) -> dict[str, Path]:
    """The three tables (cached in workdir by size and seed)."""
    paths = {case: workdir / f"{case}-{rows}-{group}-{seed}.parquet" for case in CASES}
    if all(p.exists() for p in paths.values()):
        return paths
    sys.path.insert(0, str(HERE))
    import numpy as np
    import pyarrow.parquet as pq
    from generate import generate_events

    from conflictkit.schema.arrow import to_arrow_table

    start = time.perf_counter()
    events = generate_events(rows, seed=seed)
    rng = np.random.default_rng(seed + 1)
    members = np.sort(rng.choice(rows, group, replace=False))
    template = int(members[0])
    template_id = str(events["event_id_cnty"].iat[template])
    prefix = re.match(r"[A-Z]+", template_id).group(0)  # type: ignore[union-attr]

    def copy_from_template(frame: Any, columns: tuple[str, ...]) -> Any:
        frame = frame.copy()
        for name in columns:
            column = frame[name].copy()
            column.iloc[members] = column.iloc[template]
            frame[name] = column
        return frame

    pq.write_table(to_arrow_table(events), paths["baseline"], compression="zstd")
    keyed = copy_from_template(events, KEY + DERIVED)
    ids = keyed["event_id_cnty"].copy()  # fresh, unique IDs with the template's prefix
    ids.iloc[members[1:]] = [f"{prefix}{9_000_000 + i}" for i in range(group - 1)]
    keyed["event_id_cnty"] = ids
    pq.write_table(to_arrow_table(keyed), paths["key"], compression="zstd")
    del keyed
    shared = copy_from_template(events, ("event_id_cnty", "country", "iso", "region"))
    pq.write_table(to_arrow_table(shared), paths["id"], compression="zstd")
    print(f"wrote {rows:,}-row tables (groups of {group:,}) in {time.perf_counter() - start:.1f}s"
          f" to {workdir}", file=sys.stderr)
    return paths


def _rss_of_children(pid: int) -> int:
    """Resident bytes of the processes /usr/bin/time started (its direct children)."""
    total = 0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0
    for child in children:
        try:
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


def run_validate(path: Path, *, src: Path | None, max_rss: int, timeout: float
                 ) -> dict[str, Any]:
    """One whole validate process: wall seconds, peak RSS and what its JSON report says."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out, \
            tempfile.TemporaryFile("w+", encoding="utf-8") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(["/usr/bin/time", "-v", str(EXE), "validate", str(path),
                                 "--format", "json", "-q"], stdout=out, stderr=err, env=env,
                                start_new_session=True)
        killed = ""
        while proc.poll() is None:
            rss = _rss_of_children(proc.pid)
            elapsed = time.perf_counter() - start
            if rss > max_rss or elapsed > timeout:
                killed = (f"killed at {rss / 2**30:.1f} GiB RSS" if rss > max_rss
                          else f"killed after {elapsed:.0f} s")
                os.killpg(proc.pid, signal.SIGKILL)  # the group this run started, nothing else
                proc.wait()
                break
            time.sleep(0.1)
        wall = time.perf_counter() - start
        err.seek(0)
        stderr = err.read()
        result: dict[str, Any] = {"seconds": wall, "exit": proc.returncode, "killed": killed}
        match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
        result["peak_bytes"] = int(match.group(1)) * 1024 if match else None
        if killed:
            return result
        if proc.returncode not in (0, 1):
            raise SystemExit(f"validate {path} exited {proc.returncode}:\n{stderr[-3000:]}")
        out.seek(0)
        doc = json.load(out)
    result["summary"] = doc["summary"]
    rows: dict[str, int] = {}
    for problem in doc["problems"]:
        if problem["rule"] in CROSS_RULES:
            rows[problem["rule"]] = rows.get(problem["rule"], 0) + 1
    result["rows"] = rows
    result["longest_message"] = max((len(p["message"]) for p in doc["problems"]), default=0)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--group", type=int, default=200_000, help="records sharing one key")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=1, help="runs per case (median)")
    parser.add_argument("--cases", default=",".join(CASES), help="comma-separated subset")
    parser.add_argument("--workdir", type=Path, help="keep the tables here (default: temporary)")
    parser.add_argument("--src", type=Path, help="run validate from this source tree")
    parser.add_argument("--max-rss-gib", type=float, default=8.0, help="kill a run above this")
    parser.add_argument("--timeout", type=float, default=600.0, help="kill a run after this (s)")
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    args = parser.parse_args(argv)
    cases = [c for c in args.cases.split(",") if c]
    if unknown := set(cases) - set(CASES):
        parser.error(f"unknown cases: {', '.join(sorted(unknown))}")

    temporary = None
    workdir = args.workdir
    if workdir is None:
        temporary = tempfile.TemporaryDirectory(prefix="bench_crosscheck_")
        workdir = Path(temporary.name)
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        paths = make_tables(args.rows, args.group, args.seed, workdir)
        runs: dict[str, list[dict[str, Any]]] = {case: [] for case in cases}
        for _ in range(args.runs):  # interleaved: load on a shared machine hits every case
            for case in cases:
                runs[case].append(run_validate(paths[case], src=args.src,
                                               max_rss=int(args.max_rss_gib * 2**30),
                                               timeout=args.timeout))
    finally:
        if temporary is not None:
            temporary.cleanup()

    source = str(args.src) if args.src else "this tree"
    print(f"{args.rows:,} events, groups of {args.group:,}, validate from {source}, "
          f"{args.runs} run(s) per case (median)")
    print(f"{'case':<9} {'seconds':>8} {'peak RSS':>10} {'vs base':>8}  report")
    results: dict[str, dict[str, Any]] = {}
    for case in cases:
        done = sorted(runs[case], key=lambda r: r["seconds"])
        results[case] = done[len(done) // 2]
    base = results.get("baseline")
    for case, r in results.items():
        peak = f"{r['peak_bytes'] / 2**30:.2f} GiB" if r["peak_bytes"] else "?"
        ratio = (f"{r['seconds'] / base['seconds']:.2f}x" if base and not base["killed"]
                 and not r["killed"] else "")
        if r["killed"]:
            what = r["killed"]
        else:
            s = r["summary"]
            rows = ", ".join(f"{k} {v:,}" for k, v in sorted(r["rows"].items()))
            what = (f"{s['records']:,} records = {s['accepted']:,} accepted + "
                    f"{s['rejected']:,} rejected; rows: {rows or 'none'}; longest message "
                    f"{r['longest_message']:,} chars")
        print(f"{case:<9} {r['seconds']:8.2f} {peak:>10} {ratio:>8}  {what}")
    for case in ("key", "id"):
        r = results.get(case)
        if r is None:
            continue
        met = (not r["killed"] and r["seconds"] < 30 and r["peak_bytes"] is not None
               and r["peak_bytes"] < 2 * 2**30)
        print(f"{case}: target < 30 s and < 2 GiB: {'met' if met else 'NOT met'}")
    if args.json:
        print(json.dumps({"rows": args.rows, "group": args.group, "src": source,
                          "results": results}, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
