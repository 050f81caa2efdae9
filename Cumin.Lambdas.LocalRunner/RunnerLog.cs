using Microsoft.Extensions.Logging;

namespace Cumin.Lambdas.LocalRunner;

internal static partial class RunnerLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Event-source runner started: {Mappings} mappings, Streams endpoint {Endpoint}")]
    public static partial void RunnerStarted(ILogger logger, int mappings, Uri endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Mapping}: waiting for table {Table} and its stream")]
    public static partial void WaitingForTable(ILogger logger, string mapping, string table);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Mapping}: following {Table} stream {StreamArn}")]
    public static partial void FollowingStream(ILogger logger, string mapping, string table, string streamArn);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Mapping}: table {Table} now has stream {Current} instead of {StreamArn}")]
    public static partial void StreamReplaced(ILogger logger, string mapping, string table, string streamArn, string current);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Mapping}: reading the {Table} stream failed ({Errors} in a row); retrying")]
    public static partial void StreamError(ILogger logger, Exception exception, string mapping, string table, int errors);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Mapping}: reading shard {ShardId} from {Position}")]
    public static partial void ShardStarted(ILogger logger, string mapping, string shardId, string position);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Mapping}: shard {ShardId} is closed and fully handled")]
    public static partial void ShardFinished(ILogger logger, string mapping, string shardId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Mapping}: shard {ShardId} is gone ({Reason})")]
    public static partial void ShardGone(ILogger logger, string mapping, string shardId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Mapping}: shard {ShardId} position {Position} is past the stream's 24-hour retention, so the records after it that were trimmed are not handled; resuming at TRIM_HORIZON")]
    public static partial void PositionTrimmed(ILogger logger, string mapping, string shardId, string position);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Mapping}: shard {ShardId}: the trim horizon moved while reading from it; reading from it again")]
    public static partial void TrimHorizonMoved(ILogger logger, string mapping, string shardId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Mapping}: reading shard {ShardId} failed ({Errors} in a row); retrying")]
    public static partial void ShardError(ILogger logger, Exception exception, string mapping, string shardId, int errors);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Mapping}: the function failed on a batch of {Records} records from shard {ShardId}")]
    public static partial void FunctionFailed(ILogger logger, Exception exception, string mapping, string shardId, int records);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Mapping}: batchItemFailures names {ItemIdentifier}, not a record of the batch from shard {ShardId}; retrying the whole batch")]
    public static partial void UnknownItemIdentifier(ILogger logger, string mapping, string shardId, string itemIdentifier);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Mapping}: record {SequenceNumber} of shard {ShardId} failed (attempt {Attempt}); retrying")]
    public static partial void RecordRetrying(ILogger logger, string mapping, string shardId, string sequenceNumber, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Mapping}: record {SequenceNumber} of shard {ShardId} failed {Attempts} times; skipping it (MaximumRetryAttempts)")]
    public static partial void RecordSkipped(ILogger logger, string mapping, string shardId, string sequenceNumber, int attempts);
}
