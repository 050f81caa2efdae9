using System.Globalization;
using System.Text.Json;
using Cumin.Lambdas.Streams;

namespace Cumin.Lambdas.Tests.TestSupport;

/// <summary>Crafted stream records, for calling a handler directly with sequence numbers the test controls.</summary>
public sealed class StreamEvents(string prefix)
{
    public string TasksStreamArn => $"arn:aws:dynamodb:us-east-1:123456789012:table/{prefix}{TableNames.Tasks}/stream/2026-01-01T00:00:00.000";

    public string ProjectsStreamArn => $"arn:aws:dynamodb:us-east-1:123456789012:table/{prefix}{TableNames.Projects}/stream/2026-01-01T00:00:00.000";

    public DynamoDbStreamRecord Insert(string projectId, string taskId, long sequence, string status) =>
        Task(StreamEventNames.Insert, projectId, taskId, sequence.ToString(CultureInfo.InvariantCulture), null, status);

    public DynamoDbStreamRecord Modify(string projectId, string taskId, long sequence, string oldStatus, string newStatus) =>
        Task(StreamEventNames.Modify, projectId, taskId, sequence.ToString(CultureInfo.InvariantCulture), oldStatus, newStatus);

    public DynamoDbStreamRecord Remove(string projectId, string taskId, long sequence, string oldStatus) =>
        Task(StreamEventNames.Remove, projectId, taskId, sequence.ToString(CultureInfo.InvariantCulture), oldStatus, null);

    public DynamoDbStreamRecord Task(string eventName, string projectId, string taskId, string sequence, string? oldStatus, string? newStatus) =>
        new()
        {
            EventId = Guid.NewGuid().ToString("N"),
            EventName = eventName,
            EventVersion = "1.1",
            EventSource = "aws:dynamodb",
            AwsRegion = "us-east-1",
            EventSourceArn = TasksStreamArn,
            Dynamodb = new StreamRecordData
            {
                ApproximateCreationDateTime = 1_790_000_000,
                Keys = Key(projectId, taskId),
                OldImage = oldStatus is null ? null : Image(projectId, taskId, oldStatus),
                NewImage = newStatus is null ? null : Image(projectId, taskId, newStatus),
                SequenceNumber = sequence,
                SizeBytes = 100,
                StreamViewType = "NEW_AND_OLD_IMAGES",
            },
        };

    public DynamoDbStreamRecord RemoveProject(string projectId, long sequence) =>
        new()
        {
            EventId = Guid.NewGuid().ToString("N"),
            EventName = StreamEventNames.Remove,
            EventVersion = "1.1",
            EventSource = "aws:dynamodb",
            AwsRegion = "us-east-1",
            EventSourceArn = ProjectsStreamArn,
            Dynamodb = new StreamRecordData
            {
                Keys = new Dictionary<string, StreamAttributeValue> { ["pk"] = StreamAttributeValue.OfString(projectId) },
                SequenceNumber = sequence.ToString(CultureInfo.InvariantCulture),
                SizeBytes = 40,
                StreamViewType = "KEYS_ONLY",
            },
        };

    public static Stream Payload(params IEnumerable<DynamoDbStreamRecord> records) =>
        new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(
            new DynamoDbStreamEvent { Records = [.. records] }, StreamsJsonContext.Default.DynamoDbStreamEvent));

    private static Dictionary<string, StreamAttributeValue> Key(string projectId, string taskId) =>
        new() { ["pk"] = StreamAttributeValue.OfString(projectId), ["sk"] = StreamAttributeValue.OfString(taskId) };

    private static Dictionary<string, StreamAttributeValue> Image(string projectId, string taskId, string status) =>
        new(Key(projectId, taskId))
        {
            ["id"] = StreamAttributeValue.OfString(taskId),
            ["projectId"] = StreamAttributeValue.OfString(projectId),
            ["title"] = StreamAttributeValue.OfString("A task"),
            ["status"] = StreamAttributeValue.OfString(status),
            ["priority"] = StreamAttributeValue.OfString("high"),
            ["version"] = StreamAttributeValue.OfNumber("1"),
            ["etag"] = StreamAttributeValue.OfNumber("1"),
        };
}
