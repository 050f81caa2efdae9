using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Cumin.Lambdas.Tests.TestSupport;

/// <summary>
/// The <c>tasks</c> and <c>projects</c> tables as the silo creates them, and items written in the shared
/// contract's shape with plain SDK calls (the grains are built elsewhere).
/// </summary>
public static class Tables
{
    public static async Task CreateTasksAsync(IAmazonDynamoDB dynamoDb, string prefix) =>
        await dynamoDb.CreateTableAsync(new CreateTableRequest
        {
            TableName = prefix + TableNames.Tasks,
            AttributeDefinitions = [new("pk", ScalarAttributeType.S), new("sk", ScalarAttributeType.S), new(TaskAttributes.BoardKey, ScalarAttributeType.S)],
            KeySchema = [new("pk", KeyType.HASH), new("sk", KeyType.RANGE)],
            // The board index, as the silo creates it: the exporter reads a project's tasks in board order from it.
            LocalSecondaryIndexes =
            [
                new LocalSecondaryIndex
                {
                    IndexName = TaskIndexes.Board,
                    KeySchema = [new("pk", KeyType.HASH), new(TaskAttributes.BoardKey, KeyType.RANGE)],
                    Projection = new Projection { ProjectionType = ProjectionType.ALL },
                },
            ],
            BillingMode = BillingMode.PAY_PER_REQUEST,
            StreamSpecification = new StreamSpecification { StreamEnabled = true, StreamViewType = StreamViewType.NEW_AND_OLD_IMAGES },
        });

    /// <summary>A project's labels, one item per project (pk project id).</summary>
    public static async Task CreateLabelsAsync(IAmazonDynamoDB dynamoDb, string prefix) =>
        await dynamoDb.CreateTableAsync(new CreateTableRequest
        {
            TableName = prefix + TableNames.Labels,
            AttributeDefinitions = [new("pk", ScalarAttributeType.S)],
            KeySchema = [new("pk", KeyType.HASH)],
            BillingMode = BillingMode.PAY_PER_REQUEST,
        });

    /// <summary>KEYS_ONLY: a project's REMOVE record needs no more than its key.</summary>
    public static async Task CreateProjectsAsync(IAmazonDynamoDB dynamoDb, string prefix) =>
        await dynamoDb.CreateTableAsync(new CreateTableRequest
        {
            TableName = prefix + TableNames.Projects,
            AttributeDefinitions = [new("pk", ScalarAttributeType.S)],
            KeySchema = [new("pk", KeyType.HASH)],
            BillingMode = BillingMode.PAY_PER_REQUEST,
            StreamSpecification = new StreamSpecification { StreamEnabled = true, StreamViewType = StreamViewType.KEYS_ONLY },
        });

    public static async Task PutTaskAsync(IAmazonDynamoDB dynamoDb, string prefix, string projectId, string taskId, string status)
    {
        var now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        await dynamoDb.PutItemAsync(new PutItemRequest
        {
            TableName = prefix + TableNames.Tasks,
            Item = new Dictionary<string, AttributeValue>
            {
                ["pk"] = new() { S = projectId },
                ["sk"] = new() { S = taskId },
                ["id"] = new() { S = taskId },
                ["projectId"] = new() { S = projectId },
                ["title"] = new() { S = $"Task {taskId}" },
                ["description"] = new() { S = "Written by Cumin.Lambdas.Tests" },
                ["status"] = new() { S = status },
                ["priority"] = new() { S = "medium" },
                ["createdAt"] = new() { S = now },
                ["updatedAt"] = new() { S = now },
                ["version"] = new() { N = "1" },
                ["etag"] = new() { N = "1" },
            },
        });
    }

    public static async Task MoveTaskAsync(IAmazonDynamoDB dynamoDb, string prefix, string projectId, string taskId, string status) =>
        await dynamoDb.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = prefix + TableNames.Tasks,
            Key = TaskKey(projectId, taskId),
            UpdateExpression = "SET #status = :status, #updatedAt = :now, #version = #version + :one, #etag = #etag + :one",
            ExpressionAttributeNames = new Dictionary<string, string>
            {
                ["#status"] = "status",
                ["#updatedAt"] = "updatedAt",
                ["#version"] = "version",
                ["#etag"] = "etag",
            },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>
            {
                [":status"] = new() { S = status },
                [":now"] = new() { S = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) },
                [":one"] = new() { N = "1" },
            },
            ConditionExpression = "attribute_exists(pk)",
        });

    public static async Task DeleteTaskAsync(IAmazonDynamoDB dynamoDb, string prefix, string projectId, string taskId) =>
        await dynamoDb.DeleteItemAsync(new DeleteItemRequest { TableName = prefix + TableNames.Tasks, Key = TaskKey(projectId, taskId) });

    /// <summary>A project item as the project grain stores it, with these members (the first the owner).</summary>
    public static async Task PutProjectAsync(IAmazonDynamoDB dynamoDb, string prefix, string projectId, params string[] memberIds) =>
        await dynamoDb.PutItemAsync(new PutItemRequest
        {
            TableName = prefix + TableNames.Projects,
            Item = new Dictionary<string, AttributeValue>
            {
                ["pk"] = new() { S = projectId },
                ["id"] = new() { S = projectId },
                ["name"] = new() { S = $"Project {projectId}" },
                ["members"] = new()
                {
                    L = [.. memberIds.Select((id, i) => new AttributeValue
                    {
                        M = new Dictionary<string, AttributeValue>
                        {
                            ["userId"] = new() { S = id },
                            ["name"] = new() { S = "Member" },
                            ["email"] = new() { S = $"{id}@example.com" },
                            ["role"] = new() { S = i == 0 ? "owner" : "editor" },
                        },
                    })],
                },
                ["etag"] = new() { N = "1" },
            },
        });

    public static async Task DeleteProjectAsync(IAmazonDynamoDB dynamoDb, string prefix, string projectId) =>
        await dynamoDb.DeleteItemAsync(new DeleteItemRequest
        {
            TableName = prefix + TableNames.Projects,
            Key = new Dictionary<string, AttributeValue> { ["pk"] = new() { S = projectId } },
        });

    private static Dictionary<string, AttributeValue> TaskKey(string projectId, string taskId) =>
        new() { ["pk"] = new() { S = projectId }, ["sk"] = new() { S = taskId } };
}
