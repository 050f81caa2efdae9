using System.Diagnostics;
using Cumin.Exports;
using Cumin.Grains.Notifications;
using Cumin.Notifications;
using Cumin.ServiceDefaults;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace Cumin.Grains.Users;

/// <summary>
/// Notifications: an export's end arrives on the implicit stream <c>user-notifications/{userId}</c>, is kept once per
/// export and pushed to the API hosts subscribed for this user.
/// </summary>
public sealed partial class UserGrain
{
    public Task<IReadOnlyList<UserNotification>> GetNotifications(int limit) =>
        Task.FromResult<IReadOnlyList<UserNotification>>(
            [.. Enumerable.Reverse(state.State.Notifications).Take(Math.Clamp(limit, 0, NotificationLimits.Kept))]);

    public Task Subscribe(INotificationObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(INotificationObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken) =>
        ServiceProvider.SubscribeToNotificationsAsync<ExportEndedMessage>(NotificationStreams.UserNamespace, Id, OnExportEndedAsync);

    /// <summary>
    /// Records an export's end as a notification, once per export id (SQS and the exporter deliver at least once), then
    /// pushes it to the subscribed API hosts. A failed write throws, so the stream delivers the message again.
    /// </summary>
    private async Task OnExportEndedAsync(ExportEndedMessage message, StreamSequenceToken? token)
    {
        // The export's trace, carried by the exporter's message, goes on through the notification to the owner's hosts.
        using var span = CuminTelemetry.StartLinked("export notification", ActivityKind.Consumer, message.TraceParent);
        span?.SetTag("cumin.export.id", message.ExportId);
        if (!state.RecordExists || message.Type is not (ExportEndedMessage.Completed or ExportEndedMessage.Failed))
        {
            LogIgnoredMessage(logger, Id, message.Type, message.ExportId);
            return;
        }

        var kept = state.State.Notifications;
        if (kept.Exists(n => n.Data.ExportId == message.ExportId))
        {
            return;
        }

        var active = state.State.ActiveExports.Find(a => a.Id == message.ExportId);

        var notification = new UserNotification(
            SortableId.Shared.Next(),
            message.Type,
            timeProvider.GetUtcNow(),
            message.Type == ExportEndedMessage.Completed
                ? $"Your export of {message.TaskCount ?? 0} tasks is ready to download."
                : $"Your export failed: {message.Error ?? "unknown error"}",
            new NotificationData(message.ExportId, message.ProjectId, message.Url, message.UrlExpiresAt, message.TaskCount, message.Error));
        var previous = kept.ToList();
        kept.Add(notification);
        // Its place is free: the export has ended.
        state.State.ActiveExports.Remove(active!);
        if (kept.Count > NotificationLimits.Kept)
        {
            kept.RemoveRange(0, kept.Count - NotificationLimits.Kept);
        }

        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Memory must not run ahead of storage, or the redelivered message would be taken for a duplicate.
            state.State.Notifications = previous;
            if (active is not null)
            {
                state.State.ActiveExports.Add(active);
            }
            DeactivateOnIdle();
            throw;
        }

        // One-way calls: this awaits the sending, never an API host.
        await _observers.Notify(observer => observer.Notify(notification));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "User {UserId} ignored a '{Type}' message about export {ExportId}")]
    private static partial void LogIgnoredMessage(ILogger logger, string userId, string type, string exportId);
}
