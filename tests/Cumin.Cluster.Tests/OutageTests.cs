using Cumin.Cluster.Tests.TestSupport;
using Cumin.Testing;

namespace Cumin.Cluster.Tests;

/// <summary>
/// PostgreSQL going away under a steady mixed load and coming back, with the silo, the runner and the API as separate
/// processes: every answer meanwhile is 2xx, nothing acknowledged is lost, and the counts come out exact. (DynamoDB's
/// outage is DependencyFaultTests' here, and with the board's list checked against the counts, make bench BENCH=faults
/// dynamodb: a write whose answer is lost as DynamoDB goes can leave the project's board behind the stored task.)
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
}
