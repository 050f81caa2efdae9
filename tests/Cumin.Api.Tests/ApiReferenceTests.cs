using System.Net;
using System.Text.RegularExpressions;

namespace Cumin.Api.Tests;

/// <summary>/docs: the API reference page, its scripts, and the policy that lets exactly them run.</summary>
[Collection(ApiCollection.Name)]
public sealed partial class ApiReferenceTests(ApiFixture fixture)
{
    [Fact]
    public async Task Docs_serve_the_reference_over_the_OpenAPI_document_with_its_own_script_policy()
    {
        var client = fixture.Client();

        var page = await client.GetAsync("/docs/");
        var html = await page.Content.ReadAsStringAsync();
        var policy = Assert.Single(page.Headers.GetValues("Content-Security-Policy"));
        var scripts = ScriptTag().Matches(html).Select(m => m.Value).ToList();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        // Scalar resolves the source against the application root: /openapi/v1.json.
        Assert.Contains("\"url\":\"openapi/v1.json\"", html, StringComparison.Ordinal);
        Assert.NotEmpty(scripts);
        var nonce = NonceInPolicy().Match(policy).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(nonce), policy);
        Assert.DoesNotContain("unsafe-inline' 'nonce", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.All(scripts, tag => Assert.Contains($"nonce=\"{nonce}\"", tag, StringComparison.Ordinal));

        // Every script the page loads comes from this API, and is there.
        foreach (var source in scripts.Select(tag => SourceOf().Match(tag)).Where(m => m.Success).Select(m => m.Groups[1].Value))
        {
            Assert.False(source.StartsWith("http", StringComparison.OrdinalIgnoreCase) || source.StartsWith("//", StringComparison.Ordinal), source);
            var script = await client.GetAsync(new Uri(new Uri(client.BaseAddress!, "/docs/"), source));
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
            Assert.Contains("javascript", script.Content.Headers.ContentType?.MediaType ?? string.Empty, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Docs_without_trailing_slash_lead_to_the_reference_and_a_fresh_nonce_each_time()
    {
        var client = fixture.Client();

        var first = await client.GetAsync("/docs");
        var second = await client.GetAsync("/docs");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("\"url\":\"openapi/v1.json\"", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotEqual(
            Assert.Single(first.Headers.GetValues("Content-Security-Policy")),
            Assert.Single(second.Headers.GetValues("Content-Security-Policy")));
    }

    [GeneratedRegex("<script[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();

    [GeneratedRegex("src=\"([^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex SourceOf();

    [GeneratedRegex("script-src [^;]*'nonce-([^']+)'")]
    private static partial Regex NonceInPolicy();
}
