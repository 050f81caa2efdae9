using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cumin.Lambdas.Streams;

/// <summary>
/// What a stream handler returns under <c>FunctionResponseTypes: ReportBatchItemFailures</c>:
/// <c>{"batchItemFailures":[{"itemIdentifier":"&lt;SequenceNumber&gt;"}]}</c>. An empty list means the whole batch
/// succeeded; otherwise the event source resumes from the lowest failed sequence number.
/// </summary>
public sealed record StreamsEventResponse
{
    private static readonly byte[] AllSucceededJson =
        JsonSerializer.SerializeToUtf8Bytes(new StreamsEventResponse(), StreamsJsonContext.Default.StreamsEventResponse);

    [JsonPropertyName("batchItemFailures")]
    public IReadOnlyList<BatchItemFailure> BatchItemFailures { get; init; } = [];

    /// <summary>A handler's answer when the whole batch succeeded: <c>{"batchItemFailures":[]}</c>.</summary>
    public static Stream AllSucceeded() => new MemoryStream(AllSucceededJson, writable: false);

    /// <summary>A handler's answer when the batch failed from the record with <paramref name="sequenceNumber"/> on.</summary>
    public static Stream FailedFrom(string sequenceNumber) =>
        new MemoryStream(
            JsonSerializer.SerializeToUtf8Bytes(
                new StreamsEventResponse { BatchItemFailures = [new BatchItemFailure { ItemIdentifier = sequenceNumber }] },
                StreamsJsonContext.Default.StreamsEventResponse),
            writable: false);
}

public sealed record BatchItemFailure
{
    /// <summary>The failed record's <c>dynamodb.SequenceNumber</c>.</summary>
    [JsonPropertyName("itemIdentifier")]
    public string? ItemIdentifier { get; init; }
}
