using Cumin.Notifications;

namespace Cumin.Grains.Users;

/// <summary>A user as stored in the <c>users</c> table (pk user id).</summary>
public sealed class UserState
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public string Email { get; set; } = "";

    /// <summary>ASP.NET Core Identity's PBKDF2 format (salt, iteration count and algorithm inside).</summary>
    public string PasswordHash { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Projects the user may belong to; each project's own member list decides.</summary>
    public List<string> ProjectIds { get; set; } = [];

    public List<RefreshFamily> RefreshFamilies { get; set; } = [];

    /// <summary>
    /// The newest notifications, oldest first, at most <see cref="NotificationLimits.Kept"/>: about 1.5 KB each with a
    /// presigned URL, so 150 KB at most, well inside the 400 KB item next to the refresh families.
    /// </summary>
    public List<UserNotification> Notifications { get; set; } = [];

    /// <summary>The user's exports not known to have ended, at most <see cref="Cumin.Exports.ExportLimits.ActivePerUser"/>.</summary>
    public List<ActiveExport> ActiveExports { get; set; } = [];
}

/// <summary>An export that holds one of its owner's places until its end is heard of (or found in the jobs table).</summary>
public sealed class ActiveExport
{
    public string Id { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// One sign-in's chain of refresh tokens. Only the SHA-256 hash of the current secret is stored: any other secret
/// presented with the family's (random) id is a copy of a spent token and revokes the family.
/// </summary>
public sealed class RefreshFamily
{
    public string Id { get; set; } = "";

    public string CurrentHash { get; set; } = "";

    public DateTimeOffset CurrentExpiresAt { get; set; }

    public bool Revoked { get; set; }

    /// <summary>The login that opened the family: no token of it outlives this by more than the session lifetime.</summary>
    public DateTimeOffset CreatedAt { get; set; }
}
