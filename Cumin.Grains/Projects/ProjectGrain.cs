using Cumin.Grains.Common;
using Cumin.Grains.Tasks;
using Cumin.Projects;
using Cumin.Tasks;
using Cumin.Users;

namespace Cumin.Grains.Projects;

/// <summary>
/// A project and its membership. The authority on who may do what with the project and its tasks:
/// non-members get NotFound (no existence leak), members below the needed role get Forbidden.
/// </summary>
public sealed class ProjectGrain(
    [PersistentState("project", StorageNames.Grains)] IPersistentState<ProjectState> state,
    ITaskCatalog catalog,
    TimeProvider timeProvider) : Grain, IProjectGrain
{
    private const int PurgeParallelism = 32;
    private readonly SortableId _taskIds = new(timeProvider);
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

    public Task<Reply<ProjectView>> Get(string callerId) =>
        Task.FromResult(RoleOrNull(callerId) is { } role
            ? Reply<ProjectView>.Ok(View(role))
            : NotFound<ProjectView>());

    public async Task<Reply<ProjectView>> Update(string callerId, ProjectPatch patch)
    {
        if (Check(callerId, ProjectRole.Editor) is { } denied)
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
        if (Check(callerId, ProjectRole.Owner) is { } denied)
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
                new ParallelOptions { MaxDegreeOfParallelism = PurgeParallelism, TaskScheduler = TaskScheduler.Current },
                async (taskId, _) => await GrainFactory.Of<ITaskGrain>(ITaskGrain.KeyOf(Id, taskId)).Purge());

            var members = state.State.Members.Select(m => m.UserId).ToList();
            await state.ClearStateAsync();
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
        Task.FromResult(RoleOrNull(callerId) is null
            ? NotFound<IReadOnlyList<Member>>()
            : Reply<IReadOnlyList<Member>>.Ok(state.State.Members.Select(m => m.ToMember()).ToList()));

    public async Task<Reply<Member>> AddMember(string callerId, Member member)
    {
        if (Check(callerId, ProjectRole.Owner) is { } denied)
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

        // The user's list of projects is a superset of their memberships (the project is the authority),
        // so it is extended first: a failure after this leaves a harmless extra entry, never a hidden membership.
        await GrainFactory.Of<IUserGrain>(member.UserId).JoinProject(Id);
        state.State.Members.Add(new MemberState
        {
            UserId = member.UserId,
            Name = member.Name,
            Email = member.Email,
            Role = member.Role,
            AddedAt = timeProvider.GetUtcNow(),
        });
        await state.WriteOrDeactivateAsync(this);
        return Reply<Member>.Ok(member);
    }

    public async Task<Reply<bool>> RemoveMember(string callerId, string userId)
    {
        if (Check(callerId, ProjectRole.Owner) is { } denied)
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
            return Reply<bool>.Fail(Outcome.Conflict, "the owner cannot be removed");
        }

        state.State.Members.Remove(member);
        await state.WriteOrDeactivateAsync(this);
        await GrainFactory.Of<IUserGrain>(userId).LeaveProject(Id);
        return Reply<bool>.Ok(true);
    }

    public Task<ProjectRole?> GetRole(string userId) => Task.FromResult(RoleOrNull(userId));

    public async Task<Reply<TaskItem>> CreateTask(string callerId, TaskDraft draft)
    {
        if (Check(callerId, ProjectRole.Editor) is { } denied)
        {
            return denied.As<TaskItem>();
        }

        var taskId = _taskIds.Next();
        return await GrainFactory.Of<ITaskGrain>(ITaskGrain.KeyOf(Id, taskId)).Create(draft);
    }

    public async Task<Reply<TaskPage>> ListTasks(string callerId, TaskItemStatus? status, int limit, string? cursor)
    {
        if (RoleOrNull(callerId) is null)
        {
            return NotFound<TaskPage>();
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

    private ProjectRole? RoleOrNull(string userId) =>
        !state.RecordExists || _deleting ? null : state.State.Members.Find(m => m.UserId == userId)?.Role;

    private Reply<bool>? Check(string callerId, ProjectRole needed) => RoleOrNull(callerId) switch
    {
        null => NotFound<bool>(),
        { } role when role < needed => Reply<bool>.Fail(Outcome.Forbidden, $"this needs the {needed.ToString().ToLowerInvariant()} role"),
        _ => null,
    };

    private ProjectView View(ProjectRole role)
    {
        var p = state.State;
        return new ProjectView(p.Id, p.Name, p.Description, p.OwnerId, role, p.CreatedAt, p.UpdatedAt);
    }

    private static Reply<T> NotFound<T>(string detail = "project not found") => Reply<T>.Fail(Outcome.NotFound, detail);
}
