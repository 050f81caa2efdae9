using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Cumin.Lambdas.LocalRunner.DynamoDbStreams;
using Cumin.Lambdas.Streams;
using Microsoft.Extensions.Logging;

namespace Cumin.Lambdas.LocalRunner;

/// <summary>
/// Follows one table's stream for one mapping: waits for the table and its stream, then keeps one
/// <see cref="ShardReader"/> per readable shard. A child shard starts only once its parent is finished;
/// the stream is described again periodically (and whenever a shard finishes) to find new shards.
/// If the table is re-created, its new stream is followed from its trim horizon.
/// </summary>
internal sealed class TableStreamPoller(
    EventSourceMapping mapping,
    IStreamEventFunction function,
    string tableName,
    IAmazonDynamoDB dynamoDb,
    DynamoDbStreamsClient streams,
    StreamCheckpointStore checkpoints,
    EventSourceRunnerOptions options,
    TimeProvider timeProvider,
    ILogger logger)
{
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var errors = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var streamArn = await WaitForStreamAsync(stoppingToken);
                RunnerLog.FollowingStream(logger, mapping.Name, tableName, streamArn);
                await FollowAsync(streamArn, stoppingToken);
                errors = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                errors++;
                RunnerLog.StreamError(logger, ex, mapping.Name, tableName, errors);
                try
                {
                    await Task.Delay(options.RetryDelayFor(errors), timeProvider, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>The table's current stream ARN, or null when the table does not exist or has no stream.</summary>
    private async Task<string?> CurrentStreamArnAsync(CancellationToken cancellationToken)
    {
        try
        {
            var table = (await dynamoDb.DescribeTableAsync(new DescribeTableRequest { TableName = tableName }, cancellationToken)).Table;
            return table.StreamSpecification?.StreamEnabled == true ? table.LatestStreamArn : null;
        }
        catch (ResourceNotFoundException)
        {
            return null;
        }
    }

    private async Task<string> WaitForStreamAsync(CancellationToken cancellationToken)
    {
        var logged = false;
        while (true)
        {
            if (await CurrentStreamArnAsync(cancellationToken) is { } arn)
            {
                return arn;
            }

            if (!logged)
            {
                // The silo creates the tables; until then there is nothing to read.
                RunnerLog.WaitingForTable(logger, mapping.Name, tableName);
                logged = true;
            }

            await Task.Delay(options.TableWaitInterval, timeProvider, cancellationToken);
        }
    }

    /// <summary>
    /// The shards to start reading now: not finished, not being read, and whose parent is finished or no longer
    /// described (trimmed away after 24 hours, so nothing of it is left to read first).
    /// </summary>
    internal static IEnumerable<Shard> ShardsToStart(IReadOnlyList<Shard> shards, IReadOnlySet<string> finished, IReadOnlySet<string> reading)
    {
        var described = shards.Select(s => s.ShardId).ToHashSet(StringComparer.Ordinal);
        return shards.Where(shard =>
            !finished.Contains(shard.ShardId)
            && !reading.Contains(shard.ShardId)
            && (shard.ParentShardId is not { } parent || !described.Contains(parent) || finished.Contains(parent)));
    }

    private async Task FollowAsync(string streamArn, CancellationToken stoppingToken)
    {
        using var readersStopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var readers = new Dictionary<string, Task<bool>>(StringComparer.Ordinal);
        try
        {
            while (true)
            {
                var description = await streams.DescribeStreamFullyAsync(streamArn, stoppingToken);
                var positions = await checkpoints.LoadAsync(mapping.Name, streamArn, stoppingToken);
                var finished = positions.Values.Where(p => p.Finished).Select(p => p.ShardId).ToHashSet(StringComparer.Ordinal);
                foreach (var done in readers.Where(r => r.Value.IsCompleted).Select(r => r.Key).ToList())
                {
                    readers.Remove(done);
                }

                foreach (var shard in ShardsToStart(description.Shards, finished, readers.Keys.ToHashSet(StringComparer.Ordinal)))
                {
                    var reader = new ShardReader(mapping, function, streamArn, shard.ShardId,
                        positions.TryGetValue(shard.ShardId, out var position) ? position.SequenceNumber : null,
                        streams, checkpoints, options, timeProvider, logger);
                    readers[shard.ShardId] = Task.Run(() => reader.RunAsync(readersStopping.Token), CancellationToken.None);
                }

                // A finished shard may have children to start: describe again at once. A reader that stopped
                // without finishing (its shard vanished) is retried no sooner than the describe interval.
                var delay = Task.Delay(options.DescribeInterval, timeProvider, stoppingToken);
                var woke = await Task.WhenAny(readers.Values.Append(delay));
                if (woke is Task<bool> { Result: false })
                {
                    await delay;
                }

                stoppingToken.ThrowIfCancellationRequested();

                var current = await CurrentStreamArnAsync(stoppingToken);
                if (current != streamArn)
                {
                    RunnerLog.StreamReplaced(logger, mapping.Name, tableName, streamArn, current ?? "none");
                    return;
                }
            }
        }
        finally
        {
            await readersStopping.CancelAsync();
            // Readers finish their batch in hand, acknowledge it, and return; they do not throw.
            await Task.WhenAll(readers.Values);
        }
    }
}
