using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Cumin.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Cumin.Orleans.DynamoDB.Tests;

/// <summary>
/// One in-process silo with the DynamoDB grain storage under test, on DynamoDB Local, with tables of its own
/// (a fresh prefix, so the tables are missing when the silo starts and the silo must create them).
/// </summary>
public sealed class StorageCluster : IAsyncLifetime
{
    public const string StorageName = "dynamo";

    public string Prefix { get; } = LocalStack.UniquePrefix("storage");

    public AmazonDynamoDBClient DynamoDb { get; } = LocalStack.DynamoDb();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>Tables with this fixture's prefix that existed just before the silo started.</summary>
    public IReadOnlyList<string> TablesBeforeStart { get; private set; } = [];

    public string TasksTable => Prefix + "tasks";

    public string ProfilesTable => Prefix + "profiles";

    public string DefaultTable => Prefix + "grains";

    /// <summary>The provider as the silo built it.</summary>
    public IGrainStorage Storage => Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageName);

    public void Configure(DynamoDBGrainStorageOptions options)
    {
        options.TablePrefix = Prefix;
        options.Tables["task"] = new DynamoDBTableMapping
        {
            TableName = "tasks",
            SortKeyName = "sk",
            StreamViewType = StreamViewType.NEW_AND_OLD_IMAGES,
            DeleteStateOnClear = true,
        };
        options.Tables["profile"] = new DynamoDBTableMapping
        {
            TableName = "profiles",
            TimeToLiveAttribute = "expiresAt",
            TimeToLive = TimeSpan.FromDays(30),
        };
    }

    public async Task InitializeAsync()
    {
        TablesBeforeStart = (await DynamoDb.ListTablesAsync(new ListTablesRequest()))
            .TableNames?.Where(name => name.StartsWith(Prefix, StringComparison.Ordinal)).ToList() ?? [];

        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddDynamoDBGrainStorage(StorageName, Configure));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        DynamoDb.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class StorageClusterCollection : ICollectionFixture<StorageCluster>
{
    public const string Name = "DynamoDB storage cluster";
}
