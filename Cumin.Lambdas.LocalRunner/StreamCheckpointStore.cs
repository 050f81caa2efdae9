using Cumin.Lambdas.Data;
using Cumin.Lambdas.Streams;
using Microsoft.EntityFrameworkCore;

namespace Cumin.Lambdas.LocalRunner;

/// <summary>The runner's shard positions in PostgreSQL (<c>stream_checkpoints</c>), so a restart resumes where it stopped.</summary>
public sealed class StreamCheckpointStore(IDbContextFactory<LambdasDbContext> dbContextFactory, TimeProvider timeProvider)
{
    public async Task<IReadOnlyDictionary<string, StreamCheckpoint>> LoadAsync(
        string consumer,
        string streamArn,
        CancellationToken cancellationToken = default)
    {
        await using var db = await dbContextFactory.CreateDbContextAsync(cancellationToken);
        return await db.StreamCheckpoints.AsNoTracking()
            .Where(c => c.Consumer == consumer && c.StreamArn == streamArn)
            .ToDictionaryAsync(c => c.ShardId, StringComparer.Ordinal, cancellationToken);
    }

    public async Task SaveAsync(
        string consumer,
        string streamArn,
        string shardId,
        string? sequenceNumber,
        bool finished,
        CancellationToken cancellationToken = default)
    {
        await using var db = await dbContextFactory.CreateDbContextAsync(cancellationToken);
        var now = timeProvider.GetUtcNow();
        await db.Database.ExecuteSqlAsync(
            $"""
             INSERT INTO stream_checkpoints (consumer, stream_arn, shard_id, sequence_number, finished, updated_at)
             VALUES ({consumer}, {streamArn}, {shardId}, {sequenceNumber}, {finished}, {now})
             ON CONFLICT (consumer, stream_arn, shard_id) DO UPDATE
               SET sequence_number = excluded.sequence_number, finished = excluded.finished, updated_at = excluded.updated_at
             """,
            cancellationToken);
    }
}
