using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Cumin.Api.Notifications;

/// <summary>
/// /hubs/notifications: the server calls the client method <c>notification</c> with API.md's Notification. The
/// access token comes in the Authorization header or, for WebSockets, the <c>access_token</c> query parameter.
/// </summary>
[Authorize]
public sealed class NotificationHub(NotificationRelay relay, IOptions<HubConnectionOptions> options) : Hub
{
    public const string Path = "/hubs/notifications";

    public const string ClientMethod = "notification";

    private const string CountedKey = "cumin.counted";

    public override async Task OnConnectedAsync()
    {
        if (!await relay.ConnectAsync(Context.UserIdentifier!, options.Value.MaxConnectionsPerUser))
        {
            // SignalR closes the connection with this error; the client sees why.
            throw new HubException($"Too many connections: at most {options.Value.MaxConnectionsPerUser} per user.");
        }

        Context.Items[CountedKey] = true;
        relay.Track(Context);
        await base.OnConnectedAsync();
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items.ContainsKey(CountedKey))
        {
            relay.Forget(Context);
            await relay.DisconnectAsync(Context.UserIdentifier!);
        }

        await base.OnDisconnectedAsync(exception);
    }
}

/// <summary>Configuration section <c>Cumin:Hub</c>.</summary>
public sealed class HubConnectionOptions
{
    public const string Section = "Cumin:Hub";

    /// <summary>
    /// Open connections of one user on one API instance (each costs a socket and memory); one more is refused. A browser
    /// needs one per tab.
    /// </summary>
    public int MaxConnectionsPerUser { get; set; } = 20;
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
