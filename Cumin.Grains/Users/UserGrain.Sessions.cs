using System.Security.Cryptography;
using System.Text;
using Cumin.Grains.Persistence;
using Cumin.Users;
using Microsoft.AspNetCore.Identity;

namespace Cumin.Grains.Users;

/// <summary>Signing in and the refresh-token families: rotation, reuse detection, sign-out (one session or all).</summary>
public sealed partial class UserGrain
{
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
