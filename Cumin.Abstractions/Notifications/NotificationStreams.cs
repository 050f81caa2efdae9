namespace Cumin.Notifications;

/// <summary>The stream names shared by the grains that consume them (user, project) and the silo that registers them.</summary>
public static class NotificationStreams
{
    /// <summary>
    /// The stream provider (SQS) that carries the exporter's <see cref="Exports.ExportEndedMessage"/>s to user grains and
    /// the aggregator's <see cref="Live.ProjectCountsMessage"/>s to project grains.
    /// </summary>
    public const string Provider = "notifications";

    /// <summary>Stream namespace of per-user notifications; the stream key is the user id.</summary>
    public const string UserNamespace = "user-notifications";

    /// <summary>Stream namespace of the aggregator's <see cref="Live.ProjectCountsMessage"/>s; the stream key is the project id.</summary>
    public const string ProjectCountsNamespace = "project-counts";
}
