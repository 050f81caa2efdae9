using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace Cumin.Api.Tests;

/// <summary>
/// The OpenAPI document against the routes the app really maps (its EndpointDataSource), so a route added tomorrow is
/// checked without touching this test.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class OpenApiTests(ApiFixture fixture)
{
    private const string ProblemJson = "application/problem+json";

    /// <summary>Every HTTP route of the app that is not explicitly kept out of the description.</summary>
    private IEnumerable<(string Path, string Method, Endpoint Endpoint)> Routes() =>
        from endpoint in fixture.Api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
        where endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true }
        // SignalR's endpoints (the hub and its negotiate) are the hub protocol, described in API.md, not operations.
        where endpoint.Metadata.GetMetadata<HubMetadata>() is null
        from method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []
        select (Path(endpoint.RoutePattern), method.ToLowerInvariant(), (Endpoint)endpoint);

    [Fact]
    public async Task OpenAPI_document_lists_every_route_the_app_maps()
    {
        var paths = (await Document()).GetProperty("paths");
        var routes = Routes().ToList();

        Assert.Contains(routes, r => r.Path == "/api/projects/{projectId}/tasks/{taskId}" && r.Method == "patch");
        Assert.Contains(routes, r => r.Path == "/health/ready");
        Assert.All(routes, route =>
            Assert.True(
                paths.TryGetProperty(route.Path, out var item) && item.TryGetProperty(route.Method, out _),
                $"{route.Method.ToUpperInvariant()} {route.Path} is mapped but not in /openapi/v1.json"));
        Assert.Equal(routes.Count, paths.EnumerateObject().Sum(p => p.Value.EnumerateObject().Count(IsOperation)));
    }

    [Fact]
    public async Task Every_API_operation_lists_its_problem_responses()
    {
        var paths = (await Document()).GetProperty("paths");

        foreach (var (path, method, endpoint) in Routes().Where(r => !r.Path.StartsWith("/health/", StringComparison.Ordinal)))
        {
            var operation = paths.GetProperty(path).GetProperty(method);
            var responses = operation.GetProperty("responses");
            var problems = responses.EnumerateObject()
                .Where(r => r.Name.StartsWith('4') || r.Name.StartsWith('5'))
                .Where(r => r.Value.TryGetProperty("content", out var content) && content.TryGetProperty(ProblemJson, out _))
                .Select(r => r.Name)
                .ToList();
            var name = $"{method.ToUpperInvariant()} {path}";
            Assert.True(problems.Contains("503"), $"{name} does not list 503 (a dependency away) as problem+json");
            // Malformed route ids are a 404 like any unknown id (no existence leak); a body or a query can be a 400.
            var takesInput = operation.TryGetProperty("requestBody", out _)
                || (operation.TryGetProperty("parameters", out var parameters) && parameters.EnumerateArray().Any(p => p.GetProperty("in").GetString() == "query"));
            if (takesInput)
            {
                Assert.True(problems.Contains("400"), $"{name} takes a body or a query but does not list 400 as problem+json (has {string.Join(", ", problems)})");
            }

            if (endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>() is not null)
            {
                Assert.True(problems.Contains("401"), $"{name} requires a token but does not list 401 as problem+json");
            }

            if (path.Contains("{projectId}", StringComparison.Ordinal))
            {
                Assert.True(problems.Contains("404"), $"{name} names a project but does not list 404 as problem+json");
            }
        }
    }

    private async Task<JsonElement> Document() => await HttpAssert.OkAsync(await fixture.Client().GetAsync("/openapi/v1.json"));

    private static bool IsOperation(JsonProperty property) =>
        property.Name is "get" or "put" or "post" or "delete" or "patch" or "head" or "options" or "trace";

    /// <summary>The route as OpenAPI writes it: parameters without their constraints or defaults.</summary>
    private static string Path(RoutePattern pattern) =>
        "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
            RoutePatternSeparatorPart separator => separator.Content,
            _ => string.Empty,
        }))));
}
