using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Cumin.Api.Notifications;

/// <summary>
/// /hubs/notifications: the server calls the client method <c>notification</c> with API.md's Notification. The
/// access token comes in the Authorization header or, for WebSockets, the <c>access_token</c> query parameter.
/// </summary>
[Authorize]
public sealed class NotificationHub(NotificationRelay relay) : Hub
{
    public const string Path = "/hubs/notifications";

    public const string ClientMethod = "notification";

    public override async Task OnConnectedAsync()
    {
        await relay.ConnectAsync(Context.UserIdentifier!);
        await base.OnConnectedAsync();
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        await relay.DisconnectAsync(Context.UserIdentifier!);
        await base.OnDisconnectedAsync(exception);
    }
}

/// <summary>SignalR's user id is the JWT's <c>sub</c>, the id <c>Clients.User</c> addresses.</summary>
public sealed class SubjectUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection.User.FindFirst("sub")?.Value;
    }
}
