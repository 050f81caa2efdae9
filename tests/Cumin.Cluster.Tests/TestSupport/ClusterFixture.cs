using System.Globalization;
using Cumin.Clustering.Hosting;
using Cumin.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Runtime;

namespace Cumin.Cluster.Tests.TestSupport;

/// <summary>
/// A cluster of its own: several Cumin.Silo processes and Cumin.Api processes on loopback, clustered through one
/// PostgreSQL database of this fixture (ADO.NET clustering, AdoNet mode), with this fixture's DynamoDB table prefix and
/// cluster id. The test process also joins as an Orleans client, to ask the cluster where grains live.
/// </summary>
public abstract class ClusterFixture : IAsyncLifetime
{
    public const string SigningKey = "cumin-cluster-test-signing-key-0123456789-0123456789";

    private IHost? _client;

    protected ClusterFixture(int silos, int apis, bool runner = false)
    {
        SiloCount = silos;
        ApiCount = apis;
        WithRunner = runner;
    }

    /// <summary>Whether the Lambdas' local runner (aggregator and exporter on the streams) runs too.</summary>
    public bool WithRunner { get; }

    public HostProcess? Runner { get; private set; }

    public int SiloCount { get; }

    public int ApiCount { get; }

    public List<HostProcess> Silos { get; } = [];

    public List<HostProcess> Apis { get; } = [];

    /// <summary>Silo port of each silo, in the order of <see cref="Silos"/> (identifies it in the membership table).</summary>
    public List<int> SiloPorts { get; } = [];

    public string ClusterId { get; } = $"cluster-tests-{Guid.NewGuid():N}";

    public string Postgres { get; private set; } = "";

    public IClusterClient Client => _client!.Services.GetRequiredService<IClusterClient>();

    /// <summary>Settings every process of this cluster gets, as environment variables (the containers' way).</summary>
    public Dictionary<string, string?> Environment { get; } = [];

    public virtual async Task InitializeAsync()
    {
        Postgres = await LocalStack.CreateDatabaseAsync("cluster");
        Environment["Cumin__Orleans__Clustering"] = "AdoNet";
        Environment["Cumin__Orleans__ClusterId"] = ClusterId;
        Environment["Cumin__Orleans__ServiceId"] = ClusterId;
        Environment["Cumin__Orleans__AdvertisedIPAddress"] = "127.0.0.1";
        Environment["Cumin__Orleans__Dashboard"] = "false";
        // Fast failure detection, so a killed silo is declared dead within seconds rather than half a minute.
        Environment["Cumin__Orleans__Membership__ProbeTimeout"] = "00:00:01";
        Environment["Cumin__Orleans__Membership__TableRefreshTimeout"] = "00:00:02";
        Environment["Cumin__Orleans__Membership__IAmAliveTablePublishTimeout"] = "00:00:02";
        Environment["Cumin__Tables__Prefix"] = LocalStack.UniquePrefix("cluster");
        Environment["Cumin__Notifications__QueueName"] = LocalStack.UniquePrefix("cluster") + "notifications";
        Environment["Cumin__Exports__Bucket"] = LocalStack.UniquePrefix("cluster") + "exports";
        Environment["ConnectionStrings__Postgres"] = Postgres;
        Environment["Cumin__Auth__SigningKey"] = SigningKey;
        Environment["Cumin__RateLimits__AuthPerClientPerMinute"] = "100000";
        Environment["Cumin__RateLimits__RefreshPerClientPerMinute"] = "100000";
        Environment["Cumin__RateLimits__LoginFailuresPerEmailAndClientPerMinute"] = "1000";
        Environment["Logging__LogLevel__Default"] = "Information";
        ConfigureEnvironment(Environment);

        // The first silo alone first: it creates the tables, so the others do not all race for them on two cores.
        await StartSiloAsync();
        await Task.WhenAll(Enumerable.Range(1, SiloCount - 1).Select(_ => StartSiloAsync()));
        if (WithRunner)
        {
            // No HTTP: it is up when it has not exited; it waits for the streams itself.
            Runner = HostProcess.Start("runner", "Cumin.Lambdas.LocalRunner", FreePort.Next(), Environment);
            await Task.Delay(TimeSpan.FromSeconds(2));
            if (Runner.HasExited)
            {
                throw new InvalidOperationException($"the runner exited with {Runner.ExitCode}:\n{Runner.Tail()}");
            }
        }

        await Task.WhenAll(Enumerable.Range(0, ApiCount).Select(_ => StartApiAsync()));

        var client = Host.CreateApplicationBuilder();
        client.Configuration.AddInMemoryCollection(Environment
            .Select(e => KeyValuePair.Create(e.Key.Replace("__", ":", StringComparison.Ordinal), e.Value)));
        // The test output is for the tests; the client's own chatter (start, stop) stays out of it.
        client.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
        });
        client.UseOrleansClient(orleans => orleans.UseCuminClustering(client.Configuration));
        _client = client.Build();
        await _client.StartAsync();
        await Eventually.HoldsAsync(
            async () => (await ActiveSilosAsync()).Count == SiloCount, TimeSpan.FromSeconds(60), $"{SiloCount} active silos");
    }

    protected virtual void ConfigureEnvironment(Dictionary<string, string?> environment)
    {
    }

    public async Task<HostProcess> StartSiloAsync()
    {
        var siloPort = FreePort.Next();
        var environment = new Dictionary<string, string?>(Environment)
        {
            ["Cumin__Orleans__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["Cumin__Orleans__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        };
        HostProcess silo;
        lock (Silos)
        {
            silo = HostProcess.Start($"silo{Silos.Count + 1}", "Cumin.Silo", FreePort.Next(), environment);
            Silos.Add(silo);
            SiloPorts.Add(siloPort);
        }

        // The silo's health paths as deployment definitions use them (DeploymentDefinitionTests): proven here on the real process.
        foreach (var path in ProgramConfiguration.Silo.HealthPaths)
        {
            await silo.WaitUntilHealthyAsync(path, TimeSpan.FromSeconds(90));
        }
        return silo;
    }

    public async Task<HostProcess> StartApiAsync()
    {
        HostProcess api;
        lock (Apis)
        {
            api = HostProcess.Start($"api{Apis.Count + 1}", "Cumin.Api", FreePort.Next(), Environment);
            Apis.Add(api);
        }

        foreach (var path in ProgramConfiguration.Api.HealthPaths)
        {
            await api.WaitUntilHealthyAsync(path, TimeSpan.FromSeconds(90));
        }
        return api;
    }

    /// <summary>Active silos as the cluster sees them.</summary>
    public async Task<IReadOnlyList<SiloAddress>> ActiveSilosAsync()
    {
        var hosts = await Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        return [.. hosts.Keys];
    }

    /// <summary>Which silo each activation of a grain of <paramref name="grainType"/> (e.g. "task") is on.</summary>
    public async Task<IReadOnlyDictionary<GrainId, SiloAddress>> ActivationsAsync(string grainType)
    {
        var statistics = await Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return statistics
            .Where(s => s.GrainId.Type.ToString() == grainType)
            .GroupBy(s => s.GrainId)
            .ToDictionary(g => g.Key, g => g.First().SiloAddress);
    }

    /// <summary>The membership table rows of this cluster: silo port → status (Orleans's SiloStatus number).</summary>
    public async Task<List<(int Port, int Generation, int Status)>> MembershipRowsAsync()
    {
        await using var connection = new NpgsqlConnection(Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT port, generation, status FROM orleans_membership WHERE deployment_id = @id ORDER BY port", connection);
        command.Parameters.AddWithValue("id", ClusterId);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(int, int, int)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2)));
        }

        return rows;
    }

    public virtual async Task DisposeAsync()
    {
        if (_client is not null)
        {
            try
            {
                await _client.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
            }
            catch (Exception e) when (e is OperationCanceledException or OrleansException)
            {
            }

            _client.Dispose();
        }

        await Task.WhenAll(Apis.Concat(Silos).Concat(Runner is null ? [] : [Runner]).Select(p => p.DisposeAsync().AsTask()));
    }
}
