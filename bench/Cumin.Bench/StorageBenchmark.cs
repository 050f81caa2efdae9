using System.Diagnostics;
using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Cumin.Orleans.DynamoDB;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Storage;

namespace Cumin.Bench;

/// <summary>
/// Grain-state writes and reads through the DynamoDB grain-storage provider, against the same number of hand-written
/// SDK calls doing the same job (conditional PutItem on the etag, consistent GetItem, mapping by hand), with the same
/// client, item shape and concurrency, in the same run. The provider runs inside a real silo, built by its own
/// registration; it is called directly (IGrainStorage) so that only its own cost is measured, not grain messaging.
/// </summary>
public static class StorageBenchmark
{
    private const string StorageName = "bench";
    private const double Aim = 0.85;

    public static async Task<int> RunAsync(BenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var endpoint = Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_DYNAMODB");
        var prefix = $"bench-{Guid.NewGuid().ToString("N")[..8]}-";
        var storageOptions = new DynamoDBGrainStorageOptions();
        ConfigureStorage(storageOptions, prefix);

        // One client for both sides, tuned as the provider tunes its own, so the comparison is of the code around it.
        using var client = DynamoDBClientFactory.Create(storageOptions);
        using var host = BuildSilo(client, prefix);
        await host.StartAsync();
        try
        {
            var storage = host.Services.GetRequiredKeyedService<IGrainStorage>(StorageName);
            var tableName = prefix + "tasks";
            Console.WriteLine(
                $"storage: {options.Ops} ops x {options.Rounds} rounds per kind (sides alternating), concurrency {options.Concurrency}, " +
                $"DynamoDB at {endpoint ?? "(SDK default)"}, table {tableName}");

            var items = StorageWorkload.ItemCount(options);
            var provider = new StorageWorkload.ProviderSide(storage, "provider", items);
            var raw = new StorageWorkload.RawSide(client, tableName, "raw-sdk", items);

            // Warm both sides (JIT here, DynamoDB Local's JIT and connection pool there) before measuring.
            if (options.Warmup > 0)
            {
                var warm = options with { Ops = options.Warmup };
                await Measure(warm, provider.Write);
                await Measure(warm, raw.Write);
                await Measure(warm, provider.Read);
                await Measure(warm, raw.Read);
            }

            var results = new Dictionary<string, Totals>(StringComparer.Ordinal);
            var roundRates = new Dictionary<(string Name, int Round), double>();
            for (var round = 0; round < options.Rounds; round++)
            {
                // Alternate who goes first, so drift in DynamoDB Local (GC, table growth) does not favour one side.
                var order = round % 2 == 0
                    ? new (string, Func<int, Task>)[] { ("provider write", provider.Write), ("raw write", raw.Write), ("provider read", provider.Read), ("raw read", raw.Read) }
                    : [("raw write", raw.Write), ("provider write", provider.Write), ("raw read", raw.Read), ("provider read", provider.Read)];
                foreach (var (name, operation) in order)
                {
                    var measured = await Measure(options, operation);
                    (results.TryGetValue(name, out var totals) ? totals : results[name] = new Totals()).Add(measured);
                    roundRates[(name, round)] = measured.Ops / measured.Elapsed.TotalSeconds;
                }
            }

            Console.WriteLine($"{"",-16}{"ops/s",10}{"p50 ms",10}{"p99 ms",10}");
            foreach (var name in new[] { "provider write", "raw write", "provider read", "raw read" })
            {
                var totals = results[name];
                Console.WriteLine($"{name,-16}{totals.OpsPerSecond,10:F0}{totals.Percentile(0.50),10:F2}{totals.Percentile(0.99),10:F2}");
            }

            var writeRatio = results["provider write"].OpsPerSecond / results["raw write"].OpsPerSecond;
            var readRatio = results["provider read"].OpsPerSecond / results["raw read"].OpsPerSecond;
            string PerRound(string kind) => string.Join(" ", Enumerable.Range(0, options.Rounds).Select(round =>
                (roundRates[($"provider {kind}", round)] / roundRates[($"raw {kind}", round)]).ToString("F2", CultureInfo.InvariantCulture)));
            Console.WriteLine($"write ratio provider/raw = {writeRatio:F3} (aim >= {Aim:F2}: {(writeRatio >= Aim ? "holds" : "MISSED")}; per round {PerRound("write")})");
            Console.WriteLine($"read ratio  provider/raw = {readRatio:F3} (aim >= {Aim:F2}: {(readRatio >= Aim ? "holds" : "MISSED")}; per round {PerRound("read")})");
            Console.WriteLine();
            RunCpuCost();
            return 0;
        }
        finally
        {
            await host.StopAsync();
            await DeleteTablesAsync(client, prefix);
        }
    }

    /// <summary>Only the provider's own cost per operation, with no DynamoDB at all.</summary>
    public static int RunCpuCost()
    {
        StorageCpuCost.Run(
            "cpu-tasks",
            () =>
            {
                var options = new DynamoDBGrainStorageOptions();
                ConfigureStorage(options, "cpu-");
                return options;
            },
            50_000);
        return 0;
    }

    private static void ConfigureStorage(DynamoDBGrainStorageOptions options, string prefix)
    {
        options.TablePrefix = prefix;
        options.DefaultTable = null;
        options.Tables[StorageWorkload.StateName] = new DynamoDBTableMapping
        {
            TableName = "tasks",
            SortKeyName = "sk",
            StreamViewType = StreamViewType.NEW_AND_OLD_IMAGES,
            DeleteStateOnClear = true,
        };
    }

    private static IHost BuildSilo(AmazonDynamoDBClient client, string prefix)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans", LogLevel.Error);
        builder.Services.AddSingleton<IAmazonDynamoDB>(client);
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(siloPort: ChildProcesses.FreePort(), gatewayPort: ChildProcesses.FreePort())
            .AddDynamoDBGrainStorage(StorageName, options => ConfigureStorage(options, prefix)));
        return builder.Build();
    }

    private static async Task DeleteTablesAsync(AmazonDynamoDBClient client, string prefix)
    {
        var tables = await client.ListTablesAsync(new ListTablesRequest());
        foreach (var table in tables.TableNames?.Where(name => name.StartsWith(prefix, StringComparison.Ordinal)) ?? [])
        {
            await client.DeleteTableAsync(table);
        }
    }

    /// <summary>Runs <see cref="BenchOptions.Ops"/> operations on <see cref="BenchOptions.Concurrency"/> workers; worker w does ops w, w+C, ...</summary>
    private static async Task<Measurement> Measure(BenchOptions options, Func<int, Task> operation)
    {
        var latencies = new double[options.Ops];
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, Math.Min(options.Concurrency, options.Ops)).Select(async worker =>
        {
            await Task.Yield();
            for (var op = worker; op < options.Ops; op += options.Concurrency)
            {
                var opStarted = Stopwatch.GetTimestamp();
                await operation(op);
                latencies[op] = Stopwatch.GetElapsedTime(opStarted).TotalMilliseconds;
            }
        });
        await Task.WhenAll(workers);
        return new Measurement(options.Ops, Stopwatch.GetElapsedTime(started), latencies);
    }

    private sealed record Measurement(int Ops, TimeSpan Elapsed, double[] Latencies);

    private sealed class Totals
    {
        private readonly List<double> _latencies = [];
        private int _ops;
        private TimeSpan _elapsed;

        public double OpsPerSecond => _ops / _elapsed.TotalSeconds;

        public void Add(Measurement measurement)
        {
            _ops += measurement.Ops;
            _elapsed += measurement.Elapsed;
            _latencies.AddRange(measurement.Latencies);
        }

        public double Percentile(double p)
        {
            var sorted = _latencies.Order().ToList();
            return sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
        }
    }
}
