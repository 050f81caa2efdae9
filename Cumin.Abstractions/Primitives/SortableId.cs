using System.Security.Cryptography;

namespace Cumin.Primitives;

/// <summary>
/// Time-ordered, unique, opaque ids (ULID layout: 48-bit milliseconds then 80 random bits, Crockford base32,
/// 26 characters). Ids made by one generator are strictly increasing, so a DynamoDB sort key made of them
/// lists items oldest first.
/// </summary>
public sealed class SortableId(TimeProvider timeProvider)
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private readonly Lock _lock = new();
    private long _lastMilliseconds = -1;
    private UInt128 _lastRandom;

    public static SortableId Shared { get; } = new(TimeProvider.System);

    public string Next()
    {
        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        UInt128 random;
        long milliseconds;
        lock (_lock)
        {
            if (now <= _lastMilliseconds)
            {
                // Same (or earlier) millisecond: increment, as the ULID monotonic rule does.
                milliseconds = _lastMilliseconds;
                random = _lastRandom + 1;
                if (random >> 80 != 0)
                {
                    milliseconds++;
                    random = NextRandom();
                }
            }
            else
            {
                milliseconds = now;
                random = NextRandom();
            }

            _lastMilliseconds = milliseconds;
            _lastRandom = random;
        }

        return Encode(milliseconds, random);
    }

    /// <summary>True when <paramref name="id"/> could be an id of ours (or any URL-safe key of 1–64 characters).</summary>
    public static bool IsWellFormed(string? id) =>
        id is { Length: > 0 and <= 64 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static UInt128 NextRandom()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        // Leave headroom below 2^80 so increments within one millisecond rarely overflow.
        return new UInt128(BitConverter.ToUInt64(bytes[..8]) & 0x7FFF, BitConverter.ToUInt64(bytes[8..]));
    }

    private static string Encode(long milliseconds, UInt128 random)
    {
        Span<char> chars = stackalloc char[26];
        var value = ((UInt128)(ulong)milliseconds << 80) | random;
        for (var i = 25; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }

        return new string(chars);
    }
}
