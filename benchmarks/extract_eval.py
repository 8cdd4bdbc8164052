"""Evaluate `conflictkit extract` against hand-coded gold events.

Each article `NAME.txt` / `NAME.html` in the development set has `NAME.yaml` with
`events: [...]` (ACLED columns; `published` may override the article's date). Predicted events
are paired with gold events of the same article greedily by agreement (a pair needs the same
country, or a missing one, and dates at most 7 days apart); precision = paired predictions /
predictions, recall = paired gold events / gold events. Per-field accuracy is measured over the
pairs: event_date, time_precision, event_type, sub_event_type, actor1, actor2, actors (the
unordered pair), fatalities, country, admin1, location. Names compare case-, accent- and
punctuation-insensitively ("Al-Anbar" = "Al Anbar"); a blank equals a blank.

    python benchmarks/extract_eval.py [--dir benchmarks/extract_dev] [--details] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

FIELDS = ("event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2",
          "actors", "fatalities", "country", "admin1", "location")


def norm(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return re.sub(r"[^0-9a-z]+", " ", text).strip()


def field_value(event: dict[str, Any], name: str) -> str:
    if name == "actors":
        return " | ".join(sorted(norm(event.get(k)) for k in ("actor1", "actor2")))
    if name == "time_precision":
        return str(event.get("time_precision") or 1)
    if name == "fatalities":
        return str(event.get("fatalities") or 0)
    return norm(event.get(name))


def as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def pair_events(gold: list[dict], predicted: list[dict]) -> list[tuple[dict, dict]]:
    """Greedy pairing by the number of agreeing fields, under the country/date gate."""
    scored = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(predicted):
            if norm(g.get("country")) and norm(p.get("country")) and \
                    norm(g.get("country")) != norm(p.get("country")):
                continue
            gd, pd = as_date(g.get("event_date")), as_date(p.get("event_date"))
            if gd and pd and abs(gd - pd) > timedelta(days=7):
                continue
            score = sum(field_value(g, f) == field_value(p, f) for f in FIELDS)
            scored.append((score, gi, pi))
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _score, gi, pi in scored:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        pairs.append((gold[gi], predicted[pi]))
    return pairs


def run(directory: Path, details: bool) -> dict[str, Any]:
    from conflictkit.builders.extract import extract_file
    from conflictkit.builders.extract.output import to_records

    articles = sorted(p for p in directory.iterdir() if p.suffix in (".txt", ".html"))
    totals = {"gold": 0, "predicted": 0, "paired": 0, "articles": len(articles),
              "empty_ok": 0, "empty_articles": 0}
    right = dict.fromkeys(FIELDS, 0)
    lines = []
    for article in articles:
        gold_path = article.with_suffix(".yaml")
        if not gold_path.exists():
            continue
        gold_doc = yaml.safe_load(gold_path.read_text(encoding="utf-8")) or {}
        gold = gold_doc.get("events") or []
        published = as_date(gold_doc["published"]) if gold_doc.get("published") else None
        result = extract_file(article, published=published)
        predicted = to_records(result)
        pairs = pair_events(gold, predicted)
        totals["gold"] += len(gold)
        totals["predicted"] += len(predicted)
        totals["paired"] += len(pairs)
        if not gold:
            totals["empty_articles"] += 1
            totals["empty_ok"] += not predicted
        for g, p in pairs:
            for name in FIELDS:
                ok = field_value(g, name) == field_value(p, name)
                right[name] += ok
                if details and not ok:
                    lines.append(f"  {article.name}: {name}: gold {field_value(g, name)!r} "
                                 f"got {field_value(p, name)!r}")
        if details and (len(pairs) < len(gold) or len(pairs) < len(predicted)):
            lines.append(f"  {article.name}: {len(gold)} gold, {len(predicted)} predicted, "
                         f"{len(pairs)} paired")
    paired = totals["paired"] or 1
    return {
        "articles": totals["articles"],
        "gold_events": totals["gold"],
        "predicted_events": totals["predicted"],
        "paired": totals["paired"],
        "precision": round(totals["paired"] / (totals["predicted"] or 1), 3),
        "recall": round(totals["paired"] / (totals["gold"] or 1), 3),
        "no_event_articles_left_empty": f"{totals['empty_ok']}/{totals['empty_articles']}",
        "field_accuracy": {name: round(right[name] / paired, 3) for name in FIELDS},
        "details": lines,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path,
                        default=Path(__file__).resolve().parent / "extract_dev")
    parser.add_argument("--details", action="store_true", help="list every disagreement")
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    args = parser.parse_args()
    report = run(args.dir, args.details)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"articles {report['articles']}: gold events {report['gold_events']}, predicted "
          f"{report['predicted_events']}, paired {report['paired']}")
    print(f"event precision {report['precision']:.3f}  recall {report['recall']:.3f}  "
          f"no-event articles left empty {report['no_event_articles_left_empty']}")
    print("field accuracy over paired events:")
    for name, value in report["field_accuracy"].items():
        print(f"  {name:<15} {value:.3f}")
    for line in report["details"]:
        print(line, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
