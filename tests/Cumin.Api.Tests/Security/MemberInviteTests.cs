using System.Net;
using System.Net.Http.Json;

namespace Cumin.Api.Tests.Security;

/// <summary>Issue 12, finding 11: adding members by e-mail, which tells which addresses have accounts, is limited per user.</summary>
[Collection(ApiEdgeCollection.Name)]
public sealed class MemberInviteTests(ApiFixture fixture)
{
    [Fact]
    public async Task Probing_addresses_through_member_invites_is_stopped_per_user_and_adds_nobody()
    {
        var prober = await fixture.NewUserAsync("Prober");
        var target = await fixture.NewUserAsync("Target");
        var neighbour = await fixture.NewUserAsync("Neighbour");
        var project = await prober.CreateProjectAsync();
        var theirProject = await neighbour.CreateProjectAsync();
        await using var api = fixture.Api.WithSettings(new Dictionary<string, string?> { ["Cumin:RateLimits:AddMemberPerUserPerMinute"] = "3" });
        using var client = Authorized(api, prober.AccessToken);

        for (var i = 0; i < 3; i++)
        {
            var unknown = await HttpAssert.ProblemAsync(
                await client.PostAsJsonAsync($"/api/projects/{project}/members", new { email = $"maybe-{i}-{Guid.NewGuid():N}@example.com", role = "viewer" }),
                HttpStatusCode.NotFound);
            Assert.DoesNotContain("@", unknown.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        var limited = await client.PostAsJsonAsync($"/api/projects/{project}/members", new { email = target.Email, role = "viewer" });
        await HttpAssert.ProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        var members = await HttpAssert.OkAsync(await client.GetAsync($"/api/projects/{project}/members"));
        Assert.Equal([prober.Id], members.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("userId").GetString()));

        // Another user's budget is their own.
        using var theirs = Authorized(api, neighbour.AccessToken);
        await HttpAssert.OkAsync(
            await theirs.PostAsJsonAsync($"/api/projects/{theirProject}/members", new { email = target.Email, role = "viewer" }), HttpStatusCode.Created);
    }

    private static HttpClient Authorized(ApiFactory api, string accessToken)
    {
        var client = api.Client();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }
}
