#!/usr/bin/env bash
# `make bench [BENCH=name]`: each benchmark on a fresh private local stack (free ports, in memory, as the tests use),
# with the silo, the Lambdas' runner and the API started as separate Release processes where it needs them.
#   scripts/bench.sh                    every benchmark, one after another
#   scripts/bench.sh storage --ops 4000 --concurrency 32 --rounds 5
#   scripts/bench.sh api --connections 32 --seconds 15
#   scripts/bench.sh web                the web app in Chromium: size, a 1,000-task board's load, drag round trips
#   scripts/bench.sh board --tasks 1000 --movers 16   a project's board: load, list vs DynamoDB, moves vs PATCHes, storage calls per move
#   scripts/bench.sh faults [dynamodb|postgres|fauxqs|runner|silo-kill|rolling|api-kill]   outages under a mixed load
#                                       (not in `all`: it stops servers); the last three on a cluster of their own
#   scripts/bench.sh live               the hub (200 watchers over two API instances: lag, CPU per watcher) and webhook delivery lag
#   scripts/bench.sh soak [--quick]     CUMIN_SOAK_MINUTES (10) of mixed load at half the capacity it measures first: p99 and
#                                       every process's memory, first minute against last (not in `all`: it is long)
set -euo pipefail
# shellcheck source=stack.sh
source "$(dirname "$0")/stack.sh"
# shellcheck source=web.sh
source "$(dirname "$0")/web.sh"
cd "$STACK_ROOT"

ALL=(storage api counts export login web board live)
# The faults benchmark's cases on one silo and one API, and those that need a cluster (silos and APIs behind NGINX).
FAULTS_SINGLE=(dynamodb postgres fauxqs runner)
FAULTS_CLUSTER=(silo-kill rolling api-kill)
# DynamoDB Local with the JVM's full JIT: the tests' quick-starting C1-only mode would understate its throughput.
export CUMIN_DYNAMODB_FULL_JIT=1
stack_install
web_build
if [ $# -eq 0 ] || [ "$1" = all ] || [ "$1" = web ]; then web_chromium; fi
# wrk: the HTTP load generator of the api benchmark.
apt_install wrk
if [ $# -gt 0 ] && [ "$1" = faults ]; then apt_install nginx; fi
build_solution

# Each benchmark's own stack, discarded after it (and at exit, after the programs it started have stopped).
STATE=""
bench_discard() {
  # A runner the faults benchmark started again is not among the programs started here.
  if [ -n "$STATE" ] && [ -f "$STATE/runner.pid" ]; then kill -TERM "$(cat "$STATE/runner.pid")" 2>/dev/null || true; fi
  # The cluster's programs, which scripts/bench-faults.sh started: NGINX and the APIs before the silos. Their logs
  # are kept in .local/bench-faults (the stack is deleted), for what a case that does not hold leaves to explain.
  local name
  for name in nginx api1 api2 api3 silo1 silo2 silo3 silo4; do
    if [ -n "$STATE" ]; then stop_pidfile "$STATE/apps/$name.pid"; fi
  done
  if [ -n "$STATE" ] && [ -d "$STATE/apps" ]; then
    rm -rf "$STACK_ROOT/.local/bench-faults" && mkdir -p "$STACK_ROOT/.local/bench-faults"
    cp "$STATE"/*.log "$STATE"/nginx/*.log "$STACK_ROOT/.local/bench-faults/" 2>/dev/null || true
  fi
  if [ -n "$STATE" ]; then stack_discard "$STATE"; fi
  STATE=""
}
at_exit bench_discard
stop_at_exit

# The api benchmark's floor: a bare JWT-checked endpoint calling an in-memory grain, as two processes like Cumin's.
start_baseline() {
  local silo_port gateway http
  silo_port=$(free_port); gateway=$(free_port); http=$(free_port)
  program_start bench/Cumin.Bench.Baseline silo "$silo_port" "$gateway" >"$STATE/baseline-silo.log" 2>&1
  wait_for tcp "127.0.0.1:$gateway" 120 || die "the baseline silo did not start"
  program_start bench/Cumin.Bench.Baseline api "$gateway" "$http" >"$STATE/baseline-api.log" 2>&1
  wait_for http "http://127.0.0.1:$http/token" 120 || die "the baseline API did not start"
  export CUMIN_BASELINE_URL="http://127.0.0.1:$http"
}

# The board benchmark counts the silo's DynamoDB requests: a forwarder of its own between the programs and DynamoDB
# Local (the API's only DynamoDB call is its readiness check; the benchmark reads the index straight, not through it).
start_dynamodb_proxy() {
  local port
  port=$(free_port)
  program_start bench/Cumin.Bench dynamodb-proxy "$port" "$AWS_ENDPOINT_URL_DYNAMODB" >"$STATE/proxy.log" 2>&1
  wait_for http "http://127.0.0.1:$port/__counts" 60 || die "the DynamoDB proxy did not start"
  export Cumin__DynamoDB__ServiceUrl="http://127.0.0.1:$port" CUMIN_DYNAMODB_PROXY_URL="http://127.0.0.1:$port"
}

# The faults benchmark's cluster, as make cluster runs one but on free ports and with apps_start's settings: two silos
# on one PostgreSQL membership table, the runner, two API instances and NGINX in front of them (CUMIN_API_URL), each
# started by scripts/bench-faults.sh, which the benchmark calls to stop, kill and start them again.
cluster_start() {
  apps_env
  export Cumin__Orleans__Clustering=AdoNet Cumin__Orleans__AdvertisedIPAddress=127.0.0.1
  export Cumin__ForwardedHeaders__KnownProxies__0=127.0.0.1 DOTNET_gcServer=0
  # The first silo creates the tables and the membership schema; the second then joins it.
  bash scripts/bench-faults.sh start silo 1
  bash scripts/bench-faults.sh start silo 2
  bash scripts/bench-faults.sh start runner
  bash scripts/bench-faults.sh start api 1
  bash scripts/bench-faults.sh start api 2
  bash scripts/bench-faults.sh start nginx
  CUMIN_API_URL="http://127.0.0.1:$(cat "$STATE/ports/nginx")"
  export CUMIN_API_URL
}

# The live benchmark's watchers are spread over two API instances of one cluster, as behind a load balancer; it reads
# the CPU the servers (the silo and both APIs, not the runner) spend on the fan-out.
start_second_api() {
  local port
  port=$(free_port)
  program_start Cumin.Api --urls "http://127.0.0.1:$port" >"$STATE/api-2.log" 2>&1
  wait_for http "http://127.0.0.1:$port/health/ready" 120 || { tail -n 30 "$STATE/api-2.log" >&2; die "the second API did not start"; }
  export CUMIN_API_URL_2="http://127.0.0.1:$port" CUMIN_BENCH_SERVER_PIDS="${PROGRAM_PIDS[0]} ${PROGRAM_PIDS[2]} ${PROGRAM_PIDS[3]}"
}

run_one() {
  local name=$1; shift
  # The soak's stack on a tmpfs: as make run keeps it, but without the disk's flushes setting the pace of every write.
  local base=/tmp
  if [ "$name" = soak ] && [ -d /dev/shm ]; then base=/dev/shm; fi
  STATE="$(mktemp -d "$base/cumin-bench.XXXXXX")"
  if [ "$name" = faults ] || [ "$name" = soak ]; then
    # As make run keeps them, data in files (DynamoDB Local with -dbPath, its stream records indexed), on free ports:
    # the faults benchmark stops the servers and starts them again, and they must come back with what they had; the
    # soak runs for as long as a `make run` session might.
    CUMIN_DYNAMODB_PORT=$(free_port) CUMIN_FAUXQS_PORT=$(free_port) CUMIN_POSTGRES_PORT=$(free_port)
    export CUMIN_DYNAMODB_PORT CUMIN_FAUXQS_PORT CUMIN_POSTGRES_PORT
    export CUMIN_BENCH_STATE="$STATE" CUMIN_BENCH_CONTROL="$STACK_ROOT/scripts/bench-faults.sh"
    stack_start run "$STATE"
  else
    stack_start test "$STATE"
  fi
  # shellcheck source=/dev/null
  source "$STATE/env"
  unset Cumin__DynamoDB__ServiceUrl CUMIN_DYNAMODB_PROXY_URL
  if [ "$name" = board ]; then start_dynamodb_proxy; fi
  # The live benchmark's webhook receiver listens on http://127.0.0.1, which only Development allows by default.
  if [ "$name" = live ]; then export Cumin__Webhooks__AllowHttp=true Cumin__Webhooks__AllowPrivateTargets=true; fi
  if [ "$name" = faults ] && [[ " ${FAULTS_CLUSTER[*]} " == *" ${1:-} "* ]]; then
    cluster_start
  else
    case "$name" in api | counts | login | board | faults | live | soak) apps_start "$STATE" ;; web) web_apps_start "$STATE" ;; esac
    # The faults benchmark kills the runner (apps_start's second program) and starts another (scripts/bench-faults.sh).
    if [ "$name" = faults ]; then echo "${PROGRAM_PIDS[1]}" >"$STATE/runner.pid"; fi
  fi
  if [ "$name" = api ]; then start_baseline; fi
  if [ "$name" = live ]; then start_second_api; fi
  # The soak reads the memory of every process of the stack: the programs in apps_start's order, then the servers.
  if [ "$name" = soak ]; then
    CUMIN_SOAK_PIDS="silo=${PROGRAM_PIDS[0]} runner=${PROGRAM_PIDS[1]} api=${PROGRAM_PIDS[2]}"
    CUMIN_SOAK_PIDS+=" dynamodb=$(cat "$STATE/dynamodb.pid") fauxqs=$(cat "$STATE/fauxqs.pid")"
    CUMIN_SOAK_PIDS+=" postgres=$(head -n 1 "$(cat "$STATE/postgres.datadir")/postmaster.pid")"
    export CUMIN_SOAK_PIDS
  fi
  log "benchmark: $name $*"
  if [ "$name" = web ]; then
    (cd Cumin.Web && node e2e/bench.mjs "$@")
  else
    dotnet bench/Cumin.Bench/bin/Release/net10.0/Cumin.Bench.dll "$name" "$@"
  fi
  programs_stop
  bench_discard
}

if [ $# -eq 0 ] || [ "$1" = all ]; then
  for name in "${ALL[@]}"; do run_one "$name"; done
elif [ "$1" = faults ]; then
  # Each kind of case on a stack of its own: the single-process cases first, then the cluster cases.
  shift
  single=() cluster=() options=()
  for arg in "$@"; do
    if [[ " ${FAULTS_CLUSTER[*]} " == *" $arg "* ]]; then cluster+=("$arg")
    elif [[ " ${FAULTS_SINGLE[*]} " == *" $arg "* ]]; then single+=("$arg")
    else options+=("$arg"); fi
  done
  if [ ${#single[@]} -eq 0 ] && [ ${#cluster[@]} -eq 0 ]; then single=("${FAULTS_SINGLE[@]}") cluster=("${FAULTS_CLUSTER[@]}"); fi
  if [ ${#single[@]} -gt 0 ]; then run_one faults "${single[@]}" "${options[@]}"; fi
  if [ ${#cluster[@]} -gt 0 ]; then run_one faults "${cluster[@]}" "${options[@]}"; fi
else
  run_one "$@"
fi
