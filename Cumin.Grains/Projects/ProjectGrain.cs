using Cumin.Grains.Board;
using Cumin.Grains.Persistence;
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
/// decided and reported here (ProjectGrain.Board.cs), so the board is answered from memory. Members are in
/// ProjectGrain.Members.cs, the task grains' context in ProjectGrain.Context.cs, labels, the live feed and webhooks in
/// theirs.
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

    private void Touch(string actorId)
    {
        state.State.UpdatedAt = timeProvider.GetUtcNow();
        state.State.UpdatedBy = actorId;
    }

    private ITaskGrain TaskGrain(string taskId) => GrainFactory.Of<ITaskGrain>(ITaskGrain.KeyOf(Id, taskId));

    private static ParallelOptions FanOut => new() { MaxDegreeOfParallelism = FanOutParallelism, TaskScheduler = TaskScheduler.Current };

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
