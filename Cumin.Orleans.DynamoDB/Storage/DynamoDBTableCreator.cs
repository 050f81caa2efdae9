using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging;

namespace Cumin.Orleans.DynamoDB;

/// <summary>
/// Creates missing tables on silo start: pay-per-request, the configured stream, TTL when configured. Idempotent, and
/// safe when several silos start at once: losing the creation race (ResourceInUseException) is as good as winning it.
/// Tables that already exist are left as they are.
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

        return request;
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

    [LoggerMessage(101, LogLevel.Debug, "DynamoDB table {TableName} exists ({Status}); left as it is")]
    private static partial void LogTableExists(ILogger logger, string tableName, TableStatus status);

    [LoggerMessage(102, LogLevel.Information, "Creating DynamoDB table {TableName} (pay per request, stream {StreamViewType}, TTL attribute {TimeToLiveAttribute})")]
    private static partial void LogTableCreating(ILogger logger, string tableName, string streamViewType, string timeToLiveAttribute);

    [LoggerMessage(103, LogLevel.Information, "DynamoDB table {TableName} was being created by another silo")]
    private static partial void LogTableCreatedElsewhere(ILogger logger, string tableName);

    [LoggerMessage(104, LogLevel.Information, "Enabled TTL on DynamoDB table {TableName} (attribute {Attribute})")]
    private static partial void LogTimeToLiveEnabled(ILogger logger, string tableName, string attribute);
}
