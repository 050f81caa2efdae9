using System.Diagnostics.CodeAnalysis;

namespace Cumin.Users;

[GenerateSerializer, Immutable, Alias("cumin.user-profile")]
public sealed record UserProfile(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Email,
    [property: Id(3)] DateTimeOffset CreatedAt);

/// <summary>What a successful login or refresh yields; the API adds the access JWT.</summary>
[GenerateSerializer, Immutable, Alias("cumin.sign-in")]
public sealed record SignIn(
    [property: Id(0)] UserProfile User,
    [property: Id(1)] string RefreshToken,
    [property: Id(2)] DateTimeOffset RefreshExpiresAt);

public static class UserLimits
{
    public const int NameMax = 100;
    public const int EmailMax = 254;
    public const int PasswordMin = 8;
    public const int PasswordMax = 128;

    /// <summary>Projects a user belongs to, their own and shared ones together: it bounds the user's item.</summary>
    public const int ProjectsMax = 1000;

    /// <summary>
    /// The key of the e-mail grain: <see cref="EmailAddresses.TryNormalize"/>'s, or for what cannot be an address (which
    /// registration refuses, so no account has it) the lower-cased text, so a login with it costs what any other does.
    /// </summary>
    public static string NormalizeEmail(string email) =>
        EmailAddresses.TryNormalize(email, out _, out var key) ? key : email.Trim().ToLowerInvariant();
}

/// <summary>
/// An opaque refresh token: <c>{userId}.{familyId}.{secret}</c>. The user and family parts route it to the
/// right grain; only a hash of the secret is ever stored.
/// </summary>
public readonly record struct RefreshToken(string UserId, string FamilyId, string Secret)
{
    public override string ToString() => $"{UserId}.{FamilyId}.{Secret}";

    public static bool TryParse(string? value, [NotNullWhen(true)] out RefreshToken? token)
    {
        token = null;
        if (value is not { Length: > 0 and <= 256 })
        {
            return false;
        }

        var parts = value.Split('.');
        if (parts.Length != 3 || parts.Any(p => !Primitives.SortableId.IsWellFormed(p)))
        {
            return false;
        }

        token = new RefreshToken(parts[0], parts[1], parts[2]);
        return true;
    }
}
