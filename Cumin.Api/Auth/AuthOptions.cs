using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Cumin.Api.Auth;

/// <summary>Configuration section <c>Cumin:Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string Section = "Cumin:Auth";

    /// <summary>The key shipped in appsettings.Development.json; refused outside Development.</summary>
    public const string DevelopmentKey = "cumin-development-signing-key-not-for-production-use-0123456789";

    /// <summary>HS256 signing key, at least 32 bytes (a long random string; in AWS from Secrets Manager via the environment).</summary>
    public string SigningKey { get; set; } = "";

    public string Issuer { get; set; } = "cumin";

    public string Audience { get; set; } = "cumin-api";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Reported to clients as refreshExpiresIn; the user grains enforce it (Cumin:RefreshTokens:RefreshTokenLifetime).</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(7);

    public SymmetricSecurityKey SecurityKey() => new(Encoding.UTF8.GetBytes(SigningKey));

    /// <summary>Fails start-up rather than run with a missing, short or publicly known key where it matters.</summary>
    public void Validate(IHostEnvironment environment)
    {
        if (Encoding.UTF8.GetByteCount(SigningKey) < 32)
        {
            throw new InvalidOperationException($"{Section}:SigningKey must be set to at least 32 bytes.");
        }

        if (!environment.IsDevelopment() && !environment.IsEnvironment("Testing") && SigningKey == DevelopmentKey)
        {
            throw new InvalidOperationException(
                $"{Section}:SigningKey is the development key; configure a secret key for the {environment.EnvironmentName} environment.");
        }
    }
}
