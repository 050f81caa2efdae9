using Cumin.Projects;

namespace Cumin.Grains.Tasks;

/// <summary>The project's context (roles, labels) reads are answered from, remembered for <see cref="MembershipLease"/>.</summary>
public sealed partial class TaskGrain
{
    /// <summary>The context to answer <paramref name="callerId"/> from: the one remembered while its lease holds, else the project's.</summary>
    private async Task<ProjectContext?> ContextFor(string callerId) =>
        _context is { } known && timeProvider.GetUtcNow() - _contextAskedAt < MembershipLease
            ? known
            : await AskContext(callerId);

    private async Task<ProjectContext?> AskContext(string callerId)
    {
        var news = _contextNews;
        var context = await Project.WatchContext(TaskId, callerId);
        // The project keeps telling this grain only when it answered (the caller is a member). A change told while the
        // answer was on its way is newer than the answer; so is the order to forget.
        if (context is not null && news == _contextNews)
        {
            Remember(context);
        }

        return context;
    }

    private void Remember(ProjectContext? context)
    {
        _context = context;
        _contextAskedAt = timeProvider.GetUtcNow();
    }

    /// <summary>There is no such task: nothing is kept for the caller, not even this activation.</summary>
    private Reply<T> Missing<T>()
    {
        DeactivateOnIdle();
        return NotFound<T>();
    }

    private static Reply<T> NotFound<T>() => Reply<T>.Fail(Outcome.NotFound, "task not found");
}
