using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Cumin.Lambdas.Streams;

/// <summary>
/// Reads one shard to its end (or forever, while it is open), handing batches to the mapping's function and
/// checkpointing after each acknowledged batch. Lambda's rules: a function error retries the whole batch; a
/// <c>batchItemFailures</c> answer acknowledges the records before the lowest failed one and retries from it;
/// a record failing more than MaximumRetryAttempts times is skipped.
/// </summary>
internal sealed class ShardReader(
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
    private string? _failingSequence;
    private int _failedAttempts;

    /// <summary>
    /// Returns true once the shard is closed and fully handled; false when asked to stop or when the shard is
    /// gone (the table poller decides whether to read it again).
    /// </summary>
    public async Task<bool> RunAsync(CancellationToken stoppingToken)
    {
        string? iterator = null;
        var errors = 0;
        RunnerLog.ShardStarted(logger, mapping.Name, shardId, _position ?? "TRIM_HORIZON");
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                iterator ??= await NewIteratorAsync(stoppingToken);
                var response = await streams.GetRecordsAsync(
                    new GetRecordsRequest { ShardIterator = iterator, Limit = options.BatchSize }, stoppingToken);
                var records = response.Records;
                if (records.Count > 0 && !await HandleAsync(records, stoppingToken))
                {
                    iterator = null;
                    continue;
                }

                errors = 0;

                if (response.NextShardIterator is null)
                {
                    // Closed and read to its end: children may start now.
                    await checkpoints.SaveAsync(mapping.Name, streamArn, shardId, _position, finished: true, CancellationToken.None);
                    RunnerLog.ShardFinished(logger, mapping.Name, shardId);
                    return true;
                }

                iterator = response.NextShardIterator;
                if (records.Count < options.BatchSize)
                {
                    await Task.Delay(options.PollInterval, timeProvider, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return false;
            }
            catch (DynamoDbStreamsException ex) when (ex.IsExpiredIterator)
            {
                iterator = null;
            }
            catch (DynamoDbStreamsException ex) when (ex.IsTrimmedData)
            {
                if (_position is null)
                {
                    // Already reading from the trim horizon, so nothing was skipped: the horizon moved under the iterator
                    // (DynamoDB Local says so of a shard whose first records are still being written). Ask again.
                    RunnerLog.TrimHorizonMoved(logger, mapping.Name, shardId);
                }
                else
                {
                    // The position fell out of the 24-hour retention while we were away: what is left starts at the trim horizon.
                    RunnerLog.PositionTrimmed(logger, mapping.Name, shardId, _position);
                    _position = null;
                }

                iterator = null;
            }
            catch (DynamoDbStreamsException ex) when (ex.IsResourceNotFound)
            {
                // The stream or shard is gone; the table poller decides what comes next.
                RunnerLog.ShardGone(logger, mapping.Name, shardId, ex.Message);
                return false;
            }
            catch (Exception ex)
            {
                errors++;
                RunnerLog.ShardError(logger, ex, mapping.Name, shardId, errors);
                iterator = null;
                try
                {
                    await Task.Delay(options.RetryDelayFor(errors), timeProvider, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return false;
                }
            }
        }

        return false;
    }

    private async Task<string> NewIteratorAsync(CancellationToken cancellationToken) =>
        await streams.GetShardIteratorAsync(
            _position is null
                ? new GetShardIteratorRequest { StreamArn = streamArn, ShardId = shardId, ShardIteratorType = ShardIteratorType.TRIM_HORIZON }
                : new GetShardIteratorRequest
                {
                    StreamArn = streamArn,
                    ShardId = shardId,
                    ShardIteratorType = ShardIteratorType.AFTER_SEQUENCE_NUMBER,
                    SequenceNumber = _position,
                },
            cancellationToken);

    /// <summary>
    /// Invokes the function and checkpoints. True: the whole batch is acknowledged, carry on with the next
    /// iterator. False: re-read from the new position (after a failure, a skip, or a partial success).
    /// The invocation and its acknowledgement run to completion even when stopping, so a stop never leaves a
    /// handled batch unacknowledged; only the wait before a retry gives way to a stop.
    /// </summary>
    private async Task<bool> HandleAsync(IReadOnlyList<DynamoDbStreamRecord> records, CancellationToken stoppingToken)
    {
        var failedAt = await InvokeAsync(records);
        if (failedAt < 0)
        {
            await AcknowledgeAsync(records[^1]);
            return true;
        }

        if (failedAt > 0)
        {
            await AcknowledgeAsync(records[failedAt - 1]);
        }

        var failed = records[failedAt];
        var sequence = failed.Dynamodb?.SequenceNumber;
        if (sequence == _failingSequence)
        {
            _failedAttempts++;
        }
        else
        {
            (_failingSequence, _failedAttempts) = (sequence, 1);
        }

        if (options.MaximumRetryAttempts >= 0 && _failedAttempts > options.MaximumRetryAttempts)
        {
            RunnerLog.RecordSkipped(logger, mapping.Name, shardId, sequence ?? "?", _failedAttempts);
            await AcknowledgeAsync(failed);
            return false;
        }

        RunnerLog.RecordRetrying(logger, mapping.Name, shardId, sequence ?? "?", _failedAttempts);
        await Task.Delay(options.RetryDelayFor(_failedAttempts), timeProvider, stoppingToken);
        return false;
    }

    private async Task AcknowledgeAsync(DynamoDbStreamRecord record)
    {
        var sequence = record.Dynamodb?.SequenceNumber;
        await checkpoints.SaveAsync(mapping.Name, streamArn, shardId, sequence, finished: false, CancellationToken.None);
        _position = sequence;
        if (sequence == _failingSequence)
        {
            (_failingSequence, _failedAttempts) = (null, 0);
        }
    }

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
