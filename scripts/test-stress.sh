#!/usr/bin/env bash
# Runs the whole test suite RUNS times in a row (default 5) while every core is kept busy, and stops at the first
# failure: the suite's verdict must not depend on the machine's load. Uses stress-ng (Debian) when installed, else
# one busy Node.js loop per core.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
cores="$(nproc)"
if command -v stress-ng >/dev/null 2>&1; then
  stress-ng --cpu "$cores" --quiet &
else
  npx node -e "const { Worker } = require('node:worker_threads'); for (let i = 1; i < ${cores}; i++) new Worker('for(;;);', { eval: true }); for (;;);" &
fi
stressor=$!
trap 'kill "$stressor" 2>/dev/null || true; wait "$stressor" 2>/dev/null || true' EXIT
for run in $(seq 1 "$runs"); do
  started=$SECONDS
  if ! npm test >"${TMPDIR:-/tmp}/m365-health-stress-$run.log" 2>&1; then
    echo "run $run of $runs failed after $((SECONDS - started)) s; its output: ${TMPDIR:-/tmp}/m365-health-stress-$run.log"
    grep -E '^(ℹ (tests|pass|fail))|✖' "${TMPDIR:-/tmp}/m365-health-stress-$run.log" | head -40
    exit 1
  fi
  echo "run $run of $runs passed in $((SECONDS - started)) s ($(grep -E '^ℹ pass' "${TMPDIR:-/tmp}/m365-health-stress-$run.log"))"
done
echo "all $runs runs of the suite passed with $cores cores kept busy"
