using System.Net;
using System.Net.Http.Json;
using Cumin.Api.Http;
using Cumin.Testing;

namespace Cumin.Api.Tests;

/// <summary>A silo and an API whose DynamoDB is reached through a proxy the tests can cut.</summary>
public sealed class DynamoDBFaultFixture : ApiFixture
{
    public TcpProxy DynamoDB { get; } = new(new Uri(LocalStack.DynamoDbEndpoint));

    public override Task InitializeAsync()
    {
        DynamoDB.Start();
        return base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await DynamoDB.DisposeAsync();
    }

    protected override void Configure(Dictionary<string, string?> settings) =>
        settings["Cumin:DynamoDB:ServiceUrl"] = DynamoDB.Address.ToString();
}

/// <summary>DynamoDB going away and coming back: 503s while it is gone, nothing acknowledged lost, service resumes.</summary>
public sealed class DependencyFaultTests(DynamoDBFaultFixture fixture) : IClassFixture<DynamoDBFaultFixture>
{
    /// <summary>Issue 15's rolling restart: a silo handing its grains over made calls expire, and each was a 500.</summary>
    [Fact]
    public void A_grain_call_that_expired_before_placement_is_a_503_not_a_500()
    {
        var expired = new OperationCanceledException("Message expired before placement could complete for grain project/p1.");
        var (status, _, _) = ApiExceptionHandler.Classify(new AggregateException(expired));
        Assert.Equal(503, status);
        Assert.Equal(500, ApiExceptionHandler.Classify(new InvalidOperationException("a bug")).Status);
    }

    [Fact]
    public async Task DynamoDB_down_gives_503_with_retry_after_and_loses_no_acknowledged_write()
    {
        var owner = await fixture.NewUserAsync();
        var projectId = await owner.CreateProjectAsync();
        var taskId = (await owner.CreateTaskAsync(projectId)).GetProperty("id").GetString();
        var url = $"/api/projects/{projectId}/tasks/{taskId}";
        var acknowledged = await HttpAssert.OkAsync(await owner.Client.PatchAsJsonAsync(url, new { status = "in_progress" }));
        Assert.Equal(2, acknowledged.GetProperty("version").GetInt64());

        await fixture.DynamoDB.CutAsync();
        try
        {
            var write = await owner.Client.PatchAsJsonAsync(url, new { status = "done" });
            await HttpAssert.ProblemAsync(write, HttpStatusCode.ServiceUnavailable);
            Assert.True(write.Headers.Contains("Retry-After"));

            var register = await fixture.Client().PostAsJsonAsync("/auth/register",
                new { name = "Late", email = $"late-{Guid.NewGuid():N}@example.com", password = "pa55word!" });
            await HttpAssert.ProblemAsync(register, HttpStatusCode.ServiceUnavailable);

            var ready = await fixture.Client().GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }
        finally
        {
            fixture.DynamoDB.Start();
        }

        // Back up: the acknowledged write is there, the refused one is not, and writes work again.
        var current = await HttpAssert.OkAsync(await owner.Client.GetAsync(url));
        Assert.Equal("in_progress", current.GetProperty("status").GetString());
        Assert.Equal(2, current.GetProperty("version").GetInt64());
        var again = await HttpAssert.OkAsync(await owner.Client.PatchAsJsonAsync(url, new { status = "done" }));
        Assert.Equal(3, again.GetProperty("version").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await fixture.Client().GetAsync("/health/ready")).StatusCode);
    }
}
