using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Cumin.Api.Tests;

/// <summary>API.md's Tasks section beyond the basics: the new fields and PATCH's merge rules, moves, filters, my tasks.</summary>
[Collection(ApiCollection.Name)]
public sealed class BoardTests(ApiFixture fixture)
{
    [Fact]
    public async Task Assigning_dating_and_labelling_a_task_and_clearing_it_again()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var bob = await fixture.NewUserAsync("Bob");
        var projectId = await owner.CreateProjectAsync();
        await owner.AddMemberAsync(projectId, bob, "editor");
        var herbs = await LabelAsync(owner, projectId, "Herbs", "#22aa44");
        var created = await HttpAssert.OkAsync(await owner.Client.PostAsJsonAsync($"/api/projects/{projectId}/tasks",
            new { title = "Sow basil", description = "by the window", assigneeId = bob.Id, dueDate = "2026-12-24", labelIds = new[] { herbs } }), HttpStatusCode.Created);
        Assert.Equal(bob.Id, created.GetProperty("assigneeId").GetString());
        Assert.Equal("2026-12-24", created.GetProperty("dueDate").GetString());
        Assert.Equal([herbs], created.GetProperty("labelIds").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(owner.Id, created.GetProperty("createdBy").GetString());
        Assert.Equal(0, created.GetProperty("commentCount").GetInt32());
        Assert.False(string.IsNullOrEmpty(created.GetProperty("rank").GetString()));
        var url = $"/api/projects/{projectId}/tasks/{created.GetProperty("id").GetString()}";

        // Left out: unchanged. null: cleared where allowed. labelIds: replaced.
        var cleared = await HttpAssert.OkAsync(await bob.Client.PatchRawAsync(url, """{"assigneeId":null,"dueDate":null,"labelIds":[]}"""));
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("assigneeId").ValueKind);
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("dueDate").ValueKind);
        Assert.Empty(cleared.GetProperty("labelIds").EnumerateArray());
        Assert.Equal("by the window", cleared.GetProperty("description").GetString());
        Assert.Equal("Sow basil", cleared.GetProperty("title").GetString());
        Assert.Equal(bob.Id, cleared.GetProperty("updatedBy").GetString());
        Assert.Equal(JsonValueKind.Null, (await HttpAssert.OkAsync(await bob.Client.PatchRawAsync(url, """{"description":null}"""))).GetProperty("description").ValueKind);
    }

    public static TheoryData<string, string> BadPatches => new()
    {
        { "title null", """{"title":null}""" },
        { "status null", """{"status":null}""" },
        { "priority null", """{"priority":null}""" },
        { "labelIds null", """{"labelIds":null}""" },
        { "21 labels", $$"""{"labelIds":[{{string.Join(",", Enumerable.Range(0, 21).Select(i => $"\"01JLABEL{i:D17}\""))}}]}""" },
        { "label id with a slash", """{"labelIds":["a/b"]}""" },
        { "due date not a date", """{"dueDate":"next week"}""" },
        { "due date with a time", """{"dueDate":"2026-12-24T10:00:00Z"}""" },
        { "assignee as number", """{"assigneeId":42}""" },
        { "labels as string", """{"labelIds":"01JLABEL"}""" },
        { "rank is not writable", """{"rank":"a0"}""" },
        { "commentCount is not writable", """{"commentCount":9}""" },
    };

    [Theory]
    [MemberData(nameof(BadPatches))]
    public async Task A_patch_breaking_the_rules_is_400_and_changes_nothing(string because, string json)
    {
        var owner = await fixture.NewUserAsync();
        var projectId = await owner.CreateProjectAsync();
        var url = $"/api/projects/{projectId}/tasks/{(await owner.CreateTaskAsync(projectId)).GetProperty("id").GetString()}";
        await HttpAssert.ProblemAsync(await owner.Client.PatchRawAsync(url, json), HttpStatusCode.BadRequest);
        var task = await HttpAssert.OkAsync(await owner.Client.GetAsync(url));
        Assert.True(task.GetProperty("version").GetInt64() == 1, because);
    }

    [Fact]
    public async Task Names_of_another_project_or_of_non_members_are_400_and_create_nothing()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var stranger = await fixture.NewUserAsync("Stranger");
        var projectId = await owner.CreateProjectAsync();
        var otherProject = await stranger.CreateProjectAsync();
        var theirLabel = await LabelAsync(stranger, otherProject, "Theirs", "#000000");
        var tasks = $"/api/projects/{projectId}/tasks";

        await HttpAssert.ProblemAsync(await owner.Client.PostAsJsonAsync(tasks, new { title = "t", assigneeId = stranger.Id }), HttpStatusCode.BadRequest);
        await HttpAssert.ProblemAsync(await owner.Client.PostAsJsonAsync(tasks, new { title = "t", labelIds = new[] { theirLabel } }), HttpStatusCode.BadRequest);
        var url = $"{tasks}/{(await owner.CreateTaskAsync(projectId)).GetProperty("id").GetString()}";
        await HttpAssert.ProblemAsync(await owner.Client.PatchAsJsonAsync(url, new { assigneeId = stranger.Id }), HttpStatusCode.BadRequest);
        await HttpAssert.ProblemAsync(await owner.Client.PatchAsJsonAsync(url, new { labelIds = new[] { theirLabel } }), HttpStatusCode.BadRequest);

        var list = await HttpAssert.OkAsync(await owner.Client.GetAsync(tasks));
        Assert.Equal(1, list.GetProperty("items").GetArrayLength());
        Assert.Equal(1, (await HttpAssert.OkAsync(await owner.Client.GetAsync(url))).GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Moving_orders_a_column_and_a_stale_board_gets_409_or_412()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var viewer = await fixture.NewUserAsync("Viewer");
        var stranger = await fixture.NewUserAsync("Stranger");
        var projectId = await owner.CreateProjectAsync();
        await owner.AddMemberAsync(projectId, viewer, "viewer");
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add((await owner.CreateTaskAsync(projectId, $"task {i}")).GetProperty("id").GetString()!);
        }

        var done = (await owner.CreateTaskAsync(projectId, "done", "done")).GetProperty("id").GetString()!;
        string Move(string id) => $"/api/projects/{projectId}/tasks/{id}/move";

        var moved = await owner.Client.PostAsJsonAsync(Move(ids[3]), new { afterId = ids[0] });
        var body = await HttpAssert.OkAsync(moved);
        Assert.Equal("\"2\"", moved.Headers.ETag?.ToString());
        Assert.Equal(2, body.GetProperty("version").GetInt64());
        await HttpAssert.OkAsync(await owner.Client.PostAsJsonAsync(Move(ids[1]), new { status = "done", beforeId = done }));
        await HttpAssert.OkAsync(await owner.Client.PostAsJsonAsync(Move(ids[2]), new { }));
        Assert.Equal([ids[0], ids[3], ids[2]], await ColumnAsync(owner, projectId, "todo"));
        Assert.Equal([ids[1], done], await ColumnAsync(owner, projectId, "done"));

        // A neighbour in another column, the task itself, an old version, a viewer, a stranger.
        await HttpAssert.ProblemAsync(await owner.Client.PostAsJsonAsync(Move(ids[0]), new { afterId = done }), HttpStatusCode.Conflict);
        await HttpAssert.ProblemAsync(await owner.Client.PostAsJsonAsync(Move(ids[0]), new { beforeId = ids[0] }), HttpStatusCode.Conflict);
        using (var stale = new HttpRequestMessage(HttpMethod.Post, Move(ids[0])) { Content = JsonContent.Create(new { afterId = ids[2] }) })
        {
            stale.Headers.IfMatch.ParseAdd("\"7\"");
            await HttpAssert.ProblemAsync(await owner.Client.SendAsync(stale), HttpStatusCode.PreconditionFailed);
        }

        await HttpAssert.ProblemAsync(await viewer.Client.PostAsJsonAsync(Move(ids[0]), new { afterId = ids[2] }), HttpStatusCode.Forbidden);
        await HttpAssert.ProblemAsync(await stranger.Client.PostAsJsonAsync(Move(ids[0]), new { afterId = ids[2] }), HttpStatusCode.NotFound);
        await HttpAssert.ProblemAsync(await owner.Client.PostRawAsync(Move(ids[0]), """{"status":"blocked"}"""), HttpStatusCode.BadRequest);
        await HttpAssert.ProblemAsync(await owner.Client.PostRawAsync(Move(ids[0]), """{"afterId":"../x"}"""), HttpStatusCode.BadRequest);
        Assert.Equal([ids[0], ids[3], ids[2]], await ColumnAsync(owner, projectId, "todo"));
    }

    [Fact]
    public async Task Filters_combine_with_status_and_order_and_cursors_belong_to_their_filters()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var bob = await fixture.NewUserAsync("Bob");
        var projectId = await owner.CreateProjectAsync();
        await owner.AddMemberAsync(projectId, bob, "editor");
        var herbs = await LabelAsync(owner, projectId, "Herbs", "#22aa44");
        var tasks = $"/api/projects/{projectId}/tasks";
        async Task<string> Create(object body) => (await HttpAssert.OkAsync(await owner.Client.PostAsJsonAsync(tasks, body), HttpStatusCode.Created)).GetProperty("id").GetString()!;
        var basil = await Create(new { title = "Sow basil", assigneeId = bob.Id, dueDate = "2026-12-10", labelIds = new[] { herbs } });
        var thyme = await Create(new { title = "Sow thyme", status = "in_progress", assigneeId = bob.Id });
        var mint = await Create(new { title = "Water mint", labelIds = new[] { herbs }, dueDate = "2027-02-01" });

        async Task<List<string>> Ids(string query) =>
            [.. (await HttpAssert.OkAsync(await owner.Client.GetAsync($"{tasks}?{query}"))).GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetString()!)];
        Assert.Equal([basil, thyme], await Ids($"assigneeId={bob.Id}"));
        Assert.Equal([thyme], await Ids($"assigneeId={bob.Id}&status=in_progress"));
        Assert.Equal([mint], await Ids("assigneeId=none"));
        Assert.Equal([basil, mint], await Ids($"labelId={herbs}&order=rank"));
        Assert.Equal([basil], await Ids("dueBefore=2026-12-31"));
        Assert.Equal([basil, thyme], await Ids("q=SOW"));
        Assert.Equal([basil, mint, thyme], await Ids("order=rank"));

        var page = await HttpAssert.OkAsync(await owner.Client.GetAsync($"{tasks}?q=sow&limit=1"));
        var cursor = page.GetProperty("nextCursor").GetString();
        Assert.Equal([thyme], await Ids($"q=sow&limit=1&cursor={cursor}"));
        foreach (var bad in new[] { $"q=mint&cursor={cursor}", $"order=rank&q=sow&cursor={cursor}", "order=oldest", "dueBefore=tomorrow", "assigneeId=a%2Fb", $"q={new string('q', 101)}" })
        {
            await HttpAssert.ProblemAsync(await owner.Client.GetAsync($"{tasks}?{bad}"), HttpStatusCode.BadRequest);
        }
    }

    /// <summary>
    /// Issue 12, finding 9 through HTTP: `?status=done&amp;limit=1` over many `todo` tasks answers at once with an empty
    /// page and a cursor (the fixture bounds a request to 100 tasks looked at), never by reading the whole project.
    /// </summary>
    [Fact]
    public async Task A_filter_that_matches_little_is_answered_in_short_bounded_pages()
    {
        var owner = await fixture.NewUserAsync();
        var projectId = await owner.CreateProjectAsync();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async worker =>
        {
            for (var i = 0; i < 30; i++)
            {
                await owner.CreateTaskAsync(projectId, $"todo {worker}-{i}");
            }
        }));
        var done = (await owner.CreateTaskAsync(projectId, "the done one", "done")).GetProperty("id").GetString();

        var first = await HttpAssert.OkAsync(await owner.Client.GetAsync($"/api/projects/{projectId}/tasks?status=done&limit=1"));
        Assert.Empty(first.GetProperty("items").EnumerateArray());
        var found = new List<string>();
        var pages = 1;
        for (var cursor = first.GetProperty("nextCursor").GetString(); cursor is not null; pages++)
        {
            var page = await HttpAssert.OkAsync(await owner.Client.GetAsync($"/api/projects/{projectId}/tasks?status=done&limit=1&cursor={cursor}"));
            found.AddRange(page.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
        }

        Assert.Equal([done!], found);
        Assert.InRange(pages, 3, 4);
    }

    [Fact]
    public async Task My_tasks_lists_only_the_callers_tasks_of_projects_they_still_belong_to()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var me = await fixture.NewUserAsync("Me");
        var garden = await owner.CreateProjectAsync("Garden");
        var kitchen = await owner.CreateProjectAsync("Kitchen");
        await owner.AddMemberAsync(garden, me, "editor");
        await owner.AddMemberAsync(kitchen, me, "viewer");
        var soon = (await HttpAssert.OkAsync(await owner.Client.PostAsJsonAsync($"/api/projects/{kitchen}/tasks", new { title = "soon", assigneeId = me.Id, dueDate = "2026-12-01" }), HttpStatusCode.Created)).GetProperty("id").GetString();
        var later = (await HttpAssert.OkAsync(await owner.Client.PostAsJsonAsync($"/api/projects/{garden}/tasks", new { title = "later", assigneeId = me.Id, dueDate = "2027-01-01" }), HttpStatusCode.Created)).GetProperty("id").GetString();
        await HttpAssert.OkAsync(await owner.Client.PostAsJsonAsync($"/api/projects/{garden}/tasks", new { title = "owner's", assigneeId = owner.Id }), HttpStatusCode.Created);

        async Task<List<string?>> Mine() =>
            [.. (await HttpAssert.OkAsync(await me.Client.GetAsync("/api/tasks?assigneeId=me"))).GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetString())];
        Assert.Equal([soon, later], await Mine());

        Assert.Equal(HttpStatusCode.NoContent, (await me.Client.DeleteAsync($"/api/projects/{kitchen}/members/{me.Id}")).StatusCode);
        Assert.Equal([later], await Mine());

        await HttpAssert.ProblemAsync(await me.Client.GetAsync("/api/tasks"), HttpStatusCode.BadRequest);
        await HttpAssert.ProblemAsync(await me.Client.GetAsync($"/api/tasks?assigneeId={owner.Id}"), HttpStatusCode.BadRequest);
        await HttpAssert.ProblemAsync(await me.Client.GetAsync("/api/tasks?assigneeId=me&cursor=bm9wZQ"), HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Client().GetAsync("/api/tasks?assigneeId=me")).StatusCode);
    }

    [Fact]
    public async Task A_removed_members_tasks_lose_their_assignee_for_every_reader()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var bob = await fixture.NewUserAsync("Bob");
        var projectId = await owner.CreateProjectAsync();
        await owner.AddMemberAsync(projectId, bob, "editor");
        var url = $"/api/projects/{projectId}/tasks/" + (await HttpAssert.OkAsync(await owner.Client.PostAsJsonAsync(
            $"/api/projects/{projectId}/tasks", new { title = "Bob's", assigneeId = bob.Id }), HttpStatusCode.Created)).GetProperty("id").GetString();
        Assert.Equal(bob.Id, (await HttpAssert.OkAsync(await owner.Client.GetAsync(url))).GetProperty("assigneeId").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.DeleteAsync($"/api/projects/{projectId}/members/{bob.Id}")).StatusCode);

        Assert.Equal(JsonValueKind.Null, (await HttpAssert.OkAsync(await owner.Client.GetAsync(url))).GetProperty("assigneeId").ValueKind);
        var list = await HttpAssert.OkAsync(await owner.Client.GetAsync($"/api/projects/{projectId}/tasks?assigneeId={bob.Id}"));
        Assert.Empty(list.GetProperty("items").EnumerateArray());
        Assert.Empty((await HttpAssert.OkAsync(await bob.Client.GetAsync("/api/tasks?assigneeId=me"))).GetProperty("items").EnumerateArray());
    }

    internal static async Task<string> LabelAsync(TestUser user, string projectId, string name, string color) =>
        (await HttpAssert.OkAsync(await user.Client.PostAsJsonAsync($"/api/projects/{projectId}/labels", new { name, color }), HttpStatusCode.Created))
            .GetProperty("id").GetString()!;

    private static async Task<List<string>> ColumnAsync(TestUser user, string projectId, string status) =>
        [.. (await HttpAssert.OkAsync(await user.Client.GetAsync($"/api/projects/{projectId}/tasks?status={status}&order=rank&limit=200")))
            .GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetString()!)];
}
