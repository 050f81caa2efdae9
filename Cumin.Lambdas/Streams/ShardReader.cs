using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Cumin.Lambdas.Streams;

/// <summary>
/// Reads one shard to its end (or forever, while it is open), handing batches to the mapping's function and
/// checkpointing after each acknowledged batch. Lambda's rules: a function error retries the whole batch; a
/// <c>batchItemFailures</c> answer acknowledges the records before the lowest failed one and retries from it;
/// a record failing more than MaximumRetryAttempts times is skipped. A mapping with a parallelization factor above 1
/// works several partition keys at once (<see cref="KeyLanes"/>), each key's records still in order.
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

    private int MaximumRetryAttempts => mapping.MaximumRetryAttempts ?? options.MaximumRetryAttempts;

    /// <summary>
    /// Returns true once the shard is closed and fully handled; false when asked to stop or when the shard is
    /// gone (the table poller decides whether to read it again).
    /// </summary>
    public Task<bool> RunAsync(CancellationToken stoppingToken) =>
        mapping.ParallelizationFactor > 1 ? RunByKeyAsync(stoppingToken) : RunInOrderAsync(stoppingToken);

    private async Task<bool> RunInOrderAsync(CancellationToken stoppingToken)
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

    /// <summary>
    /// Reads ahead (up to the factor's worth of batches) and keeps up to <c>ParallelizationFactor</c> keys' batches running:
    /// one user's backlog of exports holds up no other user's. The checkpoint follows the oldest record not yet done.
    /// </summary>
    private async Task<bool> RunByKeyAsync(CancellationToken stoppingToken)
    {
        var lanes = new KeyLanes(mapping.ParallelizationFactor);
        var running = new List<Task>();
        var readAhead = options.BatchSize * mapping.ParallelizationFactor;
        // Where reading resumes when an iterator must be made again: after the last record read, not the last acknowledged.
        var read = _position;
        string? iterator = null;
        var ended = false;
        var errors = 0;
        RunnerLog.ShardStarted(logger, mapping.Name, shardId, _position ?? "TRIM_HORIZON");
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var fetched = 0;
                try
                {
                    if (!ended && lanes.Buffered < readAhead)
                    {
                        iterator ??= await NewIteratorAsync(read, stoppingToken);
                        var response = await streams.GetRecordsAsync(
                            new GetRecordsRequest { ShardIterator = iterator, Limit = options.BatchSize }, stoppingToken);
                        foreach (var record in response.Records)
                        {
                            lanes.Add(record);
                            read = record.Dynamodb?.SequenceNumber ?? read;
                        }

                        fetched = response.Records.Count;
                        iterator = response.NextShardIterator;
                        ended = iterator is null;
                    }

                    errors = 0;
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (DynamoDbStreamsException ex) when (ex.IsExpiredIterator)
                {
                    iterator = null;
                }
                catch (DynamoDbStreamsException ex) when (ex.IsTrimmedData)
                {
                    // As in RunAsync: from the trim horizon nothing was skipped; from a position, records were.
                    if (read is null)
                    {
                        RunnerLog.TrimHorizonMoved(logger, mapping.Name, shardId);
                    }
                    else
                    {
                        RunnerLog.PositionTrimmed(logger, mapping.Name, shardId, read);
                        read = null;
                    }

                    iterator = null;
                }
                catch (DynamoDbStreamsException ex) when (ex.IsResourceNotFound)
                {
                    RunnerLog.ShardGone(logger, mapping.Name, shardId, ex.Message);
                    return false;
                }
                catch (Exception ex)
                {
                    errors++;
                    RunnerLog.ShardError(logger, ex, mapping.Name, shardId, errors);
                    iterator = null;
                    await DelayAsync(options.RetryDelayFor(errors), stoppingToken);
                }

                foreach (var lane in lanes.StartReady(options.BatchSize))
                {
                    running.Add(Task.Run(() => RunLaneAsync(lanes, lane, stoppingToken), CancellationToken.None));
                }

                await AdvanceAsync(lanes);
                if (ended && lanes.Idle)
                {
                    await checkpoints.SaveAsync(mapping.Name, streamArn, shardId, _position, finished: true, CancellationToken.None);
                    RunnerLog.ShardFinished(logger, mapping.Name, shardId);
                    return true;
                }

                // Read on at once while there is more to read and room for it; otherwise wait for a lane or the poll.
                if (ended || fetched < options.BatchSize || lanes.Buffered >= readAhead)
                {
                    running.RemoveAll(t => t.IsCompleted);
                    await Task.WhenAny(running.Append(DelayAsync(options.PollInterval, stoppingToken)));
                }
            }

            return false;
        }
        finally
        {
            // A stop lets the batches in hand finish and be acknowledged, as in order.
            await Task.WhenAll(running);
            await AdvanceAsync(lanes);
        }
    }

    /// <summary>One key's batch: invoked until every record is acknowledged or skipped, Lambda's retry rules per record.</summary>
    private async Task RunLaneAsync(KeyLanes lanes, KeyLanes.Lane lane, CancellationToken stoppingToken)
    {
        try
        {
            var records = lane.Records;
            var entries = lane.Entries;
            string? failingSequence = null;
            var attempts = 0;
            while (records.Count > 0)
            {
                var failedAt = await InvokeAsync(records);
                if (failedAt < 0)
                {
                    lanes.Done(entries);
                    return;
                }

                lanes.Done(entries[..failedAt]);
                (records, entries) = (records[failedAt..], entries[failedAt..]);
                var sequence = records[0].Dynamodb?.SequenceNumber;
                attempts = sequence == failingSequence ? attempts + 1 : 1;
                failingSequence = sequence;
                if (MaximumRetryAttempts >= 0 && attempts > MaximumRetryAttempts)
                {
                    RunnerLog.RecordSkipped(logger, mapping.Name, shardId, sequence ?? "?", attempts);
                    lanes.Done(entries[..1]);
                    (records, entries) = (records[1..], entries[1..]);
                    continue;
                }

                RunnerLog.RecordRetrying(logger, mapping.Name, shardId, sequence ?? "?", attempts);
                await Task.Delay(options.RetryDelayFor(attempts), timeProvider, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping during a retry's wait: the record stays unacknowledged and comes again after a restart.
        }
        finally
        {
            lanes.Release(lane.Key);
        }
    }

    private async Task AdvanceAsync(KeyLanes lanes)
    {
        if (lanes.TryAdvance(out var checkpoint) && checkpoint is not null)
        {
            await checkpoints.SaveAsync(mapping.Name, streamArn, shardId, checkpoint, finished: false, CancellationToken.None);
            _position = checkpoint;
        }
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

    private Task<string> NewIteratorAsync(CancellationToken cancellationToken) => NewIteratorAsync(_position, cancellationToken);

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

        if (MaximumRetryAttempts >= 0 && _failedAttempts > MaximumRetryAttempts)
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
