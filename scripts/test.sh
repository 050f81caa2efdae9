#!/usr/bin/env bash
# `make test`: installs what is missing, starts a private local stack on free ports,
# runs every test project of the solution against it, then the web app's unit tests and its browser
# tests (Chromium against the silo, runner and API started from their build output), and stops it again.
#   CUMIN_TEST_FILTER=...   only those .NET tests (dotnet test --filter); the web tests then run only with CUMIN_WEB_TESTS=1
#   CUMIN_WEB_TESTS=only    only the web app's tests
#   CUMIN_OPENAPI_WRITE=1   (make openapi) rewrites Cumin.Web/src/api/openapi.json from the served document
set -euo pipefail
# shellcheck source=stack.sh
source "$(dirname "$0")/stack.sh"
# shellcheck source=web.sh
source "$(dirname "$0")/web.sh"
cd "$STACK_ROOT"

stack_install
apt_install shellcheck
shellcheck scripts/*.sh || die "shellcheck found the problems above in scripts/"
# Layout as .editorconfig says (the build itself enforces the code-style rules): `dotnet format` fixes both.
dotnet format whitespace --folder --verify-no-changes -v:q || die "the code's layout differs from .editorconfig: run \`dotnet format\` and commit"
# make openapi refreshes the snapshot the app's types come from: the app is built after it, not before.
[ "${CUMIN_OPENAPI_WRITE:-}" = 1 ] || web_build
web_tests=${CUMIN_WEB_TESTS:-$([ -n "${CUMIN_TEST_FILTER:-}" ] && echo 0 || echo 1)}
[ "$web_tests" = 0 ] || web_chromium
build_solution

STATE="$(mktemp -d /tmp/cumin-test.XXXXXX)"
stop_at_exit "$STATE" scratch
stack_start test "$STATE"
# shellcheck source=/dev/null
source "$STATE/env"

if [ "$web_tests" != only ]; then
  # Test projects run one after another (each parallelises inside); 2 cores gain nothing from more. The hosts they run
  # in-process log at Warning (QUIET_LOGS); a test that reads a program's own logs sets its levels itself.
  env "${QUIET_LOGS[@]}" dotnet test Cumin.sln -c Release --no-build -nologo -m:1 \
    --logger "console;verbosity=minimal" ${CUMIN_TEST_FILTER:+--filter "$CUMIN_TEST_FILTER"} "$@"
fi
if [ "${CUMIN_OPENAPI_WRITE:-}" = 1 ]; then
  web_build
  exit 0
fi
if [ "$web_tests" != 0 ]; then
  log "web app: unit tests"
  (cd Cumin.Web && npx vitest run --reporter=dot)
  # A short access-token lifetime, so the browser tests see tokens expire and get refreshed.
  CUMIN_WEB_ACCESS_TOKEN_LIFETIME=00:00:20 web_apps_start "$STATE"
  log "web app: browser tests in Chromium against $CUMIN_WEB_URL"
  if ! (cd Cumin.Web && node --test --test-concurrency=2 e2e/*.test.mjs); then
    # The programs log at Warning here, so their tails are short and say what the server saw of the failure.
    for program in silo runner api; do
      log "$program.log (last 60 lines)"
      tail -n 60 "$STATE/$program.log" >&2 || true
    done
    die "browser tests failed"
  fi
fi
