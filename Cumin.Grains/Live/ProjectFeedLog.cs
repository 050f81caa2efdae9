using Cumin.Live;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace Cumin.Grains.Live;

/// <summary>
/// One activation's feed of a project's events: numbered in the order the project applied them, the last
/// <see cref="FeedLimits.Kept"/> kept to answer a host that missed some, and sent once to every API host subscribed
/// (one host stands for all its watchers of the project). Hosts not renewed within <see cref="FeedLimits.ObserverLifetime"/>
/// are forgotten. Memory only: watching costs no storage write, and a new activation starts a new epoch.
/// Not thread-safe: it lives inside one grain activation.
/// </summary>
internal sealed class ProjectFeedLog
{
    private readonly string _projectId;
    private readonly ObserverManager<IProjectFeedObserver> _hosts;
    private readonly ProjectEvent[] _kept = new ProjectEvent[FeedLimits.Kept];

    public ProjectFeedLog(string projectId, TimeProvider timeProvider, ILogger logger)
    {
        _projectId = projectId;
        _hosts = new(FeedLimits.ObserverLifetime, logger) { GetDateTime = () => timeProvider.GetUtcNow().UtcDateTime };
    }

    /// <summary>Random, so a host tells this activation's numbers from any other's.</summary>
    public string Epoch { get; } = Guid.NewGuid().ToString("N");

    public long Sequence { get; private set; }

    public FeedPosition Position => new(Epoch, Sequence);

    public int Hosts => _hosts.Count;

    public void Publish(ProjectEvent projectEvent)
    {
        Sequence++;
        _kept[Sequence % FeedLimits.Kept] = projectEvent;
        if (_hosts.Count > 0)
        {
            var events = new FeedEvents(_projectId, Epoch, Sequence, [projectEvent]);
            // One-way: a host that is slow or gone never holds up the project.
            _hosts.Notify(host => host.OnEvents(events).Ignore());
        }
    }

    /// <summary>Subscribes or renews <paramref name="host"/>, and tells it what it missed since <paramref name="known"/>.</summary>
    public FeedCatchUp Subscribe(IProjectFeedObserver host, FeedPosition? known)
    {
        _hosts.Subscribe(host, host);
        return CatchUp(known);
    }

    public void Unsubscribe(IProjectFeedObserver host) => _hosts.Unsubscribe(host);

    /// <summary>
    /// The events after <paramref name="known"/>: in this epoch, those numbered after it; from another (an earlier
    /// activation), all of this one's. Incomplete when the first of them is no longer kept.
    /// </summary>
    public FeedCatchUp CatchUp(FeedPosition? known)
    {
        if (known is null)
        {
            return new FeedCatchUp(Position, null, true);
        }

        var from = known.Epoch == Epoch ? known.Sequence + 1 : 1;
        if (from > Sequence)
        {
            return new FeedCatchUp(Position, null, true);
        }

        var start = Math.Max(from, Sequence - FeedLimits.Kept + 1);
        var events = new ProjectEvent[Sequence - start + 1];
        for (var i = 0; i < events.Length; i++)
        {
            events[i] = _kept[(start + i) % FeedLimits.Kept];
        }

        return new FeedCatchUp(Position, new FeedEvents(_projectId, Epoch, start, events), start == from);
    }

    /// <summary>This activation ends: every host is told where the feed stopped, and forgotten.</summary>
    public void End()
    {
        var last = Position;
        _hosts.Notify(host => host.OnEnded(_projectId, last).Ignore());
        _hosts.Clear();
    }
}
