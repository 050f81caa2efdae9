using System.Globalization;
using Cumin.Cluster.Tests.TestSupport;
using Cumin.Testing;

namespace Cumin.Cluster.Tests;

/// <summary>
/// What a newcomer reads when `make run` starts and stops: the silo, the runner and the API from their build output,
/// in Development as make run starts them, on a fresh database and fresh tables, some work through every part, then
/// SIGTERM to each in turn, the API first (what Ctrl-C in make run does). A warning there must mean that something is wrong.
/// </summary>
public sealed class QuietLogsTests
{
    private static readonly string[] Levels = ["warn:", "fail:", "crit:"];

    /// <summary>
    /// A grain turn over a second (a password hash on this shared two-core machine) is true when it is reported: it
    /// measures the machine's load, a timing goal that belongs in benchmarks, not a fault of a start or a stop.
    /// </summary>
    private const string LongTurn = "warn: Orleans.Runtime.Scheduler.WorkItemGroup[101215]";

    [Fact]
    public async Task A_clean_start_work_and_stop_log_no_warning()
    {
        var prefix = LocalStack.UniquePrefix("quiet");
        var id = $"quiet-{Guid.NewGuid():N}";
        var environment = new Dictionary<string, string?>
        {
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Cumin__Orleans__ClusterId"] = id,
            ["Cumin__Orleans__ServiceId"] = id,
            ["Cumin__Orleans__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Cumin__Orleans__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Cumin__Tables__Prefix"] = prefix,
            ["Cumin__Notifications__QueueName"] = prefix + "notifications",
            ["Cumin__Exports__Bucket"] = prefix + "exports",
            ["ConnectionStrings__Postgres"] = await LocalStack.CreateDatabaseAsync("quiet"),
            // make run's garbage collector (the web SDK's server GC), not the workstation GC HostProcess picks for clusters.
            ["DOTNET_gcServer"] = "1",
            // make run's levels (appsettings.json), not the quieter ones make test gives the programs it runs.
            ["Logging__LogLevel__Default"] = "Information",
        };

        await using var silo = HostProcess.Start("quiet-silo", "Cumin.Silo", FreePort.Next(), environment);
        await silo.WaitUntilHealthyAsync("/health/live", TimeSpan.FromSeconds(120));
        await using var runner = HostProcess.Start("quiet-runner", "Cumin.Lambdas.LocalRunner", FreePort.Next(), environment);
        await using var api = HostProcess.Start("quiet-api", "Cumin.Api", FreePort.Next(), environment);
        await api.WaitUntilHealthyAsync("/health/ready", TimeSpan.FromSeconds(120));

        using (var ada = await CuminApi.SignUpAsync(api.Url))
        {
            var project = await ada.CreateProjectAsync("Garden");
            var task = await ada.CreateTaskAsync(project, "Sow basil");
            Assert.NotNull(await ada.TryRenameAsync(project, task, "Sow basil and thyme"));
            Assert.Equal("Sow basil and thyme", (await ada.GetTaskAsync(project, task)).Task?.Title);
            await ada.StartExportAsync(project);
        }

        // The runner has started its shards and finished the export by the time its log says so.
        await Eventually.HoldsAsync(
            () => Task.FromResult(runner.Tail(400).Contains("Exported 1 task", StringComparison.Ordinal)), TimeSpan.FromSeconds(60), "the export done");

        // As make run stops them: clients before the servers they call (a silo writing to an API that is gone warns).
        foreach (var process in new[] { api, runner, silo })
        {
            process.Terminate();
            Assert.True(await process.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"{process.Name} did not stop:\n{process.Tail()}");
        }

        var warnings = new[] { silo, runner, api }
            .SelectMany(p => File.ReadLines(p.LogPath).Select((line, i) => (p, line, i)))
            .Where(x => Levels.Any(level => x.line.StartsWith(level, StringComparison.Ordinal)) && !x.line.StartsWith(LongTurn, StringComparison.Ordinal))
            .Select(x => $"{x.p.Name}: {x.line} {File.ReadLines(x.p.LogPath).Skip(x.i + 1).FirstOrDefault()?.Trim()}")
            .ToList();
        Assert.True(warnings.Count == 0, string.Join('\n', warnings));
    }
}
