#!/usr/bin/env bash
# `make screenshots`: docs/board.png, the real board in Debian's Chromium, against a private stack (free ports, in
# memory) with the silo, the runner and the API started from their build output.
#   scripts/screenshots.sh              docs/board.png
#   scripts/screenshots.sh DIR --all    every screen at 390 and 1440 px, light and dark, into DIR
set -euo pipefail
# shellcheck source=stack.sh
source "$(dirname "$0")/stack.sh"
# shellcheck source=web.sh
source "$(dirname "$0")/web.sh"
cd "$STACK_ROOT"

stack_install
web_build
web_chromium
build_solution

STATE="$(mktemp -d /tmp/cumin-screenshots.XXXXXX)"
stop_at_exit "$STATE" scratch
stack_start test "$STATE"
# shellcheck source=/dev/null
source "$STATE/env"
web_apps_start "$STATE"
out=${1:-docs}
mkdir -p "$out"
(cd Cumin.Web && node e2e/screenshots.mjs "$(cd "$STACK_ROOT" && realpath "$out")" "${@:2}")
