#!/usr/bin/env bash
# The web app (Cumin.Web): building it into Cumin.Api/wwwroot when its sources changed, Chromium for its browser
# tests, and the programs those tests run against. Sourced by run.sh, test.sh, bench.sh and screenshots.sh after stack.sh.
#
#   web_build                     npm ci when the lock changed, npm run build when a source changed; idempotent
#   web_chromium                  Debian's Chromium at /usr/bin/chromium, installed when missing
#   web_apps_start DIR            apps_start (common.sh) as the browser tests want it; exports CUMIN_WEB_URL

WEB_DIR="$STACK_ROOT/Cumin.Web"
WEB_STAMP="$STACK_ROOT/.local/web-build.sha256"

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

# The browser tests drive Debian's Chromium; Playwright's own download is not used.
web_chromium() {
  [ -x /usr/bin/chromium ] && return 0
  apt_install chromium fonts-liberation fonts-dejavu-core
  [ -x /usr/bin/chromium ] || die "/usr/bin/chromium not found after install"
}

# apps_start's programs with what the browser tests need besides. CUMIN_WEB_ACCESS_TOKEN_LIFETIME shortens the
# access token (the browser tests watch it being refreshed).
web_apps_start() {
  export Cumin__Auth__AccessTokenLifetime=${CUMIN_WEB_ACCESS_TOKEN_LIFETIME:-00:15:00}
  # Three failed logins per e-mail, so a test reaches a 429.
  export Cumin__RateLimits__LoginFailuresPerEmailAndClientPerMinute=3
  export Cumin__Runner__PollInterval=00:00:00.100 Cumin__Notifications__Sqs__WaitTime=00:00:02
  # Production configuration refuses http:// and loopback webhook URLs; the browser tests' receiver is both (127.0.0.1).
  export Cumin__Webhooks__AllowHttp=true Cumin__Webhooks__AllowPrivateTargets=true
  apps_start "$1"
  export CUMIN_WEB_URL=$CUMIN_API_URL
}
