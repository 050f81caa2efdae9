using Cumin.Bench;

// Usage: Cumin.Bench [all|export] [options]
// One class per benchmark; add a case here to add one.
var command = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "all";
var rest = command == "all" && (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal)) ? args : args[1..];

switch (command)
{
    case "export":
        return await ExportBenchmark.RunAsync(rest);
    case "all":
        return await ExportBenchmark.RunAsync(rest);
    default:
        Console.Error.WriteLine($"Unknown benchmark '{command}'. Known: export, all.");
        return 2;
}
