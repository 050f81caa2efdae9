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
internal static class FaultsBenchmark
{
    private static readonly string[] Cases = ["dynamodb", "postgres", "runner"];

    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var api = new Uri(Environment.GetEnvironmentVariable("CUMIN_API_URL") ?? throw new InvalidOperationException("CUMIN_API_URL is not set: run make bench BENCH=faults"));
        var failed = 0;
        foreach (var name in args.Count > 0 ? args : Cases)
        {
            Console.WriteLine($"faults: {name} (load average {LoadAverage()})");
            var holds = name switch
            {
                "dynamodb" => await DependencyAsync(api, "DynamoDB Local", "dynamodb", requireOnlyOk: false),
                "postgres" => await DependencyAsync(api, "PostgreSQL", "postgres", requireOnlyOk: true),
                "runner" => await RunnerAsync(api),
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
    private static async Task Stack(string verb, string part)
    {
        var script = Environment.GetEnvironmentVariable("CUMIN_BENCH_CONTROL") ?? throw new InvalidOperationException("CUMIN_BENCH_CONTROL is not set: run make bench BENCH=faults");
        using var process = Process.Start(new ProcessStartInfo("bash", [script, verb, part]) { UseShellExecute = false })!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} {verb} {part} exited with {process.ExitCode}");
        }
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
}
