using System.Security.Claims;
using System.Text;
using Cumin.Api.Auth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cumin.Api.Tests;

/// <summary>The bearer scheme's handler remembers valid tokens; remembering must never change an answer.</summary>
public sealed class CachingTokenHandlerTests
{
    private static readonly SymmetricSecurityKey Key = new(Encoding.UTF8.GetBytes("caching-handler-tests-key-0123456789-abcdef"));

    private static readonly TokenValidationParameters Parameters = new()
    {
        ValidIssuer = "cumin",
        ValidAudience = "cumin-api",
        IssuerSigningKey = Key,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        RequireExpirationTime = true,
        ClockSkew = TimeSpan.Zero,
    };

    [Fact]
    public async Task A_remembered_token_gives_every_request_its_own_claims()
    {
        var handler = new CachingTokenHandler();
        var token = Token("user-1", DateTime.UtcNow.AddMinutes(15));

        var first = await handler.ValidateTokenAsync(token, Parameters);
        first.ClaimsIdentity.AddClaim(new Claim("added", "by the first request"));
        var second = await handler.ValidateTokenAsync(token, Parameters);

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Equal(1, handler.Count);
        Assert.Equal("user-1", second.ClaimsIdentity.FindFirst("sub")?.Value);
        Assert.Null(second.ClaimsIdentity.FindFirst("added"));
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
    }

    [Fact]
    public async Task A_refused_token_is_never_remembered()
    {
        var handler = new CachingTokenHandler();
        var forged = Token("user-1", DateTime.UtcNow.AddMinutes(15), new SymmetricSecurityKey(Encoding.UTF8.GetBytes("another-key-that-is-long-enough-0123456789")));

        Assert.False((await handler.ValidateTokenAsync(forged, Parameters)).IsValid);
        Assert.False((await handler.ValidateTokenAsync(forged, Parameters)).IsValid);
        Assert.Equal(0, handler.Count);
    }

    [Fact]
    public async Task A_remembered_token_is_refused_once_it_expires()
    {
        var handler = new CachingTokenHandler();
        var expires = DateTime.UtcNow.AddSeconds(2);
        var token = Token("user-1", expires);
        Assert.True((await handler.ValidateTokenAsync(token, Parameters)).IsValid);

        // exp has whole seconds: wait until the clock is past the second the token names.
        var exp = new JsonWebToken(token).ValidTo;
        while (DateTime.UtcNow <= exp.AddMilliseconds(50))
        {
            await Task.Delay(100);
        }

        var late = await handler.ValidateTokenAsync(token, Parameters);
        Assert.False(late.IsValid);
        Assert.IsType<SecurityTokenExpiredException>(late.Exception);
        Assert.Equal(0, handler.Count);
    }

    [Fact]
    public async Task It_never_holds_more_tokens_than_its_capacity()
    {
        var handler = new CachingTokenHandler(capacity: 3);
        var tokens = Enumerable.Range(0, 10).Select(i => Token($"user-{i}", DateTime.UtcNow.AddMinutes(15))).ToList();

        foreach (var token in tokens.Concat(tokens))
        {
            Assert.True((await handler.ValidateTokenAsync(token, Parameters)).IsValid);
            Assert.InRange(handler.Count, 1, 3);
        }
    }

    private static string Token(string userId, DateTime expires, SecurityKey? key = null) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "cumin",
        Audience = "cumin-api",
        IssuedAt = DateTime.UtcNow.AddMinutes(-1),
        NotBefore = DateTime.UtcNow.AddMinutes(-1),
        Expires = expires,
        Claims = new Dictionary<string, object> { ["sub"] = userId },
        SigningCredentials = new SigningCredentials(key ?? Key, SecurityAlgorithms.HmacSha256),
    });
}
