using Cumin.Lambdas.LocalRunner.DynamoDbStreams;

namespace Cumin.Lambdas.LocalRunner;

/// <summary>Several partition keys of the shard at once, each key's records in order (a parallelization factor above 1).</summary>
internal sealed partial class ShardReader
{
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
                catch (Exception ex)
                {
                    iterator = null;
                    switch (Classify(ex, read))
                    {
                        case ReadFailure.Gone:
                            return false;
                        case ReadFailure.Trimmed:
                            read = null;
                            break;
                        case ReadFailure.Error:
                            errors = await BackOffAsync(ex, errors, stoppingToken);
                            break;
                    }
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
}
