using System.Diagnostics;
using System.Globalization;
using Cumin.Testing;

namespace Cumin.Bench;

/// <summary>
/// `faults`: dependencies and the runner failing under a steady mixed load (<see cref="MixedLoad"/>) against the programs
/// scripts/bench.sh started on a stack that keeps its data (DynamoDB Local with -dbPath, fauxqs and PostgreSQL on disk).
/// Each case stops something for real, starts it again, classifies every answer and checks every acknowledged write and
/// the counts afterwards, and prints what it measured.
/// </summary>
internal static partial class FaultsBenchmark
{
    private static readonly string[] Cases = ["dynamodb", "postgres", "fauxqs", "runner", "silo-kill", "rolling", "api-kill"];

    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var api = new Uri(Environment.GetEnvironmentVariable("CUMIN_API_URL") ?? throw new InvalidOperationException("CUMIN_API_URL is not set: run make bench BENCH=faults"));
        var failed = 0;
        foreach (var name in args.Count > 0 ? args : Cases)
        {
            Console.WriteLine($"faults: {name} (load average {ChildProcesses.LoadAverage().Split(' ')[0]})");
            var holds = name switch
            {
                "dynamodb" => await DependencyAsync(api, "DynamoDB Local", "dynamodb", requireOnlyOk: false),
                "postgres" => await DependencyAsync(api, "PostgreSQL", "postgres", requireOnlyOk: true),
                "fauxqs" => await FauxqsAsync(api),
                "runner" => await RunnerAsync(api),
                "silo-kill" => await SiloKillAsync(api),
                "rolling" => await RollingRestartAsync(api),
                "api-kill" => await ApiKillAsync(api),
                _ => throw new ArgumentException($"Unknown case {name}. Known: {string.Join(", ", Cases)}."),
            };
            failed += holds ? 0 : 1;
        }

        return failed == 0 ? 0 : 1;
    }

    /// <summary>A server stopped for 10 s and started again, under load.</summary>
    private static async Task<bool> DependencyAsync(Uri api, string what, string server, bool requireOnlyOk)
    {
        using var load = await MixedLoad.StartAsync(api);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(3));

        var stoppedAt = load.Now;
        await Stack("stop", server);
        await Task.Delay(Outage);
        await Stack("start", server);
        var backAt = load.Now;
        await Task.Delay(TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        await running;

        var before = LoadSummary.Of(load.Answers, to: stoppedAt);
        var during = LoadSummary.Of(load.Answers, from: stoppedAt, to: backAt);
        var after = LoadSummary.Of(load.Answers, from: backAt, since: backAt);
        var whole = LoadSummary.Of(load.Answers);
        var withoutCounts = load.Answers.Count(a => a.CountsNull == true && a.At >= stoppedAt && a.At < backAt);
        TimeSpan settled;
        string lost;
        try
        {
            settled = await load.VerifyAsync(TimeSpan.FromMinutes(2));
            lost = "nothing acknowledged lost";
        }
        catch (InvalidOperationException e)
        {
            settled = TimeSpan.MaxValue;
            lost = e.Message;
        }

        var fullService = after.LastNotOkAfter ?? 0;
        Console.WriteLine($"faults: {what} stopped {(backAt - stoppedAt):F1} s (to started again) under {load.Answers.Count} requests");
        Console.WriteLine($"  before: {before}");
        Console.WriteLine($"  during: {during}" + (withoutCounts > 0 ? $"; {withoutCounts} project lists answered with counts null" : ""));
        Console.WriteLine($"  after:  {after}; full service {fullService:F1} s after it was back");
        Console.WriteLine($"  {lost}; counts exact {(settled == TimeSpan.MaxValue ? "NOT within 2 min" : $"{settled.TotalSeconds:F1} s after the load")}");
        var holds = whole.Failed == 0 && (!requireOnlyOk || whole.Unavailable == 0) && fullService <= 5 && settled != TimeSpan.MaxValue;
        Console.WriteLine($"  aim ({(requireOnlyOk ? "only 2xx" : "only 2xx or 503 with Retry-After")}, full service within 5 s, nothing lost, counts exact): {(holds ? "holds" : "DOES NOT HOLD")}");
        return holds;
    }

    /// <summary>
    /// fauxqs (SQS and S3) stopped for 10 s while exports run: one asked just before, one as it stops, one during it.
    /// Each must end (done, or failed with its reason) once it is back, and its notification reach the owner's SignalR
    /// connection exactly once; the mixed load beside it must not notice.
    /// </summary>
    private static async Task<bool> FauxqsAsync(Uri api)
    {
        using var load = await MixedLoad.StartAsync(api);
        await using var hub = await NotificationClient.ConnectAsync(api, load.AccessToken);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        var exports = new List<string>();
        var refused = new List<int>();
        async Task AskAsync()
        {
            var (status, exportId) = await load.ExportAsync();
            if (exportId is null)
            {
                refused.Add(status);
            }
            else
            {
                exports.Add(exportId);
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        await AskAsync();
        var stopping = Stack("stop", "fauxqs");
        await AskAsync();
        await stopping;
        var stoppedAt = load.Now;
        await Task.Delay(TimeSpan.FromSeconds(3));
        await AskAsync();
        await Task.Delay(Outage - TimeSpan.FromSeconds(3));
        await Stack("start", "fauxqs");
        var backAt = load.Now;

        // Every export ends, visibly, once fauxqs is back; then a while longer, for a notification sent twice to show.
        var ended = new Dictionary<string, (string Status, double After)>();
        var clock = Stopwatch.StartNew();
        while (ended.Count < exports.Count && clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            foreach (var exportId in exports.Where(e => !ended.ContainsKey(e)))
            {
                var status = await load.ExportStatusAsync(exportId);
                if (status is "done" or "failed")
                {
                    ended[exportId] = (status, load.Now - backAt);
                }
            }

            await Task.Delay(200);
        }

        // Then each one's notification (the silo's SQS reader may still be backing off from the outage), and 10 s more,
        // for a notification sent twice to show.
        int Notifications(string exportId) =>
            hub.Received.Count(n => n.GetProperty("data").TryGetProperty("exportId", out var id) && id.GetString() == exportId);
        var heard = new Dictionary<string, double>();
        clock.Restart();
        while (heard.Count < exports.Count && clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            foreach (var exportId in exports.Where(e => !heard.ContainsKey(e) && Notifications(e) > 0))
            {
                heard[exportId] = load.Now - backAt;
            }

            await Task.Delay(100);
        }

        await Task.Delay(TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        await running;
        var notified = exports.ToDictionary(e => e, Notifications);

        var whole = LoadSummary.Of(load.Answers);
        var during = LoadSummary.Of(load.Answers, from: stoppedAt, to: backAt);
        string lost;
        try
        {
            await load.VerifyAsync(TimeSpan.FromMinutes(2));
            lost = "nothing acknowledged lost";
        }
        catch (InvalidOperationException e)
        {
            lost = e.Message;
        }

        Console.WriteLine($"faults: fauxqs (SQS and S3) stopped {(backAt - stoppedAt):F1} s (to started again) with {exports.Count} exports asked around it" +
            (refused.Count > 0 ? $" ({refused.Count} refused: {string.Join(", ", refused)})" : ""));
        foreach (var exportId in exports)
        {
            var end = ended.TryGetValue(exportId, out var e) ? $"{e.Status} {e.After:F1} s after fauxqs was back" : "NOT ENDED within 2 min";
            var notice = heard.TryGetValue(exportId, out var at) ? $"first {at:F1} s after fauxqs was back" : "none within 2 min";
            Console.WriteLine($"  export {exportId}: {end}; notifications received {notified[exportId]} ({notice})");
        }

        Console.WriteLine($"  mixed load: during {during}; whole {whole}; {lost}");
        var holds = exports.Count > 0 && ended.Count == exports.Count && notified.Values.All(n => n == 1)
            && whole.Failed == 0 && lost == "nothing acknowledged lost";
        Console.WriteLine($"  aim (every export ends, done or failed, with exactly one notification; the load only 2xx or 503, nothing lost): {(holds ? "holds" : "DOES NOT HOLD")}");
        return holds;
    }

    /// <summary>The runner killed with SIGKILL while it applies a burst of changes, started again 2 s later.</summary>
    private static async Task<bool> RunnerAsync(Uri api)
    {
        using var load = await MixedLoad.StartAsync(api, workers: 8);
        using var stop = new CancellationTokenSource();
        // No pause between requests: a stream of changes, so the kill lands in the middle of a batch.
        var running = load.RunAsync(stop.Token, TimeSpan.Zero);
        await Task.Delay(TimeSpan.FromSeconds(4));
        var killedAt = load.Now;
        await Stack("kill", "runner");
        await Task.Delay(TimeSpan.FromSeconds(2));
        await Stack("start", "runner");
        await Task.Delay(TimeSpan.FromSeconds(4));
        await stop.CancelAsync();
        await running;

        var whole = LoadSummary.Of(load.Answers);
        var writes = load.Answers.Count(a => a.Kind is "move" or "rename" or "create" && a.Outcome == MixedLoad.Outcome.Ok);
        TimeSpan settled;
        try
        {
            settled = await load.VerifyAsync(TimeSpan.FromMinutes(2));
        }
        catch (InvalidOperationException e)
        {
            Console.WriteLine($"faults: runner: {e.Message}");
            return false;
        }

        Console.WriteLine($"faults: runner SIGKILLed {killedAt:F1} s into {writes} acknowledged writes and started again 2 s later: {whole}");
        Console.WriteLine($"  counts exact {settled.TotalSeconds:F1} s after the load (no count lost or applied twice)");
        var holds = whole.Failed == 0 && whole.Unavailable == 0;
        Console.WriteLine($"  aim (every answer 2xx, counts exact after the restart): {(holds ? "holds" : "DOES NOT HOLD")}");
        return holds;
    }

    /// <summary>scripts/bench.sh's stack verbs (stop, start, kill a server or the runner of this run).</summary>
    private static async Task Stack(string verb, string part, int? which = null)
    {
        var script = Environment.GetEnvironmentVariable("CUMIN_BENCH_CONTROL") ?? throw new InvalidOperationException("CUMIN_BENCH_CONTROL is not set: run make bench BENCH=faults");
        string[] arguments = which is null ? [script, verb, part] : [script, verb, part, which.Value.ToString(CultureInfo.InvariantCulture)];
        using var process = Process.Start(new ProcessStartInfo("bash", arguments) { UseShellExecute = false })!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', arguments)} exited with {process.ExitCode}");
        }
    }
}
