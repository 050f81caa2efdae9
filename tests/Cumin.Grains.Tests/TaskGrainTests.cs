using Amazon.DynamoDBv2.Model;
using Cumin.Primitives;
using Cumin.Projects;
using Cumin.Tasks;
using Cumin.Testing;
using Orleans.Runtime;

namespace Cumin.Grains.Tests;

[Collection(GrainClusterCollection.Name)]
public sealed class TaskGrainTests(GrainCluster fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task Task_state_survives_deactivation_and_is_stored_as_native_attributes()
    {
        var owner = await Grains.RegisterAsync();
        var projectId = await Grains.CreateProjectAsync(owner);
        var project = Grains.GetGrain<IProjectGrain>(projectId);
        var created = (await project.CreateTask(owner.Id, new TaskDraft("Sow basil", "by the window", TaskItemStatus.Todo, TaskPriority.High))).Value!;
        var task = Grains.GetGrain<ITaskGrain>(ITaskGrain.KeyOf(projectId, created.Id));
        Assert.True((await task.Update(owner.Id, new TaskPatch { Status = TaskItemStatus.InProgress }, 1)).IsOk);

        await fixture.Cluster.DeactivateAsync(task.GetGrainId());
        var reread = await task.Get(owner.Id);
        Assert.Equal(TaskItemStatus.InProgress, reread.Value!.Status);
        Assert.Equal(2, reread.Value.Version);
        Assert.Equal("by the window", reread.Value.Description);

        using var dynamo = LocalStack.DynamoDb();
        var item = (await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = fixture.Prefix + "tasks",
            Key = new() { ["pk"] = new AttributeValue { S = projectId }, ["sk"] = new AttributeValue { S = created.Id } },
            ConsistentRead = true,
        })).Item;
        Assert.Equal("in_progress", item["status"].S);
        Assert.Equal("high", item["priority"].S);
        Assert.Equal("Sow basil", item["title"].S);
        Assert.Equal("2", item["version"].N);
        Assert.NotNull(item["etag"].N);
    }

    [Fact]
    public async Task Non_members_get_NotFound_and_viewers_Forbidden()
    {
        var owner = await Grains.RegisterAsync("Owner");
        var viewer = await Grains.RegisterAsync("Viewer");
        var stranger = await Grains.RegisterAsync("Stranger");
        var projectId = await Grains.CreateProjectAsync(owner);
        var project = Grains.GetGrain<IProjectGrain>(projectId);
        Assert.True((await project.AddMember(owner.Id, viewer.AsMember(ProjectRole.Viewer))).IsOk);
        var taskId = (await project.CreateTask(owner.Id, new TaskDraft("t", null, TaskItemStatus.Todo, TaskPriority.Low))).Value!.Id;
        var task = Grains.GetGrain<ITaskGrain>(ITaskGrain.KeyOf(projectId, taskId));

        Assert.Equal(Outcome.NotFound, (await task.Get(stranger.Id)).Outcome);
        Assert.Equal(Outcome.NotFound, (await task.Update(stranger.Id, new TaskPatch { Title = "x" }, null)).Outcome);
        Assert.Equal(Outcome.NotFound, (await project.CreateTask(stranger.Id, new TaskDraft("x", null, TaskItemStatus.Todo, TaskPriority.Low))).Outcome);

        Assert.True((await task.Get(viewer.Id)).IsOk);
        Assert.Equal(Outcome.Forbidden, (await task.Update(viewer.Id, new TaskPatch { Title = "x" }, null)).Outcome);
        Assert.Equal(Outcome.Forbidden, (await task.Delete(viewer.Id)).Outcome);
        Assert.Equal(Outcome.Forbidden, (await project.CreateTask(viewer.Id, new TaskDraft("x", null, TaskItemStatus.Todo, TaskPriority.Low))).Outcome);

        Assert.Equal("t", (await task.Get(owner.Id)).Value!.Title);
    }

    [Fact]
    public async Task Concurrent_updates_with_one_expected_version_let_exactly_one_through()
    {
        var owner = await Grains.RegisterAsync();
        var projectId = await Grains.CreateProjectAsync(owner);
        var taskId = (await Grains.GetGrain<IProjectGrain>(projectId).CreateTask(owner.Id, new TaskDraft("t", null, TaskItemStatus.Todo, TaskPriority.Low))).Value!.Id;
        var task = Grains.GetGrain<ITaskGrain>(ITaskGrain.KeyOf(projectId, taskId));

        var replies = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            task.Update(owner.Id, new TaskPatch { Title = $"title {i}" }, expectedVersion: 1)));

        Assert.Equal(1, replies.Count(r => r.IsOk));
        Assert.Equal(9, replies.Count(r => r.Outcome == Outcome.PreconditionFailed));
        var winner = replies.Single(r => r.IsOk).Value!;
        Assert.Equal(winner.Title, (await task.Get(owner.Id)).Value!.Title);
        Assert.Equal(2, winner.Version);
    }

    [Fact]
    public async Task The_grain_refuses_what_the_API_would_refuse()
    {
        var owner = await Grains.RegisterAsync();
        var projectId = await Grains.CreateProjectAsync(owner);
        var project = Grains.GetGrain<IProjectGrain>(projectId);
        Assert.Equal(Outcome.Invalid, (await project.CreateTask(owner.Id, new TaskDraft(new string('t', 201), null, TaskItemStatus.Todo, TaskPriority.Low))).Outcome);
        Assert.Equal(Outcome.Invalid, (await project.CreateTask(owner.Id, new TaskDraft("  ", null, TaskItemStatus.Todo, TaskPriority.Low))).Outcome);
        Assert.Equal(Outcome.Invalid, (await project.CreateTask(owner.Id, new TaskDraft("t", new string('d', 5001), TaskItemStatus.Todo, TaskPriority.Low))).Outcome);
        Assert.Empty((await project.ListTasks(owner.Id, new TaskQuery { Limit = 50 })).Value!.Items);
    }

    [Fact]
    public async Task A_no_op_patch_does_not_write_or_bump_the_version()
    {
        var owner = await Grains.RegisterAsync();
        var projectId = await Grains.CreateProjectAsync(owner);
        var created = (await Grains.GetGrain<IProjectGrain>(projectId).CreateTask(owner.Id, new TaskDraft("t", null, TaskItemStatus.Todo, TaskPriority.Low))).Value!;
        var task = Grains.GetGrain<ITaskGrain>(ITaskGrain.KeyOf(projectId, created.Id));
        var same = await task.Update(owner.Id, new TaskPatch { Title = "t", Status = TaskItemStatus.Todo }, null);
        Assert.Equal(1, same.Value!.Version);
    }

    [Fact]
    public async Task Timestamps_come_from_the_clock()
    {
        var owner = await Grains.RegisterAsync();
        var projectId = await Grains.CreateProjectAsync(owner);
        var created = (await Grains.GetGrain<IProjectGrain>(projectId).CreateTask(owner.Id, new TaskDraft("t", null, TaskItemStatus.Todo, TaskPriority.Low))).Value!;
        fixture.Clock.Advance(TimeSpan.FromMinutes(5));
        var updated = (await Grains.GetGrain<ITaskGrain>(ITaskGrain.KeyOf(projectId, created.Id)).Update(owner.Id, new TaskPatch { Status = TaskItemStatus.Done }, null)).Value!;
        Assert.True(updated.UpdatedAt - created.CreatedAt >= TimeSpan.FromMinutes(5));
        Assert.Equal(created.CreatedAt, updated.CreatedAt);
    }

    /// <summary>Issue 12, finding 19: a delete that failed for the caller may have landed; the activation must not show the task.</summary>
    [Fact]
    public async Task A_delete_whose_answer_is_lost_leaves_no_activation_showing_the_task()
    {
        var owner = await Grains.RegisterAsync();
        var projectId = await Grains.CreateProjectAsync(owner);
        var created = (await Grains.GetGrain<IProjectGrain>(projectId).CreateTask(owner.Id, new TaskDraft("t", null, TaskItemStatus.Todo, TaskPriority.Low))).Value!;
        var task = Grains.GetGrain<ITaskGrain>(ITaskGrain.KeyOf(projectId, created.Id));
        Assert.True((await task.Get(owner.Id)).IsOk);

        fixture.Faults.LoseNextDeleteAnswer(created.Id);
        await Assert.ThrowsAnyAsync<Exception>(() => task.Delete(owner.Id));

        Assert.Equal(Outcome.NotFound, (await task.Get(owner.Id)).Outcome);
    }
}
