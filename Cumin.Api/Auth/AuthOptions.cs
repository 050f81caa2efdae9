using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Cumin.Api.Auth;

/// <summary>Configuration section <c>Cumin:Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string Section = "Cumin:Auth";

    /// <summary>HS256 signing key, at least 32 bytes (a long random string; in AWS from Secrets Manager via the environment).</summary>
    public string SigningKey { get; set; } = "";

    public string Issuer { get; set; } = "cumin";

    public string Audience { get; set; } = "cumin-api";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public SymmetricSecurityKey SecurityKey() => new(Encoding.UTF8.GetBytes(SigningKey));

    /// <summary>
    /// Fails start-up rather than run with a missing, short or publicly known key where it matters: anywhere but
    /// Development and the tests' Testing environment, no key that appears in the repository is accepted.
    /// </summary>
    public void Validate(IHostEnvironment environment)
    {
        if (Encoding.UTF8.GetByteCount(SigningKey) < 32)
        {
            throw new InvalidOperationException($"{Section}:SigningKey must be set to at least 32 bytes.");
        }

        if (!environment.IsDevelopment() && !environment.IsEnvironment("Testing") && PublishedSigningKeys.Contains(SigningKey))
        {
            throw new InvalidOperationException(
                $"{Section}:SigningKey is a key published in Cumin's repository; configure a secret key for the {environment.EnvironmentName} environment.");
        }
    }
}
