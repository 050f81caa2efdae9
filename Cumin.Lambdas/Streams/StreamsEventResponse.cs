using System.Text.Json.Serialization;

namespace Cumin.Lambdas.Streams;

/// <summary>
/// What a stream handler returns under <c>FunctionResponseTypes: ReportBatchItemFailures</c>:
/// <c>{"batchItemFailures":[{"itemIdentifier":"&lt;SequenceNumber&gt;"}]}</c>. An empty list means the whole batch
/// succeeded; otherwise the event source resumes from the lowest failed sequence number.
/// </summary>
public sealed record StreamsEventResponse
{
    [JsonPropertyName("batchItemFailures")]
    public IReadOnlyList<BatchItemFailure> BatchItemFailures { get; init; } = [];
}

public sealed record BatchItemFailure
{
    /// <summary>The failed record's <c>dynamodb.SequenceNumber</c>.</summary>
    [JsonPropertyName("itemIdentifier")]
    public string? ItemIdentifier { get; init; }
}
