using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging;

namespace Cumin.Orleans.DynamoDB;

/// <summary>
/// Creates missing tables on silo start: pay-per-request, the configured stream, secondary indexes, TTL when configured.
/// Idempotent, and safe when several silos start at once: losing the creation race (ResourceInUseException) is as good
/// as winning it. Tables that already exist are left as they are, except that a missing global secondary index is added
/// (and waited for); a missing local one cannot be, so start fails saying which, rather than every query later.
/// </summary>
internal sealed partial class DynamoDBTableCreator(IAmazonDynamoDB client, ILogger logger, TimeProvider timeProvider, TimeSpan activationTimeout)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public Task EnsureTablesAsync(IEnumerable<DynamoDBTableBinding> tables, CancellationToken cancellationToken) =>
        Task.WhenAll(tables.DistinctBy(table => table.TableName, StringComparer.Ordinal).Select(table => EnsureTableAsync(table, cancellationToken)));

    public async Task EnsureTableAsync(DynamoDBTableBinding table, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(activationTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            if (await DescribeAsync(table.TableName, linked.Token) is { } existing)
            {
                LogTableExists(logger, table.TableName, existing.TableStatus);
                if (existing.TableStatus != TableStatus.ACTIVE)
                {
                    await WaitUntilActiveAsync(table.TableName, linked.Token);
                }

                await EnsureIndexesAsync(table, existing, linked.Token);
                return;
            }

            try
            {
                await client.CreateTableAsync(CreateRequest(table), linked.Token);
                LogTableCreating(logger, table.TableName, table.StreamViewType ?? "none", table.TimeToLiveAttribute ?? "none");
            }
            catch (ResourceInUseException)
            {
                // Another silo created it between our DescribeTable and CreateTable.
                LogTableCreatedElsewhere(logger, table.TableName);
            }

            await WaitUntilActiveAsync(table.TableName, linked.Token);
            if (table.TimeToLiveAttribute is { } attribute)
            {
                await EnableTimeToLiveAsync(table.TableName, attribute, linked.Token);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"DynamoDB table '{table.TableName}' did not become ACTIVE within {activationTimeout}.");
        }
    }

    internal static CreateTableRequest CreateRequest(DynamoDBTableBinding table)
    {
        var request = new CreateTableRequest
        {
            TableName = table.TableName,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            KeySchema = [new KeySchemaElement(table.PartitionKeyName, KeyType.HASH)],
            AttributeDefinitions = [new AttributeDefinition(table.PartitionKeyName, ScalarAttributeType.S)],
        };

        if (table.SortKeyName is { } sortKey)
        {
            request.KeySchema.Add(new KeySchemaElement(sortKey, KeyType.RANGE));
            request.AttributeDefinitions.Add(new AttributeDefinition(sortKey, ScalarAttributeType.S));
        }

        if (table.StreamViewType is { } view)
        {
            request.StreamSpecification = new StreamSpecification { StreamEnabled = true, StreamViewType = view };
        }

        if (table.LocalSecondaryIndexes.Count > 0)
        {
            request.LocalSecondaryIndexes = [.. table.LocalSecondaryIndexes.Select(index => new LocalSecondaryIndex
            {
                IndexName = index.IndexName,
                KeySchema = KeySchema(table.PartitionKeyName, index.SortKeyName),
                Projection = new Projection { ProjectionType = ProjectionType.ALL },
            })];
        }

        if (table.GlobalSecondaryIndexes.Count > 0)
        {
            request.GlobalSecondaryIndexes = [.. table.GlobalSecondaryIndexes.Select(Global)];
        }

        foreach (var name in IndexKeyNames(table.LocalSecondaryIndexes.Concat(table.GlobalSecondaryIndexes)))
        {
            if (!request.AttributeDefinitions.Exists(a => a.AttributeName == name))
            {
                request.AttributeDefinitions.Add(new AttributeDefinition(name, ScalarAttributeType.S));
            }
        }

        return request;
    }

    private static GlobalSecondaryIndex Global(DynamoDBIndex index) => new()
    {
        IndexName = index.IndexName,
        KeySchema = KeySchema(index.PartitionKeyName!, index.SortKeyName),
        Projection = new Projection { ProjectionType = ProjectionType.ALL },
    };

    private static List<KeySchemaElement> KeySchema(string partitionKey, string? sortKey) =>
        sortKey is null
            ? [new KeySchemaElement(partitionKey, KeyType.HASH)]
            : [new KeySchemaElement(partitionKey, KeyType.HASH), new KeySchemaElement(sortKey, KeyType.RANGE)];

    private static IEnumerable<string> IndexKeyNames(IEnumerable<DynamoDBIndex> indexes) =>
        indexes.SelectMany(i => new[] { i.PartitionKeyName, i.SortKeyName }).OfType<string>().Distinct(StringComparer.Ordinal);

    /// <summary>The indexes of an existing table: a missing local one stops start, a missing global one is added.</summary>
    private async Task EnsureIndexesAsync(DynamoDBTableBinding table, TableDescription existing, CancellationToken cancellationToken)
    {
        var locals = existing.LocalSecondaryIndexes?.Select(i => i.IndexName).ToHashSet(StringComparer.Ordinal) ?? [];
        if (table.LocalSecondaryIndexes.FirstOrDefault(i => !locals.Contains(i.IndexName)) is { } missing)
        {
            throw new InvalidOperationException(
                $"DynamoDB table '{table.TableName}' exists without the local secondary index '{missing.IndexName}', which DynamoDB " +
                "can only create with the table. Recreate the table (copy its items out and back), or for local data delete it.");
        }

        var globals = existing.GlobalSecondaryIndexes?.Select(i => i.IndexName).ToHashSet(StringComparer.Ordinal) ?? [];
        foreach (var index in table.GlobalSecondaryIndexes.Where(i => !globals.Contains(i.IndexName)))
        {
            try
            {
                // One index per UpdateTable: DynamoDB builds them one at a time.
                await client.UpdateTableAsync(
                    new UpdateTableRequest
                    {
                        TableName = table.TableName,
                        AttributeDefinitions = [.. IndexKeyNames([index]).Select(name => new AttributeDefinition(name, ScalarAttributeType.S))],
                        GlobalSecondaryIndexUpdates = [new GlobalSecondaryIndexUpdate { Create = new CreateGlobalSecondaryIndexAction
                        {
                            IndexName = index.IndexName,
                            KeySchema = KeySchema(index.PartitionKeyName!, index.SortKeyName),
                            Projection = new Projection { ProjectionType = ProjectionType.ALL },
                        } }],
                    },
                    cancellationToken);
                LogIndexAdding(logger, table.TableName, index.IndexName);
            }
            catch (Exception exception) when (exception is ResourceInUseException or Amazon.DynamoDBv2.Model.LimitExceededException)
            {
                // Another silo is adding it (or another index) right now: wait for it below.
                LogIndexAddedElsewhere(logger, table.TableName, index.IndexName);
            }

            while (true)
            {
                var description = await DescribeAsync(table.TableName, cancellationToken);
                var status = description?.GlobalSecondaryIndexes?.Find(i => i.IndexName == index.IndexName)?.IndexStatus;
                if (status == IndexStatus.ACTIVE && description!.TableStatus == TableStatus.ACTIVE)
                {
                    break;
                }

                if (status is null && description?.TableStatus == TableStatus.ACTIVE)
                {
                    // Refused above because another index was being built: try this one again.
                    await EnsureIndexesAsync(table, description, cancellationToken);
                    return;
                }

                await Task.Delay(PollInterval, timeProvider, cancellationToken);
            }
        }
    }

    private async Task<TableDescription?> DescribeAsync(string tableName, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.DescribeTableAsync(new DescribeTableRequest { TableName = tableName }, cancellationToken)).Table;
        }
        catch (ResourceNotFoundException)
        {
            return null;
        }
    }

    private async Task WaitUntilActiveAsync(string tableName, CancellationToken cancellationToken)
    {
        while ((await DescribeAsync(tableName, cancellationToken))?.TableStatus != TableStatus.ACTIVE)
        {
            await Task.Delay(PollInterval, timeProvider, cancellationToken);
        }
    }

    private async Task EnableTimeToLiveAsync(string tableName, string attribute, CancellationToken cancellationToken)
    {
        var current = await client.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = tableName }, cancellationToken);
        var status = current.TimeToLiveDescription?.TimeToLiveStatus;
        if (status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING)
        {
            return;
        }

        try
        {
            await client.UpdateTimeToLiveAsync(
                new UpdateTimeToLiveRequest
                {
                    TableName = tableName,
                    TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = attribute, Enabled = true },
                },
                cancellationToken);
            LogTimeToLiveEnabled(logger, tableName, attribute);
        }
        catch (AmazonDynamoDBException exception) when (exception.Message.Contains("already enabled", StringComparison.OrdinalIgnoreCase))
        {
            // Another silo enabled it first.
        }
    }

    [LoggerMessage(105, LogLevel.Information, "Adding global secondary index {IndexName} to DynamoDB table {TableName}")]
    private static partial void LogIndexAdding(ILogger logger, string tableName, string indexName);

    [LoggerMessage(106, LogLevel.Information, "Global secondary index {IndexName} of DynamoDB table {TableName} is being added by another silo")]
    private static partial void LogIndexAddedElsewhere(ILogger logger, string tableName, string indexName);

    [LoggerMessage(101, LogLevel.Debug, "DynamoDB table {TableName} exists ({Status}); left as it is")]
    private static partial void LogTableExists(ILogger logger, string tableName, TableStatus status);

    [LoggerMessage(102, LogLevel.Information, "Creating DynamoDB table {TableName} (pay per request, stream {StreamViewType}, TTL attribute {TimeToLiveAttribute})")]
    private static partial void LogTableCreating(ILogger logger, string tableName, string streamViewType, string timeToLiveAttribute);

    [LoggerMessage(103, LogLevel.Information, "DynamoDB table {TableName} was being created by another silo")]
    private static partial void LogTableCreatedElsewhere(ILogger logger, string tableName);

    [LoggerMessage(104, LogLevel.Information, "Enabled TTL on DynamoDB table {TableName} (attribute {Attribute})")]
    private static partial void LogTimeToLiveEnabled(ILogger logger, string tableName, string attribute);
}
