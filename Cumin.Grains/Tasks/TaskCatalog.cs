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
    private readonly string _table = tables.Value.Tasks;

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
            request.ExpressionAttributeNames = new() { ["#status"] = "status" };
            request.ExpressionAttributeValues[":status"] = new AttributeValue { S = TaskAttributes.StatusName(wanted) };
        }

        // One more than asked for tells whether a next page exists, so the last page's cursor is null.
        var items = new List<TaskItem>(limit + 1);
        do
        {
            request.Limit = Math.Max(limit + 1 - items.Count, 25);
            var response = await dynamoDb.QueryAsync(request, cancellationToken);
            foreach (var item in response.Items ?? [])
            {
                if (items.Count <= limit && TaskAttributes.TryRead(item, out var task))
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
            ProjectionExpression = "sk",
            ExpressionAttributeValues = new() { [":pk"] = new AttributeValue { S = projectId } },
        };
        do
        {
            var response = await dynamoDb.QueryAsync(request, cancellationToken);
            foreach (var item in response.Items ?? [])
            {
                yield return item["sk"].S;
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
internal static class TaskAttributes
{
    public static string StatusName(TaskItemStatus status) => status switch
    {
        TaskItemStatus.Todo => "todo",
        TaskItemStatus.InProgress => "in_progress",
        _ => "done",
    };

    public static bool TryRead(Dictionary<string, AttributeValue> item, out TaskItem task)
    {
        task = null!;
        if (!TryGet(item, "id", out var id) || !TryGet(item, "projectId", out var projectId)
            || !TryGet(item, "title", out var title) || !TryGet(item, "status", out var status)
            || !TryGet(item, "priority", out var priority) || !TryGet(item, "createdAt", out var createdAt)
            || !TryGet(item, "updatedAt", out var updatedAt))
        {
            return false;
        }

        TryGet(item, "description", out var description);
        var version = item.TryGetValue("version", out var v) && v.N is { } n ? long.Parse(n, CultureInfo.InvariantCulture) : 0;
        task = new TaskItem(
            id,
            projectId,
            title,
            description,
            status switch { "todo" => TaskItemStatus.Todo, "in_progress" => TaskItemStatus.InProgress, _ => TaskItemStatus.Done },
            priority switch { "low" => TaskPriority.Low, "high" => TaskPriority.High, _ => TaskPriority.Medium },
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
