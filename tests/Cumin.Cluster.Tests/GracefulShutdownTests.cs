using System.Net;
using Cumin.Cluster.Tests.TestSupport;
using Cumin.Testing;

namespace Cumin.Cluster.Tests;

public sealed class TwoSiloTwoApiCluster() : ClusterFixture(silos: 2, apis: 2)
{
    protected override void ConfigureEnvironment(Dictionary<string, string?> environment)
    {
        // Dead silos' rows are cleaned up within seconds here (a day in production), so the test can watch it happen.
        environment["Cumin__Orleans__Membership__DefunctSiloCleanupPeriod"] = "00:00:02";
        environment["Cumin__Orleans__Membership__DefunctSiloExpiration"] = "00:00:05";
        environment["Cumin__Orleans__Membership__DefunctSiloMinimumRetention"] = "00:00:01";
    }
}

/// <summary>SIGTERM, as `docker stop` and ECS send it, to a silo and to an API instance while they are busy.</summary>
[Collection(ClusterCollection.Name)]
public sealed class GracefulShutdownTests(TwoSiloTwoApiCluster cluster) : IClassFixture<TwoSiloTwoApiCluster>
{
    [Fact]
    public async Task A_silo_terminated_during_writes_exits_cleanly_hands_its_grains_over_and_loses_no_acknowledged_write()
    {
        using var api = await CuminApi.SignUpAsync(cluster.Apis[0].Url, TimeSpan.FromSeconds(15));
        var projectId = await api.CreateProjectAsync("graceful");
        var taskIds = new List<string>();
        for (var i = 0; i < 16; i++)
        {
            taskIds.Add(await api.CreateTaskAsync(projectId, $"task {i}"));
        }

        // Stop the silo holding most of these grains.
        var activations = await cluster.ActivationsAsync("task");
        var ports = taskIds.ToDictionary(id => id, id => activations.Single(a => a.Key.Key.ToString() == $"{projectId}/{id}").Value.Endpoint.Port);
        var stoppingPort = ports.Values.GroupBy(p => p).OrderByDescending(g => g.Count()).First().Key;
        var stopping = cluster.Silos[cluster.SiloPorts.IndexOf(stoppingPort)];
        var onStopping = ports.Where(p => p.Value == stoppingPort).Select(p => p.Key).ToList();
        Assert.NotEmpty(onStopping);

        var writes = new WriteStream(api, projectId, taskIds);
        using var stop = new CancellationTokenSource();
        var running = writes.RunAsync(settle: TimeSpan.FromSeconds(60), stop.Token);
        await Eventually.HoldsAsync(() => Task.FromResult(writes.Acknowledged >= 80), TimeSpan.FromSeconds(60), "80 writes before SIGTERM");
        var failuresBefore = writes.Failures;

        var terminatedAt = DateTime.UtcNow;
        stopping.Terminate();
        Assert.True(await stopping.WaitForExitAsync(TimeSpan.FromSeconds(45)), $"the silo did not exit within its shutdown timeout:\n{stopping.Tail()}");
        var exitedAfter = DateTime.UtcNow - terminatedAt;
        Assert.Equal(0, stopping.ExitCode);

        var acknowledgedAtExit = writes.Acknowledged;
        await Eventually.HoldsAsync(() => Task.FromResult(writes.Acknowledged >= acknowledgedAtExit + 80), TimeSpan.FromSeconds(60), "writes after the stop");
        await stop.CancelAsync();
        await running;

        await writes.VerifyNothingAcknowledgedWasLostAsync(api);
        foreach (var taskId in onStopping)
        {
            Assert.Equal(HttpStatusCode.OK, (await api.GetTaskAsync(projectId, taskId)).Status);
        }

        // The silo said goodbye itself (status Dead), and its row is then cleaned up as a defunct entry.
        await Eventually.HoldsAsync(
            async () => !(await cluster.MembershipRowsAsync()).Any(row => row.Port == stoppingPort),
            TimeSpan.FromSeconds(60),
            "the stopped silo's membership row is cleaned up");
        Assert.Single(await cluster.ActiveSilosAsync());
        Console.WriteLine(
            $"SIGTERM: silo exited in {exitedAfter.TotalSeconds:F1} s; {writes.Acknowledged} acknowledged, " +
            $"{writes.Failures - failuresBefore} failed during and after the stop, of {writes.Attempts} attempts");
    }

    [Fact]
    public async Task A_request_in_flight_when_an_api_instance_is_terminated_still_completes()
    {
        var draining = cluster.Apis[^1];
        using var user = await CuminApi.SignUpAsync(draining.Url);
        var projectId = await user.CreateProjectAsync("drain");
        var taskId = await user.CreateTaskAsync(projectId, "before");

        // The request waits on its grain: the silo holding it is frozen (SIGSTOP) for a second, and SIGTERM reaches
        // the API meanwhile. Short enough that the cluster does not declare the frozen silo dead.
        var port = (await cluster.ActivationsAsync("task")).Single(a => a.Key.Key.ToString() == $"{projectId}/{taskId}").Value.Endpoint.Port;
        var holder = cluster.Silos[cluster.SiloPorts.IndexOf(port)];
        holder.Pause();
        Task<TaskVersion?> renaming;
        try
        {
            renaming = user.TryRenameAsync(projectId, taskId, "drained");
            await Task.Delay(300);
            draining.Terminate();
            await Task.Delay(700);
            Assert.False(draining.HasExited, "the API exited with a request in flight");
        }
        finally
        {
            holder.Resume();
        }

        var renamed = await renaming;
        Assert.Equal("drained", renamed?.Title);
        Assert.True(await draining.WaitForExitAsync(TimeSpan.FromSeconds(30)), $"the API did not exit:\n{draining.Tail()}");
        Assert.Equal(0, draining.ExitCode);

        using var other = user.Through(cluster.Apis[0].Url);
        Assert.Equal("drained", (await other.GetTaskAsync(projectId, taskId)).Task?.Title);
    }
}
