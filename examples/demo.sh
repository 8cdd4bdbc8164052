#!/usr/bin/env bash
# The main job on the example dataset: validate the hand-coded events, build a release, load it.
set -euo pipefail
BIN=${1:-.venv/bin}
cd "$(dirname "$0")/.."
"$BIN/conflictkit" --version
