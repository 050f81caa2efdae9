using Cumin.Live;

namespace Cumin.Api.Live;

/// <summary>
/// Puts one project's events back in the project's order on this host, whatever order Orleans delivered them in:
/// events come numbered (epoch, sequence) and are released only in sequence, each once. A gap is held until the
/// missing events arrive or a catch-up from the project fills it; a catch-up that cannot (the project no longer keeps
/// them) means this host's watchers of the project missed something and must reload. Pure logic, not thread-safe: one
/// per watched project, used by its one pump.
/// </summary>
public sealed class FeedSequencer
{
    private readonly SortedDictionary<long, ProjectEvent> _ahead = [];
    private string? _aheadEpoch;

    /// <summary>Events of the epoch being left were still missing when a later epoch's arrived.</summary>
    private bool _tailLost;

    /// <summary>The last event released (or where releasing starts); null before <see cref="Start"/>.</summary>
    public FeedPosition? Position { get; private set; }

    /// <summary>Events held behind a gap.</summary>
    public bool HasGap => _ahead.Count > 0;

    /// <summary>Where the previous activation said it stopped (<see cref="Ended"/>), while this one is not yet joined.</summary>
    public FeedPosition? EndedAt { get; private set; }

    /// <summary>Releasing starts after <paramref name="now"/> (the first watch of this host); what came early is released.</summary>
    public IReadOnlyList<ProjectEvent> Start(FeedPosition now)
    {
        ArgumentNullException.ThrowIfNull(now);
        Position = now;
        if (_aheadEpoch != now.Epoch)
        {
            _ahead.Clear();
        }

        foreach (var early in _ahead.Keys.Where(k => k <= now.Sequence).ToList())
        {
            _ahead.Remove(early);
        }

        return Drain();
    }

    /// <summary>Events as delivered: those that are next in sequence are released, later ones held.</summary>
    public IReadOnlyList<ProjectEvent> Offer(FeedEvents events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (Position is { } position && events.Epoch != position.Epoch)
        {
            // A new activation's first event, with nothing of the old one outstanding: carry on in the new epoch.
            if (events.First == 1 && _ahead.Count == 0 && (EndedAt is null || EndedAt.Sequence == position.Sequence))
            {
                Switch(events.Epoch);
            }
            else
            {
                // Held for the catch-up, which is asked for because this leaves a gap.
                _tailLost |= _aheadEpoch == position.Epoch && _ahead.Count > 0;
                Hold(events);
                return [];
            }
        }

        Hold(events);
        return Position is null ? [] : Drain();
    }

    /// <summary>
    /// The project's answer to a renewal or watch. False when this host's watchers missed events the project no longer
    /// keeps (they must reload); then releasing resumes from now. Otherwise the missed events are released in order.
    /// </summary>
    public bool CatchUp(FeedCatchUp catchUp, out IReadOnlyList<ProjectEvent> released)
    {
        ArgumentNullException.ThrowIfNull(catchUp);
        released = [];
        if (Position is not { } position)
        {
            released = Start(catchUp.Now);
            return true;
        }

        var newEpoch = catchUp.Now.Epoch != position.Epoch;
        // The old activation's last events never came: nobody can give them any more.
        var oldTailLost = newEpoch
            && (_tailLost || (_aheadEpoch == position.Epoch && _ahead.Count > 0) || (EndedAt is { } ended && ended.Sequence > position.Sequence));
        if (!catchUp.Complete || oldTailLost)
        {
            Position = catchUp.Now;
            _ahead.Clear();
            EndedAt = null;
            _tailLost = false;
            return false;
        }

        if (newEpoch)
        {
            Switch(catchUp.Now.Epoch);
        }

        if (catchUp.Missed is { } missed)
        {
            Hold(missed);
        }

        released = Drain();
        return true;
    }

    /// <summary>The project's activation said it stopped at <paramref name="last"/>.</summary>
    public void Ended(FeedPosition last)
    {
        ArgumentNullException.ThrowIfNull(last);
        if (Position is { } position && last.Epoch == position.Epoch)
        {
            EndedAt = last;
        }
    }

    private void Switch(string epoch)
    {
        if (_aheadEpoch != epoch)
        {
            _ahead.Clear();
        }

        Position = new FeedPosition(epoch, 0);
        EndedAt = null;
        _tailLost = false;
    }

    private void Hold(FeedEvents events)
    {
        if (_aheadEpoch != events.Epoch)
        {
            _ahead.Clear();
            _aheadEpoch = events.Epoch;
        }

        for (var i = 0; i < events.Events.Count; i++)
        {
            var sequence = events.First + i;
            if (Position is null || Position.Epoch != events.Epoch || sequence > Position.Sequence)
            {
                _ahead.TryAdd(sequence, events.Events[i]);
            }
        }
    }

    private List<ProjectEvent> Drain()
    {
        var released = new List<ProjectEvent>();
        if (Position is not { } position || _aheadEpoch != position.Epoch)
        {
            return released;
        }

        var next = position.Sequence + 1;
        while (_ahead.Remove(next, out var projectEvent))
        {
            released.Add(projectEvent);
            next++;
        }

        Position = position with { Sequence = next - 1 };
        return released;
    }
}
