using Cumin.Api.Projects;
using Cumin.Live;
using Cumin.Primitives;
using Cumin.Projects;
using Microsoft.AspNetCore.SignalR;

namespace Cumin.Api.Live;

public sealed partial class ProjectFeedRelay
{
    /// <summary>A watched project's events: renewed and caught up from the project, released in its order, sent to its watchers.</summary>
    private sealed partial class WatchedProject
    {
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
    }
}
