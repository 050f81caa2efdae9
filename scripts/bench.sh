#!/usr/bin/env bash
# `make bench [BENCH=storage]`: starts a private local stack on free ports (as the tests do), builds the benchmarks
# in Release, runs them against it, and stops the stack again. Arguments go to Cumin.Bench:
#   scripts/bench.sh                       every benchmark (for now: storage)
#   scripts/bench.sh storage --ops 4000 --concurrency 32 --rounds 5
set -euo pipefail
source "$(dirname "$0")/stack.sh"
cd "$STACK_ROOT"

stack_install
dotnet build bench/Cumin.Bench -c Release -nologo -clp:NoSummary -v:q

STATE="$(mktemp -d /tmp/cumin-bench.XXXXXX)"
# errexit off while cleaning up: stack_stop's `kill -9` of an already-exited server returns non-zero, and under
# `set -e` that would end the trap before PostgreSQL is stopped.
cleanup() {
  set +e
  local pgdata
  pgdata="$(cat "$STATE/postgres.datadir" 2>/dev/null)"
  stack_stop "$STATE"
  rm -rf "$STATE" ${pgdata:+"$pgdata"}
}
trap cleanup EXIT
trap 'exit 130' INT TERM
stack_start test "$STATE"
source "$STATE/env"

dotnet bench/Cumin.Bench/bin/Release/net10.0/Cumin.Bench.dll "${@:-all}"
