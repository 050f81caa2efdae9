using System.Text.Json;

namespace Cumin.Lambdas.Streams;

/// <summary>
/// A DynamoDB Streams event read record by record, for the functions that skip a record they cannot understand rather
/// than fail its batch (the aggregator, the activity): one record's bad JSON costs that record alone, not its shard.
/// </summary>
public static class StreamRecords
{
    /// <summary>
    /// The event's records, each read or with the reason it could not be; null when the payload is not a stream event (no
    /// <c>Records</c> array), which no retry can change. A payload that is not JSON at all throws, as the event source retries it.
    /// </summary>
    public static async Task<IReadOnlyList<StreamRecordRead>?> ReadAsync(Stream payload, CancellationToken cancellationToken)
    {
        using var document = await JsonDocument.ParseAsync(payload, cancellationToken: cancellationToken);
        if (!document.RootElement.TryGetProperty("Records", out var records) || records.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        return [.. records.EnumerateArray().Select(Read)];
    }

    private static StreamRecordRead Read(JsonElement element)
    {
        try
        {
            return element.Deserialize(StreamsJsonContext.Default.DynamoDbStreamRecord) is { } record
                ? new StreamRecordRead(record, null, record.Dynamodb?.SequenceNumber)
                : new StreamRecordRead(null, "null record", null);
        }
        catch (JsonException ex)
        {
            return new StreamRecordRead(null, $"not a stream record ({ex.Message})", SequenceNumberOf(element));
        }
    }

    /// <summary>Best effort: a record that did not deserialize may still show where it came from.</summary>
    private static string? SequenceNumberOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty("dynamodb", out var data) && data.ValueKind == JsonValueKind.Object
        && data.TryGetProperty("SequenceNumber", out var sequence)
            ? sequence.ToString()
            : null;
}

/// <summary>One record of a stream event: read (<see cref="Record"/>), or why not (<see cref="Malformed"/>), with its sequence number when it shows one.</summary>
public readonly record struct StreamRecordRead(DynamoDbStreamRecord? Record, string? Malformed, string? SequenceNumber);
