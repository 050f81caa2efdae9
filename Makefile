# The two commands: `make run` (the whole local stack in the foreground; Ctrl-C stops it) and `make test`.
.PHONY: run test stack bench cluster clean openapi screenshots trace-screenshot

run:
	@bash scripts/run.sh

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

clean:
	rm -rf .local node_modules Cumin.Web/node_modules Cumin.Api/wwwroot */bin */obj tests/*/bin tests/*/obj bench/*/bin bench/*/obj
