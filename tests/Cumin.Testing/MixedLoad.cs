using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Cumin.Testing;

/// <summary>
/// A steady mixed load on one project through the API, as a few users' clients make it: task reads, creates, status and
/// title changes, and the projects list. Every answer is classified (2xx; 503 with <c>Retry-After</c>; anything else,
/// a reset or a wait past <see cref="Patience"/> is a failure) and every acknowledged write is remembered, so that after
/// a fault <see cref="VerifyAsync"/> can check that none was lost and that the aggregated counts are exact.
/// </summary>
/// <remarks>
/// Each worker owns its tasks and changes each one at a time, so the last acknowledged write of a task is known. A
/// change that was not acknowledged may or may not have been stored (a reset after DynamoDB took it), so a task may
/// be found at a later version than its last acknowledged one, never an earlier one.
/// </remarks>
public sealed class MixedLoad : IDisposable
{
    public static readonly string[] Statuses = ["todo", "in_progress", "done"];

    /// <summary>An answer slower than this is a hang, which counts as a failure.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;
    private readonly ConcurrentDictionary<string, Acknowledged> _tasks = new();
    private readonly ConcurrentQueue<Answer> _answers = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly int _workers;

    private MixedLoad(HttpClient http, string projectId, int workers, string accessToken)
    {
        _http = http;
        ProjectId = projectId;
        _workers = workers;
        AccessToken = accessToken;
    }

    public string ProjectId { get; }

    /// <summary>The load's user's access token (for a <see cref="NotificationClient"/> of the same user).</summary>
    public string AccessToken { get; }

    /// <summary>Every answer so far, in the order they arrived.</summary>
    public IReadOnlyList<Answer> Answers => [.. _answers];

    /// <summary>Seconds since the load was made, the clock of <see cref="Answer.At"/>.</summary>
    public double Now => _clock.Elapsed.TotalSeconds;

    /// <summary>Signs up a user through <paramref name="api"/>, makes a project with <paramref name="tasks"/> tasks.</summary>
    public static async Task<MixedLoad> StartAsync(Uri api, int workers = 4, int tasks = 24)
    {
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
        {
            BaseAddress = api,
            Timeout = Patience,
        };
        var email = $"load-{Guid.NewGuid():N}@example.com";
        (await http.PostAsJsonAsync("/auth/register", new { name = "Load", email, password = "correct horse battery" })).EnsureSuccessStatusCode();
        var login = await http.PostAsJsonAsync("/auth/login", new { email, password = "correct horse battery" });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var project = await http.PostAsJsonAsync("/api/projects", new { name = "under load" });
        project.EnsureSuccessStatusCode();
        var load = new MixedLoad(http, (await project.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!, workers, token);
        for (var i = 0; i < tasks; i++)
        {
            var created = await http.PostAsJsonAsync($"/api/projects/{load.ProjectId}/tasks", new { title = $"seed {i}" });
            created.EnsureSuccessStatusCode();
            load.Remember(i % workers, await created.Content.ReadFromJsonAsync<JsonElement>());
        }

        return load;
    }

    /// <summary>Runs the workers until <paramref name="stop"/>; each waits <paramref name="pause"/> between its requests.</summary>
    public Task RunAsync(CancellationToken stop, TimeSpan? pause = null) =>
        Task.WhenAll(Enumerable.Range(0, _workers).Select(worker => WorkAsync(worker, pause ?? TimeSpan.FromMilliseconds(20), stop)));

    private async Task WorkAsync(int worker, TimeSpan pause, CancellationToken stop)
    {
        var random = new Random(worker);
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var mine = _tasks.Where(t => t.Value.Worker == worker).Select(t => t.Key).ToList();
            var taskId = mine[random.Next(mine.Count)];
            var url = $"/api/projects/{ProjectId}/tasks/{taskId}";
            switch (n % 6)
            {
                case 0 or 3:
                    await SendAsync("read", () => _http.GetAsync(url), null);
                    break;
                case 1:
                    var next = Statuses[(Array.IndexOf(Statuses, _tasks[taskId].Status) + 1) % Statuses.Length];
                    await SendAsync("move", () => _http.PatchAsJsonAsync(url, new { status = next }), body => Remember(worker, body));
                    break;
                case 2:
                    await SendAsync("rename", () => _http.PatchAsJsonAsync(url, new { title = $"w{worker} n{n}" }), body => Remember(worker, body));
                    break;
                case 4:
                    await SendAsync("create", () => _http.PostAsJsonAsync($"/api/projects/{ProjectId}/tasks", new { title = $"w{worker} new {n}" }), body => Remember(worker, body));
                    break;
                default:
                    await SendAsync("projects", () => _http.GetAsync("/api/projects"), null);
                    break;
            }

            try
            {
                await Task.Delay(pause, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Until <paramref name="stop"/>: reads every task the load knows, <paramref name="parallel"/> at a time, again and
    /// again (answers of kind <c>sweep</c>), so that after a fault every task, wherever its grain was, is asked for.
    /// </summary>
    public async Task SweepAsync(CancellationToken stop, int parallel = 4)
    {
        while (!stop.IsCancellationRequested)
        {
            await Parallel.ForEachAsync(
                _tasks.Keys.ToList(),
                new ParallelOptions { MaxDegreeOfParallelism = parallel },
                async (taskId, _) => await SendAsync("sweep", () => _http.GetAsync($"/api/projects/{ProjectId}/tasks/{taskId}"), null));
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task SendAsync(string kind, Func<Task<HttpResponseMessage>> send, Action<JsonElement>? acknowledge)
    {
        var started = Now;
        Outcome outcome;
        int status = 0;
        string? detail = null;
        bool? countsNull = null;
        try
        {
            using var response = await send();
            status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode)
            {
                outcome = Outcome.Ok;
                var body = JsonDocument.Parse(text).RootElement;
                acknowledge?.Invoke(body);
                if (kind == "projects")
                {
                    countsNull = body.GetProperty("items").EnumerateArray()
                        .Any(p => p.GetProperty("id").GetString() == ProjectId && p.GetProperty("counts").ValueKind == JsonValueKind.Null);
                }
            }
            else if (response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is not null)
            {
                outcome = Outcome.Unavailable;
            }
            else
            {
                outcome = Outcome.Failed;
                detail = text.Length > 300 ? text[..300] : text;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or JsonException)
        {
            outcome = Outcome.Failed;
            detail = e is TaskCanceledException ? $"no answer within {Patience.TotalSeconds:0} s" : $"{e.GetType().Name}: {e.Message}";
        }

        _answers.Enqueue(new Answer(kind, started, Now - started, outcome, status, detail, countsNull));
    }

    private void Remember(int worker, JsonElement task)
    {
        var id = task.GetProperty("id").GetString()!;
        var acknowledged = new Acknowledged(
            worker, task.GetProperty("title").GetString()!, task.GetProperty("status").GetString()!, task.GetProperty("version").GetInt64());
        _tasks.AddOrUpdate(id, acknowledged, (_, old) => acknowledged.Version > old.Version ? acknowledged : old);
    }

    /// <summary>
    /// After the load: every acknowledged task is there, none older than its last acknowledged write, and the counts in
    /// <c>GET /api/projects</c> come to the tasks' real statuses within <paramref name="settle"/>. Returns the counts'
    /// time to settle; throws, naming the task, when something was lost.
    /// </summary>
    public async Task<TimeSpan> VerifyAsync(TimeSpan settle)
    {
        var real = new Dictionary<string, string>();
        foreach (var (taskId, acknowledged) in _tasks)
        {
            var response = await RetryAsync(() => _http.GetAsync($"/api/projects/{ProjectId}/tasks/{taskId}"), settle);
            var task = await response.Content.ReadFromJsonAsync<JsonElement>();
            var version = task.GetProperty("version").GetInt64();
            if (version < acknowledged.Version
                || (version == acknowledged.Version
                    && (task.GetProperty("title").GetString() != acknowledged.Title || task.GetProperty("status").GetString() != acknowledged.Status)))
            {
                throw new InvalidOperationException(
                    $"task {taskId}: acknowledged at version {acknowledged.Version} ({acknowledged.Title}, {acknowledged.Status}), " +
                    $"found at version {version} ({task.GetProperty("title")}, {task.GetProperty("status")}): an acknowledged write was lost");
            }

            real[taskId] = task.GetProperty("status").GetString()!;
        }

        // Tasks created by a request whose answer was lost are real too: the list is the truth for the counts.
        var listed = await ListStatusesAsync(settle);
        var missing = real.Keys.Except(listed.Keys).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"acknowledged tasks missing from the list: {string.Join(", ", missing)}");
        }

        var expected = Statuses.Select(s => (long)listed.Values.Count(v => v == s)).ToArray();
        var clock = Stopwatch.StartNew();
        long[]? seen = null;
        while (clock.Elapsed < settle)
        {
            seen = await CountsAsync();
            if (seen is not null && seen.SequenceEqual(expected))
            {
                return clock.Elapsed;
            }

            await Task.Delay(200);
        }

        throw new InvalidOperationException(
            $"counts did not settle within {settle}: expected {string.Join("/", expected)} (todo/in progress/done), " +
            $"last seen {(seen is null ? "null" : string.Join("/", seen))}");
    }

    private async Task<Dictionary<string, string>> ListStatusesAsync(TimeSpan settle)
    {
        var statuses = new Dictionary<string, string>();
        string? cursor = null;
        do
        {
            var page = await RetryAsync(() => _http.GetAsync($"/api/projects/{ProjectId}/tasks?limit=100{(cursor is null ? "" : "&cursor=" + cursor)}"), settle);
            var body = await page.Content.ReadFromJsonAsync<JsonElement>();
            foreach (var task in body.GetProperty("items").EnumerateArray())
            {
                statuses[task.GetProperty("id").GetString()!] = task.GetProperty("status").GetString()!;
            }

            cursor = body.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        return statuses;
    }

    /// <summary>This project's counts (todo, in progress, done) in GET /api/projects; null when the answer had none.</summary>
    public async Task<long[]?> CountsAsync()
    {
        using var response = await _http.GetAsync("/api/projects");
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var project = body.GetProperty("items").EnumerateArray().Single(p => p.GetProperty("id").GetString() == ProjectId);
        var counts = project.GetProperty("counts");
        return counts.ValueKind == JsonValueKind.Null
            ? null
            : [counts.GetProperty("todo").GetInt64(), counts.GetProperty("inProgress").GetInt64(), counts.GetProperty("done").GetInt64()];
    }

    /// <summary>Asks for an export of the project: the answer's status, and the export's id when it was accepted (202).</summary>
    public async Task<(int Status, string? ExportId)> ExportAsync()
    {
        try
        {
            using var response = await _http.PostAsync($"/api/projects/{ProjectId}/exports", null);
            return response.StatusCode == HttpStatusCode.Accepted
                ? ((int)response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString())
                : ((int)response.StatusCode, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (0, null);
        }
    }

    /// <summary>An export's status (<c>pending</c>, <c>running</c>, <c>done</c>, <c>failed</c>); null when it could not be read.</summary>
    public async Task<string?> ExportStatusAsync(string exportId)
    {
        try
        {
            using var response = await _http.GetAsync($"/api/exports/{exportId}");
            return response.IsSuccessStatusCode
                ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString()
                : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private static async Task<HttpResponseMessage> RetryAsync(Func<Task<HttpResponseMessage>> send, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var response = await send();
                if (response.IsSuccessStatusCode || clock.Elapsed > within)
                {
                    return response.EnsureSuccessStatusCode();
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && clock.Elapsed < within)
            {
            }

            await Task.Delay(200);
        }
    }

    public void Dispose() => _http.Dispose();

    public enum Outcome
    {
        Ok,
        Unavailable,
        Failed,
    }

    /// <summary>One answer: what was asked, when (seconds on the load's clock), how long it took, and what came back.</summary>
    public sealed record Answer(string Kind, double At, double Seconds, Outcome Outcome, int Status, string? Detail, bool? CountsNull);

    private sealed record Acknowledged(int Worker, string Title, string Status, long Version);
}

/// <summary>What a stretch of a <see cref="MixedLoad"/> showed, for assertions and for the benchmarks' printed figures.</summary>
public sealed record LoadSummary(int Ok, int Unavailable, int Failed, IReadOnlyList<MixedLoad.Answer> Failures, double? LastNotOkAfter)
{
    /// <summary>
    /// The answers of requests that started within [<paramref name="from"/>, <paramref name="to"/>); LastNotOkAfter is
    /// how long after <paramref name="since"/> the last answer that was not 2xx started (null: none was).
    /// </summary>
    public static LoadSummary Of(IReadOnlyList<MixedLoad.Answer> answers, double from = 0, double to = double.MaxValue, double since = 0)
    {
        var window = answers.Where(a => a.At >= from && a.At < to).ToList();
        var failures = window.Where(a => a.Outcome == MixedLoad.Outcome.Failed).ToList();
        var lastNotOk = window.Where(a => a.Outcome != MixedLoad.Outcome.Ok && a.At >= since).Select(a => a.At - since).DefaultIfEmpty(double.NaN).Max();
        return new LoadSummary(
            window.Count(a => a.Outcome == MixedLoad.Outcome.Ok),
            window.Count(a => a.Outcome == MixedLoad.Outcome.Unavailable),
            failures.Count,
            failures,
            double.IsNaN(lastNotOk) ? null : lastNotOk);
    }

    public override string ToString() =>
        $"{Ok} answered 2xx, {Unavailable} 503 with Retry-After, {Failed} failed" +
        (Failures.Count > 0 ? $" (first: {Failures[0].Kind} {Failures[0].Status} {Failures[0].Detail})" : "");
}
