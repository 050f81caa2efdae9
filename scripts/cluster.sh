#!/usr/bin/env bash
# `make cluster`: Cumin as a cluster on loopback, in the foreground. DynamoDB Local, fauxqs and PostgreSQL (data kept
# under .local/cluster/stack), CUMIN_SILOS silos (default 2) and two API instances sharing one PostgreSQL membership
# table (ADO.NET clustering), the Lambdas' local event-source runner, and NGINX on http://127.0.0.1:8080 in front of
# the two APIs. Ctrl-C stops all of it. Stopping one silo or one API (kill PID; the PIDs are printed and kept in
# .local/cluster/pids) leaves the rest answering. Uses the same fixed ports as `make run`: run one or the other.
set -euo pipefail
# shellcheck source=stack.sh
source "$(dirname "$0")/stack.sh"
# shellcheck source=nginx.sh
source "$(dirname "$0")/nginx.sh"
cd "$STACK_ROOT"

SILOS=${CUMIN_SILOS:-2}
PROXY_PORT=${CUMIN_CLUSTER_PORT:-8080}
read -r -a API_PORTS <<<"${CUMIN_CLUSTER_API_PORTS:-8091 8092}"
STATE="$STACK_ROOT/.local/cluster"
NGINX_DIR="$STATE/nginx"

stack_install
apt_install nginx
build_solution

# Which program each PID is, for the messages below and .local/cluster/pids.
declare -A NAMES=()
started() { NAMES[${PROGRAM_PIDS[-1]}]=$1; echo "$1 ${PROGRAM_PIDS[-1]}" >>"$STATE/pids"; }
forget_pids() { rm -f "$STATE/pids"; }
at_exit forget_pids
stop_at_exit "$STATE/stack"

mkdir -p "$STATE"
: >"$STATE/pids"
stack_stop "$STATE/stack" || true   # a previous run killed hard may have left its servers behind (stack_stop fails when nothing runs)
stack_start run "$STATE/stack"
# shellcheck source=/dev/null
source "$STATE/stack/env"
export ASPNETCORE_ENVIRONMENT=Development DOTNET_ENVIRONMENT=Development
export Cumin__Orleans__Clustering=AdoNet Cumin__Orleans__AdvertisedIPAddress=127.0.0.1
# The dashboards are asked for here (they are off by default); the APIs trust NGINX, on loopback, as their one proxy.
export Cumin__Orleans__Dashboard=true Cumin__ForwardedHeaders__KnownProxies__0=127.0.0.1
# Several .NET processes share this machine: workstation GC keeps each one small.
export DOTNET_gcServer=0

for ((i = 1; i <= SILOS; i++)); do
  Cumin__Orleans__SiloPort=$((11110 + i)) Cumin__Orleans__GatewayPort=$((29999 + i)) \
    program_start Cumin.Silo --urls "http://127.0.0.1:$((8080 + i))"
  started "silo$i"
  # The first silo creates the tables and the membership schema; the others then join it.
  [ "$i" = 1 ] && { wait_for http "http://127.0.0.1:8081/health/live" 120 || die "silo1 did not start"; }
done
for ((i = 2; i <= SILOS; i++)); do
  wait_for http "http://127.0.0.1:$((8080 + i))/health/live" 120 || die "silo$i did not start"
done

program_start Cumin.Lambdas.LocalRunner
started runner

for ((i = 0; i < ${#API_PORTS[@]}; i++)); do
  program_start Cumin.Api --urls "http://127.0.0.1:${API_PORTS[$i]}"
  started "api$((i + 1))"
done
for port in "${API_PORTS[@]}"; do
  wait_for http "http://127.0.0.1:$port/health/ready" 120 || die "the API on :$port did not become ready"
done

nginx_conf "$NGINX_DIR" "$PROXY_PORT" "${API_PORTS[@]}"
nginx_start "$NGINX_DIR"
started nginx
wait_for http "http://127.0.0.1:$PROXY_PORT/health/live" 30 || die "NGINX did not start"

log "Cumin cluster is up: API http://127.0.0.1:$PROXY_PORT (NGINX over :${API_PORTS[*]}), $SILOS silos (dashboards on :8081..:$((8080 + SILOS))/dashboard)."
log "Processes: $(tr '\n' ' ' <"$STATE/pids")— stop one with kill PID; Ctrl-C stops everything."
# A component that exits is reported; the rest keep serving (that is the point of a cluster) until Ctrl-C.
running=("${PROGRAM_PIDS[@]}")
while [ ${#running[@]} -gt 0 ]; do
  exited=""
  wait -n -p exited "${running[@]}" 2>/dev/null || true
  [ -z "$exited" ] && break
  log "${NAMES[$exited]} (pid $exited) exited; the rest keep running"
  for i in "${!running[@]}"; do [ "${running[i]}" = "$exited" ] && unset 'running[i]'; done
  running=("${running[@]}")
done
log "every component has exited"
