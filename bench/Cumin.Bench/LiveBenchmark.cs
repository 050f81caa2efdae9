using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Cumin.Bench;

/// <summary>
/// `live`: how soon others hear of a change. <see cref="WebhookLagAsync"/>: from a change's response to its webhook
/// delivery at a receiver (the path PATCH → DynamoDB → Streams → the runner → WebhookEventFunction → SQS →
/// WebhookDeliveryFunction → POST). The hub's part is in LiveBenchmark.Hub.cs.
/// </summary>
internal static partial class LiveBenchmark
{
    private static readonly string[] CreatedOnly = ["task.created"];

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var api = new Uri(Environment.GetEnvironmentVariable("CUMIN_API_URL") ?? "http://127.0.0.1:8080");
        // scripts/bench.sh starts a second API instance for the hub's part and names the server processes to measure.
        var apis = new List<Uri> { api };
        if (Environment.GetEnvironmentVariable("CUMIN_API_URL_2") is { Length: > 0 } second)
        {
            apis.Add(new Uri(second));
        }

        var pids = (Environment.GetEnvironmentVariable("CUMIN_BENCH_SERVER_PIDS") ?? string.Empty)
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
        var hubOk = await HubAsync(apis, pids, Option(args, "--hub-changes", 200), Option(args, "--watchers", 200), Option(args, "--projects", 50));
        var webhookOk = await WebhookLagAsync(api, Option(args, "--webhook-changes", 200), Option(args, "--webhook-projects", 10));
        return hubOk && webhookOk ? 0 : 1;
    }

    /// <summary>
    /// <paramref name="projects"/> projects with a webhook each to one receiver in this process; <paramref name="changes"/>
    /// task creations spread over them, one at a time per project, each timed from its 201 to its delivery's arrival.
    /// </summary>
    private static async Task<bool> WebhookLagAsync(Uri api, int changes, int projects)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 32 }) { BaseAddress = api };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await SignInAsync(http));
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var arrived = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var receiving = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                var at = Stopwatch.GetTimestamp();
                using (var reader = new StreamReader(context.Request.InputStream))
                {
                    var body = JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement;
                    if (body.GetProperty("type").GetString() == "task.created")
                    {
                        arrived.TryAdd(body.GetProperty("data").GetProperty("title").GetString()!, at);
                    }
                }

                context.Response.StatusCode = 204;
                context.Response.Close();
            }
        });

        var ids = new List<string>();
        for (var p = 0; p < projects; p++)
        {
            var project = await (await http.PostAsJsonAsync("/api/projects", new { name = $"Webhooks {p}" })).EnsureSuccessStatusCode()
                .Content.ReadFromJsonAsync<JsonElement>();
            var id = project.GetProperty("id").GetString()!;
            (await http.PostAsJsonAsync($"/api/projects/{id}/webhooks", new { url = $"http://127.0.0.1:{port}/hook/{p}", events = CreatedOnly }))
                .EnsureSuccessStatusCode();
            ids.Add(id);
        }

        Console.WriteLine($"webhooks: {projects} projects with a webhook each, {changes} task creations, each timed from its 201 to its delivery");
        // Warm-up: the first delivery of each project pays for the functions' first calls.
        await Task.WhenAll(ids.Select(id => http.PostAsJsonAsync($"/api/projects/{id}/tasks", new { title = $"warm-up {id}" })));
        await WaitAsync(() => ids.All(id => arrived.ContainsKey($"warm-up {id}")), TimeSpan.FromMinutes(2));

        var lags = new ConcurrentBag<double>();
        var perProject = Math.Max(1, changes / projects);
        await Task.WhenAll(ids.Select(async id =>
        {
            for (var n = 0; n < perProject; n++)
            {
                var title = $"{id} {n}";
                (await http.PostAsJsonAsync($"/api/projects/{id}/tasks", new { title })).EnsureSuccessStatusCode();
                var acknowledged = Stopwatch.GetTimestamp();
                await WaitAsync(() => arrived.ContainsKey(title), TimeSpan.FromSeconds(60));
                lags.Add(Stopwatch.GetElapsedTime(acknowledged, arrived[title]).TotalMilliseconds);
            }
        }));
        listener.Stop();
        await receiving;

        var sorted = lags.Order().ToList();
        var p95 = Pct(sorted, 0.95);
        Console.WriteLine();
        Console.WriteLine($"webhook delivery lag, task created (201) -> delivery at the receiver ({sorted.Count} changes):");
        Console.WriteLine($"  p50 {Pct(sorted, 0.50):N0} ms   webhook delivery lag p95 {p95:N0} ms   max {sorted[^1]:N0} ms");
        Console.WriteLine($"  load average at the end: {ChildProcesses.LoadAverage()}");
        Console.WriteLine($"aim webhook delivery lag p95 < 2 s: {(p95 < 2000 ? "holds" : "missed")}");
        return p95 < 2000;
    }

    private static async Task WaitAsync(Func<bool> done, TimeSpan limit)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        while (!done())
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"not within {limit}");
            }

            await Task.Delay(2);
        }
    }

    /// <summary>A new user's access token.</summary>
    private static async Task<string> SignInAsync(HttpClient http) => (await RegisterAsync(http, "Live")).Token;

    private static async Task<(string Email, string Token)> RegisterAsync(HttpClient http, string name)
    {
        var email = $"live-{Guid.NewGuid():N}@example.com";
        (await http.PostAsJsonAsync("/auth/register", new { name, email, password = "benchmark-password" })).EnsureSuccessStatusCode();
        var login = await (await http.PostAsJsonAsync("/auth/login", new { email, password = "benchmark-password" })).EnsureSuccessStatusCode()
            .Content.ReadFromJsonAsync<JsonElement>();
        return (email, login.GetProperty("accessToken").GetString()!);
    }

    private static int FreePort()
    {
        using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private static double Pct(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static int Option(IReadOnlyList<string> args, string name, int fallback)
    {
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (args[i] == name)
            {
                return int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return fallback;
    }
}
