using Cumin.Cluster.Tests.TestSupport;
using Cumin.Testing;

namespace Cumin.Cluster.Tests;

public sealed class ThreeSiloCluster() : ClusterFixture(silos: 3, apis: 2, runner: true);

/// <summary>
/// Three silo processes, two API processes and the runner on one PostgreSQL membership table; one silo is killed
/// (SIGKILL).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SpreadAndFailoverTests(ThreeSiloCluster cluster) : IClassFixture<ThreeSiloCluster>
{
    [Fact]
    public async Task Task_grains_are_activated_on_more_than_one_silo()
    {
        // Several users and projects, so placement that favours a caller's silo still has several callers to follow.
        var keys = new List<string>();
        for (var user = 0; user < 4; user++)
        {
            using var api = await CuminApi.SignUpAsync(cluster.Apis[0].Url);
            var projectId = await api.CreateProjectAsync($"spread {user}");
            for (var i = 0; i < 10; i++)
            {
                keys.Add($"{projectId}/{await api.CreateTaskAsync(projectId, $"task {i}")}");
            }
        }

        var activations = await cluster.ActivationsAsync("task");
        var silos = keys.Select(key => activations.Single(a => a.Key.Key.ToString() == key).Value).ToList();
        Assert.True(silos.Distinct().Count() > 1, $"all {keys.Count} task grains are on {silos[0]}");
    }

    [Fact]
    public async Task A_user_connected_to_one_api_instance_is_notified_of_an_export_started_through_the_other()
    {
        using var api = await CuminApi.SignUpAsync(cluster.Apis[0].Url);
        var projectId = await api.CreateProjectAsync("notify");
        for (var i = 0; i < 3; i++)
        {
            await api.CreateTaskAsync(projectId, $"task {i}");
        }

        // Connected to the second instance; the export starts through the first. The user grain, on whichever
        // silo, must push to the observers of every API instance, not only of the one that called it.
        await using var notifications = await NotificationClient.ConnectAsync(cluster.Apis[1].Url, api.AccessToken);
        var exportId = await api.StartExportAsync(projectId);

        var notification = await notifications.WaitForAsync(exportId, TimeSpan.FromSeconds(90));
        Assert.NotNull(notification);
        Assert.Equal("export.completed", notification.Value.GetProperty("type").GetString());
        Assert.Equal(3, notification.Value.GetProperty("data").GetProperty("taskCount").GetInt32());

        var userGrain = (await cluster.ActivationsAsync("user")).Single(a => a.Key.Key.ToString() == api.UserId).Value;
        Assert.Contains(userGrain, await cluster.ActiveSilosAsync());
        Assert.True((await cluster.ActiveSilosAsync()).Count > 1);
    }

    /// <summary>Issue 14: the live board across processes: watchers on two API processes, changes made through both.</summary>
    [Fact]
    public async Task Watchers_on_two_api_processes_see_each_others_changes_in_one_order()
    {
        using var api = await CuminApi.SignUpAsync(cluster.Apis[0].Url);
        using var throughOther = api.Through(cluster.Apis[1].Url);
        var projectId = await api.CreateProjectAsync("live");
        await using var first = await LiveClient.ConnectAsync(cluster.Apis[0].Url, api.AccessToken);
        await using var second = await LiveClient.ConnectAsync(cluster.Apis[1].Url, api.AccessToken);
        await first.WatchAsync(projectId);
        await second.WatchAsync(projectId);

        const int changes = 12;
        await Task.WhenAll(Enumerable.Range(0, changes).Select(i => (i % 2 == 0 ? api : throughOther).CreateTaskAsync(projectId, $"task {i}")));

        // The runner's aggregator runs here too: counts.updated come between the tasks, whenever it has applied them.
        var within = TimeSpan.FromSeconds(60);
        Assert.True(await first.WaitUntilAsync(_ => first.OfType("task.created").Count >= changes, within), $"the first instance's watcher got {first.OfType("task.created").Count} of {changes}");
        Assert.True(await second.WaitUntilAsync(_ => second.OfType("task.created").Count >= changes, within), $"the second instance's watcher got {second.OfType("task.created").Count} of {changes}");
        Assert.Equal(changes, first.OfType("task.created", projectId).Count);
        Assert.Equal(
            first.OfType("task.created").Select(e => e.GetProperty("id").GetString()),
            second.OfType("task.created").Select(e => e.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Killing_a_silo_while_writes_flow_loses_no_acknowledged_write_and_its_grains_answer_from_the_others()
    {
        using var api = await CuminApi.SignUpAsync(cluster.Apis[0].Url, TimeSpan.FromSeconds(15));
        var projectId = await api.CreateProjectAsync("failover");
        var taskIds = new List<string>();
        for (var i = 0; i < 24; i++)
        {
            taskIds.Add(await api.CreateTaskAsync(projectId, $"task {i}"));
        }

        // The victim is a silo that holds some of these grains (and is not the only one holding them).
        var activations = await cluster.ActivationsAsync("task");
        var placement = taskIds.ToDictionary(id => id, id => activations.Single(a => a.Key.Key.ToString() == $"{projectId}/{id}").Value);
        var victimAddress = placement.Values.GroupBy(s => s).OrderByDescending(g => g.Count()).First().Key;
        var victimIndex = cluster.SiloPorts.IndexOf(victimAddress.Endpoint.Port);
        var victim = cluster.Silos[victimIndex];
        var onVictim = placement.Where(p => p.Value.Equals(victimAddress)).Select(p => p.Key).ToList();
        Assert.NotEmpty(onVictim);

        var writes = new WriteStream(api, projectId, taskIds);
        using var stop = new CancellationTokenSource();
        var running = writes.RunAsync(settle: TimeSpan.FromSeconds(60), stop.Token);
        await Eventually.HoldsAsync(() => Task.FromResult(writes.Acknowledged >= 100), TimeSpan.FromSeconds(60), "100 writes before the kill");

        victim.Kill();
        var killedAt = DateTime.UtcNow;

        // Every grain, including those that lived on the killed silo, answers again from a surviving silo.
        var recovered = DateTime.MaxValue;
        await Eventually.HoldsAsync(async () =>
        {
            foreach (var taskId in onVictim)
            {
                var (status, _) = await api.GetTaskAsync(projectId, taskId);
                if (status != System.Net.HttpStatusCode.OK)
                {
                    return false;
                }
            }

            recovered = DateTime.UtcNow;
            return true;
        }, TimeSpan.FromSeconds(90), "the killed silo's grains answer again");

        // Keep writing a while on the survivors, then stop.
        var acknowledgedAtRecovery = writes.Acknowledged;
        await Eventually.HoldsAsync(() => Task.FromResult(writes.Acknowledged >= acknowledgedAtRecovery + 100), TimeSpan.FromSeconds(60), "writes after recovery");
        await stop.CancelAsync();
        await running;

        await writes.VerifyNothingAcknowledgedWasLostAsync(api);
        var now = await cluster.ActivationsAsync("task");
        Assert.DoesNotContain(now.Values, silo => silo.Equals(victimAddress));
        Assert.DoesNotContain(victimAddress, await cluster.ActiveSilosAsync());
        Console.WriteLine(
            $"kill: {writes.Acknowledged} acknowledged, {writes.Failures} failed of {writes.Attempts}; " +
            $"grains of the killed silo answered again {(recovered - killedAt).TotalSeconds:F1} s after the kill");
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    /// <summary>Cluster fixtures run one at a time: each is several processes on a two-core machine.</summary>
    public const string Name = "cluster";
}
