using Amazon.DynamoDBv2.Model;
using Cumin.Orleans.DynamoDB.Tests.Grains;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace Cumin.Orleans.DynamoDB.Tests;

/// <summary>Optimistic concurrency, driven through the silo's provider and a second provider instance (as a second silo would hold).</summary>
[Collection(StorageClusterCollection.Name)]
public sealed class ConcurrencyTests(StorageCluster fixture)
{
    [Fact]
    public async Task Concurrent_writers_holding_the_same_etag_one_wins_the_other_gets_InconsistentStateException()
    {
        var grainId = NewProfileId();
        var silo = fixture.Storage;
        using var otherSilo = SecondStorage();
        await silo.WriteStateAsync("profile", grainId, new GrainState<ProfileRecord>(new ProfileRecord { DisplayName = "first" }));
        var mine = new GrainState<ProfileRecord>(new ProfileRecord { DisplayName = "mine" }, "1");
        var theirs = new GrainState<ProfileRecord>(new ProfileRecord { DisplayName = "theirs" }, "1");

        var outcomes = await Task.WhenAll(
            Outcome(silo.WriteStateAsync("profile", grainId, mine)),
            Outcome(otherSilo.WriteStateAsync("profile", grainId, theirs)));
        var stored = new GrainState<ProfileRecord>();
        await silo.ReadStateAsync("profile", grainId, stored);

        Assert.Single(outcomes, outcome => outcome is null);
        var conflict = Assert.IsType<InconsistentStateException>(Assert.Single(outcomes, outcome => outcome is not null));
        Assert.Equal("2", conflict.StoredEtag);
        Assert.Equal("1", conflict.CurrentEtag);
        var winner = outcomes[0] is null ? mine : theirs;
        Assert.Equal("2", winner.ETag);
        Assert.Equal(winner.State, stored.State);
        Assert.Equal("2", stored.ETag);
    }

    [Fact]
    public async Task Stale_etag_write_throws_InconsistentStateException_and_changes_nothing()
    {
        var grainId = NewProfileId();
        var storage = fixture.Storage;
        var current = new GrainState<ProfileRecord>(new ProfileRecord { DisplayName = "v1" });
        await storage.WriteStateAsync("profile", grainId, current);
        current.State = new ProfileRecord { DisplayName = "v2" };
        await storage.WriteStateAsync("profile", grainId, current);

        var stale = new GrainState<ProfileRecord>(new ProfileRecord { DisplayName = "stale" }, "1");
        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("profile", grainId, stale));
        var stored = new GrainState<ProfileRecord>();
        await storage.ReadStateAsync("profile", grainId, stored);

        Assert.Equal("2", conflict.StoredEtag);
        Assert.Equal("1", conflict.CurrentEtag);
        Assert.Contains(grainId.ToString(), conflict.Message, StringComparison.Ordinal);
        Assert.Equal("1", stale.ETag);
        Assert.Equal("v2", stored.State?.DisplayName);
        Assert.Equal("2", stored.ETag);
    }

    [Fact]
    public async Task First_write_over_an_existing_item_throws_InconsistentStateException()
    {
        var grainId = NewProfileId();
        await fixture.Storage.WriteStateAsync("profile", grainId, new GrainState<ProfileRecord>(new ProfileRecord { DisplayName = "first" }));
        using var otherSilo = SecondStorage();

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() =>
            otherSilo.WriteStateAsync("profile", grainId, new GrainState<ProfileRecord>(new ProfileRecord { DisplayName = "second" })));

        Assert.Equal("1", conflict.StoredEtag);
    }

    [Fact]
    public async Task Clear_with_a_stale_etag_throws_InconsistentStateException_and_keeps_the_item()
    {
        var projectId = $"project-{Guid.NewGuid():N}";
        var grainId = GrainId.Create("taskstate", $"{projectId}/task-1");
        var storage = fixture.Storage;
        var current = new GrainState<TaskRecord>(GrainStorageTests.SampleTask(projectId, "task-1"));
        await storage.WriteStateAsync("task", grainId, current);
        await storage.WriteStateAsync("task", grainId, current);

        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            storage.ClearStateAsync("task", grainId, new GrainState<TaskRecord>(new TaskRecord(), "1")));
        var item = await fixture.DynamoDb.GetItemAsync(new GetItemRequest
        {
            TableName = fixture.TasksTable,
            Key = new Dictionary<string, AttributeValue> { ["pk"] = new() { S = projectId }, ["sk"] = new() { S = "task-1" } },
            ConsistentRead = true,
        });

        Assert.Equal("2", item.Item["etag"].N);
    }

    [Fact]
    public async Task State_property_named_like_a_reserved_attribute_is_a_configuration_error()
    {
        var grainId = NewProfileId();

        var error = await Assert.ThrowsAsync<OrleansConfigurationException>(() =>
            fixture.Storage.WriteStateAsync("profile", grainId, new GrainState<EtagShadowingState>(new EtagShadowingState { Revision = "r1" })));

        Assert.Contains("'etag'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'profile'", error.Message, StringComparison.Ordinal);
    }

    private static GrainId NewProfileId() => GrainId.Create("profile", Guid.NewGuid().ToString("N"));

    private DynamoDBGrainStorage SecondStorage()
    {
        var options = new DynamoDBGrainStorageOptions();
        fixture.Configure(options);
        return new DynamoDBGrainStorage("other-silo", options, fixture.DynamoDb, NullLogger<DynamoDBGrainStorage>.Instance);
    }

    private static async Task<Exception?> Outcome(Task write)
    {
        try
        {
            await write;
            return null;
        }
        catch (InconsistentStateException exception)
        {
            return exception;
        }
    }
}
