using System.Globalization;
using Cumin.Lambdas.Streams;

namespace Cumin.Lambdas.Tests.TestSupport;

/// <summary>Stream records of the tasks, comments, labels and projects tables, shaped as the grains' items are.</summary>
public sealed class ActivityEvents(string prefix)
{
    private long _sequence = 1_000;

    public static Dictionary<string, StreamAttributeValue> Item(params (string Name, object? Value)[] attributes) =>
        attributes.Where(a => a.Value is not null).ToDictionary(a => a.Name, a => Value(a.Value!));

    public static StreamAttributeValue Value(object value) => value switch
    {
        StreamAttributeValue v => v,
        string s => StreamAttributeValue.OfString(s),
        int n => StreamAttributeValue.OfNumber(n.ToString(CultureInfo.InvariantCulture)),
        IEnumerable<string> list => new StreamAttributeValue { L = [.. list.Select(StreamAttributeValue.OfString)] },
        IEnumerable<Dictionary<string, StreamAttributeValue>> maps => new StreamAttributeValue { L = [.. maps.Select(m => new StreamAttributeValue { M = m })] },
        _ => throw new ArgumentException($"no attribute value for {value.GetType()}"),
    };

    public static Dictionary<string, StreamAttributeValue> TaskImage(
        string projectId, string taskId, string title, string status = TaskStatusNames.Todo, string rank = "a0",
        string updatedBy = "u-owner", string updatedAt = "2026-12-01T10:00:00.000Z", string? assigneeId = null,
        string? deletedBy = null, int commentCount = 0) =>
        Item(
            (KeyAttributes.Partition, projectId), (KeyAttributes.Sort, taskId), (TaskAttributes.Id, taskId), (TaskAttributes.ProjectId, projectId),
            (TaskAttributes.Title, title), (TaskAttributes.Status, status), (TaskAttributes.Priority, TaskPriorityNames.Medium),
            (TaskAttributes.Rank, rank), (TaskAttributes.AssigneeId, assigneeId), (TaskAttributes.LabelIds, Array.Empty<string>()),
            (TaskAttributes.CommentCount, commentCount), (TaskAttributes.CreatedBy, "u-owner"), (TaskAttributes.CreatedAt, "2026-12-01T09:00:00.000Z"),
            (TaskAttributes.UpdatedBy, updatedBy), (TaskAttributes.UpdatedAt, updatedAt), (TaskAttributes.DeletedBy, deletedBy));

    public static Dictionary<string, StreamAttributeValue> Comment(
        string projectId, string taskId, string commentId, string body, string authorId = "u-owner",
        string updatedAt = "2026-12-01T10:00:00.000Z", string? deletedBy = null) =>
        Item(
            (KeyAttributes.Partition, CommentAttributes.PartitionOf(projectId, taskId)), (KeyAttributes.Sort, commentId),
            (CommentAttributes.Id, commentId), (CommentAttributes.TaskId, taskId), (CommentAttributes.AuthorId, authorId),
            (CommentAttributes.Body, body), (CommentAttributes.CreatedBy, authorId), (CommentAttributes.CreatedAt, "2026-12-01T09:00:00.000Z"),
            (CommentAttributes.UpdatedBy, deletedBy ?? authorId), (CommentAttributes.UpdatedAt, updatedAt), (CommentAttributes.DeletedBy, deletedBy));

    public static Dictionary<string, StreamAttributeValue> Labels(string projectId, string updatedBy, string updatedAt, params (string Id, string Name, string Color)[] labels) =>
        Item(
            (KeyAttributes.Partition, projectId), (LabelAttributes.UpdatedBy, updatedBy), (LabelAttributes.UpdatedAt, updatedAt),
            (LabelAttributes.Labels, labels.Select(l => Item((LabelEntryAttributes.Id, l.Id), (LabelEntryAttributes.Name, l.Name), (LabelEntryAttributes.Color, l.Color))).ToList()));

    public static Dictionary<string, StreamAttributeValue> Project(
        string projectId, string name, string updatedBy, string updatedAt, params (string UserId, string Role)[] members) =>
        Item(
            (KeyAttributes.Partition, projectId), (ProjectAttributes.Id, projectId), (ProjectAttributes.Name, name),
            (ProjectAttributes.OwnerId, "u-owner"), (ProjectAttributes.UpdatedBy, updatedBy), (ProjectAttributes.UpdatedAt, updatedAt),
            (ProjectAttributes.Members, members.Select(m => Item(
                (MemberAttributes.UserId, m.UserId), (MemberAttributes.Name, $"Name of {m.UserId}"), (MemberAttributes.Email, $"{m.UserId}@example.com"),
                (MemberAttributes.Role, m.Role))).ToList()));

    /// <summary>A record of <paramref name="table"/>: INSERT without an old image, REMOVE without a new one, else MODIFY.</summary>
    public DynamoDbStreamRecord Record(
        string table, Dictionary<string, StreamAttributeValue>? oldImage, Dictionary<string, StreamAttributeValue>? newImage)
    {
        var image = newImage ?? oldImage ?? throw new ArgumentException("a record has at least one image");
        var keys = image.Where(a => a.Key is KeyAttributes.Partition or KeyAttributes.Sort).ToDictionary();
        return new DynamoDbStreamRecord
        {
            EventId = Guid.NewGuid().ToString("N"),
            EventName = oldImage is null ? StreamEventNames.Insert : newImage is null ? StreamEventNames.Remove : StreamEventNames.Modify,
            EventVersion = "1.1",
            EventSource = "aws:dynamodb",
            AwsRegion = "us-east-1",
            EventSourceArn = $"arn:aws:dynamodb:us-east-1:123456789012:table/{prefix}{table}/stream/2026-01-01T00:00:00.000",
            Dynamodb = new StreamRecordData
            {
                ApproximateCreationDateTime = 1_790_000_000,
                Keys = keys,
                OldImage = oldImage,
                NewImage = newImage,
                SequenceNumber = Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture),
                SizeBytes = 200,
                StreamViewType = "NEW_AND_OLD_IMAGES",
            },
        };
    }
}
