#!/usr/bin/env bash
# The web app (Cumin.Web): building it into Cumin.Api/wwwroot when its sources changed, Chromium for its browser
# tests, and the programs those tests run against. Sourced by run.sh, test.sh, bench.sh and screenshots.sh after stack.sh.
#
#   web_build                     npm ci when the lock changed, npm run build when a source changed; idempotent
#   web_chromium                  Debian's Chromium at /usr/bin/chromium, installed when missing
#   web_apps_start DIR            the silo, the Lambdas' runner and the API from their build output on free ports,
#                                 against the stack whose env is sourced; exports CUMIN_WEB_URL (and the API's settings)
#   web_apps_stop                 stops what web_apps_start started

WEB_DIR="$STACK_ROOT/Cumin.Web"
WEB_STAMP="$STACK_ROOT/.local/web-build.sha256"
WEB_APPS=()

web_sources_hash() {
  (cd "$WEB_DIR" && find src public index.html package.json package-lock.json vite.config.ts tsconfig.json \
      -type f ! -name 'schema.d.ts' 2>/dev/null | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-64)
}

web_build() {
  if [ ! -f "$WEB_DIR/node_modules/.package-lock.json" ] || [ "$WEB_DIR/package-lock.json" -nt "$WEB_DIR/node_modules/.package-lock.json" ]; then
    log "installing the web app's packages (Cumin.Web/package-lock.json)"
    (cd "$WEB_DIR" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci in Cumin.Web failed"
  fi
  local hash
  hash="$(web_sources_hash)"
  if [ -f "$STACK_ROOT/Cumin.Api/wwwroot/index.html" ] && [ "$(cat "$WEB_STAMP" 2>/dev/null)" = "$hash" ]; then
    return 0
  fi
  log "building the web app into Cumin.Api/wwwroot"
  (cd "$WEB_DIR" && npm run build --silent) || die "the web app's build failed"
  mkdir -p "$(dirname "$WEB_STAMP")"
  echo "$hash" >"$WEB_STAMP"
}

web_chromium() {
  [ -x /usr/bin/chromium ] && return 0
  log "installing Chromium from Debian's packages (the browser tests drive it; Playwright's own download is not used)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq || true
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    chromium fonts-liberation fonts-dejavu-core >/dev/null || die "apt-get install chromium failed"
  [ -x /usr/bin/chromium ] || die "/usr/bin/chromium not found after install"
}

# Each program runs from its output folder, as `make run` starts it, with this run's own tables, queue, bucket and
# cluster id. CUMIN_WEB_ACCESS_TOKEN_LIFETIME shortens the access token (the browser tests watch it being refreshed).
web_apps_start() {
  local dir=$1 silo_http silo_port gateway api_port id
  silo_http=$(free_port); silo_port=$(free_port); gateway=$(free_port); api_port=$(free_port)
  id="web-$(date +%s)-$$"
  export ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production
  export Cumin__Orleans__SiloPort=$silo_port Cumin__Orleans__GatewayPort=$gateway Cumin__Orleans__Dashboard=false
  export Cumin__Orleans__ClusterId=$id Cumin__Orleans__ServiceId=$id
  export Cumin__Tables__Prefix="$id-" Cumin__Notifications__QueueName="$id-notifications" Cumin__Exports__Bucket="$id-exports"
  export Cumin__Auth__SigningKey="web-$(head -c 32 /dev/urandom | base64)"
  export Cumin__Auth__AccessTokenLifetime=${CUMIN_WEB_ACCESS_TOKEN_LIFETIME:-00:15:00}
  # Every test registers its own users from this one address.
  export Cumin__RateLimits__AuthPerClientPerMinute=100000 Cumin__RateLimits__LoginFailuresPerEmailAndClientPerMinute=1000 \
    Cumin__RateLimits__LoginFailuresPerEmailPerMinute=10000 Cumin__RateLimits__AddMemberPerUserPerMinute=10000
  export Cumin__Runner__PollInterval=00:00:00.100 Cumin__Notifications__Sqs__WaitTime=00:00:02
  (cd Cumin.Silo/bin/Release/net10.0 && exec dotnet Cumin.Silo.dll --urls "http://127.0.0.1:$silo_http") >"$dir/silo.log" 2>&1 &
  WEB_APPS+=($!)
  wait_for http "http://127.0.0.1:$silo_http/health/live" 120 || { tail -n 30 "$dir/silo.log" >&2; die "the silo did not start"; }
  (cd Cumin.Lambdas/bin/Release/net10.0 && exec dotnet Cumin.Lambdas.dll) >"$dir/runner.log" 2>&1 &
  WEB_APPS+=($!)
  (cd Cumin.Api/bin/Release/net10.0 && exec dotnet Cumin.Api.dll --urls "http://127.0.0.1:$api_port") >"$dir/api.log" 2>&1 &
  WEB_APPS+=($!)
  wait_for http "http://127.0.0.1:$api_port/health/ready" 120 || { tail -n 30 "$dir/api.log" >&2; die "the API did not start"; }
  export CUMIN_WEB_URL="http://127.0.0.1:$api_port"
}

web_apps_stop() {
  local pid
  for pid in "${WEB_APPS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${WEB_APPS[@]}"; do wait "$pid" 2>/dev/null || true; done
  WEB_APPS=()
}
