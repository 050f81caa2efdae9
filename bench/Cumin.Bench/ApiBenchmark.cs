using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Cumin.Bench;

/// <summary>
/// `api`: authenticated GET and PATCH of single tasks under concurrent load through the running API (CUMIN_API_URL),
/// driven by wrk, next to DynamoDB Local's own conditional-update rate measured with as many concurrent writers.
/// </summary>
internal static partial class ApiBenchmark
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var connections = Option(args, "--connections", 32);
        var seconds = Option(args, "--seconds", 15);
        var taskCount = Option(args, "--tasks", 200);
        var warmup = Option(args, "--warmup", 20);
        var rounds = Option(args, "--rounds", 3);
        var api = new Uri(Environment.GetEnvironmentVariable("CUMIN_API_URL") ?? "http://127.0.0.1:8080");

        using var http = new HttpClient { BaseAddress = api };
        var (token, projectId, taskIds) = await SeedAsync(http, taskCount);
        Console.WriteLine($"api: {taskIds.Count} tasks in one project; {connections} connections, {seconds}s per phase, wrk -t2");

        var work = Directory.CreateTempSubdirectory("cumin-bench-api").FullName;
        var ids = string.Join(",", taskIds.Select(id => $"\"{id}\""));
        var common = $$"""
            local ids = { {{ids}} }
            local headers = { ["Authorization"] = "Bearer {{token}}", ["Content-Type"] = "application/json" }
            local n = 0
            -- wrk's threads start with the same random state: without a seed and a name of their own they would send
            -- identical requests in step, and half the PATCHes would change nothing.
            local threads = 0
            function setup(thread)
              threads = threads + 1
              thread:set("thread", threads)
            end
            function init(args)
              math.randomseed(os.time() * 100 + thread)
            end
            """;
        await File.WriteAllTextAsync(Path.Combine(work, "read.lua"), common + $$"""

            request = function()
              return wrk.format("GET", "/api/projects/{{projectId}}/tasks/" .. ids[math.random(#ids)], headers)
            end
            """);
        await File.WriteAllTextAsync(Path.Combine(work, "patch.lua"), common + $$"""

            request = function()
              n = n + 1
              return wrk.format("PATCH", "/api/projects/{{projectId}}/tasks/" .. ids[math.random(#ids)], headers,
                '{"title":"renamed ' .. thread .. '-' .. n .. '"}')
            end
            """);

        // Warm-up long enough for tiered compilation to settle (a few seconds leave the servers at half speed),
        // with every task grain activated.
        await RunWrkAsync(work, "read.lua", api, connections, warmup);
        var baselineUrl = await PrepareBaselineAsync(work, connections, warmup);

        // This machine's speed drifts by tens of percent within a minute, so reads and the baseline alternate, and
        // the median round of each is reported.
        var readRounds = new List<WrkResult>();
        var baselineRounds = new List<WrkResult>();
        for (var round = 0; round < rounds; round++)
        {
            readRounds.Add(await RunWrkAsync(work, "read.lua", api, connections, seconds));
            if (baselineUrl is not null)
            {
                baselineRounds.Add(await RunWrkAsync(work, "baseline.lua", baselineUrl, connections, seconds));
            }
        }

        var reads = Median(readRounds);
        var baseline = baselineRounds.Count > 0 ? Median(baselineRounds) : null;

        // DynamoDB Local's own rate for the same write, in the same table (a partition of its own), measured just
        // before and just after the PATCH phase: DynamoDB Local slows down as its history grows, so the two sides
        // must be measured at the same time to be compared.
        var tasksTable = (Environment.GetEnvironmentVariable("Cumin__Tables__Prefix") ?? "cumin-") + "tasks";
        await RawConditionalWritesAsync(RawWrite.Put, tasksTable, connections, taskIds.Count, Math.Max(3, warmup / 4));
        var rawBefore = await RawConditionalWritesAsync(RawWrite.Put, tasksTable, connections, taskIds.Count, seconds);
        var versionsBefore = await StoredVersionsAsync(tasksTable, projectId);
        var patchWarmup = await RunWrkAsync(work, "patch.lua", api, connections, Math.Max(3, warmup / 4));
        var patches = await RunWrkAsync(work, "patch.lua", api, connections, seconds);
        var storedWrites = await StoredVersionsAsync(tasksTable, projectId) - versionsBefore;
        var rawAfter = await RawConditionalWritesAsync(RawWrite.Put, tasksTable, connections, taskIds.Count, seconds);
        var rawUpdate = await RawConditionalWritesAsync(RawWrite.Update, tasksTable, connections, taskIds.Count, seconds);
        var rawPut = (rawBefore + rawAfter) / 2;

        Console.WriteLine();
        Console.WriteLine($"GET rounds (req/s, p99 ms): {Rounds(readRounds)}" + (baselineRounds.Count > 0 ? $"; baseline: {Rounds(baselineRounds)}" : ""));
        Console.WriteLine($"GET   task  {reads.RequestsPerSecond,10:N0} req/s   p50 {reads.P50Ms,6:N2} ms   p99 {reads.P99Ms,6:N2} ms   errors {readRounds.Sum(r => r.Errors)}");
        Console.WriteLine($"PATCH task  {patches.RequestsPerSecond,10:N0} req/s   p50 {patches.P50Ms,6:N2} ms   p99 {patches.P99Ms,6:N2} ms   errors {patches.Errors}");
        if (baseline is not null)
        {
            Console.WriteLine($"baseline    {baseline.RequestsPerSecond,10:N0} req/s   p50 {baseline.P50Ms,6:N2} ms   p99 {baseline.P99Ms,6:N2} ms   errors {baseline.Errors}"
                + "   (bare JWT-checked GET -> one in-memory grain, same machine, same run)");
            Console.WriteLine($"GET task / baseline = {reads.RequestsPerSecond / baseline.RequestsPerSecond:P0}");
        }

        Console.WriteLine($"DynamoDB Local, {connections} writers: conditional PutItem {rawPut,8:N0} ops/s (before {rawBefore:N0}, after {rawAfter:N0}), conditional UpdateItem {rawUpdate,8:N0} ops/s");
        // Measured against the faster of the two raw writes, so the ratio never flatters the API.
        var ratio = patches.RequestsPerSecond / Math.Max(rawPut, rawUpdate);
        Console.WriteLine($"PATCH / DynamoDB Local's faster conditional write = {ratio:P0}");
        // Every successful PATCH here changes its task, so each must have raised a stored version by one.
        var answered = patchWarmup.Requests + patches.Requests;
        Console.WriteLine($"PATCH writes found in DynamoDB (sum of the tasks' stored versions): {storedWrites:N0} for {answered:N0} PATCH responses");
        Console.WriteLine($"aim reads >= 15,000 req/s with p99 < 10 ms: {(reads.RequestsPerSecond >= 15_000 && reads.P99Ms < 10 ? "holds" : "missed")}");
        Console.WriteLine($"aim PATCH >= 80% of DynamoDB Local's conditional-update rate: {(ratio >= 0.8 ? "holds" : "missed")}");
        Directory.Delete(work, recursive: true);
        return readRounds.Sum(r => r.Errors) + patches.Errors == 0 ? 0 : 1;
    }

    private static async Task<(string Token, string ProjectId, List<string> TaskIds)> SeedAsync(HttpClient http, int taskCount)
    {
        var email = $"bench-{Guid.NewGuid():N}@example.com";
        (await http.PostAsJsonAsync("/auth/register", new { name = "Bench", email, password = "benchmark-password" })).EnsureSuccessStatusCode();
        var login = await (await http.PostAsJsonAsync("/auth/login", new { email, password = "benchmark-password" })).EnsureSuccessStatusCode()
            .Content.ReadFromJsonAsync<JsonElement>();
        var token = login.GetProperty("accessToken").GetString()!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var project = await (await http.PostAsJsonAsync("/api/projects", new { name = "Benchmark" })).EnsureSuccessStatusCode()
            .Content.ReadFromJsonAsync<JsonElement>();
        var projectId = project.GetProperty("id").GetString()!;
        var ids = new List<string>();
        using var gate = new SemaphoreSlim(16);
        await Task.WhenAll(Enumerable.Range(0, taskCount).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var task = await (await http.PostAsJsonAsync($"/api/projects/{projectId}/tasks", new { title = $"task {i}", description = "Collect the numbers from every team and write the summary." }))
                    .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
                lock (ids)
                {
                    ids.Add(task.GetProperty("id").GetString()!);
                }
            }
            finally
            {
                gate.Release();
            }
        }));
        return (token, projectId, ids);
    }

    /// <summary>
    /// The same read load on the baseline program (CUMIN_BASELINE_URL), when scripts/bench.sh started it: writes its wrk
    /// script and warms it up. Null when there is no baseline.
    /// </summary>
    private static async Task<Uri?> PrepareBaselineAsync(string work, int connections, int warmup)
    {
        if (Environment.GetEnvironmentVariable("CUMIN_BASELINE_URL") is not { Length: > 0 } url)
        {
            return null;
        }

        var baseline = new Uri(url);
        using var http = new HttpClient { BaseAddress = baseline };
        var token = await http.GetStringAsync(new Uri("/token", UriKind.Relative));
        await File.WriteAllTextAsync(Path.Combine(work, "baseline.lua"), $$"""
            local headers = { ["Authorization"] = "Bearer {{token}}" }
            request = function()
              return wrk.format("GET", "/things/" .. math.random(200), headers)
            end
            """);
        await RunWrkAsync(work, "baseline.lua", baseline, connections, warmup);
        return baseline;
    }

    /// <summary>The sum of the stored versions of a project's tasks, read from DynamoDB itself.</summary>
    private static async Task<long> StoredVersionsAsync(string table, string projectId)
    {
        using var dynamo = new AmazonDynamoDBClient();
        long sum = 0;
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await dynamo.QueryAsync(new QueryRequest
            {
                TableName = table,
                KeyConditionExpression = "pk = :pk",
                ExpressionAttributeValues = new() { [":pk"] = new() { S = projectId } },
                ProjectionExpression = "version",
                ConsistentRead = true,
                ExclusiveStartKey = start,
            });
            sum += page.Items.Sum(item => long.Parse(item["version"].N, CultureInfo.InvariantCulture));
            start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);
        return sum;
    }

    private static int Option(IReadOnlyList<string> args, string name, int fallback)
    {
        for (var i = 0; i + 1 < args.Count; i++)
        {
            if (args[i] == name)
            {
                return int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            }
        }

        return fallback;
    }
}
