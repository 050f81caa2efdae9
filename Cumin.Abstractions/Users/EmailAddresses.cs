using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net.Mail;
using System.Text;

namespace Cumin.Users;

/// <summary>
/// What makes two e-mail addresses one account, in one place: the API's validation, the e-mail grain's key and its
/// own check all go through <see cref="TryNormalize"/>.
/// </summary>
public static class EmailAddresses
{
    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true };

    /// <summary>
    /// Fails when the process has no Unicode data (globalization-invariant mode normalises ASCII only), rather than let
    /// one address register twice. The API and the silo call it as they start.
    /// </summary>
    public static void EnsureUnicodeData()
    {
        if ("e\u0301".Normalize(NormalizationForm.FormC) != "\u00e9")
        {
            throw new InvalidOperationException(
                "Unicode normalisation is unavailable (InvariantGlobalization or no ICU): e-mail addresses cannot be compared.");
        }
    }

    /// <summary>
    /// The address as it is shown (<paramref name="display"/>: trimmed, Unicode NFC, so <c>josé</c> typed composed or
    /// decomposed is the same text) and as it is unique (<paramref name="key"/>: that, lower-cased, with the domain in
    /// its ASCII (IDNA) form, so <c>bücher.example</c> and <c>xn--bcher-kva.example</c> are one domain). False for what
    /// cannot be an address: no single <c>local@domain.tld</c>, a display name, whitespace, control or formatting
    /// characters (bidirectional overrides, zero-width joiners), unassigned or private-use code points, a lone
    /// surrogate, or a domain IDNA refuses.
    /// </summary>
    public static bool TryNormalize(string? input, [NotNullWhen(true)] out string? display, [NotNullWhen(true)] out string? key)
    {
        display = key = null;
        if (input is null)
        {
            return false;
        }

        EnsureUnicodeData();
        if (!IsWellFormed(input))
        {
            return false;
        }

        var text = input.Trim().Normalize(NormalizationForm.FormC);

        if (text.Length is 0 or > UserLimits.EmailMax || !text.EnumerateRunes().All(IsAllowed))
        {
            return false;
        }

        var at = text.LastIndexOf('@');
        if (at <= 0 || at == text.Length - 1 || !MailAddress.TryCreate(text, out var parsed)
            || parsed.Address != text || parsed.DisplayName.Length != 0)
        {
            return false;
        }

        string domain;
        try
        {
            domain = Idn.GetAscii(text[(at + 1)..]).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return false;
        }

        if (!domain.Contains('.', StringComparison.Ordinal) || domain.StartsWith('.') || domain.EndsWith('.'))
        {
            return false;
        }

        display = text;
        key = text[..at].ToLowerInvariant().Normalize(NormalizationForm.FormC) + "@" + domain;
        return key.Length <= UserLimits.EmailMax;
    }

    /// <summary>No lone surrogate (EnumerateRunes would quietly read one as U+FFFD).</summary>
    private static bool IsWellFormed(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(text, out _, out var used) != System.Buffers.OperationStatus.Done)
            {
                return false;
            }

            text = text[used..];
        }

        return true;
    }

    private static bool IsAllowed(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse
            or UnicodeCategory.Surrogate or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator => false,
        _ => true,
    };
}
