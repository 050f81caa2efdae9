using Cumin.Grains.Common;
using Cumin.Projects;
using Cumin.Tasks;

namespace Cumin.Grains.Tasks;

/// <summary>
/// One task. Reads are answered from memory; every change is written to DynamoDB before it is acknowledged.
/// Who may do what is the project's decision: a change asks the project for the caller's role; a read looks it up in
/// the membership the project handed this grain and keeps current (<see cref="IProjectGrain.WatchMembers"/>), so it
/// costs no call to another grain (that call was about a third of a read's CPU in the silo).
/// </summary>
public sealed class TaskGrain(
    [PersistentState("task", StorageNames.Grains)] IPersistentState<TaskState> state,
    TimeProvider timeProvider) : Grain, ITaskGrain
{
    /// <summary>
    /// How long a membership is used before it is asked for again, should the project have failed to tell this grain
    /// of a change. Well under the least time Orleans takes to declare a silo dead (three missed probes of 1.5 s each,
    /// 4.5 s: Cumin.Clustering's LeastFailureDetectionTime, which a test keeps above this lease), so when the project's
    /// silo crashes, no new activation of the project can change the
    /// membership before this grain asks it. Under steady reads it costs one call to the project per task per lease.
    /// </summary>
    public static readonly TimeSpan MembershipLease = TimeSpan.FromSeconds(2);

    private string? _projectId;
    private string? _taskId;
    private ProjectMembership? _membership;
    private DateTimeOffset _membershipAskedAt;

    /// <summary>Counts the project's messages, so an answer overtaken by one of them is not remembered.</summary>
    private int _membershipNews;

    private string ProjectId => _projectId ??= this.GetPrimaryKeyString().Split('/')[0];

    private string TaskId => _taskId ??= this.GetPrimaryKeyString().Split('/')[1];

    public async Task<Reply<TaskItem>> Get(string callerId)
    {
        var role = _membership is { } known && timeProvider.GetUtcNow() - _membershipAskedAt < MembershipLease
            ? known.RoleOf(callerId)
            : await AskMembership(callerId);
        return role is null || !state.RecordExists
            ? Reply<TaskItem>.Fail(Outcome.NotFound, "task not found")
            : Reply<TaskItem>.Ok(state.State.ToItem());
    }

    public async Task<Reply<TaskItem>> Update(string callerId, TaskPatch patch, long? expectedVersion)
    {
        var denied = await Check(callerId, ProjectAction.UpdateTask);
        if (denied is not null)
        {
            return denied.As<TaskItem>();
        }

        var current = state.State;
        if (expectedVersion is { } expected && expected != current.Version)
        {
            return Reply<TaskItem>.Fail(Outcome.PreconditionFailed, $"the task is at version {current.Version}, not {expected}");
        }

        if (DomainRules.CheckTask(patch.Title, patch.Description) is { } problem)
        {
            return Reply<TaskItem>.Fail(Outcome.Invalid, problem);
        }

        var changed = (patch.Title is not null && patch.Title != current.Title)
            || (patch.Description is not null && patch.Description != current.Description)
            || (patch.Status is { } s && s != current.Status)
            || (patch.Priority is { } p && p != current.Priority);
        if (!changed)
        {
            return Reply<TaskItem>.Ok(current.ToItem());
        }

        var previous = Snapshot(current);
        current.Title = patch.Title ?? current.Title;
        current.Description = patch.Description ?? current.Description;
        current.Status = patch.Status ?? current.Status;
        current.Priority = patch.Priority ?? current.Priority;
        current.UpdatedAt = timeProvider.GetUtcNow();
        current.Version++;
        await WriteOrRollBack(previous);
        return Reply<TaskItem>.Ok(current.ToItem());
    }

    public async Task<Reply<bool>> Delete(string callerId)
    {
        var denied = await Check(callerId, ProjectAction.DeleteTask);
        if (denied is not null)
        {
            return denied.As<bool>();
        }

        // A delete that failed may still have landed: the activation must not go on showing the task.
        await state.ClearOrDeactivateAsync(this);
        DeactivateOnIdle();
        return Reply<bool>.Ok(true);
    }

    public async Task<Reply<TaskItem>> Create(TaskDraft draft)
    {
        if (state.RecordExists)
        {
            return Reply<TaskItem>.Fail(Outcome.Conflict, "a task with this id exists");
        }

        if (DomainRules.CheckTask(draft.Title, draft.Description) is { } problem)
        {
            return Reply<TaskItem>.Fail(Outcome.Invalid, problem);
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
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        await WriteOrRollBack(null);
        return Reply<TaskItem>.Ok(state.State.ToItem());
    }

    public Task MembershipChanged(ProjectMembership? membership)
    {
        _membershipNews++;
        Remember(membership);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The project stops telling a grain that is gone (it would otherwise activate it again to tell it). Not while
        // the silo shuts down: the last silo can place no project to tell, and elsewhere a stale entry costs one activation.
        if (_membership is not null && reason.ReasonCode != DeactivationReasonCode.ShuttingDown)
        {
            _ = Project.UnwatchMembers(TaskId);
        }

        return Task.CompletedTask;
    }

    public async Task Purge()
    {
        // Purged by the project's deletion: the project no longer keeps track of who holds its membership.
        Remember(null);
        if (state.RecordExists)
        {
            await state.ClearOrDeactivateAsync(this);
        }

        DeactivateOnIdle();
    }

    private IProjectGrain Project => GrainFactory.Of<IProjectGrain>(ProjectId);

    private Task<ProjectRole?> RoleOf(string callerId) => Project.GetRole(callerId);

    private async Task<ProjectRole?> AskMembership(string callerId)
    {
        var news = _membershipNews;
        var membership = await Project.WatchMembers(TaskId);
        // A change told while the answer was on its way is newer than the answer; so is the order to forget.
        if (news == _membershipNews)
        {
            Remember(membership);
        }

        return membership?.RoleOf(callerId);
    }

    private void Remember(ProjectMembership? membership)
    {
        _membership = membership;
        _membershipAskedAt = timeProvider.GetUtcNow();
    }

    private async Task<Reply<bool>?> Check(string callerId, ProjectAction action)
    {
        var role = await RoleOf(callerId);
        if (role is null || !state.RecordExists)
        {
            return Reply<bool>.Fail(Outcome.NotFound, "task not found");
        }

        return Permissions.Deny<bool>(role, action);
    }

    /// <summary>A failed write must not leave memory ahead of storage, or reads would show what was never stored.</summary>
    private async Task WriteOrRollBack(TaskState? previous)
    {
        try
        {
            await state.WriteOrDeactivateAsync(this);
        }
        catch when (previous is not null)
        {
            state.State = previous;
            throw;
        }
    }

    private static TaskState Snapshot(TaskState s) => new()
    {
        Id = s.Id,
        ProjectId = s.ProjectId,
        Title = s.Title,
        Description = s.Description,
        Status = s.Status,
        Priority = s.Priority,
        CreatedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
        Version = s.Version,
    };
}
