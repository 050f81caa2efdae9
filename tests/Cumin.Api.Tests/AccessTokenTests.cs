using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cumin.Api.Tests;

[Collection(ApiEdgeCollection.Name)]
public sealed class AccessTokenTests(ApiFixture fixture)
{
    [Fact]
    public void The_API_does_not_start_with_a_signing_key_shorter_than_32_bytes()
    {
        var refused = Assert.Throws<OptionsValidationException>(() =>
            fixture.Api.WithSettings(new Dictionary<string, string?> { ["Cumin:Auth:SigningKey"] = "too-short" }));

        Assert.Contains("Cumin:Auth:SigningKey must be set to at least 32 bytes.", refused.Failures);
    }

    public static TheoryData<string> BadTokenKinds => ["expired", "tampered", "alg-none", "wrong-key", "refresh-token", "wrong-type", "garbage"];

    [Theory]
    [MemberData(nameof(BadTokenKinds))]
    public async Task A_bad_access_token_is_401_with_invalid_token_challenge(string kind)
    {
        var user = await fixture.NewUserAsync();
        var token = kind switch
        {
            "expired" => Token(user.Id, ApiFixture.SigningKey, expires: DateTime.UtcNow.AddMinutes(-5)),
            "tampered" => Tamper(user.AccessToken),
            "alg-none" => Unsigned(user.Id),
            "wrong-key" => Token(user.Id, "some-other-key-that-is-long-enough-0123456789"),
            "refresh-token" => user.RefreshToken,
            "wrong-type" => Token(user.Id, ApiFixture.SigningKey, type: "JWT"),
            _ => "not-a-token",
        };

        var client = fixture.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await client.GetAsync("/auth/me");

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("error=\"invalid_token\"", challenge.Parameter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_token_is_401_on_every_protected_route()
    {
        var client = fixture.Client();
        foreach (var path in new[] { "/auth/me", "/api/projects", "/api/projects/x", "/api/projects/x/tasks", "/api/projects/x/members" })
        {
            var response = await client.GetAsync(path);
            await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_valid_token_is_accepted()
    {
        var user = await fixture.NewUserAsync();
        var client = fixture.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(user.Id, ApiFixture.SigningKey));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/auth/me")).StatusCode);
    }

    private static string Token(string userId, string key, DateTime? expires = null, string type = "at+jwt")
    {
        var now = DateTime.UtcNow;
        var notBefore = expires is { } e && e < now ? e.AddMinutes(-15) : now;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "cumin",
            Audience = "cumin-api",
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = expires ?? now.AddMinutes(15),
            TokenType = type,
            Claims = new Dictionary<string, object> { ["sub"] = userId },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>Changes the subject in the payload and keeps the original signature.</summary>
    private static string Tamper(string token)
    {
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1]));
        var forged = payload.Replace("\"sub\":\"", "\"sub\":\"X", StringComparison.Ordinal);
        return $"{parts[0]}.{Base64UrlEncoder.Encode(forged)}.{parts[2]}";
    }

    private static string Unsigned(string userId)
    {
        var header = Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"at+jwt\"}");
        var exp = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
        var payload = Base64UrlEncoder.Encode($"{{\"sub\":\"{userId}\",\"iss\":\"cumin\",\"aud\":\"cumin-api\",\"exp\":{exp}}}");
        return $"{header}.{payload}.";
    }
}
