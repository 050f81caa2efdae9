using Cumin.Grains.Board;
using Cumin.Live;
using Cumin.Projects;
using Cumin.Tasks;
using Microsoft.Extensions.Logging;

namespace Cumin.Grains.Projects;

/// <summary>
/// The board: every task of the project in memory, read from the board index once per activation (on first need) and
/// kept current by every write. A task grain asks <see cref="PrepareTaskChange"/> before it writes (permission,
/// validation, rank) and reports <see cref="TaskWritten"/> before it answers its caller; a creation, which starts here,
/// is asked and recorded here around the task grain's write (<see cref="CreateTask"/>). Both are decided without
/// awaiting anything once the board is loaded, so they interleave with every other call and concurrent moves are
/// decided one after another: ranks never collide, and the project never waits on a task that waits on it.
/// </summary>
public sealed partial class ProjectGrain
{
    private TaskBoard? _board;
    private Task? _boardLoading;

    /// <summary>Counts the boards dropped (<see cref="TaskWriteUncertain"/>): a read begun before a drop is not installed.</summary>
    private int _boardGeneration;

    /// <summary>Writes reported while the board was being read: applied after it, since the read may predate them.</summary>
    private List<(string TaskId, TaskItem? Task)>? _writtenWhileLoading;

    public async Task<Reply<TaskItem>> CreateTask(string callerId, TaskDraft draft)
    {
        if (Check(callerId, ProjectAction.CreateTask) is { } denied)
        {
            return denied.As<TaskItem>();
        }

        if (DomainRules.CheckTask(draft.Title, draft.Description, draft.LabelIds) is { } problem)
        {
            return Reply<TaskItem>.Fail(Outcome.Invalid, problem);
        }

        // Decided and recorded here, around one call to the task grain that calls nothing back: a call back into this
        // activation would not be delivered while it deactivates (a silo's graceful stop), and the create would hang.
        var taskId = _ids.Next();
        var change = new TaskChange
        {
            Action = ProjectAction.CreateTask,
            To = draft.Status,
            Place = true,
            AssigneeId = draft.AssigneeId,
            LabelIds = draft.LabelIds,
        };
        var plan = await PrepareTaskChange(callerId, taskId, change);
        if (!plan.IsOk)
        {
            return plan.As<TaskItem>();
        }

        Reply<TaskItem> created;
        try
        {
            created = await TaskGrain(taskId).Create(callerId, draft, plan.Value!);
        }
        catch
        {
            // The write may have landed (its answer lost) or not: the board is read from storage again.
            await TaskWriteUncertain(taskId);
            throw;
        }

        if (!created.IsOk)
        {
            await TaskChangeAbandoned(taskId);
            return created;
        }

        await TaskWritten(taskId, created.Value, new TaskNews(ProjectEventTypes.TaskCreated, callerId));
        return created;
    }

    public async Task<Reply<TaskPage>> ListTasks(string callerId, TaskQuery query)
    {
        if (Check(callerId, ProjectAction.ViewTasks) is { } denied)
        {
            return denied.As<TaskPage>();
        }

        if (DomainRules.CheckQuery(query) is { } problem)
        {
            return Reply<TaskPage>.Fail(Outcome.Invalid, problem);
        }

        var board = await BoardAsync();
        if (board.Page(query, boardOptions.Value.ScanLimit) is not { } page)
        {
            return Reply<TaskPage>.Fail(Outcome.Invalid, "cursor is not valid for this list (a cursor is only valid with the same filters and order)");
        }

        var elided = page.Items.Where(t => board.IsElided(t.Id)).Select(t => t.Id).ToList();
        if (elided.Count == 0)
        {
            return Reply<TaskPage>.Ok(page);
        }

        var descriptions = await catalog.ReadDescriptionsAsync(Id, elided);
        return Reply<TaskPage>.Ok(page with
        {
            Items = [.. page.Items.Select(t => descriptions.TryGetValue(t.Id, out var description) ? t with { Description = description } : t)],
        });
    }

    public async Task<Reply<TaskChangePlan>> PrepareTaskChange(string callerId, string taskId, TaskChange change)
    {
        // Asked first, so a caller who may not do this costs no read of the board.
        if (Deny(callerId, change) is { } early)
        {
            return early;
        }

        var board = await BoardAsync();
        var context = await ContextAsync();
        // Asked again: the membership may have changed while the board was read.
        if (Deny(callerId, change) is { } denied)
        {
            return denied;
        }

        if (change.AssigneeId is { } assignee && context.RoleOf(assignee) is null)
        {
            return Reply<TaskChangePlan>.Fail(Outcome.Invalid, "assigneeId must be a member of the project");
        }

        if (change.LabelIds is { } labels)
        {
            if (labels.Distinct(StringComparer.Ordinal).Count() > TaskLimits.LabelsMax)
            {
                return Reply<TaskChangePlan>.Fail(Outcome.Invalid, $"a task has at most {TaskLimits.LabelsMax} labels");
            }

            if (labels.FirstOrDefault(id => !context.LabelIds.Contains(id)) is { } unknown)
            {
                return Reply<TaskChangePlan>.Fail(Outcome.Invalid, $"labelIds must be labels of this project ({unknown} is not)");
            }
        }

        if (change.Action == ProjectAction.CreateTask && board.CountWithCreations >= ProjectLimits.TasksMax)
        {
            return Reply<TaskChangePlan>.Limit($"a project has at most {ProjectLimits.TasksMax} tasks");
        }

        if (!change.Place)
        {
            return Reply<TaskChangePlan>.Ok(new TaskChangePlan(null, context));
        }

        var placement = board.Place(taskId, change.To, change.AfterId, change.BeforeId);
        if (placement.Conflict is { } conflict)
        {
            return Reply<TaskChangePlan>.Fail(Outcome.Conflict, conflict + "; reload the column");
        }

        foreach (var rerank in placement.Reranks)
        {
            // One-way: the project never waits on a task grain, which may itself be waiting on the project.
            _ = TaskGrain(rerank.TaskId).Rerank(rerank.Status, rerank.FromRank, rerank.Rank);
        }

        if (placement.Reranks.Count > 0)
        {
            var column = WireNames.Of(change.To);
            LogRespread(logger, Id, column, placement.Reranks.Count);
        }

        return Reply<TaskChangePlan>.Ok(new TaskChangePlan(placement.Rank, context));
    }

    public Task TaskWritten(string taskId, TaskItem? task, TaskNews news)
    {
        if (_board is not null)
        {
            Apply(_board, taskId, task);
        }
        else if (_writtenWhileLoading is { } written)
        {
            written.Add((taskId, task));
        }

        // Otherwise not loaded: the next load reads storage, which has this write.
        PublishTask(taskId, task, news);
        return Task.CompletedTask;
    }

    private Reply<TaskChangePlan>? Deny(string callerId, TaskChange change) =>
        Permissions.Deny<TaskChangePlan>(RoleOrNull(callerId), change.Action, change.IsAuthor) is { } denied
            ? denied.Outcome == Outcome.NotFound ? NotFound<TaskChangePlan>("task not found") : denied
            : null;

    public Task TaskChangeAbandoned(string taskId)
    {
        _board?.Release(taskId);
        return Task.CompletedTask;
    }

    public Task TaskWriteUncertain(string taskId)
    {
        // The write may have landed or not, so what the board holds for the task may be wrong either way: it is read
        // again from storage on next need (a read already under way may predate the write, so it is not kept either).
        if (_board is not null || _boardLoading is not null)
        {
            _boardGeneration++;
            _board = null;
            _boardLoading = null;
            LogBoardDropped(logger, Id, taskId);
        }

        return Task.CompletedTask;
    }

    /// <summary>A write applied to the board as readers must see it; what it still names but the project no longer has is repaired.</summary>
    private void Apply(TaskBoard board, string taskId, TaskItem? task)
    {
        if (task is not null && _context is { } context)
        {
            var masked = context.Mask(task);
            if (!ReferenceEquals(masked, task))
            {
                // The assignee was removed, or a label deleted, while this write was on its way.
                Repair([taskId], state.State.UpdatedBy);
                task = masked;
            }
        }

        board.Apply(taskId, task);
    }

    /// <summary>Rewrites the board for a removal (<paramref name="rewrite"/>), then has every affected task store it.</summary>
    private async Task RepairAsync(Func<TaskBoard, IReadOnlyList<string>> rewrite, string actorId) =>
        Repair(rewrite(await BoardAsync()), actorId);

    private void Repair(IReadOnlyList<string> taskIds, string actorId)
    {
        if (taskIds.Count == 0 || _context is not { } context)
        {
            return;
        }

        foreach (var taskId in taskIds)
        {
            // One-way, as every call from the project to its tasks that the tasks might be waiting behind.
            _ = TaskGrain(taskId).Repair(context, actorId);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Project {ProjectId} respread {Count} ranks of column {Status}")]
    private static partial void LogRespread(ILogger logger, string projectId, string status, int count);
}
