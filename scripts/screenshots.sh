#!/usr/bin/env bash
# `make screenshots`: docs/board.png, the real board in Debian's Chromium, against a private stack (free ports, in
# memory) with the silo, the runner and the API started from their build output.
#   scripts/screenshots.sh              docs/board.png
#   scripts/screenshots.sh DIR --all    every screen at 390 and 1440 px, light and dark, into DIR
set -euo pipefail
source "$(dirname "$0")/stack.sh"
source "$(dirname "$0")/web.sh"
cd "$STACK_ROOT"

stack_install
web_build
web_chromium
dotnet build Cumin.sln -c Release -nologo -clp:NoSummary -v:q

STATE="$(mktemp -d /tmp/cumin-screenshots.XXXXXX)"
cleanup() { web_apps_stop; stack_stop "$STATE"; rm -rf "$STATE" "$(cat "$STATE/postgres.datadir" 2>/dev/null || true)"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
stack_start test "$STATE"
source "$STATE/env"
export Logging__LogLevel__Default=Warning
web_apps_start "$STATE"
out=${1:-docs}
mkdir -p "$out"
(cd Cumin.Web && node e2e/screenshots.mjs "$(cd "$STACK_ROOT" && realpath "$out")" "${@:2}")
