#!/usr/bin/env bash
# Runs the whole test suite (unit, service-level and whole-application tests). This is what CI runs.
set -euo pipefail
cd "$(dirname "$0")"
scripts/ensure-prerequisites.sh --with-browser # Chromium too: the console's browser tests
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test AspireRouter.sln --nologo "$@" 2>&1 | tee "$log" || status=$?
# One closing line over every test assembly.
awk '/(Passed|Failed)!  - Failed:/ { gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit $status
