using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Cumin.Bench;

/// <summary>
/// `soak`: a mixed load held for <c>CUMIN_SOAK_MINUTES</c> (10) at about half of the capacity measured first with the
/// same load unpaced, then, minute by minute, the load's p99 and the resident memory of every process of the stack.
/// The load keeps the data it makes bounded (each worker deletes what it created), so what grows is the processes'.
/// It fails on any answer that is not 2xx, or when the last minute's p99 or a Cumin process's memory is not flat
/// against the first minute's.
/// </summary>
internal static class SoakBenchmark
{
    private const int Workers = 16;
    private const int TasksPerProject = 50;

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var api = new Uri(Environment.GetEnvironmentVariable("CUMIN_API_URL") ?? "http://127.0.0.1:8080");
        var minutes = int.Parse(Environment.GetEnvironmentVariable("CUMIN_SOAK_MINUTES") ?? "10", CultureInfo.InvariantCulture);
        // The access token lives 15 minutes and the load does not refresh it.
        if (minutes is < 1 or > 12)
        {
            Console.Error.WriteLine("CUMIN_SOAK_MINUTES is 1 to 12.");
            return 2;
        }

        var calibration = TimeSpan.FromSeconds(args.Contains("--quick") ? 10 : 30);
        // scripts/bench.sh names the processes: "silo=PID runner=PID api=PID dynamodb=PID fauxqs=PID postgres=PID".
        var processes = (Environment.GetEnvironmentVariable("CUMIN_SOAK_PIDS") ?? string.Empty)
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('='))
            .ToDictionary(pair => pair[0], pair => int.Parse(pair[1], CultureInfo.InvariantCulture));

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Workers * 2 }) { BaseAddress = api, Timeout = TimeSpan.FromSeconds(10) };
        var users = await Task.WhenAll(Enumerable.Range(0, Workers / 2).Select(i => SoakUser.SignUpAsync(http, i)));
        Console.WriteLine($"soak: {Workers} workers, {users.Length} users with a project of {TasksPerProject} tasks each; load average {ChildProcesses.LoadAverage()}");

        // Capacity: the same load, unpaced.
        var capacity = await RunLoadAsync(users, calibration, pacing: TimeSpan.Zero, onMinute: null);
        var rate = capacity.Count / calibration.TotalSeconds;
        var target = rate / 2;
        // Each worker's requests follow one another; a pause of workers/target between them (less the answer's own time,
        // which at half load is small) holds the whole near the target.
        var pacing = TimeSpan.FromSeconds(Workers / target);
        Console.WriteLine($"capacity {rate:F0} requests/s unpaced ({capacity.Errors} errors); soak at about {target:F0}/s for {minutes} min");

        var rows = new List<Minute>();
        var soak = await RunLoadAsync(users, TimeSpan.FromMinutes(minutes), pacing, onMinute: minute =>
        {
            var row = minute with { Rss = processes.ToDictionary(p => p.Key, p => Rss(p.Key, p.Value)) };
            rows.Add(row);
            Console.WriteLine(
                $"minute {row.Index + 1,2}: {row.Count / 60.0,6:F0} req/s, p50 {row.P50,6:F1} ms, p99 {row.P99,6:F1} ms, errors {row.Errors}; " +
                string.Join(", ", row.Rss.Select(r => $"{r.Key} {r.Value / (1024.0 * 1024):F0} MiB")));
        });

        var first = rows[0];
        var last = rows[^1];
        Console.WriteLine();
        Console.WriteLine($"| | first minute | last minute | flat |");
        Console.WriteLine($"| --- | --- | --- | --- |");
        // p99 is flat when the last minute's is within half again of the first's (and a few ms, against jitter at low ms).
        var p99Flat = last.P99 <= (first.P99 * 1.5) + 5;
        Console.WriteLine($"| requests/s | {first.Count / 60.0:F0} | {last.Count / 60.0:F0} | |");
        Console.WriteLine($"| p99 | {first.P99:F1} ms | {last.P99:F1} ms | {(p99Flat ? "yes" : "NO")} |");
        var memoryFlat = true;
        foreach (var name in processes.Keys)
        {
            // Cumin's own processes must be flat: within a fifth and 64 MiB of the first minute (the GC's heap settles in
            // steps). The local servers stand in for AWS: DynamoDB Local keeps every stream record in memory for 24 hours,
            // so its memory is shown, not judged.
            var judged = name is "silo" or "api" or "runner";
            var flat = last.Rss[name] <= (first.Rss[name] * 1.2) + (64L * 1024 * 1024);
            memoryFlat &= !judged || flat;
            Console.WriteLine($"| {name} memory | {first.Rss[name] / (1024.0 * 1024):F0} MiB | {last.Rss[name] / (1024.0 * 1024):F0} MiB | {(judged ? (flat ? "yes" : "NO") : "(not judged)")} |");
        }

        Console.WriteLine($"| errors | {first.Errors} | {last.Errors} | {soak.Errors} in all, of {soak.Count} requests |");
        foreach (var error in soak.Samples)
        {
            Console.WriteLine($"  error: {error}");
        }

        Console.WriteLine($"load average at the end {ChildProcesses.LoadAverage()}");
        return soak.Errors == 0 && p99Flat && memoryFlat ? 0 : 1;
    }

    private static async Task<LoadResult> RunLoadAsync(SoakUser[] users, TimeSpan duration, TimeSpan pacing, Action<Minute>? onMinute)
    {
        var latencies = new ConcurrentBag<(long At, double Ms)>();
        var errors = new ConcurrentQueue<string>();
        var errorCount = 0;
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(duration);
        var minuteErrors = new int[(int)Math.Ceiling(duration.TotalMinutes) + 1];
        var workers = Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            var user = users[worker % users.Length];
            var random = new Random(worker);
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var started = clock.Elapsed;
                string? failure;
                try
                {
                    failure = await user.StepAsync(worker, worker / users.Length, n, random);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or JsonException)
                {
                    failure = $"{e.GetType().Name}: {e.Message}";
                }

                var elapsed = clock.Elapsed - started;
                latencies.Add(((long)started.TotalMinutes, elapsed.TotalMilliseconds));
                if (failure is not null)
                {
                    Interlocked.Increment(ref errorCount);
                    Interlocked.Increment(ref minuteErrors[Math.Min((int)started.TotalMinutes, minuteErrors.Length - 1)]);
                    if (errors.Count < 10)
                    {
                        errors.Enqueue($"{started.TotalSeconds:F1} s: {failure}");
                    }
                }

                if (pacing > elapsed && !stop.IsCancellationRequested)
                {
                    try
                    {
                        await Task.Delay(pacing - elapsed, stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
            }
        })).ToList();

        if (onMinute is not null)
        {
            for (var minute = 0; minute < duration.TotalMinutes; minute++)
            {
                var end = TimeSpan.FromMinutes(minute + 1);
                if (end > clock.Elapsed)
                {
                    await Task.Delay(end - clock.Elapsed);
                }

                var of = latencies.Where(l => l.At == minute).Select(l => l.Ms).Order().ToList();
                onMinute(new Minute(minute, of.Count, Percentile(of, 0.50), Percentile(of, 0.99), minuteErrors[minute], new Dictionary<string, long>()));
            }
        }

        await Task.WhenAll(workers);
        return new LoadResult(latencies.Count, errorCount, [.. errors]);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    /// <summary>
    /// Resident memory (VmRSS) of a process. PostgreSQL's is its postmaster's with its backends' own memory (RssAnon):
    /// their resident shared buffers are the postmaster's too, and summing those would count them once per backend.
    /// </summary>
    private static long Rss(string name, int pid) =>
        ChildProcesses.StatusBytes(pid, "VmRSS:") + (name == "postgres" ? Children(pid).Sum(child => ChildProcesses.StatusBytes(child, "RssAnon:")) : 0);

    private static List<int> Children(int pid)
    {
        var path = $"/proc/{pid}/task/{pid}/children";
        return File.Exists(path)
            ? [.. File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(c => int.Parse(c, CultureInfo.InvariantCulture))]
            : [];
    }

    private sealed record Minute(int Index, int Count, double P50, double P99, int Errors, Dictionary<string, long> Rss);

    private sealed record LoadResult(int Count, int Errors, List<string> Samples);

    /// <summary>
    /// One user with one project of <see cref="TasksPerProject"/> tasks, worked by two workers: reads of a task and of the
    /// board's column, moves, renames, the projects list, and a create whose task the same worker deletes at its next
    /// turn, so the project's size stays where it started.
    /// </summary>
    private sealed class SoakUser(HttpClient http, string token, string projectId, List<string> taskIds)
    {
        private static readonly string[] Statuses = ["todo", "in_progress", "done"];
        private readonly ConcurrentDictionary<int, string> _created = new();

        public static async Task<SoakUser> SignUpAsync(HttpClient http, int index)
        {
            var email = $"soak-{index}-{Guid.NewGuid():N}@example.com";
            (await http.PostAsJsonAsync("/auth/register", new { name = $"Soak {index}", email, password = "correct horse battery" })).EnsureSuccessStatusCode();
            var login = await http.PostAsJsonAsync("/auth/login", new { email, password = "correct horse battery" });
            var token = (await login.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
            var user = new SoakUser(http, token, "", []);
            var project = await user.SendAsync(HttpMethod.Post, "/api/projects", new { name = $"soak {index}" });
            var soaked = new SoakUser(http, token, project!.Value.GetProperty("id").GetString()!, []);
            for (var i = 0; i < TasksPerProject; i++)
            {
                var task = await soaked.SendAsync(HttpMethod.Post, $"/api/projects/{soaked.ProjectId}/tasks", new { title = $"seed {i}" });
                soaked.TaskIds.Add(task!.Value.GetProperty("id").GetString()!);
            }

            return soaked;
        }

        public string ProjectId => projectId;

        public List<string> TaskIds => taskIds;

        /// <summary>One request of the worker's round; null when it was answered 2xx, else what was wrong.</summary>
        public async Task<string?> StepAsync(int worker, int half, int n, Random random)
        {
            // Each of the user's two workers changes its own half of the tasks.
            var mine = taskIds.Where((_, i) => i % 2 == half).ToList();
            var taskId = mine[random.Next(mine.Count)];
            var task = $"/api/projects/{projectId}/tasks/{taskId}";
            switch (n % 8)
            {
                case 0 or 4:
                    return await CheckAsync(HttpMethod.Get, task, null);
                case 1:
                    return await CheckAsync(HttpMethod.Patch, task, new { status = Statuses[random.Next(Statuses.Length)] });
                case 2:
                    return await CheckAsync(HttpMethod.Patch, task, new { title = $"w{worker} n{n}" });
                case 3:
                    return await CheckAsync(HttpMethod.Get, $"/api/projects/{projectId}/tasks?status=todo&limit=50", null);
                case 5:
                    return await CheckAsync(HttpMethod.Get, "/api/projects", null);
                case 6:
                    var created = await SendAsync(HttpMethod.Post, $"/api/projects/{projectId}/tasks", new { title = $"w{worker} new {n}" });
                    _created[worker] = created!.Value.GetProperty("id").GetString()!;
                    return null;
                default:
                    return _created.TryRemove(worker, out var id) ? await CheckAsync(HttpMethod.Delete, $"/api/projects/{projectId}/tasks/{id}", null) : null;
            }
        }

        private async Task<string?> CheckAsync(HttpMethod method, string path, object? body)
        {
            using var response = await SendRawAsync(method, path, body);
            return response.IsSuccessStatusCode ? null : $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
        }

        private async Task<JsonElement?> SendAsync(HttpMethod method, string path, object? body)
        {
            using var response = await SendRawAsync(method, path, body);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }

        private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, object? body)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return await http.SendAsync(request);
        }
    }
}
