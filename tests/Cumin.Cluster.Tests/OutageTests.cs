using Cumin.Cluster.Tests.TestSupport;
using Cumin.Testing;

namespace Cumin.Cluster.Tests;

/// <summary>
/// PostgreSQL or DynamoDB going away under a steady mixed load and coming back, with the silo, the runner and the API as
/// separate processes: every answer meanwhile is 2xx (PostgreSQL) or 2xx and 503 with Retry-After (DynamoDB), nothing
/// acknowledged is lost, and the counts come out exact, equal to what the project's board lists. (make bench
/// BENCH=faults stops the real servers, for 10 s.)
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class OutageTests(OutageFixture stack) : IClassFixture<OutageFixture>
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(4);

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

    /// <summary>
    /// Issue 15: writes whose answers are lost as DynamoDB goes (the cut resets connections DynamoDB may already have
    /// served) must not leave the project's board showing other than storage: the list is checked against the counts,
    /// which the aggregator takes from the table's stream.
    /// </summary>
    [Fact]
    public async Task DynamoDB_down_answers_2xx_or_503_then_serves_within_5_s_and_the_board_agrees_with_storage()
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
        await Task.Delay(TimeSpan.FromSeconds(7));
        await stop.CancelAsync();
        await running;

        var summary = LoadSummary.Of(load.Answers);
        var during = LoadSummary.Of(load.Answers, from: cutAt, to: restoredAt);
        var after = LoadSummary.Of(load.Answers, from: restoredAt, since: restoredAt);
        Assert.True(summary.Failed == 0, $"with DynamoDB away, every answer is 2xx or 503 with Retry-After: {summary}");
        Assert.True(during.Unavailable > 0, $"the outage was felt: {during}");
        Assert.True((after.LastNotOkAfter ?? 0) <= 5, $"full service within 5 s of DynamoDB's return: the last refusal came {after.LastNotOkAfter:F1} s after");
        var settled = await load.VerifyAsync(TimeSpan.FromSeconds(60));
        Console.WriteLine($"DynamoDB cut {Outage.TotalSeconds:0} s: {summary}; full service {after.LastNotOkAfter ?? 0:F1} s after; board and counts agree {settled.TotalSeconds:0.0} s after the load");
    }
}
