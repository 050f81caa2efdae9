using Cumin.Cluster.Tests.TestSupport;
using Cumin.Testing;

namespace Cumin.Cluster.Tests;

/// <summary>
/// DynamoDB and PostgreSQL going away under a steady mixed load and coming back, with the silo, the runner and the API as
/// separate processes: every answer meanwhile is 2xx or 503 with Retry-After, nothing acknowledged is lost, and the
/// counts come out exact. (The same outages for 10 s, with figures: make bench BENCH=faults.)
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class OutageTests(OutageFixture stack) : IClassFixture<OutageFixture>
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task DynamoDB_down_answers_only_2xx_or_503_loses_no_acknowledged_write_and_counts_stay_exact()
    {
        using var load = await MixedLoad.StartAsync(stack.Api.Url);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(2));

        var cutAt = load.Now;
        await stack.DynamoDB.CutAsync();
        await Task.Delay(Outage);
        stack.DynamoDB.Start();
        var restoredAt = load.Now;
        await Task.Delay(TimeSpan.FromSeconds(6));
        await stop.CancelAsync();
        await running;

        var during = LoadSummary.Of(load.Answers, from: cutAt, to: restoredAt);
        var all = LoadSummary.Of(load.Answers, since: restoredAt);
        Assert.True(all.Failed == 0, $"answers other than 2xx or 503 with Retry-After: {all}");
        Assert.True(during.Unavailable > 0, $"the outage was not seen: {during}");
        Assert.True(LoadSummary.Of(load.Answers, from: restoredAt + 5).Unavailable == 0, "503s more than 5 s after DynamoDB came back");
        var settled = await load.VerifyAsync(TimeSpan.FromSeconds(60));
        Console.WriteLine($"DynamoDB cut {Outage.TotalSeconds:0} s: during it {during}; last non-2xx {(all.LastNotOkAfter is { } last ? $"{last:0.0} s after" : "before")} its return; counts exact {settled.TotalSeconds:0.0} s after the load");
    }

    [Fact]
    public async Task PostgreSQL_down_leaves_tasks_working_lists_projects_without_counts_and_the_counts_catch_up()
    {
        using var load = await MixedLoad.StartAsync(stack.Api.Url);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(2));

        var cutAt = load.Now;
        await stack.Postgres.CutAsync();
        await Task.Delay(Outage);
        stack.Postgres.Start();
        var restoredAt = load.Now;
        await Task.Delay(TimeSpan.FromSeconds(2));
        await stop.CancelAsync();
        await running;

        var during = load.Answers.Where(a => a.At >= cutAt && a.At < restoredAt).ToList();
        var summary = LoadSummary.Of(load.Answers);
        Assert.True(summary.Failed == 0 && summary.Unavailable == 0, $"with only PostgreSQL away, every answer is 2xx: {summary}");
        Assert.Contains(during, a => a.Kind == "projects" && a.CountsNull == true);
        Assert.Contains(during, a => a.Kind == "move");
        var settled = await load.VerifyAsync(TimeSpan.FromSeconds(60));
        Console.WriteLine($"PostgreSQL cut {Outage.TotalSeconds:0} s: {summary}; {during.Count(a => a.CountsNull == true)} project lists without counts; counts exact {settled.TotalSeconds:0.0} s after the load");
    }
}
