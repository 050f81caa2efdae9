using Amazon.DynamoDBv2.Model;
using Cumin.Exports;
using Cumin.Primitives;
using Cumin.Users;

namespace Cumin.Grains.Tests;

/// <summary>
/// Issue 12, finding 3: at most 3 exports of a user pending or running. No exporter runs here, so jobs stay pending
/// until a test moves them on in the jobs table, as the exporter would.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class ExportQuotaTests(GrainCluster fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task A_fourth_export_while_three_are_pending_is_refused_and_makes_no_job()
    {
        var (user, projectId) = await UserWithProjectAsync();
        for (var i = 0; i < ExportLimits.ActivePerUser; i++)
        {
            Assert.True((await user.StartExport(projectId)).IsOk);
        }

        var refused = await user.StartExport(projectId);
        Assert.Equal(Outcome.TooManyRequests, refused.Outcome);
        Assert.Equal(3, (await user.ListExports()).Count);
        // Refusing again changes nothing either.
        Assert.Equal(Outcome.TooManyRequests, (await user.StartExport(projectId)).Outcome);
        Assert.Equal(3, (await user.ListExports()).Count);
    }

    [Fact]
    public async Task An_export_that_ended_gives_its_place_back_even_before_its_notification_arrives()
    {
        var (user, projectId) = await UserWithProjectAsync();
        var first = (await user.StartExport(projectId)).Value!;
        await user.StartExport(projectId);
        await user.StartExport(projectId);

        await SetStatusAsync(UserIdOf(user), first.Id, "done");

        Assert.True((await user.StartExport(projectId)).IsOk);
        Assert.Equal(Outcome.TooManyRequests, (await user.StartExport(projectId)).Outcome);
        Assert.Equal(4, (await user.ListExports()).Count);
    }

    [Fact]
    public async Task Exports_dead_past_the_stale_limit_are_ended_as_failed_and_their_owner_told()
    {
        var (user, projectId) = await UserWithProjectAsync();
        var stuck = new List<ExportView>();
        for (var i = 0; i < 3; i++)
        {
            stuck.Add((await user.StartExport(projectId)).Value!);
        }

        // One was claimed by an exporter that then died: running, for ever.
        await SetStatusAsync(UserIdOf(user), stuck[0].Id, "running");
        fixture.Clock.Advance(ExportLimits.StaleAfter - TimeSpan.FromMinutes(1));
        Assert.Equal(Outcome.TooManyRequests, (await user.StartExport(projectId)).Outcome);

        fixture.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.True((await user.StartExport(projectId)).IsOk);
        var exports = await user.ListExports();
        Assert.All(stuck, s => Assert.Equal(ExportStatus.Failed, exports.Single(e => e.Id == s.Id).Status));
        Assert.All(stuck, s => Assert.Contains("did not finish in time", exports.Single(e => e.Id == s.Id).Error, StringComparison.Ordinal));
        var notifications = await user.GetNotifications(10);
        Assert.Equal(stuck.Select(s => s.Id).Order(), notifications.Where(n => n.Type == "export.failed").Select(n => n.Data.ExportId).Order());
    }

    private async Task<(IUserGrain User, string ProjectId)> UserWithProjectAsync()
    {
        var profile = await Grains.RegisterAsync();
        return (Grains.GetGrain<IUserGrain>(profile.Id), await Grains.CreateProjectAsync(profile));
    }

    private static string UserIdOf(IUserGrain user) => user.GetPrimaryKeyString();

    /// <summary>What the exporter does: a conditional update of the job that also bumps its etag.</summary>
    private async Task SetStatusAsync(string userId, string exportId, string status)
    {
        using var dynamo = Cumin.Testing.LocalStack.DynamoDb();
        await dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = fixture.Prefix + "jobs",
            Key = new() { ["pk"] = new AttributeValue { S = userId }, ["sk"] = new AttributeValue { S = exportId } },
            UpdateExpression = "SET #status = :status ADD etag :one",
            ExpressionAttributeNames = new() { ["#status"] = "status" },
            ExpressionAttributeValues = new() { [":status"] = new AttributeValue { S = status }, [":one"] = new AttributeValue { N = "1" } },
        });
    }
}
