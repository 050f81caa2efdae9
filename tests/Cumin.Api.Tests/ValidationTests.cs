using System.Net;
using System.Net.Http.Json;

namespace Cumin.Api.Tests;

/// <summary>Every rule of API.md: malformed or out-of-bounds input is a problem+json 4xx and changes nothing.</summary>
[Collection(ApiEdgeCollection.Name)]
public sealed class ValidationTests(ApiFixture fixture)
{
    private static readonly string Long201 = new('x', 201);

    public static TheoryData<string, string> BadRegistrations => new()
    {
        { "empty name", """{"name":"","email":"a@example.com","password":"pa55word!"}""" },
        { "name of 101", $$"""{"name":"{{new string('n', 101)}}","email":"a@example.com","password":"pa55word!"}""" },
        { "no @", """{"name":"A","email":"not-an-address","password":"pa55word!"}""" },
        { "no domain dot", """{"name":"A","email":"a@localhost","password":"pa55word!"}""" },
        { "display name", """{"name":"A","email":"A <a@example.com>","password":"pa55word!"}""" },
        { "password of 7", """{"name":"A","email":"a@example.com","password":"short77"}""" },
        { "password of 129", $$"""{"name":"A","email":"a@example.com","password":"{{new string('p', 129)}}"}""" },
        { "missing password", """{"name":"A","email":"a@example.com"}""" },
        { "number as name", """{"name":42,"email":"a@example.com","password":"pa55word!"}""" },
        { "unknown field", """{"name":"A","email":"a@example.com","password":"pa55word!","isAdmin":true}""" },
        { "malformed JSON", """{"name":"A","email":""" },
        { "array body", """["A","a@example.com"]""" },
    };

    [Theory]
    [MemberData(nameof(BadRegistrations))]
    public async Task Bad_registration_is_400_and_creates_no_account(string because, string json)
    {
        var email = $"v-{Guid.NewGuid():N}@example.com";
        var client = fixture.Client();
        var response = await client.PostRawAsync("/auth/register", json.Replace("a@example.com", email, StringComparison.Ordinal));
        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out _) || problem.TryGetProperty("detail", out _), because);

        var login = await client.PostAsJsonAsync("/auth/login", new { email, password = "pa55word!" });
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }

    [Fact]
    public async Task Validation_failures_name_the_fields()
    {
        var response = await fixture.Client().PostRawAsync("/auth/register", """{"name":"","email":"nope","password":"x"}""");
        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("Name", out _) || errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("Email", out _) || errors.TryGetProperty("email", out _));
        Assert.True(errors.TryGetProperty("Password", out _) || errors.TryGetProperty("password", out _));
    }

    public static TheoryData<string, string> BadProjects => new()
    {
        { "empty name", """{"name":""}""" },
        { "blank name", """{"name":"   "}""" },
        { "name of 201", $$"""{"name":"{{Long201}}"}""" },
        { "description of 2001", $$"""{"name":"ok","description":"{{new string('d', 2001)}}"}""" },
        { "missing name", """{"description":"no name"}""" },
        { "name as object", """{"name":{"first":"x"}}""" },
        { "unknown field", """{"name":"ok","ownerId":"someone-else"}""" },
        { "malformed", """{"name":"ok",""" },
    };

    [Theory]
    [MemberData(nameof(BadProjects))]
    public async Task Bad_project_is_400_and_creates_nothing(string because, string json)
    {
        var user = await fixture.NewUserAsync();
        await HttpAssert.ProblemAsync(await user.Client.PostRawAsync("/api/projects", json), HttpStatusCode.BadRequest);
        var list = await HttpAssert.OkAsync(await user.Client.GetAsync("/api/projects"));
        Assert.True(list.GetProperty("items").GetArrayLength() == 0, because);
    }

    public static TheoryData<string, string> BadTasks => new()
    {
        { "empty title", """{"title":""}""" },
        { "blank title", """{"title":"  "}""" },
        { "title of 201", $$"""{"title":"{{Long201}}"}""" },
        { "description of 5001", $$"""{"title":"ok","description":"{{new string('d', 5001)}}"}""" },
        { "unknown status", """{"title":"ok","status":"blocked"}""" },
        { "status in another case", """{"title":"ok","status":"InProgress"}""" },
        { "status as number", """{"title":"ok","status":1}""" },
        { "unknown priority", """{"title":"ok","priority":"urgent"}""" },
        { "title as number", """{"title":5}""" },
        { "title as array", """{"title":["a"]}""" },
        { "unknown field", """{"title":"ok","version":99}""" },
        { "malformed", """{"title": ok}""" },
        { "empty body", "" },
    };

    [Theory]
    [MemberData(nameof(BadTasks))]
    public async Task Bad_task_is_400_and_creates_nothing(string because, string json)
    {
        var user = await fixture.NewUserAsync();
        var projectId = await user.CreateProjectAsync();
        await HttpAssert.ProblemAsync(await user.Client.PostRawAsync($"/api/projects/{projectId}/tasks", json), HttpStatusCode.BadRequest);
        var list = await HttpAssert.OkAsync(await user.Client.GetAsync($"/api/projects/{projectId}/tasks"));
        Assert.True(list.GetProperty("items").GetArrayLength() == 0, because);
    }

    [Theory]
    [MemberData(nameof(BadTasks))]
    public async Task Bad_task_patch_is_400_and_changes_nothing(string because, string json)
    {
        if (json.Length == 0 || json.Contains("version", StringComparison.Ordinal))
        {
            json = """{"title":"ok","status":"blocked"}""";
        }

        var user = await fixture.NewUserAsync();
        var projectId = await user.CreateProjectAsync();
        var taskId = (await user.CreateTaskAsync(projectId)).GetProperty("id").GetString();
        var url = $"/api/projects/{projectId}/tasks/{taskId}";
        await HttpAssert.ProblemAsync(await user.Client.PatchRawAsync(url, json), HttpStatusCode.BadRequest);
        var task = await HttpAssert.OkAsync(await user.Client.GetAsync(url));
        Assert.True(task.GetProperty("version").GetInt64() == 1, because);
        Assert.Equal("Water the basil", task.GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=201")]
    [InlineData("limit=abc")]
    [InlineData("status=blocked")]
    [InlineData("cursor=!!!")]
    [InlineData("cursor=bm90IGFuIGlkIQ")]
    public async Task Bad_list_query_is_400(string query)
    {
        var user = await fixture.NewUserAsync();
        var projectId = await user.CreateProjectAsync();
        await HttpAssert.ProblemAsync(await user.Client.GetAsync($"/api/projects/{projectId}/tasks?{query}"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Body_over_1_MiB_is_413_and_creates_nothing()
    {
        var user = await fixture.NewUserAsync();
        var projectId = await user.CreateProjectAsync();
        var json = $$"""{"title":"big","description":"{{new string('d', 1_100_000)}}"}""";
        // Expect: 100-continue, so the client waits for the verdict on the headers before it sends the body: Kestrel
        // answers 413 from the Content-Length and closes, and a client still writing would see a broken pipe instead.
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/projects/{projectId}/tasks")
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.ExpectContinue = true;
        await HttpAssert.ProblemAsync(await user.Client.SendAsync(request), HttpStatusCode.RequestEntityTooLarge);
        var list = await HttpAssert.OkAsync(await user.Client.GetAsync($"/api/projects/{projectId}/tasks"));
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("/api/projects/a%2Fb")]
    [InlineData("/api/projects/..%2F..%2Fusers")]
    [InlineData("/api/projects/x/tasks/a%2Fb")]
    public async Task Ids_that_could_escape_their_grain_key_are_404(string path)
    {
        var user = await fixture.NewUserAsync();
        await HttpAssert.ProblemAsync(await user.Client.GetAsync(path), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("PATCH", "/api/projects/a%2Fb", """{"name":"x"}""")]
    [InlineData("DELETE", "/api/projects/a%2Fb", null)]
    [InlineData("POST", "/api/projects/a%2Fb/members", """{"email":"ada@example.com","role":"viewer"}""")]
    [InlineData("DELETE", "/api/projects/x/members/a%2Fb", null)]
    [InlineData("POST", "/api/projects/a%2Fb/tasks", """{"title":"x"}""")]
    [InlineData("DELETE", "/api/projects/x/tasks/a%2Fb", null)]
    [InlineData("GET", "/api/projects/a%2Fb/labels", null)]
    [InlineData("DELETE", "/api/projects/x/labels/a%2Fb", null)]
    [InlineData("GET", "/api/projects/x/tasks/a%2Fb/comments", null)]
    [InlineData("DELETE", "/api/projects/x/tasks/y/comments/a%2Fb", null)]
    [InlineData("POST", "/api/projects/a%2Fb/exports", null)]
    [InlineData("GET", "/api/exports/a%2Fb", null)]
    public async Task Every_route_answers_an_id_that_could_escape_its_grain_key_with_404(string method, string path, string? json)
    {
        var user = await fixture.NewUserAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        await HttpAssert.ProblemAsync(await user.Client.SendAsync(request), HttpStatusCode.NotFound);
        var projects = await HttpAssert.OkAsync(await user.Client.GetAsync("/api/projects"));
        Assert.Equal(0, projects.GetProperty("items").GetArrayLength());
    }
}
