using Cumin.Bench;

// Usage: Cumin.Bench [all|storage|storage-cpu] [--ops N per round] [--concurrency C] [--rounds R] [--warmup W]
// One class per benchmark; add a case here to add one.
var command = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "all";
var options = BenchOptions.Parse(command == "all" && (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal)) ? args : args[1..]);

switch (command)
{
    case "storage":
        return await StorageBenchmark.RunAsync(options);
    case "storage-cpu":
        return StorageBenchmark.RunCpuCost();
    case "all":
        return await StorageBenchmark.RunAsync(options);
    default:
        Console.Error.WriteLine($"Unknown benchmark '{command}'. Known: storage, storage-cpu, all.");
        return 2;
}
