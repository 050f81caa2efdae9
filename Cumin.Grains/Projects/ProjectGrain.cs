using Cumin.Grains.Board;
using Cumin.Grains.Common;
using Cumin.Grains.Tasks;
using Cumin.Live;
using Cumin.Projects;
using Cumin.Tasks;
using Cumin.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace Cumin.Grains.Projects;

/// <summary>
/// A project: members, labels and its board. The authority on who may do what with the project and its tasks
/// (<see cref="Permissions"/>): non-members get NotFound (no existence leak), members below the needed role Forbidden.
/// Task grains answer reads from a context (roles, labels) this grain handed them, and this grain tells each of them
/// about every change before the change is acknowledged, so a removed member loses access at once. Every task write is
/// decided and reported here (ProjectGrain.Board.cs), so the board is answered from memory.
/// </summary>
public sealed partial class ProjectGrain(
    [PersistentState("project", StorageNames.Grains)] IPersistentState<ProjectState> state,
    ITaskCatalog catalog,
    IOptions<BoardOptions> boardOptions,
    TimeProvider timeProvider,
    ILogger<ProjectGrain> logger) : Grain, IProjectGrain
{
    private const int FanOutParallelism = 32;

    /// <summary>How long an activation of a project that does not exist stays before it goes (<see cref="LeaveSoon"/>).</summary>
    public static readonly TimeSpan MissingGrace = TimeSpan.FromSeconds(2);
    private readonly SortableId _ids = new(timeProvider);

    /// <summary>The task grains holding <see cref="_context"/>, told of every change; this activation's only.</summary>
    private readonly HashSet<string> _watchers = new(StringComparer.Ordinal);

    private LazyState<ProjectLabelsState>? _labels;

    /// <summary>
    /// Kept, not rebuilt per caller: the record is immutable, so Orleans hands it to task grains on this silo uncopied
    /// and they all share one instance instead of holding one each. Replaced on every change (<see cref="ContextChangedAsync"/>).
    /// </summary>
    private ProjectContext? _context;
    private bool _deleting;

    /// <summary>Set once this activation, of a project that does not exist, is to go (<see cref="LeaveSoon"/>).</summary>
    private IGrainTimer? _leaving;

    private string Id => this.GetPrimaryKeyString();

    private LazyState<ProjectLabelsState> Labels => _labels ??= new(
        ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains), "labels", this.GetGrainId());

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
            UpdatedBy = owner.UserId,
            Members = [new MemberState { UserId = owner.UserId, Name = owner.Name, Email = owner.Email, Role = ProjectRole.Owner, AddedAt = now, AddedBy = owner.UserId }],
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
            Touch(callerId);
            await state.WriteOrDeactivateAsync(this);
            // Each watcher's host puts in the role of its own watcher.
            Publish(ProjectEventTypes.ProjectUpdated, callerId, View(ProjectRole.Owner));
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

            // Every task grain is purged and gone, so none is left to be told that the context went with the project.
            _watchers.Clear();
            await ClearWebhooksAsync();
            await Labels.LoadAsync();
            if (Labels.RecordExists)
            {
                await Labels.ClearOrDeactivateAsync(this);
            }

            var members = state.State.Members.Select(m => m.UserId).ToList();
            await state.ClearOrDeactivateAsync(this);
            // The last event: every host ends its watches of the project.
            Publish(ProjectEventTypes.ProjectDeleted, callerId, ProjectDeleted.Instance);
            await Task.WhenAll(members.Select(m => GrainFactory.Of<IUserGrain>(m).LeaveProject(Id)));
        }
        finally
        {
            _deleting = false;
        }

        LeaveSoon();
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

        var now = timeProvider.GetUtcNow();
        state.State.Members.Add(new MemberState
        {
            UserId = member.UserId,
            Name = member.Name,
            Email = member.Email,
            Role = member.Role,
            AddedAt = now,
            AddedBy = callerId,
        });
        Touch(callerId);
        await state.WriteOrDeactivateAsync(this);
        Publish(ProjectEventTypes.MemberAdded, callerId, member);
        await ContextChangedAsync();
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
        Touch(callerId);
        await state.WriteOrDeactivateAsync(this);
        // Every host sends this to the group, the removed member's connections included, then drops them from it.
        Publish(ProjectEventTypes.MemberRemoved, callerId, new MemberRemoved(userId));
        await ContextChangedAsync();
        await GrainFactory.Of<IUserGrain>(userId).LeaveProject(Id);
        // Every reader already shows their tasks without them (the board, the task grains and "my tasks" read through
        // the context); storage follows, one write per task.
        await RepairAsync(board => board.Unassign(userId), callerId);
        return Reply<bool>.Ok(true);
    }

    public Task<ProjectRole?> GetRole(string userId) => Task.FromResult(RoleOrNull(userId));

    public async Task<ProjectContext?> GetContext(string callerId)
    {
        if (RoleOrNull(callerId) is null)
        {
            return null;
        }

        return await ContextAsync();
    }

    public async Task<ProjectContext?> WatchContext(string taskId, string callerId)
    {
        if (RoleOrNull(callerId) is null)
        {
            return null;
        }

        var context = await ContextAsync();
        // The membership may have changed while the labels were read: answer from, and register against, the current one.
        if (context.RoleOf(callerId) is null || _deleting)
        {
            return null;
        }

        _watchers.Add(taskId);
        return context;
    }

    public Task UnwatchContext(string taskId)
    {
        _watchers.Remove(taskId);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The next activation of this project will not know which task grains hold the context, so they must forget it
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
        // The hosts subscribe again at once, to the next activation, and catch up from it.
        _feed?.End();
    }

    /// <summary>The context as it is now; reads the labels first if this activation has not yet.</summary>
    private async Task<ProjectContext> ContextAsync()
    {
        if (_context is { } known)
        {
            return known;
        }

        await Labels.LoadAsync();
        return _context ??= ContextNow();
    }

    /// <summary>
    /// A new context (members or labels changed): every watching task grain is told, in parallel, before the change that
    /// caused it is acknowledged. The change is already stored, so a task grain that cannot be told is logged, not
    /// retried: it asks again within <see cref="Tasks.TaskGrain.MembershipLease"/> anyway.
    /// </summary>
    private async Task ContextChangedAsync()
    {
        _context = null;
        if (_watchers.Count > 0 || _board is not null)
        {
            await TellWatchers(await ContextAsync());
        }
    }

    private async Task TellWatchers(ProjectContext? context)
    {
        if (context is null)
        {
            _context = null;
        }

        if (_watchers.Count == 0)
        {
            return;
        }

        await Parallel.ForEachAsync(_watchers.ToList(), FanOut, async (taskId, _) =>
        {
            try
            {
                await TaskGrain(taskId).ContextChanged(context);
            }
            catch (Exception exception)
            {
                LogWatcherNotTold(logger, exception, Id, taskId);
            }
        });
    }

    private ProjectContext ContextNow() => new(
        state.State.Members.ToDictionary(m => m.UserId, m => m.Role, StringComparer.Ordinal),
        Labels.State.Labels.Select(l => l.Id).ToHashSet(StringComparer.Ordinal));

    private void Touch(string actorId)
    {
        state.State.UpdatedAt = timeProvider.GetUtcNow();
        state.State.UpdatedBy = actorId;
    }

    private ITaskGrain TaskGrain(string taskId) => GrainFactory.Of<ITaskGrain>(ITaskGrain.KeyOf(Id, taskId));

    private static ParallelOptions FanOut => new() { MaxDegreeOfParallelism = FanOutParallelism, TaskScheduler = TaskScheduler.Current };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Project {ProjectId} could not tell task {TaskId} that its context changed")]
    private static partial void LogWatcherNotTold(ILogger logger, Exception exception, string projectId, string taskId);

    /// <summary>The caller's role; for a project that does not exist nothing is kept, not even this activation.</summary>
    private ProjectRole? RoleOrNull(string userId)
    {
        if (!state.RecordExists)
        {
            LeaveSoon();
            return null;
        }

        return _deleting ? null : state.State.Members.Find(m => m.UserId == userId)?.Role;
    }

    /// <summary>
    /// A project that does not exist (deleted, or never created) keeps nothing, not even this activation: it goes after
    /// <see cref="MissingGrace"/>. Not at once: what arrives meanwhile (the hosts subscribing again after a delete, counts
    /// still in flight, the owner's next GET) is answered here. Deactivating at every such call sent each one queued
    /// behind it to a fresh activation that went too, and Orleans rejects a message forwarded twice (a 503 for a GET
    /// that should be a 404). A flood of random ids keeps at most what arrives within the grace.
    /// </summary>
    private void LeaveSoon()
    {
        if (_deleting || _leaving is not null)
        {
            return;
        }

        _leaving = this.RegisterGrainTimer(
            () =>
            {
                if (!state.RecordExists)
                {
                    DeactivateOnIdle();
                }

                _leaving?.Dispose();
                _leaving = null;
                return Task.CompletedTask;
            },
            new GrainTimerCreationOptions(MissingGrace, Timeout.InfiniteTimeSpan) { Interleave = true });
    }

    /// <summary>What <see cref="Permissions"/> says about the caller doing <paramref name="action"/>: null when allowed.</summary>
    private Reply<bool>? Check(string callerId, ProjectAction action) => Permissions.Deny<bool>(RoleOrNull(callerId), action);

    private ProjectView View(ProjectRole role)
    {
        var p = state.State;
        return new ProjectView(p.Id, p.Name, p.Description, p.OwnerId, role, p.CreatedAt, p.UpdatedAt);
    }

    private static Reply<T> NotFound<T>(string detail = "project not found") => Reply<T>.Fail(Outcome.NotFound, detail);
}
