using System.ComponentModel.DataAnnotations;
using Cumin.Users;

namespace Cumin.Api.Auth;

public sealed record RegisterRequest
{
    [Required, StringLength(UserLimits.NameMax, MinimumLength = 1)]
    public string? Name { get; init; }

    [Required, StrictEmail, StringLength(UserLimits.EmailMax)]
    public string? Email { get; init; }

    [Required, StringLength(UserLimits.PasswordMax, MinimumLength = UserLimits.PasswordMin)]
    public string? Password { get; init; }
}

public sealed record LoginRequest
{
    [Required, StringLength(UserLimits.EmailMax)]
    public string? Email { get; init; }

    [Required, StringLength(UserLimits.PasswordMax)]
    public string? Password { get; init; }
}

public sealed record RefreshRequest
{
    [Required, StringLength(256)]
    public string? RefreshToken { get; init; }
}

public sealed record LogoutRequest
{
    [Required, StringLength(256)]
    public string? RefreshToken { get; init; }

    /// <summary>True: every session of the user ends (every device signs out), not only this token's.</summary>
    public bool? Everywhere { get; init; }
}

public sealed record UserResponse(string Id, string Name, string Email, DateTimeOffset CreatedAt)
{
    public static UserResponse From(UserProfile user) => new(user.Id, user.Name, user.Email, user.CreatedAt);
}

public sealed record TokenUser(string Id, string Name, string Email);

public sealed record TokenResponse(
    string AccessToken,
    string RefreshToken,
    string TokenType,
    int ExpiresIn,
    int RefreshExpiresIn,
    TokenUser User);
