using System.Threading.Channels;
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

    private abstract record Work;

    private sealed record Admit(HubCallerContext Connection, WatchAnswer Answer, TaskCompletionSource<bool> Admitted) : Work;

    private sealed record Joined : Work;

    private sealed record Leave(string ConnectionId) : Work;

    private sealed record Arrived(FeedEvents Events) : Work;

    private sealed record Ended(FeedPosition Last) : Work;

    private sealed record Renew : Work;

    private sealed record CheckGap(FeedPosition? Position) : Work;

    private sealed record Watcher(HubCallerContext Connection, string UserId, ProjectRole Role, CancellationTokenRegistration Closed);

    /// <summary>One watched project on this host: its watchers, its sequencer and the pump that serializes all of it.</summary>
    private sealed class WatchedProject
    {
        private readonly ProjectFeedRelay _relay;
        // Not SingleReader: that channel cannot count what waits, and the pump asks (Reader.Count) before retiring.
        private readonly Channel<Work> _inbox = Channel.CreateUnbounded<Work>();
        private readonly FeedSequencer _sequencer = new();
        private readonly Dictionary<string, Watcher> _watchers = new(StringComparer.Ordinal);

        /// <summary>Members removed while this host watched, with where in the feed: a watch checked before that is refused.</summary>
        private readonly Dictionary<string, FeedPosition> _removed = new(StringComparer.Ordinal);

        private volatile FeedPosition? _known;

        public WatchedProject(string projectId, ProjectFeedRelay relay)
        {
            ProjectId = projectId;
            Group = $"project/{projectId}";
            _relay = relay;
            _ = Task.Run(PumpAsync);
        }

        public string ProjectId { get; }

        public string Group { get; }

        /// <summary>Watches being asked for (guarded by the relay's lock): the project is not let go meanwhile.</summary>
        public int Joining { get; set; }

        /// <summary>Set (under the relay's lock) once it is being let go; completes when it is.</summary>
        public Task? Retiring { get; private set; }

        /// <summary>The feed position this host has reached, to name when asking the project.</summary>
        public FeedPosition? Known => _known;

        private IProjectGrain Grain => _relay._grains.Of<IProjectGrain>(ProjectId);

        public void Post(Work work) => _inbox.Writer.TryWrite(work);

        public Task<bool> AdmitAsync(HubCallerContext connection, WatchAnswer answer)
        {
            var admitted = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_inbox.Writer.TryWrite(new Admit(connection, answer, admitted)))
            {
                admitted.SetResult(false);
            }

            return admitted.Task;
        }

        private async Task PumpAsync()
        {
            await foreach (var work in _inbox.Reader.ReadAllAsync())
            {
                try
                {
                    await HandleAsync(work);
                }
                catch (Exception exception)
                {
                    LogPumpFailed(_relay._logger, exception, ProjectId, work.GetType().Name);
                    if (work is Admit admit)
                    {
                        admit.Admitted.TrySetException(exception);
                    }
                }

                _known = _sequencer.Position;
                if (_inbox.Reader.Count == 0 && await RetireIfUnwatchedAsync())
                {
                    return;
                }
            }
        }

        private async Task HandleAsync(Work work)
        {
            switch (work)
            {
                case Admit admit:
                    await AdmitNowAsync(admit);
                    break;
                case Joined:
                    lock (_relay._sync)
                    {
                        Joining--;
                    }

                    break;
                case Leave leave:
                    await DropAsync(leave.ConnectionId);
                    break;
                case Arrived arrived:
                    await ReleaseAsync(_sequencer.Offer(arrived.Events));
                    WatchGap();
                    break;
                case Ended ended:
                    _sequencer.Ended(ended.Last);
                    // That activation is gone: subscribe with the next one now, not at the next renewal.
                    await RenewAsync();
                    break;
                case Renew:
                    await RenewAsync();
                    break;
                case CheckGap check when _sequencer.HasGap && check.Position == _sequencer.Position:
                    await RenewAsync();
                    break;
            }
        }

        private async Task AdmitNowAsync(Admit admit)
        {
            await CatchUpAsync(admit.Answer.Feed);
            var userId = admit.Connection.UserIdentifier!;
            var checkedAt = admit.Answer.Feed.Now;
            if (_removed.TryGetValue(userId, out var removedAt) && removedAt.Epoch == checkedAt.Epoch && removedAt.Sequence > checkedAt.Sequence)
            {
                // Removed after the project said yes, and the removal already went out to this project's watchers.
                admit.Admitted.TrySetResult(false);
                return;
            }

            var connection = admit.Connection;
            if (connection.ConnectionAborted.IsCancellationRequested)
            {
                admit.Admitted.TrySetResult(false);
                return;
            }

            await _relay._hub.Groups.AddToGroupAsync(connection.ConnectionId, Group);
            // However it closes, a connection leaves nothing behind.
            var closed = connection.ConnectionAborted.Register(() => Post(new Leave(connection.ConnectionId)));
            _watchers[connection.ConnectionId] = new Watcher(connection, userId, admit.Answer.Role, closed);
            admit.Admitted.TrySetResult(true);
        }

        private async Task RenewAsync()
        {
            FeedCatchUp? catchUp;
            try
            {
                catchUp = await Grain.Renew(_relay.Reference, _sequencer.Position);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogRenewFailed(_relay._logger, exception, ProjectId, RenewInterval.TotalSeconds);
                return;
            }

            if (catchUp is null)
            {
                // The project is gone and its own last event did not reach this host: say so, and end every watch.
                var deleted = new ProjectEvent(SortableId.Shared.Next(), ProjectId, ProjectEventTypes.ProjectDeleted, _relay._timeProvider.GetUtcNow(), null, ProjectDeleted.Instance);
                await ReleaseAsync([deleted]);
                return;
            }

            await CatchUpAsync(catchUp);
        }

        private async Task CatchUpAsync(FeedCatchUp catchUp)
        {
            if (_sequencer.CatchUp(catchUp, out var released))
            {
                await ReleaseAsync(released);
                WatchGap();
                return;
            }

            // They cannot be told what they missed: closed, they reconnect, watch again and reload (API.md).
            LogEventsLost(_relay._logger, ProjectId, _watchers.Count);
            foreach (var watcher in _watchers.Values.ToList())
            {
                watcher.Connection.Abort();
                await DropAsync(watcher.Connection.ConnectionId);
            }
        }

        private void WatchGap()
        {
            if (!_sequencer.HasGap)
            {
                return;
            }

            var position = _sequencer.Position;
            _ = Task.Delay(GapWait, _relay._timeProvider).ContinueWith(_ => Post(new CheckGap(position)), TaskScheduler.Default);
        }

        private async Task ReleaseAsync(IReadOnlyList<ProjectEvent> events)
        {
            foreach (var projectEvent in events)
            {
                await SendAsync(projectEvent);
                switch (projectEvent.Type)
                {
                    case ProjectEventTypes.MemberRemoved when projectEvent.Data is MemberRemoved removed:
                        // They got their own removal; nothing after it.
                        _removed[removed.UserId] = _sequencer.Position!;
                        foreach (var watcher in _watchers.Values.Where(w => w.UserId == removed.UserId).ToList())
                        {
                            await DropAsync(watcher.Connection.ConnectionId);
                        }

                        break;
                    case ProjectEventTypes.ProjectDeleted:
                        foreach (var connectionId in _watchers.Keys.ToList())
                        {
                            await DropAsync(connectionId);
                        }

                        break;
                }
            }
        }

        private async Task SendAsync(ProjectEvent projectEvent)
        {
            if (_watchers.Count == 0)
            {
                return;
            }

            try
            {
                if (projectEvent.Type == ProjectEventTypes.ProjectUpdated && projectEvent.Data is ProjectView view)
                {
                    // API.md's Project carries the caller's role and the counts: one message per role among the watchers.
                    var known = await _relay._counts.GetAsync([ProjectId], CancellationToken.None);
                    // Null while PostgreSQL is away, as GET /api/projects answers then (API.md: counts null).
                    StatusCounts? counts = known is null ? null : known.GetValueOrDefault(ProjectId, StatusCounts.Zero);
                    foreach (var role in _watchers.Values.GroupBy(w => w.Role))
                    {
                        var shown = projectEvent with { Data = ProjectResponse.From(view with { Role = role.Key }, counts) };
                        await _relay._hub.Clients.Clients([.. role.Select(w => w.Connection.ConnectionId)]).SendAsync(ClientMethod, shown);
                    }

                    return;
                }

                await _relay._hub.Clients.Group(Group).SendAsync(ClientMethod, projectEvent);
            }
            catch (Exception exception)
            {
                LogSendFailed(_relay._logger, exception, projectEvent.Id, projectEvent.Type, ProjectId);
            }
        }

        private async Task DropAsync(string connectionId)
        {
            if (!_watchers.Remove(connectionId, out var watcher))
            {
                return;
            }

            await watcher.Closed.DisposeAsync();
            var watching = WatchedBy(watcher.Connection);
            lock (watching)
            {
                watching.Remove(ProjectId);
            }

            await _relay._hub.Groups.RemoveFromGroupAsync(connectionId, Group);
        }

        /// <summary>With no watcher left and none joining, the project is told and this host forgets it.</summary>
        private async Task<bool> RetireIfUnwatchedAsync()
        {
            TaskCompletionSource retired;
            lock (_relay._sync)
            {
                if (_watchers.Count > 0 || Joining > 0)
                {
                    return false;
                }

                retired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Retiring = retired.Task;
            }

            _inbox.Writer.TryComplete();
            try
            {
                await Grain.Unwatch(_relay.Reference);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogUnwatchFailed(_relay._logger, exception, ProjectId);
            }
            finally
            {
                lock (_relay._sync)
                {
                    _relay._projects.Remove(ProjectId);
                }

                retired.SetResult();
            }

            return true;
        }
    }
}
