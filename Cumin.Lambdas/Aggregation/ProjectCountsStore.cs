using System.Globalization;
using System.Numerics;
using Cumin.Lambdas.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Cumin.Lambdas.Aggregation;

/// <summary>
/// Applies a batch of task changes and project removals to <c>project_status_counts</c>, in one transaction,
/// exactly once per stream record however batches are redelivered, reordered or run side by side.
/// </summary>
/// <remarks>
/// <para>Per task, the ledger holds the newest sequence number applied and the status counted for it. A record
/// applies only if it is newer; it then moves the task's contribution from the counted status to its new status.
/// So counts always equal the number of tasks per latest-seen status, whatever order records come in.</para>
/// <para>Concurrency: a transaction first takes a transaction-scoped advisory lock per project it touches, in
/// ascending key order. Every writer of these tables does, so batches touching the same project run one after
/// the other (no lost updates, no lost tombstones) and batches on different projects never wait on each other.
/// Sorted acquisition rules out deadlocks; a serialization failure or deadlock reported anyway is retried.</para>
/// </remarks>
public sealed partial class ProjectCountsStore(
    IDbContextFactory<LambdasDbContext> dbContextFactory,
    TimeProvider timeProvider,
    ILogger<ProjectCountsStore> logger)
{
    /// <summary>Stream records live 24 hours; markers kept three days cannot meet a record of their project again.</summary>
    private static readonly TimeSpan DeletedProjectRetention = TimeSpan.FromDays(3);

    public async Task<BatchOutcome> ApplyAsync(
        IReadOnlyList<TaskChange> changes,
        IReadOnlyList<ProjectRemoval> removals,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(removals);
        if (changes.Count == 0 && removals.Count == 0)
        {
            return new BatchOutcome(0, 0, 0, 0);
        }

        return await ProjectTransactions.RetryTransientAsync(
            ct => ApplyOnceAsync(changes, removals, ct), timeProvider, (ex, attempt) => LogTransientFailure(logger, ex, attempt), cancellationToken);
    }

    private async Task<BatchOutcome> ApplyOnceAsync(
        IReadOnlyList<TaskChange> changes,
        IReadOnlyList<ProjectRemoval> removals,
        CancellationToken cancellationToken)
    {
        await using var db = await dbContextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var sql = db.Database;

        var projectIds = changes.Select(c => c.ProjectId).Concat(removals.Select(r => r.ProjectId))
            .Distinct(StringComparer.Ordinal).ToArray();
        await ProjectTransactions.LockProjectsAsync(sql, projectIds, purpose: null, cancellationToken);

        var deleted = (await sql
                .SqlQuery<string>($"SELECT project_id AS \"Value\" FROM aggregator_deleted_projects WHERE project_id = ANY({projectIds})")
                .ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.Ordinal);

        var removed = removals
            .Where(r => !deleted.Contains(r.ProjectId))
            .GroupBy(r => r.ProjectId, StringComparer.Ordinal)
            .Select(g => g.MaxBy(r => r.SequenceNumber))
            .ToArray();
        if (removed.Length > 0)
        {
            var removedIds = removed.Select(r => r.ProjectId).ToArray();
            var removedSequences = removed.Select(r => r.SequenceNumber.ToString(CultureInfo.InvariantCulture)).ToArray();
            var now = timeProvider.GetUtcNow();
            await sql.ExecuteSqlAsync($"DELETE FROM project_status_counts WHERE project_id = ANY({removedIds})", cancellationToken);
            await sql.ExecuteSqlAsync($"DELETE FROM aggregator_task_ledger WHERE project_id = ANY({removedIds})", cancellationToken);
            await sql.ExecuteSqlAsync(
                $"""
                 INSERT INTO aggregator_deleted_projects (project_id, sequence_number, deleted_at)
                 SELECT p, s::numeric(40,0), {now} FROM unnest({removedIds}, {removedSequences}) AS r(p, s)
                 ON CONFLICT (project_id) DO NOTHING
                 """,
                cancellationToken);
            await sql.ExecuteSqlAsync(
                $"DELETE FROM aggregator_deleted_projects WHERE deleted_at < {now - DeletedProjectRetention}",
                cancellationToken);
            deleted.UnionWith(removedIds);
        }

        var ofDeletedProjects = changes.Count(c => deleted.Contains(c.ProjectId));
        var live = changes.Where(c => !deleted.Contains(c.ProjectId)).ToList();
        var (applied, stale, counts) = live.Count > 0 ? await ApplyTaskChangesAsync(sql, live, cancellationToken) : (0, 0, []);

        await transaction.CommitAsync(cancellationToken);
        return new BatchOutcome(applied, stale, ofDeletedProjects, removed.Length) { Counts = counts };
    }

    private static async Task<(int Applied, int Stale, IReadOnlyList<CountsSnapshot> Counts)> ApplyTaskChangesAsync(
        Microsoft.EntityFrameworkCore.Infrastructure.DatabaseFacade sql,
        List<TaskChange> changes,
        CancellationToken cancellationToken)
    {
        var tasks = changes.GroupBy(c => (c.ProjectId, c.TaskId)).ToList();
        var keyProjects = tasks.Select(t => t.Key.ProjectId).ToArray();
        var keyTasks = tasks.Select(t => t.Key.TaskId).ToArray();
        var ledger = (await sql
                .SqlQuery<LedgerRow>(
                    $"""
                     SELECT l.project_id AS "ProjectId", l.task_id AS "TaskId",
                            l.last_sequence_number::text AS "LastSequenceNumber", l.counted_status AS "CountedStatus"
                     FROM aggregator_task_ledger l
                     JOIN unnest({keyProjects}, {keyTasks}) AS k(project_id, task_id)
                       ON l.project_id = k.project_id AND l.task_id = k.task_id
                     """)
                .ToListAsync(cancellationToken))
            .ToDictionary(l => (l.ProjectId, l.TaskId));

        var applied = 0;
        var stale = 0;
        IReadOnlyList<CountsSnapshot> counts = [];
        var ledgerWrites = new List<(string ProjectId, string TaskId, BigInteger Sequence, string? Status)>();
        var deltas = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var task in tasks)
        {
            var (sequence, status) = ledger.TryGetValue(task.Key, out var row)
                ? (BigInteger.Parse(row.LastSequenceNumber, CultureInfo.InvariantCulture), row.CountedStatus)
                : (BigInteger.MinusOne, null);
            var countedBefore = status;
            var changed = false;
            foreach (var change in task.OrderBy(c => c.SequenceNumber))
            {
                if (change.SequenceNumber <= sequence)
                {
                    stale++;
                    continue;
                }

                (sequence, status) = (change.SequenceNumber, change.NewStatus);
                changed = true;
                applied++;
            }

            if (!changed)
            {
                continue;
            }

            ledgerWrites.Add((task.Key.ProjectId, task.Key.TaskId, sequence, status));
            if (countedBefore != status)
            {
                var delta = deltas.TryGetValue(task.Key.ProjectId, out var d) ? d : deltas[task.Key.ProjectId] = new int[3];
                Count(delta, countedBefore, -1);
                Count(delta, status, +1);
            }
        }

        if (ledgerWrites.Count > 0)
        {
            var projects = ledgerWrites.Select(w => w.ProjectId).ToArray();
            var taskIds = ledgerWrites.Select(w => w.TaskId).ToArray();
            var sequences = ledgerWrites.Select(w => w.Sequence.ToString(CultureInfo.InvariantCulture)).ToArray();
            var statuses = ledgerWrites.Select(w => w.Status).ToArray();
            await sql.ExecuteSqlAsync(
                $"""
                 INSERT INTO aggregator_task_ledger (project_id, task_id, last_sequence_number, counted_status)
                 SELECT p, t, s::numeric(40,0), c FROM unnest({projects}, {taskIds}, {sequences}, {statuses}) AS w(p, t, s, c)
                 ON CONFLICT (project_id, task_id) DO UPDATE
                   SET last_sequence_number = excluded.last_sequence_number, counted_status = excluded.counted_status
                 """,
                cancellationToken);
        }

        var moved = deltas.Where(d => d.Value.Any(v => v != 0)).OrderBy(d => d.Key, StringComparer.Ordinal).ToList();
        if (moved.Count > 0)
        {
            var projects = moved.Select(m => m.Key).ToArray();
            var todo = moved.Select(m => m.Value[0]).ToArray();
            var inProgress = moved.Select(m => m.Value[1]).ToArray();
            var done = moved.Select(m => m.Value[2]).ToArray();
            // What the rows hold now, for counts.updated. The version is this transaction's id: transactions touching a
            // project run one after the other (the advisory lock) and each gets its id at its first write, after the one
            // before it committed, so a project's versions grow in the order its counts changed.
            counts = await sql
                .SqlQuery<CountsSnapshot>(
                    $"""
                     INSERT INTO project_status_counts AS c (project_id, todo, in_progress, done)
                     SELECT * FROM unnest({projects}, {todo}, {inProgress}, {done})
                     ON CONFLICT (project_id) DO UPDATE
                       SET todo = c.todo + excluded.todo,
                           in_progress = c.in_progress + excluded.in_progress,
                           done = c.done + excluded.done
                     RETURNING c.project_id AS "ProjectId", c.todo AS "Todo", c.in_progress AS "InProgress", c.done AS "Done",
                               pg_current_xact_id()::text::bigint AS "Version"
                     """)
                .ToListAsync(cancellationToken);
        }

        return (applied, stale, counts);
    }

    private static void Count(int[] delta, string? status, int by)
    {
        switch (status)
        {
            case TaskStatusNames.Todo:
                delta[0] += by;
                break;
            case TaskStatusNames.InProgress:
                delta[1] += by;
                break;
            case TaskStatusNames.Done:
                delta[2] += by;
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Applying a batch of counts failed transiently (attempt {Attempt}); retrying")]
    private static partial void LogTransientFailure(ILogger logger, Exception exception, int attempt);

    private sealed class LedgerRow
    {
        public required string ProjectId { get; init; }

        public required string TaskId { get; init; }

        public required string LastSequenceNumber { get; init; }

        public string? CountedStatus { get; init; }
    }
}
