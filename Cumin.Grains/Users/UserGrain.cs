using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Cumin.Exports;
using Cumin.Grains.Common;
using Cumin.Grains.Exports;
using Cumin.Notifications;
using Cumin.Projects;
using Cumin.ServiceDefaults;
using Cumin.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Orleans.Utilities;

namespace Cumin.Grains.Users;

/// <summary>
/// A user: profile, password, refresh-token families, the projects they belong to, their exports and notifications.
/// Export results arrive on the implicit stream <c>user-notifications/{userId}</c> (SQS, from the exporter).
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

    public async Task<Reply<SignIn>> SignIn(string password)
    {
        if (!state.RecordExists)
        {
            return Unauthorized();
        }

        var verdict = passwordHasher.VerifyHashedPassword(state.State, state.State.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            return Unauthorized();
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            state.State.PasswordHash = passwordHasher.HashPassword(state.State, password);
        }

        var now = timeProvider.GetUtcNow();
        // Random, not time-ordered: a family id appears only in its own tokens, so knowing one proves holding one.
        var family = new RefreshFamily { Id = Base64UrlSecret(16), CreatedAt = now };
        Prune(now);
        state.State.RefreshFamilies.Add(family);
        var token = Rotate(family, now);
        await state.WriteOrDeactivateAsync(this);
        return Reply<SignIn>.Ok(new SignIn(Profile(), token.ToString(), family.CurrentExpiresAt));
    }

    public async Task<Reply<SignIn>> Refresh(string familyId, string secret)
    {
        var family = state.RecordExists ? state.State.RefreshFamilies.Find(f => f.Id == familyId) : null;
        if (family is null || family.Revoked)
        {
            return Unauthorized();
        }

        if (!Matches(family.CurrentHash, Hash(secret)))
        {
            // Only the family's own tokens carry its random id: any secret but the current one comes from a copy (a spent
            // token, whoever presents it). Remembering no list of spent tokens, this cannot be flushed by refreshing.
            return await RevokeReusedAsync(family);
        }

        var now = timeProvider.GetUtcNow();
        if (family.CurrentExpiresAt <= now)
        {
            return Unauthorized();
        }

        var token = Rotate(family, now);
        await state.WriteOrDeactivateAsync(this);
        return Reply<SignIn>.Ok(new SignIn(Profile(), token.ToString(), family.CurrentExpiresAt));
    }

    public async Task<Reply<bool>> SignOut(string familyId, string secret, bool everywhere)
    {
        var family = state.RecordExists ? state.State.RefreshFamilies.Find(f => f.Id == familyId) : null;
        if (family is null)
        {
            return Reply<bool>.Fail(Outcome.Unauthorized, "refresh token not recognised");
        }

        if (!Matches(family.CurrentHash, Hash(secret)))
        {
            return (await RevokeReusedAsync(family)).As<bool>();
        }

        var revoking = everywhere ? state.State.RefreshFamilies.Where(f => !f.Revoked).ToList() : family.Revoked ? [] : [family];
        if (revoking.Count > 0)
        {
            revoking.ForEach(f => f.Revoked = true);
            await state.WriteOrDeactivateAsync(this);
            await SessionsEndedAsync([.. revoking.Select(f => f.Id)]);
        }

        return Reply<bool>.Ok(true);
    }

    /// <summary>Tells the API hosts, which close these sessions' hub connections (one-way: this waits on no host).</summary>
    private Task SessionsEndedAsync(IReadOnlyList<string> sessionIds) => _observers.Notify(observer => observer.SessionsRevoked(sessionIds));

    private async Task<Reply<SignIn>> RevokeReusedAsync(RefreshFamily family)
    {
        if (!family.Revoked)
        {
            family.Revoked = true;
            await state.WriteOrDeactivateAsync(this);
            await SessionsEndedAsync([family.Id]);
        }

        return Reply<SignIn>.Fail(Outcome.Unauthorized, "refresh token reused; the session has been revoked");
    }

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

    public async Task<Reply<ExportView>> StartExport(string projectId)
    {
        // GetRole interleaves, so asking the project from here cannot deadlock with a project calling this user.
        var role = state.RecordExists ? await GrainFactory.Of<IProjectGrain>(projectId).GetRole(Id) : null;
        if (Permissions.Deny<ExportView>(role, ProjectAction.StartExport) is { } denied)
        {
            return denied;
        }

        if (state.State.ActiveExports.Count >= ExportLimits.ActivePerUser && !await FreeExportPlacesAsync())
        {
            return Reply<ExportView>.Fail(
                Outcome.TooManyRequests, $"at most {ExportLimits.ActivePerUser} exports may be pending or running at once; retry when one has ended");
        }

        // The place is taken (and stored) before the job exists: the quota holds even if what follows fails.
        var exportId = SortableId.Shared.Next();
        var active = new ActiveExport { Id = exportId, CreatedAt = timeProvider.GetUtcNow() };
        state.State.ActiveExports.Add(active);
        await state.WriteOrDeactivateAsync(this);
        var created = await GrainFactory.Of<IExportJobGrain>(IExportJobGrain.KeyOf(Id, exportId)).Create(projectId);
        if (!created.IsOk)
        {
            state.State.ActiveExports.Remove(active);
            await state.WriteOrDeactivateAsync(this);
        }

        return created;
    }

    /// <summary>
    /// At the quota: asks the jobs table how the user's active exports stand, since their notifications may still be on
    /// their way (or lost). Ended ones give their place back; one dead past <see cref="ExportLimits.StaleAfter"/> is
    /// ended as failed and its owner told. True when a place is free.
    /// </summary>
    private async Task<bool> FreeExportPlacesAsync()
    {
        var now = timeProvider.GetUtcNow();
        foreach (var active in state.State.ActiveExports.ToList())
        {
            var job = await exportCatalog.ExpireIfStaleAsync(Id, active.Id, now - ExportLimits.StaleAfter, now);
            if (job is null)
            {
                // Its creation failed after the place was taken: there is nothing to wait for.
                state.State.ActiveExports.Remove(active);
            }
            else if (job.Status is ExportStatus.Failed && job.CompletedAt == now)
            {
                // Expired just now: recorded as the exporter's failure would have been (which frees the place).
                await OnExportEndedAsync(new ExportEndedMessage(
                    ExportEndedMessage.Failed, Id, job.Id, job.ProjectId, null, null, null, job.Error), null);
            }
            else if (job.Status is ExportStatus.Done or ExportStatus.Failed)
            {
                state.State.ActiveExports.Remove(active);
            }
        }

        await state.WriteOrDeactivateAsync(this);
        return state.State.ActiveExports.Count < ExportLimits.ActivePerUser;
    }

    public async Task<IReadOnlyList<ExportView>> ListExports() =>
        state.RecordExists ? await exportCatalog.ListAsync(Id, ExportLimits.ListMax) : [];

    public Task<IReadOnlyList<UserNotification>> GetNotifications(int limit) =>
        Task.FromResult<IReadOnlyList<UserNotification>>(
            [.. Enumerable.Reverse(state.State.Notifications).Take(Math.Clamp(limit, 0, NotificationLimits.Kept))]);

    public Task Subscribe(INotificationObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(INotificationObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Hosts without the notifications stream provider (grain tests of other features) simply get no notifications.
        var provider = ServiceProvider.GetKeyedService<IStreamProvider>(NotificationStreams.Provider);
        if (provider is not null)
        {
            var stream = provider.GetStream<ExportEndedMessage>(StreamId.Create(NotificationStreams.UserNamespace, Id));
            await stream.SubscribeAsync(OnExportEndedAsync);
        }
    }

    /// <summary>
    /// Records an export's end as a notification, once per export id (SQS and the exporter deliver at least once), then
    /// pushes it to the subscribed API hosts. A failed write throws, so the stream delivers the message again.
    /// </summary>
    private async Task OnExportEndedAsync(ExportEndedMessage message, StreamSequenceToken? token)
    {
        // The export's trace, carried by the exporter's message, goes on through the notification to the owner's hosts.
        using var span = CuminTelemetry.StartLinked("export notification", ActivityKind.Consumer, message.TraceParent);
        span?.SetTag("cumin.export.id", message.ExportId);
        if (!state.RecordExists || message.Type is not (ExportEndedMessage.Completed or ExportEndedMessage.Failed))
        {
            LogIgnoredMessage(logger, Id, message.Type, message.ExportId);
            return;
        }

        var kept = state.State.Notifications;
        if (kept.Exists(n => n.Data.ExportId == message.ExportId))
        {
            return;
        }

        var active = state.State.ActiveExports.Find(a => a.Id == message.ExportId);

        var notification = new UserNotification(
            SortableId.Shared.Next(),
            message.Type,
            timeProvider.GetUtcNow(),
            message.Type == ExportEndedMessage.Completed
                ? $"Your export of {message.TaskCount ?? 0} tasks is ready to download."
                : $"Your export failed: {message.Error ?? "unknown error"}",
            new NotificationData(message.ExportId, message.ProjectId, message.Url, message.UrlExpiresAt, message.TaskCount, message.Error));
        var previous = kept.ToList();
        kept.Add(notification);
        // Its place is free: the export has ended.
        state.State.ActiveExports.Remove(active!);
        if (kept.Count > NotificationLimits.Kept)
        {
            kept.RemoveRange(0, kept.Count - NotificationLimits.Kept);
        }

        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Memory must not run ahead of storage, or the redelivered message would be taken for a duplicate.
            state.State.Notifications = previous;
            if (active is not null)
            {
                state.State.ActiveExports.Add(active);
            }
            DeactivateOnIdle();
            throw;
        }

        // One-way calls: this awaits the sending, never an API host.
        await _observers.Notify(observer => observer.Notify(notification));
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "User {UserId} ignored a '{Type}' message about export {ExportId}")]
    private static partial void LogIgnoredMessage(ILogger logger, string userId, string type, string exportId);

    private UserProfile Profile() => new(state.State.Id, state.State.Name, state.State.Email, state.State.CreatedAt);

    /// <summary>A new secret for the family; it lives the idle lifetime, never past the session's absolute end.</summary>
    private RefreshToken Rotate(RefreshFamily family, DateTimeOffset now)
    {
        var secret = Base64UrlSecret(32);
        family.CurrentHash = Hash(secret);
        var idleEnd = now + _options.RefreshTokenLifetime;
        var sessionEnd = family.CreatedAt + _options.SessionLifetime;
        family.CurrentExpiresAt = idleEnd < sessionEnd ? idleEnd : sessionEnd;
        return new RefreshToken(Id, family.Id, secret);
    }

    /// <summary>Drops families that can no longer be used or reported, and the oldest beyond the cap.</summary>
    private void Prune(DateTimeOffset now)
    {
        var families = state.State.RefreshFamilies;
        families.RemoveAll(f => f.CurrentExpiresAt + _options.RefreshTokenLifetime < now);
        while (families.Count >= _options.MaxRefreshFamilies)
        {
            families.RemoveAt(0);
        }
    }

    private static string Base64UrlSecret(int bytes) =>
        System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(bytes));

    private static string Hash(string secret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static bool Matches(string storedHash, string hash) =>
        storedHash.Length == hash.Length
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(storedHash), Encoding.ASCII.GetBytes(hash));

    private static Reply<SignIn> Unauthorized() => Reply<SignIn>.Fail(Outcome.Unauthorized, "invalid credentials");
}
