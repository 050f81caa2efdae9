using System.Security.Cryptography;
using System.Text;
using Cumin.Grains.Common;
using Cumin.Projects;
using Cumin.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Cumin.Grains.Users;

/// <summary>A user: profile, password, refresh-token families and the projects they belong to.</summary>
public sealed class UserGrain(
    [PersistentState("user", StorageNames.Grains)] IPersistentState<UserState> state,
    IPasswordHasher<UserState> passwordHasher,
    IOptions<RefreshTokenOptions> options,
    TimeProvider timeProvider) : Grain, IUserGrain
{
    private readonly RefreshTokenOptions _options = options.Value;

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
        await WriteOrReload();
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
        var family = new RefreshFamily { Id = SortableId.Shared.Next(), CreatedAt = now };
        Prune(now);
        state.State.RefreshFamilies.Add(family);
        var token = Rotate(family, now);
        await WriteOrReload();
        return Reply<SignIn>.Ok(new SignIn(Profile(), token.ToString(), family.CurrentExpiresAt));
    }

    public async Task<Reply<SignIn>> Refresh(string familyId, string secret)
    {
        var family = state.RecordExists ? state.State.RefreshFamilies.Find(f => f.Id == familyId) : null;
        if (family is null || family.Revoked)
        {
            return Unauthorized();
        }

        var now = timeProvider.GetUtcNow();
        var hash = Hash(secret);
        if (Matches(family.CurrentHash, hash))
        {
            if (family.CurrentExpiresAt <= now)
            {
                return Unauthorized();
            }

            var token = Rotate(family, now);
            await WriteOrReload();
            return Reply<SignIn>.Ok(new SignIn(Profile(), token.ToString(), family.CurrentExpiresAt));
        }

        if (family.SpentHashes.Any(spent => Matches(spent, hash)))
        {
            // A spent token came back: someone holds a copy. Every token of the family dies.
            family.Revoked = true;
            await WriteOrReload();
            return Reply<SignIn>.Fail(Outcome.Unauthorized, "refresh token reused; the session has been revoked");
        }

        return Unauthorized();
    }

    public async Task<Reply<bool>> SignOut(string familyId, string secret)
    {
        var family = state.RecordExists ? state.State.RefreshFamilies.Find(f => f.Id == familyId) : null;
        var hash = Hash(secret);
        if (family is null || !(Matches(family.CurrentHash, hash) || family.SpentHashes.Any(spent => Matches(spent, hash))))
        {
            return Reply<bool>.Fail(Outcome.Unauthorized, "refresh token not recognised");
        }

        if (!family.Revoked)
        {
            family.Revoked = true;
            await WriteOrReload();
        }

        return Reply<bool>.Ok(true);
    }

    public async Task<Reply<ProjectView>> CreateProject(ProjectDraft draft)
    {
        if (!state.RecordExists)
        {
            return Reply<ProjectView>.Fail(Outcome.NotFound, "user not found");
        }

        var projectId = SortableId.Shared.Next();
        // Listed first, created second: a failure in between leaves a harmless extra id, filtered out when listing.
        state.State.ProjectIds.Add(projectId);
        await WriteOrReload();
        var owner = new Member(Id, state.State.Name, state.State.Email, ProjectRole.Owner);
        var created = await GrainFactory.GetGrain<IProjectGrain>(projectId).Create(owner, draft);
        if (!created.IsOk)
        {
            state.State.ProjectIds.Remove(projectId);
            await WriteOrReload();
        }

        return created;
    }

    public Task<IReadOnlyList<string>> GetProjectIds() =>
        Task.FromResult<IReadOnlyList<string>>(state.RecordExists ? [.. state.State.ProjectIds] : []);

    public async Task JoinProject(string projectId)
    {
        if (state.RecordExists && !state.State.ProjectIds.Contains(projectId))
        {
            state.State.ProjectIds.Add(projectId);
            await WriteOrReload();
        }
    }

    public async Task LeaveProject(string projectId)
    {
        if (state.RecordExists && state.State.ProjectIds.Remove(projectId))
        {
            await WriteOrReload();
        }
    }

    private UserProfile Profile() => new(state.State.Id, state.State.Name, state.State.Email, state.State.CreatedAt);

    private RefreshToken Rotate(RefreshFamily family, DateTimeOffset now)
    {
        if (family.CurrentHash.Length > 0)
        {
            family.SpentHashes.Add(family.CurrentHash);
            if (family.SpentHashes.Count > _options.MaxSpentHashesPerFamily)
            {
                family.SpentHashes.RemoveAt(0);
            }
        }

        var secret = Base64UrlSecret();
        family.CurrentHash = Hash(secret);
        family.CurrentExpiresAt = now + _options.RefreshTokenLifetime;
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

    private static string Base64UrlSecret() =>
        System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private static string Hash(string secret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static bool Matches(string storedHash, string hash) =>
        storedHash.Length == hash.Length
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(storedHash), Encoding.ASCII.GetBytes(hash));

    private static Reply<SignIn> Unauthorized() => Reply<SignIn>.Fail(Outcome.Unauthorized, "invalid credentials");

    private async Task WriteOrReload()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }
}
