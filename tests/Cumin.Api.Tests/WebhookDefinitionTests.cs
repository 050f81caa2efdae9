using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cumin.Webhooks;

namespace Cumin.Api.Tests;

/// <summary>
/// API.md's "Webhooks" definitions, with the fixture's configuration as in Production (Testing: no <c>http://</c>, no
/// private targets): owner only, at most 10, the secret shown once, and every refused URL or list a 400 that stores nothing.
/// Public addresses are written as literals, so no test depends on a resolver this machine may not have.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class WebhookDefinitionTests(ApiFixture fixture)
{
    private const string PublicUrl = "https://93.184.215.14/hooks/cumin";
    private static readonly string[] All = ["*"];
    private static readonly string[] CreatedAndMoved = ["task.created", "task.moved"];

    [Fact]
    public async Task The_owner_creates_lists_changes_pings_and_deletes_a_webhook_and_sees_the_secret_only_once()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var projectId = await owner.CreateProjectAsync();
        var hooks = $"/api/projects/{projectId}/webhooks";

        var created = await HttpAssert.OkAsync(
            await owner.Client.PostAsJsonAsync(hooks, new { url = PublicUrl, events = CreatedAndMoved }), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        var secret = created.GetProperty("secret").GetString()!;
        Assert.Equal(64, secret.Length);
        Assert.Equal(PublicUrl, created.GetProperty("url").GetString());
        Assert.True(created.GetProperty("active").GetBoolean());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("lastDelivery").ValueKind);

        var listed = await HttpAssert.OkAsync(await owner.Client.GetAsync(hooks));
        var item = Assert.Single(listed.GetProperty("items").EnumerateArray());
        Assert.Equal(id, item.GetProperty("id").GetString());
        Assert.Equal(["task.created", "task.moved"], item.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.False(item.TryGetProperty("secret", out _));
        Assert.DoesNotContain(secret, listed.GetRawText(), StringComparison.Ordinal);

        var patched = await HttpAssert.OkAsync(await owner.Client.PatchAsJsonAsync($"{hooks}/{id}", new { events = All, active = false }));
        Assert.False(patched.GetProperty("active").GetBoolean());
        Assert.Equal(["*"], patched.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(PublicUrl, patched.GetProperty("url").GetString());
        Assert.False(patched.TryGetProperty("secret", out _));

        Assert.Equal(HttpStatusCode.Accepted, (await owner.Client.PostAsync($"{hooks}/{id}/ping", null)).StatusCode);
        var deliveries = await HttpAssert.OkAsync(await owner.Client.GetAsync($"{hooks}/{id}/deliveries?limit=5"));
        Assert.True(deliveries.TryGetProperty("items", out _));

        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.DeleteAsync($"{hooks}/{id}")).StatusCode);
        Assert.Equal(0, (await HttpAssert.OkAsync(await owner.Client.GetAsync(hooks))).GetProperty("items").GetArrayLength());
        await HttpAssert.ProblemAsync(await owner.Client.PostAsync($"{hooks}/{id}/ping", null), HttpStatusCode.NotFound);
        await HttpAssert.ProblemAsync(await owner.Client.GetAsync($"{hooks}/{id}/deliveries"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Only_the_owner_manages_webhooks_members_get_403_and_strangers_404()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var editor = await fixture.NewUserAsync("Editor");
        var stranger = await fixture.NewUserAsync("Stranger");
        var projectId = await owner.CreateProjectAsync();
        await owner.AddMemberAsync(projectId, editor, "editor");
        var hooks = $"/api/projects/{projectId}/webhooks";
        var id = (await HttpAssert.OkAsync(await owner.Client.PostAsJsonAsync(hooks, new { url = PublicUrl, events = All }), HttpStatusCode.Created))
            .GetProperty("id").GetString()!;

        foreach (var (user, status) in new[] { (editor, HttpStatusCode.Forbidden), (stranger, HttpStatusCode.NotFound) })
        {
            await HttpAssert.ProblemAsync(await user.Client.GetAsync(hooks), status);
            await HttpAssert.ProblemAsync(await user.Client.PostAsJsonAsync(hooks, new { url = PublicUrl, events = All }), status);
            await HttpAssert.ProblemAsync(await user.Client.PatchAsJsonAsync($"{hooks}/{id}", new { active = false }), status);
            await HttpAssert.ProblemAsync(await user.Client.PostAsync($"{hooks}/{id}/ping", null), status);
            await HttpAssert.ProblemAsync(await user.Client.GetAsync($"{hooks}/{id}/deliveries"), status);
            await HttpAssert.ProblemAsync(await user.Client.DeleteAsync($"{hooks}/{id}"), status);
            // A stranger's private URL is not even looked at: the same 404.
            await HttpAssert.ProblemAsync(await user.Client.PostAsJsonAsync(hooks, new { url = "https://127.0.0.1/", events = All }), status);
        }

        var listed = await HttpAssert.OkAsync(await owner.Client.GetAsync(hooks));
        var item = Assert.Single(listed.GetProperty("items").EnumerateArray());
        Assert.True(item.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task A_project_takes_10_webhooks_the_11th_is_a_409_that_stores_nothing()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var projectId = await owner.CreateProjectAsync();
        var hooks = $"/api/projects/{projectId}/webhooks";
        for (var i = 0; i < WebhookLimits.PerProjectMax; i++)
        {
            await HttpAssert.OkAsync(await owner.Client.PostAsJsonAsync(hooks, new { url = $"{PublicUrl}/{i}", events = All }), HttpStatusCode.Created);
        }

        var past = await HttpAssert.ProblemAsync(await owner.Client.PostAsJsonAsync(hooks, new { url = PublicUrl, events = All }), HttpStatusCode.Conflict);
        Assert.Equal("Limit reached", past.GetProperty("title").GetString());
        Assert.Contains("10", past.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(WebhookLimits.PerProjectMax, (await HttpAssert.OkAsync(await owner.Client.GetAsync(hooks))).GetProperty("items").GetArrayLength());
    }

    public static TheoryData<string> RefusedTargets() =>
    [
        "https://127.0.0.1/hook",
        "https://127.8.9.10:8443/hook",
        "https://10.1.2.3/hook",
        "https://172.16.0.1/hook",
        "https://192.168.1.1/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://0.0.0.0/hook",
        "https://[::1]/hook",
        "https://[::]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://[::ffff:169.254.169.254]/hook",
        "https://[fe80::1]/hook",
        "https://[fd00:ec2::254]/hook",
        "https://localhost/hook",
        "https://2130706433/hook",
        "https://0x7f.1/hook",
    ];

    [Theory]
    [MemberData(nameof(RefusedTargets))]
    public async Task A_url_at_a_loopback_private_link_local_or_metadata_address_is_a_400_that_stores_nothing(string url)
    {
        var owner = await fixture.NewUserAsync("Owner");
        var projectId = await owner.CreateProjectAsync();
        var hooks = $"/api/projects/{projectId}/webhooks";
        var problem = await HttpAssert.ProblemAsync(await owner.Client.PostAsJsonAsync(hooks, new { url, events = All }), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("url", out _), problem.GetRawText());
        Assert.Equal(0, (await HttpAssert.OkAsync(await owner.Client.GetAsync(hooks))).GetProperty("items").GetArrayLength());

        // Nor can a webhook be pointed there afterwards.
        var id = (await HttpAssert.OkAsync(await owner.Client.PostAsJsonAsync(hooks, new { url = PublicUrl, events = All }), HttpStatusCode.Created))
            .GetProperty("id").GetString()!;
        await HttpAssert.ProblemAsync(await owner.Client.PatchAsJsonAsync($"{hooks}/{id}", new { url }), HttpStatusCode.BadRequest);
        var stored = Assert.Single((await HttpAssert.OkAsync(await owner.Client.GetAsync(hooks))).GetProperty("items").EnumerateArray());
        Assert.Equal(PublicUrl, stored.GetProperty("url").GetString());
    }

    public static TheoryData<string> HostileBodies() =>
    [
        """{"url":"http://93.184.215.14/hook","events":["*"]}""",
        """{"url":"ftp://93.184.215.14/hook","events":["*"]}""",
        """{"url":"not a url","events":["*"]}""",
        """{"url":"/relative/path","events":["*"]}""",
        """{"url":"https://user:pass@93.184.215.14/hook","events":["*"]}""",
        """{"url":"https://93.184.215.14/hook","events":["task.exploded"]}""",
        """{"url":"https://93.184.215.14/hook","events":[]}""",
        """{"url":"https://93.184.215.14/hook","events":["*","task.created"]}""",
        """{"url":"https://93.184.215.14/hook","events":["task.created","task.created"]}""",
        """{"url":"https://93.184.215.14/hook","events":"*"}""",
        """{"url":"https://93.184.215.14/hook"}""",
        """{"events":["*"]}""",
        """{"url":42,"events":["*"]}""",
        """{"url":"https://93.184.215.14/hook","events":["*"],""",
        $$"""{"url":"https://93.184.215.14/{{new string('a', 2100)}}","events":["*"]}""",
        $$"""{"url":"https://93.184.215.14/hook","events":[{{string.Join(",", Enumerable.Repeat("\"task.created\"", 17))}}]}""",
        """{"url":"https://no-such-host.invalid/hook","events":["*"]}""",
    ];

    [Theory]
    [MemberData(nameof(HostileBodies))]
    public async Task A_malformed_url_or_event_list_is_a_400_that_stores_nothing(string body)
    {
        var owner = await fixture.NewUserAsync("Owner");
        var projectId = await owner.CreateProjectAsync();
        var hooks = $"/api/projects/{projectId}/webhooks";
        await HttpAssert.ProblemAsync(await owner.Client.PostRawAsync(hooks, body), HttpStatusCode.BadRequest);
        Assert.Equal(0, (await HttpAssert.OkAsync(await owner.Client.GetAsync(hooks))).GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("many")]
    public async Task A_deliveries_limit_out_of_bounds_is_a_400(string limit)
    {
        var owner = await fixture.NewUserAsync("Owner");
        var projectId = await owner.CreateProjectAsync();
        var hooks = $"/api/projects/{projectId}/webhooks";
        var id = (await HttpAssert.OkAsync(await owner.Client.PostAsJsonAsync(hooks, new { url = PublicUrl, events = All }), HttpStatusCode.Created))
            .GetProperty("id").GetString()!;
        await HttpAssert.ProblemAsync(await owner.Client.GetAsync($"{hooks}/{id}/deliveries?limit={limit}"), HttpStatusCode.BadRequest);
    }
}
