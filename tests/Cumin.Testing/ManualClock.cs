namespace Cumin.Testing;

/// <summary>
/// A clock the tests move, as <c>FakeTimeProvider</c> is, with one difference: a periodic timer the clock jumps past
/// fires once, as a real timer does after a machine wakes from sleep, not once for every period it skipped.
/// FakeTimeProvider replays every period; a test cluster's silos use the clock for Orleans' own timers too (a second
/// or so apart), so one jump of six days ran their callbacks hundreds of thousands of times and took seconds.
/// </summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<Timer> _timers = [];
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new Timer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>
    /// Moves the clock forward by <paramref name="delta"/> and runs, earliest first, the callback of every timer due by
    /// then, each once; a periodic timer is next due one period after the new time.
    /// </summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        DateTimeOffset now;
        lock (_gate)
        {
            _now += delta;
            now = _now;
        }

        var fired = new HashSet<Timer>();
        while (true)
        {
            Timer? next;
            lock (_gate)
            {
                // A timer fires at most once per move: one its callback re-arms within the new time waits for the next move.
                next = _timers.Where(t => t.DueAt <= now && !fired.Contains(t)).MinBy(t => t.DueAt);
                if (next is null)
                {
                    return;
                }

                fired.Add(next);
                next.DueAt = next.Period > TimeSpan.Zero ? now + next.Period : DateTimeOffset.MaxValue;
            }

            next.Fire();
        }
    }

    private sealed class Timer(ManualClock clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset DueAt { get; set; } = DateTimeOffset.MaxValue;

        public TimeSpan Period { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var now = false;
            lock (clock._gate)
            {
                Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
                now = dueTime == TimeSpan.Zero;
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? DateTimeOffset.MaxValue
                    : now ? (Period > TimeSpan.Zero ? clock._now + Period : DateTimeOffset.MaxValue)
                    : clock._now + dueTime;
                if (!clock._timers.Contains(this))
                {
                    clock._timers.Add(this);
                }
            }

            // Due at once: fired on the thread pool, as a real timer is, not inside the caller's Change.
            if (now)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static timer => timer.Fire(), this, preferLocal: false);
            }

            return true;
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (clock._gate)
            {
                clock._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
