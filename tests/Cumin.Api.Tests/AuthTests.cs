using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Cumin.Api.Tests;

[Collection(ApiEdgeCollection.Name)]
public sealed class AuthTests(ApiFixture fixture)
{
    [Fact]
    public async Task Register_login_me_refresh_logout_cycle_works()
    {
        var client = fixture.Client();
        var email = $"Cycle-{Guid.NewGuid():N}@Example.com";

        var registered = await HttpAssert.OkAsync(
            await client.PostAsJsonAsync("/auth/register", new { name = "Grace", email, password = "pa55word!" }), HttpStatusCode.Created);
        Assert.Equal("Grace", registered.GetProperty("name").GetString());
        Assert.Equal(email, registered.GetProperty("email").GetString());
        Assert.EndsWith("Z", registered.GetProperty("createdAt").GetString(), StringComparison.Ordinal);
        var userId = registered.GetProperty("id").GetString();

        // E-mail addresses match case-insensitively.
        var login = await HttpAssert.OkAsync(await client.PostAsJsonAsync("/auth/login", new { email = email.ToUpperInvariant(), password = "pa55word!" }));
        Assert.Equal("Bearer", login.GetProperty("tokenType").GetString());
        Assert.Equal(900, login.GetProperty("expiresIn").GetInt32());
        Assert.Equal(604800, login.GetProperty("refreshExpiresIn").GetInt32());
        Assert.Equal(userId, login.GetProperty("user").GetProperty("id").GetString());

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("accessToken").GetString());
        var me = await HttpAssert.OkAsync(await client.GetAsync("/auth/me"));
        Assert.Equal(userId, me.GetProperty("id").GetString());

        var refreshed = await HttpAssert.OkAsync(await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = login.GetProperty("refreshToken").GetString() }));
        Assert.NotEqual(login.GetProperty("refreshToken").GetString(), refreshed.GetProperty("refreshToken").GetString());
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", refreshed.GetProperty("accessToken").GetString());
        await HttpAssert.OkAsync(await client.GetAsync("/auth/me"));

        var newRefresh = refreshed.GetProperty("refreshToken").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/auth/logout", new { refreshToken = newRefresh })).StatusCode);
        await HttpAssert.ProblemAsync(await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = newRefresh }), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_email_get_the_same_401()
    {
        var user = await fixture.NewUserAsync();
        var client = fixture.Client();
        var wrongPassword = await HttpAssert.ProblemAsync(
            await client.PostAsJsonAsync("/auth/login", new { email = user.Email, password = "not-the-password" }), HttpStatusCode.Unauthorized);
        var unknownEmail = await HttpAssert.ProblemAsync(
            await client.PostAsJsonAsync("/auth/login", new { email = $"nobody-{Guid.NewGuid():N}@example.com", password = "not-the-password" }), HttpStatusCode.Unauthorized);
        Assert.Equal(wrongPassword.GetProperty("detail").GetString(), unknownEmail.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Presenting_a_spent_refresh_token_revokes_its_whole_family()
    {
        var user = await fixture.NewUserAsync();
        var client = fixture.Client();

        var second = await HttpAssert.OkAsync(await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = user.RefreshToken }));
        var secondToken = second.GetProperty("refreshToken").GetString();

        // The first token was spent by that refresh: presenting it again is reuse.
        await HttpAssert.ProblemAsync(await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = user.RefreshToken }), HttpStatusCode.Unauthorized);
        // ...and the legitimate newer token of the same family is now dead too.
        await HttpAssert.ProblemAsync(await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = secondToken }), HttpStatusCode.Unauthorized);

        // Another sign-in (another family) is unaffected.
        var login = await HttpAssert.OkAsync(await client.PostAsJsonAsync("/auth/login", new { email = user.Email, password = "correct horse battery" }));
        await HttpAssert.OkAsync(await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = login.GetProperty("refreshToken").GetString() }));
    }

    [Fact]
    public async Task Twenty_concurrent_registrations_of_one_email_give_exactly_one_201()
    {
        var email = $"race-{Guid.NewGuid():N}@example.com";
        var client = fixture.Client();
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            client.PostAsJsonAsync("/auth/register", new { name = $"Racer {i}", email = i % 2 == 0 ? email : email.ToUpperInvariant(), password = "pa55word!" })));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        foreach (var conflict in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            await HttpAssert.ProblemAsync(conflict, HttpStatusCode.Conflict);
        }

        // Whoever won can log in; there is one account.
        await HttpAssert.OkAsync(await client.PostAsJsonAsync("/auth/login", new { email, password = "pa55word!" }));
    }

    [Fact]
    public async Task Failed_logins_are_limited_per_email_and_client_with_retry_after()
    {
        await using var limited = fixture.Api.WithSettings(new Dictionary<string, string?> { ["Cumin:RateLimits:LoginFailuresPerEmailAndClientPerMinute"] = "3" });
        var client = limited.Client();
        var email = $"limited-{Guid.NewGuid():N}@example.com";
        for (var i = 0; i < 3; i++)
        {
            await HttpAssert.ProblemAsync(await client.PostAsJsonAsync("/auth/login", new { email, password = "whatever123" }), HttpStatusCode.Unauthorized);
        }

        var limitedResponse = await client.PostAsJsonAsync("/auth/login", new { email, password = "whatever123" });
        await HttpAssert.ProblemAsync(limitedResponse, HttpStatusCode.TooManyRequests);
        Assert.True(int.Parse(limitedResponse.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);

        // Another address from the same client is still served.
        await HttpAssert.ProblemAsync(
            await client.PostAsJsonAsync("/auth/login", new { email = $"other-{Guid.NewGuid():N}@example.com", password = "whatever123" }), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Register_is_rate_limited_per_client_address()
    {
        await using var limited = fixture.Api.WithSettings(new Dictionary<string, string?> { ["Cumin:RateLimits:AuthPerClientPerMinute"] = "2" });
        var client = limited.Client();
        for (var i = 0; i < 2; i++)
        {
            await HttpAssert.OkAsync(
                await client.PostAsJsonAsync("/auth/register", new { name = "N", email = $"c{i}-{Guid.NewGuid():N}@example.com", password = "pa55word!" }), HttpStatusCode.Created);
        }

        var third = await client.PostAsJsonAsync("/auth/register", new { name = "N", email = $"c3-{Guid.NewGuid():N}@example.com", password = "pa55word!" });
        await HttpAssert.ProblemAsync(third, HttpStatusCode.TooManyRequests);
        Assert.True(third.Headers.Contains("Retry-After"));
    }

    /// <summary>Issue 12, finding 8: every refresh names a user to activate, so random ones from one address are bounded.</summary>
    [Fact]
    public async Task Refresh_is_rate_limited_per_client_address()
    {
        await using var limited = fixture.Api.WithSettings(new Dictionary<string, string?> { ["Cumin:RateLimits:RefreshPerClientPerMinute"] = "2" });
        var client = limited.Client();
        for (var i = 0; i < 2; i++)
        {
            await HttpAssert.ProblemAsync(
                await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = $"made-up-{Guid.NewGuid():N}" }), HttpStatusCode.Unauthorized);
        }

        var third = await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = $"made-up-{Guid.NewGuid():N}" });
        await HttpAssert.ProblemAsync(third, HttpStatusCode.TooManyRequests);
        Assert.True(int.Parse(third.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
    }
}
