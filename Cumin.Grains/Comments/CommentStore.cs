using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Cumin.Comments;
using Microsoft.Extensions.Options;

namespace Cumin.Grains.Comments;

/// <summary>
/// A task's comments in the <c>comments</c> table (pk <c>{projectId}/{taskId}</c>, sk comment id, time-ordered). Only
/// the task's grain calls this, one call at a time, so it is their one writer. Adding and deleting a comment changes
/// the task's <c>commentCount</c> in the same transaction, conditional on the task item's storage version: the count is
/// exact whatever fails.
/// </summary>
public interface ICommentStore
{
    /// <summary>One page, oldest first. Null when the cursor is not one of ours.</summary>
    Task<CommentPage?> ListAsync(string projectId, string taskId, int limit, string? cursor, CancellationToken cancellationToken = default);

    Task<Comment?> GetAsync(string projectId, string taskId, string commentId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <paramref name="comment"/> and sets the task's count to <paramref name="count"/>, if the task item is still
    /// at storage version <paramref name="taskETag"/> (then at the next one). False when it is not (nothing written).
    /// </summary>
    Task<bool> AddAsync(string projectId, Comment comment, int count, string taskETag, CancellationToken cancellationToken = default);

    Task UpdateAsync(string projectId, Comment comment, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stamps who deletes the comment (so the stream's REMOVE record carries them), then deletes it and sets the task's
    /// count, as <see cref="AddAsync"/> does. False when the task item moved on (the comment is then kept).
    /// </summary>
    Task<bool> DeleteAsync(string projectId, string taskId, string commentId, string deletedBy, DateTimeOffset at, int count, string taskETag, CancellationToken cancellationToken = default);

    /// <summary>Deletes every comment of a task (the task is gone).</summary>
    Task DeleteAllAsync(string projectId, string taskId, CancellationToken cancellationToken = default);
}

public sealed class DynamoDBCommentStore(IAmazonDynamoDB dynamoDb, IOptions<TableOptions> tables) : ICommentStore
{
    private readonly string _comments = tables.Value.NameOf(TableNames.Comments);
    private readonly string _tasks = tables.Value.NameOf(TableNames.Tasks);

    public async Task<CommentPage?> ListAsync(string projectId, string taskId, int limit, string? cursor, CancellationToken cancellationToken = default)
    {
        string? after = null;
        if (cursor is not null && !TryDecode(cursor, out after))
        {
            return null;
        }

        var request = new QueryRequest
        {
            TableName = _comments,
            ConsistentRead = true,
            KeyConditionExpression = after is null ? "#pk = :pk" : "#pk = :pk AND #sk > :after",
            ExpressionAttributeNames = new() { ["#pk"] = KeyAttributes.Partition },
            ExpressionAttributeValues = new() { [":pk"] = S(CommentAttributes.PartitionOf(projectId, taskId)) },
            // One more than asked for tells whether a next page exists, so the last page's cursor is null.
            Limit = limit + 1,
        };
        if (after is not null)
        {
            request.ExpressionAttributeNames["#sk"] = KeyAttributes.Sort;
            request.ExpressionAttributeValues[":after"] = S(after);
        }

        var comments = new List<Comment>(limit + 1);
        do
        {
            var response = await dynamoDb.QueryAsync(request, cancellationToken);
            comments.AddRange((response.Items ?? []).Select(Read).OfType<Comment>());
            request.ExclusiveStartKey = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
            request.Limit = limit + 1 - comments.Count;
        }
        while (comments.Count <= limit && request.ExclusiveStartKey is not null);

        if (comments.Count <= limit)
        {
            return new CommentPage(comments, null);
        }

        comments.RemoveRange(limit, comments.Count - limit);
        return new CommentPage(comments, Base64Url.EncodeToString(Encoding.UTF8.GetBytes(comments[^1].Id)));
    }

    public async Task<Comment?> GetAsync(string projectId, string taskId, string commentId, CancellationToken cancellationToken = default)
    {
        var response = await dynamoDb.GetItemAsync(
            new GetItemRequest { TableName = _comments, Key = Key(projectId, taskId, commentId), ConsistentRead = true },
            cancellationToken);
        return response.Item is { Count: > 0 } item ? Read(item) : null;
    }

    public async Task<bool> AddAsync(string projectId, Comment comment, int count, string taskETag, CancellationToken cancellationToken = default)
    {
        var item = Key(projectId, comment.TaskId, comment.Id);
        item[CommentAttributes.Id] = S(comment.Id);
        item[CommentAttributes.ProjectId] = S(projectId);
        item[CommentAttributes.TaskId] = S(comment.TaskId);
        item[CommentAttributes.AuthorId] = S(comment.AuthorId);
        item[CommentAttributes.Body] = S(comment.Body);
        item[CommentAttributes.CreatedAt] = S(Time(comment.CreatedAt));
        item[CommentAttributes.CreatedBy] = S(comment.AuthorId);
        item[CommentAttributes.UpdatedAt] = S(Time(comment.UpdatedAt));
        item[CommentAttributes.UpdatedBy] = S(comment.AuthorId);
        return await TransactAsync(
            new TransactWriteItem
            {
                Put = new Put
                {
                    TableName = _comments,
                    Item = item,
                    ConditionExpression = "attribute_not_exists(#sk)",
                    ExpressionAttributeNames = new() { ["#sk"] = KeyAttributes.Sort },
                },
            },
            projectId,
            comment.TaskId,
            count,
            taskETag,
            cancellationToken);
    }

    public async Task UpdateAsync(string projectId, Comment comment, CancellationToken cancellationToken = default) =>
        await dynamoDb.UpdateItemAsync(
            new UpdateItemRequest
            {
                TableName = _comments,
                Key = Key(projectId, comment.TaskId, comment.Id),
                UpdateExpression = "SET #body = :body, #updatedAt = :at, #updatedBy = :by",
                ConditionExpression = "attribute_exists(#sk)",
                ExpressionAttributeNames = new()
                {
                    ["#body"] = CommentAttributes.Body,
                    ["#updatedAt"] = CommentAttributes.UpdatedAt,
                    ["#updatedBy"] = CommentAttributes.UpdatedBy,
                    ["#sk"] = KeyAttributes.Sort,
                },
                ExpressionAttributeValues = new()
                {
                    [":body"] = S(comment.Body),
                    [":at"] = S(Time(comment.UpdatedAt)),
                    [":by"] = S(comment.AuthorId),
                },
            },
            cancellationToken);

    public async Task<bool> DeleteAsync(string projectId, string taskId, string commentId, string deletedBy, DateTimeOffset at, int count, string taskETag, CancellationToken cancellationToken = default)
    {
        var key = Key(projectId, taskId, commentId);
        await dynamoDb.UpdateItemAsync(
            new UpdateItemRequest
            {
                TableName = _comments,
                Key = key,
                UpdateExpression = "SET #deletedBy = :by, #updatedBy = :by, #updatedAt = :at",
                ConditionExpression = "attribute_exists(#sk)",
                ExpressionAttributeNames = new()
                {
                    ["#deletedBy"] = CommentAttributes.DeletedBy,
                    ["#updatedBy"] = CommentAttributes.UpdatedBy,
                    ["#updatedAt"] = CommentAttributes.UpdatedAt,
                    ["#sk"] = KeyAttributes.Sort,
                },
                ExpressionAttributeValues = new() { [":by"] = S(deletedBy), [":at"] = S(Time(at)) },
            },
            cancellationToken);
        return await TransactAsync(
            new TransactWriteItem
            {
                Delete = new Delete
                {
                    TableName = _comments,
                    Key = key,
                    ConditionExpression = "attribute_exists(#sk)",
                    ExpressionAttributeNames = new() { ["#sk"] = KeyAttributes.Sort },
                },
            },
            projectId,
            taskId,
            count,
            taskETag,
            cancellationToken);
    }

    public async Task DeleteAllAsync(string projectId, string taskId, CancellationToken cancellationToken = default)
    {
        var request = new QueryRequest
        {
            TableName = _comments,
            ConsistentRead = true,
            KeyConditionExpression = "#pk = :pk",
            ProjectionExpression = "#pk, #sk",
            ExpressionAttributeNames = new() { ["#pk"] = KeyAttributes.Partition, ["#sk"] = KeyAttributes.Sort },
            ExpressionAttributeValues = new() { [":pk"] = S(CommentAttributes.PartitionOf(projectId, taskId)) },
        };
        do
        {
            var response = await dynamoDb.QueryAsync(request, cancellationToken);
            foreach (var batch in (response.Items ?? []).Chunk(25))
            {
                var writes = batch.Select(key => new WriteRequest { DeleteRequest = new DeleteRequest { Key = key } }).ToList();
                var pending = new Dictionary<string, List<WriteRequest>> { [_comments] = writes };
                // DynamoDB may leave some unprocessed under load: send those again, briefly backing off.
                for (var attempt = 0; pending.Count > 0; attempt++)
                {
                    var result = await dynamoDb.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = pending }, cancellationToken);
                    pending = result.UnprocessedItems is { Count: > 0 } left ? left : [];
                    if (pending.Count > 0)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 25 << Math.Min(attempt, 5))), cancellationToken);
                    }
                }
            }

            request.ExclusiveStartKey = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (request.ExclusiveStartKey is not null);
    }

    /// <summary>One write of the comments table together with the task's new count, conditional on the task's storage version.</summary>
    private async Task<bool> TransactAsync(TransactWriteItem comment, string projectId, string taskId, int count, string taskETag, CancellationToken cancellationToken)
    {
        var next = (long.Parse(taskETag, NumberStyles.None, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture);
        var task = new TransactWriteItem
        {
            Update = new Update
            {
                TableName = _tasks,
                Key = new() { [KeyAttributes.Partition] = S(projectId), [KeyAttributes.Sort] = S(taskId) },
                UpdateExpression = "SET #count = :count, #etag = :next",
                ConditionExpression = "#etag = :etag",
                ExpressionAttributeNames = new() { ["#count"] = TaskAttributes.CommentCount, ["#etag"] = KeyAttributes.ETag },
                ExpressionAttributeValues = new()
                {
                    [":count"] = new AttributeValue { N = count.ToString(CultureInfo.InvariantCulture) },
                    [":next"] = new AttributeValue { N = next },
                    [":etag"] = new AttributeValue { N = taskETag },
                },
            },
        };
        try
        {
            await dynamoDb.TransactWriteItemsAsync(new TransactWriteItemsRequest { TransactItems = [comment, task] }, cancellationToken);
            return true;
        }
        catch (TransactionCanceledException canceled) when (canceled.CancellationReasons?.Any(r => r.Code == "ConditionalCheckFailed") == true)
        {
            return false;
        }
    }

    private static Comment? Read(Dictionary<string, AttributeValue> item) =>
        Text(item, CommentAttributes.Id) is { } id && Text(item, CommentAttributes.TaskId) is { } taskId
        && Text(item, CommentAttributes.AuthorId) is { } author && Text(item, CommentAttributes.Body) is { } body
        && ParseTime(Text(item, CommentAttributes.CreatedAt)) is { } created
            ? new Comment(id, taskId, author, body, created, ParseTime(Text(item, CommentAttributes.UpdatedAt)) ?? created)
            : null;

    private static Dictionary<string, AttributeValue> Key(string projectId, string taskId, string commentId) => new()
    {
        [KeyAttributes.Partition] = S(CommentAttributes.PartitionOf(projectId, taskId)),
        [KeyAttributes.Sort] = S(commentId),
    };

    private static bool TryDecode(string cursor, out string? commentId)
    {
        commentId = null;
        try
        {
            commentId = cursor.Length <= 200 ? Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)) : null;
        }
        catch (FormatException)
        {
            return false;
        }

        return SortableId.IsWellFormed(commentId);
    }

    private static AttributeValue S(string value) => new() { S = value };

    private static string? Text(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) ? value.S : null;

    private static string Time(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset? ParseTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
}
