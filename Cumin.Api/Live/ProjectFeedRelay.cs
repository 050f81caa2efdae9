using Cumin.Api.Notifications;
using Cumin.Api.Projects;
using Cumin.Live;
using Cumin.Primitives;
using Cumin.Projects;
using Microsoft.AspNetCore.SignalR;

namespace Cumin.Api.Live;

/// <summary>
/// Carries project events from project grains to this host's SignalR connections (API.md, "Live board"). The host holds
/// one observer for all projects; per watched project it is subscribed with that project's grain while at least one of
/// its connections watches, and sends each event once, to its SignalR group of the project: a change costs one message
/// per host that has watchers of the project, none to the others. Each project's events pass through one pump, in the
/// project's order (<see cref="FeedSequencer"/>); the pump also admits and drops watchers, so a member removed by an
/// event gets that event and nothing after it. Subscriptions are renewed every <see cref="RenewInterval"/> (a project
/// forgets a host after <see cref="FeedLimits.ObserverLifetime"/>, so a dead host leaves nothing behind), and the last
/// watcher leaving ends the subscription at once.
/// </summary>
public sealed partial class ProjectFeedRelay : BackgroundService, IProjectFeedObserver
{
    public const string ClientMethod = "projectEvent";

    private const string WatchingKey = "cumin.watching";

    private readonly IGrainFactory _grains;
    private readonly IHubContext<NotificationHub> _hub;
    private readonly IProjectCounts _counts;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _sync = new();
    private readonly Dictionary<string, WatchedProject> _projects = new(StringComparer.Ordinal);
    private IProjectFeedObserver? _reference;
    private long _batchesReceived;

    public ProjectFeedRelay(IGrainFactory grains, IHubContext<NotificationHub> hub, IProjectCounts counts, TimeProvider timeProvider, ILogger<ProjectFeedRelay> logger)
    {
        _grains = grains;
        _hub = hub;
        _counts = counts;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public static TimeSpan RenewInterval { get; } = FeedLimits.ObserverLifetime / 3;

    /// <summary>How long a gap in a project's numbers may stay open before the project is asked for what is missing.</summary>
    public static TimeSpan GapWait { get; } = TimeSpan.FromSeconds(1);

    /// <summary>Projects this host is subscribed to (has watchers of, or is admitting one to).</summary>
    public int WatchedProjects
    {
        get
        {
            lock (_sync)
            {
                return _projects.Count;
            }
        }
    }

    /// <summary>Deliveries from projects to this host since it started (each carries one event, or a few).</summary>
    public long BatchesReceived => Interlocked.Read(ref _batchesReceived);

    /// <summary>Whether this host is subscribed to <paramref name="projectId"/>'s events.</summary>
    public bool IsWatching(string projectId) => Find(projectId) is not null;

    private IProjectFeedObserver Reference
    {
        get
        {
            lock (_sync)
            {
                // One reference for the host's lifetime; the relay holds the object, so the weak reference stays alive.
                return _reference ??= _grains.CreateObjectReference<IProjectFeedObserver>(this);
            }
        }
    }

    /// <summary>The projects a connection watches (API.md: at most <see cref="FeedLimits.ProjectsPerConnection"/>); lock it to use it.</summary>
    public static HashSet<string> WatchedBy(HubCallerContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        lock (connection.Items)
        {
            if (connection.Items.TryGetValue(WatchingKey, out var known) && known is HashSet<string> watching)
            {
                return watching;
            }

            var created = new HashSet<string>(StringComparer.Ordinal);
            connection.Items[WatchingKey] = created;
            return created;
        }
    }

    /// <summary>
    /// <paramref name="connection"/> starts watching <paramref name="projectId"/>: false, and nothing kept, when its
    /// user is not a member. Once this returns true the connection receives every later event of the project.
    /// </summary>
    public async Task<bool> WatchAsync(HubCallerContext connection, string projectId)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var project = await JoinAsync(projectId);
        try
        {
            var answer = await _grains.Of<IProjectGrain>(projectId).Watch(connection.UserIdentifier!, Reference, project.Known);
            return answer is not null && await project.AdmitAsync(connection, answer);
        }
        finally
        {
            project.Post(new Joined());
        }
    }

    /// <summary><paramref name="connection"/> stops watching <paramref name="projectId"/> (or has closed).</summary>
    public void Unwatch(HubCallerContext connection, string projectId)
    {
        ArgumentNullException.ThrowIfNull(connection);
        WatchedProject? project;
        lock (_sync)
        {
            _projects.TryGetValue(projectId, out project);
        }

        project?.Post(new Leave(connection.ConnectionId));
    }

    Task IProjectFeedObserver.OnEvents(FeedEvents events)
    {
        Interlocked.Increment(ref _batchesReceived);
        Find(events.ProjectId)?.Post(new Arrived(events));
        return Task.CompletedTask;
    }

    Task IProjectFeedObserver.OnEnded(string projectId, FeedPosition last)
    {
        Find(projectId)?.Post(new Ended(last));
        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RenewInterval, _timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            List<WatchedProject> projects;
            lock (_sync)
            {
                projects = [.. _projects.Values];
            }

            // Each project's pump makes its own call, so the renewals run side by side.
            projects.ForEach(p => p.Post(new Renew()));
        }
    }

    private async Task<WatchedProject> JoinAsync(string projectId)
    {
        while (true)
        {
            Task retiring;
            lock (_sync)
            {
                if (!_projects.TryGetValue(projectId, out var project))
                {
                    project = new WatchedProject(projectId, this);
                    _projects.Add(projectId, project);
                }

                if (project.Retiring is null)
                {
                    project.Joining++;
                    return project;
                }

                retiring = project.Retiring;
            }

            // Its unsubscription is on its way to the grain: the new subscription must come after it.
            await retiring;
        }
    }

    private WatchedProject? Find(string projectId)
    {
        lock (_sync)
        {
            return _projects.GetValueOrDefault(projectId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew the watch of project {ProjectId}; retrying within {RetrySeconds:F0} s")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, string projectId, double retrySeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not end the watch of project {ProjectId}; it will lapse")]
    private static partial void LogUnwatchFailed(ILogger logger, Exception exception, string projectId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send event {EventId} ({Type}) of project {ProjectId} to its watchers")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, string eventId, string type, string projectId);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Watchers of project {ProjectId} missed events the project no longer keeps; closing their {Count} connections so they reload")]
    private static partial void LogEventsLost(ILogger logger, string projectId, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "The watch of project {ProjectId} failed on {Work}")]
    private static partial void LogPumpFailed(ILogger logger, Exception exception, string projectId, string work);
}
