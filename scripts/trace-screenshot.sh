#!/usr/bin/env bash
# `make trace-screenshot`: docs/export-trace.png, one export's trace in the Aspire dashboard, in Debian's Chromium.
# A private stack (free ports, in memory), the dashboard on free ports as the programs' OTLP receiver, the silo, the
# runner and the API from their build output; one export asked for through the API, then its trace photographed.
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
web_chromium
build_solution

STATE="$(mktemp -d /tmp/cumin-trace.XXXXXX)"
stop_at_exit "$STATE" scratch
stack_start test "$STATE"
# shellcheck source=/dev/null
source "$STATE/env"
unset OTEL_EXPORTER_OTLP_ENDPOINT
CUMIN_DASHBOARD=1 CUMIN_DASHBOARD_URL="http://127.0.0.1:$(free_port)" CUMIN_DASHBOARD_OTLP_GRPC="http://127.0.0.1:$(free_port)" \
  CUMIN_DASHBOARD_OTLP_HTTP="http://127.0.0.1:$(free_port)" dashboard_start "$STATE"
# First in, last out (programs stop in reverse): it receives the programs' telemetry until they have stopped.
PROGRAM_PIDS+=("$DASHBOARD_PID")
# Batches leave every second rather than every five, so the photograph need not wait long.
export OTEL_BSP_SCHEDULE_DELAY=1000
web_apps_start "$STATE"
out=${1:-docs}
mkdir -p "$out"
(cd Cumin.Web && CUMIN_DASHBOARD_URL="$DASHBOARD_URL" node e2e/trace-screenshot.mjs "$(cd "$STACK_ROOT" && realpath "$out")")
