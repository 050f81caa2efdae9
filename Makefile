# The two commands: `make run` (the whole local stack in the foreground; Ctrl-C stops it) and `make test`.
# `make` alone lists the targets: each target's comment is the line (or lines) above it.
.PHONY: help run test stack bench cluster clean openapi screenshots trace-screenshot
.DEFAULT_GOAL := help

help:
	@awk '/^# / { text = text (text ? " " : "") substr($$0, 3); next } \
	  /^[a-z-]+:/ && text { sub(/:.*/, ""); printf "  make %-12s %s\n", $$0, text } { text = "" }' $(MAKEFILE_LIST)

# The whole local stack in the foreground on http://127.0.0.1:8080 (the web app, the API, the silo); Ctrl-C stops it.
run:
	@bash scripts/run.sh

# Every test (a private stack on free ports); CUMIN_TEST_FILTER='FullyQualifiedName~Foo' for some.
test:
	@bash scripts/test.sh

# Only the local servers, on make run's ports and data, for `dotnet run --project Cumin.Api` or an IDE. Ctrl-C stops them.
stack:
	@bash scripts/servers.sh

# Several silos and two API instances on one PostgreSQL membership table, behind NGINX on :8080. Ctrl-C stops it.
cluster:
	@bash scripts/cluster.sh

# Benchmarks print figures; see README "Measured figures". Usage: make bench [BENCH=storage]
bench:
	@bash scripts/bench.sh $(BENCH)

# Rewrites Cumin.Web/src/api/openapi.json from the API's /openapi/v1.json (after an endpoint changed) and rebuilds the app.
openapi:
	@CUMIN_OPENAPI_WRITE=1 CUMIN_TEST_FILTER='FullyQualifiedName~Web_app_OpenAPI_snapshot' bash scripts/test.sh

# docs/board.png: the real board in Chromium, against a private stack.
screenshots:
	@bash scripts/screenshots.sh

# docs/export-trace.png: one export's trace in the Aspire dashboard, against a private stack.
trace-screenshot:
	@bash scripts/trace-screenshot.sh

# Deletes what the build, the installs and the local stack's data left in the repository.
clean:
	rm -rf .local node_modules Cumin.Web/node_modules Cumin.Api/wwwroot */bin */obj tests/*/bin tests/*/obj bench/*/bin bench/*/obj
