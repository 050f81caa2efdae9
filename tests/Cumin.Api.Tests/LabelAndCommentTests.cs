using System.Net;
using System.Net.Http.Json;

namespace Cumin.Api.Tests;

/// <summary>API.md's Labels and Comments sections.</summary>
[Collection(ApiCollection.Name)]
public sealed class LabelAndCommentTests(ApiFixture fixture)
{
    [Fact]
    public async Task Labels_are_listed_by_name_unique_regardless_of_case_and_gone_from_tasks_when_deleted()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var viewer = await fixture.NewUserAsync("Viewer");
        var stranger = await fixture.NewUserAsync("Stranger");
        var projectId = await owner.CreateProjectAsync();
        await owner.AddMemberAsync(projectId, viewer, "viewer");
        var labels = $"/api/projects/{projectId}/labels";

        var pots = await BoardTests.LabelAsync(owner, projectId, "pots", "#aa4422");
        var herbs = await HttpAssert.OkAsync(await owner.Client.PostAsJsonAsync(labels, new { name = "Herbs", color = "#22AA44" }), HttpStatusCode.Created);
        Assert.Equal(projectId, herbs.GetProperty("projectId").GetString());
        var herbsId = herbs.GetProperty("id").GetString()!;
        await HttpAssert.ProblemAsync(await owner.Client.PostAsJsonAsync(labels, new { name = "HERBS", color = "#000000" }), HttpStatusCode.Conflict);
        await HttpAssert.ProblemAsync(await owner.Client.PatchAsJsonAsync($"{labels}/{pots}", new { name = "herbs" }), HttpStatusCode.Conflict);
        await HttpAssert.ProblemAsync(await viewer.Client.PostAsJsonAsync(labels, new { name = "Mine", color = "#000000" }), HttpStatusCode.Forbidden);
        await HttpAssert.ProblemAsync(await stranger.Client.GetAsync(labels), HttpStatusCode.NotFound);
        foreach (var bad in new[] { """{"name":"x","color":"red"}""", """{"name":"","color":"#000000"}""", $$"""{"name":"{{new string('n', 51)}}","color":"#000000"}""", """{"name":"x"}""", """{"name":"x","color":"#000000","id":"mine"}""" })
        {
            await HttpAssert.ProblemAsync(await owner.Client.PostRawAsync(labels, bad), HttpStatusCode.BadRequest);
        }

        var listed = await HttpAssert.OkAsync(await viewer.Client.GetAsync(labels));
        Assert.Equal(["Herbs", "pots"], listed.GetProperty("items").EnumerateArray().Select(l => l.GetProperty("name").GetString()));

        var task = await HttpAssert.OkAsync(await owner.Client.PostAsJsonAsync($"/api/projects/{projectId}/tasks", new { title = "Repot basil", labelIds = new[] { herbsId, pots } }), HttpStatusCode.Created);
        var url = $"/api/projects/{projectId}/tasks/{task.GetProperty("id").GetString()}";
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.DeleteAsync($"{labels}/{herbsId}")).StatusCode);
        Assert.Equal([pots], (await HttpAssert.OkAsync(await viewer.Client.GetAsync(url))).GetProperty("labelIds").EnumerateArray().Select(l => l.GetString()));
        Assert.Empty((await HttpAssert.OkAsync(await viewer.Client.GetAsync($"/api/projects/{projectId}/tasks?labelId={herbsId}"))).GetProperty("items").EnumerateArray());
        await HttpAssert.ProblemAsync(await owner.Client.DeleteAsync($"{labels}/{herbsId}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Comments_are_paged_edited_by_their_author_deleted_by_them_or_the_owner_and_counted_on_the_task()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var ada = await fixture.NewUserAsync("Ada");
        var bob = await fixture.NewUserAsync("Bob");
        var viewer = await fixture.NewUserAsync("Viewer");
        var projectId = await owner.CreateProjectAsync();
        await owner.AddMemberAsync(projectId, ada, "editor");
        await owner.AddMemberAsync(projectId, bob, "editor");
        await owner.AddMemberAsync(projectId, viewer, "viewer");
        var taskUrl = $"/api/projects/{projectId}/tasks/{(await owner.CreateTaskAsync(projectId)).GetProperty("id").GetString()}";
        var comments = $"{taskUrl}/comments";

        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var created = await ada.Client.PostAsJsonAsync(comments, new { body = $"note {i}" });
            var comment = await HttpAssert.OkAsync(created, HttpStatusCode.Created);
            Assert.Equal(ada.Id, comment.GetProperty("authorId").GetString());
            Assert.Equal($"{comments}/{comment.GetProperty("id").GetString()}", created.Headers.Location?.OriginalString);
            ids.Add(comment.GetProperty("id").GetString()!);
        }

        Assert.Equal(3, (await HttpAssert.OkAsync(await viewer.Client.GetAsync(taskUrl))).GetProperty("commentCount").GetInt32());
        var first = await HttpAssert.OkAsync(await viewer.Client.GetAsync($"{comments}?limit=2"));
        var second = await HttpAssert.OkAsync(await viewer.Client.GetAsync($"{comments}?limit=2&cursor={first.GetProperty("nextCursor").GetString()}"));
        Assert.Equal(ids, first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(c => c.GetProperty("id").GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);

        await HttpAssert.ProblemAsync(await viewer.Client.PostAsJsonAsync(comments, new { body = "me too" }), HttpStatusCode.Forbidden);
        await HttpAssert.ProblemAsync(await bob.Client.PatchAsJsonAsync($"{comments}/{ids[0]}", new { body = "not yours" }), HttpStatusCode.Forbidden);
        await HttpAssert.ProblemAsync(await owner.Client.PatchAsJsonAsync($"{comments}/{ids[0]}", new { body = "not the owner's" }), HttpStatusCode.Forbidden);
        await HttpAssert.ProblemAsync(await bob.Client.DeleteAsync($"{comments}/{ids[0]}"), HttpStatusCode.Forbidden);
        await HttpAssert.ProblemAsync(await ada.Client.PostRawAsync(comments, """{"body":""}"""), HttpStatusCode.BadRequest);
        await HttpAssert.ProblemAsync(await ada.Client.PostRawAsync(comments, $$"""{"body":"{{new string('b', 10_001)}}"}"""), HttpStatusCode.BadRequest);
        await HttpAssert.ProblemAsync(await ada.Client.GetAsync($"{comments}?limit=0"), HttpStatusCode.BadRequest);

        Assert.Equal("edited", (await HttpAssert.OkAsync(await ada.Client.PatchAsJsonAsync($"{comments}/{ids[0]}", new { body = "edited" }))).GetProperty("body").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await ada.Client.DeleteAsync($"{comments}/{ids[1]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.DeleteAsync($"{comments}/{ids[2]}")).StatusCode);
        Assert.Equal(1, (await HttpAssert.OkAsync(await viewer.Client.GetAsync(taskUrl))).GetProperty("commentCount").GetInt32());

        // The task goes, and its comments with it.
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.DeleteAsync(taskUrl)).StatusCode);
        await HttpAssert.ProblemAsync(await owner.Client.GetAsync(comments), HttpStatusCode.NotFound);
        await HttpAssert.ProblemAsync(await ada.Client.PatchAsJsonAsync($"{comments}/{ids[0]}", new { body = "too late" }), HttpStatusCode.NotFound);
    }
}
