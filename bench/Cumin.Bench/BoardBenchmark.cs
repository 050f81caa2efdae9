using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Cumin.Grains.Board;
using Cumin.Tasks;

namespace Cumin.Bench;

/// <summary>
/// `board`: a 1,000-task project through the running API (CUMIN_API_URL), whose silo reaches DynamoDB Local through
/// the counting proxy (CUMIN_DYNAMODB_PROXY_URL):
/// board load time (every page of every column in rank order), list throughput against reading the same pages
/// straight from the board index, the move rate of 16 concurrent movers against the PATCH rate in the same run, the
/// storage calls per move, a member change after 20,000 stranger reads of random task ids (issue 12, finding 8),
/// GET /api/projects for a user of 1,000 projects, and the board's memory per task.
/// One file of about 400 lines: the seven scenarios share one stack, one project and its helpers, one method each.
/// </summary>
internal static class BoardBenchmark
{
    private static readonly string[] Columns = ["todo", "in_progress", "done"];

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var taskCount = Option(args, "--tasks", 1000);
        var concurrency = Option(args, "--movers", 16);
        var seconds = Option(args, "--seconds", 10);
        var loads = Option(args, "--loads", 50);
        var strangerReads = Option(args, "--stranger-reads", 20_000);
        var projects = Option(args, "--projects", 1000);
        var api = new Uri(Environment.GetEnvironmentVariable("CUMIN_API_URL") ?? "http://127.0.0.1:8080");
        var proxy = Environment.GetEnvironmentVariable("CUMIN_DYNAMODB_PROXY_URL") is { Length: > 0 } p ? new Uri(p) : null;
        var tasksTable = (Environment.GetEnvironmentVariable("Cumin__Tables__Prefix") ?? "cumin-") + TableNames.Tasks;
        var failures = 0;

        using var http = Client(api);
        var owner = await SignUpAsync(http, "Owner");
        var projectId = await CreateProjectAsync(owner, "Board");
        var board = await SeedAsync(owner, projectId, taskCount);
        Console.WriteLine($"board: one project of {taskCount} tasks ({string.Join(", ", Columns.Select(c => $"{board.Count(t => t.Status == c)} {c}"))}); {concurrency} concurrent movers, {seconds} s per phase");

        // -- board load: every page of the board in rank order, as a client loading the board does.
        for (var i = 0; i < 5; i++)
        {
            await LoadBoardAsync(owner, projectId);
        }

        var times = new List<double>();
        for (var i = 0; i < loads; i++)
        {
            var clock = Stopwatch.StartNew();
            var loaded = await LoadBoardAsync(owner, projectId);
            times.Add(clock.Elapsed.TotalMilliseconds);
            if (loaded != taskCount)
            {
                Console.WriteLine($"board load saw {loaded} tasks, not {taskCount}");
                failures++;
            }
        }

        times.Sort();
        var loadP50 = Pct(times, 0.5);
        Console.WriteLine($"board load, {taskCount} tasks in rank order, pages of 200: p50 {loadP50:F1} ms, p95 {Pct(times, 0.95):F1} ms, max {times[^1]:F1} ms ({loads} loads, one after another)");

        // -- list throughput: the same pages through the API (from the project's memory) and straight from the index.
        var listRounds = new List<(double Api, double Direct)>();
        using var dynamo = new AmazonDynamoDBClient();
        for (var round = 0; round < 3; round++)
        {
            var viaApi = await RateAsync(8, seconds, async () => await LoadBoardAsync(owner, projectId));
            var direct = await RateAsync(8, seconds, async () => await ReadIndexAsync(dynamo, tasksTable, projectId));
            listRounds.Add((viaApi, direct));
        }

        var (listApi, listDirect) = listRounds.OrderBy(r => r.Api / r.Direct).ElementAt(1);
        Console.WriteLine($"list throughput, 8 concurrent readers: API {listApi:N0} tasks/s, the board index read straight from DynamoDB {listDirect:N0} tasks/s: {listApi / listDirect:F1}x (rounds: {string.Join(", ", listRounds.Select(r => $"{r.Api / r.Direct:F1}x"))})");

        // -- moves against PATCHes, alternating, each mover on tasks of its own so no move is refused as stale.
        var owned = board.Select((task, i) => (task, i)).GroupBy(x => x.i % concurrency, x => x.task).Select(g => g.ToList()).ToList();
        var patchRates = new List<double>();
        var moveRates = new List<double>();
        long moves = 0;
        long moveCalls = 0;
        // Where each mover's tasks are now, kept across rounds: a round that started from the seeded columns named stale neighbours.
        var columns = owned.Select(tasks => tasks.ToDictionary(t => t.Id, t => t.Status)).ToList();
        for (var round = 0; round < 2; round++)
        {
            patchRates.Add(await RateAsync(concurrency, seconds, PatchOne(owner, projectId, owned)));
            var before = proxy is null ? null : await DynamoDBCountingProxy.CountsAsync(proxy);
            var counter = new StrongBox<long>();
            moveRates.Add(await RateAsync(concurrency, seconds, MoveOne(owner, projectId, columns, counter)));
            moves += counter.Value;
            if (proxy is not null)
            {
                var after = await DynamoDBCountingProxy.CountsAsync(proxy);
                moveCalls += after.Sum(c => c.Value) - before!.Sum(c => c.Value);
            }
        }

        var patchRate = patchRates.Average();
        var moveRate = moveRates.Average();
        Console.WriteLine($"PATCH rate {patchRate:N0}/s (rounds {string.Join(", ", patchRates.Select(r => r.ToString("N0", CultureInfo.InvariantCulture)))}), move rate {moveRate:N0}/s (rounds {string.Join(", ", moveRates.Select(r => r.ToString("N0", CultureInfo.InvariantCulture)))}): moves at {moveRate / patchRate:P0} of PATCHes");
        var callsPerMove = moves > 0 ? (double)moveCalls / moves : double.NaN;
        Console.WriteLine(proxy is null
            ? "storage calls per move: not measured (no CUMIN_DYNAMODB_PROXY_URL)"
            : $"storage calls per move: {callsPerMove:F2} ({moveCalls:N0} DynamoDB requests of the silo for {moves:N0} moves, in columns of ~{taskCount / 3} tasks; ranks respread around crowded spots included)");
        var column = await ColumnRanksAsync(owner, projectId);
        var longest = column.Max(r => r.Length);
        Console.WriteLine($"ranks after {moves:N0} moves: longest {longest} characters, {column.Count} tasks, all distinct: {column.Distinct(StringComparer.Ordinal).Count() == column.Count}");

        // -- a flood of 404s leaves nothing behind: the owner's next member change is as quick as before it.
        var quietChange = await MemberChangeAsync(http, owner, projectId);
        var stranger = await SignUpAsync(http, "Stranger");
        var ids = new Cumin.Primitives.SortableId(TimeProvider.System);
        var notFound = 0L;
        var flood = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 32).Select(async worker =>
        {
            for (var i = worker; i < strangerReads; i += 32)
            {
                using var response = await stranger.GetAsync($"/api/projects/{projectId}/tasks/{ids.Next()}");
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    Interlocked.Increment(ref notFound);
                }
            }
        }));
        flood.Stop();
        var afterFlood = await MemberChangeAsync(http, owner, projectId);
        Console.WriteLine($"{strangerReads:N0} GETs of random task ids by a non-member: {notFound:N0} answered 404 in {flood.Elapsed.TotalSeconds:F1} s; the owner's next member change {afterFlood:F0} ms (before the flood {quietChange:F0} ms)");

        // -- GET /api/projects for a user of 1,000 projects.
        var member = await SignUpAsync(http, "Many");
        var listTimes = await ManyProjectsAsync(member, projects);
        Console.WriteLine($"GET /api/projects of a user in {projects:N0} projects: first {listTimes[0]:F0} ms, then p50 {Pct([.. listTimes.Skip(1).Order()], 0.5):F0} ms");

        // -- memory per task of a board (in this process, the structure the project keeps).
        var (perTask, described) = MemoryPerTask(100_000);
        Console.WriteLine($"board memory: {perTask:N0} bytes per task (100,000 tasks, 30-character titles, 2 labels, an assignee, no description); with a 120-character description {described:N0} bytes; a 100,000-task board {perTask * 100_000 / 1048576.0:N0}-{described * 100_000 / 1048576.0:N0} MiB");

        Console.WriteLine($"aim board load p50 < 150 ms: {(loadP50 < 150 ? "holds" : "missed")}");
        Console.WriteLine($"aim list throughput >= 5x the board index read straight: {(listApi / listDirect >= 5 ? "holds" : "missed")}");
        Console.WriteLine($"aim move rate >= 80% of the PATCH rate: {(moveRate >= 0.8 * patchRate ? "holds" : "missed")}");
        Console.WriteLine($"aim storage calls per move a handful, independent of the column: {(callsPerMove <= 3 ? "holds" : "missed")}");
        Console.WriteLine($"aim member change after 20,000 stranger reads < 200 ms: {(afterFlood < 200 ? "holds" : "missed")}");
        Console.WriteLine($"aim GET /api/projects of 1,000 projects well under a second: {(listTimes.Skip(1).Order().ElementAt(listTimes.Count / 2) < 500 ? "holds" : "missed")}");
        return failures == 0 ? 0 : 1;
    }

    private sealed record SeededTask(string Id, string Status);

    private sealed class StrongBox<T>
    {
        public T Value = default!;
    }

    private static async Task<List<SeededTask>> SeedAsync(HttpClient owner, string projectId, int count)
    {
        var labels = new List<string>();
        foreach (var (name, color) in new[] { ("Herbs", "#22aa44"), ("Pots", "#aa4422") })
        {
            var label = await Read(await owner.PostAsJsonAsync($"/api/projects/{projectId}/labels", new { name, color }));
            labels.Add(label.GetProperty("id").GetString()!);
        }

        var tasks = new ConcurrentBag<SeededTask>();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async worker =>
        {
            for (var i = worker; i < count; i += 16)
            {
                var status = Columns[i * 10 / count < 4 ? 0 : i * 10 / count < 7 ? 1 : 2];
                var task = await Read(await owner.PostAsJsonAsync($"/api/projects/{projectId}/tasks", new
                {
                    title = $"Task {i} of the board benchmark",
                    description = "Collect the numbers from every team and write the summary for the weekly review.",
                    status,
                    labelIds = i % 2 == 0 ? labels : [],
                    dueDate = i % 3 == 0 ? "2026-12-24" : null,
                }));
                tasks.Add(new SeededTask(task.GetProperty("id").GetString()!, status));
            }
        }));
        return [.. tasks.OrderBy(t => t.Id, StringComparer.Ordinal)];
    }

    /// <summary>Every page of the board in rank order; returns how many tasks it held.</summary>
    private static async Task<int> LoadBoardAsync(HttpClient client, string projectId)
    {
        var count = 0;
        string? cursor = null;
        do
        {
            using var response = await client.GetAsync($"/api/projects/{projectId}/tasks?order=rank&limit=200" + (cursor is null ? "" : $"&cursor={cursor}"));
            response.EnsureSuccessStatusCode();
            using var page = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
            count += page.RootElement.GetProperty("items").GetArrayLength();
            cursor = page.RootElement.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        return count;
    }

    /// <summary>The same board, pages of 200, straight from the board index (what every list did before the board lived in memory).</summary>
    private static async Task<int> ReadIndexAsync(AmazonDynamoDBClient dynamo, string table, string projectId)
    {
        var count = 0;
        var request = new QueryRequest
        {
            TableName = table,
            IndexName = TaskIndexes.Board,
            ConsistentRead = true,
            KeyConditionExpression = "pk = :pk",
            ExpressionAttributeValues = new() { [":pk"] = new AttributeValue { S = projectId } },
            Limit = 200,
        };
        do
        {
            var page = await dynamo.QueryAsync(request);
            count += page.Items.Count;
            request.ExclusiveStartKey = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (request.ExclusiveStartKey is not null);

        return count;
    }

    private static Func<Task<int>> PatchOne(HttpClient owner, string projectId, List<List<SeededTask>> owned)
    {
        var n = 0;
        return async () =>
        {
            var i = Interlocked.Increment(ref n);
            var mine = owned[i % owned.Count];
            var task = mine[(i / owned.Count) % mine.Count];
            using var response = await owner.PatchAsync($"/api/projects/{projectId}/tasks/{task.Id}", JsonContent.Create(new { title = $"renamed {i}" }));
            response.EnsureSuccessStatusCode();
            return 1;
        };
    }

    /// <summary>
    /// Each mover works on its own tasks, whose columns only it changes, so it always names a neighbour in the right
    /// column: half the moves within a column, half into another, after a neighbour, before one, or to the end.
    /// </summary>
    private static Func<Task<int>> MoveOne(HttpClient owner, string projectId, List<Dictionary<string, string>> columns, StrongBox<long> moves)
    {
        var n = 0;
        var locks = columns.Select(_ => new SemaphoreSlim(1)).ToList();
        return async () =>
        {
            var i = Interlocked.Increment(ref n);
            var slot = i % columns.Count;
            await locks[slot].WaitAsync();
            try
            {
                var mine = columns[slot];
                var random = new Random(i);
                var taskId = mine.Keys.ElementAt(random.Next(mine.Count));
                var status = random.Next(2) == 0 ? mine[taskId] : Columns[random.Next(3)];
                var neighbours = mine.Where(t => t.Value == status && t.Key != taskId).Select(t => t.Key).ToList();
                object body = neighbours.Count == 0 || random.Next(3) == 0
                    ? new { status }
                    : random.Next(2) == 0
                        ? new { status, afterId = neighbours[random.Next(neighbours.Count)] }
                        : new { status, beforeId = neighbours[random.Next(neighbours.Count)] };
                using var response = await owner.PostAsJsonAsync($"/api/projects/{projectId}/tasks/{taskId}/move", body);
                response.EnsureSuccessStatusCode();
                mine[taskId] = status;
                Interlocked.Increment(ref moves.Value);
                return 1;
            }
            finally
            {
                locks[slot].Release();
            }
        };
    }

    private static async Task<List<string>> ColumnRanksAsync(HttpClient client, string projectId)
    {
        var ranks = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Read(await client.GetAsync($"/api/projects/{projectId}/tasks?status=todo&order=rank&limit=200" + (cursor is null ? "" : $"&cursor={cursor}")));
            ranks.AddRange(page.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("rank").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        return ranks;
    }

    /// <summary>The time of one member change (a new user added), the project telling every watching task grain before it answers.</summary>
    private static async Task<double> MemberChangeAsync(HttpClient anonymous, HttpClient owner, string projectId)
    {
        var email = $"member-{Guid.NewGuid():N}@example.com";
        (await anonymous.PostAsJsonAsync("/auth/register", new { name = "Member", email, password = "benchmark-password" })).EnsureSuccessStatusCode();
        var clock = Stopwatch.StartNew();
        (await owner.PostAsJsonAsync($"/api/projects/{projectId}/members", new { email, role = "viewer" })).EnsureSuccessStatusCode();
        return clock.Elapsed.TotalMilliseconds;
    }

    private static async Task<List<double>> ManyProjectsAsync(HttpClient member, int count)
    {
        for (var i = 0; i < count; i++)
        {
            (await member.PostAsJsonAsync("/api/projects", new { name = $"Project {i}" })).EnsureSuccessStatusCode();
        }

        var times = new List<double>();
        for (var i = 0; i < 11; i++)
        {
            var clock = Stopwatch.StartNew();
            var list = await Read(await member.GetAsync("/api/projects"));
            times.Add(clock.Elapsed.TotalMilliseconds);
            if (list.GetProperty("items").GetArrayLength() != count)
            {
                throw new InvalidOperationException($"GET /api/projects listed {list.GetProperty("items").GetArrayLength()} projects, not {count}");
            }
        }

        return times;
    }

    /// <summary>The managed heap a board of <paramref name="count"/> tasks holds, per task, without and with descriptions.</summary>
    private static (double Plain, double Described) MemoryPerTask(int count)
    {
        double Measure(string? description)
        {
            var users = Enumerable.Range(0, 20).Select(i => $"01JUSER{i:D19}").ToList();
            var labels = Enumerable.Range(0, 10).Select(i => $"01JLABEL{i:D18}").ToList();
            var ids = new Cumin.Primitives.SortableId(TimeProvider.System);
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var board = new TaskBoard();
            for (var i = 0; i < count; i++)
            {
                var id = ids.Next();
                var status = (TaskItemStatus)(i % 3);
                var rank = board.Place(id, status, null, null).Rank!;
                // Each task as it comes from storage: strings of its own, which the board shares where it can.
                board.Apply(id, new TaskItem(id, new string("01JPROJECT0000000000000000"), $"Task {i:D6} of the memory benchmark", description is null ? null : new string(description),
                    status, TaskPriority.Medium, new string(users[i % 20]), null, [new string(labels[i % 10]), new string(labels[(i + 1) % 10])], rank, 0,
                    DateTimeOffset.UtcNow, new string(users[0]), DateTimeOffset.UtcNow, new string(users[1]), 1));
            }

            var after = GC.GetTotalMemory(forceFullCollection: true);
            GC.KeepAlive(board);
            return (after - before) / (double)count;
        }

        return (Measure(null), Measure(new string('d', 120)));
    }

    /// <summary>Operations per second of <paramref name="concurrency"/> workers repeating <paramref name="operation"/> (which returns its item count).</summary>
    private static async Task<double> RateAsync(int concurrency, int seconds, Func<Task<int>> operation)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        long items = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                Interlocked.Add(ref items, await operation());
            }
        }));
        return items / clock.Elapsed.TotalSeconds;
    }

    private static HttpClient Client(Uri api) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromMinutes(10) }) { BaseAddress = api };

    private static async Task<HttpClient> SignUpAsync(HttpClient anonymous, string name)
    {
        var email = $"{name.ToLowerInvariant()}-{Guid.NewGuid():N}@example.com";
        (await anonymous.PostAsJsonAsync("/auth/register", new { name, email, password = "benchmark-password" })).EnsureSuccessStatusCode();
        var login = await Read(await anonymous.PostAsJsonAsync("/auth/login", new { email, password = "benchmark-password" }));
        var client = Client(anonymous.BaseAddress!);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("accessToken").GetString());
        return client;
    }

    private static async Task<string> CreateProjectAsync(HttpClient owner, string name) =>
        (await Read(await owner.PostAsJsonAsync("/api/projects", new { name }))).GetProperty("id").GetString()!;

    private static async Task<JsonElement> Read(HttpResponseMessage response)
    {
        using (response)
        {
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).Clone();
        }
    }

    private static double Pct(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1))];

    private static int Option(IReadOnlyList<string> args, string name, int fallback)
    {
        var at = args.ToList().IndexOf(name);
        return at >= 0 && at + 1 < args.Count ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
