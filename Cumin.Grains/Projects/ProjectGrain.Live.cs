using System.Diagnostics;
using Cumin.Grains.Live;
using Cumin.Grains.Notifications;
using Cumin.Live;
using Cumin.Notifications;
using Cumin.Projects;
using Cumin.ServiceDefaults;
using Cumin.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace Cumin.Grains.Projects;

/// <summary>
/// The live board: the project applies every change in order (it is one grain), so it numbers each as it applies it and
/// hands it to the API hosts that watch (<see cref="ProjectFeedLog"/>), once per host. A host subscribes when its first
/// connection watches and renews while any does; membership is checked at every watch, and a removal is itself an event,
/// which each host acts on in order (the removed member's connections get it, then nothing more).
/// The counts come from the aggregator, on the implicit stream <c>project-counts/{projectId}</c> (SQS), and go out as
/// <c>counts.updated</c>.
/// </summary>
[ImplicitStreamSubscription(NotificationStreams.ProjectCountsNamespace)]
public sealed partial class ProjectGrain
{
    private ProjectFeedLog? _feed;

    /// <summary>The newest counts version this activation has published: older ones, arriving late, are dropped.</summary>
    private long _countsVersion = long.MinValue;

    private ProjectFeedLog Feed => _feed ??= new ProjectFeedLog(Id, timeProvider, logger);

    public Task<WatchAnswer?> Watch(string callerId, IProjectFeedObserver host, FeedPosition? known) =>
        Task.FromResult(RoleOrNull(callerId) is { } role ? new WatchAnswer(role, Feed.Subscribe(host, known)) : null);

    public Task<FeedCatchUp?> Renew(IProjectFeedObserver host, FeedPosition? known)
    {
        if (!state.RecordExists)
        {
            // Gone (deleted, or never existed): the host ends its watches; nothing is kept for it.
            LeaveSoon();

            return Task.FromResult<FeedCatchUp?>(null);
        }

        return Task.FromResult<FeedCatchUp?>(Feed.Subscribe(host, known));
    }

    public Task Unwatch(IProjectFeedObserver host)
    {
        _feed?.Unsubscribe(host);
        return Task.CompletedTask;
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken) =>
        ServiceProvider.SubscribeToNotificationsAsync<ProjectCountsMessage>(NotificationStreams.ProjectCountsNamespace, Id, OnCountsAsync);

    /// <summary>
    /// The aggregator has stored new counts: watchers get them, in the feed's order, unless newer ones went out already.
    /// Nothing is stored, so a message delivered twice or late costs one comparison.
    /// </summary>
    private Task OnCountsAsync(ProjectCountsMessage message, StreamSequenceToken? token)
    {
        if (!state.RecordExists)
        {
            // Counts of a deleted project, still in flight: nobody watches it, and nothing needs this activation.
            LeaveSoon();

            return Task.CompletedTask;
        }

        if (message.Version <= _countsVersion)
        {
            return Task.CompletedTask;
        }

        _countsVersion = message.Version;
        using var span = CuminTelemetry.StartLinked("counts.updated", ActivityKind.Consumer, message.TraceParent);
        Publish(ProjectEventTypes.CountsUpdated, null, new ProjectCounts(message.Todo, message.InProgress, message.Done));
        return Task.CompletedTask;
    }

    /// <summary>A change this project has just applied, for its watchers.</summary>
    private void Publish(string type, string? actorId, object data) =>
        Feed.Publish(new ProjectEvent(_ids.Next(), Id, type, timeProvider.GetUtcNow(), actorId, data));

    /// <summary>A task write, as readers see it (without what the project no longer has, at the rank the board holds).</summary>
    private void PublishTask(string taskId, TaskItem? task, TaskNews news)
    {
        object data;
        if (news.Comment is { } comment)
        {
            data = news.Type == ProjectEventTypes.CommentDeleted ? new CommentDeleted(comment.TaskId, comment.Id) : comment;
        }
        else if (task is null)
        {
            data = new TaskDeleted(taskId);
        }
        else
        {
            var shown = _context?.Mask(task) ?? task;
            data = _board?.Find(taskId) is { } held && held.Rank != shown.Rank ? shown with { Rank = held.Rank } : shown;
        }

        Publish(news.Type, news.ActorId, data);
    }
}
