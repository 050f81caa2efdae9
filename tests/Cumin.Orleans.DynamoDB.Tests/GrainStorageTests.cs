using Amazon.DynamoDBv2.Model;
using Cumin.Orleans.DynamoDB.Tests.Grains;
using Orleans;
using Orleans.Runtime;

namespace Cumin.Orleans.DynamoDB.Tests;

/// <summary>Grains on a silo persisting through the provider; what they store is checked with plain SDK calls.</summary>
[Collection(StorageClusterCollection.Name)]
public sealed class GrainStorageTests(StorageCluster fixture)
{
    private IGrainFactory Grains => fixture.Cluster.Client;

    [Fact]
    public async Task State_written_by_a_grain_is_read_back_by_a_new_activation()
    {
        var (projectId, taskId) = NewTaskKey();
        var grain = Grains.GetGrain<ITaskStateGrain>($"{projectId}/{taskId}");
        var task = SampleTask(projectId, taskId);

        var etag = await grain.Save(task);
        var before = await grain.Load();
        await grain.Deactivate();
        var after = await NextActivation(grain, before.ActivationId);

        Assert.Equal("1", etag);
        Assert.NotEqual(before.ActivationId, after.ActivationId);
        Assert.True(after.RecordExists);
        Assert.Equal("1", after.ETag);
        Assert.Equivalent(task, after.State, strict: true);
        Assert.Equal(task.CreatedAt, after.State.CreatedAt);
    }

    [Fact]
    public async Task State_is_stored_as_native_top_level_attributes()
    {
        var (projectId, taskId) = NewTaskKey();
        await Grains.GetGrain<ITaskStateGrain>($"{projectId}/{taskId}").Save(SampleTask(projectId, taskId));

        var item = await GetItem(fixture.TasksTable, ("pk", projectId), ("sk", taskId));

        Assert.NotNull(item);
        Assert.Equal(projectId, item["pk"].S);
        Assert.Equal(taskId, item["sk"].S);
        Assert.Equal(taskId, item["id"].S);
        Assert.Equal(projectId, item["projectId"].S);
        Assert.Equal("Write the storage provider", item["title"].S);
        Assert.Equal("in_progress", item["status"].S);
        Assert.Equal("high", item["priority"].S);
        Assert.Equal(new DateTimeOffset(2025, 11, 24, 18, 30, 0, TimeSpan.Zero), DateTimeOffset.Parse(item["createdAt"].S, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("3", item["version"].N);
        Assert.Equal("1", item["etag"].N);
        Assert.Equal(["storage", "dynamodb"], item["tags"].L.Select(x => x.S));
        Assert.True(item["body"].NULL);

        var estimate = item["estimate"].M;
        Assert.Equal("2.5", estimate["hours"].N);
        Assert.Equal("ana", estimate["reviewer"].S);
        Assert.True(estimate["approved"].BOOL);
        Assert.Equal(["1", "2", "3"], estimate["checkpoints"].L.Select(x => x.N));
    }

    [Fact]
    public async Task Compound_key_puts_a_projects_tasks_in_one_partition()
    {
        var projectId = $"project-{Guid.NewGuid():N}";
        await Grains.GetGrain<ITaskStateGrain>($"{projectId}/task-a").Save(SampleTask(projectId, "task-a"));
        await Grains.GetGrain<ITaskStateGrain>($"{projectId}/task-b").Save(SampleTask(projectId, "task-b") with { Status = WorkStatus.Done });

        var page = await fixture.DynamoDb.QueryAsync(new QueryRequest
        {
            TableName = fixture.TasksTable,
            KeyConditionExpression = "pk = :pk",
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":pk"] = new() { S = projectId } },
            ConsistentRead = true,
        });

        Assert.Equal(["task-a", "task-b"], page.Items.Select(item => item["sk"].S).Order());
        Assert.Equal(["done", "in_progress"], page.Items.Select(item => item["status"].S).Order());
    }

    [Fact]
    public async Task Clear_with_DeleteStateOnClear_deletes_the_item()
    {
        var (projectId, taskId) = NewTaskKey();
        var grain = Grains.GetGrain<ITaskStateGrain>($"{projectId}/{taskId}");
        await grain.Save(SampleTask(projectId, taskId));

        await grain.Clear();
        var cleared = await grain.Load();
        var item = await GetItem(fixture.TasksTable, ("pk", projectId), ("sk", taskId));
        await grain.Deactivate();
        var reread = await NextActivation(grain, cleared.ActivationId);
        var etagAfterRewrite = await grain.Save(SampleTask(projectId, taskId));

        Assert.Null(item);
        Assert.False(cleared.RecordExists);
        Assert.Null(cleared.ETag);
        Assert.False(reread.RecordExists);
        Assert.Null(reread.ETag);
        Assert.Equal(string.Empty, reread.State.Title);
        Assert.Equal("1", etagAfterRewrite);
    }

    [Fact]
    public async Task Clear_without_delete_keeps_only_keys_and_a_bumped_etag()
    {
        var id = Guid.NewGuid();
        var grain = Grains.GetGrain<IProfileGrain>(id);
        await grain.Save(new ProfileRecord { DisplayName = "Ana", Logins = 1 });
        await grain.Save(new ProfileRecord { DisplayName = "Ana", Logins = 2 });

        await grain.Clear();
        var cleared = await grain.Load();
        var item = await GetItem(fixture.ProfilesTable, ("pk", id.ToString("N")));
        await grain.Deactivate();
        var reread = await NextActivation(grain, cleared.ActivationId);
        var etagAfterRewrite = await grain.Save(new ProfileRecord { DisplayName = "Bea", Logins = 1 });

        Assert.NotNull(item);
        Assert.Equal(["etag", "expiresAt", "pk"], item.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("3", item["etag"].N);
        Assert.False(cleared.RecordExists);
        Assert.Equal("3", cleared.ETag);
        Assert.False(reread.RecordExists);
        Assert.Equal("3", reread.ETag);
        Assert.Equal(new ProfileRecord(), reread.State);
        Assert.Equal("4", etagAfterRewrite);
    }

    [Fact]
    public async Task Provider_stamps_the_ttl_attribute_on_each_write()
    {
        var id = Guid.NewGuid();
        var before = DateTimeOffset.UtcNow;
        await Grains.GetGrain<IProfileGrain>(id).Save(new ProfileRecord { DisplayName = "Ana" });
        var after = DateTimeOffset.UtcNow;

        var item = await GetItem(fixture.ProfilesTable, ("pk", id.ToString("N")));

        Assert.NotNull(item);
        var expires = long.Parse(item["expiresAt"].N, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires, before.AddDays(30).ToUnixTimeSeconds(), after.AddDays(30).ToUnixTimeSeconds());
    }

    [Fact]
    public async Task Unmapped_state_name_goes_to_the_default_table_keyed_by_grain_id_and_state_name()
    {
        var grain = Grains.GetGrain<INoteGrain>(Random.Shared.NextInt64());
        await grain.Save(new NoteRecord { Text = "remember the milk" });

        var item = await GetItem(fixture.DefaultTable, ("pk", grain.GetGrainId().ToString()), ("sk", "note"));

        Assert.NotNull(item);
        Assert.Equal("remember the milk", item["text"].S);
        Assert.Equal("1", item["etag"].N);
    }

    [Fact]
    public async Task Oversize_state_is_rejected_naming_the_grain_and_nothing_is_written()
    {
        var (projectId, taskId) = NewTaskKey();
        var grain = Grains.GetGrain<ITaskStateGrain>($"{projectId}/{taskId}");
        var huge = SampleTask(projectId, taskId) with { Body = new string('x', 410 * 1024) };

        var error = await Assert.ThrowsAsync<DynamoDBItemTooLargeException>(() => grain.Save(huge));
        var item = await GetItem(fixture.TasksTable, ("pk", projectId), ("sk", taskId));
        var state = await grain.Load();

        Assert.Contains($"{projectId}/{taskId}", error.Message, StringComparison.Ordinal);
        Assert.Contains("'task'", error.Message, StringComparison.Ordinal);
        Assert.Null(item);
        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
    }

    [Fact]
    public async Task State_just_under_the_item_limit_is_written()
    {
        var (projectId, taskId) = NewTaskKey();
        var grain = Grains.GetGrain<ITaskStateGrain>($"{projectId}/{taskId}");
        var large = SampleTask(projectId, taskId) with { Body = new string('x', 400 * 1024 - 1024) };

        var etag = await grain.Save(large);
        var item = await GetItem(fixture.TasksTable, ("pk", projectId), ("sk", taskId));

        Assert.Equal("1", etag);
        Assert.NotNull(item);
        Assert.Equal(large.Body.Length, item["body"].S.Length);
    }

    internal static TaskRecord SampleTask(string projectId, string taskId) => new()
    {
        Id = taskId,
        ProjectId = projectId,
        Title = "Write the storage provider",
        Description = "State as native attributes, with ünïcödé",
        Status = WorkStatus.InProgress,
        Priority = WorkPriority.High,
        CreatedAt = new DateTimeOffset(2025, 11, 24, 18, 30, 0, TimeSpan.Zero),
        Version = 3,
        Tags = ["storage", "dynamodb"],
        Estimate = new Estimate { Hours = 2.5, Reviewer = "ana", Checkpoints = [1, 2, 3], Approved = true },
    };

    private static (string ProjectId, string TaskId) NewTaskKey() => ($"project-{Guid.NewGuid():N}", $"task-{Guid.NewGuid():N}");

    /// <summary>Calls the grain until a new activation answers: DeactivateOnIdle takes effect after the current call.</summary>
    private static async Task<StoredState<T>> NextActivation<T>(IStateGrain<T> grain, Guid previous)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var state = await grain.Load();
            if (state.ActivationId != previous)
            {
                return state;
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException("The grain was not deactivated.");
    }

    private async Task<Dictionary<string, AttributeValue>?> GetItem(string table, params (string Name, string Value)[] key)
    {
        var response = await fixture.DynamoDb.GetItemAsync(new GetItemRequest
        {
            TableName = table,
            Key = key.ToDictionary(part => part.Name, part => new AttributeValue { S = part.Value }),
            ConsistentRead = true,
        });
        return response.Item is { Count: > 0 } item ? item : null;
    }
}
