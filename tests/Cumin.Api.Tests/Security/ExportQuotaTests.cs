using System.Net;

namespace Cumin.Api.Tests.Security;

/// <summary>The API and silo without the exporter: every export stays pending.</summary>
public sealed class NoExporterApiFixture : ApiFixture
{
    protected override bool WithRunner => false;
}

/// <summary>Issue 12, finding 3 at the HTTP edge: a fourth export while three are pending is a 429 with Retry-After.</summary>
public sealed class ExportQuotaTests(NoExporterApiFixture fixture) : IClassFixture<NoExporterApiFixture>
{
    [Fact]
    public async Task A_fourth_pending_export_is_refused_with_retry_after_and_another_user_is_not()
    {
        var flooder = await fixture.NewUserAsync("Flooder");
        var other = await fixture.NewUserAsync("Other");
        var project = await flooder.CreateProjectAsync();
        await flooder.AddMemberAsync(project, other, "viewer");
        for (var i = 0; i < 3; i++)
        {
            await HttpAssert.OkAsync(await flooder.Client.PostAsync($"/api/projects/{project}/exports", null), HttpStatusCode.Accepted);
        }

        var refused = await flooder.Client.PostAsync($"/api/projects/{project}/exports", null);
        var problem = await HttpAssert.ProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.Equal(TimeSpan.FromSeconds(10), refused.Headers.RetryAfter?.Delta);
        Assert.Contains("at most 3", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var listed = await HttpAssert.OkAsync(await flooder.Client.GetAsync("/api/exports"));
        Assert.Equal(3, listed.GetProperty("items").GetArrayLength());

        // The quota is per user: a member of the same project still exports.
        await HttpAssert.OkAsync(await other.Client.PostAsync($"/api/projects/{project}/exports", null), HttpStatusCode.Accepted);
    }
}
