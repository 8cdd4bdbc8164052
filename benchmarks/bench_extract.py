"""Speed of `conflictkit extract` (rule-based) on 3,000-character articles, one core.

Target: >= 20 articles per second, start-up reported separately. Articles are built
from the development set: each one joins consecutive dev articles until it passes 3,000
characters, so every article is different and reads like a wire round-up. Reported:
- start-up: a fresh process importing the extractor and loading the actor registry and the
  gazetteer (median of 3 runs);
- first pass over every article (cold per-country caches) and steady-state passes, as
  articles/s of CPU time on this process (one core), with the ratio to the 20/s target;
- the baseline measured side by side: cleaning and sentence splitting alone (`read_article`),
  the floor every extractor pays, and extraction's cost as a multiple of it.

    python benchmarks/bench_extract.py [--passes 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

DEV = Path(__file__).resolve().parent / "extract_dev"
TARGET = 20.0
STARTUP = ("import time; t = time.perf_counter(); "
           "from conflictkit.builders.extract import default_extractor; default_extractor(); "
           "print(time.perf_counter() - t)")


def build_articles(size: int = 3000) -> list[str]:
    from conflictkit.builders.extract.text import read_article

    bodies = []
    for path in sorted(DEV.glob("*.txt")):
        article = read_article(path.read_text(encoding="utf-8"))
        if article.sentences and "French" not in path.name and "french" not in path.name:
            bodies.append("\n\n".join(p.text for p in article.paragraphs))
    out = []
    for i in range(len(bodies)):
        parts, j = [], i
        while sum(len(p) + 2 for p in parts) < size:
            parts.append(bodies[j % len(bodies)])
            j += 1
        out.append("\n\n".join(parts)[: size + 400])
    return out


def cpu_rate(function, articles: list[str]) -> float:
    start = time.process_time()
    for text in articles:
        function(text)
    elapsed = time.process_time() - start
    return len(articles) / elapsed if elapsed else float("inf")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=5)
    args = parser.parse_args()

    startups = []
    for _ in range(3):
        run = subprocess.run([sys.executable, "-c", STARTUP], capture_output=True, text=True,
                             check=True)
        startups.append(float(run.stdout.strip()))
    from conflictkit.builders.extract import default_extractor, extract_text
    from conflictkit.builders.extract.text import read_article

    default_extractor()
    articles = build_articles()
    mean_len = statistics.mean(len(a) for a in articles)
    published = date(2023, 6, 1)

    def extract(text: str) -> None:
        extract_text(text, published=published)

    def clean(text: str) -> None:
        read_article(text, published=published)

    first = cpu_rate(extract, articles)
    steady = [cpu_rate(extract, articles) for _ in range(args.passes)]
    floor = [cpu_rate(clean, articles) for _ in range(args.passes)]
    rate = statistics.median(steady)
    base = statistics.median(floor)
    print(f"articles: {len(articles)} distinct, mean {mean_len:.0f} characters")
    print(f"start-up (fresh process, reference data loaded): median "
          f"{statistics.median(startups):.2f} s of {', '.join(f'{s:.2f}' for s in startups)}")
    print(f"first pass (cold caches): {first:.1f} articles/s = {first / TARGET:.2f}x target")
    print(f"steady state: {rate:.1f} articles/s (median of {args.passes} passes) = "
          f"{rate / TARGET:.2f}x the {TARGET:.0f}/s target")
    print(f"baseline, cleaning + sentences only: {base:.1f} articles/s; extraction costs "
          f"{base / rate:.1f}x the baseline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
