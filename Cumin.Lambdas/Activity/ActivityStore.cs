using Cumin.Lambdas.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cumin.Lambdas.Activity;

/// <summary>
/// Writes a batch's activity entries and project removals to <c>activity_entries</c> in one transaction, each entry
/// exactly once however batches are redelivered, reordered or run side by side.
/// </summary>
/// <remarks>
/// <para>Exactly once: an entry is keyed by its stream record's <c>eventID</c> and its place among that record's
/// entries, and inserted with <c>ON CONFLICT DO NOTHING</c>. Its time comes from the item's image, not from when it
/// arrived, so a record delivered late still sorts where its change happened.</para>
/// <para>Bounded: past <see cref="ActivityOptions.MaxEntriesPerProject"/> and a tenth, a project's oldest entries are
/// deleted down to the cap, and the newest time deleted is remembered, so a redelivered record older than that writes
/// nothing back. A deleted project's entries go with it and its marker keeps its late records out for three days
/// (streams keep records 24 hours).</para>
/// <para>Concurrency: as the aggregator (<see cref="ProjectTransactions"/>), with its own advisory-lock key space.</para>
/// </remarks>
public sealed partial class ActivityStore(
    IDbContextFactory<LambdasDbContext> dbContextFactory,
    IOptions<ActivityOptions> options,
    TimeProvider timeProvider,
    ILogger<ActivityStore> logger)
{
    private const string LockPurpose = "activity";

    private static readonly TimeSpan DeletedProjectRetention = TimeSpan.FromDays(3);

    public async Task<ActivityBatchOutcome> ApplyAsync(
        IReadOnlyList<ActivityEntry> entries,
        IReadOnlyList<ActivityProjectRemoval> removals,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(removals);
        if (entries.Count == 0 && removals.Count == 0)
        {
            return default;
        }

        return await ProjectTransactions.RetryTransientAsync(
            ct => ApplyOnceAsync(entries, removals, ct), timeProvider, (ex, attempt) => LogTransientFailure(logger, ex, attempt), cancellationToken);
    }

    private async Task<ActivityBatchOutcome> ApplyOnceAsync(
        IReadOnlyList<ActivityEntry> entries,
        IReadOnlyList<ActivityProjectRemoval> removals,
        CancellationToken cancellationToken)
    {
        await using var db = await dbContextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var sql = db.Database;
        var now = timeProvider.GetUtcNow();

        var projectIds = entries.Select(e => e.ProjectId).Concat(removals.Select(r => r.ProjectId)).Distinct(StringComparer.Ordinal).ToArray();
        await ProjectTransactions.LockProjectsAsync(sql, projectIds, LockPurpose, cancellationToken);
        var known = await db.ActivityProjects.AsNoTracking()
            .Where(p => projectIds.Contains(p.ProjectId))
            .ToDictionaryAsync(p => p.ProjectId, StringComparer.Ordinal, cancellationToken);

        var removed = removals.Select(r => r.ProjectId).Distinct(StringComparer.Ordinal)
            .Where(id => known.GetValueOrDefault(id)?.DeletedAt is null)
            .ToArray();
        if (removed.Length > 0)
        {
            await sql.ExecuteSqlAsync($"DELETE FROM activity_entries WHERE project_id = ANY({removed})", cancellationToken);
            await sql.ExecuteSqlAsync(
                $"""
                 INSERT INTO activity_projects (project_id, entries, deleted_at)
                 SELECT p, 0, {now} FROM unnest({removed}) AS p
                 ON CONFLICT (project_id) DO UPDATE SET entries = 0, deleted_at = excluded.deleted_at
                 """,
                cancellationToken);
            await sql.ExecuteSqlAsync($"DELETE FROM activity_projects WHERE deleted_at < {now - DeletedProjectRetention}", cancellationToken);
        }

        var isDeleted = (string projectId) => removed.Contains(projectId, StringComparer.Ordinal) || known.GetValueOrDefault(projectId)?.DeletedAt is not null;
        var live = entries.Where(e => !isDeleted(e.ProjectId)
                && !(known.GetValueOrDefault(e.ProjectId)?.TrimmedThrough is { } trimmed && e.At <= trimmed))
            .ToList();
        var written = live.Count > 0 ? await InsertAsync(sql, live, cancellationToken) : 0;
        var trimmedCount = written > 0 ? await TrimAsync(sql, [.. live.Select(e => e.ProjectId).Distinct(StringComparer.Ordinal)], cancellationToken) : 0;

        await transaction.CommitAsync(cancellationToken);
        var ofDeleted = entries.Count(e => isDeleted(e.ProjectId));
        return new ActivityBatchOutcome(written, entries.Count - ofDeleted - written, ofDeleted, removed.Length, trimmedCount);
    }

    /// <summary>
    /// Inserts what is not stored yet and counts it into its project's total, a project at a time (a batch touches a few):
    /// the rows a project's insert reports are exactly its new entries. Returns how many were new.
    /// </summary>
    private static async Task<int> InsertAsync(DatabaseFacade sql, List<ActivityEntry> entries, CancellationToken cancellationToken)
    {
        var written = 0;
        foreach (var project in entries.GroupBy(e => e.ProjectId, StringComparer.Ordinal))
        {
            var eventIds = project.Select(e => e.EventId).ToArray();
            var ordinals = project.Select(e => e.Ordinal).ToArray();
            var tasks = project.Select(e => e.TaskId).ToArray();
            var actors = project.Select(e => e.ActorId).ToArray();
            var types = project.Select(e => e.Type).ToArray();
            var times = project.Select(e => e.At.ToUniversalTime()).ToArray();
            var changes = project.Select(e => e.Changes.ToJsonString()).ToArray();
            var inserted = await sql.ExecuteSqlAsync(
                $"""
                 INSERT INTO activity_entries (event_id, ordinal, project_id, task_id, actor_id, type, at, changes)
                 SELECT e, o, {project.Key}, t, a, y, w, c::jsonb
                 FROM unnest({eventIds}, {ordinals}, {tasks}, {actors}, {types}, {times}, {changes}) AS r(e, o, t, a, y, w, c)
                 ON CONFLICT (event_id, ordinal) DO NOTHING
                 """,
                cancellationToken);
            if (inserted > 0)
            {
                await sql.ExecuteSqlAsync(
                    $"""
                     INSERT INTO activity_projects AS p (project_id, entries) VALUES ({project.Key}, {inserted})
                     ON CONFLICT (project_id) DO UPDATE SET entries = p.entries + excluded.entries
                     """,
                    cancellationToken);
            }

            written += inserted;
        }

        return written;
    }

    /// <summary>Deletes the oldest entries of every project past the cap and a tenth, down to the cap; returns how many projects were trimmed.</summary>
    private async Task<int> TrimAsync(
        DatabaseFacade sql, string[] projectIds, CancellationToken cancellationToken)
    {
        var max = options.Value.MaxEntriesPerProject;
        var high = max + (max / 10);
        return await sql.ExecuteSqlAsync(
            $"""
             WITH over AS (
               SELECT project_id, entries - {max} AS excess FROM activity_projects
               WHERE project_id = ANY({projectIds}) AND entries > {high}),
             doomed AS (
               DELETE FROM activity_entries e USING (
                 SELECT o.project_id, x.id FROM over o CROSS JOIN LATERAL (
                   SELECT id FROM activity_entries a WHERE a.project_id = o.project_id ORDER BY a.at, a.id LIMIT o.excess) x) d
               WHERE e.id = d.id
               RETURNING e.project_id, e.at)
             UPDATE activity_projects p
             SET entries = p.entries - d.n, trimmed_through = GREATEST(p.trimmed_through, d.newest)
             FROM (SELECT project_id, count(*) AS n, max(at) AS newest FROM doomed GROUP BY project_id) d
             WHERE p.project_id = d.project_id
             """,
            cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing a batch of activity failed transiently (attempt {Attempt}); retrying")]
    private static partial void LogTransientFailure(ILogger logger, Exception exception, int attempt);
}
