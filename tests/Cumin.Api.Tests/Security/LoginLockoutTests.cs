using System.Net;
using System.Net.Http.Json;

namespace Cumin.Api.Tests.Security;

/// <summary>
/// Issue 12, finding 7: failed logins count per e-mail and client together, under a much higher ceiling per e-mail, so
/// an attacker hammering an account from one address does not lock its owner out. Each party connects from its own
/// loopback address.
/// </summary>
[Collection(ApiEdgeCollection.Name)]
public sealed class LoginLockoutTests(ApiFixture fixture)
{
    [Fact]
    public async Task The_owner_still_signs_in_from_their_own_address_while_another_address_hammers_the_account()
    {
        var owner = await fixture.NewUserAsync("Victim");
        await using var api = fixture.Api.WithSettings(new Dictionary<string, string?>
        {
            ["Cumin:RateLimits:LoginFailuresPerEmailAndClientPerMinute"] = "3",
            ["Cumin:RateLimits:LoginFailuresPerEmailPerMinute"] = "50",
        });
        using var attacker = LoopbackClient.From("127.0.0.5", api.BaseAddress);
        using var ownersLaptop = LoopbackClient.From("127.0.0.6", api.BaseAddress);

        for (var i = 0; i < 3; i++)
        {
            await HttpAssert.ProblemAsync(await LoginAsync(attacker, owner.Email, $"guess-{i}-wrong"), HttpStatusCode.Unauthorized);
        }

        // Stopped: even the right password is not tried from there any more.
        for (var i = 0; i < 5; i++)
        {
            var limited = await LoginAsync(attacker, owner.Email, i == 4 ? "correct horse battery" : $"guess-{i}-more");
            await HttpAssert.ProblemAsync(limited, HttpStatusCode.TooManyRequests);
            Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        }

        // The owner, from their own address: a typo, then the right password, and again and again (successes never count).
        await HttpAssert.ProblemAsync(await LoginAsync(ownersLaptop, owner.Email, "correct horse batery"), HttpStatusCode.Unauthorized);
        for (var i = 0; i < 5; i++)
        {
            var signedIn = await HttpAssert.OkAsync(await LoginAsync(ownersLaptop, owner.Email, "correct horse battery"));
            Assert.Equal(owner.Id, signedIn.GetProperty("user").GetProperty("id").GetString());
        }
    }

    [Fact]
    public async Task Failures_from_many_addresses_together_reach_the_ceiling_of_the_address_they_aim_at()
    {
        var owner = await fixture.NewUserAsync("Crowded");
        var bystander = await fixture.NewUserAsync("Bystander");
        await using var api = fixture.Api.WithSettings(new Dictionary<string, string?>
        {
            ["Cumin:RateLimits:LoginFailuresPerEmailAndClientPerMinute"] = "2",
            ["Cumin:RateLimits:LoginFailuresPerEmailPerMinute"] = "5",
        });

        var failures = 0;
        for (var host = 10; failures < 5; host++)
        {
            using var bot = LoopbackClient.From($"127.0.0.{host}", api.BaseAddress);
            for (var i = 0; i < 2 && failures < 5; i++, failures++)
            {
                await HttpAssert.ProblemAsync(await LoginAsync(bot, owner.Email, "wrong-password"), HttpStatusCode.Unauthorized);
            }
        }

        // The ceiling is the account's, for this window: a fresh address is refused too, with the wait...
        using var fresh = LoopbackClient.From("127.0.0.30", api.BaseAddress);
        var refused = await LoginAsync(fresh, owner.Email, "correct horse battery");
        await HttpAssert.ProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        // ...and no other account is touched.
        await HttpAssert.OkAsync(await LoginAsync(fresh, bystander.Email, "correct horse battery"));
    }

    private static Task<HttpResponseMessage> LoginAsync(HttpClient client, string email, string password) =>
        client.PostAsJsonAsync("/auth/login", new { email, password });
}
