using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cumin.Api.Tests;

/// <summary>How the API serves the web app (API.md "The web app"), on a web root of this test's own.</summary>
[Collection(ApiEdgeCollection.Name)]
public sealed class WebAppTests(ApiFixture fixture) : IAsyncLifetime
{
    private const string IndexMarker = "<!-- cumin web app test index -->";
    private const string Asset = "/assets/index-Bq3x9Z1a.js";

    private readonly string root = Directory.CreateTempSubdirectory("cumin-webroot-").FullName;
    private ApiFactory? api;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(root, "assets"));
        File.WriteAllText(Path.Combine(root, "index.html"), $"<!doctype html>{IndexMarker}<script type=\"module\" src=\"{Asset}\"></script>");
        File.WriteAllText(Path.Combine(root, Asset.TrimStart('/')), "export const cumin = '" + new string('x', 4000) + "';");
        api = fixture.Api.WithSettings(new Dictionary<string, string?> { ["Cumin:WebApp:Root"] = root });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (api is not null)
        {
            await api.DisposeAsync();
        }

        Directory.Delete(root, recursive: true);
    }

    private HttpClient Browser()
    {
        var client = api!.Client();
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        return client;
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/signin")]
    [InlineData("/projects/01JD0000000000000000000000")]
    [InlineData("/projects/01JD0000000000000000000000/tasks/01JD0000000000000000000001")]
    [InlineData("/index.html")]
    public async Task App_urls_answer_index_html_with_a_strict_policy_and_no_caching(string path)
    {
        var response = await Browser().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(IndexMarker, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("default-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self';", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("http", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.True(response.Headers.CacheControl?.NoCache, $"Cache-Control: {response.Headers.CacheControl}");
    }

    [Fact]
    public async Task Index_html_revalidates_with_its_etag()
    {
        var client = Browser();
        var first = await client.GetAsync("/projects/x");
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);

        using var again = new HttpRequestMessage(HttpMethod.Get, "/projects/y");
        again.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again)).StatusCode);
    }

    [Fact]
    public async Task Hashed_assets_are_cached_for_a_year_and_compressed()
    {
        var client = Browser();
        client.DefaultRequestHeaders.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        var response = await client.GetAsync(Asset);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length < 1000, "4 KB of one letter compresses well");
    }

    [Theory]
    [InlineData("/api")]
    [InlineData("/api/nope")]
    [InlineData("/api/projects/x/nope")]
    [InlineData("/auth/nope")]
    [InlineData("/hubs/nope")]
    [InlineData("/health/nope")]
    [InlineData("/openapi/nope")]
    [InlineData("/API/Nope")]
    [InlineData("/assets/missing-0000.js")]
    public async Task API_prefixes_and_missing_files_answer_problem_json_never_html(string path)
    {
        var response = await Browser().GetAsync(path);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.NotFound);
        Assert.DoesNotContain(IndexMarker, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/docs")]
    [InlineData("/docs/anything")]
    [InlineData("/api/projects")]
    [InlineData("/auth/me")]
    [InlineData("/hubs/notifications")]
    public async Task API_routes_are_never_the_app(string path)
    {
        // /docs belongs to the API reference; whatever it answers, it is not the app.
        var response = await Browser().GetAsync(path);

        Assert.DoesNotContain(IndexMarker, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        if (!path.StartsWith("/docs", StringComparison.Ordinal))
        {
            Assert.NotEqual("text/html", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Theory]
    [InlineData("/api/projects", HttpStatusCode.Unauthorized)]
    [InlineData("/auth/me", HttpStatusCode.Unauthorized)]
    [InlineData("/api/nope", HttpStatusCode.NotFound)]
    public async Task A_client_that_accepts_only_html_still_gets_problem_json(string path, HttpStatusCode status)
    {
        var client = api!.Client();
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html");

        await HttpAssert.ProblemAsync(await client.GetAsync(path), status);
    }

    [Fact]
    public async Task Writes_to_app_urls_do_not_answer_the_app()
    {
        var response = await Browser().PostAsync("/projects/x", new StringContent("{}"));

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(IndexMarker, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>
    /// The web app's types are generated from a committed copy of the OpenAPI document, so CI needs no running API;
    /// this test is what keeps the copy true. `make openapi` rewrites it (CUMIN_OPENAPI_WRITE=1).
    /// </summary>
    [Fact]
    public async Task Web_app_OpenAPI_snapshot_matches_the_served_document()
    {
        // `servers` names the address this test's API happens to listen on: not part of the contract.
        var live = JsonNode.Parse(await (await fixture.Client().GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync())!.AsObject();
        live.Remove("servers");
        var snapshot = Path.Combine(RepositoryRoot(), "Cumin.Web", "src", "api", "openapi.json");
        if (Environment.GetEnvironmentVariable("CUMIN_OPENAPI_WRITE") == "1")
        {
            // Relaxed escaping: a file for people to diff, never embedded in HTML.
            var format = new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            await File.WriteAllTextAsync(snapshot, live.ToJsonString(format) + "\n");
        }

        Assert.True(File.Exists(snapshot), $"{snapshot} is missing: run `make openapi`");
        Assert.True(
            JsonNode.DeepEquals(live, JsonNode.Parse(await File.ReadAllTextAsync(snapshot))),
            "Cumin.Web/src/api/openapi.json differs from /openapi/v1.json: run `make openapi` and commit the result.");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cumin.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cumin.sln not found above " + AppContext.BaseDirectory);
    }
}
