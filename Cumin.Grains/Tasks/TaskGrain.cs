using Cumin.Comments;
using Cumin.Grains.Comments;
using Cumin.Grains.Persistence;
using Cumin.Live;
using Cumin.Projects;
using Cumin.Tasks;
using Microsoft.Extensions.Logging;

namespace Cumin.Grains.Tasks;

/// <summary>
/// One task, the sole writer of its item and its comments. Reads are answered from memory, with the context (roles,
/// labels) the project handed this grain and keeps current (<see cref="IProjectGrain.WatchContext"/>), so a read costs
/// no call to another grain (that call was about a third of a read's CPU in the silo). Every change is first allowed by
/// the project, which also decides a new rank (<see cref="IProjectGrain.PrepareTaskChange"/>), then written to DynamoDB,
/// then reported to the project (<see cref="IProjectGrain.TaskWritten"/>) before it is acknowledged
/// (TaskGrain.Writes.cs). A creation is the one change the project drives itself (<see cref="Create"/>). Comments are in TaskGrain.Comments.cs, the remembered context in TaskGrain.Context.cs.
/// </summary>
public sealed partial class TaskGrain(
    [PersistentState("task", StorageNames.Grains)] IPersistentState<TaskState> state,
    ICommentStore comments,
    TimeProvider timeProvider,
    ILogger<TaskGrain> logger) : Grain, ITaskGrain
{
    /// <summary>
    /// How long a context is used before it is asked for again, should the project have failed to tell this grain
    /// of a change. Well under the least time Orleans takes to declare a silo dead (three missed probes of 1.5 s each,
    /// 4.5 s: Cumin.Clustering's LeastFailureDetectionTime, which a test keeps above this lease), so when the project's
    /// silo crashes, no new activation of the project can change the
    /// membership before this grain asks it. Under steady reads it costs one call to the project per task per lease.
    /// </summary>
    public static readonly TimeSpan MembershipLease = TimeSpan.FromSeconds(2);

    private readonly SortableId _commentIds = new(timeProvider);
    private string? _projectId;
    private string? _taskId;
    private ProjectContext? _context;
    private DateTimeOffset _contextAskedAt;

    /// <summary>Counts the project's messages, so an answer overtaken by one of them is not remembered.</summary>
    private int _contextNews;

    private string ProjectId => _projectId ??= this.GetPrimaryKeyString().Split('/')[0];

    private string TaskId => _taskId ??= this.GetPrimaryKeyString().Split('/')[1];

    private IProjectGrain Project => GrainFactory.Of<IProjectGrain>(ProjectId);

    /// <summary>
    /// Reports a stored change to the project (<see cref="IProjectGrain.TaskWritten"/>). Once more if the project's silo
    /// went away meanwhile (a rolling restart): the write is stored, so failing now would answer 503 for a change that
    /// was made; the project's next activation, elsewhere, reads its board with the change and takes the report again.
    /// </summary>
    private async Task ReportWrittenAsync(TaskItem? item, TaskNews news)
    {
        try
        {
            await Project.TaskWritten(TaskId, item, news);
        }
        catch (SiloUnavailableException)
        {
            await Project.TaskWritten(TaskId, item, news);
        }
    }

    public async Task<Reply<TaskItem>> Get(string callerId)
    {
        if (!state.RecordExists)
        {
            return Missing<TaskItem>();
        }

        var context = await ContextFor(callerId);
        return context?.RoleOf(callerId) is null
            ? NotFound<TaskItem>()
            : Reply<TaskItem>.Ok(context.Mask(state.State.ToItem()));
    }

    public async Task<Reply<TaskItem>> Update(string callerId, TaskPatch patch, long? expectedVersion)
    {
        if (!state.RecordExists)
        {
            return Missing<TaskItem>();
        }

        var current = state.State;
        var status = patch.Status ?? current.Status;
        var change = new TaskChange
        {
            Action = ProjectAction.UpdateTask,
            From = current.Status,
            To = status,
            // A task whose status changes goes to the end of its new column.
            Place = status != current.Status,
            AssigneeId = patch.AssigneeId.IsSet ? patch.AssigneeId.Value : null,
            LabelIds = patch.LabelIds,
        };
        return await ChangeAsync(callerId, change, expectedVersion, (next, plan) =>
        {
            if (DomainRules.CheckTask(patch.Title, patch.Description.Or(null), patch.LabelIds) is { } problem)
            {
                return problem;
            }

            next.Title = patch.Title ?? next.Title;
            next.Description = patch.Description.Or(next.Description);
            next.Status = status;
            next.Priority = patch.Priority ?? next.Priority;
            next.AssigneeId = patch.AssigneeId.Or(next.AssigneeId);
            next.DueDate = patch.DueDate.Or(next.DueDate);
            next.LabelIds = patch.LabelIds is { } labels ? [.. labels.Distinct(StringComparer.Ordinal)] : next.LabelIds;
            next.Rank = plan.Rank ?? next.Rank;
            return null;
        });
    }

    public async Task<Reply<TaskItem>> Move(string callerId, TaskMove move, long? expectedVersion)
    {
        if (!state.RecordExists)
        {
            return Missing<TaskItem>();
        }

        var current = state.State;
        var change = new TaskChange
        {
            Action = ProjectAction.MoveTask,
            From = current.Status,
            To = move.Status ?? current.Status,
            Place = true,
            AfterId = move.AfterId,
            BeforeId = move.BeforeId,
        };
        return await ChangeAsync(callerId, change, expectedVersion, (next, plan) =>
        {
            next.Status = change.To;
            next.Rank = plan.Rank ?? next.Rank;
            return null;
        });
    }

    public async Task<Reply<bool>> Delete(string callerId)
    {
        if (!state.RecordExists)
        {
            return Missing<bool>();
        }

        var current = state.State;
        var plan = await Project.PrepareTaskChange(callerId, TaskId, new TaskChange { Action = ProjectAction.DeleteTask, From = current.Status, To = current.Status });
        if (!plan.IsOk)
        {
            return plan.As<bool>();
        }

        // Stamped first, so the stream's REMOVE record names who deleted the task (its old image is this one).
        var stamp = current.Copy();
        stamp.DeletedBy = stamp.UpdatedBy = callerId;
        stamp.UpdatedAt = timeProvider.GetUtcNow();
        await WriteAsync(stamp, current);

        // A delete that failed may still have landed: neither the activation nor the board may go on showing the task.
        var hadComments = stamp.CommentCount > 0;
        try
        {
            await state.ClearOrDeactivateAsync(this);
        }
        catch
        {
            WriteUncertain();
            throw;
        }

        await ReportWrittenAsync(null, new TaskNews(ProjectEventTypes.TaskDeleted, callerId));
        DeactivateOnIdle();
        if (hadComments)
        {
            await DeleteCommentsAsync();
        }

        return Reply<bool>.Ok(true);
    }

    public async Task<Reply<TaskItem>> Create(string callerId, TaskDraft draft, TaskChangePlan plan)
    {
        if (state.RecordExists)
        {
            return Reply<TaskItem>.Fail(Outcome.Conflict, "a task with this id exists");
        }

        var now = timeProvider.GetUtcNow();
        state.State = new TaskState
        {
            Id = TaskId,
            ProjectId = ProjectId,
            Title = draft.Title,
            Description = draft.Description,
            Status = draft.Status,
            Priority = draft.Priority,
            AssigneeId = draft.AssigneeId,
            DueDate = draft.DueDate,
            LabelIds = [.. (draft.LabelIds ?? []).Distinct(StringComparer.Ordinal)],
            Rank = plan.Rank!,
            CreatedAt = now,
            CreatedBy = callerId,
            UpdatedAt = now,
            UpdatedBy = callerId,
            Version = 1,
        };
        try
        {
            await state.WriteOrDeactivateAsync(this);
        }
        catch
        {
            // The project, which is waiting on this call, learns of the failure from it (and not from a call back).
            state.State = new TaskState();
            throw;
        }

        return Reply<TaskItem>.Ok(state.State.ToItem());
    }

    public Task ContextChanged(ProjectContext? context)
    {
        _contextNews++;
        Remember(context);
        return Task.CompletedTask;
    }

    public async Task Repair(ProjectContext context, string actorId)
    {
        if (!state.RecordExists)
        {
            DeactivateOnIdle();
            return;
        }

        var current = state.State;
        var masked = context.Mask(current.ToItem());
        if (masked.AssigneeId == current.AssigneeId && masked.LabelIds.Count == current.LabelIds.Count)
        {
            return;
        }

        var next = current.Copy();
        next.AssigneeId = masked.AssigneeId;
        next.LabelIds = [.. masked.LabelIds];
        next.UpdatedAt = timeProvider.GetUtcNow();
        next.UpdatedBy = actorId;
        next.Version++;
        await WriteAsync(next, current);
        await ReportWrittenAsync(next.ToItem(), new TaskNews(ProjectEventTypes.TaskUpdated, actorId));
    }

    public async Task Rerank(TaskItemStatus status, string fromRank, string rank)
    {
        if (!state.RecordExists || state.State.Status != status || state.State.Rank != fromRank)
        {
            return;
        }

        // Only the rank's spelling changes, not the order nor anything a client edits: the version stays.
        var current = state.State;
        var next = current.Copy();
        next.Rank = rank;
        await WriteAsync(next, current);
        await ReportWrittenAsync(next.ToItem(), new TaskNews(ProjectEventTypes.TaskMoved, next.UpdatedBy));
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The project stops telling a grain that is gone (it would otherwise activate it again to tell it). Not while
        // the silo shuts down: the last silo can place no project to tell, and elsewhere a stale entry costs one activation.
        if (_context is not null && reason.ReasonCode != DeactivationReasonCode.ShuttingDown)
        {
            _ = Project.UnwatchContext(TaskId);
        }

        return Task.CompletedTask;
    }

    public async Task Purge()
    {
        // Purged by the project's deletion: the project no longer keeps track of who holds its context.
        Remember(null);
        if (state.RecordExists)
        {
            // The count is exact, so a task without comments costs no query of the comments table.
            var hadComments = state.State.CommentCount > 0;
            await state.ClearOrDeactivateAsync(this);
            if (hadComments)
            {
                await comments.DeleteAllAsync(ProjectId, TaskId);
            }
        }

        DeactivateOnIdle();
    }
}
