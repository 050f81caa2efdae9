using System.Net;
using System.Reflection;
using Cumin.Clustering;
using Cumin.Clustering.Postgres;
using Cumin.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.Runtime;
using Orleans.Runtime.Membership;
using Orleans.Runtime.MembershipService;

namespace Cumin.Cluster.Tests;

/// <summary>Our PostgreSQL schema for Orleans's ADO.NET clustering, against PostgreSQL and the provider itself.</summary>
public sealed class ClusteringSchemaTests
{
    [Fact]
    public void The_named_queries_are_exactly_those_the_provider_requires()
    {
        // The provider refuses to start unless OrleansQuery holds every key DbStoredQueries declares (its non-public
        // instance properties); a provider upgrade that adds one fails here rather than at a silo's start.
        var storedQueries = typeof(AdoNetClusteringTable).Assembly.GetType("Orleans.Clustering.AdoNet.Storage.DbStoredQueries", throwOnError: true)!;
        var required = storedQueries.GetProperties(BindingFlags.Instance | BindingFlags.NonPublic).Select(p => p.Name).Order().ToList();

        Assert.Equal(required, PostgresClusteringSchema.Queries.Keys.Order().ToList());
        Assert.All(PostgresClusteringSchema.Queries.Values, text => Assert.DoesNotContain("--", text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Many_hosts_starting_at_once_apply_the_schema_once_and_record_its_version()
    {
        var database = await LocalStack.CreateDatabaseAsync("schema");

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Schema(database).EnsureAsync(TimeSpan.FromSeconds(30))));

        Assert.Equal(PostgresClusteringSchema.LatestVersion, await ScalarAsync<int>(database,
            $"SELECT version FROM cumin_schema_versions WHERE component = '{PostgresClusteringSchema.Component}'"));
        Assert.Equal(PostgresClusteringSchema.Queries.Count, (int)await ScalarAsync<long>(database, "SELECT count(*) FROM OrleansQuery"));
    }

    [Fact]
    public async Task A_changed_query_is_put_back_at_the_next_start()
    {
        var database = await LocalStack.CreateDatabaseAsync("schema");
        await Schema(database).EnsureAsync(TimeSpan.FromSeconds(30));
        await ScalarAsync<int>(database, "UPDATE OrleansQuery SET QueryText = 'SELECT 1' WHERE QueryKey = 'GatewaysQueryKey' RETURNING 1");

        await Schema(database).EnsureAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(PostgresClusteringSchema.Queries["GatewaysQueryKey"],
            await ScalarAsync<string>(database, "SELECT QueryText FROM OrleansQuery WHERE QueryKey = 'GatewaysQueryKey'"));
    }

    [Fact]
    public async Task The_provider_keeps_membership_with_optimistic_concurrency_on_our_schema()
    {
        var database = await LocalStack.CreateDatabaseAsync("membership");
        await using var services = Services(database, "round-trip");
        var table = services.GetRequiredService<IMembershipTable>();

        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        var empty = await table.ReadAllAsync();
        Assert.Empty(empty.Members);

        var silo = Entry(port: 11111, SiloStatus.Joining);
        Assert.True(await table.InsertRowAsync(silo, empty.Version.Next()));
        // A second writer that read the same version loses.
        Assert.False(await table.InsertRowAsync(Entry(port: 11112, SiloStatus.Joining), empty.Version.Next()));

        var read = await table.ReadRowAsync(silo.SiloAddress);
        var (stored, etag) = Assert.Single(read.Members);
        Assert.Equal(silo.SiloAddress, stored.SiloAddress);
        Assert.Equal("silo-11111", stored.SiloName);
        Assert.Equal(SiloStatus.Joining, stored.Status);

        silo.Status = SiloStatus.Active;
        Assert.False(await table.UpdateRowAsync(silo, etag, empty.Version.Next()), "an update at a stale version must fail");
        Assert.True(await table.UpdateRowAsync(silo, etag, read.Version.Next()));
        silo.IAmAliveTime = DateTime.UtcNow.AddSeconds(5);
        await table.UpdateIAmAliveAsync(silo);

        var all = await table.ReadAllAsync();
        var active = Assert.Single(all.Members).Item1;
        Assert.Equal(SiloStatus.Active, active.Status);
        Assert.Equal(silo.IAmAliveTime, active.IAmAliveTime, TimeSpan.FromMilliseconds(1));

        var gateways = services.GetRequiredService<IGatewayListProvider>();
        await gateways.InitializeGatewayListProviderAsync();
        Assert.Equal([SiloAddress.New(IPAddress.Loopback, 30000, silo.SiloAddress.Generation).ToGatewayUri()], await gateways.GetGatewaysAsync());

        await table.DeleteMembershipTableEntriesAsync("round-trip");
        Assert.Equal(0L, await ScalarAsync<long>(database, "SELECT count(*) FROM orleans_membership_version"));
    }

    [Fact]
    public async Task Defunct_silo_cleanup_removes_dead_rows_older_than_the_cutoff_and_keeps_active_ones()
    {
        var database = await LocalStack.CreateDatabaseAsync("membership");
        await using var services = Services(database, "cleanup");
        var table = services.GetRequiredService<IMembershipTable>();
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        var longAgo = DateTime.UtcNow.AddDays(-2);
        foreach (var (port, status) in new[] { (1, SiloStatus.Dead), (2, SiloStatus.Active), (3, SiloStatus.Dead) })
        {
            var entry = Entry(port, status);
            if (port != 3)
            {
                entry.IAmAliveTime = longAgo;
            }

            Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        }

        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddDays(-1));

        var left = (await table.ReadAllAsync()).Members.Select(m => m.Item1.SiloAddress.Endpoint.Port).Order().ToList();
        Assert.Equal([2, 3], left);
    }

    private static PostgresClusteringSchema Schema(string database) =>
        new(database, NullLogger<PostgresClusteringSchema>.Instance);

    /// <summary>The provider's table and gateway list as Cumin.Clustering wires them, for one cluster id.</summary>
    private static ServiceProvider Services(string database, string clusterId)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, clusterId));
        services.Configure<AdoNetClusteringSiloOptions>(o => (o.Invariant, o.ConnectionString) = (ClusteringOptions.Invariant, database));
        services.Configure<AdoNetClusteringClientOptions>(o => (o.Invariant, o.ConnectionString) = (ClusteringOptions.Invariant, database));
        services.AddSingleton(Schema(database));
        services.AddSingleton<IMembershipTable>(sp => new PostgresMembershipTable(
            ActivatorUtilities.CreateInstance<AdoNetClusteringTable>(sp), sp.GetRequiredService<PostgresClusteringSchema>(), TimeSpan.FromSeconds(30)));
        services.AddSingleton<IGatewayListProvider>(sp => new PostgresGatewayListProvider(
            ActivatorUtilities.CreateInstance<AdoNetGatewayListProvider>(sp), sp.GetRequiredService<PostgresClusteringSchema>(), TimeSpan.FromSeconds(30)));
        return services.BuildServiceProvider();
    }

    private static MembershipEntry Entry(int port, SiloStatus status)
    {
        var now = DateTime.UtcNow;
        return new MembershipEntry
        {
            SiloAddress = SiloAddress.New(IPAddress.Loopback, port, 42),
            SiloName = $"silo-{port}",
            HostName = "localhost",
            Status = status,
            ProxyPort = 30000,
            StartTime = now,
            IAmAliveTime = now,
        };
    }

    private static async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
