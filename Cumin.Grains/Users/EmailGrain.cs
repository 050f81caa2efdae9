using Cumin.Users;
using Microsoft.AspNetCore.Identity;
using Orleans.Storage;

namespace Cumin.Grains.Users;

/// <summary>Which user holds a normalised e-mail address: stored in the <c>emails</c> table (pk the address).</summary>
public sealed class EmailState
{
    public string UserId { get; set; } = "";
}

/// <summary>
/// Holds one e-mail address for one user. Concurrent registrations of the same address meet in this single
/// activation and are served one at a time; across silos the storage's conditional write decides.
/// </summary>
public sealed class EmailGrain(
    [PersistentState("email", StorageNames.Grains)] IPersistentState<EmailState> state,
    IPasswordHasher<UserState> passwordHasher) : Grain, IEmailGrain
{
    // Verifying against this makes an unknown address cost what a wrong password costs (no timing oracle), so it is made
    // by the same hasher, with the same iterations, as every stored password.
    private static string? _decoyHash;

    public async Task<Reply<UserProfile>> Register(string name, string email, string password)
    {
        // The address must be the one this grain holds: two spellings of one address never become two accounts.
        if (!EmailAddresses.TryNormalize(email, out var display, out var key) || key != this.GetPrimaryKeyString())
        {
            return Reply<UserProfile>.Fail(Outcome.Invalid, "email is not a valid address");
        }

        email = display;
        if (state.RecordExists)
        {
            return Reply<UserProfile>.Fail(Outcome.Conflict, "this e-mail address is already registered");
        }

        var userId = SortableId.Shared.Next();
        var created = await GrainFactory.Of<IUserGrain>(userId).Initialize(name, email, password);
        if (!created.IsOk)
        {
            return created;
        }

        // The user exists before the address points at it; a failure here leaves an unreachable user, never
        // an address pointing nowhere.
        state.State.UserId = userId;
        try
        {
            await state.WriteStateAsync();
        }
        catch (InconsistentStateException)
        {
            DeactivateOnIdle();
            return Reply<UserProfile>.Fail(Outcome.Conflict, "this e-mail address is already registered");
        }
        catch
        {
            state.State.UserId = "";
            DeactivateOnIdle();
            throw;
        }

        return created;
    }

    public async Task<Reply<SignIn>> SignIn(string password)
    {
        if (!state.RecordExists)
        {
            _decoyHash ??= passwordHasher.HashPassword(new UserState(), "decoy-password");
            passwordHasher.VerifyHashedPassword(new UserState(), _decoyHash, password);
            return Reply<SignIn>.Fail(Outcome.Unauthorized, "invalid credentials");
        }

        return await GrainFactory.Of<IUserGrain>(state.State.UserId).SignIn(password);
    }

    public Task<string?> GetUserId() => Task.FromResult(state.RecordExists ? state.State.UserId : null);
}
