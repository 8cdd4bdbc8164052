"""Evaluate `conflictkit extract` against hand-coded gold events, set by set.

Two kinds of development set live under `benchmarks/extract_dev/`:

- the project's own articles (`NAME.txt` / `NAME.html` beside `NAME.yaml` with `events: [...]`
  in ACLED columns; `published` may override the article's date), written with the rules;
- real articles in a subfolder with a `truth.csv` (one row per gold event, columns as in
  `wikinews/README.md`) and an optional `accepted.yaml` (accepted alternatives and rows of
  secondary weight, transcribed from the set's README). `wikinews/` holds 25 English Wikinews
  articles (CC BY 2.5, attribution in its README).

Scoring follows the Wikinews README. An event **matches** a gold event of the same article when
the country is the same, the dates are at most one day apart and the place agrees: the location
when the gold names one, else admin1, else (a country-level row) the event type. Names compare
case-, accent- and punctuation-insensitively, and a place also matches when one name is the
other's leading words ("New York" / "New York City") or the same name spelt a little
differently ("Misrata" / "Misratah", "Basra" / "Al-Basrah"). Pairs are formed greedily by the
number of agreeing fields. Precision = matched predictions / predictions; recall = matched
required gold rows / required gold rows (a row marked optional costs no recall when missed and is
no false positive when found). Every event from an article without gold rows is a false positive.

Per-field accuracy is measured over a looser pairing, on country and date (+-1 day) only, so
that a wrong place shows as a wrong location instead of vanishing into a missed event:
event_date, time_precision, event_type, sub_event_type, actor1, actor2, actors (the unordered
pair), fatalities, country, admin1, location. An accepted alternative counts as right; an
uncertain gold actor (ending in "?") is compared by identity (the period in brackets ignored).

    python benchmarks/extract_eval.py [--root benchmarks/extract_dev] [--set wikinews]
                                      [--articles] [--details] [--json]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

FIELDS = ("event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2",
          "actors", "fatalities", "country", "admin1", "location")
OWN = "own"
_PERIOD = re.compile(r"\s*\((?:\d{4}-(?:\d{4})?)\)")


@dataclass
class Gold:
    fields: dict[str, Any]
    accept: dict[str, Any] = field(default_factory=dict)
    optional: bool = False


@dataclass
class DevArticle:
    path: Path
    gold: list[Gold]
    published: date | None = None

    @property
    def name(self) -> str:
        return self.path.name


@dataclass
class DevSet:
    name: str
    articles: list[DevArticle]


# ---- reading the sets ---------------------------------------------------------------------

def norm(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return re.sub(r"[^0-9a-z]+", " ", text).strip()


def as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def read_own_set(directory: Path) -> DevSet:
    """Articles with a YAML gold file beside them."""
    articles = []
    for path in sorted(p for p in directory.iterdir() if p.suffix in (".txt", ".html")):
        gold_path = path.with_suffix(".yaml")
        if not gold_path.exists():
            continue
        doc = yaml.safe_load(gold_path.read_text(encoding="utf-8")) or {}
        gold = [Gold(dict(e), dict(e.pop("accept", None) or {}), bool(e.pop("optional", False)))
                for e in (doc.get("events") or [])]
        published = as_date(doc["published"]) if doc.get("published") else None
        articles.append(DevArticle(path, gold, published))
    return DevSet(OWN, articles)


def read_truth_set(directory: Path) -> DevSet:
    """Articles NN.txt with gold rows in truth.csv and alternatives in accepted.yaml."""
    rows: dict[str, list[Gold]] = {}
    with (directory / "truth.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            values: dict[str, Any] = {k: (v.strip() or None) for k, v in row.items()
                                      if k not in ("article", "notes")}
            values["fatalities"] = int(values.get("fatalities") or 0)
            values["time_precision"] = int(values.get("time_precision") or 1)
            rows.setdefault(row["article"].strip(), []).append(Gold(values))
    accepted_path = directory / "accepted.yaml"
    if accepted_path.exists():
        for item in yaml.safe_load(accepted_path.read_text(encoding="utf-8")) or []:
            gold = rows[str(item.pop("article"))][int(item.pop("row")) - 1]
            gold.optional = bool(item.pop("optional", False))
            gold.accept = item
    articles = [DevArticle(path, rows.get(path.stem, []))
                for path in sorted(directory.glob("*.txt"))]
    return DevSet(directory.name, articles)


def read_sets(root: Path) -> list[DevSet]:
    """The own set (YAML gold at the root) and each subfolder holding a truth.csv."""
    sets = [read_own_set(root)]
    sets += [read_truth_set(sub) for sub in sorted(root.iterdir())
             if sub.is_dir() and (sub / "truth.csv").exists()]
    return [s for s in sets if s.articles]


# ---- comparing fields -----------------------------------------------------------------------

def actor_key(name: Any, uncertain: bool = False) -> str:
    text = str(name or "").strip()
    if uncertain:
        text = _PERIOD.sub("", text.rstrip("?").strip())
    return norm(text)


def same_place(gold: Any, predicted: Any) -> bool:
    """Same name, one name the other's leading words, or the same name spelt another way
    ("Misrata" / "Misratah", "Basra" / "Al-Basrah": similarity >= 85 once "al" is dropped)."""
    from rapidfuzz import fuzz

    g, p = norm(gold), norm(predicted)
    if not g or not p:
        return g == p
    if g == p or p.startswith(g + " ") or g.startswith(p + " "):
        return True
    g, p = (re.sub(r"^(?:al|el|as|ad|ar|an) ", "", x) for x in (g, p))
    return fuzz.ratio(g, p) >= 85


def _values(gold: Gold, name: str) -> list[Any]:
    extra = gold.accept.get(name) or []
    return [gold.fields.get(name), *(extra if isinstance(extra, list) else [extra])]


def field_ok(gold: Gold, predicted: dict[str, Any], name: str) -> bool:
    """Whether a predicted field agrees with the gold value or an accepted alternative."""
    g = gold.fields
    if name == "actors":
        return all(field_ok(gold, predicted, n) for n in ("actor1", "actor2")) or (
            _actor_ok(g.get("actor1"), predicted.get("actor2"))
            and _actor_ok(g.get("actor2"), predicted.get("actor1")))
    if name in ("actor1", "actor2"):
        return _actor_ok(g.get(name), predicted.get(name))
    if name == "fatalities":
        got = int(predicted.get("fatalities") or 0)
        span = gold.accept.get("fatalities")
        if span:
            return span[0] <= got <= span[1]
        return got == int(g.get("fatalities") or 0)
    if name == "time_precision":
        return int(predicted.get(name) or 1) == int(g.get(name) or 1)
    if name == "event_date":
        got = as_date(predicted.get(name))
        return any(as_date(v) == got for v in _values(gold, name))
    if name in ("admin1", "location"):
        return any(same_place(v, predicted.get(name)) for v in _values(gold, name))
    return any(norm(v) == norm(predicted.get(name)) for v in _values(gold, name))


def _actor_ok(gold: Any, predicted: Any) -> bool:
    uncertain = str(gold or "").strip().endswith("?")
    want = actor_key(gold, uncertain)
    got = actor_key(predicted, uncertain)
    if want == got:
        return True
    # "AQIM: Al Qaeda in the Islamic Maghreb" is also written by its acronym or its long name
    parts = [actor_key(p, uncertain) for p in str(gold or "").rstrip("?").split(": ", 1)]
    return len(parts) == 2 and got in parts


def dates_close(gold: Gold, predicted: dict[str, Any], days: int = 1) -> bool:
    got = as_date(predicted.get("event_date"))
    if got is None:
        return False
    return any((d := as_date(v)) is not None and abs(d - got) <= timedelta(days=days)
               for v in _values(gold, "event_date"))


def matches(gold: Gold, predicted: dict[str, Any]) -> bool:
    """The README's event match: country, date +-1 day, and location / admin1 / event type."""
    if norm(gold.fields.get("country")) != norm(predicted.get("country")):
        return False
    if not dates_close(gold, predicted):
        return False
    if gold.fields.get("location"):
        return field_ok(gold, predicted, "location")
    if gold.fields.get("admin1"):
        return field_ok(gold, predicted, "admin1")
    return field_ok(gold, predicted, "event_type")


def loosely_matches(gold: Gold, predicted: dict[str, Any]) -> bool:
    """Country and date +-1 day: the pairing per-field accuracy is measured over."""
    return norm(gold.fields.get("country")) == norm(predicted.get("country")) \
        and dates_close(gold, predicted)


def pair_events(gold: list[Gold], predicted: list[dict], gate) -> list[tuple[Gold, dict]]:
    """Greedy pairing by the number of agreeing fields among the pairs the gate allows."""
    scored = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(predicted):
            if gate(g, p):
                scored.append((sum(field_ok(g, p, f) for f in FIELDS), gi, pi))
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


# ---- running ------------------------------------------------------------------------------

@dataclass
class ArticleScore:
    set_name: str
    name: str
    gold_required: int
    gold_optional: int
    predicted: int
    matched_required: int
    matched_predicted: int
    loose_pairs: int
    right: dict[str, int]
    misses: list[str]


def score_article(set_name: str, article: DevArticle) -> ArticleScore:
    from conflictkit.builders.extract import extract_file
    from conflictkit.builders.extract.output import to_records

    result = extract_file(article.path, published=article.published)
    predicted = to_records(result)
    strict = pair_events(article.gold, predicted, matches)
    loose = pair_events(article.gold, predicted, loosely_matches)
    right = dict.fromkeys(FIELDS, 0)
    misses = []
    for g, p in loose:
        for name in FIELDS:
            ok = field_ok(g, p, name)
            right[name] += ok
            if not ok and name != "actors":
                misses.append(f"{name}: gold {g.fields.get(name)!r} got {p.get(name)!r}")
    required = [g for g in article.gold if not g.optional]
    return ArticleScore(
        set_name, article.name, len(required), len(article.gold) - len(required),
        len(predicted), sum(1 for g, _ in strict if not g.optional), len(strict), len(loose),
        right, misses)


def summarise(scores: list[ArticleScore]) -> dict[str, Any]:
    gold = sum(s.gold_required for s in scores)
    predicted = sum(s.predicted for s in scores)
    loose = sum(s.loose_pairs for s in scores)
    empty = [s for s in scores if not s.gold_required + s.gold_optional]
    return {
        "articles": len(scores),
        "gold_events": gold,
        "optional_gold_events": sum(s.gold_optional for s in scores),
        "predicted_events": predicted,
        "matched": sum(s.matched_required for s in scores),
        "precision": round(sum(s.matched_predicted for s in scores) / (predicted or 1), 3),
        "recall": round(sum(s.matched_required for s in scores) / (gold or 1), 3),
        "no_event_articles_left_empty": f"{sum(not s.predicted for s in empty)}/{len(empty)}",
        "field_pairs": loose,
        "field_accuracy": {name: round(sum(s.right[name] for s in scores) / (loose or 1), 3)
                           for name in FIELDS},
    }


def run(root: Path, only: str | None = None) -> dict[str, Any]:
    sets = [s for s in read_sets(root) if only is None or s.name == only]
    scores = {s.name: [score_article(s.name, a) for a in s.articles] for s in sets}
    report: dict[str, Any] = {"sets": {name: summarise(v) for name, v in scores.items()}}
    everything = [a for v in scores.values() for a in v]
    if len(scores) > 1:
        report["all"] = summarise(everything)
    report["per_article"] = [
        {"set": s.set_name, "article": s.name, "gold": s.gold_required,
         "optional": s.gold_optional, "predicted": s.predicted, "matched": s.matched_required,
         "false_positives": s.predicted - s.matched_predicted,
         "missed": s.gold_required - s.matched_required, "field_misses": s.misses}
        for s in everything]
    return report


def _print_summary(title: str, summary: dict[str, Any]) -> None:
    print(f"== {title}: {summary['articles']} articles, gold events {summary['gold_events']} "
          f"(+{summary['optional_gold_events']} optional), predicted "
          f"{summary['predicted_events']}, matched {summary['matched']}")
    print(f"   event precision {summary['precision']:.3f}  recall {summary['recall']:.3f}  "
          f"no-event articles left empty {summary['no_event_articles_left_empty']}")
    print(f"   field accuracy over {summary['field_pairs']} date+country pairs: " + "  ".join(
        f"{name} {value:.2f}" for name, value in summary["field_accuracy"].items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", "--dir", type=Path, dest="root",
                        default=Path(__file__).resolve().parent / "extract_dev")
    parser.add_argument("--set", dest="only", help="score one set only (own, wikinews, ...)")
    parser.add_argument("--articles", action="store_true", help="the per-article table")
    parser.add_argument("--details", action="store_true",
                        help="the per-article table and every field disagreement")
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    args = parser.parse_args()
    report = run(args.root, args.only)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    for name, summary in report["sets"].items():
        _print_summary(name, summary)
    if "all" in report:
        _print_summary("all sets", report["all"])
    if args.articles or args.details:
        print(f"\n{'set':<9} {'article':<28} {'gold':>4} {'opt':>3} {'pred':>4} {'match':>5} "
              f"{'FP':>3} {'miss':>4} {'field':>5}")
        for row in report["per_article"]:
            print(f"{row['set']:<9} {row['article']:<28} {row['gold']:>4} {row['optional']:>3} "
                  f"{row['predicted']:>4} {row['matched']:>5} {row['false_positives']:>3} "
                  f"{row['missed']:>4} {len(row['field_misses']):>5}")
            if args.details:
                for miss in row["field_misses"]:
                    print(f"{'':<10}{miss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
