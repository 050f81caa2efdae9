using Cumin.Exports;
using Cumin.Grains.Exports;
using Cumin.Grains.Persistence;
using Cumin.Notifications;
using Cumin.Projects;
using Cumin.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Orleans.Utilities;

namespace Cumin.Grains.Users;

/// <summary>
/// A user: profile, password, refresh-token families, the projects they belong to, their exports and notifications.
/// Export results arrive on the implicit stream <c>user-notifications/{userId}</c> (SQS, from the exporter).
/// This file holds the profile and the projects; sign-in and sessions are in UserGrain.Sessions.cs, exports in
/// UserGrain.Exports.cs, notifications in UserGrain.Notifications.cs.
/// </summary>
[ImplicitStreamSubscription(NotificationStreams.UserNamespace)]
public sealed partial class UserGrain(
    [PersistentState("user", StorageNames.Grains)] IPersistentState<UserState> state,
    IPasswordHasher<UserState> passwordHasher,
    IOptions<RefreshTokenOptions> options,
    IExportCatalog exportCatalog,
    TimeProvider timeProvider,
    ILogger<UserGrain> logger) : Grain, IUserGrain
{
    private readonly RefreshTokenOptions _options = options.Value;
    private readonly ObserverManager<INotificationObserver> _observers =
        new(NotificationLimits.ObserverLifetime, logger) { GetDateTime = () => timeProvider.GetUtcNow().UtcDateTime };

    private string Id => this.GetPrimaryKeyString();

    public async Task<Reply<UserProfile>> Initialize(string name, string email, string password)
    {
        if (state.RecordExists)
        {
            return Reply<UserProfile>.Fail(Outcome.Conflict, "the user exists");
        }

        if (DomainRules.CheckUser(name, email, password) is { } problem)
        {
            return Reply<UserProfile>.Fail(Outcome.Invalid, problem);
        }

        state.State = new UserState { Id = Id, Name = name, Email = email, CreatedAt = timeProvider.GetUtcNow() };
        state.State.PasswordHash = passwordHasher.HashPassword(state.State, password);
        await state.WriteOrDeactivateAsync(this);
        return Reply<UserProfile>.Ok(Profile());
    }

    public Task<UserProfile?> GetProfile() => Task.FromResult(state.RecordExists ? Profile() : null);

    public async Task<Reply<ProjectView>> CreateProject(ProjectDraft draft)
    {
        if (!state.RecordExists)
        {
            return Reply<ProjectView>.Fail(Outcome.NotFound, "user not found");
        }

        if (await ProjectsLeftAsync() <= 0)
        {
            return Reply<ProjectView>.Limit($"a user belongs to at most {UserLimits.ProjectsMax} projects");
        }

        var projectId = SortableId.Shared.Next();
        // Listed first, created second: a failure in between leaves a harmless extra id, filtered out when listing.
        state.State.ProjectIds.Add(projectId);
        await state.WriteOrDeactivateAsync(this);
        var owner = new Member(Id, state.State.Name, state.State.Email, ProjectRole.Owner);
        var created = await GrainFactory.Of<IProjectGrain>(projectId).Create(owner, draft);
        if (!created.IsOk)
        {
            state.State.ProjectIds.Remove(projectId);
            await state.WriteOrDeactivateAsync(this);
        }

        return created;
    }

    public Task<IReadOnlyList<string>> GetProjectIds() =>
        Task.FromResult<IReadOnlyList<string>>(state.RecordExists ? [.. state.State.ProjectIds] : []);

    public async Task<Reply<bool>> JoinProject(string projectId)
    {
        if (state.RecordExists && !state.State.ProjectIds.Contains(projectId))
        {
            if (await ProjectsLeftAsync() <= 0)
            {
                return Reply<bool>.Limit($"a user belongs to at most {UserLimits.ProjectsMax} projects");
            }

            state.State.ProjectIds.Add(projectId);
            await state.WriteOrDeactivateAsync(this);
        }

        return Reply<bool>.Ok(true);
    }

    public async Task LeaveProject(string projectId)
    {
        if (state.RecordExists && state.State.ProjectIds.Remove(projectId))
        {
            await state.WriteOrDeactivateAsync(this);
        }
    }

    /// <summary>
    /// How many more projects the user may join. The list is a superset of the user's memberships (an id stays when a
    /// creation failed half-way or a removal could not reach this grain), so at the limit the ids of projects that no
    /// longer count the user as a member are dropped first: only real memberships count against the limit.
    /// </summary>
    private async Task<int> ProjectsLeftAsync()
    {
        var ids = state.State.ProjectIds;
        if (ids.Count < UserLimits.ProjectsMax)
        {
            return UserLimits.ProjectsMax - ids.Count;
        }

        // GetRole interleaves, so a project that is calling this grain still answers.
        var roles = await Task.WhenAll(ids.Select(id => GrainFactory.Of<IProjectGrain>(id).GetRole(Id)));
        var stale = ids.Where((_, i) => roles[i] is null).ToHashSet(StringComparer.Ordinal);
        if (stale.Count > 0)
        {
            ids.RemoveAll(stale.Contains);
            await state.WriteOrDeactivateAsync(this);
        }

        return UserLimits.ProjectsMax - ids.Count;
    }

    private UserProfile Profile() => new(state.State.Id, state.State.Name, state.State.Email, state.State.CreatedAt);
}
