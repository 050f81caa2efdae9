#!/usr/bin/env bash
# The Aspire dashboard as the local OTLP receiver and trace, log and metric viewer. Sourced by run.sh (and the trace
# screenshot) after stack.sh.
#
#   dashboard_start DIR    when OTEL_EXPORTER_OTLP_ENDPOINT is already set: nothing (the programs send there);
#                          when CUMIN_DASHBOARD=0: nothing (no telemetry is exported);
#                          else restores the dashboard (NuGet, scripts/dashboard), starts it on CUMIN_DASHBOARD_URL
#                          (http://127.0.0.1:18888) with OTLP on :4317 (gRPC) and :4318 (HTTP), and exports
#                          OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_EXPORTER_OTLP_PROTOCOL for the programs started after it.
#                          Sets DASHBOARD_PID (empty when none was started).

DASHBOARD_VERSION=13.6.5
# Both read by the scripts that source this one.
# shellcheck disable=SC2034
DASHBOARD_PID="" DASHBOARD_URL=""

dashboard_start() {
  local dir=$1
  if [ -n "${OTEL_EXPORTER_OTLP_ENDPOINT:-}" ]; then
    log "telemetry goes to $OTEL_EXPORTER_OTLP_ENDPOINT (${OTEL_EXPORTER_OTLP_PROTOCOL:-grpc}); no dashboard started"
    return 0
  fi
  [ "${CUMIN_DASHBOARD:-1}" = 0 ] && return 0
  local url=${CUMIN_DASHBOARD_URL:-http://127.0.0.1:18888}
  local grpc=${CUMIN_DASHBOARD_OTLP_GRPC:-http://127.0.0.1:4317} http=${CUMIN_DASHBOARD_OTLP_HTTP:-http://127.0.0.1:4318}
  local packages program
  packages="$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')"
  program="$packages/aspire.dashboard.sdk.linux-x64/$DASHBOARD_VERSION/tools/Aspire.Dashboard"
  if [ ! -f "$program" ]; then
    log "restoring the Aspire dashboard $DASHBOARD_VERSION (NuGet)"
    dotnet restore "$STACK_ROOT/scripts/dashboard/Dashboard.csproj" -v:q >/dev/null || die "restoring the Aspire dashboard failed"
  fi
  # The package does not keep the program's run bit.
  [ -x "$program" ] || chmod +x "$program"
  # No login: it listens on loopback only, for the developer at this machine.
  ASPNETCORE_URLS="$url" ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="$grpc" ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL="$http" \
    ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true DOTNET_ENVIRONMENT=Production \
    "$program" >"$dir/dashboard.log" 2>&1 &
  # shellcheck disable=SC2034
  DASHBOARD_PID=$!
  wait_for http "$url/" 60 || { tail -n 20 "$dir/dashboard.log" >&2; die "the Aspire dashboard did not start"; }
  export OTEL_EXPORTER_OTLP_ENDPOINT="$grpc" OTEL_EXPORTER_OTLP_PROTOCOL=grpc
  # shellcheck disable=SC2034
  DASHBOARD_URL=$url
}
