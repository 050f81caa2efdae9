using Cumin.Users;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cumin.Api.Auth;

/// <summary>Issues the 15-minute access JWT and states how it is checked; both sides share one definition.</summary>
public sealed class AccessTokens(IOptions<AuthOptions> options, TimeProvider timeProvider)
{
    /// <summary>The JWT <c>typ</c> of access tokens (RFC 9068), so no other kind of JWT passes as one.</summary>
    public const string TokenType = "at+jwt";

    private readonly JsonWebTokenHandler _handler = new();
    private readonly AuthOptions _options = options.Value;

    /// <summary>An access token of <paramref name="user"/>'s session <paramref name="sessionId"/> (its refresh-token family, the <c>sid</c> claim).</summary>
    public (string Token, TimeSpan Lifetime) Issue(UserProfile user, string sessionId)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        return (_handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + _options.AccessTokenLifetime,
            TokenType = TokenType,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = user.Id,
                ["name"] = user.Name,
                ["email"] = user.Email,
                ["jti"] = Guid.NewGuid().ToString("N"),
                ["sid"] = sessionId,
            },
            SigningCredentials = new SigningCredentials(_options.SecurityKey(), SecurityAlgorithms.HmacSha256),
        }), _options.AccessTokenLifetime);
    }

    public static TokenValidationParameters ValidationParameters(AuthOptions options) => new()
    {
        ValidIssuer = options.Issuer,
        ValidAudience = options.Audience,
        IssuerSigningKey = options.SecurityKey(),
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ValidTypes = [TokenType],
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateIssuerSigningKey = true,
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = "name",
    };
}
