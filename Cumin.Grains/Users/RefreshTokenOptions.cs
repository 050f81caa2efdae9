namespace Cumin.Grains.Users;

/// <summary>Configuration section <c>Cumin:RefreshTokens</c>.</summary>
public sealed class RefreshTokenOptions
{
    public const string Section = "Cumin:RefreshTokens";

    /// <summary>How long a refresh token lives unused (each refresh starts it again).</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The absolute end of a session: rotation never extends a family past this from its login (API.md: 30 days).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Families kept per user (oldest dropped first), so the user item stays far below 400 KB.</summary>
    public int MaxRefreshFamilies { get; set; } = 50;
}
