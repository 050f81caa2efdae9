using System.Diagnostics;
using Cumin.Notifications;
using Cumin.Primitives;
using Cumin.ServiceDefaults;
using Cumin.Users;
using Microsoft.AspNetCore.SignalR;

namespace Cumin.Api.Notifications;

/// <summary>
/// Carries notifications from user grains to this host's SignalR connections. Per connected user the host holds one
/// observer, subscribed with the user's grain when the user's first connection arrives and unsubscribed when the last
/// one leaves. The grain forgets observers that do not renew within <see cref="NotificationLimits.ObserverLifetime"/>
/// (so a host that died stops being called), and loses them all when it is deactivated or its silo goes; the renewal
/// every third of that lifetime covers both, as the Orleans documentation advises for observers.
/// </summary>
public sealed partial class NotificationRelay(
    IGrainFactory grains,
    IHubContext<NotificationHub> hub,
    TimeProvider timeProvider,
    ILogger<NotificationRelay> logger) : BackgroundService
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, Listener> _listeners = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, HubCallerContext> _connections = new(StringComparer.Ordinal);

    public static TimeSpan RenewInterval { get; } = NotificationLimits.ObserverLifetime / 3;

    /// <summary>Users with at least one connection to this host.</summary>
    public int ListeningUsers
    {
        get
        {
            lock (_sync)
            {
                return _listeners.Count;
            }
        }
    }

    /// <summary>Counts a connection of the user in, unless they have <paramref name="limit"/> on this host already.</summary>
    public async Task<bool> ConnectAsync(string userId, int limit)
    {
        Listener listener;
        lock (_sync)
        {
            if (_listeners.TryGetValue(userId, out var existing) && existing.Connections >= limit)
            {
                return false;
            }

            if (!_listeners.TryGetValue(userId, out listener!))
            {
                listener = new Listener(userId, this);
                listener.Reference = grains.CreateObjectReference<INotificationObserver>(listener);
                listener.Subscribed = SubscribeAsync(listener);
                _listeners[userId] = listener;
            }

            listener.Connections++;
        }

        // Every connection waits for the subscription, so nothing sent after the connection is up can be missed.
        await listener.Subscribed;
        return true;
    }

    public async Task DisconnectAsync(string userId)
    {
        Listener? closed = null;
        lock (_sync)
        {
            if (_listeners.TryGetValue(userId, out var listener) && --listener.Connections == 0)
            {
                _listeners.Remove(userId);
                closed = listener;
            }
        }

        if (closed is null)
        {
            return;
        }

        try
        {
            await grains.Of<IUserGrain>(userId).Unsubscribe(closed.Reference);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The subscription lapses by itself; nothing is lost by leaving it.
            LogUnsubscribeFailed(logger, ex, userId);
        }
        finally
        {
            grains.DeleteObjectReference<INotificationObserver>(closed.Reference);
        }
    }

    /// <summary>Remembers an open connection, so a revoked session's connections can be closed.</summary>
    public void Track(HubCallerContext connection)
    {
        _connections[connection.ConnectionId] = connection;
        CuminMetrics.HubConnections.Add(1);
    }

    public void Forget(HubCallerContext connection)
    {
        if (_connections.TryRemove(connection.ConnectionId, out _))
        {
            CuminMetrics.HubConnections.Add(-1);
        }
    }

    /// <summary>Closes this host's connections of <paramref name="userId"/> opened with an access token of these sessions.</summary>
    internal void CloseSessions(string userId, IReadOnlyList<string> sessionIds)
    {
        foreach (var connection in _connections.Values)
        {
            if (connection.UserIdentifier == userId && connection.User?.FindFirst("sid")?.Value is { } session && sessionIds.Contains(session))
            {
                LogSessionClosed(logger, connection.ConnectionId, userId);
                connection.Abort();
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RenewInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            List<Listener> listeners;
            lock (_sync)
            {
                listeners = [.. _listeners.Values];
            }

            await Parallel.ForEachAsync(
                listeners,
                new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = stoppingToken },
                async (listener, _) => await SubscribeAsync(listener));
        }
    }

    /// <summary>Subscribes or renews. A failure is logged and left to the next renewal: the connection stays up meanwhile.</summary>
    private async Task SubscribeAsync(Listener listener)
    {
        try
        {
            await grains.Of<IUserGrain>(listener.UserId).Subscribe(listener.Reference);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSubscribeFailed(logger, ex, listener.UserId, RenewInterval.TotalSeconds);
        }
    }

    private async Task SendAsync(string userId, UserNotification notification)
    {
        // Within the user grain's call, so the send ends the trace that an export started with its POST.
        using var span = CuminTelemetry.Source.StartActivity("SignalR send", ActivityKind.Producer);
        span?.SetTag("cumin.notification.type", notification.Type);
        try
        {
            await hub.Clients.User(userId).SendAsync(NotificationHub.ClientMethod, notification);
        }
        catch (Exception ex)
        {
            span?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            LogSendFailed(logger, ex, notification.Id, userId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe to the notifications of user {UserId}; retrying within {RetrySeconds:F0} s")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception, string userId, double retrySeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not unsubscribe from the notifications of user {UserId}; the subscription will lapse")]
    private static partial void LogUnsubscribeFailed(ILogger logger, Exception exception, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed hub connection {ConnectionId} of user {UserId}: its session was revoked")]
    private static partial void LogSessionClosed(ILogger logger, string connectionId, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send notification {NotificationId} to the connections of user {UserId}")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, string notificationId, string userId);

    /// <summary>The observer of one user's grain on this host; the relay keeps it alive (observer references are weak).</summary>
    private sealed class Listener(string userId, NotificationRelay relay) : INotificationObserver
    {
        public string UserId { get; } = userId;

        public INotificationObserver Reference { get; set; } = null!;

        public Task Subscribed { get; set; } = Task.CompletedTask;

        public int Connections { get; set; }

        public Task Notify(UserNotification notification) => relay.SendAsync(UserId, notification);

        public Task SessionsRevoked(IReadOnlyList<string> sessionIds)
        {
            relay.CloseSessions(UserId, sessionIds);
            return Task.CompletedTask;
        }
    }
}
