#!/usr/bin/env bash
# The benchmark: builds in Release, starts on 127.0.0.1 an instant upstream, YARP's bare forwarder, the gateway
# (Redis, breakers, latency recording, cost events on) and, when Node.js is there, the Portkey gateway; loads each
# from a separate process and prints the markdown table. Then (unless --no-mix) replays a realistic workload mix
# through the gateway and the provider simulator's latency profiles. With --brownout, issue 14's brownout table: the
# gateway beside a port of the seed's router under provider faults, on two simulators (global and cn). Stops
# everything it started.
#
#   bench/run.sh                  # full comparison (~7 min) + mix (~3 min)
#   bench/run.sh --quick          # short runs, for development
#   bench/run.sh --soak           # adds the 5-minute memory soak of the gateway at 1,000 req/s
#   bench/run.sh --brownout       # adds the brownout table (~11 min; --quick: ~4 min)
#   bench/run.sh --brownout-only  # the brownout table alone
#   bench/run.sh --classifier     # the auto classifier micro-benchmark alone (~1 min): p50/p99 µs and bytes per call
#   bench/run.sh --ledger         # the ledger alone (bench/ledger.sh, ~20 min; with --quick ~6 min): ingestion events/s,
#                                 # lag p50/p99 at 1k and 5k events/s, report latency over a generated 1 M / 10 M-row ledger
#   bench/run.sh --gc             # adds gateway-otel under other GC settings side by side (gateway-otel-<setting> rows)
#   bench/run.sh --signals        # adds gateway-otel with one signal off each (OTEL_TRACES/METRICS/LOGS_EXPORTER=none):
#                                 # what each signal's export costs, side by side
#   options: --no-mix, --no-peer, --mix-only, --brownout-scenarios=1,4 (positions in the table), --keep-work (keep logs),
#            --no-probe (the brownout gateway without the health probe: latency from its own traffic only)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

LEDGER=0 QUICK=0 SOAK=0 MIX=1 PEER=1 SUITE=1 BROWNOUT=0 KEEP=0 PROBE=1 BROWNOUT_SCENARIOS="" GC=0 SIGNALS=0
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=1 ;;
    --soak) SOAK=1 ;;
    --no-mix) MIX=0 ;;
    --no-peer) PEER=0 ;;
    --mix-only) SUITE=0 ;;
    --brownout) BROWNOUT=1 ;;
    --brownout-only) BROWNOUT=1 SUITE=0 MIX=0 ;;
    --brownout-scenarios=*) BROWNOUT_SCENARIOS=${arg#*=} ;;
    --keep-work) KEEP=1 ;;
    --no-probe) PROBE=0 ;;
    --ledger) LEDGER=1 ;;
    --gc) GC=1 ;;
    --signals) SIGNALS=1 ;;
    --classifier)
      dotnet build bench/AspireRouter.Bench.Classifier -c Release -nologo -v q -clp:ErrorsOnly >&2
      exec dotnet bench/AspireRouter.Bench.Classifier/bin/Release/net10.0/AspireRouter.Bench.Classifier.dll ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done

if [[ $LEDGER == 1 ]]; then
  if [[ $QUICK == 1 ]]; then exec bench/ledger.sh --quick; else exec bench/ledger.sh; fi
fi

if [[ $QUICK == 1 ]]; then
  DURATION=4 WARMUP=2 SETTLE=24 ROUNDS=2 MIX_DURATION=20 MIX_RATE=20 BROWNOUT_DURATION=6 BROWNOUT_WARMUP=3 AMPLIFICATION_DURATION=30
else
  DURATION=10 WARMUP=3 SETTLE=40 ROUNDS=3 MIX_DURATION=60 MIX_RATE=30 BROWNOUT_DURATION=15 BROWNOUT_WARMUP=5 AMPLIFICATION_DURATION=60
fi

WORK=$(mktemp -d /tmp/aspirerouter-bench.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ $KEEP == 1 ]]; then log "logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_http() { # url [method]
  for _ in $(seq 1 300); do
    if curl -s -o /dev/null --max-time 1 "$1"; then return 0; fi
    sleep 0.2
  done
  echo "timed out waiting for $1" >&2; exit 1
}
log() { echo "[bench] $*" >&2; }

log "building (Release)"
PROJECTS=(AspireRouter.Gateway AspireRouter.ProviderSimulator bench/AspireRouter.Bench.Load)
[[ $SUITE == 1 ]] && PROJECTS+=(bench/AspireRouter.Bench.Upstream bench/AspireRouter.Bench.Proxy)
[[ $BROWNOUT == 1 ]] && PROJECTS+=(AspireRouter.HealthProbe)
for project in "${PROJECTS[@]}"; do
  dotnet build "$project" -c Release -nologo -v q -clp:ErrorsOnly >&2
done
dll() { echo "$ROOT/$1/bin/Release/net10.0/$(basename "$1").dll"; }

export ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production   # runtime defaults otherwise (Server GC for the web apps)
unset OTEL_EXPORTER_OTLP_ENDPOINT || true   # no OTLP endpoint: no OpenTelemetry pipeline, as in a deployment without a collector

REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" >"$WORK/redis.log" 2>&1 &
REDIS_PID=$!; PIDS+=("$REDIS_PID")

# The load generator's key ("bench-key"), issued as a real virtual key without limits (what the ledger's admin API
# writes), so the gateway authenticates every request as in production.
until redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; do sleep 0.1; done
redis-cli -p "$REDIS_PORT" HSET ar:keys "$(printf %s bench-key | sha256sum | cut -d' ' -f1)" \
  '{"id":"key_bench","team":"bench","allowedCategories":[]}' >/dev/null

# gateway_env BASE_URL [CN_BASE_URL]: every provider's global region at BASE_URL and its cn region at CN_BASE_URL
# (default: BASE_URL too), and Redis (start_gateway adds a spool of its own).
gateway_env() {
  local envs=()
  declare -A base=([global]=$1 [cn]=${2:-$1})
  for provider in qwen deepseek kimi glm; do
    for region in global cn; do
      envs+=("Registry__Providers__${provider}__Regions__${region}__BaseUrl=${base[$region]}" "Registry__Providers__${provider}__Regions__${region}__ApiKey=bench-key")
    done
  done
  envs+=("ConnectionStrings__redis=127.0.0.1:$REDIS_PORT" "Gateway__Region=global")
  printf '%s\n' "${envs[@]}"
}

start_gateway() { # port base_url log [cn_base_url]; GATEWAY_EXTRA_ENV: more NAME=value words (GC settings)
  # From its output folder, as deployed: the content root (appsettings.json) is the working directory, and the gen0
  # budget and the event loops the AppHost sets (DeploymentExtensions.WithGatewayGcBudget and WithGatewayEventLoops; the
  # runtime reads both only from the environment).
  # shellcheck disable=SC2086 # GATEWAY_EXTRA_ENV is a list of words
  (mapfile -t envs < <(gateway_env "$2" "${4:-}"); cd "$(dirname "$(dll AspireRouter.Gateway)")"
   exec env "${envs[@]}" DOTNET_GCgen0size=0x2000000 DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 ${GATEWAY_EXTRA_ENV:-} Costs__SpoolDirectory="$WORK/spool-$1" ASPNETCORE_URLS="http://127.0.0.1:$1" dotnet "$(dll AspireRouter.Gateway)") >"$3" 2>&1 &
  echo $!
}

start_probe() { # log global_base cn_base: the health probe as deployed, measuring each region's endpoints in-region
  (mapfile -t envs < <(gateway_env "$2" "$3"); cd "$(dirname "$(dll AspireRouter.HealthProbe)")"
   exec env "${envs[@]}" ASPNETCORE_URLS="http://127.0.0.1:$(free_port)" Logging__LogLevel__Default=Warning dotnet "$(dll AspireRouter.HealthProbe)") >"$1" 2>&1 &
  echo $!
}

start_simulator() { # port region log
  (export ASPNETCORE_URLS="http://127.0.0.1:$1" Simulator__ApiKey=bench-key Simulator__Region="$2" Logging__LogLevel__Default=Warning
   exec dotnet "$(dll AspireRouter.ProviderSimulator)") >"$3" 2>&1 &
  echo $!
}

if [[ $SUITE == 1 ]]; then
  UP_PORT=$(free_port) YARP_PORT=$(free_port) GW_PORT=$(free_port) PK_PORT=$(free_port)
  ASPNETCORE_URLS="http://127.0.0.1:$UP_PORT" dotnet "$(dll bench/AspireRouter.Bench.Upstream)" >"$WORK/upstream.log" 2>&1 &
  UP_PID=$!; PIDS+=("$UP_PID")
  ASPNETCORE_URLS="http://127.0.0.1:$YARP_PORT" dotnet "$(dll bench/AspireRouter.Bench.Proxy)" --upstream "http://127.0.0.1:$UP_PORT" >"$WORK/yarp.log" 2>&1 &
  YARP_PID=$!; PIDS+=("$YARP_PID")
  # The same forwarder with the gateway's one event loop per core (WithGatewayEventLoops): what that setting alone gives
  # a bare proxy, beside the default forwarder the targets are measured against.
  YARP_INLINE_PORT=$(free_port)
  DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 ASPNETCORE_URLS="http://127.0.0.1:$YARP_INLINE_PORT" dotnet "$(dll bench/AspireRouter.Bench.Proxy)" \
    --upstream "http://127.0.0.1:$UP_PORT" >"$WORK/yarp-inline.log" 2>&1 &
  YARP_INLINE_PID=$!; PIDS+=("$YARP_INLINE_PID")
  # A ledger that keeps pace, in its cheapest form: the cost stream is trimmed every second. Without a consumer the
  # backlog would reach the gateways' ceiling (CostBacklog:Ceiling) within seconds and every gateway row would measure
  # the spool to disk (the ledger-down path) instead of the batched appends of a deployment whose ledger keeps up
  # (bench/ledger.sh measures the ledger itself).
  (while sleep 1; do redis-cli -p "$REDIS_PORT" XTRIM ar:costs MAXLEN 1000 >/dev/null 2>&1 || true; done) &
  PIDS+=("$!")
  GW_PID=$(start_gateway "$GW_PORT" "http://127.0.0.1:$UP_PORT/v1" "$WORK/gateway.log"); PIDS+=("$GW_PID")
  # The same gateway with its traces, metrics and logs exported over OTLP/HTTP (to the upstream's sink), as under a collector.
  OTEL_PORT=$(free_port)
  OTEL_PID=$(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$UP_PORT" OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf OTEL_SERVICE_NAME=gateway-otel \
    start_gateway "$OTEL_PORT" "http://127.0.0.1:$UP_PORT/v1" "$WORK/gateway-otel.log"); PIDS+=("$OTEL_PID")

  # --gc: the same exporting gateway under other GC settings (environment variables override its runtimeconfig),
  # loaded in the same rounds, so memory and throughput of each setting are measured side by side.
  declare -A VARIANTS=()
  if [[ $GC == 1 ]]; then
    VARIANTS=([wsdefault]="DOTNET_GCgen0size=0" [gen0-64]="DOTNET_GCgen0size=0x4000000"
              [datas]="DOTNET_GCgen0size=0 DOTNET_gcServer=1 DOTNET_GCDynamicAdaptationMode=1")
  fi
  # --signals: the same exporting gateway with one signal's pipeline left out each (TelemetrySignals).
  if [[ $SIGNALS == 1 ]]; then
    VARIANTS+=([notraces]="OTEL_TRACES_EXPORTER=none" [nometrics]="OTEL_METRICS_EXPORTER=none" [nologs]="OTEL_LOGS_EXPORTER=none")
  fi
  VARIANT_TARGETS=() VARIANT_PROCESSES=() VARIANT_PORTS=()
  for variant in "${!VARIANTS[@]}"; do
    port=$(free_port)
    pid=$(GATEWAY_EXTRA_ENV="${VARIANTS[$variant]}" OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$UP_PORT" OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf \
      OTEL_SERVICE_NAME="gateway-otel-$variant" start_gateway "$port" "http://127.0.0.1:$UP_PORT/v1" "$WORK/gateway-otel-$variant.log")
    PIDS+=("$pid"); VARIANT_PORTS+=("$port")
    VARIANT_TARGETS+=(--target "gateway-otel-$variant=http://127.0.0.1:$port/v1/chat/completions@$pid")
    VARIANT_PROCESSES+=(--process "gateway-otel-$variant=$pid")
  done

  TARGETS=(--target "direct=http://127.0.0.1:$UP_PORT/v1/chat/completions@$UP_PID"
           --target "yarp=http://127.0.0.1:$YARP_PORT/v1/chat/completions@$YARP_PID"
           --target "yarp-inline=http://127.0.0.1:$YARP_INLINE_PORT/v1/chat/completions@$YARP_INLINE_PID"
           --target "gateway=http://127.0.0.1:$GW_PORT/v1/chat/completions@$GW_PID"
           --target "gateway-otel=http://127.0.0.1:$OTEL_PORT/v1/chat/completions@$OTEL_PID")
  PROCESSES=(--process "upstream=$UP_PID" --process "yarp=$YARP_PID" --process "yarp-inline=$YARP_INLINE_PID" --process "gateway=$GW_PID" --process "gateway-otel=$OTEL_PID" --process "redis=$REDIS_PID")
  TARGETS+=("${VARIANT_TARGETS[@]}"); PROCESSES+=("${VARIANT_PROCESSES[@]}")

  if [[ $PEER == 1 ]] && command -v node >/dev/null && command -v npm >/dev/null; then
    log "installing the peer gateway (npm, @portkey-ai/gateway 1.15.2 with @hono/node-server 1.13.5)"
    (cd bench/peer && npm install --no-audit --no-fund --loglevel=error >&2)
    (cd bench/peer && exec env NODE_ENV=production TRUSTED_CUSTOM_HOSTS=127.0.0.1 \
      node --import ./loopback.mjs node_modules/@portkey-ai/gateway/build/start-server.js --port="$PK_PORT" --headless) >"$WORK/portkey.log" 2>&1 &
    PK_PID=$!; PIDS+=("$PK_PID")
    TARGETS+=(--target "portkey=http://127.0.0.1:$PK_PORT/v1/chat/completions@$PK_PID")
    PROCESSES+=(--process "portkey=$PK_PID")
    wait_http "http://127.0.0.1:$PK_PORT/"
  else
    log "no Node.js (or --no-peer): the peer gateway is left out"
  fi

  wait_http "http://127.0.0.1:$UP_PORT/"
  wait_http "http://127.0.0.1:$YARP_PORT/"
  wait_http "http://127.0.0.1:$YARP_INLINE_PORT/"
  wait_http "http://127.0.0.1:$GW_PORT/health"
  wait_http "http://127.0.0.1:$OTEL_PORT/health"
  for port in "${VARIANT_PORTS[@]}"; do wait_http "http://127.0.0.1:$port/health"; done

  SOAK_ARGS=()
  [[ $SOAK == 1 ]] && SOAK_ARGS=(--soak 300)
  log "comparison: each target settles ${SETTLE}s; then per load ${DURATION}s per target in ${ROUNDS} interleaved rounds after ${WARMUP}s warm-up"
  echo "## Gateway beside a bare proxy and a peer ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, ${DURATION}s per load and target in ${ROUNDS} rounds)"
  echo
  dotnet "$(dll bench/AspireRouter.Bench.Load)" suite --upstream-base "http://127.0.0.1:$UP_PORT/v1" \
    "${TARGETS[@]}" "${PROCESSES[@]}" --duration "$DURATION" --warmup "$WARMUP" --settle "$SETTLE" --rounds "$ROUNDS" "${SOAK_ARGS[@]}"
  grep -q "Unhandled\|fail:" "$WORK/gateway.log" && { log "the gateway logged errors:"; grep -m5 "fail:" "$WORK/gateway.log" >&2; } || true
fi

if [[ $MIX == 1 ]]; then
  SIM_PORT=$(free_port) MIXGW_PORT=$(free_port)
  SIM_PID=$(start_simulator "$SIM_PORT" global "$WORK/simulator.log"); PIDS+=("$SIM_PID")
  MIXGW_PID=$(start_gateway "$MIXGW_PORT" "http://127.0.0.1:$SIM_PORT/v1" "$WORK/gateway-mix.log"); PIDS+=("$MIXGW_PID")
  wait_http "http://127.0.0.1:$SIM_PORT/health"
  wait_http "http://127.0.0.1:$MIXGW_PORT/health"
  log "workload mix: ${MIX_RATE} req/s for ${MIX_DURATION}s routed, then the same requests to the premium model"
  echo
  echo "## Workload mix through the gateway and the simulator's latency profiles ($(date -u '+%Y-%m-%d %H:%M UTC'))"
  echo
  dotnet "$(dll bench/AspireRouter.Bench.Load)" mix --gateway "http://127.0.0.1:$MIXGW_PORT/v1/chat/completions" \
    --rate "$MIX_RATE" --duration "$MIX_DURATION"
fi

if [[ $BROWNOUT == 1 ]]; then
  # Two simulators, one per region, a gateway that is the global one (its cn endpoints are the cn simulator's
  # cross-region surface: the distance's latency added) and the health probe. The seed router sits where the gateway
  # does and calls the same URLs directly. Default registry, default resilience settings.
  SIMG_PORT=$(free_port) SIMCN_PORT=$(free_port) BOGW_PORT=$(free_port)
  SIMG_PID=$(start_simulator "$SIMG_PORT" global "$WORK/simulator-global.log"); PIDS+=("$SIMG_PID")
  SIMCN_PID=$(start_simulator "$SIMCN_PORT" cn "$WORK/simulator-cn.log"); PIDS+=("$SIMCN_PID")
  GLOBAL_V1="http://127.0.0.1:$SIMG_PORT/v1" CN_V1="http://127.0.0.1:$SIMCN_PORT/cross-region/v1"
  BOGW_PID=$(start_gateway "$BOGW_PORT" "$GLOBAL_V1" "$WORK/gateway-brownout.log" "$CN_V1"); PIDS+=("$BOGW_PID")
  # The health probe, as deployed: it keeps every model's latency in the shared window (a fallback model real traffic
  # rarely reaches, such as kimi-k2-5 in regional-cn, is known to be over its budget and demoted).
  if [[ $PROBE == 1 ]]; then
    PROBE_PID=$(start_probe "$WORK/probe-brownout.log" "$GLOBAL_V1" "http://127.0.0.1:$SIMCN_PORT/v1"); PIDS+=("$PROBE_PID")
  fi
  wait_http "http://127.0.0.1:$SIMG_PORT/health"
  wait_http "http://127.0.0.1:$SIMCN_PORT/health"
  wait_http "http://127.0.0.1:$BOGW_PORT/health"
  SCENARIO_ARGS=()
  [[ -n $BROWNOUT_SCENARIOS ]] && SCENARIO_ARGS=(--scenarios "$BROWNOUT_SCENARIOS")
  log "brownout: 24 clients, ${BROWNOUT_DURATION}s per scenario and router (${AMPLIFICATION_DURATION}s under 100 % errors), gateway then the seed's router"
  echo
  echo "## Brownouts: the gateway beside the seed's router ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores)"
  echo
  dotnet "$(dll bench/AspireRouter.Bench.Load)" brownout --gateway "http://127.0.0.1:$BOGW_PORT/v1/chat/completions" \
    --redis "127.0.0.1:$REDIS_PORT" --simulator "global=http://127.0.0.1:$SIMG_PORT" --simulator "cn=http://127.0.0.1:$SIMCN_PORT" \
    --seed-endpoint "global=$GLOBAL_V1" --seed-endpoint "cn=$CN_V1" \
    --duration "$BROWNOUT_DURATION" --amplification-duration "$AMPLIFICATION_DURATION" --warmup "$BROWNOUT_WARMUP" --clients 24 "${SCENARIO_ARGS[@]}"
  grep -q "Unhandled\|fail:" "$WORK/gateway-brownout.log" && { log "the gateway logged errors:"; grep -m5 "fail:" "$WORK/gateway-brownout.log" >&2; } || true
fi
