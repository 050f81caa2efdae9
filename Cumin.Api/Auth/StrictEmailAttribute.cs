using System.ComponentModel.DataAnnotations;
using System.Net.Mail;

namespace Cumin.Api.Auth;

/// <summary>
/// An e-mail address as people mean it: <c>local@domain.tld</c>, no display name, no spaces. Stricter than
/// <see cref="EmailAddressAttribute"/>, which accepts anything with an @ in the middle.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class StrictEmailAttribute() : ValidationAttribute("The {0} field is not a valid e-mail address.")
{
    public override bool IsValid(object? value)
    {
        if (value is not string text)
        {
            return value is null;
        }

        if (text.Length is 0 or > 254 || text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return false;
        }

        return MailAddress.TryCreate(text, out var address)
            && address.Address == text
            && address.DisplayName.Length == 0
            && address.Host.Contains('.', StringComparison.Ordinal)
            && !address.Host.StartsWith('.')
            && !address.Host.EndsWith('.');
    }
}
