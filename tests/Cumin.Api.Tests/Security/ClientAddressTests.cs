using System.Net;
using System.Net.Http.Json;

namespace Cumin.Api.Tests.Security;

/// <summary>
/// Issue 12, findings 1 and 6: the per-client login limit keys on the real client, which only a configured proxy may
/// name (X-Forwarded-For), and HSTS answers only what a trusted proxy says was HTTPS. The API listens on 127.0.0.1;
/// "proxies" and "clients" connect from other loopback addresses.
/// </summary>
[Collection(ApiEdgeCollection.Name)]
public sealed class ClientAddressTests(ApiFixture fixture)
{
    private const string Proxy = "127.0.0.2";
    private const string Client = "127.0.0.3";

    [Fact]
    public async Task A_proxy_that_is_not_configured_is_the_client_whatever_it_forwards()
    {
        await using var api = fixture.Api.WithSettings(Limits(perClient: 2));
        using var proxy = LoopbackClient.From(Proxy, api.BaseAddress);

        await AssertLoginAnsweredAsync(proxy, "10.0.0.1");
        await AssertLoginAnsweredAsync(proxy, "10.0.0.2");
        // Two "different clients" were one (the proxy itself): its bucket is empty.
        await AssertLoginLimitedAsync(proxy, "10.0.0.3");
    }

    [Fact]
    public async Task A_configured_proxy_gives_each_client_it_forwards_a_bucket_of_its_own()
    {
        await using var api = fixture.Api.WithSettings(Limits(perClient: 2, knownProxy: Proxy));
        using var proxy = LoopbackClient.From(Proxy, api.BaseAddress);

        await AssertLoginAnsweredAsync(proxy, "10.0.0.1");
        await AssertLoginAnsweredAsync(proxy, "10.0.0.1");
        await AssertLoginLimitedAsync(proxy, "10.0.0.1");
        // Another client behind the same proxy is not locked out by the first one.
        await AssertLoginAnsweredAsync(proxy, "10.0.0.2");
        await AssertLoginAnsweredAsync(proxy, "10.0.0.3");
    }

    [Fact]
    public async Task A_configured_network_is_trusted_and_an_address_outside_it_is_not()
    {
        // 127.0.0.2/31 holds 127.0.0.2 and 127.0.0.3, not 127.0.0.4.
        await using var api = fixture.Api.WithSettings(Limits(perClient: 1, knownNetwork: "127.0.0.2/31"));
        using var inside = LoopbackClient.From(Client, api.BaseAddress);
        using var outside = LoopbackClient.From("127.0.0.4", api.BaseAddress);

        await AssertLoginAnsweredAsync(inside, "10.0.1.1");
        await AssertLoginAnsweredAsync(inside, "10.0.1.2");
        await AssertLoginAnsweredAsync(outside, "10.0.1.3");
        await AssertLoginLimitedAsync(outside, "10.0.1.4");
    }

    [Fact]
    public async Task A_client_cannot_spoof_x_forwarded_for_directly_or_through_the_proxy()
    {
        await using var api = fixture.Api.WithSettings(Limits(perClient: 2, knownProxy: Proxy));

        // Straight to the API from an address that is not a proxy: its headers are its own word, not believed.
        using var direct = LoopbackClient.From(Client, api.BaseAddress);
        await AssertLoginAnsweredAsync(direct, "10.0.2.1");
        await AssertLoginAnsweredAsync(direct, "10.0.2.2");
        await AssertLoginLimitedAsync(direct, "10.0.2.3");

        // Through the proxy, which appends the address it saw: what the client wrote before it is ignored (ForwardLimit 1).
        using var proxy = LoopbackClient.From(Proxy, api.BaseAddress);
        await AssertLoginAnsweredAsync(proxy, "1.1.1.1, 10.0.2.9");
        await AssertLoginAnsweredAsync(proxy, "2.2.2.2, 10.0.2.9");
        await AssertLoginLimitedAsync(proxy, "3.3.3.3, 10.0.2.9");
    }

    [Fact]
    public async Task Hsts_is_sent_on_https_answers_a_trusted_proxy_vouches_for_and_on_no_others()
    {
        await using var api = fixture.Api.WithSettings(Limits(perClient: 1000, knownProxy: Proxy));
        using var proxy = LoopbackClient.From(Proxy, api.BaseAddress);
        using var client = LoopbackClient.From(Client, api.BaseAddress);

        var https = await LiveAsync(proxy, "https");
        Assert.Equal("max-age=31536000; includeSubDomains", Assert.Single(https.Headers.GetValues("Strict-Transport-Security")));
        Assert.False((await LiveAsync(proxy, "http")).Headers.Contains("Strict-Transport-Security"));
        Assert.False((await LiveAsync(client, "https")).Headers.Contains("Strict-Transport-Security"));
    }

    private static async Task<HttpResponseMessage> LiveAsync(HttpClient client, string proto)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Host = "cumin.example";
        request.Headers.Add("X-Forwarded-For", "10.0.3.1");
        request.Headers.Add("X-Forwarded-Proto", proto);
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    private static Dictionary<string, string?> Limits(int perClient, string? knownProxy = null, string? knownNetwork = null)
    {
        var settings = new Dictionary<string, string?> { ["Cumin:RateLimits:AuthPerClientPerMinute"] = perClient.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (knownProxy is not null)
        {
            settings["Cumin:ForwardedHeaders:KnownProxies:0"] = knownProxy;
        }

        if (knownNetwork is not null)
        {
            settings["Cumin:ForwardedHeaders:KnownNetworks:0"] = knownNetwork;
        }

        return settings;
    }

    private static Task<HttpResponseMessage> LoginAsync(HttpClient client, string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/auth/login")
        {
            Content = JsonContent.Create(new { email = $"nobody-{Guid.NewGuid():N}@example.com", password = "not-the-password" }),
        };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return client.SendAsync(request);
    }

    /// <summary>The login was let through to the password check (an unknown address: 401), not refused by the limit.</summary>
    private static async Task AssertLoginAnsweredAsync(HttpClient client, string forwardedFor) =>
        await HttpAssert.ProblemAsync(await LoginAsync(client, forwardedFor), HttpStatusCode.Unauthorized);

    private static async Task AssertLoginLimitedAsync(HttpClient client, string forwardedFor)
    {
        var response = await LoginAsync(client, forwardedFor);
        await HttpAssert.ProblemAsync(response, HttpStatusCode.TooManyRequests);
        Assert.True(response.Headers.Contains("Retry-After"));
    }
}
