using Cumin.Live;
using Cumin.Projects;
using Cumin.Tasks;
using Microsoft.Extensions.Logging;

namespace Cumin.Grains.Projects;

/// <summary>
/// The context (roles, labels) task grains answer reads from: handed to each task that asks, and told again to every
/// one of them whenever it changes, before that change is acknowledged.
/// </summary>
public sealed partial class ProjectGrain
{
    public Task<ProjectRole?> GetRole(string userId) => Task.FromResult(RoleOrNull(userId));

    public async Task<ProjectContext?> GetContext(string callerId)
    {
        if (RoleOrNull(callerId) is null)
        {
            return null;
        }

        return await ContextAsync();
    }

    public async Task<ProjectContext?> WatchContext(string taskId, string callerId)
    {
        if (RoleOrNull(callerId) is null)
        {
            return null;
        }

        var context = await ContextAsync();
        // The membership may have changed while the labels were read: answer from, and register against, the current one.
        if (context.RoleOf(callerId) is null || _deleting)
        {
            return null;
        }

        _watchers.Add(taskId);
        return context;
    }

    public Task UnwatchContext(string taskId)
    {
        _watchers.Remove(taskId);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The next activation of this project will not know which task grains hold the context, so they must forget it
    /// now. Should this activation end without running this (its silo crashed), a task grain still asks again after
    /// <see cref="Tasks.TaskGrain.MembershipLease"/>, which is shorter than the time Orleans takes to declare a silo dead
    /// and let the project activate elsewhere.
    /// </summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Not while the silo shuts down: its own task grains are going too, and the last silo can place none to tell
        // them (each call would fail); task grains on other silos let their lease run out, as after a crash.
        if (reason.ReasonCode != DeactivationReasonCode.ShuttingDown)
        {
            // Waited for no longer than a task grain's lease: one not told by then has let its lease run out and asks the
            // next activation anyway. Longer only holds up every request queued behind this deactivation: a task grain on
            // a silo that is stopping takes no message until its silo has stopped (a rolling restart saw 30 s of 503s).
            try
            {
                await TellWatchers(null).WaitAsync(Tasks.TaskGrain.MembershipLease, timeProvider, CancellationToken.None);
            }
            catch (TimeoutException)
            {
                LogWatchersNotAllTold(logger, Id, _watchers.Count);
            }
        }

        _watchers.Clear();
        // The hosts subscribe again at once, to the next activation, and catch up from it.
        _feed?.End();
    }

    /// <summary>The context as it is now; reads the labels first if this activation has not yet.</summary>
    private async Task<ProjectContext> ContextAsync()
    {
        if (_context is { } known)
        {
            return known;
        }

        await Labels.LoadAsync();
        return _context ??= ContextNow();
    }

    /// <summary>
    /// A new context (members or labels changed): every watching task grain is told, in parallel, before the change that
    /// caused it is acknowledged. The change is already stored, so a task grain that cannot be told is logged, not
    /// retried: it asks again within <see cref="Tasks.TaskGrain.MembershipLease"/> anyway.
    /// </summary>
    private async Task ContextChangedAsync()
    {
        _context = null;
        if (_watchers.Count > 0 || _board is not null)
        {
            await TellWatchers(await ContextAsync());
        }
    }

    private async Task TellWatchers(ProjectContext? context)
    {
        if (context is null)
        {
            _context = null;
        }

        if (_watchers.Count == 0)
        {
            return;
        }

        await Parallel.ForEachAsync(_watchers.ToList(), FanOut, async (taskId, _) =>
        {
            try
            {
                await TaskGrain(taskId).ContextChanged(context);
            }
            catch (Exception exception)
            {
                LogWatcherNotTold(logger, exception, Id, taskId);
            }
        });
    }

    private ProjectContext ContextNow() => new(
        state.State.Members.ToDictionary(m => m.UserId, m => m.Role, StringComparer.Ordinal),
        Labels.State.Labels.Select(l => l.Id).ToHashSet(StringComparer.Ordinal));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Project {ProjectId} deactivated before all its {Watchers} task grains were told; the rest ask again once their lease is out")]
    private static partial void LogWatchersNotAllTold(ILogger logger, string projectId, int watchers);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Project {ProjectId} could not tell task {TaskId} that its context changed")]
    private static partial void LogWatcherNotTold(ILogger logger, Exception exception, string projectId, string taskId);
}
