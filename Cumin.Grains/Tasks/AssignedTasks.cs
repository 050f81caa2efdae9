using System.Buffers.Text;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Cumin.Projects;
using Cumin.Tasks;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Cumin.Grains.Tasks;

/// <summary>A user's assigned tasks across projects, from the tasks table's assignee index.</summary>
public interface IAssignedTaskCatalog
{
    /// <summary>
    /// One Query of at most <paramref name="limit"/> index entries (so one request's work is bounded; with a status
    /// filter the page may be short), soonest due first. Null when the cursor is not one of this user's.
    /// </summary>
    Task<TaskPage?> ListAsync(string userId, TaskItemStatus? status, int limit, string? cursor, CancellationToken cancellationToken = default);
}

public sealed class DynamoDBAssignedTaskCatalog(IAmazonDynamoDB dynamoDb, IOptions<TableOptions> tables) : IAssignedTaskCatalog
{
    private const string CursorVersion = "a1";
    private readonly string _table = tables.Value.NameOf(TableNames.Tasks);

    public async Task<TaskPage?> ListAsync(string userId, TaskItemStatus? status, int limit, string? cursor, CancellationToken cancellationToken = default)
    {
        var request = new QueryRequest
        {
            TableName = _table,
            IndexName = TaskIndexes.Assignee,
            KeyConditionExpression = "#assignee = :me",
            ExpressionAttributeNames = new() { ["#assignee"] = TaskAttributes.AssigneeId },
            ExpressionAttributeValues = new() { [":me"] = new AttributeValue { S = userId } },
            Limit = limit,
        };
        if (cursor is not null)
        {
            if (Decode(cursor, userId) is not { } start)
            {
                return null;
            }

            request.ExclusiveStartKey = start;
        }

        if (status is { } wanted)
        {
            request.FilterExpression = "#status = :status";
            request.ExpressionAttributeNames["#status"] = TaskAttributes.Status;
            request.ExpressionAttributeValues[":status"] = new AttributeValue { S = WireNames.Of(wanted) };
        }

        var response = await dynamoDb.QueryAsync(request, cancellationToken);
        var items = new List<TaskItem>();
        foreach (var item in response.Items ?? [])
        {
            if (TaskItemReader.TryRead(item, out var task))
            {
                items.Add(task);
            }
        }

        return new TaskPage(items, response.LastEvaluatedKey is { Count: > 0 } last ? Encode(last) : null);
    }

    /// <summary>The index position without the assignee: it is always the caller, so a cursor cannot reach anyone else's tasks.</summary>
    private static string Encode(Dictionary<string, AttributeValue> key) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join('|', CursorVersion,
            key[KeyAttributes.Partition].S, key[KeyAttributes.Sort].S, key[TaskAttributes.AssigneeKey].S)));

    private static Dictionary<string, AttributeValue>? Decode(string cursor, string userId)
    {
        string text;
        try
        {
            text = cursor.Length <= 400 ? Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)) : "";
        }
        catch (FormatException)
        {
            return null;
        }

        if (text.Split('|') is not [CursorVersion, var projectId, var taskId, var assigneeKey]
            || !SortableId.IsWellFormed(projectId) || !SortableId.IsWellFormed(taskId)
            || assigneeKey.Split('#') is not [{ Length: 10 } due, var keyTask] || keyTask != taskId
            || !DateOnly.TryParseExact(due, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _))
        {
            return null;
        }

        return new()
        {
            [KeyAttributes.Partition] = new AttributeValue { S = projectId },
            [KeyAttributes.Sort] = new AttributeValue { S = taskId },
            [TaskAttributes.AssigneeId] = new AttributeValue { S = userId },
            [TaskAttributes.AssigneeKey] = new AttributeValue { S = assigneeKey },
        };
    }
}

/// <summary>
/// "My tasks": one page of the assignee index, then only the tasks of projects the user still belongs to (each project
/// on the page is asked, as the authority), shown as every other reader shows them. The index trails writes by moments
/// (a global secondary index is eventually consistent); the membership check does not.
/// </summary>
[StatelessWorker]
public sealed class AssignedTasksGrain(IAssignedTaskCatalog catalog) : Grain, IAssignedTasksGrain
{
    public async Task<Reply<TaskPage>> List(TaskItemStatus? status, int limit, string? cursor)
    {
        if (limit is < 1 or > TaskLimits.PageMax)
        {
            return Reply<TaskPage>.Fail(Outcome.Invalid, $"limit must be 1-{TaskLimits.PageMax}");
        }

        var userId = this.GetPrimaryKeyString();
        var page = await catalog.ListAsync(userId, status, limit, cursor);
        if (page is null)
        {
            return Reply<TaskPage>.Fail(Outcome.Invalid, "cursor is not valid");
        }

        var projectIds = page.Items.Select(t => t.ProjectId).Distinct(StringComparer.Ordinal).ToList();
        var contexts = await Task.WhenAll(projectIds.Select(id => GrainFactory.Of<IProjectGrain>(id).GetContext(userId)));
        var byProject = projectIds.Zip(contexts).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
        var items = page.Items
            .Where(task => byProject[task.ProjectId] is not null)
            .Select(task => byProject[task.ProjectId]!.Mask(task))
            .Where(task => task.AssigneeId == userId)
            .ToList();
        return Reply<TaskPage>.Ok(new TaskPage(items, page.NextCursor));
    }
}
