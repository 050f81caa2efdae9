#!/usr/bin/env bash
# `make stack`: only the local servers (DynamoDB Local, fauxqs, PostgreSQL) on make run's fixed ports, with make
# run's data under .local/run, in the foreground; Ctrl-C stops them. Then run the programs from an IDE or with
# `dotnet run --project Cumin.Api` (and Cumin.Silo, Cumin.Lambdas.LocalRunner): their launch profiles point at these ports.
# .local/run/env holds the same settings for a shell (`source .local/run/env`).
set -euo pipefail
# shellcheck source=stack.sh
source "$(dirname "$0")/stack.sh"
cd "$STACK_ROOT"

stack_install
STATE="$STACK_ROOT/.local/run"
stop_at_exit "$STATE"

stack_stop "$STATE"   # a previous run killed hard may have left its servers behind
stack_start run "$STATE"
log "local servers up; their settings are in .local/run/env. In other terminals (or an IDE):"
log "  dotnet run --project Cumin.Silo                  # silo, dashboard http://127.0.0.1:8081/dashboard"
log "  dotnet run --project Cumin.Lambdas.LocalRunner   # event-source runner: counts and exports"
log "  dotnet run --project Cumin.Api                   # API http://127.0.0.1:8080, reference http://127.0.0.1:8080/docs"
log "Ctrl-C stops the servers."
while true; do sleep 3600 & wait $!; done
