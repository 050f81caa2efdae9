using System.Net;
using System.Net.Http.Json;

namespace Cumin.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class ProjectTests(ApiFixture fixture)
{
    [Fact]
    public async Task Created_project_is_listed_with_role_counts_and_location()
    {
        var owner = await fixture.NewUserAsync();
        var response = await owner.Client.PostAsJsonAsync("/api/projects", new { name = "Kitchen", description = "spices" });
        var project = await HttpAssert.OkAsync(response, HttpStatusCode.Created);
        var id = project.GetProperty("id").GetString();
        Assert.Equal($"/api/projects/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("owner", project.GetProperty("role").GetString());
        Assert.Equal(owner.Id, project.GetProperty("ownerId").GetString());
        Assert.Equal(0, project.GetProperty("counts").GetProperty("total").GetInt64());

        var list = await HttpAssert.OkAsync(await owner.Client.GetAsync("/api/projects"));
        var listed = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal(id, listed.GetProperty("id").GetString());
        Assert.Equal("Kitchen", listed.GetProperty("name").GetString());
        foreach (var field in new[] { "todo", "inProgress", "done", "total" })
        {
            Assert.True(listed.GetProperty("counts").TryGetProperty(field, out _), field);
        }
    }

    [Fact]
    public async Task Another_user_gets_404_on_the_project_its_tasks_and_members()
    {
        var owner = await fixture.NewUserAsync("Alice");
        var stranger = await fixture.NewUserAsync("Bob");
        var projectId = await owner.CreateProjectAsync();
        var task = await owner.CreateTaskAsync(projectId);
        var taskId = task.GetProperty("id").GetString();
        var c = stranger.Client;

        var attempts = new[]
        {
            await c.GetAsync($"/api/projects/{projectId}"),
            await c.PatchAsJsonAsync($"/api/projects/{projectId}", new { name = "mine now" }),
            await c.DeleteAsync($"/api/projects/{projectId}"),
            await c.GetAsync($"/api/projects/{projectId}/members"),
            await c.PostAsJsonAsync($"/api/projects/{projectId}/members", new { email = stranger.Email, role = "editor" }),
            await c.DeleteAsync($"/api/projects/{projectId}/members/{owner.Id}"),
            await c.GetAsync($"/api/projects/{projectId}/tasks"),
            await c.PostAsJsonAsync($"/api/projects/{projectId}/tasks", new { title = "sneaky" }),
            await c.GetAsync($"/api/projects/{projectId}/tasks/{taskId}"),
            await c.PatchAsJsonAsync($"/api/projects/{projectId}/tasks/{taskId}", new { status = "done" }),
            await c.DeleteAsync($"/api/projects/{projectId}/tasks/{taskId}"),
        };
        var missing = await stranger.Client.GetAsync("/api/projects/01JDOESNOTEXIST0000000000");

        // Same answer as for a project that does not exist: nothing leaks.
        var expected = await HttpAssert.ProblemAsync(missing, HttpStatusCode.NotFound);
        foreach (var attempt in attempts)
        {
            var problem = await HttpAssert.ProblemAsync(attempt, HttpStatusCode.NotFound);
            Assert.Equal(expected.GetProperty("title").GetString(), problem.GetProperty("title").GetString());
        }

        Assert.Empty((await HttpAssert.OkAsync(await c.GetAsync("/api/projects"))).GetProperty("items").EnumerateArray());
        var unchanged = await HttpAssert.OkAsync(await owner.Client.GetAsync($"/api/projects/{projectId}/tasks/{taskId}"));
        Assert.Equal("todo", unchanged.GetProperty("status").GetString());
        Assert.Equal("Garden", (await HttpAssert.OkAsync(await owner.Client.GetAsync($"/api/projects/{projectId}"))).GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_viewer_reads_but_gets_403_on_every_edit()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var viewer = await fixture.NewUserAsync("Viewer");
        var projectId = await owner.CreateProjectAsync();
        var taskId = (await owner.CreateTaskAsync(projectId)).GetProperty("id").GetString();
        await owner.AddMemberAsync(projectId, viewer, "viewer");
        var c = viewer.Client;

        Assert.Equal("viewer", (await HttpAssert.OkAsync(await c.GetAsync($"/api/projects/{projectId}"))).GetProperty("role").GetString());
        await HttpAssert.OkAsync(await c.GetAsync($"/api/projects/{projectId}/tasks"));
        await HttpAssert.OkAsync(await c.GetAsync($"/api/projects/{projectId}/tasks/{taskId}"));
        await HttpAssert.OkAsync(await c.GetAsync($"/api/projects/{projectId}/members"));

        var edits = new[]
        {
            await c.PatchAsJsonAsync($"/api/projects/{projectId}", new { name = "renamed" }),
            await c.DeleteAsync($"/api/projects/{projectId}"),
            await c.PostAsJsonAsync($"/api/projects/{projectId}/tasks", new { title = "new" }),
            await c.PatchAsJsonAsync($"/api/projects/{projectId}/tasks/{taskId}", new { status = "done" }),
            await c.DeleteAsync($"/api/projects/{projectId}/tasks/{taskId}"),
            await c.PostAsJsonAsync($"/api/projects/{projectId}/members", new { email = viewer.Email, role = "editor" }),
            await c.DeleteAsync($"/api/projects/{projectId}/members/{owner.Id}"),
        };
        foreach (var edit in edits)
        {
            await HttpAssert.ProblemAsync(edit, HttpStatusCode.Forbidden);
        }

        var task = await HttpAssert.OkAsync(await owner.Client.GetAsync($"/api/projects/{projectId}/tasks/{taskId}"));
        Assert.Equal("todo", task.GetProperty("status").GetString());
        Assert.Equal(1, task.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task An_editor_edits_tasks_and_the_project_but_not_members_or_deletion()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var editor = await fixture.NewUserAsync("Editor");
        var projectId = await owner.CreateProjectAsync();
        await owner.AddMemberAsync(projectId, editor, "editor");

        var task = await editor.CreateTaskAsync(projectId, "edited by editor");
        await HttpAssert.OkAsync(await editor.Client.PatchAsJsonAsync($"/api/projects/{projectId}/tasks/{task.GetProperty("id").GetString()}", new { status = "in_progress" }));
        var renamed = await HttpAssert.OkAsync(await editor.Client.PatchAsJsonAsync($"/api/projects/{projectId}", new { name = "Renamed" }));
        Assert.Equal("Renamed", renamed.GetProperty("name").GetString());

        await HttpAssert.ProblemAsync(await editor.Client.DeleteAsync($"/api/projects/{projectId}"), HttpStatusCode.Forbidden);
        await HttpAssert.ProblemAsync(await editor.Client.DeleteAsync($"/api/projects/{projectId}/members/{owner.Id}"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Members_are_added_listed_and_removed_by_the_owner()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var member = await fixture.NewUserAsync("Member");
        var projectId = await owner.CreateProjectAsync();

        var added = await HttpAssert.OkAsync(
            await owner.Client.PostAsJsonAsync($"/api/projects/{projectId}/members", new { email = member.Email.ToUpperInvariant(), role = "editor" }), HttpStatusCode.Created);
        Assert.Equal(member.Id, added.GetProperty("userId").GetString());
        Assert.Equal("editor", added.GetProperty("role").GetString());

        await HttpAssert.ProblemAsync(
            await owner.Client.PostAsJsonAsync($"/api/projects/{projectId}/members", new { email = member.Email, role = "viewer" }), HttpStatusCode.Conflict);
        await HttpAssert.ProblemAsync(
            await owner.Client.PostAsJsonAsync($"/api/projects/{projectId}/members", new { email = $"ghost-{Guid.NewGuid():N}@example.com", role = "viewer" }), HttpStatusCode.NotFound);
        await HttpAssert.ProblemAsync(
            await owner.Client.PostAsJsonAsync($"/api/projects/{projectId}/members", new { email = member.Email, role = "owner" }), HttpStatusCode.BadRequest);

        var members = await HttpAssert.OkAsync(await owner.Client.GetAsync($"/api/projects/{projectId}/members"));
        var roles = members.GetProperty("items").EnumerateArray().ToDictionary(m => m.GetProperty("userId").GetString()!, m => m.GetProperty("role").GetString());
        Assert.Equal("owner", roles[owner.Id]);
        Assert.Equal("editor", roles[member.Id]);
        Assert.Single((await HttpAssert.OkAsync(await member.Client.GetAsync("/api/projects"))).GetProperty("items").EnumerateArray());

        await HttpAssert.ProblemAsync(await owner.Client.DeleteAsync($"/api/projects/{projectId}/members/{owner.Id}"), HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.DeleteAsync($"/api/projects/{projectId}/members/{member.Id}")).StatusCode);
        await HttpAssert.ProblemAsync(await member.Client.GetAsync($"/api/projects/{projectId}"), HttpStatusCode.NotFound);
        Assert.Empty((await HttpAssert.OkAsync(await member.Client.GetAsync("/api/projects"))).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_member_leaves_a_project_and_the_owner_cannot()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var editor = await fixture.NewUserAsync("Editor");
        var projectId = await owner.CreateProjectAsync();
        await owner.AddMemberAsync(projectId, editor, "editor");

        await HttpAssert.ProblemAsync(await owner.Client.DeleteAsync($"/api/projects/{projectId}/members/{owner.Id}"), HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.NoContent, (await editor.Client.DeleteAsync($"/api/projects/{projectId}/members/{editor.Id}")).StatusCode);

        await HttpAssert.ProblemAsync(await editor.Client.GetAsync($"/api/projects/{projectId}"), HttpStatusCode.NotFound);
        Assert.Empty((await HttpAssert.OkAsync(await editor.Client.GetAsync("/api/projects"))).GetProperty("items").EnumerateArray());
        var members = await HttpAssert.OkAsync(await owner.Client.GetAsync($"/api/projects/{projectId}/members"));
        Assert.Equal([owner.Id], members.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("userId").GetString()));
    }

    [Fact]
    public async Task Deleting_a_project_takes_its_tasks_and_memberships_with_it()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var member = await fixture.NewUserAsync("Member");
        var projectId = await owner.CreateProjectAsync();
        await owner.AddMemberAsync(projectId, member, "viewer");
        var taskIds = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            taskIds.Add((await owner.CreateTaskAsync(projectId, $"task {i}")).GetProperty("id").GetString()!);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.DeleteAsync($"/api/projects/{projectId}")).StatusCode);

        await HttpAssert.ProblemAsync(await owner.Client.GetAsync($"/api/projects/{projectId}"), HttpStatusCode.NotFound);
        await HttpAssert.ProblemAsync(await owner.Client.GetAsync($"/api/projects/{projectId}/tasks"), HttpStatusCode.NotFound);
        foreach (var taskId in taskIds)
        {
            await HttpAssert.ProblemAsync(await owner.Client.GetAsync($"/api/projects/{projectId}/tasks/{taskId}"), HttpStatusCode.NotFound);
        }

        Assert.Empty((await HttpAssert.OkAsync(await owner.Client.GetAsync("/api/projects"))).GetProperty("items").EnumerateArray());
        Assert.Empty((await HttpAssert.OkAsync(await member.Client.GetAsync("/api/projects"))).GetProperty("items").EnumerateArray());
        var items = await TaskItemsInDynamoDBAsync(projectId);
        Assert.Equal(0, items);
    }

    private async Task<int> TaskItemsInDynamoDBAsync(string projectId)
    {
        using var dynamo = Cumin.Testing.LocalStack.DynamoDb();
        var response = await dynamo.QueryAsync(new Amazon.DynamoDBv2.Model.QueryRequest
        {
            TableName = fixture.Settings["Cumin:Tables:Prefix"] + "tasks",
            KeyConditionExpression = "pk = :pk",
            ExpressionAttributeValues = new() { [":pk"] = new Amazon.DynamoDBv2.Model.AttributeValue { S = projectId } },
            ConsistentRead = true,
        });
        return response.Count ?? 0;
    }
}
