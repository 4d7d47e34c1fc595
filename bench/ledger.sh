#!/usr/bin/env bash
# The ledger benchmark (bench/run.sh --ledger): a redis-server, a PostgreSQL and two cost-ledger replicas (Release) on
# 127.0.0.1, then bench/AspireRouter.Bench.Ledger: ingestion throughput (a backlog pushed into ar:costs), end-to-end lag
# at 1,000 and 5,000 events/s, and /v1/spend latency over a ledger generated with SQL (1 M, then 10 M rows). Prints the
# markdown tables. Stops everything it started.
#   bench/ledger.sh            # backlog 100k, 20 s per rate, 1 M and 10 M generated rows (~20 min on 2 cores)
#   bench/ledger.sh --quick    # backlog 30k, 8 s per rate, 200k and 1 M rows
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BACKLOG=100000 SECONDS_PER_RATE=20 ROWS=1000000,10000000
for arg in "$@"; do
  case "$arg" in
    --quick) BACKLOG=30000 SECONDS_PER_RATE=8 ROWS=200000,1000000 ;;
    --rows=*) ROWS=${arg#*=} ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done

log() { echo "[ledger-bench] $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
WORK=$(mktemp -d /tmp/aspirerouter-ledger-bench.XXXXXX)
chmod 755 "$WORK"
PIDS=()
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
AS_PG=()
[[ $(id -u) == 0 ]] && AS_PG=(setpriv --reuid=postgres --regid=postgres --init-groups --)
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  "${AS_PG[@]}" "$PG_BIN/pg_ctl" stop -D "$WORK/pg" -m fast >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

log "building (Release)"
for project in AspireRouter.CostLedger bench/AspireRouter.Bench.Ledger; do
  dotnet build "$project" -c Release -nologo -v q -clp:ErrorsOnly >&2
done

REDIS_PORT=$(free_port) PG_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" >"$WORK/redis.log" 2>&1 &
PIDS+=($!)
[[ $(id -u) == 0 ]] && chown postgres:postgres "$WORK"
"${AS_PG[@]}" "$PG_BIN/initdb" -D "$WORK/pg" -U postgres --auth=trust --encoding=UTF8 --locale=C --no-sync >/dev/null
"${AS_PG[@]}" "$PG_BIN/pg_ctl" start -D "$WORK/pg" -l "$WORK/pg/postgres.log" -w \
  -o "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c shared_buffers=256MB -c max_wal_size=4GB -c max_parallel_workers_per_gather=0" >/dev/null
"$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE ledger" >/dev/null
until redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; do sleep 0.1; done

DB="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=ledger"
LEDGER_PORTS=()
for replica in 1 2; do
  port=$(free_port); LEDGER_PORTS+=("$port")
  ASPNETCORE_URLS="http://127.0.0.1:$port" ASPNETCORE_ENVIRONMENT=Production ConnectionStrings__redis="127.0.0.1:$REDIS_PORT" \
    ConnectionStrings__ledgerdb="$DB" Admin__AllowAnonymousReports=true Logging__LogLevel__Default=Warning \
    dotnet "$ROOT/AspireRouter.CostLedger/bin/Release/net10.0/AspireRouter.CostLedger.dll" >"$WORK/ledger-$replica.log" 2>&1 &
  PIDS+=($!)
done
log "2 ledger replicas on ${LEDGER_PORTS[*]}, PostgreSQL on $PG_PORT, Redis on $REDIS_PORT"

dotnet "$ROOT/bench/AspireRouter.Bench.Ledger/bin/Release/net10.0/AspireRouter.Bench.Ledger.dll" \
  --redis "127.0.0.1:$REDIS_PORT" --db "$DB" --ledger "http://127.0.0.1:${LEDGER_PORTS[0]}" \
  --backlog "$BACKLOG" --seconds "$SECONDS_PER_RATE" --rows "$ROWS"
