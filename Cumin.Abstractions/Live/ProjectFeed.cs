using Cumin.Projects;

namespace Cumin.Live;

/// <summary>
/// Where a project's feed stands: events are numbered 1, 2, 3… within one activation of the project grain
/// (<see cref="Epoch"/>, new at every activation), in the order the project applied them.
/// </summary>
[GenerateSerializer, Immutable, Alias("cumin.feed-position")]
public sealed record FeedPosition(
    [property: Id(0)] string Epoch,
    [property: Id(1)] long Sequence);

/// <summary>Consecutive events of one epoch: the first is numbered <see cref="First"/>.</summary>
[GenerateSerializer, Immutable, Alias("cumin.feed-events")]
public sealed record FeedEvents(
    [property: Id(0)] string ProjectId,
    [property: Id(1)] string Epoch,
    [property: Id(2)] long First,
    [property: Id(3)] IReadOnlyList<ProjectEvent> Events);

/// <summary>
/// The feed as it stands (<see cref="Now"/>), and the events a host has not seen since the position it named (null
/// when it named none or has seen them all). <see cref="Complete"/> is false when some of those are no longer kept: the
/// host's watchers must reload.
/// </summary>
[GenerateSerializer, Immutable, Alias("cumin.feed-catch-up")]
public sealed record FeedCatchUp(
    [property: Id(0)] FeedPosition Now,
    [property: Id(1)] FeedEvents? Missed,
    [property: Id(2)] bool Complete);

/// <summary>A connection's watch, allowed: the caller's role (for <c>project.updated</c>'s <c>role</c>) and the feed.</summary>
[GenerateSerializer, Immutable, Alias("cumin.watch-answer")]
public sealed record WatchAnswer(
    [property: Id(0)] ProjectRole Role,
    [property: Id(1)] FeedCatchUp Feed);

/// <summary>
/// An API host that has watchers of projects: one observer per host, subscribed with each project its connections
/// watch, renewed before the project forgets it (<see cref="FeedLimits.ObserverLifetime"/>), so a host that died stops
/// being called without telling anyone. The host sends each event once to its SignalR group of that project.
/// </summary>
[Alias("cumin.IProjectFeedObserver")]
public interface IProjectFeedObserver : IGrainObserver
{
    /// <summary>One-way: a project never waits on an API host.</summary>
    [Alias("events"), OneWay]
    Task OnEvents(FeedEvents events);

    /// <summary>
    /// This activation of the project ends after the event numbered <paramref name="last"/>'s sequence (its silo stops,
    /// or it is idle): the host subscribes again at once, which activates the project elsewhere.
    /// </summary>
    [Alias("ended"), OneWay]
    Task OnEnded(string projectId, FeedPosition last);
}

/// <summary>The live half of a project grain (<see cref="IProjectGrain"/> includes it).</summary>
[Alias("cumin.IProjectFeed")]
public interface IProjectFeed : IGrainWithStringKey
{
    /// <summary>
    /// A connection of <paramref name="callerId"/> on <paramref name="host"/> starts watching: null (and nothing kept)
    /// when the caller is not a member; otherwise the host is subscribed (or renewed) and told what it missed since
    /// <paramref name="known"/>. Costs no storage write.
    /// </summary>
    [Alias("watch"), AlwaysInterleave]
    Task<WatchAnswer?> Watch(string callerId, IProjectFeedObserver host, FeedPosition? known);

    /// <summary>Renews <paramref name="host"/>'s subscription and tells it what it missed; null when the project is gone.</summary>
    [Alias("renew"), AlwaysInterleave]
    Task<FeedCatchUp?> Renew(IProjectFeedObserver host, FeedPosition? known);

    /// <summary>
    /// The host has no watchers of this project any more. Awaited, not one-way: a watch the host makes afterwards must
    /// not be overtaken by it.
    /// </summary>
    [Alias("unwatch"), AlwaysInterleave]
    Task Unwatch(IProjectFeedObserver host);
}

public static class FeedLimits
{
    /// <summary>API.md: one hub connection watches at most this many projects.</summary>
    public const int ProjectsPerConnection = 50;

    /// <summary>
    /// How long a project keeps a host that has not renewed. Hosts renew every third of it, which also restores a
    /// subscription lost with an activation that ended without telling (its silo crashed).
    /// </summary>
    public static readonly TimeSpan ObserverLifetime = TimeSpan.FromSeconds(60);

    /// <summary>Events a project keeps to answer a host that missed some (a lost message, a new activation).</summary>
    public const int Kept = 256;
}
