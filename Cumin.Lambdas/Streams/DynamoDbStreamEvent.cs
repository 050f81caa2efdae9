using System.Text.Json.Serialization;

namespace Cumin.Lambdas.Streams;

/// <summary>
/// The event Lambda passes to a function mapped to a DynamoDB stream
/// (<c>{"Records":[{"eventID",..,"dynamodb":{..},"eventSourceARN"}]}</c>), property names exactly as AWS sends them.
/// </summary>
public sealed record DynamoDbStreamEvent
{
    [JsonPropertyName("Records")]
    public IReadOnlyList<DynamoDbStreamRecord> Records { get; init; } = [];
}

/// <summary>One change to one item. GetRecords returns the same shape without <c>eventSourceARN</c>, which Lambda adds.</summary>
public sealed record DynamoDbStreamRecord
{
    [JsonPropertyName("eventID")]
    public string? EventId { get; init; }

    /// <summary><c>INSERT</c>, <c>MODIFY</c> or <c>REMOVE</c> (see <see cref="StreamEventNames"/>).</summary>
    [JsonPropertyName("eventName")]
    public string? EventName { get; init; }

    [JsonPropertyName("eventVersion")]
    public string? EventVersion { get; init; }

    /// <summary>Always <c>aws:dynamodb</c>.</summary>
    [JsonPropertyName("eventSource")]
    public string? EventSource { get; init; }

    [JsonPropertyName("awsRegion")]
    public string? AwsRegion { get; init; }

    [JsonPropertyName("dynamodb")]
    public StreamRecordData? Dynamodb { get; init; }

    /// <summary>The stream's ARN: <c>arn:aws:dynamodb:{region}:{account}:table/{table}/stream/{label}</c>.</summary>
    [JsonPropertyName("eventSourceARN")]
    public string? EventSourceArn { get; init; }

    /// <summary>Set on deletions made by Time to Live (<c>{"type":"Service","principalId":"dynamodb.amazonaws.com"}</c>).</summary>
    [JsonPropertyName("userIdentity")]
    public StreamUserIdentity? UserIdentity { get; init; }

    /// <summary>The table name from <see cref="EventSourceArn"/>, or null when the ARN is missing or not a stream ARN.</summary>
    public string? TableName()
    {
        // arn:aws:dynamodb:us-east-1:123456789012:table/{name}/stream/{label}
        if (EventSourceArn is not { } arn)
        {
            return null;
        }

        var parts = arn.Split('/');
        return parts.Length >= 4 && parts[0].EndsWith(":table", StringComparison.Ordinal) && parts[1].Length > 0
            ? parts[1]
            : null;
    }
}

/// <summary>The <c>dynamodb</c> member of a record: keys, images and the record's place in its shard.</summary>
public sealed record StreamRecordData
{
    /// <summary>Seconds since the Unix epoch (whole seconds from AWS, a decimal number from GetRecords).</summary>
    [JsonPropertyName("ApproximateCreationDateTime")]
    public double? ApproximateCreationDateTime { get; init; }

    [JsonPropertyName("Keys")]
    public IReadOnlyDictionary<string, StreamAttributeValue>? Keys { get; init; }

    [JsonPropertyName("NewImage")]
    public IReadOnlyDictionary<string, StreamAttributeValue>? NewImage { get; init; }

    [JsonPropertyName("OldImage")]
    public IReadOnlyDictionary<string, StreamAttributeValue>? OldImage { get; init; }

    /// <summary>A decimal string of 21 to 40 digits; compare numerically (<see cref="StreamSequenceNumber"/>).</summary>
    [JsonPropertyName("SequenceNumber")]
    public string? SequenceNumber { get; init; }

    [JsonPropertyName("SizeBytes")]
    public long? SizeBytes { get; init; }

    /// <summary><c>KEYS_ONLY</c>, <c>NEW_IMAGE</c>, <c>OLD_IMAGE</c> or <c>NEW_AND_OLD_IMAGES</c>.</summary>
    [JsonPropertyName("StreamViewType")]
    public string? StreamViewType { get; init; }
}

public sealed record StreamUserIdentity
{
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("principalId")]
    public string? PrincipalId { get; init; }
}

public static class StreamEventNames
{
    public const string Insert = "INSERT";
    public const string Modify = "MODIFY";
    public const string Remove = "REMOVE";
}
