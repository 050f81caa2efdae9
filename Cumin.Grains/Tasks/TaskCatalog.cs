using System.Globalization;
using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Cumin.Tasks;
using Microsoft.Extensions.Options;

namespace Cumin.Grains.Tasks;

/// <summary>Reads a project's tasks straight from its partition of the <c>tasks</c> table (pk project id, sk task id).</summary>
public interface ITaskCatalog
{
    /// <summary>Every task of the project in board order (the board index: column, then rank), as stored now.</summary>
    IAsyncEnumerable<TaskItem> LoadBoardAsync(string projectId, CancellationToken cancellationToken = default);

    IAsyncEnumerable<string> ListIdsAsync(string projectId, CancellationToken cancellationToken = default);

    /// <summary>The descriptions of some of a project's tasks, by task id (strongly consistent batch reads).</summary>
    Task<Dictionary<string, string?>> ReadDescriptionsAsync(string projectId, IReadOnlyCollection<string> taskIds, CancellationToken cancellationToken = default);
}

/// <summary>
/// One paged, strongly consistent Query of the board index rather than one grain activation per task: what a project
/// reads once, when it activates, to answer its board from memory; the items are exactly what the grains acknowledged.
/// </summary>
public sealed class DynamoDBTaskCatalog(IAmazonDynamoDB dynamoDb, IOptions<TableOptions> tables) : ITaskCatalog
{
    private readonly string _table = tables.Value.NameOf(TableNames.Tasks);

    public async IAsyncEnumerable<TaskItem> LoadBoardAsync(string projectId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = new QueryRequest
        {
            TableName = _table,
            IndexName = TaskIndexes.Board,
            ConsistentRead = true,
            KeyConditionExpression = "#pk = :pk",
            ExpressionAttributeNames = new() { ["#pk"] = KeyAttributes.Partition },
            ExpressionAttributeValues = new() { [":pk"] = new AttributeValue { S = projectId } },
        };
        do
        {
            var response = await dynamoDb.QueryAsync(request, cancellationToken);
            foreach (var item in response.Items ?? [])
            {
                if (TaskItemReader.TryRead(item, out var task))
                {
                    yield return task;
                }
            }

            request.ExclusiveStartKey = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (request.ExclusiveStartKey is not null);
    }

    public async Task<Dictionary<string, string?>> ReadDescriptionsAsync(string projectId, IReadOnlyCollection<string> taskIds, CancellationToken cancellationToken = default)
    {
        var descriptions = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var batch in taskIds.Chunk(100))
        {
            var keys = batch.Select(id => new Dictionary<string, AttributeValue>
            {
                [KeyAttributes.Partition] = new() { S = projectId },
                [KeyAttributes.Sort] = new() { S = id },
            }).ToList();
            var pending = new Dictionary<string, KeysAndAttributes>
            {
                [_table] = new()
                {
                    Keys = keys,
                    ConsistentRead = true,
                    ProjectionExpression = "#sk, #description",
                    ExpressionAttributeNames = new() { ["#sk"] = KeyAttributes.Sort, ["#description"] = TaskAttributes.Description },
                },
            };
            for (var attempt = 0; pending.Count > 0; attempt++)
            {
                var response = await dynamoDb.BatchGetItemAsync(new BatchGetItemRequest { RequestItems = pending }, cancellationToken);
                foreach (var item in response.Responses?.GetValueOrDefault(_table) ?? [])
                {
                    descriptions[item[KeyAttributes.Sort].S] = item.TryGetValue(TaskAttributes.Description, out var d) ? d.S : null;
                }

                pending = response.UnprocessedKeys is { Count: > 0 } left ? left : [];
                if (pending.Count > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(500, 10 << Math.Min(attempt, 5))), cancellationToken);
                }
            }
        }

        return descriptions;
    }

    public async IAsyncEnumerable<string> ListIdsAsync(string projectId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = new QueryRequest
        {
            TableName = _table,
            ConsistentRead = true,
            KeyConditionExpression = "#pk = :pk",
            ProjectionExpression = "#sk",
            ExpressionAttributeNames = new() { ["#pk"] = KeyAttributes.Partition, ["#sk"] = KeyAttributes.Sort },
            ExpressionAttributeValues = new() { [":pk"] = new AttributeValue { S = projectId } },
        };
        do
        {
            var response = await dynamoDb.QueryAsync(request, cancellationToken);
            foreach (var item in response.Items ?? [])
            {
                yield return item[KeyAttributes.Sort].S;
            }

            request.ExclusiveStartKey = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (request.ExclusiveStartKey is not null);
    }
}

/// <summary>Reads a task item (the shape the grain storage writes, <see cref="TaskAttributes"/>) without going through a grain.</summary>
internal static class TaskItemReader
{
    public static bool TryRead(Dictionary<string, AttributeValue> item, out TaskItem task)
    {
        task = null!;
        if (Text(item, TaskAttributes.Id) is not { } id || Text(item, TaskAttributes.ProjectId) is not { } projectId
            || Text(item, TaskAttributes.Title) is not { } title
            || !WireNames.TryParse<TaskItemStatus>(Text(item, TaskAttributes.Status), out var status)
            || !WireNames.TryParse<TaskPriority>(Text(item, TaskAttributes.Priority), out var priority)
            || Time(item, TaskAttributes.CreatedAt) is not { } createdAt || Time(item, TaskAttributes.UpdatedAt) is not { } updatedAt)
        {
            return false;
        }

        DateOnly? due = DateOnly.TryParseExact(Text(item, TaskAttributes.DueDate), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
        IReadOnlyList<string> labels = item.TryGetValue(TaskAttributes.LabelIds, out var list) && list.L is { Count: > 0 } values
            ? [.. values.Select(v => v.S).OfType<string>()]
            : [];
        task = new TaskItem(
            id,
            projectId,
            title,
            Text(item, TaskAttributes.Description),
            status,
            priority,
            Text(item, TaskAttributes.AssigneeId),
            due,
            labels,
            Text(item, TaskAttributes.Rank) ?? "",
            (int)Number(item, TaskAttributes.CommentCount),
            createdAt,
            Text(item, TaskAttributes.CreatedBy) ?? "",
            updatedAt,
            Text(item, TaskAttributes.UpdatedBy) ?? "",
            Number(item, TaskAttributes.Version));
        return true;
    }

    private static string? Text(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) ? value.S : null;

    private static long Number(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && long.TryParse(value.N, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : 0;

    private static DateTimeOffset? Time(Dictionary<string, AttributeValue> item, string name) =>
        DateTimeOffset.TryParse(Text(item, name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
}
