using System.Text;

namespace Cumin.Grains.Board;

/// <summary>
/// Ranks: strings that order a column in ordinal (byte) order, with a new one always to be found between any two.
/// Fractional indexing (David Greenspan's scheme, as Figma and Linear use): a rank is a variable-length integer part
/// (its head letter gives its length: <c>a</c> two characters, <c>b</c> three, …; <c>Z</c>, <c>Y</c>, … below zero)
/// followed by a base-62 fraction that never ends in <c>0</c>.
/// </summary>
/// <remarks>
/// Chosen over LexoRank's fixed-width buckets because one project grain decides every rank of its board, so the
/// buckets' purpose (rebalancing a distributed table in the background) does not arise: appending to a column, the
/// common case, only increments the integer part (keys stay 2–4 characters for 100,000 tasks), inserting between two
/// neighbours costs one write, and the rare spot crowded by repeated inserts is respread by the project (see
/// <see cref="Spread"/> and <see cref="RankLimits.Max"/>).
/// </remarks>
public static class Ranks
{
    /// <summary>Base 62, in ASCII (so ordinal) order.</summary>
    public const string Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>The rank of the only task of an empty column.</summary>
    public const string First = "a0";

    private const int Base = 62;

    /// <summary>
    /// A rank strictly between <paramref name="before"/> and <paramref name="after"/> (null: unbounded on that side),
    /// as short as the two allow.
    /// </summary>
    public static string Between(string? before, string? after)
    {
        if (before is not null && after is not null && string.CompareOrdinal(before, after) >= 0)
        {
            throw new ArgumentException($"'{before}' is not before '{after}'", nameof(before));
        }

        if (before is null)
        {
            if (after is null)
            {
                return First;
            }

            var ib = IntegerPart(after);
            var fb = after[ib.Length..];
            if (ib == SmallestInteger)
            {
                return ib + Midpoint("", fb);
            }

            if (fb.Length > 0)
            {
                return ib;
            }

            return Decrement(ib) ?? throw new InvalidOperationException("no rank is smaller than " + after);
        }

        var ia = IntegerPart(before);
        var fa = before[ia.Length..];
        if (after is null)
        {
            return Increment(ia) ?? ia + Midpoint(fa, null);
        }

        var ib2 = IntegerPart(after);
        var fb2 = after[ib2.Length..];
        if (ia == ib2)
        {
            return ia + Midpoint(fa, fb2);
        }

        var next = Increment(ia) ?? throw new InvalidOperationException("no rank is larger than " + before);
        return string.CompareOrdinal(next, after) < 0 ? next : ia + Midpoint(fa, null);
    }

    /// <summary>
    /// <paramref name="count"/> ranks in increasing order strictly between the bounds, spread evenly so that each is
    /// about as short as <paramref name="count"/> ranks in that room can be: what a crowded stretch is respread to.
    /// </summary>
    public static IReadOnlyList<string> Spread(string? before, string? after, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var ranks = new string[count];
        Fill(ranks, 0, count, before, after);
        return ranks;
    }

    /// <summary>True when <paramref name="rank"/> is one of ours: what a stored item or an index cursor may carry.</summary>
    public static bool IsValid(string? rank)
    {
        if (rank is not { Length: >= 2 } || rank.Length > RankLimits.Stored || !rank.All(c => Digits.Contains(c, StringComparison.Ordinal)))
        {
            return false;
        }

        var head = rank[0];
        if (head is not ((>= 'a' and <= 'z') or (>= 'A' and <= 'Z')))
        {
            return false;
        }

        var length = IntegerLength(head);
        return rank.Length >= length && rank != SmallestInteger && (rank.Length == length || rank[^1] != '0');
    }

    private static void Fill(string[] ranks, int start, int count, string? before, string? after)
    {
        if (count == 0)
        {
            return;
        }

        // Unbounded above (appending): consecutive integers are as short as ranks get.
        if (after is null)
        {
            var current = before;
            for (var i = 0; i < count; i++)
            {
                ranks[start + i] = current = Between(current, null);
            }

            return;
        }

        var middle = count / 2;
        var rank = Between(before, after);
        ranks[start + middle] = rank;
        Fill(ranks, start, middle, before, rank);
        Fill(ranks, start + middle + 1, count - middle - 1, rank, after);
    }

    // -- the integer part: head letter plus (length - 1) digits

    private static readonly string SmallestInteger = "A" + new string('0', 26);

    private static int IntegerLength(char head) =>
        head >= 'a' ? head - 'a' + 2 : 'Z' - head + 2;

    private static string IntegerPart(string rank)
    {
        var length = IntegerLength(rank[0]);
        return length <= rank.Length ? rank[..length] : throw new ArgumentException($"'{rank}' is not a rank", nameof(rank));
    }

    private static string? Increment(string integer)
    {
        var head = integer[0];
        var digits = integer[1..].ToCharArray();
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = Digits.IndexOf(digits[i], StringComparison.Ordinal) + 1;
            if (d < Base)
            {
                digits[i] = Digits[d];
                return head + new string(digits);
            }

            digits[i] = '0';
        }

        // Every digit carried: the integer grows a digit (or, below zero, loses one).
        if (head == 'Z')
        {
            return "a0";
        }

        if (head == 'z')
        {
            return null;
        }

        var nextHead = (char)(head + 1);
        var body = new string(digits);
        return nextHead > 'a' ? nextHead + body + "0" : nextHead + body[1..];
    }

    private static string? Decrement(string integer)
    {
        var head = integer[0];
        var digits = integer[1..].ToCharArray();
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = Digits.IndexOf(digits[i], StringComparison.Ordinal) - 1;
            if (d >= 0)
            {
                digits[i] = Digits[d];
                return head + new string(digits);
            }

            digits[i] = 'z';
        }

        if (head == 'a')
        {
            return "Z" + Digits[^1];
        }

        if (head == 'A')
        {
            return null;
        }

        var previousHead = (char)(head - 1);
        var body = new string(digits);
        return previousHead < 'Z' ? previousHead + body + "z" : previousHead + body[1..];
    }

    // -- the fraction: base-62 digits after the integer part, never ending in '0'

    /// <summary>A fraction strictly between <paramref name="a"/> and <paramref name="b"/> (null: 1), as short as possible.</summary>
    private static string Midpoint(string a, string? b)
    {
        var prefix = new StringBuilder();
        while (true)
        {
            if (b is not null)
            {
                // Drop the common prefix, reading a missing digit of a as 0.
                var n = 0;
                while (n < b.Length && (n < a.Length ? a[n] : '0') == b[n])
                {
                    n++;
                }

                if (n > 0)
                {
                    prefix.Append(b, 0, n);
                    a = n < a.Length ? a[n..] : "";
                    b = b[n..];
                }
            }

            var digitA = a.Length > 0 ? Digits.IndexOf(a[0], StringComparison.Ordinal) : 0;
            var digitB = b is { Length: > 0 } ? Digits.IndexOf(b[0], StringComparison.Ordinal) : Base;
            if (digitB - digitA > 1)
            {
                return prefix.Append(Digits[(digitA + digitB + 1) / 2]).ToString();
            }

            // Consecutive first digits: a longer b already lies between; otherwise keep a's digit and look past it.
            if (b is { Length: > 1 })
            {
                return prefix.Append(b[0]).ToString();
            }

            prefix.Append(Digits[digitA]);
            a = a.Length > 0 ? a[1..] : "";
            b = null;
        }
    }
}

/// <summary>How long a rank may grow before the project respreads the stretch of the column around it.</summary>
public static class RankLimits
{
    /// <summary>
    /// Characters. About six inserts at one spot add a character, so a spot is respread after some sixty inserts into
    /// it; appending never comes near (four characters hold 62^3 tasks in a column).
    /// </summary>
    public const int Max = 12;

    /// <summary>The longest rank a stored item or a cursor may carry (respreading can fail to find room, rarely).</summary>
    public const int Stored = 128;
}
