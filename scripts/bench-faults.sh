#!/usr/bin/env bash
# The faults benchmark's hands (make bench BENCH=faults): stops, starts or kills one part of the stack bench.sh
# started in $CUMIN_BENCH_STATE, for real.
#   scripts/bench-faults.sh stop|start dynamodb|postgres|fauxqs   the server (PostgreSQL stops as a crash would: -m immediate)
#   scripts/bench-faults.sh kill|start runner                 the Lambdas' local runner (SIGKILL; started as bench.sh did)
set -euo pipefail
# shellcheck source=stack.sh
source "$(dirname "$0")/stack.sh"
cd "$STACK_ROOT"
verb=$1 part=$2 dir=${CUMIN_BENCH_STATE:?set by scripts/bench.sh}
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
  *) die "usage: $0 stop|start dynamodb|postgres|fauxqs, kill|start runner" ;;
esac
