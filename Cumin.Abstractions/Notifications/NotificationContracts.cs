namespace Cumin.Notifications;

/// <summary>What a notification is about: the export it reports on.</summary>
[GenerateSerializer, Immutable, Alias("cumin.notification-data")]
public sealed record NotificationData(
    [property: Id(0)] string ExportId,
    [property: Id(1)] string ProjectId,
    [property: Id(2)] string? Url,
    [property: Id(3)] DateTimeOffset? UrlExpiresAt,
    [property: Id(4)] int? TaskCount,
    [property: Id(5)] string? Error);

/// <summary>A notification for one user: <see cref="Type"/> is <c>export.completed</c> or <c>export.failed</c>.</summary>
[GenerateSerializer, Immutable, Alias("cumin.notification")]
public sealed record UserNotification(
    [property: Id(0)] string Id,
    [property: Id(1)] string Type,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] string Message,
    [property: Id(4)] NotificationData Data);

/// <summary>
/// An API host listening to one user's notifications. It subscribes with the user's grain and renews the subscription
/// before the grain forgets it, so a host that vanished stops being called without telling anyone.
/// </summary>
[Alias("cumin.INotificationObserver")]
public interface INotificationObserver : IGrainObserver
{
    /// <summary>One-way: the user grain never waits on an API host.</summary>
    [Alias("notify"), OneWay]
    Task Notify(UserNotification notification);

    /// <summary>
    /// These sessions (refresh-token families) were revoked, by logout or reuse: the host closes the hub connections
    /// opened with their access tokens (the tokens' <c>sid</c>) at once, rather than when the tokens expire.
    /// </summary>
    [Alias("sessions-revoked"), OneWay]
    Task SessionsRevoked(IReadOnlyList<string> sessionIds);
}

public static class NotificationLimits
{
    /// <summary>Notifications a user grain keeps (newest); API.md promises at least 100.</summary>
    public const int Kept = 100;

    public const int PageDefault = 50;

    /// <summary>
    /// How long a user grain keeps an observer that has not renewed its subscription. API hosts renew well within it
    /// (a third of it), and a renewal also restores a subscription lost with a deactivated grain.
    /// </summary>
    public static readonly TimeSpan ObserverLifetime = TimeSpan.FromMinutes(3);
}
