namespace Cumin.Grains.Users;

/// <summary>Configuration section <c>Cumin:RefreshTokens</c>.</summary>
public sealed class RefreshTokenOptions
{
    public const string Section = "Cumin:RefreshTokens";

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Families kept per user (oldest dropped first), so the user item stays far below 400 KB.</summary>
    public int MaxRefreshFamilies { get; set; } = 50;

    /// <summary>Spent token hashes kept per family for reuse detection.</summary>
    public int MaxSpentHashesPerFamily { get; set; } = 20;
}
