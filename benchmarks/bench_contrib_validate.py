"""Benchmark: `conflictkit validate` as CI runs it.

1. A 1,000-event contribution against a 3M-event release: whole process wall time and peak RSS
   of `conflictkit validate contrib --release REL --format json` (targets: <= 1.5 s, <= 300 MiB).
   Measured side by side with its floor, a process that only imports pandas + pyarrow and reads
   the release's ID column, and with the lookup done the wrong way round (contribution IDs
   looked up in the 3M-ID set, `small.isin(big)`) in-process.
2. 100k YAML events (100 files of 1,000): records/s of the whole validate process, and of the
   reader alone beside PyYAML's own `yaml.load(CSafeLoader)` of the same files (the floor any
   YAML reader pays; ours adds lines, key checks and safety).
3. With --pr-diff, a pull request's changes as CI computes them: a dataset repository holding
   the release's events as an imported batch (1,000 deleted, 1,000 with fatalities changed) and
   the 1,000-event contribution under events/; `validate events --release REL --format github
   --diff-json` beside the same command without the comparison (--format json) and beside its
   floor (a process reading the batch and the release with pyarrow, nothing compared).

The release is a real 31-column events.parquet from benchmarks/generate.py (cached in --cache),
or IDs only with --ids-only. Run: python benchmarks/bench_contrib_validate.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

EXE = Path(sys.executable).with_name("conflictkit")
# derived columns a contributor leaves out: conflictkit fills them (inter1/2 from the registry)
DROPPED = ("year", "disorder_type", "inter1", "inter2", "interaction", "civilian_targeting",
           "iso", "region", "timestamp")


def timed_run(cmd: list[str]) -> tuple[float, float, int]:
    """(wall seconds, peak RSS MiB, exit code) of one process, via /usr/bin/time -v."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True)
    wall = time.perf_counter() - start
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    rss = int(match.group(1)) / 1024 if match else float("nan")
    return wall, rss, proc.returncode


def timed_run_in(cmd: list[str], cwd: Path) -> tuple[float, float, int]:
    """`timed_run` in another working directory."""
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return timed_run(cmd)
    finally:
        os.chdir(old)


def make_release(path: Path, n: int, ids_only: bool) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.mkdir(parents=True, exist_ok=True)
    target = path / "events.parquet"
    if target.exists():
        return
    t0 = time.perf_counter()
    if ids_only:
        ids = pa.array([f"NIG{i}" for i in range(1, n + 1)])
        pq.write_table(pa.table({"event_id_cnty": ids}), target)
    else:
        from generate import generate_events

        from conflictkit.schema.arrow import to_arrow_table

        df = generate_events(n, seed=1)
        pq.write_table(to_arrow_table(df), target, compression="zstd", row_group_size=100_000)
    print(f"  wrote {target} ({target.stat().st_size / 2**20:.0f} MiB) in "
          f"{time.perf_counter() - t0:.1f} s", file=sys.stderr)


def make_contribution(folder: Path, n: int, files: int, seed: int) -> None:
    """n events as YAML, `files` files, derived columns left out, IDs beyond the release's."""
    import yaml
    from generate import generate_events

    df = generate_events(n, seed=seed)
    df["actor1"] = _registry_actors(df["inter1"], df["country"], seed)
    df["actor2"] = _registry_actors(df["inter2"], df["country"], seed + 1)
    df = df.drop(columns=list(DROPPED))
    df["event_id_cnty"] = df["event_id_cnty"].str.replace(r"[0-9]+$", "", regex=True) + [
        str(90_000_000 + seed * n + i) for i in range(n)]
    df["event_date"] = df["event_date"].dt.strftime("%Y-%m-%d")
    folder.mkdir(parents=True, exist_ok=True)
    per_file = -(-n // files)
    records = [{k: v for k, v in r.items() if v is not None and v == v}
               for r in df.astype(object).where(df.notna(), None).to_dict(orient="records")]
    for f in range(files):
        chunk = records[f * per_file:(f + 1) * per_file]
        if chunk:
            text = yaml.dump(chunk, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
                             allow_unicode=True, sort_keys=False, width=1000)
            (folder / f"events_{f:03d}.yaml").write_text(text, encoding="utf-8")


def _registry_actors(inter, country, seed: int):
    """Real actor names of each row's actor type, as a contributor would write them: registry
    names for armed groups, the generic "X (Country)" patterns, state forces of the country."""
    import numpy as np
    import pandas as pd

    from conflictkit.reference.actors import ActorRegistry
    from conflictkit.schema.vocab import INTER_CODES

    rng = np.random.default_rng(seed)
    table = ActorRegistry.default().table
    codes = inter.map(dict(INTER_CODES)).astype("Int8")
    out = pd.Series(None, index=inter.index, dtype="str")
    generic = {1: "Military Forces of {} (2000-)", 5: "Rioters ({})", 6: "Protesters ({})",
               7: "Civilians ({})"}
    for code, template in generic.items():
        rows = (codes == code).fillna(False)
        out[rows] = [template.format(c) for c in country[rows]]
    for code in (2, 3, 4, 8):
        rows = (codes == code).fillna(False)
        pool = table.loc[table["inter"] == code, "actor"].to_numpy()
        out[rows] = rng.choice(pool, size=int(rows.sum()))
    return out


def floor_cmd(release: Path) -> list[str]:
    code = ("import pandas, pyarrow.parquet as pq; "
            f"pq.read_table({str(release / 'events.parquet')!r}, columns=['event_id_cnty'])")
    return [sys.executable, "-c", code]


def wrong_way_round(release: Path, contrib_ids: list[str]) -> tuple[float, float]:
    """In-process seconds of big.isin(small) (ours) vs small.isin(big) (the trap)."""
    import pandas as pd
    import pyarrow.parquet as pq

    big = pq.read_table(release / "events.parquet", columns=["event_id_cnty"]).column(0)
    big_s = pd.Series(big.to_pandas(), dtype="str")
    small = pd.Series(contrib_ids, dtype="str")
    t0 = time.perf_counter()
    big_s.isin(small)
    ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    small.isin(big_s)
    trap = time.perf_counter() - t0
    return ours, trap


def reader_rates(folder: Path) -> tuple[float, float, float, int]:
    """Seconds over every file in folder: (our reader, yaml.load with CSafeLoader, bare libyaml
    event stream with nothing done per event), and the record count."""
    import yaml

    from conflictkit.builders.contributions import read_file

    paths = sorted(folder.glob("*.yaml"))
    t0 = time.perf_counter()
    n = sum(len(read_file(p).records) for p in paths)
    ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    for p in paths:
        yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    for p in paths:
        loader = yaml.CSafeLoader(p.read_text(encoding="utf-8"))
        while loader.get_event() is not None:
            pass
        loader.dispose()
    events = time.perf_counter() - t0
    return ours, load, events, n


def make_pr_dataset(root: Path, release: Path, contrib: Path, changes: int) -> None:
    """A dataset repository whose imported batch is the release less `changes` events and with
    `changes` fatalities changed, plus the contribution's files under events/."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    (root / "imports").mkdir(parents=True, exist_ok=True)
    subprocess.run(["cp", "-r", str(contrib), str(root / "events")], check=True)
    (root / "conflictkit.toml").write_text('[dataset]\nname = "bench"\n', encoding="utf-8")
    table = pq.read_table(release / "events.parquet")
    rng = np.random.default_rng(0)
    keep = np.ones(table.num_rows, dtype=bool)
    keep[rng.choice(table.num_rows, changes, replace=False)] = False
    table = table.filter(pa.array(keep))
    fatalities = table.column("fatalities").to_numpy(zero_copy_only=False).copy()
    fatalities[rng.choice(table.num_rows, changes, replace=False)] += 1
    index = table.schema.get_field_index("fatalities")
    table = table.set_column(index, table.schema.field(index),
                             pa.array(fatalities, table.schema.field(index).type))
    pq.write_table(table, root / "imports" / "batch.parquet", compression="zstd",
                   row_group_size=100_000)


def pr_floor_cmd(root: Path, release: Path) -> list[str]:
    code = ("import pandas, pyarrow.parquet as pq; "
            f"pq.read_table({str(root / 'imports' / 'batch.parquet')!r}); "
            f"pq.read_table({str(release / 'events.parquet')!r})")
    return [sys.executable, "-c", code]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release-rows", type=int, default=3_000_000)
    parser.add_argument("--contrib", type=int, default=1_000)
    parser.add_argument("--yaml-events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ids-only", action="store_true")
    parser.add_argument("--pr-diff", action="store_true",
                        help="also time a pull request's changes against the release (3)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "ck-bench")
    args = parser.parse_args(argv)

    kind = "ids" if args.ids_only else "full"
    release = args.cache / f"release-{kind}-{args.release_rows}"
    make_release(release, args.release_rows, args.ids_only)
    work = Path(tempfile.mkdtemp(prefix="ck-contrib-"))
    contrib = work / "contrib"
    make_contribution(contrib, args.contrib, files=10, seed=7)

    cmd = [str(EXE), "validate", str(contrib), "--release", str(release), "--format", "json"]
    check = subprocess.run(cmd, capture_output=True, text=True)
    summary = json.loads(check.stdout)["summary"] if check.stdout else {}
    print(f"contribution check: exit {check.returncode}, {summary}")
    cli, floor = [], []
    for _ in range(args.runs):
        cli.append(timed_run(cmd))
        floor.append(timed_run(floor_cmd(release)))
    cli_wall = statistics.median(w for w, _, _ in cli)
    cli_rss = max(r for _, r, _ in cli)
    floor_wall = statistics.median(w for w, _, _ in floor)
    floor_rss = max(r for _, r, _ in floor)
    ids = [f"NIG{i}" for i in range(90_000_000, 90_000_000 + args.contrib)]
    ours, trap = wrong_way_round(release, ids)
    print(f"\n1) validate {args.contrib} events vs a {args.release_rows:,}-event release "
          f"({kind} events.parquet), median of {args.runs}:")
    print(f"   conflictkit validate     {cli_wall:6.2f} s  peak {cli_rss:6.0f} MiB   "
          f"(targets 1.5 s, 300 MiB: {'met' if cli_wall <= 1.5 and cli_rss <= 300 else 'MISSED'})")
    print(f"   floor (imports + ID col) {floor_wall:6.2f} s  peak {floor_rss:6.0f} MiB   "
          f"ratio {cli_wall / floor_wall:.2f}x")
    print(f"   ID lookup in-process: big.isin(small) {ours * 1000:.0f} ms vs small.isin(big) "
          f"{trap * 1000:.0f} ms ({trap / max(ours, 1e-9):.0f}x)")

    if args.yaml_events:
        big = work / "yaml100k"
        make_contribution(big, args.yaml_events, files=100, seed=11)
        size = sum(p.stat().st_size for p in big.glob("*.yaml")) / 2**20
        wall, rss, code = timed_run([str(EXE), "validate", str(big), "--format", "json"])
        ours_s, load_s, events_s, n = reader_rates(big)
        print(f"\n2) {n:,} YAML events in 100 files ({size:.0f} MiB):")
        print(f"   whole validate process   {wall:6.2f} s  {n / wall:9,.0f} records/s  peak "
              f"{rss:.0f} MiB (exit {code})")
        print(f"   our reader (C loader)    {ours_s:6.2f} s  {n / ours_s:9,.0f} records/s")
        print(f"   yaml.load(CSafeLoader)   {load_s:6.2f} s  {n / load_s:9,.0f} records/s   "
              f"ours/this {ours_s / load_s:.2f}x")
        print(f"   bare libyaml events      {events_s:6.2f} s  {n / events_s:9,.0f} records/s   "
              f"ours/this {ours_s / events_s:.2f}x (the floor)")
    if args.pr_diff and not args.ids_only:
        root = work / "dataset"
        make_pr_dataset(root, release, contrib, args.contrib)
        out = work / "changes.json"
        base = [str(EXE), "validate", "events", "--release", str(release)]
        with_diff = [*base, "--format", "github", "--diff-json", str(out)]
        runs: dict[str, list[tuple[float, float, int]]] = {"diff": [], "plain": [], "floor": []}
        for _ in range(args.runs):
            runs["diff"].append(timed_run_in(with_diff, root))
            runs["plain"].append(timed_run_in([*base, "--format", "json"], root))
            runs["floor"].append(timed_run_in(pr_floor_cmd(root, release), root))
        summary = json.loads(out.read_text())["summary"] if out.exists() else {}
        wall = {k: statistics.median(w for w, _, _ in v) for k, v in runs.items()}
        rss = {k: max(r for _, r, _ in v) for k, v in runs.items()}
        print(f"\n3) a pull request's changes against the {args.release_rows:,}-event release "
              f"(dataset: the release as an imported batch, {args.contrib} events deleted and "
              f"{args.contrib} modified, {args.contrib} new under events/), median of "
              f"{args.runs}: {summary}")
        print(f"   validate --format github --diff-json {wall['diff']:6.2f} s  peak "
              f"{rss['diff']:6.0f} MiB  (exit {runs['diff'][0][2]})")
        print(f"   validate --format json (no diff)     {wall['plain']:6.2f} s  peak "
              f"{rss['plain']:6.0f} MiB")
        print(f"   floor (read batch + release)         {wall['floor']:6.2f} s  peak "
              f"{rss['floor']:6.0f} MiB   diff/floor {wall['diff'] / wall['floor']:.2f}x")
    subprocess.run(["rm", "-rf", str(work)], check=False)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
