using System.Globalization;
using System.Numerics;

namespace Cumin.Lambdas.Streams;

/// <summary>
/// DynamoDB Streams sequence numbers are decimal strings of up to 40 digits, unique in a stream and growing
/// for a given item; they compare as numbers, never as text ("9" &gt; "10" as text).
/// </summary>
public static class StreamSequenceNumber
{
    public const int MaxDigits = 40;

    public static bool TryParse(string? text, out BigInteger value)
    {
        value = default;
        if (string.IsNullOrEmpty(text) || text.Length > MaxDigits)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return BigInteger.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
