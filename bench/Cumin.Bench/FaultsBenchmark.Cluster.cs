using Cumin.Testing;

namespace Cumin.Bench;

/// <summary>
/// The cluster cases of `faults`, on the cluster scripts/bench.sh starts for them (two silos on one PostgreSQL
/// membership table, the runner, two API instances, NGINX in front: <c>CUMIN_API_URL</c>), each under the mixed load
/// through NGINX: a silo killed, every silo and API instance restarted in turn, an API instance killed.
/// </summary>
internal static partial class FaultsBenchmark
{
    /// <summary>What the silo-kill case promises: every task answers again within this of the kill.</summary>
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(10);

    /// <summary>An answer slower than this after a fault counts as the task not answering yet.</summary>
    private const double Prompt = 1.0;

    /// <summary>
    /// How long an API instance takes to send to a silo that joined: its gateway list refresh (10 s), and a little.
    /// A rolling restart waits this long before it stops the next silo, as ECS waits for a new task to be healthy.
    /// </summary>
    private static readonly TimeSpan GatewayListSettles = TimeSpan.FromSeconds(12);

    /// <summary>
    /// A silo killed with SIGKILL in a cluster of two, then in one of three: how long until every task answers (promptly,
    /// 2xx) again, every answer meanwhile by class, the longest, and the acknowledged writes checked.
    /// </summary>
    private static async Task<bool> SiloKillAsync(Uri api)
    {
        var two = await SiloKillRoundAsync(api, silos: 2, victim: 1);
        // Silo 1 again (on its old address, where its successor declares the killed one dead at once), and a third one.
        await Stack("start", "silo", 1);
        await Stack("start", "silo", 3);
        await Task.Delay(GatewayListSettles);
        var three = await SiloKillRoundAsync(api, silos: 3, victim: 2);
        return two && three;
    }

    private static async Task<bool> SiloKillRoundAsync(Uri api, int silos, int victim)
    {
        // A project of its own, made now: its task grains are placed across the silos that are up.
        using var load = await MixedLoad.StartAsync(api);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        var sweeping = load.SweepAsync(stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(5));
        var killedAt = load.Now;
        await Stack("kill", "silo", victim);
        await Task.Delay(TimeSpan.FromSeconds(20));
        await stop.CancelAsync();
        await Task.WhenAll(running, sweeping);

        var answers = load.Answers;
        var after = LoadSummary.Of(answers, from: killedAt);
        var late = answers.Where(a => a.At + a.Seconds > killedAt && (a.Outcome != MixedLoad.Outcome.Ok || a.Seconds > Prompt)).ToList();
        var recovered = late.Count == 0 ? 0 : late.Max(a => a.At + a.Seconds) - killedAt;
        var longest = answers.Where(a => a.At + a.Seconds > killedAt).Max(a => a.Seconds);
        var lost = await LostAsync(load);
        Console.WriteLine($"faults: silo {victim} of {silos} SIGKILLed under {answers.Count} requests (reads of every task, again and again, besides the mixed load)");
        Console.WriteLine($"  every task answers again (2xx within {Prompt:0} s) {recovered:F1} s after the kill; longest answer after it {longest:F1} s; {late.Count} answers slow or not 2xx");
        Console.WriteLine($"  from the kill on: {after}");
        foreach (var answer in late.OrderByDescending(a => a.At + a.Seconds).Take(3))
        {
            Console.WriteLine($"    the latest: {answer.Kind} sent {answer.At - killedAt:+0.0;-0.0} s from the kill, {answer.Status} after {answer.Seconds:F1} s{(answer.Detail is null ? "" : $" ({answer.Detail[..Math.Min(answer.Detail.Length, 120)]})")}");
        }
        Console.WriteLine($"  whole: {LoadSummary.Of(answers)}; {lost}");
        var holds = recovered < RecoveryBound.TotalSeconds && LoadSummary.Of(answers).Failed == 0 && longest < MixedLoad.Patience.TotalSeconds && lost == NothingLost;
        Console.WriteLine($"  aim (every task answers within {RecoveryBound.TotalSeconds:0} s, only 2xx or 503 with Retry-After, none slower than {MixedLoad.Patience.TotalSeconds:0} s, nothing lost): {Verdict(holds)}");
        return holds;
    }

    /// <summary>
    /// Every silo, then every API instance, stopped with SIGTERM and started again, one at a time, under load: each silo
    /// once the APIs have had time to see its successor (as ECS waits for a new task to be healthy). Every request must
    /// succeed: a graceful stop hands grains over and drains requests in flight.
    /// </summary>
    private static async Task<bool> RollingRestartAsync(Uri api)
    {
        using var load = await MixedLoad.StartAsync(api);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(5));
        var steps = new List<string>();
        foreach (var (part, which) in Running("silo").Select(n => ("silo", n)).Concat(Running("api").Select(n => ("api", n))))
        {
            var stoppingAt = load.Now;
            await Stack("stop", part, which);
            var stoppedAt = load.Now;
            await Stack("start", part, which);
            steps.Add($"{part} {which} stopped in {stoppedAt - stoppingAt:F1} s, serving again {load.Now - stoppingAt:F1} s after SIGTERM");
            await Task.Delay(part == "silo" ? GatewayListSettles : TimeSpan.FromSeconds(6));
        }

        await stop.CancelAsync();
        await running;
        var whole = LoadSummary.Of(load.Answers);
        var lost = await LostAsync(load);
        Console.WriteLine($"faults: rolling restart (SIGTERM, one at a time) under {load.Answers.Count} requests through NGINX");
        steps.ForEach(step => Console.WriteLine($"  {step}"));
        Console.WriteLine($"  requests: {whole}; longest {load.Answers.Max(a => a.Seconds):F1} s; {lost}");
        foreach (var failure in whole.Failures.Concat(load.Answers.Where(a => a.Outcome == MixedLoad.Outcome.Unavailable)).Take(5))
        {
            Console.WriteLine($"    {failure.Kind} at {failure.At:F1} s: {failure.Status} {failure.Detail}");
        }

        var holds = whole.Failed == 0 && whole.Unavailable == 0 && lost == NothingLost;
        Console.WriteLine($"  aim (every request 2xx, nothing lost): {Verdict(holds)}");
        return holds;
    }

    /// <summary>
    /// API instance 1 killed with SIGKILL behind NGINX: only requests in flight on it may fail (NGINX retries a GET
    /// elsewhere, never a POST or PATCH it has sent); everything after goes to the other instance. "In flight" ends when
    /// the process is gone: until the kernel has torn it down, its sockets still take what NGINX writes onto them.
    /// </summary>
    private static async Task<bool> ApiKillAsync(Uri api)
    {
        using var load = await MixedLoad.StartAsync(api, workers: 8);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token, TimeSpan.FromMilliseconds(5));
        await Task.Delay(TimeSpan.FromSeconds(5));
        var pid = int.Parse(await File.ReadAllTextAsync(AppPidFile("api", 1)), System.Globalization.CultureInfo.InvariantCulture);
        var killing = load.Now;
        await Stack("kill", "api", 1);
        var signalled = load.Now;
        await ChildProcesses.WaitGoneAsync(pid, TimeSpan.FromSeconds(10));
        var killed = load.Now;
        Console.WriteLine($"faults: API instance 1 SIGKILLed {signalled - killing:F3} s after the kill began; its process was gone {killed - signalled:F3} s after the signal");
        await Task.Delay(TimeSpan.FromSeconds(10));
        await Stack("start", "api", 1);
        await Task.Delay(TimeSpan.FromSeconds(5));
        await stop.CancelAsync();
        await running;

        var answers = load.Answers;
        var inFlight = answers.Count(a => a.At < killed && a.At + a.Seconds > killing);
        var whole = LoadSummary.Of(answers);
        var afterKill = whole.Failures.Where(a => a.At >= killed).ToList();
        var lost = await LostAsync(load);
        Console.WriteLine($"faults: API instance 1 of 2 SIGKILLed behind NGINX under {answers.Count} requests; {inFlight} in flight (on either instance) when it died");
        Console.WriteLine($"  requests: {whole}; {afterKill.Count} failures among requests sent once its process was gone; {lost}");
        foreach (var failure in whole.Failures.Take(5))
        {
            Console.WriteLine($"    {failure.Kind} sent {failure.At - signalled:+0.00;-0.00;0.00} s from the SIGKILL: {failure.Status} {failure.Detail}");
        }

        var holds = afterKill.Count == 0 && whole.Failed <= inFlight && lost == NothingLost;
        Console.WriteLine($"  aim (only requests in flight at the kill may fail, nothing acknowledged lost): {Verdict(holds)}");
        return holds;
    }

    private const string NothingLost = "nothing acknowledged lost";

    private static async Task<string> LostAsync(MixedLoad load)
    {
        try
        {
            await load.VerifyAsync(TimeSpan.FromMinutes(2));
            return NothingLost;
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }

    /// <summary>The numbers of the silos or API instances running now (their PID files, scripts/bench-faults.sh's).</summary>
    private static List<int> Running(string part) =>
        [.. Directory.GetFiles(AppsDirectory, $"{part}*.pid")
            .Select(file => int.Parse(Path.GetFileNameWithoutExtension(file)[part.Length..], System.Globalization.CultureInfo.InvariantCulture))
            .Order()];

    /// <summary>The PID file of silo or API instance <paramref name="which"/> while it runs.</summary>
    private static string AppPidFile(string part, int which) =>
        Path.Combine(AppsDirectory, $"{part}{which.ToString(System.Globalization.CultureInfo.InvariantCulture)}.pid");

    private static string AppsDirectory => Path.Combine(
        Environment.GetEnvironmentVariable("CUMIN_BENCH_STATE") ?? throw new InvalidOperationException("CUMIN_BENCH_STATE is not set"), "apps");

    private static string Verdict(bool holds) => holds ? "holds" : "DOES NOT HOLD";
}
