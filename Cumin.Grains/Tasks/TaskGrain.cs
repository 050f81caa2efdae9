using Cumin.Comments;
using Cumin.Grains.Comments;
using Cumin.Grains.Common;
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
/// then reported to the project (<see cref="IProjectGrain.TaskWritten"/>) before it is acknowledged.
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

        await Project.TaskWritten(TaskId, null, new TaskNews(ProjectEventTypes.TaskDeleted, callerId));
        DeactivateOnIdle();
        if (hadComments)
        {
            await DeleteCommentsAsync();
        }

        return Reply<bool>.Ok(true);
    }

    public async Task<Reply<TaskItem>> Create(string callerId, TaskDraft draft)
    {
        if (state.RecordExists)
        {
            return Reply<TaskItem>.Fail(Outcome.Conflict, "a task with this id exists");
        }

        if (DomainRules.CheckTask(draft.Title, draft.Description, draft.LabelIds) is { } problem)
        {
            DeactivateOnIdle();
            return Reply<TaskItem>.Fail(Outcome.Invalid, problem);
        }

        var change = new TaskChange
        {
            Action = ProjectAction.CreateTask,
            To = draft.Status,
            Place = true,
            AssigneeId = draft.AssigneeId,
            LabelIds = draft.LabelIds,
        };
        var plan = await Project.PrepareTaskChange(callerId, TaskId, change);
        if (!plan.IsOk)
        {
            DeactivateOnIdle();
            return plan.As<TaskItem>();
        }

        var now = timeProvider.GetUtcNow();
        var created = new TaskState
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
            Rank = plan.Value!.Rank!,
            CreatedAt = now,
            CreatedBy = callerId,
            UpdatedAt = now,
            UpdatedBy = callerId,
            Version = 1,
        };
        try
        {
            await WriteAsync(created, null);
        }
        catch
        {
            // The rank reserved for it, and its place under the project's task limit, go back.
            state.State = new TaskState();
            await Project.TaskChangeAbandoned(TaskId);
            throw;
        }

        var item = created.ToItem();
        await Project.TaskWritten(TaskId, item, new TaskNews(ProjectEventTypes.TaskCreated, callerId));
        return Reply<TaskItem>.Ok(item);
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
        await Project.TaskWritten(TaskId, next.ToItem(), new TaskNews(ProjectEventTypes.TaskUpdated, actorId));
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
        await Project.TaskWritten(TaskId, next.ToItem(), new TaskNews(ProjectEventTypes.TaskMoved, next.UpdatedBy));
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

    // -- comments

    public async Task<Reply<CommentPage>> ListComments(string callerId, int limit, string? cursor)
    {
        if (!state.RecordExists)
        {
            return Missing<CommentPage>();
        }

        var context = await ContextFor(callerId);
        if (Permissions.Deny<CommentPage>(context?.RoleOf(callerId), ProjectAction.ViewComments) is { } denied)
        {
            return denied.Outcome == Outcome.NotFound ? NotFound<CommentPage>() : denied;
        }

        if (limit is < 1 or > TaskLimits.PageMax)
        {
            return Reply<CommentPage>.Fail(Outcome.Invalid, $"limit must be 1-{TaskLimits.PageMax}");
        }

        var page = await comments.ListAsync(ProjectId, TaskId, limit, cursor);
        return page is null ? Reply<CommentPage>.Fail(Outcome.Invalid, "cursor is not valid") : Reply<CommentPage>.Ok(page);
    }

    public async Task<Reply<Comment>> AddComment(string callerId, string body)
    {
        if (!state.RecordExists)
        {
            return Missing<Comment>();
        }

        var plan = await Project.PrepareTaskChange(callerId, TaskId, new TaskChange { Action = ProjectAction.CreateComment, From = state.State.Status, To = state.State.Status });
        if (!plan.IsOk)
        {
            return plan.As<Comment>();
        }

        if (DomainRules.CheckComment(body) is { } problem)
        {
            return Reply<Comment>.Fail(Outcome.Invalid, problem);
        }

        if (state.State.CommentCount >= TaskLimits.CommentsMax)
        {
            return Reply<Comment>.Limit($"a task has at most {TaskLimits.CommentsMax} comments");
        }

        var now = timeProvider.GetUtcNow();
        var comment = new Comment(_commentIds.Next(), TaskId, callerId, body, now, now);
        await CountedAsync(
            state.State.CommentCount + 1,
            etag => comments.AddAsync(ProjectId, comment, state.State.CommentCount + 1, etag),
            new TaskNews(ProjectEventTypes.CommentCreated, callerId, comment));
        return Reply<Comment>.Ok(comment);
    }

    public async Task<Reply<Comment>> EditComment(string callerId, string commentId, string body)
    {
        if (!state.RecordExists)
        {
            return Missing<Comment>();
        }

        var comment = await comments.GetAsync(ProjectId, TaskId, commentId);
        var change = new TaskChange { Action = ProjectAction.EditComment, From = state.State.Status, To = state.State.Status, IsAuthor = comment?.AuthorId == callerId };
        var plan = await Project.PrepareTaskChange(callerId, TaskId, change);
        if (!plan.IsOk)
        {
            return plan.As<Comment>();
        }

        if (comment is null)
        {
            return Reply<Comment>.Fail(Outcome.NotFound, "comment not found");
        }

        if (DomainRules.CheckComment(body) is { } problem)
        {
            return Reply<Comment>.Fail(Outcome.Invalid, problem);
        }

        var edited = comment with { Body = body, UpdatedAt = timeProvider.GetUtcNow() };
        if (edited.Body != comment.Body)
        {
            await comments.UpdateAsync(ProjectId, edited);
            await Project.TaskWritten(TaskId, state.State.ToItem(), new TaskNews(ProjectEventTypes.CommentUpdated, callerId, edited));
        }

        return Reply<Comment>.Ok(edited);
    }

    public async Task<Reply<bool>> DeleteComment(string callerId, string commentId)
    {
        if (!state.RecordExists)
        {
            return Missing<bool>();
        }

        var comment = await comments.GetAsync(ProjectId, TaskId, commentId);
        var change = new TaskChange { Action = ProjectAction.DeleteComment, From = state.State.Status, To = state.State.Status, IsAuthor = comment?.AuthorId == callerId };
        var plan = await Project.PrepareTaskChange(callerId, TaskId, change);
        if (!plan.IsOk)
        {
            return plan.As<bool>();
        }

        if (comment is null)
        {
            return Reply<bool>.Fail(Outcome.NotFound, "comment not found");
        }

        var count = Math.Max(0, state.State.CommentCount - 1);
        await CountedAsync(
            count,
            etag => comments.DeleteAsync(ProjectId, TaskId, commentId, callerId, timeProvider.GetUtcNow(), count, etag),
            new TaskNews(ProjectEventTypes.CommentDeleted, callerId, comment));
        return Reply<bool>.Ok(true);
    }

    /// <summary>
    /// A comment write that sets the task's count in the same transaction, then this grain's state read back (the
    /// transaction moved the item's storage version on) and reported to the project. Any failure drops the activation:
    /// the next call reads what is stored.
    /// </summary>
    private async Task CountedAsync(int count, Func<string, Task<bool>> write, TaskNews news)
    {
        try
        {
            if (!await write(state.Etag ?? "0"))
            {
                throw new InvalidOperationException($"task {TaskId} changed in storage behind its grain");
            }

            await state.ReadStateAsync();
        }
        catch
        {
            DeactivateOnIdle();
            WriteUncertain();
            throw;
        }

        await Project.TaskWritten(TaskId, state.State.ToItem(), news);
    }

    private async Task DeleteCommentsAsync()
    {
        try
        {
            await comments.DeleteAllAsync(ProjectId, TaskId);
        }
        catch (Exception exception)
        {
            // The task is gone, so nothing can reach these comments any more; the deletion itself stands.
            LogCommentsLeft(logger, exception, ProjectId, TaskId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {ProjectId}/{TaskId} was deleted but some of its comments could not be")]
    private static partial void LogCommentsLeft(ILogger logger, Exception exception, string projectId, string taskId);

    // -- the write path

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
            await Project.TaskWritten(TaskId, item, new TaskNews(type, callerId));
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

    // -- the context

    /// <summary>The context to answer <paramref name="callerId"/> from: the one remembered while its lease holds, else the project's.</summary>
    private async Task<ProjectContext?> ContextFor(string callerId) =>
        _context is { } known && timeProvider.GetUtcNow() - _contextAskedAt < MembershipLease
            ? known
            : await AskContext(callerId);

    private async Task<ProjectContext?> AskContext(string callerId)
    {
        var news = _contextNews;
        var context = await Project.WatchContext(TaskId, callerId);
        // The project keeps telling this grain only when it answered (the caller is a member). A change told while the
        // answer was on its way is newer than the answer; so is the order to forget.
        if (context is not null && news == _contextNews)
        {
            Remember(context);
        }

        return context;
    }

    private void Remember(ProjectContext? context)
    {
        _context = context;
        _contextAskedAt = timeProvider.GetUtcNow();
    }

    /// <summary>There is no such task: nothing is kept for the caller, not even this activation.</summary>
    private Reply<T> Missing<T>()
    {
        DeactivateOnIdle();
        return NotFound<T>();
    }

    private static Reply<T> NotFound<T>() => Reply<T>.Fail(Outcome.NotFound, "task not found");
}
