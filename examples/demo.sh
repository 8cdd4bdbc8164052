#!/usr/bin/env bash
# The main job on the example dataset, the whole path of the seed event:
# hand-coded events -> IDs -> an imported ACLED export -> validate -> release -> verify -> a second
# release -> diff -> report -> load, and the seed article -> candidate events. Everything it
# writes goes to demo-out/.
set -euo pipefail
BIN=${1:-.venv/bin}
cd "$(dirname "$0")/.."
CK="$BIN/conflictkit"
OUT=demo-out
step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

rm -rf "$OUT" && mkdir -p "$OUT"
"$CK" --version

step "1. Validate the hand-coded example dataset (what a dataset's CI runs on every pull request)"
"$CK" validate examples/dataset

step "2. Broken contributions are rejected with file, line, column, rule and value (exit 1)"
if "$CK" validate examples/bad; then echo "expected examples/bad to be rejected" >&2; exit 1; fi

step "3. A new contribution arrives without an ID: ids assign numbers it in place"
cp -r examples/dataset "$OUT/dataset"
cp examples/incoming/*.yaml "$OUT/dataset/events/"
"$CK" ids assign "$OUT/dataset"
"$CK" validate "$OUT/dataset"

step "3b. Import an ACLED export re-saved with defects: each repaired and recorded, nothing lost"
"$CK" import acled examples/exports/acled-export-2018.csv --today 2025-01-01 \
  -o "$OUT/dataset/imports/acled-2018.parquet"
"$CK" validate "$OUT/dataset" -q | tail -n 1

step "4. Release 1.0.0: Parquet, CSV, deletions, provenance, report, datapackage, codebook, changelog, checksums"
git_epoch=1700000000
"$CK" release "$OUT/dataset" --version 1.0.0 --timestamp "$git_epoch"
ls "$OUT/dataset/releases/1.0.0"
"$CK" verify "$OUT/dataset/releases/1.0.0"

step "5. Extract candidate events from the seed article (DW, 8 February 2018)"
"$CK" extract examples/dataset/articles/2018-02-08-dw-us-led-coalition-attacks-pro-assad-fighters.txt \
  --published 2018-02-08 --source "Deutsche Welle" -o "$OUT/seed-candidates.yaml"
cat "$OUT/seed-candidates.yaml" | sed -n '1,20p'
echo "... (provenance for every field follows; a person reviews, places and numbers it)" >&2
"$CK" validate "$OUT/seed-candidates.yaml" || echo "(a candidate is not publishable until reviewed)" >&2

step "6. Release 1.1.0 after the Damascus event is removed: deletions, changelog, diff"
rm "$OUT/dataset/events/"syria-damascus-*.yaml
"$CK" release "$OUT/dataset" --version 1.1.0 --timestamp $((git_epoch + 86400))
"$CK" diff "$OUT/dataset/releases/1.0.0" "$OUT/dataset/releases/1.1.0"
cat "$OUT/dataset/releases/1.1.0/deletions.csv"
"$CK" info "$OUT/dataset/releases/1.1.0"

step "6b. The release report: one self-contained HTML page (charts, map, changes since 1.0.0)"
"$CK" report "$OUT/dataset/releases/1.1.0" --previous "$OUT/dataset/releases/1.0.0" \
  -o "$OUT/report-1.1.0.html"

step "7. Load it the way a researcher does"
"$BIN/python" - "$OUT/dataset/releases/1.1.0" <<'PY'
import sys

import conflictkit as ck

release = sys.argv[1]
syria = ck.load(release, countries=["Syria"], start="2018-01-01", end="2018-12-31", verify=True)
print(syria[["event_id_cnty", "event_date", "sub_event_type", "actor1", "actor2", "fatalities"]]
      .to_string(index=False))
everything = ck.load(release)
print(ck.aggregate(everything, by=["region"], freq="year").to_string(index=False))
PY
