#!/usr/bin/env bash
# `make run`: the whole local stack in the foreground. DynamoDB Local, fauxqs and PostgreSQL
# (data kept under .local/run), the Aspire dashboard on http://127.0.0.1:18888 receiving every program's traces,
# logs and metrics (CUMIN_DASHBOARD=0 leaves it out; an OTEL_EXPORTER_OTLP_ENDPOINT already set is used instead),
# the silo, the Lambdas' local event-source runner and the API on http://127.0.0.1:8080. Ctrl-C stops all of it.
set -euo pipefail
source "$(dirname "$0")/stack.sh"
source "$(dirname "$0")/web.sh"
source "$(dirname "$0")/dashboard.sh"
cd "$STACK_ROOT"

stack_install
web_build
log "building (Release)"
dotnet build Cumin.sln -c Release -nologo -clp:NoSummary -v:q

STATE="$STACK_ROOT/.local/run"
PIDS=()
cleanup() {
  trap - EXIT INT TERM
  log "stopping"
  # In reverse of the start order: the API, then the runner, then the silo, so no silo writes to a client that is gone.
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill -TERM "${PIDS[i]}" 2>/dev/null || true; wait "${PIDS[i]}" 2>/dev/null || true; done
  stack_stop "$STATE"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stack_stop "$STATE"   # a previous run killed hard may have left its servers behind
stack_start run "$STATE"
source "$STATE/env"
# First in, last out: it receives the programs' telemetry until the last of them has stopped.
dashboard_start "$STATE"
[ -n "$DASHBOARD_PID" ] && PIDS+=("$DASHBOARD_PID")
export ASPNETCORE_ENVIRONMENT=Development DOTNET_ENVIRONMENT=Development
# The silo's dashboard is off unless asked for; make run asks for it.
export Cumin__Orleans__Dashboard=true

SILO_URL=${CUMIN_SILO_URL:-http://127.0.0.1:8081}
API_URL=${CUMIN_API_URL:-http://127.0.0.1:8080}

# Each program runs from its output folder: that is its content root, where its appsettings*.json are.
start() { local project=$1; shift; (cd "$project/bin/Release/net10.0" && exec dotnet "$project.dll" "$@") & PIDS+=($!); }

start Cumin.Silo --urls "$SILO_URL"
wait_for http "$SILO_URL/health/live" 120 || die "the silo did not start"
start Cumin.Lambdas
start Cumin.Api --urls "$API_URL"
wait_for http "$API_URL/health/live" 120 || die "the API did not start"

log "Cumin is up: the web app at $API_URL, API $API_URL (OpenAPI $API_URL/openapi/v1.json), silo dashboard $SILO_URL/dashboard. Ctrl-C stops everything."
[ -n "$DASHBOARD_PID" ] && log "Traces, logs and metrics of every program: $DASHBOARD_URL"
# When any part exits on its own, stop the rest rather than run half a system.
wait -n "${PIDS[@]}" || true
log "a component exited; shutting down"
