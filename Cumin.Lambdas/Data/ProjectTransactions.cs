using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;

namespace Cumin.Lambdas.Data;

/// <summary>
/// How the functions' PostgreSQL writers run a batch: in one transaction, retried when it fails transiently, holding a
/// transaction-scoped advisory lock per project it touches, taken in ascending key order. So batches touching the same
/// project run one after the other, batches on different projects never wait on each other, and sorted acquisition rules
/// out deadlocks. Each writer has its own key space (<c>purpose</c>): the aggregator and the activity never wait on each other.
/// </summary>
internal static class ProjectTransactions
{
    public static async Task LockProjectsAsync(DatabaseFacade sql, IEnumerable<string> projectIds, string? purpose, CancellationToken cancellationToken)
    {
        var keys = projectIds.Select(p => KeyOf(p, purpose)).Distinct().Order().ToArray();
        // unnest yields the keys in array order and count() consumes them in that order: sorted acquisition.
        await sql.ExecuteSqlAsync($"SELECT count(pg_advisory_xact_lock(k)) FROM unnest({keys}) AS k", cancellationToken);
    }

    /// <summary>
    /// A stable 64-bit key (string.GetHashCode differs per process). Without a purpose it is the aggregator's, unchanged, so
    /// a function version rolling out beside the last one still shares its locks.
    /// </summary>
    private static long KeyOf(string projectId, string? purpose) =>
        BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(purpose is null ? projectId : $"{purpose}\n{projectId}")));

    /// <summary>Runs <paramref name="transaction"/>, again after a transient failure (a serialization failure, a dropped connection), up to five times.</summary>
    public static async Task<T> RetryTransientAsync<T>(
        Func<CancellationToken, Task<T>> transaction,
        TimeProvider timeProvider,
        Action<Exception, int> onRetry,
        CancellationToken cancellationToken)
    {
        const int maxAttempts = 5;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await transaction(cancellationToken);
            }
            catch (NpgsqlException ex) when (ex.IsTransient && attempt < maxAttempts)
            {
                onRetry(ex, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt), timeProvider, cancellationToken);
            }
        }
    }
}
