using System.ComponentModel.DataAnnotations;
using Cumin.Users;

namespace Cumin.Api.Auth;

/// <summary>
/// An e-mail address as people mean it (<see cref="EmailAddresses.TryNormalize"/>): <c>local@domain.tld</c>, no display
/// name, no spaces, control or formatting characters. Stricter than <see cref="EmailAddressAttribute"/>, which accepts
/// anything with an @ in the middle.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class StrictEmailAttribute() : ValidationAttribute("The {0} field is not a valid e-mail address.")
{
    public override bool IsValid(object? value) => value is null || (value is string text && EmailAddresses.TryNormalize(text, out _, out _));
}
