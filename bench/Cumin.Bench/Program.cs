using Cumin.Bench;

// Usage: Cumin.Bench <benchmark> [options]; scripts/bench.sh starts what each needs.
//   storage [--ops N per round] [--concurrency C] [--rounds R] [--warmup W]   grain storage vs raw SDK calls
//   storage-cpu                                                            the provider's own CPU cost per operation
//   api [--connections 32] [--seconds 15] [--tasks 200] [--warmup 20]      GET/PATCH of a task through the running API, and a bare baseline
//   counts [--changes 1000] [--projects 50] [--workers 10] [--burst 2000]  lag from PATCH to the count in GET /api/projects
//   export                                                                 POST to SignalR notification, exporter memory (1k/10k/100k)
//   board [--tasks 1000] [--movers 16] [--seconds 10] [--loads 50]         board load, list throughput, moves vs PATCHes, storage calls per move, 404 flood, 1,000 projects, memory per task
//   dynamodb-proxy PORT TARGET                                             the request-counting DynamoDB forwarder the board benchmark puts before the silo
//   faults [dynamodb|postgres|fauxqs|runner|silo-kill|rolling|api-kill ...]  outages, a silo or an API killed, a rolling restart, under a mixed load: answers classified, writes and counts checked
//   login [--rounds 15]                                                    a login's password check at 100,000 and 210,000 iterations, and through the API
//   live [--hub-changes 200] [--watchers 200] [--projects 50] [--webhook-changes 200] [--webhook-projects 10]   hub: PATCH response to every watcher, CPU per watcher; webhook delivery lag
//   soak [--quick]                                                         CUMIN_SOAK_MINUTES (10) of mixed load at half capacity: p99 and memory, first minute against last
// One class per benchmark; add a case here to add one.
var command = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "storage";
var rest = args.Length > 0 && args[0] == command ? args[1..] : args;

switch (command)
{
    case "storage":
        return await StorageBenchmark.RunAsync(BenchOptions.Parse(rest));
    case "storage-cpu":
        return StorageBenchmark.RunCpuCost();
    case "api":
        return await ApiBenchmark.RunAsync(rest);
    case "counts":
        return await CountsBenchmark.RunAsync(rest);
    case "export":
        return await ExportBenchmark.RunAsync(rest);
    case "board":
        return await BoardBenchmark.RunAsync(rest);
    case "dynamodb-proxy":
        return await DynamoDBCountingProxy.RunAsync(rest);
    case "login":
        return await LoginBenchmark.RunAsync(rest);
    case "faults":
        return await FaultsBenchmark.RunAsync(rest);
    case "live":
        return await LiveBenchmark.RunAsync(rest);
    case "soak":
        return await SoakBenchmark.RunAsync(rest);
    default:
        Console.Error.WriteLine($"Unknown benchmark '{command}'. Known: storage, storage-cpu, api, counts, export, login, board, live, soak, dynamodb-proxy, faults.");
        return 2;
}
