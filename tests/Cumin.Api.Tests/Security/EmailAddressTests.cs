using System.Net;
using System.Net.Http.Json;
using Cumin.Users;

namespace Cumin.Api.Tests.Security;

/// <summary>Issue 12, finding 13: one address is one account however it is spelled, and what cannot be an address is refused.</summary>
[Collection(ApiEdgeCollection.Name)]
public sealed class EmailAddressTests(ApiFixture fixture)
{
    [Fact]
    public async Task An_address_composed_and_decomposed_registers_once_and_signs_in_either_way()
    {
        var tag = Guid.NewGuid().ToString("N")[..12];
        var composed = $"jos\u00e9-{tag}@example.com";
        var decomposed = $"jose\u0301-{tag}@example.com";
        Assert.NotEqual(composed, decomposed);
        var client = fixture.Client();

        var registered = await HttpAssert.OkAsync(await RegisterAsync(client, decomposed), HttpStatusCode.Created);
        Assert.Equal(composed, registered.GetProperty("email").GetString());
        await HttpAssert.ProblemAsync(await RegisterAsync(client, composed), HttpStatusCode.Conflict);
        await HttpAssert.ProblemAsync(await RegisterAsync(client, composed.ToUpperInvariant()), HttpStatusCode.Conflict);

        foreach (var spelling in new[] { composed, decomposed })
        {
            var login = await HttpAssert.OkAsync(await client.PostAsJsonAsync("/auth/login", new { email = spelling, password = "correct horse battery" }));
            Assert.Equal(registered.GetProperty("id").GetString(), login.GetProperty("user").GetProperty("id").GetString());
        }
    }

    [Fact]
    public async Task A_unicode_domain_and_its_ascii_form_are_one_address()
    {
        var local = $"ada-{Guid.NewGuid():N}";
        var client = fixture.Client();
        await HttpAssert.OkAsync(await RegisterAsync(client, $"{local}@B\u00dcCHER.example"), HttpStatusCode.Created);
        await HttpAssert.ProblemAsync(await RegisterAsync(client, $"{local}@xn--bcher-kva.example"), HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("right-to-left\u202e@example.com")] // a bidirectional override
    [InlineData("zero\u200dwidth@example.com")] // a zero-width joiner
    [InlineData("full\uff20width.example.com")] // a fullwidth at sign is no @
    [InlineData("two@at@example.com")]
    [InlineData("Ada <ada@example.com>")]
    [InlineData("private\ue000use@example.com")]
    [InlineData("no-dot@localhost")]
    [InlineData("bad@exa_mple.com")]
    [InlineData("tab\t@example.com")]
    public async Task What_cannot_be_an_address_is_refused_and_no_account_is_made(string email)
    {
        var client = fixture.Client();
        var problem = await HttpAssert.ProblemAsync(await RegisterAsync(client, email), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("Email", out _) || problem.GetProperty("errors").TryGetProperty("email", out _));
        await HttpAssert.ProblemAsync(
            await client.PostAsJsonAsync("/auth/login", new { email, password = "correct horse battery" }), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public void A_lone_surrogate_is_not_an_address()
    {
        Assert.False(EmailAddresses.TryNormalize("lone\ud800@example.com", out _, out _));
        Assert.True(EmailAddresses.TryNormalize("  Ada@Example.COM ", out var display, out var key));
        Assert.Equal("Ada@Example.COM", display);
        Assert.Equal("ada@example.com", key);
    }

    private static Task<HttpResponseMessage> RegisterAsync(HttpClient client, string email) =>
        client.PostAsJsonAsync("/auth/register", new { name = "Jos\u00e9", email, password = "correct horse battery" });
}
