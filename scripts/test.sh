#!/usr/bin/env bash
# `make test`: installs what is missing, starts a private local stack on free ports,
# runs every test project of the solution against it, and stops it again.
set -euo pipefail
source "$(dirname "$0")/stack.sh"
cd "$STACK_ROOT"

stack_install
# Layout as .editorconfig says (the build itself enforces the code-style rules): `dotnet format` fixes both.
dotnet format whitespace --folder --verify-no-changes -v:q || die "the code's layout differs from .editorconfig: run \`dotnet format\` and commit"
dotnet build Cumin.sln -c Release -nologo -clp:NoSummary -v:q

STATE="$(mktemp -d /tmp/cumin-test.XXXXXX)"
cleanup() { stack_stop "$STATE"; rm -rf "$STATE" "$(cat "$STATE/postgres.datadir" 2>/dev/null || true)"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
stack_start test "$STATE"
source "$STATE/env"
# The programs under test log at Warning: their Information chatter would bury the test results.
export Logging__LogLevel__Default=Warning Logging__LogLevel__Microsoft=Warning Logging__LogLevel__Orleans=Warning Logging__LogLevel__Polly=Warning

# Test projects run one after another (each parallelises inside); 2 cores gain nothing from more.
dotnet test Cumin.sln -c Release --no-build -nologo -m:1 \
  --logger "console;verbosity=minimal" ${CUMIN_TEST_FILTER:+--filter "$CUMIN_TEST_FILTER"} "$@"
