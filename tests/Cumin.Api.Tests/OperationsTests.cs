using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Cumin.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class OperationsTests(ApiFixture fixture)
{
    [Fact]
    public async Task Live_and_ready_are_200_when_everything_answers()
    {
        var client = fixture.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        var ready = await HttpAssert.OkAsync(await client.GetAsync("/health/ready"));
        Assert.Equal("Healthy", ready.GetProperty("status").GetString());
        foreach (var check in new[] { "cluster", "dynamodb", "postgres" })
        {
            Assert.Equal("Healthy", ready.GetProperty("checks").GetProperty(check).GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task PostgreSQL_down_makes_ready_503_and_projects_answer_with_counts_null()
    {
        await using var api = fixture.Api.WithSettings(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = $"Host=127.0.0.1;Port={Cumin.Testing.FreePort.Next()};Username=cumin;Password=cumin;Database=cumin;Timeout=2",
        });
        var client = api.Client();
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var report = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Unhealthy", report.GetProperty("checks").GetProperty("postgres").GetProperty("status").GetString());

        // API.md: counts are null while their store cannot be reached; the rest of the answer is still given.
        var user = await fixture.NewUserAsync();
        var projectId = await user.CreateProjectAsync();
        client.DefaultRequestHeaders.Authorization = user.Client.DefaultRequestHeaders.Authorization;
        var list = await HttpAssert.OkAsync(await client.GetAsync("/api/projects"));
        var listed = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal(projectId, listed.GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("counts").ValueKind);
        var one = await HttpAssert.OkAsync(await client.GetAsync($"/api/projects/{projectId}"));
        Assert.Equal(JsonValueKind.Null, one.GetProperty("counts").ValueKind);
    }

    [Fact]
    public async Task OpenAPI_document_covers_every_endpoint()
    {
        var document = await HttpAssert.OkAsync(await fixture.Client().GetAsync("/openapi/v1.json"));
        var paths = document.GetProperty("paths");
        var expected = new Dictionary<string, string[]>
        {
            ["/auth/register"] = ["post"],
            ["/auth/login"] = ["post"],
            ["/auth/refresh"] = ["post"],
            ["/auth/logout"] = ["post"],
            ["/auth/me"] = ["get"],
            ["/api/projects"] = ["get", "post"],
            ["/api/projects/{projectId}"] = ["get", "patch", "delete"],
            ["/api/projects/{projectId}/members"] = ["get", "post"],
            ["/api/projects/{projectId}/members/{userId}"] = ["delete"],
            ["/api/projects/{projectId}/tasks"] = ["get", "post"],
            ["/api/projects/{projectId}/tasks/{taskId}"] = ["get", "patch", "delete"],
            ["/api/projects/{projectId}/exports"] = ["post"],
            ["/api/exports"] = ["get"],
            ["/api/exports/{exportId}"] = ["get"],
            ["/api/notifications"] = ["get"],
        };
        foreach (var (path, methods) in expected)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is missing");
            foreach (var method in methods)
            {
                Assert.True(item.TryGetProperty(method, out var operation), $"{method} {path} is missing");
                Assert.True(operation.GetProperty("responses").EnumerateObject().Any(), $"{method} {path} has no responses");
            }
        }

        var taskPatch = paths.GetProperty("/api/projects/{projectId}/tasks/{taskId}").GetProperty("patch").GetProperty("responses");
        Assert.True(taskPatch.TryGetProperty("412", out _));
        Assert.True(taskPatch.TryGetProperty("200", out _));
        var exportPost = paths.GetProperty("/api/projects/{projectId}/exports").GetProperty("post").GetProperty("responses");
        Assert.True(exportPost.TryGetProperty("202", out _));
        Assert.True(exportPost.TryGetProperty("404", out _));
    }
}
