using System.Net;

namespace Cumin.Api.Tests;

/// <summary>Browsers on another origin, as their preflight requests ask: allowed only when configured.</summary>
[Collection(ApiEdgeCollection.Name)]
public sealed class CrossOriginTests(ApiFixture fixture)
{
    private const string SecondOrigin = "http://second-app.example:5173";

    private static HttpRequestMessage Preflight(string path, string method, string origin = SecondOrigin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return request;
    }

    [Fact]
    public async Task No_origin_is_allowed_by_default()
    {
        var response = await fixture.Client().SendAsync(Preflight("/api/projects", "POST"));

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_configured_origin_may_call_the_API_without_credentials_and_the_hub_with_them()
    {
        await using var api = fixture.Api.WithSettings(new Dictionary<string, string?> { ["Cumin:Cors:AllowedOrigins:0"] = SecondOrigin });
        var client = api.Client();

        var projects = await client.SendAsync(Preflight("/api/projects", "POST"));
        var task = await client.SendAsync(Preflight("/api/projects/p1/tasks/t1", "PATCH"));
        var negotiate = await client.SendAsync(Preflight("/hubs/notifications/negotiate?negotiateVersion=1", "POST"));
        var elsewhere = await client.SendAsync(Preflight("/api/projects", "POST", "http://third-app.example"));

        Assert.Equal(HttpStatusCode.NoContent, projects.StatusCode);
        Assert.Equal(SecondOrigin, Assert.Single(projects.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("POST", string.Join(",", projects.Headers.GetValues("Access-Control-Allow-Methods")), StringComparison.Ordinal);
        Assert.Contains("authorization", string.Join(",", projects.Headers.GetValues("Access-Control-Allow-Headers")), StringComparison.OrdinalIgnoreCase);
        Assert.False(projects.Headers.Contains("Access-Control-Allow-Credentials"));
        Assert.Equal(SecondOrigin, Assert.Single(task.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Equal(SecondOrigin, Assert.Single(negotiate.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Equal("true", Assert.Single(negotiate.Headers.GetValues("Access-Control-Allow-Credentials")));
        Assert.False(elsewhere.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_configured_origin_reads_the_answer_and_its_exposed_headers()
    {
        await using var api = fixture.Api.WithSettings(new Dictionary<string, string?> { ["Cumin:Cors:AllowedOrigins:0"] = SecondOrigin });
        var user = await fixture.NewUserAsync();
        var client = api.Client();
        client.DefaultRequestHeaders.Authorization = user.Client.DefaultRequestHeaders.Authorization;
        client.DefaultRequestHeaders.Add("Origin", SecondOrigin);

        var response = await client.GetAsync("/api/projects");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SecondOrigin, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("ETag", string.Join(",", response.Headers.GetValues("Access-Control-Expose-Headers")), StringComparison.Ordinal);
    }
}
