using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Cumin.Lambdas;
using Cumin.Silo;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
namespace Cumin.Bench;

/// <summary>The export benchmark's stack: its silo in this process, the API and each exporter as child processes.</summary>
public static partial class ExportBenchmark
{
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
                ["Cumin:Orleans:SiloPort"] = ChildProcesses.FreePort().ToString(CultureInfo.InvariantCulture),
                ["Cumin:Orleans:GatewayPort"] = ChildProcesses.FreePort().ToString(CultureInfo.InvariantCulture),
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

            var apiBase = new Uri($"http://127.0.0.1:{ChildProcesses.FreePort()}");
            var api = ChildProcesses.Start(Path.Combine(ChildProcesses.RepositoryRoot(), "Cumin.Api", "bin", "Release", "net10.0", "Cumin.Api.dll"), ["--urls", apiBase.ToString()], settings);
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
            using var exporter = ChildProcesses.Start(Environment.ProcessPath!, [typeof(ExportBenchmark).Assembly.Location, "export", RunnerFlag], _settings, line =>
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
                var idleRss = ChildProcesses.PeakRss(exporter);

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
                return new Row(seed.Elapsed, clock.Elapsed, csvBytes, worst, idleRss, ChildProcesses.PeakRss(exporter));
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
}
