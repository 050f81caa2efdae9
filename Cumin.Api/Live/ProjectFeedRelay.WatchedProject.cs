using System.Threading.Channels;
using Cumin.Live;
using Cumin.Primitives;
using Cumin.Projects;
using Microsoft.AspNetCore.SignalR;

namespace Cumin.Api.Live;

public sealed partial class ProjectFeedRelay
{
    private abstract record Work;

    private sealed record Admit(HubCallerContext Connection, WatchAnswer Answer, TaskCompletionSource<bool> Admitted) : Work;

    private sealed record Joined : Work;

    private sealed record Leave(string ConnectionId) : Work;

    private sealed record Arrived(FeedEvents Events) : Work;

    private sealed record Ended(FeedPosition Last) : Work;

    private sealed record Renew : Work;

    private sealed record CheckGap(FeedPosition? Position) : Work;

    private sealed record Watcher(HubCallerContext Connection, string UserId, ProjectRole Role, CancellationTokenRegistration Closed);

    /// <summary>
    /// One watched project on this host: its watchers, its sequencer and the pump that serializes all of it. What the pump
    /// does with the project's events (catching up, releasing them in order, sending them) is in ProjectFeedRelay.Events.cs.
    /// </summary>
    private sealed partial class WatchedProject
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
