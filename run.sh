#!/usr/bin/env bash
# Runs the whole system: the Aspire AppHost with its dashboard, Redis, PostgreSQL, both provider simulators and
# both gateways. Installs redis-server first if this machine lacks it. Ctrl+C stops everything.
set -euo pipefail
cd "$(dirname "$0")"
scripts/ensure-prerequisites.sh
exec dotnet run --project AspireRouter.AppHost --launch-profile http -- "$@"
