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

    [Fact]
    public async Task A_table_is_created_with_its_local_and_global_indexes_and_a_sparse_index_leaves_out_items_without_its_key()
    {
        var binding = new DynamoDBTableBinding(IndexedMapping(), LocalStack.UniquePrefix("indexed"));
        await Creator().EnsureTableAsync(binding, CancellationToken.None);
        var table = (await fixture.DynamoDb.DescribeTableAsync(binding.TableName)).Table;

        var local = Assert.Single(table.LocalSecondaryIndexes);
        Assert.Equal("by-order", local.IndexName);
        Assert.Equal([("pk", KeyType.HASH), ("order", KeyType.RANGE)], local.KeySchema.Select(k => (k.AttributeName, k.KeyType)));
        Assert.Equal(ProjectionType.ALL, local.Projection.ProjectionType);
        var global = Assert.Single(table.GlobalSecondaryIndexes);
        Assert.Equal("by-owner", global.IndexName);
        Assert.Equal([("owner", KeyType.HASH), ("order", KeyType.RANGE)], global.KeySchema.Select(k => (k.AttributeName, k.KeyType)));
        Assert.Equal(["order", "owner", "pk", "sk"], table.AttributeDefinitions.Select(a => a.AttributeName).Order());

        // Items with and without the global index's key: only the first is in it; both are in the local one.
        await Put(binding.TableName, "p", "1", owner: "ada");
        await Put(binding.TableName, "p", "2", owner: null);
        var byOwner = await fixture.DynamoDb.QueryAsync(new QueryRequest
        {
            TableName = binding.TableName,
            IndexName = "by-owner",
            KeyConditionExpression = "#owner = :owner",
            ExpressionAttributeNames = new() { ["#owner"] = "owner" },
            ExpressionAttributeValues = new() { [":owner"] = new AttributeValue { S = "ada" } },
        });
        Assert.Equal(["1"], byOwner.Items.Select(i => i["sk"].S));
        var byOrder = await fixture.DynamoDb.QueryAsync(new QueryRequest
        {
            TableName = binding.TableName,
            IndexName = "by-order",
            ConsistentRead = true,
            KeyConditionExpression = "pk = :pk",
            ExpressionAttributeValues = new() { [":pk"] = new AttributeValue { S = "p" } },
            ScanIndexForward = false,
        });
        Assert.Equal(["2", "1"], byOrder.Items.Select(i => i["sk"].S));
    }

    [Fact]
    public async Task A_missing_global_index_is_added_to_an_existing_table_and_a_missing_local_one_stops_start()
    {
        var prefix = LocalStack.UniquePrefix("addindex");
        var withoutGlobal = IndexedMapping();
        withoutGlobal.GlobalSecondaryIndexes.Clear();
        await Creator().EnsureTableAsync(new DynamoDBTableBinding(withoutGlobal, prefix), CancellationToken.None);

        var binding = new DynamoDBTableBinding(IndexedMapping(), prefix);
        await Creator().EnsureTableAsync(binding, CancellationToken.None);
        var table = (await fixture.DynamoDb.DescribeTableAsync(binding.TableName)).Table;
        Assert.Equal("by-owner", Assert.Single(table.GlobalSecondaryIndexes).IndexName);
        Assert.Equal(IndexStatus.ACTIVE, table.GlobalSecondaryIndexes[0].IndexStatus);

        var withoutLocal = IndexedMapping();
        withoutLocal.LocalSecondaryIndexes.Clear();
        var otherPrefix = LocalStack.UniquePrefix("nolocal");
        await Creator().EnsureTableAsync(new DynamoDBTableBinding(withoutLocal, otherPrefix), CancellationToken.None);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Creator().EnsureTableAsync(new DynamoDBTableBinding(IndexedMapping(), otherPrefix), CancellationToken.None));
        Assert.Contains("by-order", refused.Message, StringComparison.Ordinal);
    }

    private static DynamoDBTableMapping IndexedMapping()
    {
        var mapping = new DynamoDBTableMapping { TableName = "items", SortKeyName = "sk" };
        mapping.LocalSecondaryIndexes.Add(new DynamoDBIndex { IndexName = "by-order", SortKeyName = "order" });
        mapping.GlobalSecondaryIndexes.Add(new DynamoDBIndex { IndexName = "by-owner", PartitionKeyName = "owner", SortKeyName = "order" });
        return mapping;
    }

    private async Task Put(string table, string pk, string sk, string? owner)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            ["pk"] = new() { S = pk },
            ["sk"] = new() { S = sk },
            ["order"] = new() { S = sk },
        };
        if (owner is not null)
        {
            item["owner"] = new() { S = owner };
        }

        await fixture.DynamoDb.PutItemAsync(new PutItemRequest { TableName = table, Item = item });
    }

    private DynamoDBTableCreator Creator() =>
        new(fixture.DynamoDb, NullLogger.Instance, TimeProvider.System, TimeSpan.FromMinutes(1));
}
