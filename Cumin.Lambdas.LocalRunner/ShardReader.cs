using System.Text.Json;
using Cumin.Lambdas.LocalRunner.DynamoDbStreams;
using Cumin.Lambdas.Streams;
using Microsoft.Extensions.Logging;

namespace Cumin.Lambdas.LocalRunner;

/// <summary>
/// Reads one shard to its end (or forever, while it is open), handing batches to the mapping's function and
/// checkpointing after each acknowledged batch. Lambda's rules: a function error retries the whole batch; a
/// <c>batchItemFailures</c> answer acknowledges the records before the lowest failed one and retries from it;
/// a record failing more than MaximumRetryAttempts times (the mapping's, else the runner's) is skipped. The shard is read in order
/// (<c>ShardReader.InOrder.cs</c>), or, for a mapping with a parallelization factor above 1, several partition keys at
/// once, each key's records still in order (<c>ShardReader.ByKey.cs</c>, <see cref="KeyLanes"/>); this file holds what
/// both share: the reads, what a failed read means, and the invocation.
/// </summary>
internal sealed partial class ShardReader(
    EventSourceMapping mapping,
    IStreamEventFunction function,
    string streamArn,
    string shardId,
    string? checkpoint,
    DynamoDbStreamsClient streams,
    StreamCheckpointStore checkpoints,
    EventSourceRunnerOptions options,
    TimeProvider timeProvider,
    ILogger logger)
{
    // The last record acknowledged (or skipped); the shard resumes right after it.
    private string? _position = checkpoint;

    /// <summary>The mapping's own limit when it has one (the aggregator's: until counted), else the runner's.</summary>
    private int MaximumRetryAttempts => mapping.MaximumRetryAttempts ?? options.MaximumRetryAttempts;

    /// <summary>What a failed GetShardIterator or GetRecords means for the reading loop.</summary>
    private enum ReadFailure
    {
        /// <summary>Read again from where reading was, with a new iterator.</summary>
        ReadAgain,

        /// <summary>The position was trimmed away: read again from the trim horizon.</summary>
        Trimmed,

        /// <summary>The stream or shard is gone; the table poller decides what comes next.</summary>
        Gone,

        /// <summary>Anything else: count it, wait, read again.</summary>
        Error,
    }

    /// <summary>
    /// Returns true once the shard is closed and fully handled; false when asked to stop or when the shard is
    /// gone (the table poller decides whether to read it again).
    /// </summary>
    public Task<bool> RunAsync(CancellationToken stoppingToken) =>
        mapping.ParallelizationFactor > 1 ? RunByKeyAsync(stoppingToken) : RunInOrderAsync(stoppingToken);

    /// <summary>What a failed read means, the same in both modes, logged for all but <see cref="ReadFailure.Error"/>.</summary>
    private ReadFailure Classify(Exception exception, string? readingFrom)
    {
        switch (exception)
        {
            case DynamoDbStreamsException { IsExpiredIterator: true }:
                return ReadFailure.ReadAgain;
            case DynamoDbStreamsException { IsTrimmedData: true } when readingFrom is null:
                // Already reading from the trim horizon, so nothing was skipped: the horizon moved under the iterator
                // (DynamoDB Local says so of a shard whose first records are still being written). Ask again.
                RunnerLog.TrimHorizonMoved(logger, mapping.Name, shardId);
                return ReadFailure.ReadAgain;
            case DynamoDbStreamsException { IsTrimmedData: true }:
                // The position fell out of the 24-hour retention while we were away: what is left starts at the trim horizon.
                RunnerLog.PositionTrimmed(logger, mapping.Name, shardId, readingFrom);
                return ReadFailure.Trimmed;
            case DynamoDbStreamsException { IsResourceNotFound: true } gone:
                RunnerLog.ShardGone(logger, mapping.Name, shardId, gone.Message);
                return ReadFailure.Gone;
            default:
                return ReadFailure.Error;
        }
    }

    /// <summary>Counts and logs a read that failed for another reason, then waits before the next try (a stop cuts the wait short).</summary>
    private async Task<int> BackOffAsync(Exception exception, int errors, CancellationToken stoppingToken)
    {
        errors++;
        RunnerLog.ShardError(logger, exception, mapping.Name, shardId, errors);
        await DelayAsync(options.RetryDelayFor(errors), stoppingToken);
        return errors;
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, timeProvider, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<string> NewIteratorAsync(string? after, CancellationToken cancellationToken) =>
        await streams.GetShardIteratorAsync(
            after is null
                ? new GetShardIteratorRequest { StreamArn = streamArn, ShardId = shardId, ShardIteratorType = ShardIteratorType.TRIM_HORIZON }
                : new GetShardIteratorRequest
                {
                    StreamArn = streamArn,
                    ShardId = shardId,
                    ShardIteratorType = ShardIteratorType.AFTER_SEQUENCE_NUMBER,
                    SequenceNumber = after,
                },
            cancellationToken);

    /// <summary>The index of the first record to retry, or -1 when the function acknowledged them all.</summary>
    private async Task<int> InvokeAsync(IReadOnlyList<DynamoDbStreamRecord> records)
    {
        // Exactly the payload Lambda would send: the GetRecords records plus the stream's ARN.
        var streamEvent = new DynamoDbStreamEvent { Records = [.. records.Select(r => r with { EventSourceArn = streamArn })] };
        using var payload = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(streamEvent, StreamsJsonContext.Default.DynamoDbStreamEvent), writable: false);
        StreamsEventResponse? response;
        try
        {
            await using var output = await function.InvokeAsync(payload, CancellationToken.None);
            response = output is null || (output.CanSeek && output.Length == 0)
                ? null
                : await JsonSerializer.DeserializeAsync(output, StreamsJsonContext.Default.StreamsEventResponse);
        }
        catch (Exception ex)
        {
            RunnerLog.FunctionFailed(logger, ex, mapping.Name, shardId, records.Count);
            return 0;
        }

        if (response is null || response.BatchItemFailures.Count == 0)
        {
            return -1;
        }

        var first = int.MaxValue;
        foreach (var failure in response.BatchItemFailures)
        {
            var index = -1;
            for (var i = 0; i < records.Count; i++)
            {
                if (records[i].Dynamodb?.SequenceNumber == failure.ItemIdentifier)
                {
                    index = i;
                    break;
                }
            }

            if (index < 0)
            {
                // Lambda's rule: an identifier that names no record of the batch fails the whole batch.
                RunnerLog.UnknownItemIdentifier(logger, mapping.Name, shardId, failure.ItemIdentifier ?? "null");
                return 0;
            }

            first = Math.Min(first, index);
        }

        return first;
    }
}
