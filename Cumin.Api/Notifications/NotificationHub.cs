using Cumin.Api.Live;
using Cumin.Live;
using Cumin.Primitives;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Cumin.Api.Notifications;

/// <summary>
/// /hubs/notifications: the server calls the client method <c>notification</c> with API.md's Notification, and
/// <c>projectEvent</c> with the events of the projects the connection watches (<see cref="WatchProject"/>). The
/// access token comes in the Authorization header or, for WebSockets, the <c>access_token</c> query parameter.
/// </summary>
[Authorize]
public sealed class NotificationHub(NotificationRelay relay, ProjectFeedRelay feeds, IOptions<HubConnectionOptions> options) : Hub
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

    /// <summary>
    /// From now on this connection receives the project's <c>projectEvent</c>s. A non-member (or a project that does
    /// not exist) gets "not found"; a connection watches at most <see cref="FeedLimits.ProjectsPerConnection"/> projects.
    /// </summary>
    public async Task WatchProject(string projectId)
    {
        if (!SortableId.IsWellFormed(projectId))
        {
            throw new HubException("not found");
        }

        var watching = ProjectFeedRelay.WatchedBy(Context);
        lock (watching)
        {
            if (watching.Contains(projectId))
            {
                return;
            }

            if (watching.Count >= FeedLimits.ProjectsPerConnection)
            {
                throw new HubException($"Limit reached: a connection watches at most {FeedLimits.ProjectsPerConnection} projects.");
            }

            // Taken before the project is asked, so the limit holds; given back when it says no.
            watching.Add(projectId);
        }

        bool admitted;
        try
        {
            admitted = await feeds.WatchAsync(Context, projectId);
        }
        catch (Exception exception) when (exception is not HubException)
        {
            Forget(watching, projectId);
            throw new HubException("The project cannot be reached; try again.", exception);
        }

        if (!admitted)
        {
            Forget(watching, projectId);
            throw new HubException("not found");
        }
    }

    /// <summary>Stops this connection's events of the project; nothing when it was not watching it.</summary>
    public Task UnwatchProject(string projectId)
    {
        var watching = ProjectFeedRelay.WatchedBy(Context);
        if (Forget(watching, projectId))
        {
            feeds.Unwatch(Context, projectId);
        }

        return Task.CompletedTask;
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items.ContainsKey(CountedKey))
        {
            relay.Forget(Context);
            await relay.DisconnectAsync(Context.UserIdentifier!);
        }

        var watching = ProjectFeedRelay.WatchedBy(Context);
        List<string> watched;
        lock (watching)
        {
            watched = [.. watching];
            watching.Clear();
        }

        watched.ForEach(projectId => feeds.Unwatch(Context, projectId));
        await base.OnDisconnectedAsync(exception);
    }

    private static bool Forget(HashSet<string> watching, string projectId)
    {
        lock (watching)
        {
            return watching.Remove(projectId);
        }
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
