using System.Net;
using System.Net.Http.Json;
using Cumin.Api.Http;
using Cumin.Orleans.DynamoDB;
using Cumin.Projects;
using Cumin.Tasks;
using Cumin.Users;
using Orleans.Runtime;

namespace Cumin.Api.Tests;

/// <summary>API.md's Limits table: past a limit is a 409 titled "Limit reached", never a 500, and nothing changes.</summary>
[Collection(ApiCollection.Name)]
public sealed class LimitTests(ApiFixture fixture)
{
    /// <summary>
    /// Issue 12, finding 2: an owner could add anyone to any number of projects until the victim's record passed
    /// DynamoDB's 400 KB item limit, and the victim could no longer sign in. The attack now stops at 1,000 projects.
    /// </summary>
    [Fact]
    public async Task Sharing_projects_with_someone_stops_at_1000_and_they_still_sign_in()
    {
        var attacker = await fixture.NewUserAsync("Attacker");
        var victim = await fixture.NewUserAsync("Victim");
        // The first thousand through the grains (HTTP would take minutes), exactly as the endpoints do it, by ten owners at once.
        var victimMember = new Member(victim.Id, victim.Name, victim.Email, ProjectRole.Viewer);
        var owners = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => fixture.NewUserAsync($"Owner{i}")));
        await Task.WhenAll(owners.Select(async owner =>
        {
            for (var i = 0; i < UserLimits.ProjectsMax / owners.Length; i++)
            {
                var project = await fixture.Grains.GetGrain<IUserGrain>(owner.Id).CreateProject(new ProjectDraft($"bait {i}", null));
                Assert.True(project.IsOk, project.Detail);
                Assert.True((await fixture.Grains.GetGrain<IProjectGrain>(project.Value!.Id).AddMember(owner.Id, victimMember)).IsOk);
            }
        }));

        var projectId = await attacker.CreateProjectAsync();
        var added = await attacker.Client.PostAsJsonAsync($"/api/projects/{projectId}/members", new { email = victim.Email, role = "editor" });
        var problem = await HttpAssert.ProblemAsync(added, HttpStatusCode.Conflict);
        Assert.Equal("Limit reached", problem.GetProperty("title").GetString());
        Assert.Contains("1000", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var members = await HttpAssert.OkAsync(await attacker.Client.GetAsync($"/api/projects/{projectId}/members"));
        Assert.Equal(1, members.GetProperty("items").GetArrayLength());

        // The victim still signs in and lists every project they are in.
        var login = await fixture.Client().PostAsJsonAsync("/auth/login", new { email = victim.Email, password = "correct horse battery" });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var listed = await HttpAssert.OkAsync(await victim.Client.GetAsync("/api/projects"));
        Assert.Equal(UserLimits.ProjectsMax, listed.GetProperty("items").GetArrayLength());
        var own = await victim.Client.PostAsJsonAsync("/api/projects", new { name = "mine" });
        Assert.Equal("Limit reached", (await HttpAssert.ProblemAsync(own, HttpStatusCode.Conflict)).GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_project_takes_100_labels_and_a_task_20_past_them_a_409_and_a_400_that_change_nothing()
    {
        var owner = await fixture.NewUserAsync("Owner");
        var projectId = await owner.CreateProjectAsync();
        var labels = $"/api/projects/{projectId}/labels";
        var ids = new List<string>();
        for (var i = 0; i < ProjectLimits.LabelsMax; i++)
        {
            ids.Add(await BoardTests.LabelAsync(owner, projectId, $"label {i:D3}", "#22aa44"));
        }

        var past = await HttpAssert.ProblemAsync(await owner.Client.PostAsJsonAsync(labels, new { name = "one more", color = "#000000" }), HttpStatusCode.Conflict);
        Assert.Equal("Limit reached", past.GetProperty("title").GetString());
        Assert.Contains(ProjectLimits.LabelsMax.ToString(System.Globalization.CultureInfo.InvariantCulture), past.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(ProjectLimits.LabelsMax, (await HttpAssert.OkAsync(await owner.Client.GetAsync(labels))).GetProperty("items").GetArrayLength());

        var tasks = $"/api/projects/{projectId}/tasks";
        var tooMany = ids.Take(TaskLimits.LabelsMax + 1).ToArray();
        await HttpAssert.ProblemAsync(await owner.Client.PostAsJsonAsync(tasks, new { title = "over", labelIds = tooMany }), HttpStatusCode.BadRequest);
        var full = await HttpAssert.OkAsync(await owner.Client.PostAsJsonAsync(tasks, new { title = "full", labelIds = tooMany[..TaskLimits.LabelsMax] }), HttpStatusCode.Created);
        Assert.Equal(TaskLimits.LabelsMax, full.GetProperty("labelIds").GetArrayLength());
        var url = $"{tasks}/{full.GetProperty("id").GetString()}";
        await HttpAssert.ProblemAsync(await owner.Client.PatchAsJsonAsync(url, new { labelIds = tooMany }), HttpStatusCode.BadRequest);

        var stored = await HttpAssert.OkAsync(await owner.Client.GetAsync(url));
        Assert.Equal(1, stored.GetProperty("version").GetInt64());
        Assert.Equal(tooMany[..TaskLimits.LabelsMax].Order(StringComparer.Ordinal), stored.GetProperty("labelIds").EnumerateArray().Select(l => l.GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(1, (await HttpAssert.OkAsync(await owner.Client.GetAsync(tasks))).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public void A_record_that_would_pass_the_item_limit_is_a_409_not_a_500()
    {
        var tooLarge = new DynamoDBItemTooLargeException(GrainId.Create("user", "u1"), "user", "cumin-users", 420_000, 409_600);
        var (status, title, detail) = ApiExceptionHandler.Classify(tooLarge);
        Assert.Equal(409, status);
        Assert.Equal("Limit reached", title);
        Assert.Contains("400 KB", detail, StringComparison.Ordinal);
    }
}
