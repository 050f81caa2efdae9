using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Cumin.Testing;

namespace Cumin.Bench;

/// <summary>
/// The hub's part of `live`: SignalR connections watching projects, spread over the API instances, each change timed
/// from its PATCH's response to its <c>projectEvent</c> at every watcher; and what the fan-out costs the servers in CPU
/// (silo and API processes, read from /proc), the same changes with and without watchers side by side.
/// </summary>
internal static partial class LiveBenchmark
{
    /// <summary>A hub connection's cap per user and API instance is 20 (API.md): the watchers are spread over this many users.</summary>
    private const int WatcherUsers = 20;

    /// <summary>One change: the version it makes, when its PATCH was answered and, per watcher, when its event arrived.</summary>
    private sealed class Change(int version, int watchers, int waiting)
    {
        public int Version { get; } = version;

        public long Acknowledged { get; set; }

        public long[] Arrived { get; } = new long[watchers];

        public int Missing = waiting;
    }

    private static async Task<bool> HubAsync(List<Uri> apis, List<int> serverPids, int changes, int watchers, int projects)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = apis[0] };
        var owner = await SignInAsync(http);
        var users = new List<(string Email, string Token)>();
        for (var u = 0; u < WatcherUsers; u++)
        {
            users.Add(await RegisterAsync(http, $"Watcher {u}"));
        }

        Console.WriteLine();
        Console.WriteLine($"hub: {apis.Count} API instances, {watchers} WebSocket connections of {WatcherUsers} users spread over them; load average {ChildProcesses.LoadAverage()}");
        var one = await HubScenarioAsync(http, owner, users, apis, serverPids, changes, watchers, projects: 1);
        var many = await HubScenarioAsync(http, owner, users, apis, serverPids, changes, watchers, projects);
        var holds = one && many;
        Console.WriteLine($"aim hub p95 < 100 ms and p99 < 250 ms in both: {(holds ? "holds" : "missed")}");
        return holds;
    }

    /// <summary>
    /// <paramref name="watchers"/> connections over <paramref name="projects"/> projects (each watched by as many); rounds
    /// of one PATCH per project at once, each round waited for at every watcher before the next.
    /// </summary>
    private static async Task<bool> HubScenarioAsync(
        HttpClient http, string owner, List<(string Email, string Token)> users, List<Uri> apis, List<int> serverPids,
        int changes, int watchers, int projects)
    {
        var perProject = watchers / projects;
        var board = new List<(string ProjectId, string TaskId)>();
        var versions = new List<int>();
        for (var p = 0; p < projects; p++)
        {
            var projectId = (await PostAsync(http, "/api/projects", new { name = $"Live {projects}x{perProject} #{p}" }, owner)).GetProperty("id").GetString()!;
            var task = await PostAsync(http, $"/api/projects/{projectId}/tasks", new { title = "Watched" }, owner);
            board.Add((projectId, task.GetProperty("id").GetString()!));
            versions.Add(task.GetProperty("version").GetInt32());
        }

        // Each project's watchers are members, each of them a different user where there are enough.
        var members = new HashSet<(int Project, int User)>();
        var clients = new List<LiveClient>();
        var projectOfWatcher = new int[watchers];
        Change?[] current = new Change?[projects];
        for (var w = 0; w < watchers; w++)
        {
            // Watcher k of project p: a different user for each k (11 is prime to the 20 users), alternating instances.
            var p = w % projects;
            var k = w / projects;
            var u = (p + (k * 11)) % users.Count;
            if (members.Add((p, u)))
            {
                using var add = new HttpRequestMessage(HttpMethod.Post, $"/api/projects/{board[p].ProjectId}/members")
                {
                    Content = JsonContent.Create(new { email = users[u].Email, role = "viewer" }),
                };
                add.Headers.Authorization = new AuthenticationHeaderValue("Bearer", owner);
                (await http.SendAsync(add)).EnsureSuccessStatusCode();
            }

            var index = w;
            projectOfWatcher[w] = p;
            var instance = k % apis.Count;
            var client = await LiveClient.ConnectAsync(apis[instance], users[u].Token, e => Arrive(current, board, index, p, e));
            await client.WatchAsync(board[p].ProjectId);
            clients.Add(client);
        }

        try
        {
            // At least 10 rounds: the CPU figures need seconds of CPU to be more than the clock's ticks.
            var rounds = Math.Max(10, changes / projects);
            var known = versions.ToArray();
            // Warm-up: the first events of each project and host pay for the first subscription and JIT.
            await RoundsAsync(http, owner, board, known, current, projectOfWatcher, watchers, 5);
            var before = CpuNanoseconds(serverPids);
            var timed = await RoundsAsync(http, owner, board, known, current, projectOfWatcher, watchers, rounds);
            var withWatchers = CpuNanoseconds(serverPids) - before;

            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }

            clients.Clear();
            // The same changes with nobody watching: the hosts unsubscribe once their last watcher has gone.
            await Task.Delay(TimeSpan.FromSeconds(2));
            before = CpuNanoseconds(serverPids);
            await RoundsAsync(http, owner, board, known, current, projectOfWatcher, 0, rounds);
            var alone = CpuNanoseconds(serverPids) - before;

            var lags = timed.SelectMany(c => c.Arrived.Where(a => a != 0).Select(a => Math.Max(0, Stopwatch.GetElapsedTime(c.Acknowledged, a).TotalMilliseconds)))
                .Order().ToList();
            var early = timed.Sum(c => c.Arrived.Count(a => a != 0 && a < c.Acknowledged));
            var p95 = Pct(lags, 0.95);
            var p99 = Pct(lags, 0.99);
            var changeCount = timed.Count;
            var extraPerWatcher = (withWatchers - alone) / 1000.0 / changeCount / perProject;
            Console.WriteLine($"  {projects} project(s) x {perProject} watchers, {changeCount} changes ({lags.Count} events, {early} arrived before the PATCH's response, counted as 0):");
            Console.WriteLine($"    PATCH response -> projectEvent at each watcher: p50 {Pct(lags, 0.5):N1} ms   hub p95 {p95:N1} ms   hub p99 {p99:N1} ms   max {lags[^1]:N1} ms");
            Console.WriteLine(
                $"    server CPU per change: {withWatchers / 1000.0 / changeCount:N0} µs watched, {alone / 1000.0 / changeCount:N0} µs unwatched; " +
                $"extra CPU per change per watcher {extraPerWatcher:N1} µs   load average {ChildProcesses.LoadAverage()}");
            return p95 < 100 && p99 < 250;
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    /// <summary>An event for a watcher: the arrival of the change its project is waiting for (older or other ones ignored).</summary>
    private static void Arrive(Change?[] current, List<(string ProjectId, string TaskId)> board, int watcher, int project, JsonElement projectEvent)
    {
        var at = Stopwatch.GetTimestamp();
        if (projectEvent.GetProperty("type").GetString() != "task.updated" || current[project] is not { } change)
        {
            return;
        }

        var data = projectEvent.GetProperty("data");
        if (data.GetProperty("id").GetString() == board[project].TaskId && data.GetProperty("version").GetInt32() == change.Version
            && Interlocked.CompareExchange(ref change.Arrived[watcher], at, 0) == 0)
        {
            Interlocked.Decrement(ref change.Missing);
        }
    }

    /// <summary>Rounds of one PATCH per project at once; each change is waited for at its project's watchers.</summary>
    private static async Task<List<Change>> RoundsAsync(
        HttpClient http, string owner, List<(string ProjectId, string TaskId)> board, int[] versions, Change?[] current, int[] projectOfWatcher,
        int watchers, int rounds)
    {
        var all = new List<Change>();
        for (var round = 0; round < rounds; round++)
        {
            all.AddRange(await Task.WhenAll(board.Select(async (target, p) =>
            {
                // Only this benchmark writes the task, so its next version is known before the PATCH goes out, and an
                // event that beats the PATCH's response is recorded all the same.
                var change = new Change(++versions[p], watchers, projectOfWatcher.Take(watchers).Count(w => w == p));
                current[p] = change;
                using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/projects/{target.ProjectId}/tasks/{target.TaskId}")
                {
                    Content = JsonContent.Create(new { title = string.Create(CultureInfo.InvariantCulture, $"Watched {round} {Guid.NewGuid():N}") }),
                };
                patch.Headers.Authorization = new AuthenticationHeaderValue("Bearer", owner);
                using var response = await http.SendAsync(patch);
                change.Acknowledged = Stopwatch.GetTimestamp();
                var body = await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
                if (body.GetProperty("version").GetInt32() != change.Version)
                {
                    throw new InvalidOperationException("The watched task's version is not the one expected: another writer changed it.");
                }

                await WaitAsync(() => Volatile.Read(ref change.Missing) == 0, TimeSpan.FromSeconds(30));
                return change;
            })));
        }

        Array.Clear(current);
        return all;
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, string path, object body, string token)
    {
        using var post = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(post);
        return await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>
    /// CPU time the server processes (all their threads) have used so far, summed: /proc/PID/stat's utime and stime, in
    /// clock ticks of 10 ms, fine enough over the seconds of CPU a scenario costs.
    /// </summary>
    private static long CpuNanoseconds(List<int> pids) => pids.Sum(pid =>
    {
        var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // After the command's closing parenthesis: state is field 3 of stat(5), utime 14 and stime 15.
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10_000_000;
    });
}
