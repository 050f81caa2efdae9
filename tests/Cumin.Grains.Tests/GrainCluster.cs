using System.Collections.Concurrent;
using Cumin.Silo;
using Cumin.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace Cumin.Grains.Tests;

/// <summary>
/// An in-process test cluster of two silos wired exactly as Cumin.Silo wires itself (DynamoDB Local storage, the
/// task catalog), with this fixture's own tables and a clock the tests move.
/// </summary>
public sealed class GrainCluster : IAsyncLifetime
{
    public const int ScanLimit = 100;

    public string Prefix { get; } = LocalStack.UniquePrefix("grains");

    public ManualClock Clock { get; } = new(DateTimeOffset.Parse("2026-11-24T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>Storage faults a test arms for one item; the silos' DynamoDB client applies them.</summary>
    public StorageFaults Faults { get; } = new();

    /// <summary>Every DynamoDB request of the silos, by partition and operation.</summary>
    public StorageCalls Storage { get; } = new();

    /// <summary>Every grain call the silos received, counted by grain id and method name.</summary>
    public GrainCallCounter Calls { get; } = new();

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Cumin:Tables:Prefix"] = Prefix,
                ["Cumin:Orleans:Dashboard"] = "false",
                // Small, so tests reach the bound of one list request's work with a few hundred tasks, not ten thousand.
                ["Cumin:Board:ScanLimit"] = ScanLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            })
            .Build();
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton<TimeProvider>(Clock);
            silo.AddCuminSilo(configuration, clustering: false);
            silo.Services.AddSingleton<Amazon.DynamoDBv2.IAmazonDynamoDB>(_ => new FaultInjectingDynamoDB(Faults, Storage));
            silo.AddIncomingGrainCallFilter(context =>
            {
                Calls.Count(context.TargetId, context.InterfaceMethod.Name);
                return context.Invoke();
            });
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }
}

public sealed class GrainCallCounter
{
    private readonly ConcurrentDictionary<(GrainId Grain, string Method), int> _calls = new();

    public void Count(GrainId grain, string method) => _calls.AddOrUpdate((grain, method), 1, (_, n) => n + 1);

    public int Of(GrainId grain, string method) => _calls.TryGetValue((grain, method), out var n) ? n : 0;
}

[CollectionDefinition(Name)]
public sealed class GrainClusterCollection : ICollectionFixture<GrainCluster>
{
    public const string Name = "grain cluster";
}
