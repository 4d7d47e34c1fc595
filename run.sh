#!/usr/bin/env bash
# Runs the whole system: the Aspire AppHost with its dashboard, Redis, PostgreSQL, both provider simulators and
# both gateways. Installs redis-server first if this machine lacks it. Ctrl+C stops everything.
# --scale: gateway-global as 3 replicas and the cost ledger as 2, behind Aspire's proxy on the usual ports
# (Deployment:ScaleOut; see docs/operations.md). Other arguments go to the AppHost (e.g. --Infrastructure:Mode=executables).
set -euo pipefail
cd "$(dirname "$0")"
scripts/ensure-prerequisites.sh
args=()
for arg in "$@"; do
  if [[ "$arg" == "--scale" ]]; then args+=("--Deployment:ScaleOut=true"); else args+=("$arg"); fi
done
exec dotnet run --project AspireRouter.AppHost --launch-profile http -- "${args[@]}"
