using System.Net.Http.Json;
using System.Text.Json;
using Cumin.Lambdas.Hosting;
using Cumin.Lambdas.LocalRunner;
using Cumin.Testing;
using Microsoft.Extensions.Hosting;

namespace Cumin.Api.Tests;

/// <summary>With the aggregator running: the runner's counts reach watchers as <c>counts.updated</c>.</summary>
public sealed class LiveCountsFixture : ApiFixture
{
    protected override void AddFunctions(HostApplicationBuilder runner)
    {
        base.AddFunctions(runner);
        runner.Services.AddAggregator(runner.Configuration);
        runner.Services.AddEventSourceRunner(runner.Configuration).AddAggregatorEventSources();
    }
}

/// <summary>API.md's <c>counts.updated</c>: the aggregator stores counts, the project hands them to its watchers.</summary>
public sealed class LiveCountsTests(LiveCountsFixture fixture) : IClassFixture<LiveCountsFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Watchers_get_the_counts_the_aggregator_stored_after_each_change_and_they_match_the_project_list()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var projectId = await owner.CreateProjectAsync();
        await using var live = await LiveClient.ConnectAsync(fixture.Api.BaseAddress, owner.AccessToken);
        await live.WatchAsync(projectId);

        var first = await owner.CreateTaskAsync(projectId, "sow");
        await owner.CreateTaskAsync(projectId, "water");
        await HttpAssert.OkAsync(await owner.Client.PatchAsJsonAsync(
            $"/api/projects/{projectId}/tasks/{first.GetProperty("id").GetString()}", new { status = "done" }));

        Assert.True(
            await live.WaitUntilAsync(events => events.Any(e => IsCounts(e, todo: 1, inProgress: 0, done: 1)), Patience),
            $"no counts.updated with 1 to do and 1 done; got {string.Join(", ", live.OfType("counts.updated").Select(e => e.GetProperty("data")))}");
        var counts = live.OfType("counts.updated");
        Assert.All(counts, e =>
        {
            Assert.Equal(projectId, e.GetProperty("projectId").GetString());
            Assert.Equal(JsonValueKind.Null, e.GetProperty("actorId").ValueKind);
            var data = e.GetProperty("data");
            Assert.Equal(
                data.GetProperty("todo").GetInt64() + data.GetProperty("inProgress").GetInt64() + data.GetProperty("done").GetInt64(),
                data.GetProperty("total").GetInt64());
        });
        // Each counts.updated is newer than the one before: the last one shown is the final state, never an older one.
        Assert.True(IsCounts(counts[^1], todo: 1, inProgress: 0, done: 1), $"the last counts.updated is {counts[^1]}");

        var listed = await owner.Client.GetFromJsonAsync<JsonElement>("/api/projects", ApiFixture.Json);
        var project = listed.GetProperty("items").EnumerateArray().Single(p => p.GetProperty("id").GetString() == projectId);
        Assert.Equal(2, project.GetProperty("counts").GetProperty("total").GetInt64());
        Assert.Equal(1, project.GetProperty("counts").GetProperty("done").GetInt64());
    }

    private static bool IsCounts(JsonElement e, long todo, long inProgress, long done) =>
        e.GetProperty("type").GetString() == "counts.updated"
        && e.GetProperty("data") is var data
        && data.GetProperty("todo").GetInt64() == todo
        && data.GetProperty("inProgress").GetInt64() == inProgress
        && data.GetProperty("done").GetInt64() == done
        && data.GetProperty("total").GetInt64() == todo + inProgress + done;
}
