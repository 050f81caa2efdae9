#!/usr/bin/env bash
# `make run`: the whole local stack in the foreground. DynamoDB Local, fauxqs and PostgreSQL
# (data kept under .local/run), the Aspire dashboard on http://127.0.0.1:18888 receiving every program's traces,
# logs and metrics (CUMIN_DASHBOARD=0 leaves it out; an OTEL_EXPORTER_OTLP_ENDPOINT already set is used instead),
# the silo, the Lambdas' local event-source runner and the API on http://127.0.0.1:8080. Ctrl-C stops all of it.
set -euo pipefail
# shellcheck source=stack.sh
source "$(dirname "$0")/stack.sh"
# shellcheck source=web.sh
source "$(dirname "$0")/web.sh"
# shellcheck source=dashboard.sh
source "$(dirname "$0")/dashboard.sh"
cd "$STACK_ROOT"

stack_install
web_build
build_solution

STATE="$STACK_ROOT/.local/run"
stop_at_exit "$STATE"

stack_stop "$STATE"   # a previous run killed hard may have left its servers behind
stack_start run "$STATE"
# shellcheck source=/dev/null
source "$STATE/env"
# First in, last out: it receives the programs' telemetry until the last of them has stopped.
dashboard_start "$STATE"
if [ -n "$DASHBOARD_PID" ]; then PROGRAM_PIDS+=("$DASHBOARD_PID"); fi
export ASPNETCORE_ENVIRONMENT=Development DOTNET_ENVIRONMENT=Development
# The silo's dashboard is off unless asked for; make run asks for it.
export Cumin__Orleans__Dashboard=true

SILO_URL=${CUMIN_SILO_URL:-http://127.0.0.1:8081}
API_URL=${CUMIN_API_URL:-http://127.0.0.1:8080}

program_start Cumin.Silo --urls "$SILO_URL"
wait_for http "$SILO_URL/health/live" 120 || die "the silo did not start"
program_start Cumin.Lambdas.LocalRunner
program_start Cumin.Api --urls "$API_URL"
wait_for http "$API_URL/health/live" 120 || die "the API did not start"

log "Cumin is up: the web app at $API_URL, API $API_URL (OpenAPI $API_URL/openapi/v1.json), silo dashboard $SILO_URL/dashboard. Ctrl-C stops everything."
[ -n "$DASHBOARD_PID" ] && log "Traces, logs and metrics of every program: $DASHBOARD_URL"
# When any part exits on its own, stop the rest rather than run half a system.
wait -n "${PROGRAM_PIDS[@]}" || true
log "a component exited; shutting down"
