using Cumin.Projects;
using Cumin.Tasks;
using Cumin.Users;

namespace Cumin.Grains.Tests;

/// <summary>A project with a few tasks and people, for the board's grain tests.</summary>
internal sealed record BoardProject(IGrainFactory Grains, UserProfile Owner, string ProjectId)
{
    public IProjectGrain Project => Grains.GetGrain<IProjectGrain>(ProjectId);

    public ITaskGrain Task(string taskId) => Grains.GetGrain<ITaskGrain>(ITaskGrain.KeyOf(ProjectId, taskId));

    public static async Task<BoardProject> CreateAsync(IGrainFactory grains)
    {
        var owner = await grains.RegisterAsync("Owner");
        return new BoardProject(grains, owner, await grains.CreateProjectAsync(owner));
    }

    public async Task<TaskItem> AddTaskAsync(string title = "t", TaskItemStatus status = TaskItemStatus.Todo, string? assigneeId = null, DateOnly? due = null, IReadOnlyList<string>? labels = null)
    {
        var reply = await Project.CreateTask(Owner.Id, new TaskDraft(title, null, status, TaskPriority.Medium, assigneeId, due, labels));
        Assert.True(reply.IsOk, reply.Detail);
        return reply.Value!;
    }

    public async Task<List<TaskItem>> AddTasksAsync(int count, TaskItemStatus status = TaskItemStatus.Todo)
    {
        var tasks = new List<TaskItem>();
        for (var i = 0; i < count; i++)
        {
            tasks.Add(await AddTaskAsync($"task {i}", status));
        }

        return tasks;
    }

    /// <summary>Many tasks at once, for tests where their order does not matter (creation interleaves in the project).</summary>
    public async Task<List<TaskItem>> AddManyTasksAsync(int count, TaskItemStatus status = TaskItemStatus.Todo)
    {
        var tasks = new List<TaskItem>();
        foreach (var chunk in Enumerable.Range(0, count).Chunk(16))
        {
            tasks.AddRange(await System.Threading.Tasks.Task.WhenAll(chunk.Select(i => AddTaskAsync($"task {i}", status))));
        }

        return tasks;
    }

    public async Task<UserProfile> AddMemberAsync(ProjectRole role, string name = "Member")
    {
        var member = await Grains.RegisterAsync(name);
        Assert.True((await Project.AddMember(Owner.Id, member.AsMember(role))).IsOk);
        return member;
    }

    /// <summary>Every task of the query, following cursors (pages may be short).</summary>
    public async Task<List<TaskItem>> ListAllAsync(TaskQuery query, string? callerId = null)
    {
        var all = new List<TaskItem>();
        for (string? cursor = null; ;)
        {
            var page = await Project.ListTasks(callerId ?? Owner.Id, query with { Cursor = cursor, Limit = TaskLimits.PageMax });
            Assert.True(page.IsOk, page.Detail);
            all.AddRange(page.Value!.Items);
            if ((cursor = page.Value.NextCursor) is null)
            {
                return all;
            }
        }
    }

    public async Task<List<string>> ColumnAsync(TaskItemStatus status) =>
        [.. (await ListAllAsync(new TaskQuery { Status = status, Order = TaskOrder.Rank })).Select(t => t.Id)];

    public async Task<TaskItem> MoveAsync(string taskId, TaskItemStatus? status = null, string? afterId = null, string? beforeId = null)
    {
        var reply = await Task(taskId).Move(Owner.Id, new TaskMove(status, afterId, beforeId), null);
        Assert.True(reply.IsOk, reply.Detail);
        return reply.Value!;
    }
}

internal static class Eventually
{
    /// <summary>Waits for <paramref name="condition"/> with a generous deadline (the machine may be busy), then asserts it.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {seconds} s: {what}");
            await Task.Delay(50);
        }
    }
}
