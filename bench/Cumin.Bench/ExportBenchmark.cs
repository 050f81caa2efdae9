using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Cumin.Lambdas;
using Cumin.Lambdas.Export;
using Cumin.Lambdas.Hosting;
using Cumin.Lambdas.LocalRunner;
using Cumin.Lambdas.Streams;
using Cumin.Silo;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Cumin.Bench;

/// <summary>
/// Export benchmark: for projects of 1,000, 10,000 and 100,000 tasks, the time from <c>POST /api/projects/{id}/exports</c>
/// to the <c>notification</c> on the owner's SignalR connection, and the exporter's memory. The silo runs in this
/// process; the API (Cumin.Api.dll) and the exporter (this program with <c>--runner</c>: the Lambdas' event-source
/// runner with ExporterFunction alone on the jobs table) run as child processes, a fresh exporter per size, so its
/// peak resident set (VmHWM) belongs to that export alone.
/// Usage: <c>Cumin.Bench export [--sizes 1000,10000,100000]</c> against the stack of scripts/bench.sh.
/// </summary>
public static class ExportBenchmark
{
    private const string RunnerFlag = "--runner";
    private const string StatsPrefix = "exporter-stats ";

    /// <summary>BatchWriteItem requests in flight while seeding; DynamoDB Local gains little from more on two cores.</summary>
    private const int SeedParallelism = 4;

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        if (args is [RunnerFlag, ..])
        {
            await RunExporterAsync();
            return 0;
        }

        var sizes = new[] { 1_000, 10_000, 100_000 };
        for (var i = 0; i < args.Count; i++)
        {
            sizes = args[i] switch
            {
                "--sizes" when i + 1 < args.Count => [.. args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))],
                _ => throw new ArgumentException($"Unknown option {args[i]}. Usage: export [--sizes 1000,10000,100000]"),
            };
        }

        await using var stack = await BenchStack.StartAsync();
        Console.WriteLine($"Export benchmark: silo in-process, API and exporter as child processes; runner poll interval {new EventSourceRunnerOptions().PollInterval.TotalMilliseconds} ms (the default).");
        Console.WriteLine("| tasks | CSV MiB | seed s | POST → notification s | exporter: invocation s | allocated MiB | peak managed heap MiB | peak heap after a GC MiB | exporter VmHWM before POST MiB | exporter VmHWM after MiB |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var size in sizes)
        {
            var row = await stack.MeasureAsync(size);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {size:N0} | {row.CsvBytes / 1048576.0:F1} | {row.Seed.TotalSeconds:F1} | {row.Notified.TotalSeconds:F2} | {row.Stats.Seconds:F2} | {row.Stats.AllocatedBytes / 1048576.0:F0} | {row.Stats.PeakHeapBytes / 1048576.0:F0} | {(row.Stats.PeakHeapAfterGcBytes > 0 ? (row.Stats.PeakHeapAfterGcBytes / 1048576.0).ToString("F0", CultureInfo.InvariantCulture) : "no GC")} | {row.IdleRss / 1048576.0:F0} | {row.PeakRss / 1048576.0:F0} |"));
        }

        return 0;
    }

    /// <summary>The child process: the runner with the exporter alone, reporting each invocation's cost on stdout.</summary>
    private static async Task RunExporterAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddLambdasDatabase(builder.Configuration);
        builder.Services.AddExporter(builder.Configuration);
        builder.Services.AddSingleton(sp => new MeasuredFunction(sp.GetRequiredService<ExporterFunction>()));
        builder.Services.AddEventSourceRunner(builder.Configuration)
            .AddStreamEventSource<MeasuredFunction>(TableNames.Jobs, name: nameof(ExporterFunction));
        using var host = builder.Build();
        await host.StartAsync();
        Console.WriteLine("ready");
        await host.WaitForShutdownAsync();
    }

    /// <summary>
    /// Wraps the exporter: bytes allocated during the invocation (GC.GetTotalAllocatedBytes, precise), the largest
    /// managed heap seen by a 5 ms sampler (GC.GetTotalMemory without collecting: garbage included, so it depends on
    /// when the GC happens to run), and the largest heap left after any collection during the invocation (what the
    /// export really holds), printed as one line per invocation.
    /// </summary>
    private sealed class MeasuredFunction(ExporterFunction inner) : IStreamEventFunction
    {
        public async Task<Stream> InvokeAsync(Stream payload, CancellationToken cancellationToken)
        {
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var peak = GC.GetTotalMemory(forceFullCollection: false);
            var firstGc = GC.GetGCMemoryInfo(GCKind.Any).Index;
            long peakAfterGc = 0;
            void SampleAfterGc()
            {
                var gc = GC.GetGCMemoryInfo(GCKind.Any);
                if (gc.Index > firstGc)
                {
                    peakAfterGc = Math.Max(peakAfterGc, gc.HeapSizeBytes - gc.FragmentedBytes);
                }
            }

            using var stop = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
                    SampleAfterGc();
                    await Task.Delay(5, CancellationToken.None);
                }
            }, CancellationToken.None);
            var clock = Stopwatch.StartNew();
            var result = await inner.InvokeAsync(payload, cancellationToken);
            clock.Stop();
            await stop.CancelAsync();
            await sampler;
            peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
            SampleAfterGc();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{StatsPrefix}{clock.Elapsed.TotalSeconds} {GC.GetTotalAllocatedBytes(precise: true) - allocated} {peak} {peakAfterGc}"));
            return result;
        }
    }

    private sealed record ExporterStats(double Seconds, long AllocatedBytes, long PeakHeapBytes, long PeakHeapAfterGcBytes);

    private sealed record Row(TimeSpan Seed, TimeSpan Notified, long CsvBytes, ExporterStats Stats, long IdleRss, long PeakRss);

    /// <summary>This run's silo, API process, tables, queue and bucket, on the local stack the script started.</summary>
    private sealed class BenchStack : IAsyncDisposable
    {
        private readonly Dictionary<string, string?> _settings;
        private readonly IHost _silo;
        private readonly Process _api;
        private readonly Uri _apiBase;
        private readonly HttpClient _http;
        private readonly AmazonDynamoDBClient _dynamoDb = new();

        private BenchStack(Dictionary<string, string?> settings, IHost silo, Process api, Uri apiBase)
        {
            _settings = settings;
            _silo = silo;
            _api = api;
            _apiBase = apiBase;
            _http = new HttpClient { BaseAddress = apiBase };
        }

        private string Prefix => _settings["Cumin:Tables:Prefix"]!;

        public static async Task<BenchStack> StartAsync()
        {
            var run = $"bench{Guid.NewGuid().ToString("N")[..8]}";
            var admin = Environment.GetEnvironmentVariable("CUMIN_POSTGRES_ADMIN")
                        ?? throw new InvalidOperationException("CUMIN_POSTGRES_ADMIN is not set: run it through scripts/bench.sh.");
            await using (var connection = new NpgsqlConnection(admin))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{run}\"", connection);
                await create.ExecuteNonQueryAsync();
            }

            var settings = new Dictionary<string, string?>
            {
                ["Cumin:Tables:Prefix"] = $"{run}-",
                ["Cumin:Orleans:ClusterId"] = run,
                ["Cumin:Orleans:ServiceId"] = run,
                ["Cumin:Orleans:SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
                ["Cumin:Orleans:GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
                ["Cumin:Orleans:Dashboard"] = "false",
                ["ConnectionStrings:Postgres"] = new NpgsqlConnectionStringBuilder(admin) { Database = run }.ConnectionString,
                ["Cumin:Auth:SigningKey"] = $"bench-signing-key-{Guid.NewGuid():N}-{Guid.NewGuid():N}",
                ["Cumin:Notifications:QueueName"] = $"{run}-notifications",
                ["Cumin:Exports:Bucket"] = $"{run}-exports",
                ["Logging:LogLevel:Default"] = "Warning",
            };

            var siloBuilder = Host.CreateApplicationBuilder();
            siloBuilder.Configuration.AddInMemoryCollection(settings);
            siloBuilder.Logging.SetMinimumLevel(LogLevel.Warning);
            siloBuilder.UseOrleans(silo => silo.AddCuminSilo(siloBuilder.Configuration));
            var silo = siloBuilder.Build();
            await silo.StartAsync();

            var apiBase = new Uri($"http://127.0.0.1:{FreePort()}");
            var api = Start(Path.Combine(RepositoryRoot(), "Cumin.Api", "bin", "Release", "net10.0", "Cumin.Api.dll"), ["--urls", apiBase.ToString()], settings);
            using var probe = new HttpClient { BaseAddress = apiBase };
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    if ((await probe.GetAsync(new Uri("/health/live", UriKind.Relative))).IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException) when (attempt < 120)
                {
                }

                await Task.Delay(500);
            }

            return new BenchStack(settings, silo, api, apiBase);
        }

        public async Task<Row> MeasureAsync(int size)
        {
            var token = await RegisterAsync();
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var project = await (await _http.PostAsJsonAsync("/api/projects", new { name = $"{size} tasks" })).EnsureSuccessStatusCode()
                .Content.ReadFromJsonAsync<JsonElement>();
            var projectId = project.GetProperty("id").GetString()!;
            var seed = Stopwatch.StartNew();
            await SeedAsync(projectId, size);
            seed.Stop();

            var notifications = new ConcurrentDictionary<string, TaskCompletionSource<JsonElement>>();
            await using var hub = new HubConnectionBuilder()
                .WithUrl(new Uri(_apiBase, "/hubs/notifications"), options => options.AccessTokenProvider = () => Task.FromResult<string?>(token))
                .Build();
            hub.On<JsonElement>("notification", n => notifications
                .GetOrAdd(n.GetProperty("data").GetProperty("exportId").GetString()!, _ => new(TaskCreationOptions.RunContinuationsAsynchronously))
                .TrySetResult(n));
            await hub.StartAsync();

            var stats = new ConcurrentQueue<ExporterStats>();
            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var exporter = Start(Environment.ProcessPath!, [typeof(ExportBenchmark).Assembly.Location, "export", RunnerFlag], _settings, line =>
            {
                if (line == "ready")
                {
                    ready.TrySetResult();
                }
                else if (line.StartsWith(StatsPrefix, StringComparison.Ordinal))
                {
                    var parts = line[StatsPrefix.Length..].Split(' ');
                    stats.Enqueue(new ExporterStats(
                        double.Parse(parts[0], CultureInfo.InvariantCulture),
                        long.Parse(parts[1], CultureInfo.InvariantCulture),
                        long.Parse(parts[2], CultureInfo.InvariantCulture),
                        long.Parse(parts[3], CultureInfo.InvariantCulture)));
                }
            });
            try
            {
                await ready.Task.WaitAsync(TimeSpan.FromMinutes(2));
                // Let it find the jobs stream's shard and poll it, as a long-running runner would have.
                await Task.Delay(TimeSpan.FromSeconds(3));
                var idleRss = PeakRss(exporter);

                var clock = Stopwatch.StartNew();
                var started = await (await _http.PostAsync(new Uri($"/api/projects/{projectId}/exports", UriKind.Relative), null)).EnsureSuccessStatusCode()
                    .Content.ReadFromJsonAsync<JsonElement>();
                var exportId = started.GetProperty("id").GetString()!;
                var notification = await notifications
                    .GetOrAdd(exportId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(TimeSpan.FromMinutes(10));
                clock.Stop();

                var taskCount = notification.GetProperty("data").GetProperty("taskCount").GetInt32();
                if (notification.GetProperty("type").GetString() != "export.completed" || taskCount != size)
                {
                    throw new InvalidOperationException($"Export of {size} tasks ended as {notification}.");
                }

                using var head = new HttpRequestMessage(HttpMethod.Get, notification.GetProperty("data").GetProperty("url").GetString());
                using var download = new HttpClient();
                using var file = await download.SendAsync(head, HttpCompletionOption.ResponseHeadersRead);
                var csvBytes = file.EnsureSuccessStatusCode().Content.Headers.ContentLength ?? 0;
                await Task.Delay(500); // the stats line follows the function's return, just after the message
                var worst = stats.IsEmpty
                    ? new ExporterStats(double.NaN, 0, 0, 0)
                    : new ExporterStats(stats.Max(s => s.Seconds), stats.Max(s => s.AllocatedBytes), stats.Max(s => s.PeakHeapBytes), stats.Max(s => s.PeakHeapAfterGcBytes));
                return new Row(seed.Elapsed, clock.Elapsed, csvBytes, worst, idleRss, PeakRss(exporter));
            }
            finally
            {
                exporter.Kill(entireProcessTree: true);
                await exporter.WaitForExitAsync();
            }
        }

        public async ValueTask DisposeAsync()
        {
            _api.Kill(entireProcessTree: true);
            await _api.WaitForExitAsync();
            _api.Dispose();
            await _silo.StopAsync();
            _silo.Dispose();
            _http.Dispose();
            _dynamoDb.Dispose();
        }

        private async Task<string> RegisterAsync()
        {
            var email = $"bench-{Guid.NewGuid():N}@example.com";
            using var anonymous = new HttpClient { BaseAddress = _apiBase };
            (await anonymous.PostAsJsonAsync("/auth/register", new { name = "Bench", email, password = "correct horse battery" })).EnsureSuccessStatusCode();
            var login = await (await anonymous.PostAsJsonAsync("/auth/login", new { email, password = "correct horse battery" })).EnsureSuccessStatusCode()
                .Content.ReadFromJsonAsync<JsonElement>();
            return login.GetProperty("accessToken").GetString()!;
        }

        /// <summary>Task items in the documented shape, 25 per BatchWriteItem, 8 requests in flight.</summary>
        private async Task SeedAsync(string projectId, int size)
        {
            var table = Prefix + TableNames.Tasks;
            var now = DateTimeOffset.UtcNow;
            string[] statuses = ["todo", "in_progress", "done"];
            await Parallel.ForEachAsync(Enumerable.Range(0, size).Chunk(25), new ParallelOptions { MaxDegreeOfParallelism = SeedParallelism }, async (chunk, ct) =>
            {
                var writes = chunk.Select(i =>
                {
                    var id = $"T{i:D7}";
                    var at = now.AddMilliseconds(i).ToString("O", CultureInfo.InvariantCulture);
                    return new WriteRequest
                    {
                        PutRequest = new PutRequest
                        {
                            Item = new Dictionary<string, AttributeValue>
                            {
                                ["pk"] = new() { S = projectId },
                                ["sk"] = new() { S = id },
                                ["id"] = new() { S = id },
                                ["projectId"] = new() { S = projectId },
                                ["title"] = new() { S = $"Task {i}, \"benchmark\"" },
                                ["description"] = new() { S = $"Seeded by the export benchmark; row {i} of {size}.\nSecond line." },
                                ["status"] = new() { S = statuses[i % 3] },
                                ["priority"] = new() { S = "medium" },
                                ["createdAt"] = new() { S = at },
                                ["updatedAt"] = new() { S = at },
                                ["version"] = new() { N = "1" },
                                ["etag"] = new() { N = "1" },
                            },
                        },
                    };
                }).ToList();
                var pending = new Dictionary<string, List<WriteRequest>> { [table] = writes };
                while (pending.Count > 0)
                {
                    var response = await _dynamoDb.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = pending }, ct);
                    pending = response.UnprocessedItems is { Count: > 0 } left ? left : [];
                }
            });
        }
    }

    /// <summary>Peak resident set size of a child process (Linux VmHWM), in bytes.</summary>
    private static long PeakRss(Process process)
    {
        foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    private static Process Start(string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?> settings, Action<string>? onLine = null)
    {
        var dll = program.EndsWith(".dll", StringComparison.Ordinal);
        var info = new ProcessStartInfo(dll ? "dotnet" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (dll)
        {
            info.ArgumentList.Add(program);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {program}.");
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                onLine?.Invoke(line);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                Console.Error.WriteLine($"[{Path.GetFileNameWithoutExtension(program)}] {line}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Cumin.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Cumin.sln not found above " + AppContext.BaseDirectory);
    }
}
