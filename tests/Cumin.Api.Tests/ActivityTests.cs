using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cumin.Lambdas.Hosting;
using Cumin.Lambdas.LocalRunner;
using Cumin.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Cumin.Api.Tests;

/// <summary>The API with the activity function fed by the runner from the real tables' streams, as Cumin.Lambdas.LocalRunner's Program wires it.</summary>
public sealed class ActivityFixture : ApiFixture
{
    protected override void AddFunctions(HostApplicationBuilder runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        runner.Services.AddActivity(runner.Configuration);
        runner.Services.AddEventSourceRunner(runner.Configuration).AddActivityEventSources();
    }
}

/// <summary>API.md's Activity section, end to end: writes through the API, the streams, the function, PostgreSQL, the list.</summary>
public sealed class ActivityTests(ActivityFixture fixture) : IClassFixture<ActivityFixture>
{
    private static async Task<List<JsonElement>> ActivityAsync(TestUser user, string projectId, string query = "")
    {
        var page = await HttpAssert.OkAsync(await user.Client.GetAsync($"/api/projects/{projectId}/activity{query}"));
        return [.. page.GetProperty("items").EnumerateArray()];
    }

    /// <summary>Waits for the stream to bring <paramref name="count"/> entries (activity trails writes by moments).</summary>
    private static Task<List<JsonElement>> ActivityUntilAsync(TestUser user, string projectId, int count, string query = "") =>
        Eventually.Until(() => ActivityAsync(user, projectId, query), items => items.Count >= count);

    [Fact]
    public async Task Members_see_each_change_once_newest_first_with_its_actor_and_a_tasks_own_entries_by_taskId()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var ada = await fixture.NewUserAsync("Ada");
        var viewer = await fixture.NewUserAsync("Viewer");
        var projectId = await owner.CreateProjectAsync();
        await owner.AddMemberAsync(projectId, ada, "editor");
        await owner.AddMemberAsync(projectId, viewer, "viewer");
        var task = await owner.CreateTaskAsync(projectId, "Sow the beans");
        var taskId = task.GetProperty("id").GetString()!;
        var taskUrl = $"/api/projects/{projectId}/tasks/{taskId}";
        await HttpAssert.OkAsync(await ada.Client.PatchAsJsonAsync(taskUrl, new { title = "Sow the broad beans", assigneeId = ada.Id }));
        await HttpAssert.OkAsync(await ada.Client.PostAsJsonAsync($"{taskUrl}/move", new { status = "in_progress" }));
        await HttpAssert.OkAsync(await ada.Client.PostAsJsonAsync($"{taskUrl}/comments", new { body = "Started" }), HttpStatusCode.Created);
        await HttpAssert.OkAsync(await owner.Client.PostAsJsonAsync($"/api/projects/{projectId}/labels", new { name = "seeds", color = "#22aa44" }), HttpStatusCode.Created);

        // project.updated (created), 2 × member.added, task.created, task.updated, task.moved, comment.created, label.created.
        var items = await ActivityUntilAsync(viewer, projectId, 8);
        Assert.Equal(8, items.Count);
        var types = items.Select(i => i.GetProperty("type").GetString()).ToList();
        Assert.Equal(
            ["label.created", "comment.created", "task.moved", "task.updated", "task.created", "member.added", "member.added", "project.updated"],
            types);
        var byType = items.GroupBy(i => i.GetProperty("type").GetString()!).ToDictionary(g => g.Key, g => g.First());
        Assert.Equal(ada.Id, byType["task.updated"].GetProperty("actorId").GetString());
        Assert.Equal(owner.Id, byType["task.created"].GetProperty("actorId").GetString());
        Assert.Equal(ada.Id, byType["comment.created"].GetProperty("actorId").GetString());
        var changes = byType["task.updated"].GetProperty("changes");
        Assert.Equal("Sow the beans", changes.GetProperty("title").GetProperty("from").GetString());
        Assert.Equal("Sow the broad beans", changes.GetProperty("title").GetProperty("to").GetString());
        Assert.Equal(ada.Id, changes.GetProperty("assigneeId").GetProperty("to").GetString());
        Assert.Equal("in_progress", byType["task.moved"].GetProperty("changes").GetProperty("status").GetProperty("to").GetString());
        Assert.All(items, i => Assert.Equal(projectId, i.GetProperty("projectId").GetString()));
        Assert.Equal(JsonValueKind.Null, byType["label.created"].GetProperty("taskId").ValueKind);
        var times = items.Select(i => i.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderDescending(), times);

        var ofTask = await ActivityAsync(owner, projectId, $"?taskId={taskId}");
        Assert.Equal(["comment.created", "task.moved", "task.updated", "task.created"], ofTask.Select(i => i.GetProperty("type").GetString()));

        // Each write once: nothing more arrives later.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(8, (await ActivityAsync(owner, projectId)).Count);
    }

    [Fact]
    public async Task Another_users_project_is_a_404_and_so_is_one_that_does_not_exist()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var stranger = await fixture.NewUserAsync("Stranger");
        var projectId = await owner.CreateProjectAsync();

        await HttpAssert.ProblemAsync(await stranger.Client.GetAsync($"/api/projects/{projectId}/activity"), HttpStatusCode.NotFound);
        await HttpAssert.ProblemAsync(await stranger.Client.GetAsync($"/api/projects/{projectId}/activity?limit=0"), HttpStatusCode.BadRequest);
        await HttpAssert.ProblemAsync(await owner.Client.GetAsync("/api/projects/01JZZZZZZZZZZZZZZZZZZZZZZZ/activity"), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Client().GetAsync($"/api/projects/{projectId}/activity")).StatusCode);
    }

    [Fact]
    public async Task Pages_follow_the_cursor_through_every_entry_once_and_bad_limits_or_cursors_are_400s()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var projectId = await owner.CreateProjectAsync();
        for (var i = 0; i < 6; i++)
        {
            await owner.CreateTaskAsync(projectId, $"Task {i}");
        }

        var all = await ActivityUntilAsync(owner, projectId, 7);
        Assert.Equal(7, all.Count);

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await HttpAssert.OkAsync(await owner.Client.GetAsync(
                $"/api/projects/{projectId}/activity?limit=3" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}")));
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.InRange(items.Count, 1, 3);
            seen.AddRange(items.Select(i => i.GetProperty("id").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(all.Select(i => i.GetProperty("id").GetString()), seen);

        foreach (var query in new[] { "?limit=0", "?limit=201", "?limit=abc", "?limit=-1", "?cursor=not-a-cursor", "?cursor=%%%", "?taskId=../x" })
        {
            await HttpAssert.ProblemAsync(await owner.Client.GetAsync($"/api/projects/{projectId}/activity{query}"), HttpStatusCode.BadRequest);
        }
    }

    [Fact]
    public async Task With_PostgreSQL_unreachable_the_list_is_a_503_with_retry_after()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var projectId = await owner.CreateProjectAsync();
        await using var away = fixture.Api.WithSettings(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = $"Host=127.0.0.1;Port={FreePort.Next()};Username=cumin;Database=none;Timeout=2",
        });
        using var client = away.Client();
        client.DefaultRequestHeaders.Authorization = owner.Client.DefaultRequestHeaders.Authorization;

        var response = await client.GetAsync($"/api/projects/{projectId}/activity");

        await HttpAssert.ProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.True(response.Headers.Contains("Retry-After"));
    }
}
