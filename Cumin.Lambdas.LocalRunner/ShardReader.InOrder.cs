using Cumin.Lambdas.LocalRunner.DynamoDbStreams;
using Cumin.Lambdas.Streams;

namespace Cumin.Lambdas.LocalRunner;

/// <summary>The whole shard in order, one batch at a time (a parallelization factor of 1).</summary>
internal sealed partial class ShardReader
{
    private string? _failingSequence;
    private int _failedAttempts;

    private async Task<bool> RunInOrderAsync(CancellationToken stoppingToken)
    {
        string? iterator = null;
        var errors = 0;
        RunnerLog.ShardStarted(logger, mapping.Name, shardId, _position ?? "TRIM_HORIZON");
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                iterator ??= await NewIteratorAsync(_position, stoppingToken);
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
            catch (Exception ex)
            {
                iterator = null;
                switch (Classify(ex, _position))
                {
                    case ReadFailure.Gone:
                        return false;
                    case ReadFailure.Trimmed:
                        _position = null;
                        break;
                    case ReadFailure.Error:
                        errors = await BackOffAsync(ex, errors, stoppingToken);
                        break;
                }
            }
        }

        return false;
    }

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
}
