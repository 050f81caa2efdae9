namespace Cumin.Notifications;

/// <summary>The stream names shared by the user grain, which consumes the stream, and the silo that registers it.</summary>
public static class NotificationStreams
{
    /// <summary>The stream provider (SQS) that carries the exporter's <see cref="Exports.ExportEndedMessage"/>s to user grains.</summary>
    public const string Provider = "notifications";

    /// <summary>Stream namespace of per-user notifications; the stream key is the user id.</summary>
    public const string UserNamespace = "user-notifications";
}
