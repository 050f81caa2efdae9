using System.Text.Json.Serialization;
using Cumin.Lambdas.Streams;

namespace Cumin.Lambdas.LocalRunner.DynamoDbStreams;

// Requests and responses of the DynamoDB Streams API (DynamoDBStreams_20120810), the members the runner uses.

public sealed record ListStreamsRequest
{
    public string? TableName { get; init; }

    public string? ExclusiveStartStreamArn { get; init; }

    public int? Limit { get; init; }
}

public sealed record ListStreamsResponse
{
    public IReadOnlyList<StreamSummary> Streams { get; init; } = [];

    public string? LastEvaluatedStreamArn { get; init; }
}

public sealed record StreamSummary
{
    public string? StreamArn { get; init; }

    public string? TableName { get; init; }

    public string? StreamLabel { get; init; }
}

public sealed record DescribeStreamRequest
{
    public required string StreamArn { get; init; }

    public string? ExclusiveStartShardId { get; init; }

    public int? Limit { get; init; }
}

public sealed record DescribeStreamResponse
{
    public StreamDescription? StreamDescription { get; init; }
}

public sealed record StreamDescription
{
    public string? StreamArn { get; init; }

    public string? StreamLabel { get; init; }

    /// <summary><c>ENABLING</c>, <c>ENABLED</c>, <c>DISABLING</c> or <c>DISABLED</c>.</summary>
    public string? StreamStatus { get; init; }

    public string? StreamViewType { get; init; }

    public string? TableName { get; init; }

    public IReadOnlyList<Shard> Shards { get; init; } = [];

    /// <summary>Set when more shards follow: pass it as <c>ExclusiveStartShardId</c>.</summary>
    public string? LastEvaluatedShardId { get; init; }
}

public sealed record Shard
{
    public required string ShardId { get; init; }

    /// <summary>The shard this one split from; read the parent to its end first.</summary>
    public string? ParentShardId { get; init; }

    public SequenceNumberRange? SequenceNumberRange { get; init; }
}

public sealed record SequenceNumberRange
{
    public string? StartingSequenceNumber { get; init; }

    /// <summary>Set once the shard is closed.</summary>
    public string? EndingSequenceNumber { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<ShardIteratorType>))]
public enum ShardIteratorType
{
#pragma warning disable CA1707 // The wire names.
    TRIM_HORIZON,
    LATEST,
    AT_SEQUENCE_NUMBER,
    AFTER_SEQUENCE_NUMBER,
#pragma warning restore CA1707
}

public sealed record GetShardIteratorRequest
{
    public required string StreamArn { get; init; }

    public required string ShardId { get; init; }

    public required ShardIteratorType ShardIteratorType { get; init; }

    public string? SequenceNumber { get; init; }
}

public sealed record GetShardIteratorResponse
{
    public string? ShardIterator { get; init; }
}

public sealed record GetRecordsRequest
{
    public required string ShardIterator { get; init; }

    public int? Limit { get; init; }
}

public sealed record GetRecordsResponse
{
    public IReadOnlyList<DynamoDbStreamRecord> Records { get; init; } = [];

    /// <summary>Null once the shard is closed and every record of it has been returned.</summary>
    public string? NextShardIterator { get; init; }
}

/// <summary>The AWS JSON 1.0 error body: <c>{"__type":"com.amazonaws.dynamodb.v20120810#ExpiredIteratorException","message":".."}</c>.</summary>
public sealed record StreamsErrorResponse
{
    [JsonPropertyName("__type")]
    public string? Type { get; init; }

    [JsonPropertyName("message")]
    public string? LowerCaseMessage { get; init; }

    [JsonPropertyName("Message")]
    public string? Message { get; init; }
}
