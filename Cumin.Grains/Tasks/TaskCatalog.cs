using System.Buffers.Text;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Cumin.Grains.Common;
using Cumin.Tasks;
using Microsoft.Extensions.Options;

namespace Cumin.Grains.Tasks;

/// <summary>Lists a project's tasks straight from its partition of the <c>tasks</c> table (pk project id, sk task id).</summary>
public interface ITaskCatalog
{
    /// <summary>One page, oldest first (task ids sort by creation time). Null when the cursor is not one of ours.</summary>
    Task<TaskPage?> ListAsync(string projectId, TaskItemStatus? status, int limit, string? cursor, CancellationToken cancellationToken = default);

    IAsyncEnumerable<string> ListIdsAsync(string projectId, CancellationToken cancellationToken = default);
}

/// <summary>
/// Task lists come from a consistent <c>Query</c> rather than from the task grains: one request per page instead of
/// one grain activation per task, and the items it reads are exactly what the grains acknowledged.
/// </summary>
public sealed class DynamoDBTaskCatalog(IAmazonDynamoDB dynamoDb, IOptions<TableOptions> tables) : ITaskCatalog
{
    private readonly string _table = tables.Value.NameOf(TableNames.Tasks);

    public async Task<TaskPage?> ListAsync(string projectId, TaskItemStatus? status, int limit, string? cursor, CancellationToken cancellationToken = default)
    {
        string? after = null;
        if (cursor is not null && !TryDecodeCursor(cursor, out after))
        {
            return null;
        }

        var request = new QueryRequest
        {
            TableName = _table,
            ConsistentRead = true,
            KeyConditionExpression = after is null ? "pk = :pk" : "pk = :pk AND sk > :after",
            ExpressionAttributeValues = new() { [":pk"] = new AttributeValue { S = projectId } },
        };
        if (after is not null)
        {
            request.ExpressionAttributeValues[":after"] = new AttributeValue { S = after };
        }

        if (status is { } wanted)
        {
            request.FilterExpression = "#status = :status";
            request.ExpressionAttributeNames = new() { ["#status"] = TaskAttributes.Status };
            request.ExpressionAttributeValues[":status"] = new AttributeValue { S = WireNames.Of(wanted) };
        }

        // One more than asked for tells whether a next page exists, so the last page's cursor is null.
        var items = new List<TaskItem>(limit + 1);
        do
        {
            request.Limit = Math.Max(limit + 1 - items.Count, 25);
            var response = await dynamoDb.QueryAsync(request, cancellationToken);
            foreach (var item in response.Items ?? [])
            {
                if (items.Count <= limit && TaskItemReader.TryRead(item, out var task))
                {
                    items.Add(task);
                }
            }

            request.ExclusiveStartKey = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (items.Count <= limit && request.ExclusiveStartKey is not null);

        if (items.Count <= limit)
        {
            return new TaskPage(items, null);
        }

        items.RemoveAt(limit);
        return new TaskPage(items, EncodeCursor(items[^1].Id));
    }

    public async IAsyncEnumerable<string> ListIdsAsync(string projectId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = new QueryRequest
        {
            TableName = _table,
            ConsistentRead = true,
            KeyConditionExpression = "pk = :pk",
            ProjectionExpression = KeyAttributes.Sort,
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

    internal static string EncodeCursor(string taskId) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(taskId));

    internal static bool TryDecodeCursor(string cursor, out string? taskId)
    {
        taskId = null;
        if (cursor.Length > 200)
        {
            return false;
        }

        try
        {
            taskId = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
            return false;
        }

        return SortableId.IsWellFormed(taskId);
    }
}

/// <summary>Reads a task item (the shape the grain storage writes) without going through a grain.</summary>
internal static class TaskItemReader
{
    public static bool TryRead(Dictionary<string, AttributeValue> item, out TaskItem task)
    {
        task = null!;
        if (!TryGet(item, TaskAttributes.Id, out var id) || !TryGet(item, TaskAttributes.ProjectId, out var projectId)
            || !TryGet(item, TaskAttributes.Title, out var title) || !TryGet(item, TaskAttributes.Status, out var statusName)
            || !WireNames.TryParse<TaskItemStatus>(statusName, out var status)
            || !TryGet(item, TaskAttributes.Priority, out var priorityName)
            || !WireNames.TryParse<TaskPriority>(priorityName, out var priority)
            || !TryGet(item, TaskAttributes.CreatedAt, out var createdAt) || !TryGet(item, TaskAttributes.UpdatedAt, out var updatedAt))
        {
            return false;
        }

        TryGet(item, TaskAttributes.Description, out var description);
        var version = item.TryGetValue(TaskAttributes.Version, out var v) && v.N is { } n ? long.Parse(n, CultureInfo.InvariantCulture) : 0;
        task = new TaskItem(
            id,
            projectId,
            title,
            description,
            status,
            priority,
            DateTimeOffset.Parse(createdAt, CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(updatedAt, CultureInfo.InvariantCulture),
            version);
        return true;
    }

    private static bool TryGet(Dictionary<string, AttributeValue> item, string name, out string value)
    {
        value = item.TryGetValue(name, out var attribute) && attribute.S is { } s ? s : null!;
        return value is not null;
    }
}
