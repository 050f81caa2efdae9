#!/usr/bin/env bash
# The faults benchmark's hands (make bench BENCH=faults): stops, starts or kills one part of the stack bench.sh
# started in $CUMIN_BENCH_STATE, for real.
#   scripts/bench-faults.sh stop|start dynamodb|postgres|fauxqs   the server (PostgreSQL stops as a crash would: -m immediate)
#   scripts/bench-faults.sh kill|start runner                 the Lambdas' local runner (SIGKILL; started as bench.sh did)
# The cluster cases' programs (bench.sh starts two silos, the runner, two API instances and NGINX with these):
#   scripts/bench-faults.sh start|stop|kill silo|api N        silo N or API instance N, each on its own ports, the same
#                                                             ones again when started again; stop is SIGTERM, waited for
#                                                             until it exits; kill is SIGKILL; start waits until it serves
#   scripts/bench-faults.sh start nginx                       NGINX in front of API instances 1 and 2 (CUMIN_API_URL)
set -euo pipefail
# shellcheck source=stack.sh
source "$(dirname "$0")/stack.sh"
# shellcheck source=nginx.sh
source "$(dirname "$0")/nginx.sh"
cd "$STACK_ROOT"
verb=$1 part=$2 n=${3:-} dir=${CUMIN_BENCH_STATE:?set by scripts/bench.sh}

# A port of a program, picked once and kept in $dir/ports, so a program started again listens where it did.
port_of() {
  mkdir -p "$dir/ports"
  [ -f "$dir/ports/$1" ] || free_port >"$dir/ports/$1"
  cat "$dir/ports/$1"
}

# A cluster program's PID, in $dir/apps (bench.sh stops whatever is left there when the run ends).
remember() { mkdir -p "$dir/apps"; echo "${PROGRAM_PIDS[-1]}" >"$dir/apps/$1.pid"; }

# SIGTERM, then wait (up to 90 s: the silo's shutdown window is 45 s) until the process is gone.
terminate() {
  local file="$dir/apps/$1.pid" pid
  pid="$(cat "$file")"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 900); do kill -0 "$pid" 2>/dev/null || { rm -f "$file"; return 0; }; sleep 0.1; done
  die "$1 (pid $pid) did not exit within 90 s of SIGTERM"
}

kill_hard() {
  local file="$dir/apps/$1.pid"
  kill -KILL "$(cat "$file")"
  rm -f "$file"
}

start_silo() {
  local name=silo$1 http
  http=$(port_of "$name.http")
  Cumin__Orleans__SiloPort=$(port_of "$name.silo") Cumin__Orleans__GatewayPort=$(port_of "$name.gateway") \
    program_start Cumin.Silo --urls "http://127.0.0.1:$http" >>"$dir/$name.log" 2>&1
  remember "$name"
  # /health/live answers once Orleans has started, that is once the silo has joined the cluster as active.
  wait_for http "http://127.0.0.1:$http/health/live" 120 || { tail -n 30 "$dir/$name.log" >&2; die "$name did not start"; }
}

start_api() {
  local name=api$1 http
  http=$(port_of "$name.http")
  program_start Cumin.Api --urls "http://127.0.0.1:$http" >>"$dir/$name.log" 2>&1
  remember "$name"
  wait_for http "http://127.0.0.1:$http/health/ready" 120 || { tail -n 30 "$dir/$name.log" >&2; die "$name did not become ready"; }
}

case "$verb/$part" in
  stop/dynamodb) stop_pidfile "$dir/dynamodb.pid" ;;
  start/dynamodb) start_dynamodb run "$dir" "${AWS_ENDPOINT_URL_DYNAMODB##*:}" ;;
  stop/postgres) as_pg_user "$(postgres_bin)/pg_ctl" -D "$(cat "$dir/postgres.datadir")" -m immediate -w stop >/dev/null ;;
  start/postgres) start_postgres run "$dir" "$CUMIN_POSTGRES_PORT" ;;
  stop/fauxqs) stop_pidfile "$dir/fauxqs.pid" ;;
  start/fauxqs) start_fauxqs run "$dir" "$CUMIN_FAUXQS_PORT" ;;
  kill/runner) kill -KILL "$(cat "$dir/runner.pid")" ;;
  start/runner)
    program_start Cumin.Lambdas.LocalRunner >>"$dir/runner.log" 2>&1
    echo "${PROGRAM_PIDS[-1]}" >"$dir/runner.pid" ;;
  start/silo) start_silo "${n:?which silo}" ;;
  start/api) start_api "${n:?which API instance}" ;;
  stop/silo | stop/api) terminate "$part${n:?which one}" ;;
  kill/silo | kill/api) kill_hard "$part${n:?which one}" ;;
  start/nginx)
    nginx_conf "$dir/nginx" "$(port_of nginx)" "$(port_of api1.http)" "$(port_of api2.http)"
    nginx_start "$dir/nginx" >>"$dir/nginx.log" 2>&1
    remember nginx
    wait_for http "http://127.0.0.1:$(port_of nginx)/health/live" 30 || die "NGINX did not start" ;;
  *) die "usage: $0 stop|start dynamodb|postgres|fauxqs, kill|start runner, start|stop|kill silo|api N, start nginx" ;;
esac
