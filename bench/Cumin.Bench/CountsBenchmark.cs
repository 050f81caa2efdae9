using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Cumin.Bench;

/// <summary>
/// `counts`: status changes through the API (CUMIN_API_URL) and how long until each shows in GET /api/projects,
/// i.e. the whole path PATCH → DynamoDB → Streams → the runner → AggregatorFunction → PostgreSQL → the API.
/// </summary>
internal static class CountsBenchmark
{
    private static readonly string[] Statuses = ["todo", "in_progress", "done"];

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var changes = Option(args, "--changes", 1000);
        var projects = Option(args, "--projects", 50);
        var workers = Option(args, "--workers", 10);
        var burst = Option(args, "--burst", 2000);
        var api = new Uri(Environment.GetEnvironmentVariable("CUMIN_API_URL") ?? "http://127.0.0.1:8080");
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = api };
        await SignInAsync(http);

        var tasksPerProject = Math.Max(1, changes / projects);
        Console.WriteLine($"counts: {projects} projects x {tasksPerProject} tasks; {changes} status changes by {workers} workers, each change waited for");
        var board = await SeedAsync(http, projects, tasksPerProject);
        await WaitUntilCountsMatchAsync(http, board, TimeSpan.FromMinutes(2));

        // Phase 1: lag of single changes. Each worker owns whole projects, so it knows the count to expect.
        var lags = new ConcurrentBag<double>();
        var owned = board.Keys.Select((id, i) => (id, i)).GroupBy(p => p.i % workers, p => p.id).ToList();
        var perWorker = changes / workers;
        await Task.WhenAll(owned.Select(async group =>
        {
            var random = new Random(group.Key);
            var mine = group.ToList();
            for (var n = 0; n < perWorker; n++)
            {
                var projectId = mine[n % mine.Count];
                var tasks = board[projectId];
                var taskId = tasks.Keys.ElementAt(random.Next(tasks.Count));
                var next = Statuses[(Array.IndexOf(Statuses, tasks[taskId]) + 1) % 3];
                (await http.PatchAsync($"/api/projects/{projectId}/tasks/{taskId}", JsonContent.Create(new { status = next }))).EnsureSuccessStatusCode();
                var acknowledged = Stopwatch.GetTimestamp();
                tasks[taskId] = next;
                var expected = Expected(tasks);
                while (!Same(await CountsOfAsync(http, projectId), expected))
                {
                    await Task.Delay(10);
                    if (Stopwatch.GetElapsedTime(acknowledged) > TimeSpan.FromSeconds(30))
                    {
                        throw new TimeoutException($"project {projectId} counts did not reach {expected}");
                    }
                }

                lags.Add(Stopwatch.GetElapsedTime(acknowledged).TotalMilliseconds);
            }
        }));

        // Phase 2: throughput. A burst of changes with nobody waiting, then the time until every count is right.
        var all = board.SelectMany(p => p.Value.Keys.Select(t => (Project: p.Key, Task: t))).ToList();
        var clock = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(32);
        await Task.WhenAll(Enumerable.Range(0, burst).Select(async i =>
        {
            var (projectId, taskId) = all[i % all.Count];
            await gate.WaitAsync();
            try
            {
                // Each task is changed at most once per pass over `all`; the final status is what the last write set.
                string next;
                lock (board)
                {
                    next = Statuses[(Array.IndexOf(Statuses, board[projectId][taskId]) + 1) % 3];
                    board[projectId][taskId] = next;
                }

                (await http.PatchAsync($"/api/projects/{projectId}/tasks/{taskId}", JsonContent.Create(new { status = next }))).EnsureSuccessStatusCode();
            }
            finally
            {
                gate.Release();
            }
        }));
        var written = clock.Elapsed;
        await WaitUntilCountsMatchAsync(http, board, TimeSpan.FromMinutes(5));
        var counted = clock.Elapsed;

        var exact = await FinalCountsMatchTasksAsync(http, board);
        var sorted = lags.Order().ToList();
        Console.WriteLine();
        Console.WriteLine($"lag PATCH response -> count visible in GET /api/projects ({sorted.Count} changes):");
        Console.WriteLine($"  p50 {Pct(sorted, 0.50):N0} ms   p95 {Pct(sorted, 0.95):N0} ms   max {sorted[^1]:N0} ms");
        Console.WriteLine($"burst of {burst} changes: written in {written.TotalSeconds:N1} s, all counted after {counted.TotalSeconds:N1} s " +
            $"-> aggregator {burst / counted.TotalSeconds:N0} records/s end to end");
        Console.WriteLine($"final counts equal the tasks' statuses in every project: {(exact ? "yes" : "NO")}");
        Console.WriteLine($"aim p95 lag < 1 s: {(Pct(sorted, 0.95) < 1000 ? "holds" : "missed")}; aim final counts exact: {(exact ? "holds" : "missed")}");
        return exact ? 0 : 1;
    }

    private static async Task SignInAsync(HttpClient http)
    {
        var email = $"counts-{Guid.NewGuid():N}@example.com";
        (await http.PostAsJsonAsync("/auth/register", new { name = "Counts", email, password = "benchmark-password" })).EnsureSuccessStatusCode();
        var login = await (await http.PostAsJsonAsync("/auth/login", new { email, password = "benchmark-password" })).EnsureSuccessStatusCode()
            .Content.ReadFromJsonAsync<JsonElement>();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("accessToken").GetString());
    }

    /// <summary>Projects, each with tasks all in `todo`; returns project id → (task id → status).</summary>
    private static async Task<Dictionary<string, Dictionary<string, string>>> SeedAsync(HttpClient http, int projects, int tasksPerProject)
    {
        var board = new Dictionary<string, Dictionary<string, string>>();
        using var gate = new SemaphoreSlim(16);
        for (var p = 0; p < projects; p++)
        {
            var project = await (await http.PostAsJsonAsync("/api/projects", new { name = $"Counts {p}" })).EnsureSuccessStatusCode()
                .Content.ReadFromJsonAsync<JsonElement>();
            var projectId = project.GetProperty("id").GetString()!;
            var tasks = new Dictionary<string, string>();
            board[projectId] = tasks;
            await Task.WhenAll(Enumerable.Range(0, tasksPerProject).Select(async t =>
            {
                await gate.WaitAsync();
                try
                {
                    var task = await (await http.PostAsJsonAsync($"/api/projects/{projectId}/tasks", new { title = $"task {t}" })).EnsureSuccessStatusCode()
                        .Content.ReadFromJsonAsync<JsonElement>();
                    lock (tasks)
                    {
                        tasks[task.GetProperty("id").GetString()!] = "todo";
                    }
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        return board;
    }

    private static (int Todo, int InProgress, int Done) Expected(Dictionary<string, string> tasks) =>
        (tasks.Values.Count(s => s == "todo"), tasks.Values.Count(s => s == "in_progress"), tasks.Values.Count(s => s == "done"));

    private static bool Same(JsonElement counts, (int Todo, int InProgress, int Done) expected) =>
        counts.GetProperty("todo").GetInt32() == expected.Todo
        && counts.GetProperty("inProgress").GetInt32() == expected.InProgress
        && counts.GetProperty("done").GetInt32() == expected.Done;

    /// <summary>The project's counts as GET /api/projects shows them (the list, as the aim says, not the single project).</summary>
    private static async Task<JsonElement> CountsOfAsync(HttpClient http, string projectId)
    {
        var list = await http.GetFromJsonAsync<JsonElement>("/api/projects");
        return list.GetProperty("items").EnumerateArray().Single(p => p.GetProperty("id").GetString() == projectId).GetProperty("counts");
    }

    private static async Task WaitUntilCountsMatchAsync(HttpClient http, Dictionary<string, Dictionary<string, string>> board, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var list = await http.GetFromJsonAsync<JsonElement>("/api/projects");
            var counts = list.GetProperty("items").EnumerateArray().ToDictionary(p => p.GetProperty("id").GetString()!, p => p.GetProperty("counts"));
            if (board.All(p => counts.TryGetValue(p.Key, out var c) && Same(c, Expected(p.Value))))
            {
                return;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException("counts did not converge");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Reads every task back through the API and compares each project's statuses with its counts.</summary>
    private static async Task<bool> FinalCountsMatchTasksAsync(HttpClient http, Dictionary<string, Dictionary<string, string>> board)
    {
        var list = await http.GetFromJsonAsync<JsonElement>("/api/projects");
        var counts = list.GetProperty("items").EnumerateArray().ToDictionary(p => p.GetProperty("id").GetString()!, p => p.GetProperty("counts"));
        foreach (var projectId in board.Keys)
        {
            var statuses = new List<string>();
            string? cursor = null;
            do
            {
                var page = await http.GetFromJsonAsync<JsonElement>(
                    $"/api/projects/{projectId}/tasks?limit=200" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
                statuses.AddRange(page.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("status").GetString()!));
                cursor = page.GetProperty("nextCursor").GetString();
            }
            while (cursor is not null);

            var actual = (statuses.Count(s => s == "todo"), statuses.Count(s => s == "in_progress"), statuses.Count(s => s == "done"));
            if (!Same(counts[projectId], actual) || counts[projectId].GetProperty("total").GetInt32() != statuses.Count)
            {
                Console.WriteLine($"project {projectId}: counts {counts[projectId]} but tasks {actual}");
                return false;
            }
        }

        return true;
    }

    private static double Pct(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

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
