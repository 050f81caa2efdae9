using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Cumin.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cumin.Orleans.DynamoDB.Tests;

/// <summary>Tables the silo creates on start, and creation when several silos race or the table already exists.</summary>
[Collection(StorageClusterCollection.Name)]
public sealed class TableCreationTests(StorageCluster fixture)
{
    [Fact]
    public async Task Missing_tables_are_created_on_start_with_their_key_schema_stream_and_ttl()
    {
        var tasks = (await fixture.DynamoDb.DescribeTableAsync(fixture.TasksTable)).Table;
        var profiles = (await fixture.DynamoDb.DescribeTableAsync(fixture.ProfilesTable)).Table;
        var grains = (await fixture.DynamoDb.DescribeTableAsync(fixture.DefaultTable)).Table;
        var profilesTtl = (await fixture.DynamoDb.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = fixture.ProfilesTable })).TimeToLiveDescription;

        Assert.Empty(fixture.TablesBeforeStart);
        Assert.Equal(TableStatus.ACTIVE, tasks.TableStatus);
        Assert.Equal([("pk", KeyType.HASH), ("sk", KeyType.RANGE)], tasks.KeySchema.Select(k => (k.AttributeName, k.KeyType)));
        Assert.True(tasks.StreamSpecification.StreamEnabled);
        Assert.Equal(StreamViewType.NEW_AND_OLD_IMAGES, tasks.StreamSpecification.StreamViewType);
        Assert.NotNull(tasks.LatestStreamArn);
        Assert.Equal(BillingMode.PAY_PER_REQUEST, tasks.BillingModeSummary?.BillingMode);

        Assert.Equal([("pk", KeyType.HASH)], profiles.KeySchema.Select(k => (k.AttributeName, k.KeyType)));
        Assert.True(profiles.StreamSpecification is null || profiles.StreamSpecification.StreamEnabled is not true);
        Assert.Equal(TimeToLiveStatus.ENABLED, profilesTtl.TimeToLiveStatus);
        Assert.Equal("expiresAt", profilesTtl.AttributeName);

        Assert.Equal([("pk", KeyType.HASH), ("sk", KeyType.RANGE)], grains.KeySchema.Select(k => (k.AttributeName, k.KeyType)));
    }

    [Fact]
    public async Task Silos_racing_to_create_a_missing_table_all_succeed()
    {
        var binding = new DynamoDBTableBinding(
            new DynamoDBTableMapping
            {
                TableName = "race",
                SortKeyName = "sk",
                StreamViewType = StreamViewType.NEW_IMAGE,
                TimeToLiveAttribute = "ttl",
                TimeToLive = TimeSpan.FromHours(1),
            },
            LocalStack.UniquePrefix("race"));

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Creator().EnsureTableAsync(binding, CancellationToken.None)));
        var table = (await fixture.DynamoDb.DescribeTableAsync(binding.TableName)).Table;
        var ttl = (await fixture.DynamoDb.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = binding.TableName })).TimeToLiveDescription;

        Assert.Equal(TableStatus.ACTIVE, table.TableStatus);
        Assert.Equal(StreamViewType.NEW_IMAGE, table.StreamSpecification.StreamViewType);
        Assert.Equal(TimeToLiveStatus.ENABLED, ttl.TimeToLiveStatus);
        Assert.Equal("ttl", ttl.AttributeName);
    }

    [Fact]
    public async Task Existing_table_is_left_as_it_is()
    {
        var prefix = LocalStack.UniquePrefix("existing");
        await fixture.DynamoDb.CreateTableAsync(new CreateTableRequest
        {
            TableName = prefix + "tasks",
            BillingMode = BillingMode.PROVISIONED,
            ProvisionedThroughput = new ProvisionedThroughput(5, 5),
            KeySchema = [new KeySchemaElement("id", KeyType.HASH)],
            AttributeDefinitions = [new AttributeDefinition("id", ScalarAttributeType.S)],
        });
        var binding = new DynamoDBTableBinding(
            new DynamoDBTableMapping { TableName = "tasks", SortKeyName = "sk", StreamViewType = StreamViewType.NEW_AND_OLD_IMAGES },
            prefix);

        await Creator().EnsureTableAsync(binding, CancellationToken.None);
        var table = (await fixture.DynamoDb.DescribeTableAsync(binding.TableName)).Table;

        Assert.Equal([("id", KeyType.HASH)], table.KeySchema.Select(k => (k.AttributeName, k.KeyType)));
        Assert.True(table.StreamSpecification is null || table.StreamSpecification.StreamEnabled is not true);
    }

    private DynamoDBTableCreator Creator() =>
        new(fixture.DynamoDb, NullLogger.Instance, TimeProvider.System, TimeSpan.FromMinutes(1));
}
