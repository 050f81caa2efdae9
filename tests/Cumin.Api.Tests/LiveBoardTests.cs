using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using Cumin.Api.Live;
using Cumin.Testing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Cumin.Api.Tests;

/// <summary>API.md's "Live board": WatchProject, projectEvent, on two API instances of one cluster.</summary>
[Collection(ApiCollection.Name)]
public sealed class LiveBoardTests(ApiFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private ApiFactory _second = null!;

    public Task InitializeAsync()
    {
        _second = fixture.Api.WithSettings(new Dictionary<string, string?>());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _second.DisposeAsync();

    [Fact]
    public async Task Watchers_on_two_api_instances_see_each_others_changes_in_one_order_with_each_tasks_version()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var bob = await fixture.NewUserAsync("Bob");
        var projectId = await owner.CreateProjectAsync();
        await owner.AddMemberAsync(projectId, bob, "editor");
        var bobOnSecond = bob with { Client = Authorized(_second.Client(), bob) };
        await using var first = await LiveClient.ConnectAsync(fixture.Api.BaseAddress, owner.AccessToken);
        await using var second = await LiveClient.ConnectAsync(_second.BaseAddress, bob.AccessToken);
        await first.WatchAsync(projectId);
        await second.WatchAsync(projectId);

        // Changes through both instances at once, several on each task, so the project interleaves them.
        var taskIds = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            taskIds.Add((await (i % 2 == 0 ? owner : bobOnSecond).CreateTaskAsync(projectId, $"task {i}")).GetProperty("id").GetString()!);
        }

        var writes = taskIds.SelectMany((taskId, i) => Enumerable.Range(0, 5).Select(round => (taskId, user: (i + round) % 2 == 0 ? owner : bobOnSecond, round)))
            .GroupBy(w => w.user)
            .Select(async writes =>
            {
                foreach (var (taskId, user, round) in writes)
                {
                    await HttpAssert.OkAsync(await user.Client.PatchAsJsonAsync($"/api/projects/{projectId}/tasks/{taskId}", new { title = $"round {round}" }));
                }
            });
        await Task.WhenAll(writes);
        const int expected = 4 + 20;

        Assert.True(await first.WaitUntilAsync(e => e.Count >= expected, Patience), $"the first watcher got {first.Received.Count} of {expected}");
        Assert.True(await second.WaitUntilAsync(e => e.Count >= expected, Patience), $"the second watcher got {second.Received.Count} of {expected}");
        Assert.Equal(Ids(first.Received), Ids(second.Received));
        Assert.Equal(expected, first.Received.Count);
        Assert.All(first.Received, e => Assert.Equal(projectId, e.GetProperty("projectId").GetString()));
        foreach (var taskId in taskIds)
        {
            var versions = first.Received.Where(e => e.GetProperty("data").GetProperty("id").GetString() == taskId)
                .Select(e => e.GetProperty("data").GetProperty("version").GetInt64()).ToList();
            Assert.Equal([1, 2, 3, 4, 5, 6], versions);
        }

        // The actor's own connection included, each event names who made it.
        Assert.Equal(
            [owner.Id, bob.Id, owner.Id, bob.Id],
            first.OfType("task.created").Select(e => e.GetProperty("actorId").GetString()));
    }

    [Fact]
    public async Task Every_kind_of_change_arrives_as_its_event_with_api_md_data()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var viewer = await fixture.NewUserAsync("Vera");
        var projectId = await owner.CreateProjectAsync();
        await using var watcher = await LiveClient.ConnectAsync(_second.BaseAddress, owner.AccessToken);
        await watcher.WatchAsync(projectId);
        var project = $"/api/projects/{projectId}";

        await owner.AddMemberAsync(projectId, viewer, "viewer");
        await using var viewing = await LiveClient.ConnectAsync(fixture.Api.BaseAddress, viewer.AccessToken);
        await viewing.WatchAsync(projectId);
        var label = await HttpAssert.OkAsync(await owner.Client.PostAsJsonAsync($"{project}/labels", new { name = "Herbs", color = "#22aa44" }), HttpStatusCode.Created);
        var labelId = label.GetProperty("id").GetString();
        await HttpAssert.OkAsync(await owner.Client.PatchAsJsonAsync($"{project}/labels/{labelId}", new { color = "#118833" }));
        var task = await owner.CreateTaskAsync(projectId, "Sow basil");
        var taskId = task.GetProperty("id").GetString();
        var taskUrl = $"{project}/tasks/{taskId}";
        await HttpAssert.OkAsync(await owner.Client.PatchAsJsonAsync(taskUrl, new { priority = "high", labelIds = new[] { labelId } }));
        await HttpAssert.OkAsync(await owner.Client.PostAsJsonAsync($"{taskUrl}/move", new { status = "in_progress" }));
        var comment = await HttpAssert.OkAsync(await owner.Client.PostAsJsonAsync($"{taskUrl}/comments", new { body = "the big pots" }), HttpStatusCode.Created);
        var commentId = comment.GetProperty("id").GetString();
        await HttpAssert.OkAsync(await owner.Client.PatchAsJsonAsync($"{taskUrl}/comments/{commentId}", new { body = "the big pots, in the shed" }));
        await HttpAssert.OkAsync(await owner.Client.DeleteAsync($"{taskUrl}/comments/{commentId}"), HttpStatusCode.NoContent);
        await HttpAssert.OkAsync(await owner.Client.DeleteAsync($"{project}/labels/{labelId}"), HttpStatusCode.NoContent);
        // The label leaves its tasks within moments of the deletion, not before it is acknowledged (the project has each
        // task store its repair): the next change waits for that repair, so the expected order is the order of events.
        Assert.True(
            await watcher.WaitUntilAsync(e => Types(e).Count(t => t == "task.updated") >= 2, Patience),
            "the deleted label's repair of the task: " + string.Join(", ", Types(watcher.Received)));
        await HttpAssert.OkAsync(await owner.Client.PatchAsJsonAsync(project, new { name = "Kitchen garden" }));
        await HttpAssert.OkAsync(await owner.Client.DeleteAsync(taskUrl), HttpStatusCode.NoContent);
        await HttpAssert.OkAsync(await viewer.Client.DeleteAsync($"{project}/members/{viewer.Id}"), HttpStatusCode.NoContent);

        string[] expected =
        [
            "member.added", "label.created", "label.updated", "task.created", "task.updated", "task.moved",
            "comment.created", "comment.updated", "comment.deleted", "label.deleted", "task.updated", "project.updated",
            "task.deleted", "member.removed",
        ];
        Assert.True(await watcher.WaitUntilAsync(e => e.Count >= expected.Length, Patience), string.Join(", ", Types(watcher.Received)));
        Assert.Equal(expected, Types(watcher.Received));
        var events = watcher.Received.ToDictionary(e => e.GetProperty("id").GetString()!);
        Assert.Equal(events.Count, watcher.Received.Count);
        Data Of(int i) => new(watcher.Received[i]);

        Assert.Equal(viewer.Id, Of(0).String("userId"));
        Assert.Equal("viewer", Of(0).String("role"));
        Assert.Equal(viewer.Email, Of(0).String("email"));
        Assert.Equal("#118833", Of(2).String("color"));
        Assert.Equal(labelId, Of(2).String("id"));
        Assert.Equal(1, Of(3).Long("version"));
        Assert.Equal("todo", Of(3).String("status"));
        Assert.Equal("high", Of(4).String("priority"));
        Assert.Equal("in_progress", Of(5).String("status"));
        Assert.Equal(3, Of(5).Long("version"));
        Assert.Equal("the big pots", Of(6).String("body"));
        Assert.Equal(taskId, Of(6).String("taskId"));
        Assert.Equal("the big pots, in the shed", Of(7).String("body"));
        Assert.Equal(commentId, Of(8).String("commentId"));
        Assert.Equal(labelId, Of(9).String("labelId"));
        // The deleted label's repair: the task is stored without it.
        Assert.Empty(Of(10).Element.GetProperty("labelIds").EnumerateArray());
        Assert.Equal("Kitchen garden", Of(11).String("name"));
        Assert.Equal("owner", Of(11).String("role"));
        Assert.Equal(JsonValueKind.Object, Of(11).Element.GetProperty("counts").ValueKind);
        Assert.Equal(taskId, Of(12).String("taskId"));
        Assert.Equal(viewer.Id, Of(13).String("userId"));
        Assert.Equal(viewer.Id, watcher.Received[13].GetProperty("actorId").GetString());
        Assert.All(watcher.Received, e => Assert.Equal(JsonValueKind.String, e.GetProperty("at").ValueKind));

        // The viewer's project.updated names their own role.
        var seen = await viewing.WaitForAsync("project.updated", limit: Patience);
        Assert.Equal("viewer", seen!.Value.GetProperty("data").GetProperty("role").GetString());
    }

    [Fact]
    public async Task A_non_member_cannot_watch_and_learns_nothing_of_the_project()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var stranger = await fixture.NewUserAsync("Stranger");
        var projectId = await owner.CreateProjectAsync();
        await using var watcher = await LiveClient.ConnectAsync(fixture.Api.BaseAddress, stranger.AccessToken);

        foreach (var id in new[] { projectId, "01JNOSUCHPROJECT000000000", "not/an id" })
        {
            var refused = await Assert.ThrowsAsync<HubException>(() => watcher.WatchAsync(id));
            Assert.Contains("not found", refused.Message, StringComparison.Ordinal);
        }

        await owner.CreateTaskAsync(projectId);
        await using var ownerWatch = await LiveClient.ConnectAsync(fixture.Api.BaseAddress, owner.AccessToken);
        await ownerWatch.WatchAsync(projectId);
        await owner.CreateTaskAsync(projectId, "after");
        Assert.NotNull(await ownerWatch.WaitForAsync("task.created", limit: Patience));
        Assert.Empty(watcher.Received);
    }

    [Fact]
    public async Task A_removed_member_gets_their_own_removal_on_every_instance_and_nothing_after_it()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var bob = await fixture.NewUserAsync("Bob");
        var projectId = await owner.CreateProjectAsync();
        await owner.AddMemberAsync(projectId, bob, "editor");
        await using var onFirst = await LiveClient.ConnectAsync(fixture.Api.BaseAddress, bob.AccessToken);
        await using var onSecond = await LiveClient.ConnectAsync(_second.BaseAddress, bob.AccessToken);
        await using var ownerWatch = await LiveClient.ConnectAsync(_second.BaseAddress, owner.AccessToken);
        await onFirst.WatchAsync(projectId);
        await onSecond.WatchAsync(projectId);
        await ownerWatch.WatchAsync(projectId);

        await HttpAssert.OkAsync(await owner.Client.DeleteAsync($"/api/projects/{projectId}/members/{bob.Id}"), HttpStatusCode.NoContent);
        await owner.CreateTaskAsync(projectId, "after Bob left");

        Assert.NotNull(await ownerWatch.WaitForAsync("task.created", limit: Patience));
        foreach (var bobs in new[] { onFirst, onSecond })
        {
            Assert.True(await bobs.WaitUntilAsync(e => e.Count > 0, Patience));
            var only = Assert.Single(bobs.Received);
            Assert.Equal("member.removed", only.GetProperty("type").GetString());
            Assert.Equal(bob.Id, only.GetProperty("data").GetProperty("userId").GetString());
            Assert.Equal(HubConnectionState.Connected, bobs.State);
        }

        var again = await Assert.ThrowsAsync<HubException>(() => onFirst.WatchAsync(projectId));
        Assert.Contains("not found", again.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_project_ends_every_watch()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var bob = await fixture.NewUserAsync("Bob");
        var projectId = await owner.CreateProjectAsync();
        await owner.AddMemberAsync(projectId, bob, "viewer");
        await using var ownerWatch = await LiveClient.ConnectAsync(fixture.Api.BaseAddress, owner.AccessToken);
        await using var bobWatch = await LiveClient.ConnectAsync(_second.BaseAddress, bob.AccessToken);
        await ownerWatch.WatchAsync(projectId);
        await bobWatch.WatchAsync(projectId);

        await HttpAssert.OkAsync(await owner.Client.DeleteAsync($"/api/projects/{projectId}"), HttpStatusCode.NoContent);

        foreach (var watcher in new[] { ownerWatch, bobWatch })
        {
            var deleted = await watcher.WaitForAsync("project.deleted", limit: Patience);
            Assert.NotNull(deleted);
            Assert.Empty(deleted.Value.GetProperty("data").EnumerateObject());
            await Assert.ThrowsAsync<HubException>(() => watcher.WatchAsync(projectId));
        }

        await Eventually.HoldsAsync(
            () => Task.FromResult(!Relay(fixture.Api).IsWatching(projectId) && !Relay(_second).IsWatching(projectId)),
            Patience, "both instances let the deleted project go");
    }

    [Fact]
    public async Task A_connection_watches_at_most_fifty_projects()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var projects = new List<string>();
        for (var i = 0; i < 51; i++)
        {
            projects.Add(await owner.CreateProjectAsync($"p{i}"));
        }

        await using var watcher = await LiveClient.ConnectAsync(fixture.Api.BaseAddress, owner.AccessToken);
        foreach (var projectId in projects.Take(50))
        {
            await watcher.WatchAsync(projectId);
        }

        // Watching one again is no second watch.
        await watcher.WatchAsync(projects[0]);
        var refused = await Assert.ThrowsAsync<HubException>(() => watcher.WatchAsync(projects[50]));
        Assert.Contains("at most 50", refused.Message, StringComparison.Ordinal);

        await watcher.UnwatchAsync(projects[0]);
        await watcher.WatchAsync(projects[50]);
        await owner.CreateTaskAsync(projects[50]);
        await owner.CreateTaskAsync(projects[0]);
        Assert.NotNull(await watcher.WaitForAsync("task.created", t => t.GetProperty("projectId").GetString() == projects[50], Patience));
        await owner.CreateTaskAsync(projects[1]);
        Assert.NotNull(await watcher.WaitForAsync("task.created", t => t.GetProperty("projectId").GetString() == projects[1], Patience));
        Assert.DoesNotContain(watcher.Received, e => e.GetProperty("projectId").GetString() == projects[0]);
    }

    [Fact]
    public async Task Watching_writes_nothing_and_a_closed_connection_leaves_nothing_behind_on_any_instance()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var projectId = await owner.CreateProjectAsync();
        var stored = await ProjectItemVersionAsync(projectId);
        var second = Relay(_second);

        await using (var watcher = await LiveClient.ConnectAsync(_second.BaseAddress, owner.AccessToken))
        {
            await watcher.WatchAsync(projectId);
            await watcher.UnwatchAsync(projectId);
            await watcher.WatchAsync(projectId);
            Assert.True(second.IsWatching(projectId));
            await owner.CreateTaskAsync(projectId);
            Assert.NotNull(await watcher.WaitForAsync("task.created", limit: Patience));
        }

        await Eventually.HoldsAsync(() => Task.FromResult(!second.IsWatching(projectId)), Patience, "the closed connection's watch is let go");
        Assert.Equal(stored, await ProjectItemVersionAsync(projectId));

        // The project no longer sends that instance anything; the other instance, watching, still hears of changes.
        var received = second.BatchesReceived;
        await using var other = await LiveClient.ConnectAsync(fixture.Api.BaseAddress, owner.AccessToken);
        await other.WatchAsync(projectId);
        await owner.CreateTaskAsync(projectId, "only for the first instance");
        Assert.NotNull(await other.WaitForAsync("task.created", limit: Patience));
        Assert.Equal(received, second.BatchesReceived);
    }

    /// <summary>Issue 14, item 2: the project sends each change once per instance that watches, not once per watcher.</summary>
    [Fact]
    public async Task A_change_reaches_an_instance_once_however_many_of_its_connections_watch_and_an_instance_without_watchers_not_at_all()
    {
        const int watchersOnFirst = 8;
        const int changes = 3;
        var owner = await fixture.NewUserAsync("Owner");
        var projectId = await owner.CreateProjectAsync();
        await using var third = fixture.Api.WithSettings(new Dictionary<string, string?>());
        var (firstRelay, secondRelay, thirdRelay) = (Relay(fixture.Api), Relay(_second), Relay(third));
        var watchers = new List<LiveClient>();
        try
        {
            for (var i = 0; i < watchersOnFirst; i++)
            {
                watchers.Add(await LiveClient.ConnectAsync(fixture.Api.BaseAddress, owner.AccessToken));
            }

            watchers.Add(await LiveClient.ConnectAsync(_second.BaseAddress, owner.AccessToken));
            foreach (var watcher in watchers)
            {
                await watcher.WatchAsync(projectId);
            }

            var before = (firstRelay.BatchesReceived, secondRelay.BatchesReceived, thirdRelay.BatchesReceived);
            for (var i = 0; i < changes; i++)
            {
                await owner.CreateTaskAsync(projectId, $"task {i}");
            }

            foreach (var watcher in watchers)
            {
                Assert.True(await watcher.WaitUntilAsync(e => e.Count >= changes, Patience), $"a watcher got {watcher.Received.Count} of {changes}");
            }

            // Nothing more is on its way: the project has sent what it will.
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.All(watchers, w => Assert.Equal(changes, w.OfType("task.created").Count));
            Assert.Equal(changes, firstRelay.BatchesReceived - before.Item1);
            Assert.Equal(changes, secondRelay.BatchesReceived - before.Item2);
            Assert.Equal(0, thirdRelay.BatchesReceived - before.Item3);
        }
        finally
        {
            foreach (var watcher in watchers)
            {
                await watcher.DisposeAsync();
            }
        }
    }

    private static ProjectFeedRelay Relay(ApiFactory api) => api.Services.GetRequiredService<ProjectFeedRelay>();

    private async Task<string> ProjectItemVersionAsync(string projectId)
    {
        using var dynamo = LocalStack.DynamoDb();
        var item = await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = fixture.Settings["Cumin:Tables:Prefix"] + "projects",
            Key = new() { ["pk"] = new AttributeValue { S = projectId } },
            ConsistentRead = true,
        });
        return item.Item["etag"].N;
    }

    private static HttpClient Authorized(HttpClient client, TestUser user)
    {
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", user.AccessToken);
        return client;
    }

    private static List<string> Ids(IReadOnlyList<JsonElement> events) => [.. events.Select(e => e.GetProperty("id").GetString()!)];

    private static List<string> Types(IReadOnlyList<JsonElement> events) => [.. events.Select(e => e.GetProperty("type").GetString()!)];

    private readonly record struct Data(JsonElement Event)
    {
        public JsonElement Element => Event.GetProperty("data");

        public string? String(string name) => Element.GetProperty(name).GetString();

        public long Long(string name) => Element.GetProperty(name).GetInt64();
    }
}
