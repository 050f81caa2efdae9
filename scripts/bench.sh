#!/usr/bin/env bash
# `make bench [BENCH=name]`: each benchmark on a fresh private local stack (free ports, in memory, as the tests use),
# with the silo, the Lambdas' runner and the API started as separate Release processes where it needs them.
#   scripts/bench.sh                    every benchmark, one after another
#   scripts/bench.sh storage --ops 4000 --concurrency 32 --rounds 5
#   scripts/bench.sh api --connections 32 --seconds 15
#   scripts/bench.sh web                the web app in Chromium: size, a 1,000-task board's load, drag round trips
#   scripts/bench.sh faults [dynamodb|postgres|runner]   outages under a mixed load (not in `all`: it stops servers)
set -euo pipefail
source "$(dirname "$0")/stack.sh"
source "$(dirname "$0")/web.sh"
cd "$STACK_ROOT"

ALL=(storage api counts export login web)
# DynamoDB Local with the JVM's full JIT: the tests' quick-starting C1-only mode would understate its throughput.
export CUMIN_DYNAMODB_FULL_JIT=1
stack_install
web_build
if [ $# -eq 0 ] || [ "$1" = all ] || [ "$1" = web ]; then web_chromium; fi
if ! command -v wrk >/dev/null; then
  log "installing wrk from Debian's packages (the HTTP load generator of the api benchmark)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 \
    || { as_root apt-get update -qq >/dev/null 2>&1; as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
fi
dotnet build Cumin.sln -c Release -nologo -clp:NoSummary -v:q

STATE=""
APPS=()
cleanup() {
  # errexit off while cleaning up, so one server that already exited does not leave the others running.
  set +e
  web_apps_stop
  # A runner the faults benchmark started again is not among APPS.
  [ -n "$STATE" ] && [ -f "$STATE/runner.pid" ] && APPS+=("$(cat "$STATE/runner.pid")")
  for pid in "${APPS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${APPS[@]}"; do wait "$pid" 2>/dev/null; done
  APPS=()
  if [ -n "$STATE" ]; then
    local pgdata
    pgdata="$(cat "$STATE/postgres.datadir" 2>/dev/null)"
    stack_stop "$STATE"
    rm -rf "$STATE" ${pgdata:+"$pgdata"}
  fi
  STATE=""
  set -e
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The programs as `make run` starts them, on free ports, without the dashboard (it profiles every grain call).
start_apps() {
  local silo_http silo_port gateway api_port
  silo_http=$(free_port); silo_port=$(free_port); gateway=$(free_port); api_port=$(free_port)
  export ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production
  export Cumin__Orleans__SiloPort=$silo_port Cumin__Orleans__GatewayPort=$gateway Cumin__Orleans__Dashboard=false
  export Cumin__Tables__Prefix="bench-$(date +%s)-" Cumin__Auth__SigningKey="bench-$(head -c 32 /dev/urandom | base64)"
  export Logging__LogLevel__Default=Warning
  # One load generator is one client address: the per-client login limit would stop the login benchmark.
  export Cumin__RateLimits__AuthPerClientPerMinute=1000000
  (cd Cumin.Silo/bin/Release/net10.0 && exec dotnet Cumin.Silo.dll --urls "http://127.0.0.1:$silo_http") >"$STATE/silo.log" 2>&1 &
  APPS+=($!)
  wait_for http "http://127.0.0.1:$silo_http/health/live" 120 || die "the silo did not start"
  (cd Cumin.Lambdas/bin/Release/net10.0 && exec dotnet Cumin.Lambdas.dll) >"$STATE/runner.log" 2>&1 &
  APPS+=($!)
  echo $! >"$STATE/runner.pid"   # the faults benchmark kills it and starts another (scripts/bench-faults.sh)
  (cd Cumin.Api/bin/Release/net10.0 && exec dotnet Cumin.Api.dll --urls "http://127.0.0.1:$api_port") >"$STATE/api.log" 2>&1 &
  APPS+=($!)
  wait_for http "http://127.0.0.1:$api_port/health/live" 120 || die "the API did not start"
  export CUMIN_API_URL="http://127.0.0.1:$api_port"
}

# The api benchmark's floor: a bare JWT-checked endpoint calling an in-memory grain, as two processes like Cumin's.
start_baseline() {
  local silo_port gateway http
  silo_port=$(free_port); gateway=$(free_port); http=$(free_port)
  local dll=bench/Cumin.Bench.Baseline/bin/Release/net10.0/Cumin.Bench.Baseline.dll
  dotnet "$dll" silo "$silo_port" "$gateway" >"$STATE/baseline-silo.log" 2>&1 &
  APPS+=($!)
  wait_for tcp "127.0.0.1:$gateway" 120 || die "the baseline silo did not start"
  dotnet "$dll" api "$gateway" "$http" >"$STATE/baseline-api.log" 2>&1 &
  APPS+=($!)
  wait_for http "http://127.0.0.1:$http/token" 120 || die "the baseline API did not start"
  export CUMIN_BASELINE_URL="http://127.0.0.1:$http"
}

run_one() {
  local name=$1; shift
  STATE="$(mktemp -d /tmp/cumin-bench.XXXXXX)"
  if [ "$name" = faults ]; then
    # As make run keeps them, data on disk (DynamoDB Local with -dbPath), on free ports: the servers are stopped and
    # started again, and must come back with what they had.
    export CUMIN_DYNAMODB_PORT=$(free_port) CUMIN_FAUXQS_PORT=$(free_port) CUMIN_POSTGRES_PORT=$(free_port)
    export CUMIN_BENCH_STATE="$STATE" CUMIN_BENCH_CONTROL="$STACK_ROOT/scripts/bench-faults.sh"
    stack_start run "$STATE"
  else
    stack_start test "$STATE"
  fi
  source "$STATE/env"
  case "$name" in api | counts | login | faults) start_apps ;; web) web_apps_start "$STATE" ;; esac
  if [ "$name" = api ]; then start_baseline; fi
  log "benchmark: $name $*"
  if [ "$name" = web ]; then
    (cd Cumin.Web && node e2e/bench.mjs "$@")
  else
    dotnet bench/Cumin.Bench/bin/Release/net10.0/Cumin.Bench.dll "$name" "$@"
  fi
  cleanup
}

if [ $# -eq 0 ] || [ "$1" = all ]; then
  for name in "${ALL[@]}"; do run_one "$name"; done
else
  run_one "$@"
fi
