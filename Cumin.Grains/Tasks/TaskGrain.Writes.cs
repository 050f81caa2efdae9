using Cumin.Grains.Persistence;
using Cumin.Live;
using Cumin.Projects;
using Cumin.Tasks;

namespace Cumin.Grains.Tasks;

/// <summary>The write path every change of the task takes: allowed and placed by the project, written, reported.</summary>
public sealed partial class TaskGrain
{
    /// <summary>
    /// A change: allowed and placed by the project, checked against the version the client saw, applied by
    /// <paramref name="apply"/> (which returns a problem to refuse it), written, reported. A rank the project reserved is
    /// handed back whenever nothing is written.
    /// </summary>
    private async Task<Reply<TaskItem>> ChangeAsync(string callerId, TaskChange change, long? expectedVersion, Func<TaskState, TaskChangePlan, string?> apply)
    {
        var reply = await Project.PrepareTaskChange(callerId, TaskId, change);
        if (!reply.IsOk)
        {
            return reply.As<TaskItem>();
        }

        var plan = reply.Value!;
        var written = false;
        try
        {
            var current = state.State;
            if (expectedVersion is { } expected && expected != current.Version)
            {
                return Reply<TaskItem>.Fail(Outcome.PreconditionFailed, $"the task is at version {current.Version}, not {expected}");
            }

            var next = current.Copy();
            if (apply(next, plan) is { } problem)
            {
                return Reply<TaskItem>.Fail(Outcome.Invalid, problem);
            }

            // What the project no longer has (a departed assignee, a deleted label) is dropped with any change.
            var masked = plan.Context.Mask(next.ToItem());
            next.AssigneeId = masked.AssigneeId;
            next.LabelIds = [.. masked.LabelIds];
            if (SameAs(current, next))
            {
                return Reply<TaskItem>.Ok(plan.Context.Mask(current.ToItem()));
            }

            next.UpdatedAt = timeProvider.GetUtcNow();
            next.UpdatedBy = callerId;
            next.Version++;
            await WriteAsync(next, current);
            written = true;
            var item = next.ToItem();
            var type = PlaceOnly(current, next) ? ProjectEventTypes.TaskMoved : ProjectEventTypes.TaskUpdated;
            await ReportWrittenAsync(item, new TaskNews(type, callerId));
            return Reply<TaskItem>.Ok(item);
        }
        finally
        {
            if (!written)
            {
                await Project.TaskChangeAbandoned(TaskId);
            }
        }
    }

    /// <summary>Stores <paramref name="next"/>; on failure memory goes back to <paramref name="previous"/> and the activation is dropped.</summary>
    private async Task WriteAsync(TaskState next, TaskState? previous)
    {
        state.State = next;
        try
        {
            await state.WriteOrDeactivateAsync(this);
        }
        catch
        {
            if (previous is not null)
            {
                state.State = previous;
            }

            WriteUncertain();
            throw;
        }
    }

    /// <summary>A write failed without saying whether it landed: the project reads this task's board from storage again.</summary>
    private void WriteUncertain() => _ = Project.TaskWriteUncertain(TaskId);

    /// <summary>Only the task's place (column, rank) differs: a move, whether asked as one or as a PATCH of the status.</summary>
    private static bool PlaceOnly(TaskState a, TaskState b) =>
        a.Title == b.Title && a.Description == b.Description && a.Priority == b.Priority && a.AssigneeId == b.AssigneeId
        && a.DueDate == b.DueDate && a.LabelIds.SequenceEqual(b.LabelIds, StringComparer.Ordinal);

    private static bool SameAs(TaskState a, TaskState b) =>
        a.Title == b.Title && a.Description == b.Description && a.Status == b.Status && a.Priority == b.Priority
        && a.AssigneeId == b.AssigneeId && a.DueDate == b.DueDate && a.Rank == b.Rank && a.LabelIds.SequenceEqual(b.LabelIds, StringComparer.Ordinal);
}
