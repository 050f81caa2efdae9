using Cumin.Grains.Common;
using Cumin.Grains.Tasks;
using Cumin.Projects;
using Cumin.Tasks;
using Cumin.Users;
using Microsoft.Extensions.Logging;

namespace Cumin.Grains.Projects;

/// <summary>
/// A project and its membership. The authority on who may do what with the project and its tasks:
/// non-members get NotFound (no existence leak), members below the needed role get Forbidden.
/// Task grains answer reads from a membership this grain handed them, and this grain tells each of them about every
/// change before the change is acknowledged, so a removed member loses access at once.
/// </summary>
public sealed partial class ProjectGrain(
    [PersistentState("project", StorageNames.Grains)] IPersistentState<ProjectState> state,
    ITaskCatalog catalog,
    TimeProvider timeProvider,
    ILogger<ProjectGrain> logger) : Grain, IProjectGrain
{
    private const int FanOutParallelism = 32;
    private readonly SortableId _taskIds = new(timeProvider);

    /// <summary>The task grains holding <see cref="_membership"/>, told of every change; this activation's only.</summary>
    private readonly HashSet<string> _watchers = new(StringComparer.Ordinal);

    /// <summary>
    /// Kept, not rebuilt per caller: the record is immutable, so Orleans hands it to task grains on this silo uncopied
    /// and they all share one dictionary instead of holding one each. Replaced on every change (<see cref="TellWatchers"/>).
    /// </summary>
    private ProjectMembership? _membership;
    private bool _deleting;

    private string Id => this.GetPrimaryKeyString();

    public async Task<Reply<ProjectView>> Create(Member owner, ProjectDraft draft)
    {
        if (state.RecordExists)
        {
            return Reply<ProjectView>.Fail(Outcome.Conflict, "a project with this id exists");
        }

        if (DomainRules.CheckProject(draft.Name, draft.Description) is { } problem)
        {
            return Reply<ProjectView>.Fail(Outcome.Invalid, problem);
        }

        var now = timeProvider.GetUtcNow();
        state.State = new ProjectState
        {
            Id = Id,
            Name = draft.Name,
            Description = draft.Description,
            OwnerId = owner.UserId,
            CreatedAt = now,
            UpdatedAt = now,
            Members = [new MemberState { UserId = owner.UserId, Name = owner.Name, Email = owner.Email, Role = ProjectRole.Owner, AddedAt = now }],
        };
        await state.WriteOrDeactivateAsync(this);
        return Reply<ProjectView>.Ok(View(ProjectRole.Owner));
    }

    public Task<Reply<ProjectView>> Get(string callerId)
    {
        var role = RoleOrNull(callerId);
        return Task.FromResult(Permissions.Deny<ProjectView>(role, ProjectAction.ViewProject) ?? Reply<ProjectView>.Ok(View(role!.Value)));
    }

    public async Task<Reply<ProjectView>> Update(string callerId, ProjectPatch patch)
    {
        if (Check(callerId, ProjectAction.UpdateProject) is { } denied)
        {
            return denied.As<ProjectView>();
        }

        if (DomainRules.CheckProject(patch.Name, patch.Description) is { } problem)
        {
            return Reply<ProjectView>.Fail(Outcome.Invalid, problem);
        }

        var project = state.State;
        if ((patch.Name ?? project.Name) != project.Name || (patch.Description ?? project.Description) != project.Description)
        {
            project.Name = patch.Name ?? project.Name;
            project.Description = patch.Description ?? project.Description;
            project.UpdatedAt = timeProvider.GetUtcNow();
            await state.WriteOrDeactivateAsync(this);
        }

        return Reply<ProjectView>.Ok(View(RoleOrNull(callerId)!.Value));
    }

    public async Task<Reply<bool>> Delete(string callerId)
    {
        if (Check(callerId, ProjectAction.DeleteProject) is { } denied)
        {
            return denied;
        }

        // From here on nobody may act on the project or its tasks, even while the tasks are being purged.
        _deleting = true;
        try
        {
            // Tasks first: if this fails half-way the project still exists and the owner can delete it again.
            await Parallel.ForEachAsync(
                catalog.ListIdsAsync(Id),
                FanOut,
                async (taskId, _) => await TaskGrain(taskId).Purge());

            // Every task grain is purged and gone, so none is left to be told that the membership went with the project.
            _watchers.Clear();
            var members = state.State.Members.Select(m => m.UserId).ToList();
            await state.ClearOrDeactivateAsync(this);
            await Task.WhenAll(members.Select(m => GrainFactory.Of<IUserGrain>(m).LeaveProject(Id)));
        }
        finally
        {
            _deleting = false;
        }

        DeactivateOnIdle();
        return Reply<bool>.Ok(true);
    }

    public Task<Reply<IReadOnlyList<Member>>> GetMembers(string callerId) =>
        Task.FromResult(Permissions.Deny<IReadOnlyList<Member>>(RoleOrNull(callerId), ProjectAction.ViewMembers)
            ?? Reply<IReadOnlyList<Member>>.Ok(state.State.Members.Select(m => m.ToMember()).ToList()));

    public async Task<Reply<Member>> AddMember(string callerId, Member member)
    {
        if (Check(callerId, ProjectAction.AddMember) is { } denied)
        {
            return denied.As<Member>();
        }

        if (member.Role == ProjectRole.Owner)
        {
            return Reply<Member>.Fail(Outcome.Invalid, "a member's role is editor or viewer");
        }

        if (state.State.Members.Any(m => m.UserId == member.UserId))
        {
            return Reply<Member>.Fail(Outcome.Conflict, "this user is already a member");
        }

        if (state.State.Members.Count >= ProjectLimits.MembersMax)
        {
            return Reply<Member>.Limit($"a project has at most {ProjectLimits.MembersMax} members");
        }

        // The user's list of projects is a superset of their memberships (the project is the authority),
        // so it is extended first: a failure after this leaves a harmless extra entry, never a hidden membership.
        var joined = await GrainFactory.Of<IUserGrain>(member.UserId).JoinProject(Id);
        if (!joined.IsOk)
        {
            return joined.As<Member>();
        }

        state.State.Members.Add(new MemberState
        {
            UserId = member.UserId,
            Name = member.Name,
            Email = member.Email,
            Role = member.Role,
            AddedAt = timeProvider.GetUtcNow(),
        });
        await state.WriteOrDeactivateAsync(this);
        await TellWatchers(MembershipNow());
        return Reply<Member>.Ok(member);
    }

    public async Task<Reply<bool>> RemoveMember(string callerId, string userId)
    {
        var leaving = userId == callerId;
        if (Check(callerId, leaving ? ProjectAction.LeaveProject : ProjectAction.RemoveMember) is { } denied)
        {
            return denied;
        }

        var member = state.State.Members.Find(m => m.UserId == userId);
        if (member is null)
        {
            return NotFound<bool>("no such member");
        }

        if (member.Role == ProjectRole.Owner)
        {
            return Reply<bool>.Fail(Outcome.Conflict, leaving
                ? "the owner cannot leave the project; delete it instead"
                : "the owner cannot be removed");
        }

        state.State.Members.Remove(member);
        await state.WriteOrDeactivateAsync(this);
        await TellWatchers(MembershipNow());
        await GrainFactory.Of<IUserGrain>(userId).LeaveProject(Id);
        return Reply<bool>.Ok(true);
    }

    public Task<ProjectRole?> GetRole(string userId) => Task.FromResult(RoleOrNull(userId));

    public Task<ProjectMembership?> WatchMembers(string taskId)
    {
        if (!state.RecordExists || _deleting)
        {
            return Task.FromResult<ProjectMembership?>(null);
        }

        _watchers.Add(taskId);
        return Task.FromResult<ProjectMembership?>(_membership ??= MembershipNow());
    }

    public Task UnwatchMembers(string taskId)
    {
        _watchers.Remove(taskId);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The next activation of this project will not know which task grains hold the membership, so they must forget it
    /// now. Should this activation end without running this (its silo crashed), a task grain still asks again after
    /// <see cref="Tasks.TaskGrain.MembershipLease"/>, which is shorter than the time Orleans takes to declare a silo dead
    /// and let the project activate elsewhere.
    /// </summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Not while the silo shuts down: its own task grains are going too, and the last silo can place none to tell
        // them (each call would fail); task grains on other silos let their lease run out, as after a crash.
        if (reason.ReasonCode != DeactivationReasonCode.ShuttingDown)
        {
            await TellWatchers(null);
        }

        _watchers.Clear();
    }

    public async Task<Reply<TaskItem>> CreateTask(string callerId, TaskDraft draft)
    {
        if (Check(callerId, ProjectAction.CreateTask) is { } denied)
        {
            return denied.As<TaskItem>();
        }

        return await TaskGrain(_taskIds.Next()).Create(draft);
    }

    public async Task<Reply<TaskPage>> ListTasks(string callerId, TaskItemStatus? status, int limit, string? cursor)
    {
        if (Check(callerId, ProjectAction.ViewTasks) is { } denied)
        {
            return denied.As<TaskPage>();
        }

        if (limit is < 1 or > TaskLimits.PageMax)
        {
            return Reply<TaskPage>.Fail(Outcome.Invalid, $"limit must be 1-{TaskLimits.PageMax}");
        }

        var page = await catalog.ListAsync(Id, status, limit, cursor);
        return page is null
            ? Reply<TaskPage>.Fail(Outcome.Invalid, "cursor is not valid")
            : Reply<TaskPage>.Ok(page);
    }

    /// <summary>
    /// Tells every watching task grain the new membership (null: forget it), in parallel, before the change that caused
    /// it is acknowledged. The change is already stored, so a task grain that cannot be told is logged, not retried: it
    /// asks again within <see cref="Tasks.TaskGrain.MembershipLease"/> anyway.
    /// </summary>
    private async Task TellWatchers(ProjectMembership? membership)
    {
        _membership = membership;
        if (_watchers.Count == 0)
        {
            return;
        }

        await Parallel.ForEachAsync(_watchers.ToList(), FanOut, async (taskId, _) =>
        {
            try
            {
                await TaskGrain(taskId).MembershipChanged(membership);
            }
            catch (Exception exception)
            {
                LogWatcherNotTold(logger, exception, Id, taskId);
            }
        });
    }

    private ProjectMembership MembershipNow() =>
        new(state.State.Members.ToDictionary(m => m.UserId, m => m.Role, StringComparer.Ordinal));

    private ITaskGrain TaskGrain(string taskId) => GrainFactory.Of<ITaskGrain>(ITaskGrain.KeyOf(Id, taskId));

    private static ParallelOptions FanOut => new() { MaxDegreeOfParallelism = FanOutParallelism, TaskScheduler = TaskScheduler.Current };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Project {ProjectId} could not tell task {TaskId} that its membership changed")]
    private static partial void LogWatcherNotTold(ILogger logger, Exception exception, string projectId, string taskId);

    private ProjectRole? RoleOrNull(string userId) =>
        !state.RecordExists || _deleting ? null : state.State.Members.Find(m => m.UserId == userId)?.Role;

    /// <summary>What <see cref="Permissions"/> says about the caller doing <paramref name="action"/>: null when allowed.</summary>
    private Reply<bool>? Check(string callerId, ProjectAction action) => Permissions.Deny<bool>(RoleOrNull(callerId), action);

    private ProjectView View(ProjectRole role)
    {
        var p = state.State;
        return new ProjectView(p.Id, p.Name, p.Description, p.OwnerId, role, p.CreatedAt, p.UpdatedAt);
    }

    private static Reply<T> NotFound<T>(string detail = "project not found") => Reply<T>.Fail(Outcome.NotFound, detail);
}
