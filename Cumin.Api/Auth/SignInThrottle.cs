using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Cumin.Api.Auth;

/// <summary>
/// Failed logins, counted per (e-mail, client) and, with a much higher ceiling, per e-mail from all clients together.
/// A client that hammers an account is stopped after a few failures without touching the owner, who signs in from
/// another address; only a crowd of clients can exhaust the per-e-mail ceiling, and then for one window.
/// </summary>
/// <remarks>
/// Each attempt takes a slot in both counters before the password is checked, and gives it back when the password was
/// right: so concurrent guesses cannot overshoot the limit (they are all counted while they run), and only failures stay
/// counted. Fixed one-minute windows; a counter is dropped once its window has passed.
/// </remarks>
public sealed class SignInThrottle(IOptions<RateLimitOptions> options, TimeProvider timeProvider)
{
    /// <summary>Counters kept at most per map (about 10 MB); past it, the ones of windows gone by are swept out first.</summary>
    internal const int Capacity = 100_000;

    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly RateLimitOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, Counter> _perPair = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Counter> _perEmail = new(StringComparer.Ordinal);

    /// <summary>
    /// Takes a slot for one attempt at <paramref name="normalizedEmail"/> from <paramref name="clientKey"/>; false with
    /// the wait until the window ends when either counter is full.
    /// </summary>
    public bool TryBegin(string normalizedEmail, string clientKey, out Attempt attempt, out TimeSpan retryAfter)
    {
        var now = timeProvider.GetUtcNow();
        var pair = Take(_perPair, $"{clientKey}\n{normalizedEmail}", now);
        var email = Take(_perEmail, normalizedEmail, now);
        lock (pair)
        {
            lock (email)
            {
                pair.Roll(now);
                email.Roll(now);
                if (pair.Count < _options.LoginFailuresPerEmailAndClientPerMinute && email.Count < _options.LoginFailuresPerEmailPerMinute)
                {
                    pair.Count++;
                    email.Count++;
                    attempt = new Attempt(pair, email, pair.Start, email.Start);
                    retryAfter = TimeSpan.Zero;
                    return true;
                }

                var full = pair.Count >= _options.LoginFailuresPerEmailAndClientPerMinute ? pair : email;
                retryAfter = full.Start + Window - now;
                attempt = default;
                return false;
            }
        }
    }

    /// <summary>The password was right: the attempt is not a failure.</summary>
    public static void Succeeded(Attempt attempt)
    {
        Release(attempt.Pair, attempt.PairWindow);
        Release(attempt.Email, attempt.EmailWindow);
    }

    private static void Release(Counter? counter, DateTimeOffset window)
    {
        if (counter is null)
        {
            return;
        }

        lock (counter)
        {
            // A slot of a window gone by was dropped with it.
            if (counter.Start == window && counter.Count > 0)
            {
                counter.Count--;
            }
        }
    }

    private static Counter Take(ConcurrentDictionary<string, Counter> counters, string key, DateTimeOffset now)
    {
        if (counters.TryGetValue(key, out var counter))
        {
            return counter;
        }

        if (counters.Count >= Capacity)
        {
            Sweep(counters, now);
        }

        return counters.GetOrAdd(key, _ => new Counter { Start = now });
    }

    private static void Sweep(ConcurrentDictionary<string, Counter> counters, DateTimeOffset now)
    {
        foreach (var (key, counter) in counters)
        {
            if (counter.Start + Window <= now)
            {
                counters.TryRemove(new KeyValuePair<string, Counter>(key, counter));
            }
        }

        // Still full of live counters: a flood of distinct addresses far beyond the per-client limit. Starting again
        // keeps memory bounded; it forgets one window's failures, never more.
        if (counters.Count >= Capacity)
        {
            counters.Clear();
        }
    }

    /// <summary>One attempt's slots, handed back by <see cref="Succeeded"/>.</summary>
    public readonly record struct Attempt(Counter? Pair, Counter? Email, DateTimeOffset PairWindow, DateTimeOffset EmailWindow);

    /// <summary>A fixed window's count; guarded by locking the instance.</summary>
    public sealed class Counter
    {
        public DateTimeOffset Start { get; set; }

        public int Count { get; set; }

        public void Roll(DateTimeOffset now)
        {
            if (Start + Window <= now)
            {
                Start = now;
                Count = 0;
            }
        }
    }
}
