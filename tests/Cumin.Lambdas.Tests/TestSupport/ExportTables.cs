using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Cumin.Lambdas.Streams;

namespace Cumin.Lambdas.Tests.TestSupport;

/// <summary>The <c>jobs</c> table as the silo creates it, job and task items in the shared contract's shape, and crafted job records.</summary>
public static class ExportTables
{
    public static async Task CreateJobsAsync(IAmazonDynamoDB dynamoDb, string prefix) =>
        await dynamoDb.CreateTableAsync(new CreateTableRequest
        {
            TableName = prefix + TableNames.Jobs,
            AttributeDefinitions = [new("pk", ScalarAttributeType.S), new("sk", ScalarAttributeType.S)],
            KeySchema = [new("pk", KeyType.HASH), new("sk", KeyType.RANGE)],
            BillingMode = BillingMode.PAY_PER_REQUEST,
            StreamSpecification = new StreamSpecification { StreamEnabled = true, StreamViewType = StreamViewType.NEW_IMAGE },
        });

    /// <summary>A pending job as the export-job grain writes it (its storage's first write: etag 1).</summary>
    public static Dictionary<string, AttributeValue> PendingJob(string userId, string exportId, string projectId) => new()
    {
        ["pk"] = new() { S = userId },
        ["sk"] = new() { S = exportId },
        ["id"] = new() { S = exportId },
        ["userId"] = new() { S = userId },
        ["projectId"] = new() { S = projectId },
        ["status"] = new() { S = "pending" },
        ["createdAt"] = new() { S = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) },
        ["etag"] = new() { N = "1" },
    };

    public static async Task PutAsync(IAmazonDynamoDB dynamoDb, string table, Dictionary<string, AttributeValue> item) =>
        await dynamoDb.PutItemAsync(new PutItemRequest { TableName = table, Item = item });

    public static async Task<Dictionary<string, AttributeValue>> GetJobAsync(IAmazonDynamoDB dynamoDb, string prefix, string userId, string exportId) =>
        (await dynamoDb.GetItemAsync(new GetItemRequest
        {
            TableName = prefix + TableNames.Jobs,
            Key = new() { ["pk"] = new() { S = userId }, ["sk"] = new() { S = exportId } },
            ConsistentRead = true,
        })).Item;

    /// <summary>Task items written 25 at a time, as the benchmark seeds them.</summary>
    public static async Task PutTasksAsync(IAmazonDynamoDB dynamoDb, string prefix, IEnumerable<Dictionary<string, AttributeValue>> tasks)
    {
        var table = prefix + TableNames.Tasks;
        foreach (var chunk in tasks.Chunk(25))
        {
            var pending = new Dictionary<string, List<WriteRequest>>
            {
                [table] = [.. chunk.Select(item => new WriteRequest { PutRequest = new PutRequest { Item = item } })],
            };
            while (pending.Count > 0)
            {
                var response = await dynamoDb.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = pending });
                pending = response.UnprocessedItems is { Count: > 0 } unprocessed ? unprocessed : [];
            }
        }
    }

    /// <summary>A task as the grain storage writes it; its rank is its id unless given, so a column lists oldest first.</summary>
    public static Dictionary<string, AttributeValue> Task(
        string projectId, string taskId, string title, string? description, string status, string priority, DateTimeOffset createdAt,
        string? rank = null, string? assigneeId = null, string? dueDate = null, IEnumerable<string>? labelIds = null)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            ["pk"] = new() { S = projectId },
            ["sk"] = new() { S = taskId },
            ["id"] = new() { S = taskId },
            ["projectId"] = new() { S = projectId },
            ["title"] = new() { S = title },
            ["description"] = description is null ? new() { NULL = true } : new() { S = description },
            ["status"] = new() { S = status },
            ["priority"] = new() { S = priority },
            // The grain storage writes System.Text.Json's round-trip form; the CSV must show API.md's.
            ["createdAt"] = new() { S = createdAt.ToString("O", CultureInfo.InvariantCulture) },
            ["updatedAt"] = new() { S = createdAt.AddMinutes(5).ToString("O", CultureInfo.InvariantCulture) },
            ["rank"] = new() { S = rank ?? taskId },
            ["boardKey"] = new() { S = TaskIndexes.BoardKeyOf(status, rank ?? taskId) },
            ["labelIds"] = new() { L = [.. (labelIds ?? []).Select(id => new AttributeValue { S = id })] },
            ["version"] = new() { N = "1" },
            ["etag"] = new() { N = "1" },
        };
        if (assigneeId is not null)
        {
            item["assigneeId"] = new() { S = assigneeId };
        }

        if (dueDate is not null)
        {
            item["dueDate"] = new() { S = dueDate };
        }

        return item;
    }

    public static DynamoDbStreamRecord JobRecord(string prefix, string eventName, Dictionary<string, AttributeValue> item, string eventId, long sequence) =>
        new()
        {
            EventId = eventId,
            EventName = eventName,
            EventVersion = "1.1",
            EventSource = "aws:dynamodb",
            AwsRegion = "us-east-1",
            EventSourceArn = $"arn:aws:dynamodb:us-east-1:123456789012:table/{prefix}{TableNames.Jobs}/stream/2026-01-01T00:00:00.000",
            Dynamodb = new StreamRecordData
            {
                Keys = new Dictionary<string, StreamAttributeValue> { ["pk"] = StreamAttributeValue.OfString(item["pk"].S), ["sk"] = StreamAttributeValue.OfString(item["sk"].S) },
                NewImage = eventName == StreamEventNames.Remove ? null : item.Where(p => p.Value.S is not null || p.Value.N is not null).ToDictionary(
                    p => p.Key, p => p.Value.S is { } s ? StreamAttributeValue.OfString(s) : StreamAttributeValue.OfNumber(p.Value.N)),
                SequenceNumber = sequence.ToString(CultureInfo.InvariantCulture),
                SizeBytes = 200,
                StreamViewType = "NEW_IMAGE",
            },
        };
}
