using System.Text;
using Microsoft.Extensions.Options;
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
}

/// <summary>
/// Fails start-up (<c>ValidateOnStart</c>) rather than run with a missing, short or publicly known key where it matters:
/// anywhere but Development and the tests' Testing environment, no key that appears in the repository is accepted.
/// </summary>
public sealed class AuthOptionsValidator(IHostEnvironment environment) : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (Encoding.UTF8.GetByteCount(options.SigningKey) < 32)
        {
            failures.Add($"{AuthOptions.Section}:SigningKey must be set to at least 32 bytes.");
        }

        if (!environment.IsDevelopment() && !environment.IsEnvironment("Testing") && PublishedSigningKeys.Contains(options.SigningKey))
        {
            failures.Add($"{AuthOptions.Section}:SigningKey is a key published in Cumin's repository; configure a secret key for the {environment.EnvironmentName} environment.");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
