#!/usr/bin/env bash
# Perf regression check: runs convjit-bench on bench/shapes/quick.txt and fails
# (exit 1) when a layer's convjit/oneDNN speed ratio falls more than 25% below
# the committed bench/baseline.json, or when convjit fails or computes a wrong
# result. Timing, so not part of the unit/lit tests; ratios are measured
# within one run, which is what keeps them stable on a shared machine.
#
#   bench/regression.sh            check against bench/baseline.json
#   bench/regression.sh --update   re-measure and overwrite the baseline
#                                  (on a quiet machine; add --rounds 9 for a
#                                  steadier one)
#
# Extra arguments go to convjit-bench (e.g. --threads 2, --max-drop 0.3).
# CONVJIT_BUILD_DIR selects the build directory (default: build/).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${CONVJIT_BUILD_DIR:-$root/build}"
bench="$build/bin/convjit-bench"
shapes="$root/bench/shapes/quick.txt"
baseline="$root/bench/baseline.json"

if [ ! -x "$bench" ]; then
  echo "regression.sh: $bench not found; build it first (tools/dev.sh build)" >&2
  exit 2
fi

update=0
if [ "${1:-}" = "--update" ]; then
  update=1
  shift
fi

# The regression check compares convjit with oneDNN only: torch adds minutes
# and is not what the baseline holds. It measures the compiler's own
# schedules (--tuned=false), whatever a tuning database on this machine holds.
if [ $update -eq 1 ]; then
  # A layer convjit fails on still gets a row (with no ratio, so it is not
  # held to anything); the bench's exit status says whether that happened.
  status=0
  "$bench" "$shapes" --vs onednn --tuned=false --json "$baseline" "$@" || status=$?
  echo "regression.sh: wrote $baseline"
  exit $status
else
  if [ ! -f "$baseline" ]; then
    echo "regression.sh: no baseline at $baseline; run with --update first" >&2
    exit 2
  fi
  "$bench" "$shapes" --vs onednn --tuned=false --baseline "$baseline" "$@"
fi
