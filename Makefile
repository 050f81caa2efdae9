# The two commands: `make run` (the whole local stack in the foreground; Ctrl-C stops it) and `make test`.
.PHONY: run test stack bench cluster clean

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

clean:
	rm -rf .local node_modules */bin */obj tests/*/bin tests/*/obj bench/*/bin bench/*/obj
