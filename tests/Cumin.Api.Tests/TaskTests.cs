using System.Net;
using System.Net.Http.Json;

namespace Cumin.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class TaskTests(ApiFixture fixture)
{
    [Fact]
    public async Task Create_read_update_delete_a_task()
    {
        var owner = await fixture.NewUserAsync();
        var projectId = await owner.CreateProjectAsync();

        var created = await owner.Client.PostAsJsonAsync($"/api/projects/{projectId}/tasks",
            new { title = "Dry the chillies", description = "on the rack", priority = "high" });
        var task = await HttpAssert.OkAsync(created, HttpStatusCode.Created);
        var taskId = task.GetProperty("id").GetString();
        Assert.Equal($"/api/projects/{projectId}/tasks/{taskId}", created.Headers.Location?.OriginalString);
        Assert.Equal("\"1\"", created.Headers.ETag?.ToString());
        Assert.Equal("todo", task.GetProperty("status").GetString());
        Assert.Equal("high", task.GetProperty("priority").GetString());
        Assert.Equal(projectId, task.GetProperty("projectId").GetString());

        var read = await owner.Client.GetAsync($"/api/projects/{projectId}/tasks/{taskId}");
        Assert.Equal("\"1\"", read.Headers.ETag?.ToString());
        Assert.Equal("Dry the chillies", (await HttpAssert.OkAsync(read)).GetProperty("title").GetString());

        var updated = await owner.Client.PatchAsJsonAsync($"/api/projects/{projectId}/tasks/{taskId}", new { status = "in_progress" });
        var body = await HttpAssert.OkAsync(updated);
        Assert.Equal("in_progress", body.GetProperty("status").GetString());
        Assert.Equal("on the rack", body.GetProperty("description").GetString());
        Assert.Equal(2, body.GetProperty("version").GetInt64());
        Assert.Equal("\"2\"", updated.Headers.ETag?.ToString());

        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.DeleteAsync($"/api/projects/{projectId}/tasks/{taskId}")).StatusCode);
        await HttpAssert.ProblemAsync(await owner.Client.GetAsync($"/api/projects/{projectId}/tasks/{taskId}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Stale_if_match_returns_412_and_changes_nothing()
    {
        var owner = await fixture.NewUserAsync();
        var projectId = await owner.CreateProjectAsync();
        var taskId = (await owner.CreateTaskAsync(projectId)).GetProperty("id").GetString();
        var url = $"/api/projects/{projectId}/tasks/{taskId}";

        var fresh = new HttpRequestMessage(HttpMethod.Patch, url) { Content = JsonContent.Create(new { status = "done" }) };
        fresh.Headers.IfMatch.ParseAdd("\"1\"");
        Assert.Equal(HttpStatusCode.OK, (await owner.Client.SendAsync(fresh)).StatusCode);

        var stale = new HttpRequestMessage(HttpMethod.Patch, url) { Content = JsonContent.Create(new { title = "lost update" }) };
        stale.Headers.IfMatch.ParseAdd("\"1\"");
        await HttpAssert.ProblemAsync(await owner.Client.SendAsync(stale), HttpStatusCode.PreconditionFailed);

        var current = await HttpAssert.OkAsync(await owner.Client.GetAsync(url));
        Assert.Equal("Water the basil", current.GetProperty("title").GetString());
        Assert.Equal("done", current.GetProperty("status").GetString());
        Assert.Equal(2, current.GetProperty("version").GetInt64());

        var malformed = new HttpRequestMessage(HttpMethod.Patch, url) { Content = JsonContent.Create(new { title = "x" }) };
        malformed.Headers.TryAddWithoutValidation("If-Match", "version-two");
        await HttpAssert.ProblemAsync(await owner.Client.SendAsync(malformed), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Pagination_walks_250_tasks_oldest_first_without_gaps_or_repeats()
    {
        var owner = await fixture.NewUserAsync();
        var projectId = await owner.CreateProjectAsync();
        var created = new List<string>();
        for (var batch = 0; batch < 25; batch++)
        {
            // Ten at a time: order of creation within a batch is not defined, so collect ids as they come back.
            var tasks = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => owner.CreateTaskAsync(projectId, $"task {batch}-{i}")));
            created.AddRange(tasks.Select(t => t.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = $"/api/projects/{projectId}/tasks?limit=40" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            var page = await HttpAssert.OkAsync(await owner.Client.GetAsync(url));
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.InRange(items.Count, 1, 40);
            seen.AddRange(items.Select(t => t.GetProperty("id").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(7, pages);
        Assert.Equal(250, seen.Count);
        Assert.Equal(250, seen.Distinct().Count());
        Assert.Equal(created, seen);
    }

    [Fact]
    public async Task Listing_filters_by_status_and_defaults_to_50()
    {
        var owner = await fixture.NewUserAsync();
        var projectId = await owner.CreateProjectAsync();
        for (var i = 0; i < 60; i++)
        {
            await owner.CreateTaskAsync(projectId, $"t{i}", status: i % 3 == 0 ? "done" : "todo");
        }

        var first = await HttpAssert.OkAsync(await owner.Client.GetAsync($"/api/projects/{projectId}/tasks"));
        Assert.Equal(50, first.GetProperty("items").GetArrayLength());
        Assert.NotNull(first.GetProperty("nextCursor").GetString());

        var done = await HttpAssert.OkAsync(await owner.Client.GetAsync($"/api/projects/{projectId}/tasks?status=done&limit=200"));
        Assert.Equal(20, done.GetProperty("items").GetArrayLength());
        Assert.All(done.GetProperty("items").EnumerateArray(), t => Assert.Equal("done", t.GetProperty("status").GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, done.GetProperty("nextCursor").ValueKind);

        var inProgress = await HttpAssert.OkAsync(await owner.Client.GetAsync($"/api/projects/{projectId}/tasks?status=in_progress"));
        Assert.Equal(0, inProgress.GetProperty("items").GetArrayLength());

        // Empty parameters, as in API.md's `?status=&limit=&cursor=`, mean "not given".
        var empty = await HttpAssert.OkAsync(await owner.Client.GetAsync($"/api/projects/{projectId}/tasks?status=&limit=&cursor="));
        Assert.Equal(50, empty.GetProperty("items").GetArrayLength());
    }
}
