namespace Cumin.Lambdas.Streams;

/// <summary>
/// Where one event-source mapping stands in one shard (table <c>stream_checkpoints</c>): the last record handed
/// to its function and acknowledged, and whether the shard is closed and read to its end.
/// </summary>
public sealed class StreamCheckpoint
{
    /// <summary>The mapping's name: two mappings on one stream keep their own positions, as in Lambda.</summary>
    public required string Consumer { get; set; }

    public required string StreamArn { get; set; }

    public required string ShardId { get; set; }

    /// <summary>Resume with AFTER_SEQUENCE_NUMBER this; null: nothing read yet (start at TRIM_HORIZON).</summary>
    public string? SequenceNumber { get; set; }

    public bool Finished { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
