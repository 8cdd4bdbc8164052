"""Reference lookups at ACLED scale: vectorised paths against per-row Python, side by side.

    .venv/bin/python benchmarks/reference_lookups.py [--rows 3000000] [--baseline-rows 200000]

Reports load times (country table, actor registry, gazetteer), then for resolve_countries and
ActorRegistry.inter_codes the vectorised time on --rows rows and the ratio against the obvious
per-row baseline (`Series.map` of the scalar function) timed in the same run on --baseline-rows
rows and scaled per row.  Also times Gazetteer.match_in_text on a ~3,000-character article.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd


def _timed(fn, *args):
    start = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--baseline-rows", type=int, default=200_000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)

    from conflictkit.reference import countries as c
    from conflictkit.reference.actors import ActorRegistry
    from conflictkit.reference.gazetteer import Gazetteer

    _, t_countries = _timed(c.countries)
    registry, t_actors = _timed(ActorRegistry.load)
    gazetteer, t_gaz = _timed(Gazetteer.load)
    print(f"load: countries {t_countries:.3f}s  actors {t_actors:.3f}s  gazetteer {t_gaz:.3f}s")

    spellings = np.array(
        list(c.country_names()) + ["DR Congo", "Türkiye", "syria", "Atlantis"], dtype=object
    )
    big = pd.Series(rng.choice(spellings, args.rows), dtype="str")
    small = big.iloc[: args.baseline_rows]
    _, t_vec = _timed(c.resolve_countries, big)
    _, t_row = _timed(lambda s: s.map(c.resolve_country), small)
    per_row = t_row / len(small) * len(big)
    print(
        f"resolve_countries {len(big):,} rows: {t_vec:.2f}s; per-row map {per_row:.2f}s "
        f"(scaled from {len(small):,}); speed-up {per_row / t_vec:.1f}x"
    )

    names = np.array(registry.names, dtype=object)
    actor_names = pd.Series(rng.choice(names, args.rows), dtype="str")
    event_countries = pd.Series(rng.choice(spellings, args.rows), dtype="str")
    _, t_vec = _timed(registry.inter_codes, actor_names, event_countries)
    pairs = zip(
        actor_names.iloc[: args.baseline_rows],
        event_countries.iloc[: args.baseline_rows],
        strict=True,
    )
    _, t_row = _timed(lambda: [registry.inter_code(n, k) for n, k in pairs])
    per_row = t_row / args.baseline_rows * len(actor_names)
    print(
        f"inter_codes {len(actor_names):,} rows: {t_vec:.2f}s; per-row inter_code {per_row:.2f}s "
        f"(scaled from {args.baseline_rows:,}); speed-up {per_row / t_vec:.1f}x"
    )

    sentence = (
        "Syrian government forces shelled al-Bab and villages near Deir ez-Zor on Monday, "
        "while clashes continued in Idlib province and around Manbij, residents said. "
    )
    article = sentence * (3000 // len(sentence) + 1)
    gazetteer.match_in_text(article, ["Syria"])  # builds the Syria name set once
    reps = 200
    _, t_text = _timed(lambda: [gazetteer.match_in_text(article, ["Syria"]) for _ in range(reps)])
    print(f"match_in_text {len(article):,}-char article (Syria): {t_text / reps * 1000:.1f} ms")


if __name__ == "__main__":
    main()
